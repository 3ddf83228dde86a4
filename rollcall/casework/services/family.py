"""Writes about the family on a case: consent to share information, and the child's home local
authority. Each is one transaction with its case event and its audit event."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from rollcall.casework.family import parent_link_for
from rollcall.casework.models import Case, CaseConsent, CaseEvent
from rollcall.casework.selectors import case_organisation_key
from rollcall.casework.services.cases import Owner, _audit, _event, _need_rationale
from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label
from rollcall.core.types import Actor
from rollcall.organisations.models import LocalAuthority
from rollcall.pupils.models import Carer

PARTY_NEEDED = "Say who decided: one of the child's parents, or an agency"
BOTH_PARTIES = "Choose a parent or name an agency, not both"
NOT_A_PARENT = (
    "{name} is not one of {child}'s parents on record (a parent has parental responsibility "
    "or care of the child, or is their natural parent)"
)
COVERS_NEEDED = "Say what the consent covers: which information, shared with whom"
FUTURE_DATE = "The date cannot be in the future"
UNKNOWN_DECISION = "Choose whether consent was given, refused or withdrawn"


@transaction.atomic
def case_consent_record(
    *,
    actor: Actor,
    case: Case,
    decision: str,
    decided_on: dt.date,
    covers: str,
    carer: Carer | None = None,
    agency: str = "",
    note: str = "",
    acting_for: Owner | None = None,
) -> CaseConsent:
    """Record a parent's or an agency's decision on sharing information about the child and
    family. A record is never changed: a later decision (consent withdrawn, say) is another."""
    agency = " ".join(agency.split())
    covers = covers.strip()
    errors: dict[str, str] = {}
    party_label = ""
    if carer is None and not agency:
        errors["party"] = PARTY_NEEDED
    elif carer is not None and agency:
        errors["party"] = BOTH_PARTIES
    elif carer is not None:
        link = parent_link_for(pupil=case.pupil, carer_id=carer.pk)
        if link is None:
            errors["party"] = NOT_A_PARENT.format(
                name=carer.full_name, child=case.pupil.display_name
            )
        else:
            party_label = f"{carer.full_name} ({link.get_relationship_display().lower()})"
    else:
        if len(agency) > 200:
            errors["agency"] = f"The agency's name is {len(agency)} characters long; keep it to 200"
        party_label = agency
    if decision not in CaseConsent.Decision.values:
        errors["decision"] = UNKNOWN_DECISION
    if not covers:
        errors["covers"] = COVERS_NEEDED
    elif len(covers) > 500:
        errors["covers"] = f"What it covers is {len(covers)} characters long; keep it to 500"
    if decided_on > clock.today():
        errors["decided_on"] = FUTURE_DATE
    if errors:
        raise ValidationError(errors)
    organisation = acting_for or case.owner
    consent = CaseConsent.objects.create(
        case=case,
        carer=carer,
        agency="" if carer is not None else agency,
        party_label=party_label[:300],
        decision=decision,
        decided_on=decided_on,
        covers=covers,
        note=note.strip(),
        recorded_at=clock.now(),
        recorded_by=actor,
        recorded_by_label=actor_label(actor),
        organisation_key=case_organisation_key(organisation),
        organisation_label=organisation.name,
    )
    verb = CaseConsent.Decision(decision).label.lower()
    summary = f"Consent to share information {verb} by {party_label}: {covers}"
    _event(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.CONSENT,
        on=decided_on,
        summary=summary,
        rationale=consent.note,
        acting_for=acting_for,
        with_figures=False,
    )
    _audit(
        case,
        actor,
        Verb.CASE_CONSENT_RECORD,
        f"Consent {verb} by {party_label}",
        consent=consent.pk,
        decision=decision,
    )
    return consent


@transaction.atomic
def case_home_local_authority_set(
    *,
    actor: Actor,
    case: Case,
    local_authority: LocalAuthority | None,
    on: dt.date,
    rationale: str,
    acting_for: Owner | None = None,
) -> Case:
    """Set or change the child's home local authority where it is not the school's, or clear
    it (cross-border: the school's LA enforces, the home LA is consulted: SEF §17)."""
    rationale = _need_rationale(rationale)
    case = (
        Case.objects.select_for_update().select_related("school__local_authority").get(pk=case.pk)
    )
    school_la = case.school.local_authority
    if local_authority is not None and local_authority.pk == school_la.pk:
        local_authority = None  # the school's own: not a cross-border case
    if (local_authority.pk if local_authority else None) == case.home_local_authority_id:
        where = local_authority.name if local_authority else f"the school's own ({school_la.name})"
        raise ValidationError(
            {"local_authority": f"The child's home local authority is already {where}"}
        )
    before = case.home_local_authority
    case.home_local_authority = local_authority
    case.save(update_fields=["home_local_authority"])
    if local_authority is not None:
        summary = (
            f"Home local authority set to {local_authority.name}: consulted; "
            f"{school_la.name} enforces"
        )
    else:
        summary = f"Home local authority is the school's own ({school_la.name})"
    if before is not None:
        summary += f" (was {before.name})"
    _event(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.HOME_LA_CHANGED,
        on=on,
        summary=summary,
        rationale=rationale,
        acting_for=acting_for,
        with_figures=False,
    )
    _audit(
        case,
        actor,
        Verb.CASE_HOME_LA_SET,
        summary,
        home_local_authority=local_authority.code if local_authority else "",
    )
    return case
