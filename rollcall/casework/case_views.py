"""Case pages: the list, a case, and one page for each step (open, move, note, task done, close,
reopen, Fast Track). Every read goes through `cases_visible_to`; a case the user may not read is
a 404, and one they may read but not write is refused with the reason."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from rollcall.accounts.selectors import school_for
from rollcall.analytics.selectors import worklist_item_for
from rollcall.casework.case_forms import (
    ChecklistForm,
    CloseForm,
    ConditionForm,
    DocumentForm,
    FastTrackForm,
    HomeVisitForm,
    MoveForm,
    NoteForm,
    OpenCaseForm,
    ReferralForm,
    ReopenForm,
    ResponseForm,
    TaskDoneForm,
)
from rollcall.casework.case_presenters import case_list_page, case_page
from rollcall.casework.checklist import referral_checklist, referral_stage
from rollcall.casework.documents import DocumentAltered, case_document_for, document_bytes
from rollcall.casework.models import Case
from rollcall.casework.selectors import (
    acting_for,
    active_case,
    case_for,
    case_organisation_key,
    case_pupil,
    case_referral_for,
    case_task_for,
    follow_up_schools,
    opening_organisation,
)
from rollcall.casework.services.cases import (
    case_close,
    case_condition_set,
    case_fast_track_start,
    case_move,
    case_note_add,
    case_open,
    case_reopen,
    case_task_done,
    checklist_mark,
    owner_profile,
)
from rollcall.casework.services.documents import case_document_add
from rollcall.casework.services.referrals import agency_referral_record, agency_response_record
from rollcall.casework.services.visits import home_visit_record
from rollcall.casework.severe_absence import list_authorities
from rollcall.core import clock
from rollcall.letters.presenters import letters_section
from rollcall.policies import load_profile
from rollcall.web.forms import GovukForm, add_errors
from rollcall.web.pages import refused

NOT_YOURS = (
    "Only the organisation running this case can change it. You can read it because the child "
    "attends a school you work with."
)
NOT_OPENER = (
    "Cases are opened by a school's attendance officer or headteacher, the trust's attendance "
    "lead or the local authority's attendance officers."
)


def _case(request: HttpRequest, case_id: int) -> Case:
    case = case_for(user=request.user, case_id=case_id, on=clock.today())
    if case is None:
        raise Http404("No such case")
    return case


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    page = case_list_page(user=request.user, query=request.GET, today=clock.today())
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="cases.csv"'
        writer = csv.writer(response)
        writer.writerow(page.csv_head)
        writer.writerows(page.csv_rows)
        return response
    links = []
    if follow_up_schools(user=request.user).exists():
        links.append({"text": "Access to your school's cases", "href": reverse("cases:access")})
    if list_authorities(user=request.user):
        links.append(
            {
                "text": "Severely absent pupils (termly list)",
                "href": reverse("cases:severe_absence"),
            }
        )
    return render(request, "casework/cases/index.html", {"page": page, "links": links})


@require_GET
@login_required
def detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    page = case_page(user=request.user, case=case, today=clock.today())
    return render(
        request,
        "casework/cases/case.html",
        {"page": page, "letters": letters_section(case=case, may_write=page.may_write)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def new(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    school = school_for(user=request.user, urn=request.GET.get("school", ""))
    if school is None:
        raise Http404("No such school among yours")
    pupil = case_pupil(school=school, pupil_id=_int(request.GET.get("pupil")), on=today)
    if pupil is None:
        raise Http404("No such pupil on roll at the school")
    owner = opening_organisation(user=request.user, school=school)
    if owner is None:
        return refused(request, NOT_OPENER)
    existing = active_case(pupil=pupil, owner_key=case_organisation_key(owner))
    if existing is not None:
        messages.info(request, f"{pupil.display_name} already has an open case run by {owner.name}")
        return redirect("cases:detail", existing.pk)
    item = None
    if request.GET.get("item"):
        item = worklist_item_for(user=request.user, item_id=_int(request.GET.get("item")))
    profile = load_profile(owner_profile(owner))
    stage = profile.first_case_stage
    if item is not None and item.kind.startswith("attendance:"):
        trigger = profile.triggers.attendance.get(item.kind.partition(":")[2])
        stage = trigger.stage if trigger is not None and trigger.stage else stage
    stages = [(s.key, s.name) for s in profile.stages]
    initial: dict[str, Any] = {"stage": stage}
    if item is not None:
        initial["rationale"] = f"{item.label} (met on {item.met_on:%-d %B %Y}). {item.detail}"
    form = OpenCaseForm(request.POST or None, stages=stages, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = case_open(
                actor=request.user,  # type: ignore[arg-type]
                pupil=pupil,
                school=school,
                owner=owner,
                on=today,
                rationale=data["rationale"],
                stage_key=data["stage"],
                lead=request.user if data["lead_is_me"] else None,  # type: ignore[arg-type]
                opened_from_kind=item.kind if item else "",
                opened_from_item=item.pk if item else None,
            )
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, f"Case opened for {pupil.display_name}")
            return redirect("cases:detail", case.pk)
    return render(
        request,
        "casework/cases/step.html",
        {
            "form": form,
            "heading": f"Open a case for {pupil.display_name}",
            "caption": f"{school.name} · run by {owner.name} · {profile.name}",
            "button": "Open the case",
            "back_href": request.META.get("HTTP_REFERER") or reverse("cases:index"),
        },
    )


def _step(
    request: HttpRequest,
    case_id: int,
    *,
    make_form: Callable[[Case, Any], GovukForm],
    act: Callable[[Case, dict[str, Any], Any], str],
    heading: str,
    button: str,
) -> HttpResponse:
    """One step on a case: the form, the service call, and back to the case with a message."""
    case = _case(request, case_id)
    organisation = acting_for(user=request.user, case=case, on=clock.today())
    if organisation is None:
        return refused(request, NOT_YOURS)
    form = make_form(case, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = act(case, form.cleaned_data, organisation)
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, message)
            return redirect("cases:detail", case.pk)
    profile = load_profile(case.profile_key)
    return render(
        request,
        "casework/cases/step.html",
        {
            "form": form,
            "heading": heading,
            "caption": (
                f"{case.pupil.display_name} · {profile.stage(case.stage_key).name} · "
                f"{case.school.name}"
            ),
            "button": button,
            "back_href": reverse("cases:detail", args=[case.pk]),
        },
    )


def _needed(case: Case) -> list[tuple[str, str]]:
    """What the case's stage asks to be held before it moves on."""
    stage = load_profile(case.profile_key).stage(case.stage_key)
    return list(stage.required_before_next.items())


def _stages(case: Case, *, without_current: bool) -> list[tuple[str, str]]:
    profile = load_profile(case.profile_key)
    return [
        (stage.key, stage.name)
        for stage in profile.stages
        if not (without_current and stage.key == case.stage_key)
    ]


@require_http_methods(["GET", "POST"])
@login_required
def move(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        moved = case_move(
            actor=request.user,  # type: ignore[arg-type]
            case=case,
            to_stage=data["stage"],
            on=clock.today(),
            rationale=data["rationale"],
            held=data.get("held") or (),
            acting_for=organisation,
        )
        name = load_profile(moved.profile_key).stage(moved.stage_key).name
        if moved.status == Case.Status.REFERRED and case.status != Case.Status.REFERRED:
            return f"Moved to {name}: the case is now run by {moved.owner.name}"
        return f"Moved to {name}"

    return _step(
        request,
        case_id,
        make_form=lambda case, data: MoveForm(
            data, stages=_stages(case, without_current=True), needed=_needed(case)
        ),
        act=act,
        heading="Move the case to another stage",
        button="Move the case",
    )


@require_http_methods(["GET", "POST"])
@login_required
def note(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        case_note_add(
            actor=request.user,  # type: ignore[arg-type]
            case=case,
            on=data["occurred_on"],
            summary=data["summary"],
            text=data["text"],
            nature=data["nature"],
            consultation=data["consultation"],
            acting_for=organisation,
        )
        return "Note added to the case"

    return _step(
        request,
        case_id,
        make_form=lambda case, data: NoteForm(data, initial={"occurred_on": clock.today()}),
        act=act,
        heading="Add a note to the case",
        button="Add the note",
    )


@require_http_methods(["GET", "POST"])
@login_required
def close(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        case_close(
            actor=request.user,  # type: ignore[arg-type]
            case=case,
            outcome=data["outcome"],
            on=clock.today(),
            rationale=data["rationale"],
            acting_for=organisation,
        )
        return "Case closed"

    return _step(
        request,
        case_id,
        make_form=lambda case, data: CloseForm(data),
        act=act,
        heading="Close the case",
        button="Close the case",
    )


@require_http_methods(["GET", "POST"])
@login_required
def reopen(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        case_reopen(
            actor=request.user,  # type: ignore[arg-type]
            case=case,
            on=clock.today(),
            rationale=data["rationale"],
            stage_key=data["stage"],
            acting_for=organisation,
        )
        return "Case reopened"

    return _step(
        request,
        case_id,
        make_form=lambda case, data: ReopenForm(
            data, stages=_stages(case, without_current=False), initial={"stage": case.stage_key}
        ),
        act=act,
        heading="Reopen the case",
        button="Reopen the case",
    )


@require_http_methods(["GET", "POST"])
@login_required
def fast_track(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        tasks = case_fast_track_start(
            actor=request.user,  # type: ignore[arg-type]
            case=case,
            on=clock.today(),
            rationale=data["rationale"],
            acting_for=organisation,
        )
        first = tasks[0]
        when = f"{first.due_on:%-d %B %Y}" if first.due_on else first.undated_reason.lower()
        return f"Fast Track started: monitoring ends {when}"

    return _step(
        request,
        case_id,
        make_form=lambda case, data: FastTrackForm(data),
        act=act,
        heading="Put the family on the Fast Track",
        button="Start Fast Track",
    )


@require_http_methods(["GET", "POST"])
@login_required
def home_visit(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        home_visit_record(
            actor=request.user,  # type: ignore[arg-type]
            case=case,
            visited_on=data["visited_on"],
            staff=data["staff"].splitlines(),
            notes=data["notes"],
            seen=data["seen"],
            child_seen=data["child_seen"],
            risk_assessed_on=data["risk_assessed_on"],
            risk_assessment=data["risk_assessment"],
            acting_for=organisation,
        )
        return "Home visit recorded"

    def form(case: Case, data: Any) -> HomeVisitForm:
        rules = load_profile(case.profile_key).casework.home_visits
        return HomeVisitForm(
            data,
            initial={"visited_on": clock.today()},
            risk_assessment_first=bool(rules and rules.risk_assessment_first),
        )

    return _step(
        request,
        case_id,
        make_form=form,
        act=act,
        heading="Record a home visit",
        button="Record the visit",
    )


@require_http_methods(["GET", "POST"])
@login_required
def checklist(request: HttpRequest, case_id: int) -> HttpResponse:
    """The referral checklist: what the case holds against each item, and marking one held."""
    case = _case(request, case_id)
    today = clock.today()
    organisation = acting_for(user=request.user, case=case)
    items = referral_checklist(case=case, on=today)
    missing = [(item.key, item.label) for item in items if item.state == "missing"]
    form = ChecklistForm(request.POST or None, items=missing) if missing else None
    if request.method == "POST":
        if organisation is None:
            return refused(request, NOT_YOURS)
        if form is not None and form.is_valid():
            try:
                checklist_mark(
                    actor=request.user,  # type: ignore[arg-type]
                    case=case,
                    item=form.cleaned_data["item"],
                    note=form.cleaned_data["note"],
                    on=today,
                    acting_for=organisation,
                )
            except ValidationError as refusal:
                add_errors(form, refusal)
            else:
                messages.success(request, "Checklist item marked held")
                return redirect("cases:checklist", case.pk)
    profile = load_profile(case.profile_key)
    stage = referral_stage(profile)
    return render(
        request,
        "casework/cases/checklist.html",
        {
            "case": case,
            "items": items,
            "form": form if organisation is not None else None,
            "held": sum(1 for item in items if item.state != "missing"),
            "referral": profile.stage(stage).name if stage else None,
            "back_href": reverse("cases:detail", args=[case.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def referral(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        made = agency_referral_record(
            actor=request.user,  # type: ignore[arg-type]
            case=case,
            service=data["service"],
            service_name=data["service_name"],
            made_on=data["made_on"],
            reason=data["reason"],
            parents_told=data["parents_told"],
            not_told_because=data["not_told_because"],
            family_consented=data["family_consented"],
            acting_for=organisation,
        )
        return f"Referral to {made.service_name or made.get_service_display()} recorded"

    return _step(
        request,
        case_id,
        make_form=lambda case, data: ReferralForm(data, initial={"made_on": clock.today()}),
        act=act,
        heading="Record a referral to another service",
        button="Record the referral",
    )


@require_http_methods(["GET", "POST"])
@login_required
def referral_response(request: HttpRequest, case_id: int, referral_id: int) -> HttpResponse:
    case = _case(request, case_id)
    found = case_referral_for(case=case, referral_id=referral_id)
    if found is None:
        raise Http404("No such referral on this case")

    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        agency_response_record(
            actor=request.user,  # type: ignore[arg-type]
            referral=found,
            received_on=data["received_on"],
            response=data["response"],
            outcome=data["outcome"],
            acting_for=organisation,
        )
        return "Answer recorded"

    return _step(
        request,
        case_id,
        make_form=lambda case, data: ResponseForm(data, initial={"received_on": clock.today()}),
        act=act,
        heading=f"The answer from {found.service_name or found.get_service_display()}",
        button="Record the answer",
    )


@require_http_methods(["GET", "POST"])
@login_required
def condition(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        set_ = case_condition_set(
            actor=request.user,  # type: ignore[arg-type]
            case=case,
            kind=data["kind"],
            text=data["text"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            reason=data["reason"],
            acting_for=organisation,
        )
        return f"Condition set: {set_.label}. It shows to whoever records this child's absence."

    return _step(
        request,
        case_id,
        make_form=lambda case, data: ConditionForm(data, initial={"starts_on": clock.today()}),
        act=act,
        heading="Set a condition on recording absence",
        button="Set the condition",
    )


@require_http_methods(["GET", "POST"])
@login_required
def task_done(request: HttpRequest, case_id: int, task_id: int) -> HttpResponse:
    case = _case(request, case_id)
    task = case_task_for(case=case, task_id=task_id)
    if task is None:
        raise Http404("No such task on this case")

    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        case_task_done(
            actor=request.user,  # type: ignore[arg-type]
            task=task,
            on=clock.today(),
            note=data["note"],
            acting_for=organisation,
        )
        return f"Done: {task.label}"

    return _step(
        request,
        case_id,
        make_form=lambda case, data: TaskDoneForm(data),
        act=act,
        heading=task.label,
        button="Mark as done",
    )


@require_http_methods(["GET", "POST"])
@login_required
def document_add(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        document = case_document_add(
            actor=request.user,  # type: ignore[arg-type]
            case=case,
            upload=data["file"],
            kind=data["kind"],
            received_on=data["received_on"],
            description=data["description"],
            acting_for=organisation,
        )
        return f"{document.original_name} added to the case"

    return _step(
        request,
        case_id,
        make_form=lambda case, data: DocumentForm(
            data, request.FILES or None, initial={"received_on": clock.today()}
        ),
        act=act,
        heading="Add a document to the case",
        button="Add the document",
    )


@require_GET
@login_required
def document_download(
    request: HttpRequest, case_id: int, document_id: int
) -> HttpResponse | FileResponse:
    """The document as received, to save rather than open in the browser (never run as a page
    of rollcall's, whatever its content)."""
    case = _case(request, case_id)
    document = case_document_for(case=case, document_id=document_id)
    if document is None:
        raise Http404("No such document on this case")
    try:
        content = document_bytes(document)
    except DocumentAltered as problem:
        return render(request, "refused.html", {"message": str(problem)}, status=500)
    response = FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0
