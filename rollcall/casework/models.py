"""The pupil's chronology: every contact and action, in order, as the record a court will read.

"If it is not written down, it did not happen": entries are appended, never changed or deleted
(docs/adr/0001-foundations.md applies to them as to register marks).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rollcall.core.models import AppendOnlyModel
from rollcall.organisations.models import School
from rollcall.pupils.models import Carer, Pupil


class ChronologyEntry(AppendOnlyModel):
    class Kind(models.TextChoices):
        PHONE_CALL = "phone_call", "Phone call"
        TEXT_MESSAGE = "text_message", "Text message"
        HOME_VISIT = "home_visit", "Home visit"
        EMAIL = "email", "Email"

    class Outcome(models.TextChoices):
        REACHED = "reached", "Reached"
        NO_ANSWER = "no_answer", "No answer"
        MESSAGE_LEFT = "message_left", "Message left"
        REASON_GIVEN = "reason_given", "Reason given"

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="chronology")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.CharField(
        max_length=500, blank=True, help_text="The reason for the absence, when one was given."
    )
    carer = models.ForeignKey(
        Carer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept as text too, so the entry reads the same if the carer's record changes later.
    carer_label = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField()
    # A contact belongs to the absence it follows up, whatever day it is made: a call on Monday
    # about Friday's absence is shown on Friday's follow-up. Empty for contacts about no
    # particular day's absence.
    absence_date = models.DateField(
        null=True, blank=True, help_text="The school day whose absence this contact follows up."
    )
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=200)
    summary = models.CharField(max_length=500)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "chronology entries"
        ordering = ["occurred_at", "id"]
        indexes = [
            models.Index(fields=["pupil", "occurred_at"]),
            models.Index(fields=["school", "occurred_at"]),
            models.Index(fields=["school", "absence_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.summary}"
