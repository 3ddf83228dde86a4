"""Forms for recording contacts with families."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from rollcall.casework.models import ChronologyEntry
from rollcall.pupils.models import CarerLink
from rollcall.web.forms import CharField, ChoiceField, GovukForm, TypedChoiceField


class ContactForm(GovukForm):
    """A contact with a parent or carer about today's unexplained absence. A page shows one per
    pupil, so each form's ids start with the pupil's (`c12-outcome`)."""

    pupil = forms.IntegerField(widget=forms.HiddenInput)
    carer = TypedChoiceField(
        label="Who",
        widget=forms.RadioSelect,
        classes="govuk-radios--small",
        coerce=int,
        required=False,
        empty_value=None,
    )
    kind = ChoiceField(
        label="How",
        widget=forms.RadioSelect,
        classes="govuk-radios--inline govuk-radios--small",
        choices=ChronologyEntry.Kind.choices,
        error_messages={"required": "Choose how you made contact"},
    )
    outcome = ChoiceField(
        label="What happened",
        widget=forms.RadioSelect,
        classes="govuk-radios--small",
        choices=ChronologyEntry.Outcome.choices,
        error_messages={"required": "Choose what happened"},
    )
    reason = CharField(label="The reason given", required=False, max_length=500)
    words = CharField(
        label="The words sent, for a text or an email",
        hint="As the school's messaging system sent them.",
        rows=2,
        required=False,
        max_length=2000,
    )
    note = CharField(label="Note (optional)", rows=2, required=False, max_length=2000)

    reveals = {"outcome": {ChronologyEntry.Outcome.REASON_GIVEN.value: "reason"}}
    own_errors_field = "outcome"  # a refusal of the contact shows with what happened

    def __init__(self, *args: Any, pupil_id: int, carers: Sequence[CarerLink], **kwargs: Any):
        kwargs.setdefault("auto_id", f"c{pupil_id}-%s")
        kwargs.setdefault(
            "initial",
            {
                "pupil": pupil_id,
                "carer": carers[0].carer_id if carers else "",
                "kind": ChronologyEntry.Kind.PHONE_CALL,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["carer"].choices = [  # type: ignore[attr-defined]
            (link.carer_id, f"{link.carer.full_name} ({link.get_relationship_display().lower()})")
            for link in carers
        ] + [("", "Someone else")]
