"""The audit stream: one append-only row for every write rollcall makes.

Services write an event in the same transaction as the change it describes, so the record of
who did what can never disagree with the data (see docs/adr/0001-foundations.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a row that is evidence."""


class AppendOnlyModel(models.Model):
    """Evidence: rows are added and never changed or deleted. The database refuses it too
    (`rollcall.core.evidence`: each table's migration creates its guards)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(
                f"{str(self._meta.verbose_name_plural).capitalize()} are evidence: they cannot "
                "be changed once written."
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError(
            f"{str(self._meta.verbose_name_plural).capitalize()} are evidence: they cannot be "
            "deleted."
        )


class AuditEvent(AppendOnlyModel):
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept as text too, so the record still reads correctly if the account is renamed.
    actor_label = models.CharField(max_length=200)
    verb = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    school_urn = models.CharField(max_length=6, blank=True, db_index=True)
    summary = models.CharField(max_length=500)
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label}: {self.summary}"
