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
    # A text or an email goes from the school's own messaging system; rollcall keeps the words
    # as sent, so the record shows what the parent was told.
    words = models.TextField(blank=True)

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

    @property
    def detail(self) -> str:
        """The words sent, then the officer's note, as the chronology shows them."""
        parts = [f"Words sent: \u201c{self.words}\u201d"] if self.words else []
        if self.note:
            parts.append(self.note)
        return "\n".join(parts)


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
        HOME_VISIT = "home_visit", "Home visit"
        CONSENT = "consent", "Consent to share information"
        HOME_LA_CHANGED = "home_la_changed", "Home local authority changed"
        CHECKLIST = "checklist", "Referral checklist item marked"
        REFERRAL = "referral", "Referral to another service"
        REFERRAL_RESPONSE = "referral_response", "Response from another service"
        MEETING_ARRANGED = "meeting_arranged", "Meeting arranged"
        MEETING_HELD = "meeting_held", "Meeting held"
        PLAN_SET = "plan_set", "Support plan set"
        CONTRACT_AGREED = "contract_agreed", "Attendance contract agreed"
        CONTRACT_SIGNED = "contract_signed", "Attendance contract signed"
        TARGET_REVIEWED = "target_reviewed", "Attendance target reviewed"
        DOCUMENT = "document", "Document received"
        PANEL_REFERRAL = "panel_referral", "Referred to an attendance panel"
        RETURN_CONVERSATION = "return_talk", "Return-to-school conversation"
        LETTER = "letter", "Letter"

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
    # Who does it, where it is not the case's officer: support agreed at a meeting names its
    # owner ("Mrs Khan, Head of Year 8"; "Mother").
    owner_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.label} (due {self.due_on or 'no date'})"


class HomeVisit(AppendOnlyModel):
    """A visit to the child's home: who went, the risk assessment made first where the
    profile asks for one, who was seen and what was found."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="home_visits")
    visited_on = models.DateField()
    staff = models.JSONField(help_text="The names of everyone who went.")
    risk_assessed_on = models.DateField(null=True, blank=True)
    risk_assessment = models.TextField(blank=True)
    seen = models.CharField(max_length=300, blank=True, help_text="Who was seen, if anyone.")
    child_seen = models.BooleanField(default=False)
    notes = models.TextField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["visited_on", "id"]

    def __str__(self) -> str:
        return f"Home visit {self.visited_on}"


class CaseConsent(AppendOnlyModel):
    """Consent to share information about the child and family with other agencies, as a
    parent or an agency gave, refused or withdrew it (LEE: practitioners seek parental consent
    throughout all stages; SEF §18: statutory intervention itself needs none).

    Each record is kept as written; a later decision is a new record, and the latest for a
    parent or agency is where they stand."""

    class Decision(models.TextChoices):
        GIVEN = "given", "Given"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consents")
    # Who decided: one of the child's parents, or an agency named in `agency`.
    carer = models.ForeignKey(
        Carer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.CharField(max_length=200, blank=True)
    # The parent's name and relationship, or the agency's name, as they were then.
    party_label = models.CharField(max_length=300)
    decision = models.CharField(max_length=9, choices=Decision.choices)
    decided_on = models.DateField()
    covers = models.CharField(
        max_length=500, help_text="What the consent covers: which information, shared with whom."
    )
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=200)
    organisation_key = models.CharField(max_length=40)
    organisation_label = models.CharField(max_length=200)

    class Meta:
        verbose_name = "consent to share information"
        verbose_name_plural = "consents to share information"
        ordering = ["decided_on", "recorded_at", "id"]
        indexes = [models.Index(fields=["case", "decided_on"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(carer__isnull=False) & models.Q(agency=""))
                | (models.Q(carer__isnull=True) & ~models.Q(agency="")),
                name="consent_by_a_parent_or_an_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.decided_on} {self.party_label}: {self.get_decision_display()}"


class ChecklistMark(AppendOnlyModel):
    """An item of the pre-referral evidence checklist marked by hand as held, with a note of
    where the evidence is; or a mark withdrawn. The latest mark for an item stands."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="checklist_marks")
    item = models.CharField(max_length=80)
    held = models.BooleanField(default=True)
    note = models.TextField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=200)
    organisation_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["case", "item"])]

    def __str__(self) -> str:
        return f"{self.item}: {'held' if self.held else 'withdrawn'}"


class AgencyReferral(AppendOnlyModel):
    """A referral from the case to another service: early help (an assessment or a team
    around the family), children's social care (MASH in Hackney), health or others. Parents
    are told first unless that would put the child at greater risk (HAC 'Safeguarding')."""

    class Service(models.TextChoices):
        EARLY_HELP = "early_help", "Early help (assessment or team around the family)"
        SOCIAL_CARE = "social_care", "Children's social care (MASH)"
        CAMHS = "camhs", "Child and adolescent mental health services"
        EDUCATIONAL_PSYCHOLOGY = "educational_psychology", "Educational psychology"
        SCHOOL_NURSE = "school_nurse", "School nurse or health"
        OTHER = "other", "Another service"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    service = models.CharField(max_length=30, choices=Service.choices)
    service_name = models.CharField(max_length=200, blank=True)
    made_on = models.DateField()
    reason = models.TextField()
    parents_told = models.BooleanField()
    not_told_because = models.TextField(blank=True)
    family_consented = models.BooleanField(default=False)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["made_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_service_display()} {self.made_on}"


class AgencyResponse(AppendOnlyModel):
    """What the service said, and the outcome, when it answered a referral."""

    referral = models.ForeignKey(AgencyReferral, on_delete=models.PROTECT, related_name="responses")
    received_on = models.DateField()
    response = models.TextField()
    outcome = models.CharField(max_length=300)
    recorded_at = models.DateTimeField()
    recorded_by_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"{self.received_on}: {self.outcome}"


# ------------------------------------------------------------------ meetings, plans, contracts
# Each is evidence, written once and never changed: what happens next (the meeting held, a
# signature, a review) is a row of its own. ESX 'Pre-referral evidence': meeting invites,
# notes, contracts and review notes are what a referral to the LA rests on.


class _CaseRecord(AppendOnlyModel):
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=200)
    organisation_label = models.CharField(max_length=200)

    class Meta:
        abstract = True


class CaseMeeting(_CaseRecord):
    """A meeting arranged on a case: when, where, the alternatives offered and who was invited
    (each parent separately, the pupil, professionals). What happened is its `MeetingRecord`."""

    class Kind(models.TextChoices):
        ATTENDANCE = "attendance", "Attendance meeting with the family"
        TEAM_AROUND = "team_around", "Team around the child or family"
        REVIEW = "review", "Review meeting"
        PANEL = "panel", "Attendance panel"
        # ESX 'Pre-referral evidence': what is said at a meeting held with a child cannot be
        # used as evidence.
        CHILD_ALONE = "child_alone", "Meeting with the child alone"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    on = models.DateField()
    at = models.TimeField()
    venue = models.CharField(max_length=300)
    # Other days, times, places or ways to meet offered (ESX: the same time and day offered
    # for every meeting is weak evidence of a flexible approach).
    alternatives_offered = models.TextField(blank=True)
    invited_on = models.DateField()
    # Each parent invited, as they stood then: [{"carer": id, "name": ..., "relationship": ...}].
    parents_invited = models.JSONField(default=list, blank=True)
    parents_not_invited_reason = models.TextField(blank=True)
    pupil_invited = models.BooleanField(default=False)
    # One a line: "Name, role".
    professionals_invited = models.TextField(blank=True)
    # A panel sits on a referral to it, first, second (LEE 'Stage 1a': a second panel).
    panel_referral = models.ForeignKey(
        "PanelReferral", null=True, blank=True, on_delete=models.PROTECT, related_name="sittings"
    )
    sitting = models.PositiveSmallIntegerField(null=True, blank=True)
    # The looked-after child's social worker invited with the parents, as recorded then
    # (LEE 'Stage 3'): "name, contact".
    social_worker_invited = models.CharField(max_length=400, blank=True)
    # Why the invitations went out later than the panel's notice period (SEF §6.8).
    late_invitation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["on", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on}"

    @property
    def with_child_alone(self) -> bool:
        return self.kind == self.Kind.CHILD_ALONE


class MeetingRecord(_CaseRecord):
    """What happened at a meeting: who came (each parent separately), the child's voice, the
    barriers found, the support agreed with its owner and date, and the minutes."""

    class Barrier(models.TextChoices):
        HEALTH = "health", "Physical health"
        SEND = "send", "Special educational needs or disability"
        BULLYING = "bullying", "Bullying"
        TRANSPORT = "transport", "Transport"
        CARING = "caring", "Caring responsibilities"
        FAMILY = "family", "Family circumstances"
        MENTAL_HEALTH = "mental_health", "Mental health"
        OTHER = "other", "Other"

    meeting = models.OneToOneField(CaseMeeting, on_delete=models.PROTECT, related_name="record")
    held_on = models.DateField()
    # [{"carer": id, "name": ..., "relationship": ...}]: each parent who came.
    parents_present = models.JSONField(default=list, blank=True)
    # Why a parent did not come, and what was offered instead.
    parents_absent_note = models.TextField(blank=True)
    pupil_present = models.BooleanField(default=False)
    professionals_present = models.TextField(blank=True)
    child_voice = models.TextField(blank=True)
    barriers = models.JSONField(default=list, blank=True)
    barriers_note = models.TextField(blank=True)
    # [{"what": ..., "owner": ..., "due_on": "2025-03-21", "task": id}]
    support_agreed = models.JSONField(default=list, blank=True)
    minutes = models.TextField()
    # A panel's sitting: its members there (one a line, "name, role"), what it decided from
    # the profile's outcomes, and why.
    members_present = models.TextField(blank=True)
    panel_outcomes = models.JSONField(default=list, blank=True)
    decision = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Record of {self.meeting}"

    @property
    def a_parent_came(self) -> bool:
        return bool(self.parents_present)


class PanelReferral(_CaseRecord):
    """A case referred to one of the profile's attendance panels: which panel, the categories
    of the referral (SEF §6.4, among them a pupil at risk from radicalisation or extremism)
    and why. The panel then sits on it as a meeting of kind `panel`."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="panel_referrals")
    panel_key = models.CharField(max_length=80)
    panel_name = models.CharField(max_length=200)
    # [{"key": ..., "label": ...}] as the profile read then.
    categories = models.JSONField(default=list, blank=True)
    reason = models.TextField()
    referred_on = models.DateField()

    class Meta:
        ordering = ["referred_on", "id"]

    def __str__(self) -> str:
        return f"Referral to the {self.panel_name} on {self.referred_on}"


class ReturnConversation(_CaseRecord):
    """A return-to-school conversation after an absence: who spoke with whom, what the child
    (and parent) said, the barriers found and what follows. A conversation with the child
    alone is marked, since what is said there cannot be used as evidence (ESX)."""

    class With(models.TextChoices):
        PUPIL = "pupil", "The pupil alone"
        PUPIL_AND_PARENT = "pupil_and_parent", "The pupil and a parent"
        PARENT = "parent", "A parent"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="return_conversations")
    held_on = models.DateField()
    absence_from = models.DateField()
    absence_to = models.DateField()
    held_with = models.CharField(max_length=20, choices=With.choices)
    held_by = models.CharField(max_length=200)
    what_was_said = models.TextField()
    barriers = models.JSONField(default=list, blank=True)
    next_steps = models.TextField(blank=True)

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"Return-to-school conversation on {self.held_on}"

    @property
    def with_child_alone(self) -> bool:
        return self.held_with == self.With.PUPIL


class SupportPlan(_CaseRecord):
    """An attendance target, the support offered and a review date, set at a meeting or not:
    a plan needs no parent present (HAC Stage 2: "set the monitoring period as if the plan had
    been agreed")."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="support_plans")
    meeting = models.ForeignKey(
        CaseMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    starts_on = models.DateField()
    target_pct = models.DecimalField(max_digits=4, decimal_places=1)
    support_offered = models.TextField()
    family_actions = models.TextField(blank=True)
    agreed_with_parent = models.BooleanField(default=False)
    review_on = models.DateField()
    # Where the review date comes from: the profile's review and its source, or the officer.
    review_source = models.CharField(max_length=300)

    class Meta:
        ordering = ["starts_on", "id"]

    def __str__(self) -> str:
        return f"Support plan from {self.starts_on} (target {self.target_pct}%)"


class AttendanceContract(_CaseRecord):
    """An attendance contract (formerly a parenting contract, ASBA 2003 s19), agreed at a
    meeting a parent came to (WTISA, August 2024): targets over its period, the support the
    school and LA give, what the parent (and where right the pupil) will do, its reviews."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contracts")
    meeting = models.ForeignKey(CaseMeeting, on_delete=models.PROTECT, related_name="contracts")
    starts_on = models.DateField()
    ends_on = models.DateField()
    period = models.CharField(max_length=40)
    review_dates = models.JSONField(default=list)
    period_source = models.CharField(max_length=300)
    target_pct = models.DecimalField(max_digits=4, decimal_places=1)
    school_support = models.TextField()
    la_support = models.TextField(blank=True)
    other_support = models.TextField(blank=True)
    parent_actions = models.TextField()
    pupil_actions = models.TextField(blank=True)
    # The parents who agreed it at the meeting, as they stood then.
    parents = models.JSONField(default=list)

    class Meta:
        ordering = ["starts_on", "id"]

    def __str__(self) -> str:
        return f"Attendance contract {self.starts_on} to {self.ends_on}"


class ContractSignature(_CaseRecord):
    """One party's signature on an attendance contract (HAC Appendix B: parent/carer, pupil,
    school, other agency)."""

    class Party(models.TextChoices):
        PARENT = "parent", "Parent or carer"
        PUPIL = "pupil", "Pupil"
        SCHOOL = "school", "School"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        OTHER_AGENCY = "other_agency", "Other agency"

    contract = models.ForeignKey(
        AttendanceContract, on_delete=models.PROTECT, related_name="signatures"
    )
    party = models.CharField(max_length=20, choices=Party.choices)
    carer = models.ForeignKey(
        Carer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)
    signed_on = models.DateField()

    class Meta:
        ordering = ["signed_on", "id"]

    def __str__(self) -> str:
        return f"Signed by {self.name} on {self.signed_on}"


class TargetReview(_CaseRecord):
    """A review of a support plan or an attendance contract: the figures from the registers
    over its own period against its target, and what was decided (HAC Stage 2's three
    outcomes; SEF §6.17)."""

    class Outcome(models.TextChoices):
        IMPROVED = "improved", "Enough improvement: the intervention ends"
        NEW_TARGETS = "new_targets", "Further targets set, with support and a new review date"
        CONTINUE = "continue", "Carry on to the next review"
        ESCALATE = "escalate", "Not improved or support not engaged with: consider the next stage"

    plan = models.ForeignKey(
        SupportPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    contract = models.ForeignKey(
        AttendanceContract, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    reviewed_on = models.DateField()
    period_from = models.DateField()
    period_to = models.DateField()
    target_pct = models.DecimalField(max_digits=4, decimal_places=1)
    # possible, present, attendance_pct, authorised, unauthorised over the period.
    figures = models.JSONField(default=dict)
    target_met = models.BooleanField(null=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    note = models.TextField()

    class Meta:
        ordering = ["reviewed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(plan__isnull=False, contract__isnull=True)
                | models.Q(plan__isnull=True, contract__isnull=False),
                name="review_of_one_plan_or_contract",
            )
        ]

    def __str__(self) -> str:
        return f"Review on {self.reviewed_on}: {self.get_outcome_display()}"

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


class ChildWorkSummary(models.Model):
    """One child's open work at a school, for ranking the worklist: kept by the database's own
    triggers as worklist items, cases and their tasks change (`rollcall.casework.child_work`),
    never written by rollcall's code."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    severe = models.BooleanField(help_text="An open severe-absence trigger.")
    first_met = models.DateField(null=True, help_text="The earliest open trigger's date.")
    has_case = models.BooleanField(help_text="An open or referred case at the school.")
    next_due = models.DateField(null=True, help_text="The earliest open task's date.")
    first_date = models.DateField(null=True, help_text="The earlier of first_met and next_due.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pupil", "school"], name="one_summary_per_child")
        ]
        indexes = [
            # The worklist's order for children with no task due by the day it is read.
            models.Index(
                fields=["severe", "has_case", "first_date", "pupil", "school"],
                name="child_work_rank",
            ),
            models.Index(fields=["next_due"], name="child_work_next_due"),
        ]

    def __str__(self) -> str:
        return f"pupil {self.pupil_id} at school {self.school_id}"


class CaseNextDue(models.Model):
    """A case's earliest open task, for ordering the case list: kept by the database's own
    triggers as cases and their tasks change (`rollcall.casework.child_work`), never written by
    rollcall's code."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, primary_key=True, related_name="due_summary"
    )
    opened_at = models.DateTimeField(help_text="The case's own, for the order's index.")
    next_due = models.DateField(null=True, help_text="The earliest open task's date.")

    class Meta:
        indexes = [
            # The case list's order for cases with no open task past its date.
            models.Index(fields=["next_due", "opened_at", "case"], name="case_next_due_order")
        ]

    def __str__(self) -> str:
        return f"case {self.case_id}: next due {self.next_due}"
