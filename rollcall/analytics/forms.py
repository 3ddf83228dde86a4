"""Forms for the attendance pages. They collect what was sent; the services decide."""

from __future__ import annotations

from django import forms

from rollcall.analytics.services import NOTE_LIMIT, NOTE_REQUIRED


class DoneForm(forms.Form):
    note = forms.CharField(
        max_length=NOTE_LIMIT,
        error_messages={
            "required": NOTE_REQUIRED,
            "max_length": f"Keep the note to {NOTE_LIMIT:,} characters or fewer",
        },
    )
