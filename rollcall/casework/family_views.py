"""Step pages for the family on a case: record a parent's or agency's consent to share
information, and set the child's home local authority. Each is a `_step` of the case pages:
a case the user may not read is a 404, one they may read but not write is refused."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from rollcall.casework.case_views import _step
from rollcall.casework.family import local_authorities, parent_links
from rollcall.casework.family_forms import (
    AGENCY,
    SCHOOLS_OWN,
    ConsentForm,
    HomeLocalAuthorityForm,
)
from rollcall.casework.models import Case, CaseConsent
from rollcall.casework.services.family import case_consent_record, case_home_local_authority_set
from rollcall.core import clock


def _parents(case: Case) -> list[tuple[str, str]]:
    return [
        (str(link.carer_id), f"{link.carer.full_name} ({link.get_relationship_display().lower()})")
        for link in parent_links(pupil=case.pupil)
    ]


@require_http_methods(["GET", "POST"])
@login_required
def consent(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        by_agency = data["party"] == AGENCY
        carer = None
        if not by_agency:
            carer = next(
                (
                    link.carer
                    for link in parent_links(pupil=case.pupil)
                    if str(link.carer_id) == data["party"]
                ),
                None,
            )
        recorded = case_consent_record(
            actor=request.user,  # type: ignore[arg-type]
            case=case,
            carer=carer,
            agency=data["agency"] if by_agency else "",
            decision=data["decision"],
            decided_on=data["decided_on"],
            covers=data["covers"],
            note=data["note"],
            acting_for=organisation,
        )
        decision = CaseConsent.Decision(recorded.decision).label.lower()
        return f"Consent {decision} by {recorded.party_label} recorded"

    return _step(
        request,
        case_id,
        make_form=lambda case, data: ConsentForm(
            data, parents=_parents(case), initial={"decided_on": clock.today()}
        ),
        act=act,
        heading="Record consent to share information",
        button="Record the decision",
    )


@require_http_methods(["GET", "POST"])
@login_required
def home_local_authority(request: HttpRequest, case_id: int) -> HttpResponse:
    authorities = {str(la.pk): la for la in local_authorities()}

    def choices(case: Case) -> list[tuple[str, str]]:
        own = case.school.local_authority
        return [(SCHOOLS_OWN, f"The school's own: {own.name}")] + [
            (key, la.name) for key, la in authorities.items() if la.pk != own.pk
        ]

    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        chosen = authorities.get(data["local_authority"])
        changed = case_home_local_authority_set(
            actor=request.user,  # type: ignore[arg-type]
            case=case,
            local_authority=chosen,
            on=clock.today(),
            rationale=data["rationale"],
            acting_for=organisation,
        )
        if changed.home_local_authority is None:
            return "The child's home local authority is the school's own"
        return f"Home local authority set to {changed.home_local_authority.name}"

    return _step(
        request,
        case_id,
        make_form=lambda case, data: HomeLocalAuthorityForm(
            data,
            choices=choices(case),
            initial={"local_authority": str(case.home_local_authority_id or SCHOOLS_OWN)},
        ),
        act=act,
        heading="Set the child's home local authority",
        button="Save",
    )
