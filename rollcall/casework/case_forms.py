"""Forms for running a case: each asks for the reason, because the reason is the record."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings

from rollcall.casework.documents import EMPTY, EXTENSIONS
from rollcall.casework.models import AgencyReferral, Case, CaseDocument, CaseEvent
from rollcall.pupils.models import Condition
from rollcall.web.forms import (
    BooleanField,
    CharField,
    ChoiceField,
    DateField,
    FileField,
    GovukForm,
    MultipleChoiceField,
    TypedChoiceField,
)

RATIONALE_HINT = (
    "Say what happened and why this is the right step now. This is part of the case's record: "
    "a magistrate may read it."
)


def _rationale(label: str) -> CharField:
    return CharField(
        label=label,
        hint=RATIONALE_HINT,
        rows=5,
        max_length=4000,
        label_size="m",
        error_messages={"required": "Say why: the reason is part of the record a court may read"},
    )


class _Stages(GovukForm):
    def __init__(self, *args: Any, stages: Sequence[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = list(stages)  # type: ignore[attr-defined]


class OpenCaseForm(_Stages):
    stage = ChoiceField(
        label="Stage to open the case at",
        widget=forms.RadioSelect,
        label_size="m",
        error_messages={"required": "Choose the stage the case starts at"},
    )
    rationale = _rationale("Why open a case?")
    lead_is_me = BooleanField(label="I am the lead practitioner for this case", required=False)


class MoveForm(_Stages):
    stage = ChoiceField(
        label="Move the case to",
        widget=forms.RadioSelect,
        label_size="m",
        hint="A case can move back as attendance improves.",
        error_messages={"required": "Choose the stage to move the case to"},
    )
    held = MultipleChoiceField(
        label="What is held before the case moves on",
        required=False,
        label_size="m",
        hint="The policy asks for each of these before the case moves on to a later stage; "
        "stepping back needs none.",
    )
    rationale = _rationale("Why move it?")

    def __init__(self, *args: Any, needed: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if needed:
            self.fields["held"].choices = list(needed)  # type: ignore[attr-defined]
        else:
            del self.fields["held"]


class ReopenForm(_Stages):
    stage = ChoiceField(
        label="Reopen at the stage",
        widget=forms.RadioSelect,
        label_size="m",
        error_messages={"required": "Choose the stage to reopen the case at"},
    )
    rationale = _rationale("Why reopen it?")


class CloseForm(GovukForm):
    outcome = ChoiceField(
        label="Outcome",
        choices=Case.Outcome.choices,
        widget=forms.RadioSelect,
        label_size="m",
        error_messages={"required": "Choose the outcome"},
    )
    rationale = _rationale("Why close it now?")


class NoteForm(GovukForm):
    occurred_on = DateField(
        what="the date it happened",
        label="When did it happen?",
        hint="For example, 27 3 2025",
        label_size="s",
    )
    summary = CharField(
        label="Summary",
        max_length=500,
        label_size="s",
        error_messages={"required": "Give the note a one-line summary"},
    )
    text = CharField(label="Details", rows=6, max_length=8000, required=False, label_size="s")
    nature = ChoiceField(
        label="Does this record fact or a professional opinion?",
        choices=CaseEvent.Nature.choices,
        widget=forms.RadioSelect,
        label_size="s",
        error_messages={"required": "Say whether this records fact or a professional opinion"},
    )
    consultation = BooleanField(label="This was a consultation with another agency", required=False)


class TaskDoneForm(GovukForm):
    note = CharField(
        label="What was done?",
        rows=4,
        max_length=4000,
        label_size="m",
        hint="For example: letter posted first class to both parents on 3 March.",
        error_messages={"required": "Write down what was done"},
    )


class FastTrackForm(GovukForm):
    rationale = _rationale("Why put the family on the Fast Track?")


class HomeVisitForm(GovukForm):
    visited_on = DateField(
        what="the date of the visit", label="When was the visit?", label_size="s"
    )
    staff = CharField(
        label="Who went",
        hint="One name per line.",
        rows=3,
        max_length=1000,
        label_size="s",
        error_messages={"required": "Name who went on the visit"},
    )
    risk_assessed_on = DateField(
        what="the date of the risk assessment",
        required=False,
        label="When was the risk assessment made?",
        label_size="s",
    )
    risk_assessment = CharField(
        label="The risk assessment", rows=4, max_length=4000, required=False, label_size="s"
    )
    seen = CharField(
        label="Who was seen",
        max_length=300,
        required=False,
        label_size="s",
        hint="For example: mother at the door; nobody answered.",
    )
    child_seen = BooleanField(label="The child was seen", required=False)
    notes = CharField(
        label="What happened",
        rows=6,
        max_length=8000,
        label_size="s",
        error_messages={"required": "Write down what happened on the visit"},
    )

    def __init__(self, *args: Any, risk_assessment_first: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if risk_assessment_first:
            self.fields["risk_assessment"].govuk.hint = (  # type: ignore[attr-defined]
                "Your policy asks for a risk assessment before every home visit."
            )


class ChecklistForm(GovukForm):
    item = ChoiceField(
        label="Item held",
        widget=forms.RadioSelect,
        label_size="m",
        error_messages={"required": "Choose the item the case holds"},
    )
    note = CharField(
        label="Where is the evidence?",
        hint="For example: minutes of the meeting of 3 March in the letters file; NTI issued "
        "12 February (copy on file).",
        rows=3,
        max_length=2000,
        label_size="s",
        error_messages={"required": "Say where the evidence is"},
    )

    def __init__(self, *args: Any, items: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = list(items)  # type: ignore[attr-defined]


class ReferralForm(GovukForm):
    service = ChoiceField(
        label="Referred to",
        choices=AgencyReferral.Service.choices,
        widget=forms.RadioSelect,
        label_size="m",
        error_messages={"required": "Choose the service the child was referred to"},
    )
    service_name = CharField(
        label="Name of the service",
        max_length=200,
        required=False,
        hint="For example: Family Support, Young Hackney.",
        label_size="s",
    )
    made_on = DateField(what="the date of the referral", label="When was it made?", label_size="s")
    reason = CharField(
        label="Why",
        rows=4,
        max_length=4000,
        label_size="s",
        error_messages={"required": "Say why the child was referred"},
    )
    family_consented = BooleanField(label="The family consented to the referral", required=False)
    parents_told = BooleanField(label="The parents were told before the referral", required=False)
    not_told_because = CharField(
        label="If they were not told, why not",
        hint="Only where telling them would put the child at greater risk of harm.",
        rows=3,
        max_length=2000,
        required=False,
        label_size="s",
    )


class ResponseForm(GovukForm):
    received_on = DateField(
        what="the date of the answer", label="When did they answer?", label_size="s"
    )
    outcome = CharField(
        label="Outcome",
        max_length=300,
        label_size="s",
        hint="For example: early help assessment offered; no further action.",
        error_messages={"required": "Give the outcome in a few words"},
    )
    response = CharField(
        label="What they said", rows=4, max_length=4000, required=False, label_size="s"
    )


class ConditionForm(GovukForm):
    kind = ChoiceField(
        label="Condition",
        choices=Condition.Kind.choices,
        widget=forms.RadioSelect,
        label_size="m",
        error_messages={"required": "Choose the condition"},
    )
    text = CharField(
        label="If another condition, what it is", max_length=300, required=False, label_size="s"
    )
    starts_on = DateField(what="the first day", label="From", label_size="s")
    ends_on = DateField(
        what="the last day",
        label="Until (leave blank if open-ended)",
        required=False,
        label_size="s",
    )
    reason = CharField(
        label="Why",
        rows=3,
        max_length=2000,
        label_size="s",
        hint="For example: agreed at the meeting of 3 March; Fast Track.",
        error_messages={"required": "Say why the condition is set"},
    )


class DocumentForm(GovukForm):
    kind = ChoiceField(
        label="What is it?",
        choices=CaseDocument.Kind.choices,
        widget=forms.RadioSelect,
        label_size="s",
        error_messages={"required": "Choose what kind of document this is"},
    )
    file = FileField(
        label="The document",
        label_size="s",
        accept=",".join(EXTENSIONS),
        error_messages={"required": "Select the document", "empty": EMPTY},
    )
    received_on = DateField(
        what="the date it was received",
        label="When was it received?",
        hint="For example, 27 3 2025",
        label_size="s",
    )
    description = CharField(
        label="Description (optional)",
        hint="For example: GP letter about asthma, dated 3 March",
        max_length=300,
        required=False,
        label_size="s",
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["file"].govuk.hint = (  # type: ignore[attr-defined]
            "A PDF, a PNG or JPEG image (a photo or scan), a Word document or plain text, "
            f"smaller than {settings.ROLLCALL_DOCUMENT_MAX_MB} MB"
        )


class AccessGrantForm(GovukForm):
    grantee = TypedChoiceField(
        label="Officer",
        coerce=int,
        label_size="m",
        hint="Someone who works for the school's local authority",
        error_messages={"required": "Choose the officer"},
    )
    starts_on = DateField(
        what="the first day of access", label="First day", hint="For example, 6 1 2025"
    )
    ends_on = DateField(
        what="the last day of access",
        label="Last day",
        hint="At most a year after the first day. For example, 4 4 2025",
    )
    reason = CharField(
        label="Why does the officer need access?",
        hint="For example: the traded attendance service works our stage 1 and 2 cases this "
        "school year.",
        rows=4,
        max_length=2000,
        label_size="m",
        error_messages={"required": "Say why the officer needs access"},
    )

    def __init__(self, *args: Any, officers: Sequence[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["grantee"].choices = [("", "Choose an officer"), *officers]  # type: ignore[attr-defined]


class AccessRevokeForm(GovukForm):
    reason = CharField(
        label="Why end the access now?",
        rows=4,
        max_length=2000,
        label_size="m",
        error_messages={"required": "Say why the access is ended early"},
    )


SEVERE_ABSENCE_PERIODS = (
    ("term", "This term so far"),
    ("last_term", "Last term"),
    ("year", "This school year so far"),
)


class SevereAbsenceForm(GovukForm):
    period = ChoiceField(
        label="Over which period?",
        choices=SEVERE_ABSENCE_PERIODS,
        widget=forms.RadioSelect,
        label_size="m",
        hint="Terms as the DfE counts them: autumn to 31 December, spring to Easter Sunday, "
        "summer to 31 July",
        error_messages={"required": "Choose the period"},
    )
