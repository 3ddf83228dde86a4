"""Forms for recording contacts with families."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms

from rollcall.casework.models import ChronologyEntry


class ContactForm(forms.Form):
    """A contact with a parent or carer about today's unexplained absence."""

    pupil = forms.IntegerField(widget=forms.HiddenInput)
    carer = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(
        choices=ChronologyEntry.Kind.choices,
        error_messages={"required": "Choose how you made contact"},
    )
    outcome = forms.ChoiceField(
        choices=ChronologyEntry.Outcome.choices,
        error_messages={"required": "Choose what happened"},
    )
    reason = forms.CharField(required=False, max_length=500)
    note = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, carer_ids: Sequence[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carer"].choices = [("", "Someone else")] + [  # type: ignore[attr-defined]
            (i, i) for i in carer_ids
        ]
