"""Step pages for a case's meetings, support plans and attendance contracts: arrange a meeting,
record it, set a plan, agree a contract, sign it, review a plan or contract. One form a page;
the case's organisation writes, others who may read the case are refused with the reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from rollcall.casework.case_views import NOT_YOURS, _case
from rollcall.casework.meeting_forms import (
    ArrangeMeetingForm,
    ContractForm,
    PanelReferralForm,
    PlanForm,
    RecordMeetingForm,
    ReturnConversationForm,
    ReviewForm,
    SignForm,
)
from rollcall.casework.meeting_presenters import (
    contract_review_intro,
    meeting_choices,
    panel_category_choices,
    panel_choices,
    panel_members_text,
    panel_outcome_choices,
    panel_referral_choices,
    parent_choices,
    period_hint,
    plan_review_hint,
    plan_review_intro,
    sign_choices,
)
from rollcall.casework.meeting_selectors import (
    case_contract_for,
    case_meeting_for,
    case_panel_referral_for,
    case_plan_for,
)
from rollcall.casework.models import Case
from rollcall.casework.selectors import acting_for
from rollcall.casework.services.contracts import (
    attendance_contract_agree,
    contract_sign,
    support_plan_set,
    target_review,
)
from rollcall.casework.services.conversations import return_conversation_record
from rollcall.casework.services.meetings import (
    long_date,
    meeting_arrange,
    meeting_record,
    meeting_title,
)
from rollcall.casework.services.panels import panel_refer
from rollcall.core import clock
from rollcall.policies import load_profile
from rollcall.web.forms import GovukForm, add_errors
from rollcall.web.pages import refused

Act = Callable[[Case, dict[str, Any], Any], str]


def _page(
    request: HttpRequest,
    case: Case,
    *,
    make_form: Callable[[Any], GovukForm],
    act: Act,
    heading: str,
    button: str,
    intro: list[str] | None = None,
) -> HttpResponse:
    organisation = acting_for(user=request.user, case=case)
    if organisation is None:
        return refused(request, NOT_YOURS)
    form = make_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = act(case, form.cleaned_data, organisation)
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, message)
            return redirect(reverse("cases:detail", args=[case.pk]) + "#meetings")
    profile = load_profile(case.profile_key)
    return render(
        request,
        "casework/cases/record_step.html",
        {
            "form": form,
            "heading": heading,
            "caption": (
                f"{case.pupil.display_name} · {profile.stage(case.stage_key).name} · "
                f"{case.school.name}"
            ),
            "intro": intro or [],
            "button": button,
            "back_href": reverse("cases:detail", args=[case.pk]),
        },
    )


def _user(request: HttpRequest) -> Any:
    return request.user


@require_http_methods(["GET", "POST"])
@login_required
def meeting_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    today = clock.today()

    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        referral = None
        if data.get("panel_referral"):
            referral = case_panel_referral_for(case=case, referral_id=int(data["panel_referral"]))
        meeting = meeting_arrange(
            actor=_user(request),
            case=case,
            kind=data["kind"],
            on=data["on"],
            at=data["at"],
            venue=data["venue"],
            invited_on=data["invited_on"],
            parent_ids=data["parents"],
            pupil_invited=data["pupil_invited"],
            professionals=data["professionals"],
            alternatives_offered=data["alternatives_offered"],
            parents_not_invited_reason=data["parents_not_invited_reason"],
            panel_referral=referral,
            social_worker_invited=data.get("social_worker_invited", False),
            late_invitation_reason=data.get("late_invitation_reason", ""),
            acting_for=organisation,
        )
        return f"{meeting_title(meeting)} arranged for {long_date(meeting.on)}"

    referrals = panel_referral_choices(case=case)
    initial: dict[str, Any] = {"invited_on": today}
    if request.GET.get("panel") and referrals:
        initial |= {"kind": "panel", "panel_referral": referrals[-1][0]}
    return _page(
        request,
        case,
        make_form=lambda data: ArrangeMeetingForm(
            data,
            parents=parent_choices(case=case),
            panel_referrals=referrals,
            initial=initial,
        ),
        act=act,
        heading="Arrange a meeting",
        button="Record the invitation",
    )


@require_http_methods(["GET", "POST"])
@login_required
def meeting_held(request: HttpRequest, case_id: int, meeting_id: int) -> HttpResponse:
    case = _case(request, case_id)
    meeting = case_meeting_for(case=case, meeting_id=meeting_id)
    if meeting is None:
        raise Http404("No such meeting on this case")

    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        record = meeting_record(
            actor=_user(request),
            meeting=meeting,
            held_on=data["held_on"],
            minutes=data["minutes"],
            parent_ids_present=data["parents_present"],
            parents_absent_note=data["parents_absent_note"],
            pupil_present=data["pupil_present"],
            professionals_present=data["professionals_present"],
            child_voice=data["child_voice"],
            barriers=data["barriers"],
            barriers_note=data["barriers_note"],
            support=data["support"],
            members_present=data.get("members_present", ""),
            panel_outcomes=data.get("panel_outcomes", ()),
            decision=data.get("decision", ""),
            acting_for=organisation,
        )
        agreed = len(record.support_agreed)
        return f"Meeting recorded; {agreed} support action{'s' if agreed != 1 else ''} added"

    intro = [
        f"{meeting_title(meeting)} on {long_date(meeting.on)} at {meeting.at:%H:%M}, "
        f"{meeting.venue}."
    ]
    if meeting.with_child_alone:
        intro.append("What is said at a meeting with the child alone cannot be used as evidence.")
    return _page(
        request,
        case,
        make_form=lambda data: RecordMeetingForm(
            data,
            parents=parent_choices(case=case),
            panel_outcomes=panel_outcome_choices(meeting=meeting),
            panel_members=panel_members_text(meeting=meeting),
            initial={"held_on": meeting.on},
        ),
        act=act,
        heading="Record the meeting",
        button="Record the meeting",
        intro=intro,
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    today = clock.today()

    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        meeting = None
        if data["meeting"]:
            meeting = case_meeting_for(case=case, meeting_id=int(data["meeting"]))
        plan = support_plan_set(
            actor=_user(request),
            case=case,
            meeting=meeting,
            starts_on=data["starts_on"],
            target_pct=data["target_pct"],
            support_offered=data["support_offered"],
            family_actions=data["family_actions"],
            review_on=data["review_on"],
            acting_for=organisation,
        )
        return f"Support plan set: review on {long_date(plan.review_on)}"

    def make_form(data: Any) -> GovukForm:
        form = PlanForm(
            data,
            meetings=[("", "Not at a meeting"), *meeting_choices(case=case)],
            initial={"starts_on": today, "meeting": ""},
        )
        form.fields["review_on"].govuk.hint = plan_review_hint(case=case)  # type: ignore[attr-defined]
        return form

    return _page(
        request,
        case,
        make_form=make_form,
        act=act,
        heading="Set a support plan",
        button="Set the plan",
    )


@require_http_methods(["GET", "POST"])
@login_required
def contract_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    today = clock.today()

    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        meeting = case_meeting_for(case=case, meeting_id=int(data["meeting"]))
        if meeting is None:
            raise ValidationError({"meeting": "Choose a meeting on this case"})
        contract = attendance_contract_agree(
            actor=_user(request),
            case=case,
            meeting=meeting,
            starts_on=data["starts_on"],
            target_pct=data["target_pct"],
            school_support=data["school_support"],
            la_support=data["la_support"],
            other_support=data["other_support"],
            parent_actions=data["parent_actions"],
            pupil_actions=data["pupil_actions"],
            period=data["period"],
            acting_for=organisation,
        )
        return (
            f"Attendance contract agreed from {long_date(contract.starts_on)} to "
            f"{long_date(contract.ends_on)}"
        )

    return _page(
        request,
        case,
        make_form=lambda data: ContractForm(
            data,
            meetings=meeting_choices(case=case),
            period_hint=period_hint(case=case),
            initial={"starts_on": today},
        ),
        act=act,
        heading="Record an attendance contract",
        button="Record the contract",
    )


@require_http_methods(["GET", "POST"])
@login_required
def contract_signed(request: HttpRequest, case_id: int, contract_id: int) -> HttpResponse:
    case = _case(request, case_id)
    contract = case_contract_for(case=case, contract_id=contract_id)
    if contract is None:
        raise Http404("No such contract on this case")

    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        party, _, carer = data["party"].partition(":")
        signature = contract_sign(
            actor=_user(request),
            contract=contract,
            party=party,
            carer_id=int(carer) if carer else None,
            name=data["name"],
            signed_on=data["signed_on"],
            acting_for=organisation,
        )
        return f"Signed by {signature.name}"

    return _page(
        request,
        case,
        make_form=lambda data: SignForm(
            data, parties=sign_choices(contract=contract), initial={"signed_on": clock.today()}
        ),
        act=act,
        heading="Record a signature on the attendance contract",
        button="Record the signature",
    )


def _review(request: HttpRequest, case: Case, *, intro: list[str], **subject: Any) -> HttpResponse:
    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        review = target_review(
            actor=_user(request),
            reviewed_on=data["reviewed_on"],
            outcome=data["outcome"],
            note=data["note"],
            acting_for=organisation,
            **subject,
        )
        met = {True: "target met", False: "target not met", None: "no sessions yet"}
        return f"Review recorded: {met[review.target_met]}"

    return _page(
        request,
        case,
        make_form=lambda data: ReviewForm(data, initial={"reviewed_on": clock.today()}),
        act=act,
        heading="Review against the target",
        button="Record the review",
        intro=intro,
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_review(request: HttpRequest, case_id: int, plan_id: int) -> HttpResponse:
    case = _case(request, case_id)
    plan = case_plan_for(case=case, plan_id=plan_id)
    if plan is None:
        raise Http404("No such plan on this case")
    intro = plan_review_intro(case=case, plan=plan, today=clock.today())
    return _review(request, case, intro=intro, plan=plan)


@require_http_methods(["GET", "POST"])
@login_required
def contract_review(request: HttpRequest, case_id: int, contract_id: int) -> HttpResponse:
    case = _case(request, case_id)
    contract = case_contract_for(case=case, contract_id=contract_id)
    if contract is None:
        raise Http404("No such contract on this case")
    intro = contract_review_intro(case=case, contract=contract, today=clock.today())
    return _review(request, case, intro=intro, contract=contract)


@require_http_methods(["GET", "POST"])
@login_required
def panel_referral_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    panels = panel_choices(case=case)
    if not panels:
        raise Http404("This case's policy holds no attendance panel")

    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        referral = panel_refer(
            actor=_user(request),
            case=case,
            panel_key=data["panel"],
            categories=data.get("categories", ()),
            reason=data["reason"],
            referred_on=data["referred_on"],
            acting_for=organisation,
        )
        return f"Referred to the {referral.panel_name}: arrange the panel next"

    return _page(
        request,
        case,
        make_form=lambda data: PanelReferralForm(
            data,
            panels=panels,
            categories=panel_category_choices(case=case),
            initial={"referred_on": clock.today(), "panel": panels[0][0]},
        ),
        act=act,
        heading="Refer to the attendance panel",
        button="Record the referral",
    )


@require_http_methods(["GET", "POST"])
@login_required
def return_conversation_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)

    def act(case: Case, data: dict[str, Any], organisation: Any) -> str:
        return_conversation_record(
            actor=_user(request),
            case=case,
            held_on=data["held_on"],
            absence_from=data["absence_from"],
            absence_to=data["absence_to"],
            held_with=data["held_with"],
            held_by=data["held_by"],
            what_was_said=data["what_was_said"],
            barriers=data["barriers"],
            next_steps=data["next_steps"],
            acting_for=organisation,
        )
        return "Return-to-school conversation recorded"

    return _page(
        request,
        case,
        make_form=lambda data: ReturnConversationForm(data, initial={"held_on": clock.today()}),
        act=act,
        heading="Record a return-to-school conversation",
        button="Record the conversation",
    )
