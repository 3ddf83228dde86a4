"""Forms for meetings, support plans, attendance contracts, signatures and reviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from pydantic import ValidationError as PydanticError

from rollcall.casework.models import CaseMeeting, MeetingRecord, ReturnConversation, TargetReview
from rollcall.casework.services.meetings import SupportItem
from rollcall.policies.periods import Period
from rollcall.web.forms import (
    BooleanField,
    CharField,
    ChoiceField,
    DateField,
    GovukField,
    GovukForm,
    MultipleChoiceField,
    TimeField,
    TypedMultipleChoiceField,
)

SUPPORT_ROWS = 4
Choices = Sequence[tuple[str | int, str]]


class PercentField(GovukField, forms.DecimalField):
    def __init__(self, **kwargs: Any):
        kwargs.setdefault("inputmode", "decimal")
        kwargs.setdefault("classes", "govuk-input--width-4")
        super().__init__(max_digits=4, decimal_places=1, **kwargs)


def _text(label: str, *, rows: int = 4, required: bool = False, **kwargs: Any) -> CharField:
    return CharField(label=label, rows=rows, max_length=8000, required=required, **kwargs)


def _date(what: str, label: str, **kwargs: Any) -> DateField:
    return DateField(
        what=what, label=label, label_size="s", hint="For example, 27 3 2025", **kwargs
    )


def _parents(label: str, choices: Choices, **kwargs: Any) -> TypedMultipleChoiceField:
    return TypedMultipleChoiceField(
        label=label, choices=list(choices), coerce=int, required=False, label_size="s", **kwargs
    )


class ArrangeMeetingForm(GovukForm):
    kind = ChoiceField(
        label="What kind of meeting?",
        choices=CaseMeeting.Kind.choices,
        widget=forms.RadioSelect,
        label_size="m",
        hint="What is said at a meeting with the child alone cannot be used as evidence.",
        error_messages={"required": "Choose what kind of meeting it is"},
    )
    on = _date("the date of the meeting", "Date of the meeting")
    at = TimeField(
        label="Time",
        label_size="s",
        error_messages={"required": "Enter the time of the meeting", "invalid": "Enter a time"},
    )
    venue = CharField(
        label="Where", max_length=300, label_size="s", hint="For example, the school or home"
    )
    alternatives_offered = _text(
        "Alternatives offered",
        rows=3,
        label_size="s",
        hint="Other days, times, places or ways to meet (a home visit, a call), or why none.",
    )
    parents = _parents("Parents invited", ())
    parents_not_invited_reason = _text("Why a parent is not invited", rows=2, label_size="s")
    pupil_invited = BooleanField(label="The pupil is invited", required=False)
    professionals = _text(
        "Professionals invited", rows=3, label_size="s", hint="One a line: name and role."
    )
    invited_on = _date("the date the invitations were sent", "Invitations sent on")
    panel_referral = ChoiceField(
        label="The panel referral it sits on",
        widget=forms.RadioSelect,
        required=False,
        label_size="s",
        hint="For an attendance panel only.",
    )
    social_worker_invited = BooleanField(
        label="The child's social worker is invited",
        required=False,
        hint="A child looked after but placed with parents: the social worker is invited with "
        "the parents.",
    )
    late_invitation_reason = _text(
        "If the invitations went out later than the panel's notice: why", rows=2, label_size="s"
    )

    def __init__(self, *args: Any, parents: Choices, panel_referrals: Choices = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["parents"].choices = list(parents)  # type: ignore[attr-defined]
        if panel_referrals:
            self.fields["panel_referral"].choices = list(panel_referrals)  # type: ignore[attr-defined]
        else:
            for name in ("panel_referral", "social_worker_invited", "late_invitation_reason"):
                del self.fields[name]


class RecordMeetingForm(GovukForm):
    held_on = _date("the date the meeting was held", "Held on")
    parents_present = _parents("Parents who came", (), hint="Leave all unticked if no parent came.")
    parents_absent_note = _text(
        "If a parent did not come: what is known of why, and what was offered next",
        rows=3,
        label_size="s",
    )
    pupil_present = BooleanField(label="The pupil was there", required=False)
    professionals_present = _text(
        "Professionals there", rows=3, label_size="s", hint="One a line: name and role."
    )
    child_voice = _text(
        "The child's voice",
        label_size="s",
        hint="What the child said about school, in their own words where possible.",
    )
    barriers = MultipleChoiceField(
        label="Barriers found",
        choices=MeetingRecord.Barrier.choices,
        required=False,
        label_size="s",
    )
    barriers_note = _text("About the barriers", rows=3, label_size="s")
    minutes = _text(
        "Minutes",
        rows=8,
        required=True,
        label_size="m",
        error_messages={"required": "Write the minutes: what was discussed and decided"},
    )

    def __init__(
        self,
        *args: Any,
        parents: Choices,
        panel_outcomes: Choices = (),
        panel_members: str = "",
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["parents_present"].choices = list(parents)  # type: ignore[attr-defined]
        if panel_outcomes:
            self.fields["members_present"] = _text(
                "Panel members there",
                rows=4,
                required=True,
                label_size="s",
                hint="One a line: name and role."
                + (f" The panel's members: {panel_members}." if panel_members else ""),
                error_messages={"required": "Name the panel members there, one a line"},
            )
            self.fields["panel_outcomes"] = MultipleChoiceField(
                label="What the panel decided",
                choices=list(panel_outcomes),
                required=True,
                label_size="s",
                hint="An attendance contract is agreed only with a parent there.",
                error_messages={"required": "Choose what the panel decided"},
            )
            self.fields["decision"] = _text(
                "The decision and its reasons",
                rows=4,
                required=True,
                label_size="s",
                error_messages={"required": "Say what the panel decided and why"},
            )
        for number in range(1, SUPPORT_ROWS + 1):
            self.fields[f"support_{number}"] = CharField(
                label=f"Support agreed ({number})",
                max_length=300,
                required=False,
                label_size="s",
                hint="What will be done" if number == 1 else "",
            )
            self.fields[f"owner_{number}"] = CharField(
                label="Who will do it", max_length=200, required=False
            )
            self.fields[f"due_{number}"] = DateField(
                what=f"the date support {number} is due", label="By when", required=False
            )
        minutes = self.fields.pop("minutes")
        self.fields["minutes"] = minutes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        items = []
        for number in range(1, SUPPORT_ROWS + 1):
            what = (data.get(f"support_{number}") or "").strip()
            owner = (data.get(f"owner_{number}") or "").strip()
            due = data.get(f"due_{number}")
            if not what:
                if owner or due:
                    self.add_error(f"support_{number}", "Say what support was agreed")
                continue
            if not owner:
                self.add_error(f"owner_{number}", "Say who will do it")
            if due is None and f"due_{number}" not in self.errors:
                self.add_error(f"due_{number}", "Enter the date it is due")
            if owner and due:
                items.append(SupportItem(what, owner, due))
        data["support"] = items
        return data


class _AtMeeting(GovukForm):
    def __init__(self, *args: Any, meetings: Choices, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = list(meetings)  # type: ignore[attr-defined]


class PlanForm(_AtMeeting):
    meeting = ChoiceField(
        label="Set at",
        widget=forms.RadioSelect,
        required=False,
        label_size="m",
        hint="A plan needs no parent there: if a parent does not engage, the plan is "
        "monitored as if agreed (HAC Stage 2).",
    )
    starts_on = _date("the date the plan starts", "Starts on")
    target_pct = PercentField(
        label="Attendance target (%)",
        label_size="s",
        hint="For example, 95",
        error_messages={"required": "Give the attendance target"},
    )
    support_offered = _text(
        "Support offered",
        required=True,
        label_size="s",
        error_messages={"required": "Say what support is offered"},
    )
    family_actions = _text("What the family will do", label_size="s")
    review_on = _date("the review date", "Review on", required=False)


class ContractForm(_AtMeeting):
    meeting = ChoiceField(
        label="Agreed at",
        widget=forms.RadioSelect,
        label_size="m",
        hint="An attendance contract is agreed with a parent at the meeting (WTISA, August 2024).",
        error_messages={"required": "Choose the meeting that agreed the contract"},
    )
    starts_on = _date("the date the contract starts", "Starts on")
    target_pct = PercentField(
        label="Attendance target over the contract period (%)",
        label_size="s",
        hint="For example, 95",
        error_messages={"required": "Give the attendance target"},
    )
    period = CharField(label="Contract period", max_length=40, required=False, label_size="s")
    school_support = _text(
        "Support the school will give",
        required=True,
        label_size="s",
        error_messages={"required": "Say what support the school will give"},
    )
    la_support = _text("Support the local authority will give", label_size="s")
    other_support = _text("Support other agencies will give", label_size="s")
    parent_actions = _text(
        "What the parent will do",
        required=True,
        label_size="s",
        error_messages={"required": "Say what the parent will do"},
    )
    pupil_actions = _text("What the pupil will do, where right", label_size="s")

    def __init__(self, *args: Any, period_hint: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["period"].govuk.hint = period_hint  # type: ignore[attr-defined]

    def clean_period(self) -> Period | None:
        text = (self.cleaned_data.get("period") or "").strip()
        if not text:
            return None
        try:
            return Period.model_validate(text)
        except PydanticError:
            raise forms.ValidationError(
                "Give the period as a number and a unit, such as '12 weeks' or '6 school weeks'"
            ) from None


class SignForm(GovukForm):
    party = ChoiceField(
        label="Who signed?",
        widget=forms.RadioSelect,
        label_size="m",
        error_messages={"required": "Choose who signed"},
    )
    name = CharField(
        label="Name and role",
        max_length=200,
        required=False,
        label_size="s",
        hint="For the school, the local authority or another agency.",
    )
    signed_on = _date("the date it was signed", "Signed on")

    def __init__(self, *args: Any, parties: Choices, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = list(parties)  # type: ignore[attr-defined]


class ReviewForm(GovukForm):
    reviewed_on = _date("the date of the review", "Reviewed on")
    outcome = ChoiceField(
        label="Outcome",
        choices=TargetReview.Outcome.choices,
        widget=forms.RadioSelect,
        label_size="m",
        error_messages={"required": "Choose the outcome of the review"},
    )
    note = _text(
        "What the review found",
        rows=5,
        required=True,
        label_size="s",
        error_messages={"required": "Say what the review found and why this outcome"},
    )


class PanelReferralForm(GovukForm):
    panel = ChoiceField(
        label="Which panel?",
        widget=forms.RadioSelect,
        label_size="m",
        error_messages={"required": "Choose the panel"},
    )
    categories = MultipleChoiceField(
        label="Referred because",
        required=False,
        label_size="s",
        hint="The panel's referral categories: choose each that applies.",
    )
    reason = _text(
        "Why the case goes to the panel",
        rows=5,
        required=True,
        label_size="s",
        hint="The absence, the work done so far and what came of it.",
        error_messages={"required": "Say why the case goes to the panel"},
    )
    referred_on = _date("the date of the referral", "Referred on")

    def __init__(self, *args: Any, panels: Choices, categories: Choices, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["panel"].choices = list(panels)  # type: ignore[attr-defined]
        if categories:
            self.fields["categories"].choices = list(categories)  # type: ignore[attr-defined]
        else:
            del self.fields["categories"]


class ReturnConversationForm(GovukForm):
    held_on = _date("the date of the conversation", "Held on")
    absence_from = _date("the first day of the absence", "The absence began on")
    absence_to = _date("the last day of the absence", "The absence ended on")
    held_with = ChoiceField(
        label="Who was it with?",
        choices=ReturnConversation.With.choices,
        widget=forms.RadioSelect,
        label_size="s",
        hint="What is said with the child alone cannot be used as evidence.",
        error_messages={"required": "Choose who the conversation was with"},
    )
    held_by = CharField(
        label="Held by",
        max_length=200,
        label_size="s",
        hint="Name and role.",
        error_messages={"required": "Say who at the school had the conversation"},
    )
    what_was_said = _text(
        "What was said",
        rows=5,
        required=True,
        label_size="s",
        hint="Why the child was away and what would help, in their words where possible.",
        error_messages={"required": "Write what was said"},
    )
    barriers = MultipleChoiceField(
        label="Barriers found",
        choices=MeetingRecord.Barrier.choices,
        required=False,
        label_size="s",
    )
    next_steps = _text("Next steps", rows=3, label_size="s")


def today_initial(*names: str, today: dt.date) -> dict[str, dt.date]:
    return {name: today for name in names}


__all__ = [
    "ArrangeMeetingForm",
    "ContractForm",
    "PanelReferralForm",
    "PlanForm",
    "RecordMeetingForm",
    "ReturnConversationForm",
    "ReviewForm",
    "SignForm",
]
