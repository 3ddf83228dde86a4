"""Register marks and their amendments: the evidence everything else rests on (REG24 reg 6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models

from rollcall.core.models import AppendOnlyError, AppendOnlyModel
from rollcall.organisations.models import RegistrationGroup, School
from rollcall.pupils.models import Enrolment, Pupil


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

    # No index of their own: one_mark_per_session and (pupil, date) below lead with them, and
    # every index is written to for every mark a register save or an import adds.
    # No foreign-key constraints either: the database checks these three references once per
    # statement, not once per mark, with triggers (registers 0004, ADR 0008).
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="marks", db_index=False, db_constraint=False
    )
    pupil = models.ForeignKey(
        Pupil, on_delete=models.PROTECT, related_name="marks", db_index=False, db_constraint=False
    )
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    code = models.CharField(max_length=2, help_text="The code now in force for this session.")
    original_code = models.CharField(max_length=2, help_text="The code first entered.")
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    # Nothing reads marks by who recorded them, so no index; checked as above (ADR 0008).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    source = models.CharField(max_length=10, choices=Source.choices)

    class Meta:
        ordering = ["date", "session"]
        constraints = [
            # Date before pupil: the one index then also finds a school's marks for a day or a
            # span of days, and a register's 30 marks by their exact session however stale
            # the planner's statistics are about today's date (registers 0005).
            models.UniqueConstraint(
                fields=["school", "date", "session", "pupil"], name="one_mark_per_session"
            )
        ]
        indexes = [
            models.Index(fields=["pupil", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.session} {self.code}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Register marks are evidence and cannot be deleted; amend them.")

    @property
    def was_amended(self) -> bool:
        return self.code != self.original_code


class MarkAmendment(AppendOnlyModel):
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


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
# The ten weekday sessions as field names, in week order: monday_am, monday_pm, … friday_pm.
WEEKDAY_SESSION_FIELDS = tuple(f"{day}_{half}" for day in WEEKDAYS for half in ("am", "pm"))


def weekday_session_field(day: dt.date, session: str) -> str | None:
    """The field naming this date's session, or None at weekends (schools do not meet)."""
    if day.weekday() >= len(WEEKDAYS):
        return None
    return f"{WEEKDAYS[day.weekday()]}_{session.lower()}"


def weekday_session_label(field_name: str) -> str:
    day, half = field_name.split("_")
    return f"{day.capitalize()} {'morning' if half == 'am' else 'afternoon'}"


class WeekdaySessions(models.Model):
    """A set of sessions in the school week, for example 'Tuesday and Thursday afternoons'."""

    monday_am = models.BooleanField("Monday morning", default=False)
    monday_pm = models.BooleanField("Monday afternoon", default=False)
    tuesday_am = models.BooleanField("Tuesday morning", default=False)
    tuesday_pm = models.BooleanField("Tuesday afternoon", default=False)
    wednesday_am = models.BooleanField("Wednesday morning", default=False)
    wednesday_pm = models.BooleanField("Wednesday afternoon", default=False)
    thursday_am = models.BooleanField("Thursday morning", default=False)
    thursday_pm = models.BooleanField("Thursday afternoon", default=False)
    friday_am = models.BooleanField("Friday morning", default=False)
    friday_pm = models.BooleanField("Friday afternoon", default=False)

    class Meta:
        abstract = True

    def covers_session(self, day: dt.date, session: str) -> bool:
        field_name = weekday_session_field(day, session)
        return bool(field_name and getattr(self, field_name))

    @property
    def session_fields(self) -> list[str]:
        return [name for name in WEEKDAY_SESSION_FIELDS if getattr(self, name)]

    @property
    def sessions_label(self) -> str:
        return ", ".join(weekday_session_label(name) for name in self.session_fields)


class PartTimeTimetable(WeekdaySessions):
    """An agreed part-time timetable: the ticked sessions are ones the pupil does not attend,
    and are marked C2 (leave granted: part-time timetable, REG24 reg 10; WTISA)."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="part_time_timetables"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(
        help_text="Part-time timetables must be time-limited (WTISA): the date it ends."
    )
    note = models.CharField(
        max_length=300, blank=True, help_text="Who agreed it and when it will be reviewed."
    )

    class Meta:
        ordering = ["enrolment", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="part_time_timetable_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"Part-time timetable from {self.starts_on} to {self.ends_on}: {self.sessions_label}"

    def covers(self, day: dt.date, session: str) -> bool:
        return self.starts_on <= day <= self.ends_on and self.covers_session(day, session)


class OtherSchoolSessions(WeekdaySessions):
    """For a dual-registered pupil, the weekday sessions spent at the other school, which are
    marked D here (REG24 reg 10(3) Table 2); the other school records the real mark."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="other_school_sessions"
    )
    other_school = models.CharField(max_length=200, help_text="The other school's name.")

    class Meta:
        verbose_name = "dual registration: sessions at the other school"
        verbose_name_plural = "dual registration: sessions at the other school"

    def __str__(self) -> str:
        return f"At {self.other_school}: {self.sessions_label}"


class TakenRegister(AppendOnlyModel):
    """One group's register taken for one session: who took it and when. Amendments made
    later are MarkAmendments; this row records only that the register was taken."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        RegistrationGroup, on_delete=models.PROTECT, related_name="taken_registers"
    )
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Mark.Session.choices)
    taken_at = models.DateTimeField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    taken_by_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["date", "session", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "date", "session"], name="one_taken_register_per_session"
            )
        ]
        indexes = [models.Index(fields=["school", "date"])]

    def __str__(self) -> str:
        return f"{self.group.name} {self.date} {self.session} taken by {self.taken_by_label}"


# ------------------------------------------------------------------- leave of absence


class LeaveRequest(AppendOnlyModel):
    """A parent's request for leave of absence in term time (REG24 reg 11): the sessions asked
    for, why, which parent asked and when the school received it. The headteacher's decision
    and the response to each parent are their own records, so nothing here is ever changed."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="leave_requests")
    first_day = models.DateField()
    first_session = models.CharField(max_length=2, choices=Mark.Session.choices)
    last_day = models.DateField()
    last_session = models.CharField(max_length=2, choices=Mark.Session.choices)
    reason = models.TextField()
    requested_by = models.ForeignKey(
        "pupils.Carer", on_delete=models.PROTECT, related_name="leave_requests"
    )
    received_on = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["-first_day", "-id"]
        indexes = [models.Index(fields=["school", "pupil"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="leave_request_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"Leave for {self.pupil} from {self.first_day} {self.first_session}"

    def covers(self, day: dt.date, session: str) -> bool:
        return session_in(
            day, session, self.first_day, self.first_session, self.last_day, self.last_session
        )


def session_in(
    day: dt.date,
    session: str,
    first_day: dt.date,
    first_session: str,
    last_day: dt.date,
    last_session: str,
) -> bool:
    """Whether the session falls between the first and the last session, both included."""
    return (first_day, first_session) <= (day, session) <= (last_day, last_session)


class LeaveDecision(AppendOnlyModel):
    """The headteacher's decision on a request, with the reason (REG24 reg 11: leave only for
    exceptional circumstances, given by the person the proprietor authorises). Leave granted
    may be shorter than the leave asked for: the head decides the number of days."""

    class Outcome(models.TextChoices):
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"

    request = models.OneToOneField(LeaveRequest, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    # The leave granted; empty when refused.
    first_day = models.DateField(null=True, blank=True)
    first_session = models.CharField(max_length=2, choices=Mark.Session.choices, blank=True)
    last_day = models.DateField(null=True, blank=True)
    last_session = models.CharField(max_length=2, choices=Mark.Session.choices, blank=True)
    rationale = models.TextField()
    decided_on = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept as text at the time, as for an amendment (REG24 reg 6: name and position).
    decided_by_label = models.CharField(max_length=200)
    decided_by_role = models.CharField(max_length=100)
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["outcome", "first_day"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        outcome="granted",
                        first_day__isnull=False,
                        last_day__isnull=False,
                        last_day__gte=models.F("first_day"),
                    )
                    | models.Q(outcome="refused", first_day__isnull=True, last_day__isnull=True)
                ),
                name="leave_granted_has_its_dates",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on {self.decided_on}"

    @property
    def granted(self) -> bool:
        return self.outcome == self.Outcome.GRANTED

    def covers(self, day: dt.date, session: str) -> bool:
        """Whether the leave granted includes the session (never, for a refusal)."""
        if not self.granted or self.first_day is None or self.last_day is None:
            return False
        return session_in(
            day, session, self.first_day, self.first_session, self.last_day, self.last_session
        )


class LeaveResponse(AppendOnlyModel):
    """How and when one parent was told the decision. Each parent who may later face a penalty
    notice needs their own response (ESX: issued separately to each parent)."""

    class Channel(models.TextChoices):
        # The first three are the channels policy profiles name (rollcall.policies.documents).
        FIRST_CLASS_POST = "first_class_post", "Letter by first-class post"
        EMAIL = "email_with_written_consent", "Email, with the parent's written consent"
        HAND = "hand_delivery_with_record", "Letter handed to the parent, with a record"
        SPOKEN = "spoken", "Told by phone or in person (no letter)"

    request = models.ForeignKey(LeaveRequest, on_delete=models.PROTECT, related_name="responses")
    carer = models.ForeignKey(
        "pupils.Carer", on_delete=models.PROTECT, related_name="leave_responses"
    )
    channel = models.CharField(max_length=30, choices=Channel.choices)
    told_on = models.DateField()
    warned_of_penalty = models.BooleanField(
        help_text="The response set out the risk of a penalty notice or prosecution."
    )
    note = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["told_on", "id"]

    def __str__(self) -> str:
        return f"{self.carer} told on {self.told_on} ({self.get_channel_display()})"
