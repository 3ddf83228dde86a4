"""Pages for taking registers, correcting marks and the first-day follow-up of absence.

Every read goes through selectors scoped to the schools where the user works; anything else is
a 404. Pages for the office (attendance officers and headteachers) refuse other roles plainly.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from rollcall import statutory
from rollcall.core import clock
from rollcall.organisations.selectors import school_calendar
from rollcall.pupils.selectors import conditions_in_force
from rollcall.registers import presenters as present
from rollcall.registers.forms import (
    MarkCorrectionForm,
    NCorrectionForm,
    PickRegisterForm,
    RegisterForm,
)
from rollcall.registers.selectors import (
    OFFICE_ROLES,
    groups_for,
    mark_for,
    present_code,
    register_codes,
    register_roster,
    schools_staffed_by,
    taken_register,
)
from rollcall.registers.services import (
    MarksRejected,
    Write,
    mark_correct,
    n_codes_correct,
    register_closed_to,
    register_lock_note,
    register_take,
)
from rollcall.web.forms import add_errors
from rollcall.web.pages import DayForm, chosen_day, refused

NO_SCHOOL_ROLE = (
    "Registers are kept by a school's teachers, attendance officers and headteachers. Your "
    "account has no role at a school, so there are no registers for you here."
)
OFFICE_ONLY = (
    "This page is for a school's attendance officers and headteachers. Ask your school's "
    "attendance officer if you need something changed."
)


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return refused(request, message)


def _chosen_day(request: HttpRequest) -> tuple[dt.date, DayForm]:
    return chosen_day(request, clock.today())


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    schools = list(schools_staffed_by(user=request.user).order_by("name"))
    if not schools:
        return _refused(request, NO_SCHOOL_ROLE)
    day, day_form = _chosen_day(request)
    page = present.index_page(
        user=request.user,
        schools=schools,
        day=day,
        now=clock.local_now(),
        day_form=day_form,
        pick_form=None,
    )
    return render(request, "registers/index.html", {"page": page})


@require_GET
@login_required
def open_register(request: HttpRequest) -> HttpResponse:
    schools = list(schools_staffed_by(user=request.user).order_by("name"))
    if not schools:
        return _refused(request, NO_SCHOOL_ROLE)
    form = PickRegisterForm(request.GET, groups=groups_for(user=request.user))
    if form.is_valid():
        data = form.cleaned_data
        return redirect(present.register_url(data["group"], data["date"], data["session"]))
    day, day_form = _chosen_day(request)
    page = present.index_page(
        user=request.user,
        schools=schools,
        day=day,
        now=clock.local_now(),
        day_form=day_form,
        pick_form=form,
    )
    return render(request, "registers/index.html", {"page": page})


@require_GET
@login_required
def missing(request: HttpRequest) -> HttpResponse:
    schools = list(schools_staffed_by(user=request.user, roles=OFFICE_ROLES).order_by("name"))
    if not schools:
        return _refused(request, OFFICE_ONLY)
    day, day_form = _chosen_day(request)
    page = present.missing_page(schools=schools, day=day, day_form=day_form)
    return render(request, "registers/missing.html", {"page": page})


@require_http_methods(["GET", "POST"])
@login_required
def register(request: HttpRequest, group_id: int, day: dt.date, session: str) -> HttpResponse:
    group = get_object_or_404(groups_for(user=request.user), pk=group_id)
    try:
        codes = register_codes(day, session)
    except statutory.BeforeStatutoryData:
        raise Http404("rollcall holds no attendance codes for that date") from None
    school, today = group.school, clock.today()
    calendar = school_calendar(school=school)
    rows = register_roster(group=group, day=day, session=session)
    form: RegisterForm | None = None
    problems: dict[str, list[str]] = {}
    general: list[str] = []
    notice = ""
    if request.method == "POST" and request.POST.get("action") == "rest-present":
        # Fill in, do not save: the teacher checks the register, then saves it.
        submitted = RegisterForm(request.POST, rows=rows, codes=codes)
        form = RegisterForm(
            submitted.with_the_rest_present(present_code(session)), rows=rows, codes=codes
        )
        notice = present.rest_present_notice(submitted=submitted, filled=form)
    elif request.method == "POST":
        form = RegisterForm(request.POST, rows=rows, codes=codes)
        if form.is_valid():
            try:
                saved = register_take(
                    actor=request.user,  # type: ignore[arg-type]
                    group=group,
                    date=day,
                    session=session,
                    entries=form.entries(),
                    today=today,
                    amendment_reason=form.cleaned_data["reason"],
                )
            except MarksRejected as refused:
                for problem in refused.problems:
                    upn = getattr(problem, "upn", "")
                    if upn:
                        problems.setdefault(upn, []).append(problem.reason)
                    else:
                        general.append(str(problem))
            except ValidationError as refused:
                general.extend(refused.messages)
            else:
                messages.success(request, present.saved_message(group, day, session, saved))
                return redirect(present.register_url(group, day, session))
    taken = taken_register(group=group, day=day, session=session)
    page = present.register_page(
        school=school,
        group=group,
        day=day,
        session=session,
        rows=rows,
        codes=codes,
        taken=taken,
        closed_reason=calendar.session_status(day, session).reason,
        locked_message=register_closed_to(
            actor=request.user,  # type: ignore[arg-type]
            school=school,
            calendar=calendar,
            day=day,
            today=today,
            write=Write.AMEND if taken is not None else Write.TAKE,
        ),
        lock_note=register_lock_note(school=school, calendar=calendar, day=day, today=today),
        latest_day=calendar.latest_school_day(min(day, today)),
        conditions=conditions_in_force(
            school=school, pupil_ids=[row.pupil.pk for row in rows], on=day
        ),
        form=form,
        problems=problems,
        general_problems=general,
        notice=notice,
    )
    return render(request, "registers/register.html", {"page": page})


@require_http_methods(["GET", "POST"])
@login_required
def mark(request: HttpRequest, mark_id: int) -> HttpResponse:
    found = mark_for(user=request.user, mark_id=mark_id)
    if found is None:
        raise Http404("No such mark at your school")
    codes = register_codes(found.date, found.session)
    form = MarkCorrectionForm(request.POST or None, codes=codes, initial={"new_code": found.code})
    if request.method == "POST" and form.is_valid():
        try:
            mark_correct(
                actor=request.user,  # type: ignore[arg-type]
                mark=found,
                new_code=form.cleaned_data["new_code"],
                reason=form.cleaned_data["reason"],
                today=clock.today(),
            )
        except ValidationError as refused:
            add_errors(form, refused)
        else:
            messages.success(request, "Mark changed. The original and the change are kept below.")
            return redirect("registers:mark", mark_id=found.pk)
    page = present.mark_page(user=request.user, mark=found, form=form, today=clock.today())
    return render(request, "registers/mark.html", {"page": page})


@require_http_methods(["GET", "POST"])
@login_required
def n_codes(request: HttpRequest) -> HttpResponse:
    schools = list(schools_staffed_by(user=request.user, roles=OFFICE_ROLES).order_by("name"))
    if not schools:
        return _refused(request, OFFICE_ONLY)
    urn = request.GET.get("school")
    school = next((s for s in schools if s.urn == urn), schools[0]) if urn else schools[0]
    if urn and school.urn != urn:
        raise Http404("No such school among yours")
    today = clock.today()
    filters = present.NFilters.of(request.GET)

    def shown(form: NCorrectionForm | None) -> present.corrections.NCodesPage:
        return present.n_codes_page(
            user=request.user,
            school=school,
            schools=schools,
            today=today,
            form=form,
            filters=filters,
        )

    page = shown(None)
    if request.method == "POST":
        form = NCorrectionForm(
            request.POST,
            mark_ids=[row.mark_id for row in page.rows if not row.locked],
            codes=register_codes(today),
        )
        if form.is_valid():
            try:
                count = n_codes_correct(
                    actor=request.user,  # type: ignore[arg-type]
                    school=school,
                    mark_ids=form.cleaned_data["marks"],
                    new_code=form.cleaned_data["new_code"],
                    reason=form.cleaned_data["reason"],
                    today=today,
                )
            except ValidationError as refused:
                add_errors(form, refused)
            else:
                messages.success(request, f"Replaced {count} N codes.")
                return redirect(f"{request.path}{page.action}")
        page = shown(form)
    return render(request, "registers/n_codes.html", {"page": page})
