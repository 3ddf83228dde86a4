"""The pupil's chronology: every contact and action, in order, as the record a court will read.

"If it is not written down, it did not happen": entries are appended, never changed or deleted
(docs/adr/0001-foundations.md applies to them as to register marks).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rollcall.core.models import AppendOnlyModel
from rollcall.organisations.models import LocalAuthority, School, Trust
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


class Case(models.Model):
    """A child's case, run by one organisation under its policy profile.

    The case holds only where it stands now (status, stage, owner, lead); how it got there is
    its events (`CaseEvent`), which are never changed. Stages are the profile's
    (`rollcall.policies`): the code knows only the statuses.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        # Taken over by the local authority from the school that opened it.
        REFERRED = "referred", "Referred to the LA"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        IMPROVED = "improved", "Attendance improved"
        LEFT_SCHOOL = "left_school", "Left the school"
        LEFT_SCHOOL_AGE = "left_school_age", "Left compulsory school age"
        OTHER_SERVICE = "other_service", "Moved to another service"
        ENFORCEMENT = "enforcement", "Escalated to enforcement"

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="cases")
    # The school the child attends: its calendar counts the case's school days and weeks.
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="cases")
    # Who runs the case: exactly one of these. `owner_key` ("school:12", "trust:3",
    # "local_authority:1") lets the database hold one open case per child per owner.
    owner_school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_key = models.CharField(max_length=40)
    # The school that ran it before the LA took it over; it keeps reading the case.
    referred_by_school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    profile_key = models.CharField(max_length=80)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.OPEN)
    stage_key = models.CharField(max_length=80)
    stage_entered_on = models.DateField()
    lead_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_practitioner_label = models.CharField(max_length=200, blank=True)
    # The child's home LA where it is not the school's (cross-border: the school's LA
    # enforces, the home LA is consulted).
    home_local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_on = models.DateField()
    opened_at = models.DateTimeField()
    opened_by_label = models.CharField(max_length=200)
    # The worklist trigger it was opened from, if any (analytics.WorklistItem id and kind).
    opened_from_kind = models.CharField(max_length=80, blank=True)
    opened_from_item = models.PositiveBigIntegerField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ["opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "owner_key"],
                condition=~models.Q(status="closed"),
                name="one_active_case_per_child_per_owner",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        owner_school__isnull=False,
                        owner_trust__isnull=True,
                        owner_local_authority__isnull=True,
                    )
                    | models.Q(
                        owner_school__isnull=True,
                        owner_trust__isnull=False,
                        owner_local_authority__isnull=True,
                    )
                    | models.Q(
                        owner_school__isnull=True,
                        owner_trust__isnull=True,
                        owner_local_authority__isnull=False,
                    )
                ),
                name="case_has_one_owner",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed")
                | (models.Q(closed_on__isnull=False) & ~models.Q(outcome="")),
                name="closed_case_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status"]),
            models.Index(fields=["owner_key", "status"]),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk} ({self.get_status_display()}, {self.stage_key})"

    @property
    def active(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def owner(self) -> School | Trust | LocalAuthority:
        owner = self.owner_school or self.owner_trust or self.owner_local_authority
        assert owner is not None
        return owner


class CaseEvent(AppendOnlyModel):
    """One step in a case's chronology: opened, moved, transferred, closed, a note, a task
    done. Written once, never changed: the record a magistrate reads."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Case opened"
        STAGE_CHANGED = "stage_changed", "Stage changed"
        TRANSFERRED = "transferred", "Taken over by the local authority"
        LEAD_CHANGED = "lead_changed", "Lead practitioner changed"
        TASK_DONE = "task_done", "Task done"
        NOTE = "note", "Note"
        CONSULTATION = "consultation", "Consultation with another agency"
        CLOSED = "closed", "Case closed"
        REOPENED = "reopened", "Case reopened"
        DOCUMENT = "document", "Document received"

    class Nature(models.TextChoices):
        # Sefton §15.8: records say whether they are fact or a professional's opinion.
        FACT = "fact", "Fact"
        OPINION = "opinion", "Professional opinion or assessment"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    nature = models.CharField(max_length=8, choices=Nature.choices, default=Nature.FACT)
    occurred_on = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=200)
    # The organisation the writer worked for ("Hartwell High", "Northam Council").
    organisation_key = models.CharField(max_length=40)
    organisation_label = models.CharField(max_length=200)
    from_stage = models.CharField(max_length=80, blank=True)
    to_stage = models.CharField(max_length=80, blank=True)
    summary = models.CharField(max_length=500)
    # Why: required for stage changes, transfers, closing and reopening.
    rationale = models.TextField(blank=True)
    # The child's figures at that moment (attendance %, unauthorised sessions, threshold).
    figures = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["case", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.summary}"


class CaseTask(models.Model):
    """Something the case's stage expects to be done by a date, with its source.

    Tasks are never deleted: a task the case moved past is cancelled, with the stage change
    that ended it, and one done says who did it and when (and the case's events record it).
    """

    class Status(models.TextChoices):
        OPEN = "open", "To do"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "No longer needed"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks")
    stage_key = models.CharField(max_length=80)
    key = models.CharField(max_length=80)
    label = models.CharField(max_length=300)
    # When it was set and how long it was given ("4 school weeks"), so the page shows the unit.
    counted_from = models.DateField()
    period = models.CharField(max_length=40, blank=True)
    due_on = models.DateField(null=True, blank=True)
    # Why there is no date: none set by the profile, or the calendar does not reach yet.
    undated_reason = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by_label = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.label} (due {self.due_on or 'no date'})"


class CaseDocument(AppendOnlyModel):
    """A document that came in for a case (a doctor's note, a psychologist's report, a letter
    from a parent or a social worker), kept as received with its SHA-256, so anyone can show
    later that the file is the one that was recorded. Never changed or deleted; the file itself
    is stored under `ROLLCALL_DOCUMENTS_DIR` by its hash (rollcall.casework.services.documents).
    """

    class Kind(models.TextChoices):
        MEDICAL = "medical", "Medical note or evidence"
        PSYCHOLOGIST = "psychologist", "Report from a psychologist"
        PARENT = "parent", "Letter from a parent or carer"
        DOCTOR = "doctor", "Letter from a doctor"
        SOCIAL_WORKER = "social_worker", "Letter from a social worker"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    # Its entry in the case's chronology.
    event = models.OneToOneField(CaseEvent, on_delete=models.PROTECT, related_name="document")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=300, blank=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    received_on = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["received_on", "id"]
        indexes = [models.Index(fields=["case", "received_on"])]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_kind_display()}, received {self.received_on})"


class CaseAccessGrant(AppendOnlyModel):
    """A school's office lets a named local authority officer work the school's own cases for a
    period, as if working for the school (Hackney's traded service works schools' stage 1 and 2
    cases: HAC). Written once; ended early only by a `CaseAccessRevocation`."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    grantee_label = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.TextField()
    granted_at = models.DateTimeField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_by_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="case_access_ends_after_it_starts",
            )
        ]
        indexes = [models.Index(fields=["grantee", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.grantee_label}: {self.starts_on} to {self.ends_on}"


class CaseAccessRevocation(AppendOnlyModel):
    """The school ending a grant early: from `revoked_on` the grant is no longer in force."""

    grant = models.OneToOneField(
        CaseAccessGrant, on_delete=models.PROTECT, related_name="revocation"
    )
    revoked_on = models.DateField()
    reason = models.TextField()
    revoked_at = models.DateTimeField()
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_by_label = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"Revoked from {self.revoked_on}"
