"""Forms for the attendance pages. They collect what was sent; the services decide."""

from __future__ import annotations

from rollcall.analytics.services import NOTE_LIMIT, NOTE_REQUIRED
from rollcall.web.forms import CharField, GovukForm


class DoneForm(GovukForm):
    note = CharField(
        label="What was done?",
        label_size="m",
        hint="For example: phoned mother on 21 March, absence was illness, codes corrected; or: "
        "penalty notice considered, support plan agreed instead. This note is kept as the record.",
        rows=5,
        max_length=NOTE_LIMIT,
        error_messages={
            "required": NOTE_REQUIRED,
            "max_length": f"Keep the note to {NOTE_LIMIT:,} characters or fewer",
        },
    )

    own_errors_field = "note"  # a refusal of the note shows at the note
