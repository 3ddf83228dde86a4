"""Writes for access beyond a case's owner: a school's office lets a named officer of its local
authority work the school's own cases for a period, and may end it early. Each grant and each
revocation is a row that never changes, with its audit event in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from rollcall.casework.access import grant_state
from rollcall.casework.models import CaseAccessGrant, CaseAccessRevocation
from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label, audit_record
from rollcall.core.types import Actor
from rollcall.organisations.models import School
from rollcall.statutory.days import add_years

LA_ROLE_NEEDED = (
    "{name} does not work for {la}: a school can give access to its cases only to officers of "
    "its own local authority"
)
REASON_NEEDED = "Say why the officer needs access: the reason is kept with the record"


def _long(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


@transaction.atomic
def case_access_grant(
    *,
    actor: Actor,
    school: School,
    grantee: User,
    starts_on: dt.date,
    ends_on: dt.date,
    reason: str,
) -> CaseAccessGrant:
    """Let `grantee`, an officer of the school's LA, read and work the school's own cases from
    `starts_on` to `ends_on` (both included), as if working for the school."""
    today = clock.today()
    reason = reason.strip()
    errors: dict[str, str] = {}
    works_for_la = grantee.memberships.filter(local_authority_id=school.local_authority_id).exists()
    if not works_for_la:
        errors["grantee"] = LA_ROLE_NEEDED.format(
            name=actor_label(grantee), la=school.local_authority.name
        )
    if not reason:
        errors["reason"] = REASON_NEEDED
    if starts_on < today:
        errors["starts_on"] = "Access cannot start before today"
    if ends_on < starts_on:
        errors["ends_on"] = "The last day must be the same as or after the first day"
    elif ends_on >= add_years(starts_on, 1):
        errors["ends_on"] = "Access lasts at most a year: give it again to go on after that"
    if not errors:
        overlapping = (
            CaseAccessGrant.objects.filter(school=school, grantee=grantee)
            .filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
            .exclude(revocation__revoked_on__lte=starts_on)
            .first()
        )
        if overlapping is not None:
            errors["starts_on"] = (
                f"{actor_label(grantee)} already has access to {school.name}'s cases from "
                f"{_long(overlapping.starts_on)} to {_long(overlapping.ends_on)}"
            )
    if errors:
        raise ValidationError(errors)
    grant = CaseAccessGrant.objects.create(
        school=school,
        grantee=grantee,
        grantee_label=actor_label(grantee),
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        granted_at=clock.now(),
        granted_by=actor,
        granted_by_label=actor_label(actor),
    )
    audit_record(
        actor=actor,
        verb=Verb.CASE_ACCESS_GRANT,
        target=grant,
        summary=(
            f"{grant.grantee_label} may work {school.name}'s cases from {_long(starts_on)} to "
            f"{_long(ends_on)}"
        ),
        school_urn=school.urn,
        payload={
            "grantee": grantee.get_username(),
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "reason": reason,
        },
    )
    return grant


@transaction.atomic
def case_access_revoke(
    *, actor: Actor, grant: CaseAccessGrant, reason: str
) -> CaseAccessRevocation:
    """End a grant from today (or withdraw one not started yet)."""
    today = clock.today()
    reason = reason.strip()
    grant = CaseAccessGrant.objects.select_for_update().select_related("school").get(pk=grant.pk)
    state = grant_state(grant, today)
    if state == "revoked":
        raise ValidationError(
            {"reason": f"This access was already revoked on {_long(grant.revocation.revoked_on)}"}
        )
    if state == "ended":
        raise ValidationError({"reason": f"This access already ended on {_long(grant.ends_on)}"})
    if not reason:
        raise ValidationError({"reason": "Say why the access is ended early"})
    revocation = CaseAccessRevocation.objects.create(
        grant=grant,
        revoked_on=today,
        reason=reason,
        revoked_at=clock.now(),
        revoked_by=actor,
        revoked_by_label=actor_label(actor),
    )
    audit_record(
        actor=actor,
        verb=Verb.CASE_ACCESS_REVOKE,
        target=grant,
        summary=f"{grant.grantee_label} no longer works {grant.school.name}'s cases",
        school_urn=grant.school.urn,
        payload={
            "grantee": grant.grantee_label,
            "revoked_on": today.isoformat(),
            "was_in_force": state == "in force",
            "reason": reason,
        },
    )
    return revocation
