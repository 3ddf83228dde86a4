"""Register marks and their amendments: the evidence everything else rests on (REG24 reg 6)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from rollcall.core.models import AppendOnlyError
from rollcall.organisations.models import School
from rollcall.pupils.models import Pupil


class Mark(models.Model):
    class Session(models.TextChoices):
        AM = "AM", "Morning"
        PM = "PM", "Afternoon"

    class Source(models.TextChoices):
        REGISTER = "register", "Register taken in rollcall"
        IMPORT = "import", "Imported file"
        API = "api", "Management information system (API)"
        CTF = "ctf", "Common Transfer File"
        DEMO = "demo", "Demonstration data"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="marks")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="marks")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    code = models.CharField(max_length=2, help_text="The code now in force for this session.")
    original_code = models.CharField(max_length=2, help_text="The code first entered.")
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices)

    class Meta:
        ordering = ["date", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "pupil", "date", "session"], name="one_mark_per_session"
            )
        ]
        indexes = [
            models.Index(fields=["school", "date"]),
            models.Index(fields=["pupil", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.session} {self.code}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Register marks are evidence and cannot be deleted; amend them.")

    @property
    def was_amended(self) -> bool:
        return self.code != self.original_code


class MarkAmendment(models.Model):
    """One change to a mark: the code before, the code after, who, when and why."""

    mark = models.ForeignKey(Mark, on_delete=models.PROTECT, related_name="amendments")
    previous_code = models.CharField(max_length=2)
    new_code = models.CharField(max_length=2)
    reason = models.CharField(max_length=500)
    amended_at = models.DateTimeField()
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # REG24 reg 6 asks for the name and position of the person: kept as text at the time.
    amended_by_label = models.CharField(max_length=200)
    amended_by_role = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["amended_at", "id"]

    def __str__(self) -> str:
        return f"{self.previous_code} → {self.new_code} ({self.reason})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Amendment records cannot be changed once written.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Amendment records cannot be deleted.")
