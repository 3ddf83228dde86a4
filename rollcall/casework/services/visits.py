"""Home visits on a case, made as the area's policy says they must be."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from rollcall.casework.models import Case, CaseEvent, HomeVisit
from rollcall.casework.services.cases import Owner, case_event_record
from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label, audit_record
from rollcall.core.types import Actor
from rollcall.policies import load_profile


@transaction.atomic
def home_visit_record(
    *,
    actor: Actor,
    case: Case,
    visited_on: dt.date,
    staff: Sequence[str],
    notes: str,
    seen: str = "",
    child_seen: bool = False,
    risk_assessed_on: dt.date | None = None,
    risk_assessment: str = "",
    acting_for: Owner | None = None,
) -> HomeVisit:
    """Record a home visit. Where the profile asks (the trust, MAT §6.3), a visit needs a risk
    assessment made before it and at least two members of staff."""
    names = [name.strip() for name in staff if name.strip()]
    rules = load_profile(case.profile_key).casework.home_visits
    errors: dict[str, str] = {}
    if not names:
        errors["staff"] = "Name who went on the visit"
    elif rules is not None and len(names) < rules.fewest_staff:
        errors["staff"] = (
            f"A home visit is never made by one member of staff alone: name at least "
            f"{rules.fewest_staff} people who went ({rules.source})"
        )
    if visited_on > clock.today():
        errors["visited_on"] = "The visit cannot be in the future: record it once it is made"
    if rules is not None and rules.risk_assessment_first:
        if risk_assessed_on is None or not risk_assessment.strip():
            errors["risk_assessment"] = (
                f"Record the risk assessment made before the visit, and its date ({rules.source})"
            )
        elif risk_assessed_on > visited_on:
            errors["risk_assessment"] = (
                "The risk assessment must be made before the visit, not after it"
            )
    if not notes.strip():
        errors["notes"] = "Write down what happened on the visit"
    if errors:
        raise ValidationError(errors)
    visit = HomeVisit.objects.create(
        case=case,
        visited_on=visited_on,
        staff=names,
        risk_assessed_on=risk_assessed_on,
        risk_assessment=risk_assessment.strip(),
        seen=seen.strip(),
        child_seen=child_seen,
        notes=notes.strip(),
        recorded_at=clock.now(),
        recorded_by=actor,
        recorded_by_label=actor_label(actor),
    )
    who = ", ".join(names)
    case_event_record(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.HOME_VISIT,
        on=visited_on,
        summary=f"Home visit by {who}" + (f"; saw {seen.strip()}" if seen.strip() else ""),
        rationale=notes.strip(),
        acting_for=acting_for,
        with_figures=False,
    )
    audit_record(
        actor=actor,
        verb=Verb.HOME_VISIT_RECORD,
        target=visit,
        summary=f"Home visit recorded for {case.pupil.display_name}",
        school_urn=case.school.urn,
        payload={"case": case.pk, "staff": names},
    )
    return visit
