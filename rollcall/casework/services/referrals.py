"""Referrals from a case to other services (early help, children's social care, health), and
their answers. Each is part of the case's record."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from rollcall.casework.models import AgencyReferral, AgencyResponse, Case, CaseEvent
from rollcall.casework.services.cases import Owner, case_event_record
from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label, audit_record
from rollcall.core.types import Actor


@transaction.atomic
def agency_referral_record(
    *,
    actor: Actor,
    case: Case,
    service: str,
    made_on: dt.date,
    reason: str,
    parents_told: bool,
    not_told_because: str = "",
    family_consented: bool = False,
    service_name: str = "",
    acting_for: Owner | None = None,
) -> AgencyReferral:
    """Record a referral. Parents are told before a referral unless telling them would put
    the child at greater risk (HAC 'Safeguarding children and young people'): then the reason
    is required."""
    errors: dict[str, str] = {}
    if service not in AgencyReferral.Service.values:
        errors["service"] = "Choose the service the child was referred to"
    if service == AgencyReferral.Service.OTHER and not service_name.strip():
        errors["service_name"] = "Name the service"
    if not reason.strip():
        errors["reason"] = "Say why the child was referred"
    if not parents_told and not not_told_because.strip():
        errors["not_told_because"] = (
            "Parents are told before a referral unless that would put the child at greater "
            "risk: record why they were not told"
        )
    if made_on > clock.today():
        errors["made_on"] = "The referral cannot be in the future: record it once it is made"
    if errors:
        raise ValidationError(errors)
    referral = AgencyReferral.objects.create(
        case=case,
        service=service,
        service_name=service_name.strip(),
        made_on=made_on,
        reason=reason.strip(),
        parents_told=parents_told,
        not_told_because=not_told_because.strip(),
        family_consented=family_consented,
        recorded_at=clock.now(),
        recorded_by=actor,
        recorded_by_label=actor_label(actor),
    )
    label = service_name.strip() or AgencyReferral.Service(service).label
    case_event_record(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.REFERRAL,
        on=made_on,
        summary=f"Referred to {label}" + ("" if parents_told else " (parents not told first)"),
        rationale=reason.strip()
        + ("" if parents_told else f"\n\nParents not told because: {not_told_because.strip()}"),
        acting_for=acting_for,
    )
    audit_record(
        actor=actor,
        verb=Verb.AGENCY_REFERRAL_RECORD,
        target=referral,
        summary=f"Referral to {label} for {case.pupil.display_name}",
        school_urn=case.school.urn,
        payload={"case": case.pk, "service": service},
    )
    return referral


@transaction.atomic
def agency_response_record(
    *,
    actor: Actor,
    referral: AgencyReferral,
    received_on: dt.date,
    response: str,
    outcome: str,
    acting_for: Owner | None = None,
) -> AgencyResponse:
    errors: dict[str, str] = {}
    if not outcome.strip():
        errors["outcome"] = "Give the outcome in a few words, for example: assessment offered"
    if received_on < referral.made_on:
        errors["received_on"] = "The answer cannot come before the referral was made"
    if received_on > clock.today():
        errors["received_on"] = "The answer cannot be in the future"
    if errors:
        raise ValidationError(errors)
    answer = AgencyResponse.objects.create(
        referral=referral,
        received_on=received_on,
        response=response.strip(),
        outcome=outcome.strip(),
        recorded_at=clock.now(),
        recorded_by_label=actor_label(actor),
    )
    label = referral.service_name or referral.get_service_display()
    case_event_record(
        case=referral.case,
        actor=actor,
        kind=CaseEvent.Kind.REFERRAL_RESPONSE,
        on=received_on,
        summary=f"{label} answered: {outcome.strip()}",
        rationale=response.strip(),
        acting_for=acting_for,
        with_figures=False,
    )
    audit_record(
        actor=actor,
        verb=Verb.AGENCY_RESPONSE_RECORD,
        target=answer,
        summary=f"Answer from {label} recorded",
        school_urn=referral.case.school.urn,
        payload={"case": referral.case_id, "referral": referral.pk},
    )
    return answer
