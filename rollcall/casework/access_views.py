"""Pages for access beyond a case's owner and for the LA's termly list: a school's office gives a
local authority officer access to the school's cases for a period, sees who has it and ends it;
an LA officer downloads the severe-absence list."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from rollcall.casework.access import (
    grant_state,
    la_staff_for,
    la_staff_member,
    school_grant_for,
    school_grants,
)
from rollcall.casework.case_forms import AccessGrantForm, AccessRevokeForm, SevereAbsenceForm
from rollcall.casework.report_presenters import HEAD, severe_absence_rows
from rollcall.casework.selectors import follow_up_schools
from rollcall.casework.services.access import case_access_grant, case_access_revoke
from rollcall.casework.services.reports import severe_absence_list_export
from rollcall.casework.severe_absence import (
    list_authorities,
    severe_absence_period,
    severely_absent,
)
from rollcall.core import clock
from rollcall.organisations.models import School
from rollcall.web.forms import add_errors
from rollcall.web.pages import refused

NOT_OFFICE = (
    "Access to a school's cases is given by the school's attendance officer or headteacher."
)
NOT_LA = "The severe absence list is for the local authority's attendance officers."


def _office_school(request: HttpRequest, urn: str) -> School:
    school = follow_up_schools(user=request.user).filter(urn=urn).first()
    if school is None:
        raise Http404("No such school among those whose office you run")
    return school


def _long(day: Any) -> str:
    return f"{day:%-d %B %Y}"


@require_GET
@login_required
def access_index(request: HttpRequest) -> HttpResponse:
    schools = list(follow_up_schools(user=request.user))
    if not schools:
        return refused(request, NOT_OFFICE)
    if len(schools) == 1 or request.GET.get("school"):
        urn = request.GET.get("school") or schools[0].urn
        return _access_list(request, _office_school(request, urn))
    return render(request, "casework/access/schools.html", {"schools": schools})


def _access_list(request: HttpRequest, school: School) -> HttpResponse:
    today = clock.today()
    rows = []
    for grant in school_grants(school=school):
        state = grant_state(grant, today)
        revocation = getattr(grant, "revocation", None)
        rows.append(
            {
                "who": grant.grantee_label,
                "period": f"{_long(grant.starts_on)} to {_long(grant.ends_on)}",
                "state": state,
                "reason": grant.reason,
                "granted": f"{_long(grant.granted_at.date())} by {grant.granted_by_label}",
                "revoked": (
                    f"Revoked from {_long(revocation.revoked_on)} by "
                    f"{revocation.revoked_by_label}: {revocation.reason}"
                    if revocation is not None
                    else ""
                ),
                "revoke_href": (
                    reverse("cases:access_revoke", args=[school.urn, grant.pk])
                    if state in ("in force", "not started")
                    else ""
                ),
            }
        )
    return render(
        request,
        "casework/access/index.html",
        {
            "school": school,
            "rows": rows,
            "grant_href": reverse("cases:access_grant", args=[school.urn]),
        },
    )


def _step_page(
    request: HttpRequest, form: Any, *, school: School, heading: str, button: str
) -> HttpResponse:
    return render(
        request,
        "casework/cases/step.html",
        {
            "form": form,
            "heading": heading,
            "caption": f"{school.name} · access to the school's cases",
            "button": button,
            "back_href": reverse("cases:access") + f"?school={school.urn}",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def access_grant(request: HttpRequest, urn: str) -> HttpResponse:
    school = _office_school(request, urn)
    officers = [
        (
            membership.user_id,
            f"{membership.user.get_full_name() or membership.user.get_username()} "
            f"({membership.user.get_username()}), {membership.get_role_display()}",
        )
        for membership in la_staff_for(school=school)
    ]
    form = AccessGrantForm(request.POST or None, officers=officers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        grantee = la_staff_member(school=school, user_id=data["grantee"])
        if grantee is None:
            raise Http404("No such officer at the school's local authority")
        try:
            grant = case_access_grant(
                actor=request.user,  # type: ignore[arg-type]
                school=school,
                grantee=grantee,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
            )
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(
                request,
                f"{grant.grantee_label} may work {school.name}'s cases from "
                f"{_long(grant.starts_on)} to {_long(grant.ends_on)}",
            )
            return redirect(reverse("cases:access") + f"?school={school.urn}")
    return _step_page(
        request,
        form,
        school=school,
        heading=f"Give a {school.local_authority.name} officer access to the school's cases",
        button="Give access",
    )


@require_http_methods(["GET", "POST"])
@login_required
def access_revoke(request: HttpRequest, urn: str, grant_id: int) -> HttpResponse:
    school = _office_school(request, urn)
    grant = school_grant_for(school=school, grant_id=grant_id)
    if grant is None:
        raise Http404("No such access given by the school")
    form = AccessRevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case_access_revoke(
                actor=request.user,  # type: ignore[arg-type]
                grant=grant,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, f"{grant.grantee_label} no longer has access")
            return redirect(reverse("cases:access") + f"?school={school.urn}")
    return _step_page(
        request,
        form,
        school=school,
        heading=f"End {grant.grantee_label}'s access to the school's cases",
        button="End access",
    )


@require_GET
@login_required
def severe_absence(request: HttpRequest) -> HttpResponse:
    authorities = list_authorities(user=request.user)
    if not authorities:
        return refused(request, NOT_LA)
    form = SevereAbsenceForm(request.GET or None, initial={"period": "term"})
    if not request.GET or not form.is_valid():
        return render(
            request,
            "casework/access/severe_absence.html",
            {"form": form, "authority": authorities[0]},
        )
    today = clock.today()
    authority = next((la for la in authorities if la.code == request.GET.get("la")), authorities[0])
    period = severe_absence_period(form.cleaned_data["period"], today)
    lines = severely_absent(
        user=request.user, local_authority=authority, period=period, today=today
    )
    severe_absence_list_export(
        actor=request.user,  # type: ignore[arg-type]
        local_authority=authority,
        period=period,
        pupils=len(lines),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"severe-absence-{authority.code}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(HEAD)
    writer.writerows(severe_absence_rows(lines, period))
    return response
