"""Reads for access beyond a case's owner: the local authority officers a school has asked to
work its own cases for a period (Hackney's traded Education Attendance Service works schools'
stage 1 and 2 cases: HAC "Education Attendance Service"; the issue's item 9).

A grant is in force on a day from its first to its last day, unless the school revoked it on or
before that day, and only while the officer still works for the school's local authority.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User as Account
from django.db.models import Q, QuerySet

from rollcall.accounts.models import LA_ROLES, Membership
from rollcall.accounts.selectors import User, memberships_of
from rollcall.casework.models import CaseAccessGrant
from rollcall.organisations.models import School


def in_force_on(on: dt.date) -> Q:
    return Q(starts_on__lte=on, ends_on__gte=on) & (
        Q(revocation__isnull=True) | Q(revocation__revoked_on__gt=on)
    )


def schools_granted_to(*, user: User, on: dt.date) -> set[int]:
    """The schools whose own cases the user works on `on` under a grant in force."""
    authorities = [
        membership.local_authority_id
        for membership in memberships_of(user=user)
        if membership.local_authority_id and membership.role in LA_ROLES
    ]
    if not authorities:
        return set()
    return set(
        CaseAccessGrant.objects.filter(
            in_force_on(on), grantee_id=user.pk, school__local_authority_id__in=authorities
        ).values_list("school_id", flat=True)
    )


def school_grants(*, school: School) -> QuerySet[CaseAccessGrant]:
    """Every grant the school has made, newest first, with its revocation if any."""
    return (
        CaseAccessGrant.objects.filter(school=school)
        .select_related("revocation", "grantee")
        .order_by("-starts_on", "-id")
    )


def school_grant_for(*, school: School, grant_id: int) -> CaseAccessGrant | None:
    return school_grants(school=school).filter(pk=grant_id).first()


def la_staff_for(*, school: School) -> QuerySet[Membership]:
    """The people who work for the school's local authority: whom the school may grant access."""
    return (
        Membership.objects.filter(local_authority_id=school.local_authority_id, role__in=LA_ROLES)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def la_staff_member(*, school: School, user_id: int) -> Account | None:
    membership = la_staff_for(school=school).filter(user_id=user_id).first()
    return membership.user if membership is not None else None


def grant_state(grant: CaseAccessGrant, on: dt.date) -> str:
    """ "in force", "not started", "ended" or "revoked", as on `on`."""
    revocation = getattr(grant, "revocation", None)
    if revocation is not None and revocation.revoked_on <= on:
        return "revoked"
    if on < grant.starts_on:
        return "not started"
    if on > grant.ends_on:
        return "ended"
    return "in force"
