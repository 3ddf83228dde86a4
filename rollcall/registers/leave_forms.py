"""Forms for leave of absence: the parent's request, the headteacher's decision, and the
response to each parent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from rollcall.registers.models import LeaveDecision, LeaveResponse, Mark
from rollcall.web.forms import BooleanField, CharField, ChoiceField, DateField, GovukForm

SESSION_CHOICES = [(Mark.Session.AM, "Morning"), (Mark.Session.PM, "Afternoon")]


def _session(label: str, required: bool = True) -> ChoiceField:
    return ChoiceField(
        label=label,
        choices=SESSION_CHOICES,
        widget=forms.RadioSelect,
        classes="govuk-radios--inline govuk-radios--small",
        required=required,
        error_messages={"required": f"Choose the {label.lower()}"},
    )


class PickPupilForm(GovukForm):
    pupil = ChoiceField(
        label="Which pupil is the request for?",
        label_size="m",
        error_messages={"required": "Choose the pupil the request is for"},
    )

    def __init__(self, *args: Any, pupils: Sequence[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].choices = [("", "Choose a pupil"), *pupils]  # type: ignore[attr-defined]


class _Carers(GovukForm):
    def __init__(self, *args: Any, carers: Sequence[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["carer"].choices = list(carers)  # type: ignore[attr-defined]


class LeaveRequestForm(_Carers):
    carer = ChoiceField(
        label="Which parent asked?",
        label_size="m",
        widget=forms.RadioSelect,
        hint="Leave can be granted only on a request from a parent the child normally lives with.",
        error_messages={"required": "Choose the parent who asked"},
    )
    first_day = DateField(label="First day of the leave", what="the first day", label_size="s")
    first_session = _session("First session")
    last_day = DateField(label="Last day of the leave", what="the last day", label_size="s")
    last_session = _session("Last session")
    reason = CharField(
        label="Why the parent asks for leave",
        hint="In the parent's words, with any evidence they gave.",
        rows=4,
        max_length=4000,
        label_size="s",
        error_messages={"required": "Say why the parent asked for the leave"},
    )
    received_on = DateField(
        label="Date the school received the request",
        what="the date the request was received",
        label_size="s",
    )


class LeaveDecisionForm(GovukForm):
    outcome = ChoiceField(
        label="The headteacher's decision",
        label_size="m",
        choices=LeaveDecision.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the leave is granted or refused"},
    )
    rationale = CharField(
        label="Reason for the decision",
        hint=(
            "Leave is granted only in exceptional circumstances. Say what the circumstances are, "
            "or why they are not exceptional. A magistrate may read this."
        ),
        rows=5,
        max_length=4000,
        label_size="s",
        error_messages={"required": "Give the reason for the decision"},
    )
    decided_on = DateField(label="Date of the decision", what="the date of the decision")
    first_day = DateField(
        label="First day granted",
        what="the first day granted",
        required=False,
        hint="Only if the leave granted is shorter than the leave asked for.",
    )
    first_session = _session("First session granted", required=False)
    last_day = DateField(label="Last day granted", what="the last day granted", required=False)
    last_session = _session("Last session granted", required=False)


class LeaveResponseForm(_Carers):
    carer = ChoiceField(
        label="Which parent was told?",
        label_size="m",
        widget=forms.RadioSelect,
        hint="Record a response for each parent: each may later be named in a penalty notice.",
        error_messages={"required": "Choose the parent who was told"},
    )
    channel = ChoiceField(
        label="How were they told?",
        label_size="s",
        choices=LeaveResponse.Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the parent was told"},
    )
    told_on = DateField(label="Date they were told", what="the date they were told")
    warned_of_penalty = BooleanField(
        label="The response set out the risk of a penalty notice or prosecution if the leave "
        "is taken without permission",
        required=False,
    )
    note = CharField(
        label="Note (optional)",
        hint="For example who handed the letter over, or where the copy is kept.",
        required=False,
        max_length=500,
    )
