"""Writes for user accounts and their memberships."""

from __future__ import annotations

from collections.abc import Sequence

from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from rollcall.accounts.models import LA_ROLES, SCHOOL_ROLES, TRUST_ROLES, Membership, Role
from rollcall.core.audit import Verb, audit_record
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
    audit_record(actor=actor, verb=Verb.USER_CREATE, target=user, summary=f"Added user {username}")
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
        verb=Verb.MEMBERSHIP_ADD,
        target=membership,
        summary=f"{user.username} is now {Role(role).label} at {organisations[0]}",
        school_urn=school.urn if school else "",
    )
    return membership


NOTHING_TO_UNLOCK = "No failed sign-ins are recorded for {what}: there is nothing to unlock"
UNLOCK_NEEDS_WHOM = "Name a username or an address to unlock"


@transaction.atomic
def sign_in_lockout_record(
    *, username: str, ip_address: str, failures: int, lockout_minutes: int
) -> None:
    """Audit the failed sign-in that started a lockout (ASVS 7.2.1). The throttle itself is
    django-axes' (rollcall.accounts.sign_in), which has already counted the failure."""
    user = User.objects.filter(username=username).first()
    target = user or AccessAttempt.objects.filter(username=username, ip_address=ip_address).first()
    if target is None:
        return
    audit_record(
        actor=None,
        verb=Verb.SIGN_IN_LOCK_OUT,
        target=target,
        summary=(
            f"Sign-in paused for {lockout_minutes} minutes after {failures} failed sign-ins "
            f"for username {username!r} or from {ip_address}"
        ),
        payload={
            "username": username,
            "ip_address": ip_address,
            "failures": failures,
            "lockout_minutes": lockout_minutes,
        },
    )


@transaction.atomic
def sign_in_unlock(
    *, actor: Actor, usernames: Sequence[str] = (), ip_addresses: Sequence[str] = ()
) -> int:
    """End lockouts at once: forget the failed sign-ins counted against the usernames and
    from the addresses. Returns how many records of failures were forgotten."""
    if not usernames and not ip_addresses:
        raise ValidationError(UNLOCK_NEEDS_WHOM)
    attempts = AccessAttempt.objects.filter(
        Q(username__in=list(usernames)) | Q(ip_address__in=list(ip_addresses))
    ).order_by("attempt_time", "id")
    first = attempts.first()
    whom = [*(f"username {name!r}" for name in usernames), *ip_addresses]
    what = " and ".join(whom)
    if first is None:
        raise ValidationError(NOTHING_TO_UNLOCK.format(what=what))
    user = User.objects.filter(username=usernames[0]).first() if len(usernames) == 1 else None
    audit_record(
        actor=actor,
        verb=Verb.SIGN_IN_UNLOCK,
        target=user or first,
        summary=f"Unlocked sign-in for {what}",
        payload={"usernames": list(usernames), "ip_addresses": list(ip_addresses)},
    )
    count, _ = attempts.delete()
    return count
