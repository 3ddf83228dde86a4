"""What each user may see. Every read of children's data starts from these."""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from rollcall.accounts.models import Membership
from rollcall.organisations.models import School
from rollcall.pupils.models import Pupil

User = AbstractBaseUser | AnonymousUser


def memberships_of(*, user: User) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user_id=user.pk).select_related(
        "school", "trust", "local_authority"
    )


def schools_visible_to(*, user: User) -> QuerySet[School]:
    """A school's staff see their school; a trust lead the trust's academies; an LA officer
    every school in the LA's area (the LA's attendance duties cover academies too)."""
    if not user.is_authenticated:
        return School.objects.none()
    condition = Q(pk__in=[])
    for membership in memberships_of(user=user):
        if membership.school_id:
            condition |= Q(pk=membership.school_id)
        elif membership.trust_id:
            condition |= Q(trust_id=membership.trust_id)
        elif membership.local_authority_id:
            condition |= Q(local_authority_id=membership.local_authority_id)
    return School.objects.filter(condition).select_related("local_authority", "trust")


def school_for(*, user: User, urn: str) -> School | None:
    """The school with this URN if the user may see it; None for one that does not exist and one
    they may not see alike."""
    return schools_visible_to(user=user).filter(urn=urn).first()


def pupils_visible_to(*, user: User) -> QuerySet[Pupil]:
    """Pupils who have ever been enrolled at a school the user may see."""
    return Pupil.objects.filter(enrolments__school__in=schools_visible_to(user=user)).distinct()


def sign_in_locked_since(*, username: str, ip_address: str) -> dt.datetime | None:
    """The latest counted failed sign-in for the username or from the address: a lockout lasts
    the cool-off period from then (django-axes, rollcall.accounts.sign_in)."""
    latest = (
        AccessAttempt.objects.filter(Q(username=username) | Q(ip_address=ip_address))
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    return latest
