"""Pages for leave of absence: the school office's list of requests, recording a request, the
headteacher's decision and the response to each parent.

Every read goes through selectors scoped to the schools where the user is an attendance officer
or the headteacher; anything else is a 404. Only the headteacher may decide.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from rollcall.core import clock
from rollcall.organisations.models import School
from rollcall.registers.leave_forms import (
    LeaveDecisionForm,
    LeaveRequestForm,
    LeaveResponseForm,
    PickPupilForm,
)
from rollcall.registers.leave_selectors import (
    carer_link,
    carers_of,
    decides_leave_at,
    leave_pupil_at,
    leave_pupils_at,
    leave_record,
    leave_request_for,
    leave_requests_at,
    leave_schools_for,
)
from rollcall.registers.models import LeaveRequest
from rollcall.registers.presenters import leave as present
from rollcall.registers.services import leave_decide, leave_request_record, leave_response_record
from rollcall.web.forms import GovukForm, add_errors
from rollcall.web.pages import refused

OFFICE_ONLY = (
    "Leave of absence requests are kept by a school's attendance officers and headteacher. Your "
    "account has no such role at a school."
)
View = Callable[..., HttpResponse]
HEAD_ONLY = (
    "Only the headteacher decides on leave of absence (REG24 reg 11). Ask your headteacher to "
    "decide this request."
)


def office_only(view: View) -> View:
    """Refuse, in plain words, anyone who keeps no school's leave requests (a teacher)."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not leave_schools_for(user=request.user).exists():
            return refused(request, OFFICE_ONLY)
        return view(request, *args, **kwargs)

    return checked


def _school(request: HttpRequest, urn: str) -> School:
    school = leave_schools_for(user=request.user).filter(urn=urn).first()
    if school is None:
        raise Http404("No such school among yours")
    return school


def _leave_request(request: HttpRequest, request_id: int) -> LeaveRequest:
    found = leave_request_for(user=request.user, request_id=request_id)
    if found is None:
        raise Http404("No such leave request at your school")
    return found


def _form_page(
    request: HttpRequest,
    form: GovukForm,
    *,
    heading: str,
    caption: str,
    button: str,
    back_href: str,
    summary: list[present.Row] | None = None,
    method: str = "post",
) -> HttpResponse:
    return render(
        request,
        "registers/leave_form.html",
        {
            "form": form,
            "heading": heading,
            "caption": caption,
            "button": button,
            "back_href": back_href,
            "summary": summary or [],
            "method": method,
        },
    )


@require_GET
@login_required
def leave_list(request: HttpRequest) -> HttpResponse:
    schools = list(leave_schools_for(user=request.user).order_by("name"))
    if not schools:
        return refused(request, OFFICE_ONLY)
    urn = request.GET.get("school")
    school = next((s for s in schools if s.urn == urn), None) if urn else schools[0]
    if school is None:
        raise Http404("No such school among yours")
    page = present.leave_list_page(
        school=school, schools=schools, records=leave_requests_at(school=school)
    )
    return render(request, "registers/leave.html", {"page": page})


@require_GET
@login_required
@office_only
def leave_new(request: HttpRequest, urn: str) -> HttpResponse:
    school = _school(request, urn)
    pupils = [(p.pk, p.display_name) for p in leave_pupils_at(school=school, on=clock.today())]
    form = PickPupilForm(request.GET or None, pupils=pupils)
    if form.is_valid():
        return redirect("registers:leave_new_for", urn=urn, pupil_id=form.cleaned_data["pupil"])
    return _form_page(
        request,
        form,
        heading="Record a request for leave of absence",
        caption=school.name,
        button="Continue",
        back_href=reverse("registers:leave") + f"?school={urn}",
        method="get",
    )


@require_http_methods(["GET", "POST"])
@login_required
@office_only
def leave_new_for(request: HttpRequest, urn: str, pupil_id: int) -> HttpResponse:
    school = _school(request, urn)
    pupil = leave_pupil_at(user=request.user, school=school, pupil_id=pupil_id)
    if pupil is None:
        raise Http404("No such pupil at your school")
    carers = [(link.carer_id, link.carer.full_name) for link in carers_of(pupil)]
    form = LeaveRequestForm(request.POST or None, carers=carers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        link = carer_link(pupil=pupil, carer_id=int(data["carer"]))
        try:
            if link is None:
                raise ValidationError({"carer": "Choose one of the child's parents"})
            recorded = leave_request_record(
                actor=request.user,  # type: ignore[arg-type]
                school=school,
                pupil=pupil,
                carer=link.carer,
                first_day=data["first_day"],
                first_session=data["first_session"],
                last_day=data["last_day"],
                last_session=data["last_session"],
                reason=data["reason"],
                received_on=data["received_on"],
                today=clock.today(),
            )
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, "Request recorded. It now waits for the headteacher.")
            return redirect("registers:leave_request", request_id=recorded.pk)
    return _form_page(
        request,
        form,
        heading=f"Request for leave of absence for {pupil.display_name}",
        caption=school.name,
        button="Record the request",
        back_href=reverse("registers:leave") + f"?school={urn}",
    )


@require_GET
@login_required
@office_only
def leave_request(request: HttpRequest, request_id: int) -> HttpResponse:
    found = _leave_request(request, request_id)
    page = present.leave_request_page(
        record=leave_record(found),
        may_decide=decides_leave_at(actor=request.user, school=found.school),  # type: ignore[arg-type]
        may_respond=True,
    )
    return render(request, "registers/leave_request.html", {"page": page})


@require_http_methods(["GET", "POST"])
@login_required
@office_only
def leave_decision(request: HttpRequest, request_id: int) -> HttpResponse:
    found = _leave_request(request, request_id)
    if not decides_leave_at(actor=request.user, school=found.school):  # type: ignore[arg-type]
        return refused(request, HEAD_ONLY)
    record = leave_record(found)
    form = LeaveDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            leave_decide(
                actor=request.user,  # type: ignore[arg-type]
                request=found,
                outcome=data["outcome"],
                rationale=data["rationale"],
                decided_on=data["decided_on"],
                today=clock.today(),
                first_day=data.get("first_day"),
                first_session=data.get("first_session") or "",
                last_day=data.get("last_day"),
                last_session=data.get("last_session") or "",
            )
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, "Decision recorded. Now record the response to each parent.")
            return redirect("registers:leave_request", request_id=found.pk)
    page = present.leave_request_page(record=record, may_decide=True, may_respond=False)
    return _form_page(
        request,
        form,
        heading="Decide on the request",
        caption=page.title,
        button="Record the decision",
        back_href=reverse("registers:leave_request", args=[found.pk]),
        summary=page.request_rows,
    )


@require_http_methods(["GET", "POST"])
@login_required
@office_only
def leave_respond(request: HttpRequest, request_id: int) -> HttpResponse:
    found = _leave_request(request, request_id)
    record = leave_record(found)
    carers = [(link.carer_id, link.carer.full_name) for link in record.parents]
    form = LeaveResponseForm(request.POST or None, carers=carers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        link = carer_link(pupil=found.pupil, carer_id=int(data["carer"]))
        try:
            if link is None:
                raise ValidationError({"carer": "Choose one of the child's parents"})
            leave_response_record(
                actor=request.user,  # type: ignore[arg-type]
                request=found,
                carer=link.carer,
                channel=data["channel"],
                told_on=data["told_on"],
                warned_of_penalty=data["warned_of_penalty"],
                note=data["note"],
                today=clock.today(),
            )
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, f"Recorded that {link.carer.full_name} was told.")
            return redirect("registers:leave_request", request_id=found.pk)
    page = present.leave_request_page(record=record, may_decide=False, may_respond=False)
    return _form_page(
        request,
        form,
        heading="Record the response to a parent",
        caption=page.title,
        button="Record the response",
        back_href=reverse("registers:leave_request", args=[found.pk]),
        summary=page.request_rows + page.decision_rows,
    )
