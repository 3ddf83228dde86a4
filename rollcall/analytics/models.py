"""Worklist items: a trigger met by a pupil, waiting for someone at their school to act.

The nightly sweep (`rollcall sweep`) creates them; school staff mark them done with a note of
what was done. An item is never deleted: it is part of the record of how the school responded.
An item whose trigger no longer holds (a threshold met only through N marks, once the Ns are
replaced by codes that do not count: WTISA, "N code") is withdrawn by the sweep, with the
reason, and stays on the record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rollcall.organisations.models import School
from rollcall.policies import load_profile
from rollcall.pupils.models import Pupil

KIND_LABELS = {
    "national_threshold": "National threshold met",
    "local_threshold": "Local threshold met",
    "continuous_absence": "10 school days' continuous absence",
    "ground_i": "Ground I deletion may apply",
    "uncorrected_n": "N code not corrected within 5 school days",
    "persistent_absence": "Persistent absence",
    "severe_absence": "Severe absence",
    "holiday_variant": "Unauthorised holiday",
}


def kind_label(kind: str) -> str:
    """What a trigger kind is called on screen; a profile's attendance trigger by its key."""
    if kind.startswith("attendance:"):
        return (
            "Attendance below the local trigger (" + kind.partition(":")[2].replace("_", " ") + ")"
        )
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


class WorklistItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        WITHDRAWN = "withdrawn", "Withdrawn"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="worklist_items")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="worklist_items")
    kind = models.CharField(max_length=80)
    met_on = models.DateField(help_text="When the trigger was met.")
    detail = models.CharField(max_length=500)
    found_on = models.DateField(help_text="The date the sweep that found it was run for.")
    created_at = models.DateTimeField()
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.OPEN)
    provisional = models.BooleanField(
        default=False, help_text="Met only through N marks still to be replaced."
    )
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=500, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept as text too, so the record still reads correctly if the account is renamed.
    done_by_label = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["met_on", "id"]
        constraints = [
            # Running the sweep again never lists the same trigger twice.
            models.UniqueConstraint(
                fields=["pupil", "kind", "met_on"], name="unique_worklist_item"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(done_at__isnull=False),
                name="worklist_item_done_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn")
                | (models.Q(withdrawn_on__isnull=False) & ~models.Q(withdrawn_reason="")),
                name="worklist_item_withdrawn_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["school", "status", "met_on"])]

    def __str__(self) -> str:
        return f"{self.label} — {self.pupil.display_name} ({self.met_on})"

    @property
    def label(self) -> str:
        """The trigger's name: a profile's own attendance trigger by its own label."""
        if self.kind.startswith("attendance:"):
            profile = load_profile(self.school.effective_policy_profile)
            own = profile.triggers.attendance.get(self.kind.partition(":")[2])
            if own is not None:
                return own.label
        return kind_label(self.kind)
