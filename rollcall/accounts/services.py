"""Writes for user accounts and their memberships."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from rollcall.accounts.models import LA_ROLES, SCHOOL_ROLES, TRUST_ROLES, Membership, Role
from rollcall.core.audit import audit_record
from rollcall.core.types import Actor
from rollcall.organisations.models import LocalAuthority, School, Trust


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_superuser: bool = False,
) -> User:
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"The username {username} is taken"})
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    user.set_password(password)
    user.save()
    audit_record(actor=actor, verb="user.create", target=user, summary=f"Added user {username}")
    return user


@transaction.atomic
def membership_add(
    *,
    actor: Actor,
    user: User,
    role: str,
    school: School | None = None,
    trust: Trust | None = None,
    local_authority: LocalAuthority | None = None,
) -> Membership:
    organisations = [o for o in (school, trust, local_authority) if o is not None]
    if len(organisations) != 1:
        raise ValidationError("A membership belongs to exactly one school, trust or LA")
    allowed = (
        {*SCHOOL_ROLES, Role.MIS_INTEGRATION} if school else TRUST_ROLES if trust else LA_ROLES
    )
    if role not in allowed:
        raise ValidationError(
            {"role": f"{Role(role).label} is not a role at a {type(organisations[0]).__name__}"}
        )
    membership = Membership.objects.create(
        user=user, role=role, school=school, trust=trust, local_authority=local_authority
    )
    audit_record(
        actor=actor,
        verb="membership.add",
        target=membership,
        summary=f"{user.username} is now {Role(role).label} at {organisations[0]}",
        school_urn=school.urn if school else "",
    )
    return membership
