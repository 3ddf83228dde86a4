"""Writes for one register mark, and the checks every mark passes (MarkChecker). Every mark is
checked against the law and the school calendar before anything is written; a change to a mark
is an amendment, never an overwrite. Many marks at once: marks_bulk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction

from rollcall import statutory
from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label, audit_record
from rollcall.core.types import Actor
from rollcall.organisations.calendar import SESSIONS, SchoolCalendar
from rollcall.organisations.models import School
from rollcall.organisations.selectors import school_calendar
from rollcall.pupils.models import Enrolment, Pupil
from rollcall.registers.changes import marks_changed
from rollcall.registers.models import Mark, MarkAmendment
from rollcall.statutory.code_age import age_dependent_codes, code_age_problem

# Codes that may stand on a session the calendar has as closed: a planned closure (#) or an
# unexpected whole-school closure (Y4; before 2024, Y).
CLOSED_SESSION_CODES = frozenset({"#", "Y4", "Y"})

MARK_EXISTS = (
    "{upn} already has {code} for {day} {session} at {school}; amend it with a reason instead"
)
REASON_REQUIRED = "Give a reason for the amendment; the register is evidence"


class MarkInput(NamedTuple):
    """One mark to record. A named tuple rather than a dataclass: a school's year pushed
    through the API is 600,000 of them, and a named tuple is built about six times faster."""

    upn: str
    date: dt.date
    session: str
    code: str
    where: str = ""  # how the caller names this input in messages, e.g. "marks.csv row 12"
    minutes_late: int | None = None
    recorded_at: dt.datetime | None = None  # when history is loaded; otherwise now


@dataclass(frozen=True)
class MarkProblem:
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason


class MarksRejected(ValidationError):
    """Some marks were invalid, so none were written."""

    def __init__(self, problems: Sequence[MarkProblem]):
        self.problems = list(problems)
        super().__init__([str(problem) for problem in self.problems])


class MarkChecker:
    """Checks marks for one school, caching the calendar, enrolments and code lookups.

    `upns` limits the enrolments read to those pupils', for checking one pupil's mark without
    reading the whole school's roll."""

    def __init__(
        self,
        school: School,
        calendar: SchoolCalendar | None = None,
        *,
        upns: Collection[str] | None = None,
    ):
        self.school = school
        self.calendar = calendar or school_calendar(school=school)
        self._status_cache: dict[tuple[dt.date, str], str] = {}
        self._code_cache: dict[tuple[str, dt.date], str] = {}
        # A pupil has two sessions a day: whether they were on roll is looked up once a day.
        self._on_roll_cache: dict[tuple[str, dt.date], bool] = {}
        # Each pupil's enrolments at the school as (admitted_on, left_on): dates, not models,
        # because a push for a whole school reads them all for every request.
        self._enrolments: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
        # Dates of birth, for the codes that depend on age (REG24 reg 10: X and C2).
        self.born: dict[str, dt.date] = {}
        enrolments = Enrolment.objects.filter(school=school).order_by()
        if upns is not None:
            enrolments = enrolments.filter(pupil__upn__in=upns)
        for upn, admitted_on, left_on, born in enrolments.values_list(
            "pupil__upn", "admitted_on", "left_on", "pupil__date_of_birth"
        ):
            self._enrolments.setdefault(upn, []).append((admitted_on, left_on))
            self.born[upn] = born

    @property
    def enrolment_spans(self) -> dict[str, list[tuple[dt.date, dt.date | None]]]:
        """Each pupil's enrolments at the school, by UPN, as (admitted_on, left_on)."""
        return self._enrolments

    def on_roll(self, upn: str, day: dt.date) -> bool:
        """Whether the pupil was on roll at the school on the day (Enrolment.on_roll)."""
        key = (upn, day)
        on_roll = self._on_roll_cache.get(key)
        if on_roll is None:
            on_roll = self._on_roll_cache[key] = any(
                admitted_on <= day and (left_on is None or day <= left_on)
                for admitted_on, left_on in self._enrolments.get(upn, ())
            )
        return on_roll

    def closed_reason(self, day: dt.date, session: str) -> str:
        key = (day, session)
        if key not in self._status_cache:
            self._status_cache[key] = self.calendar.session_status(day, session).reason
        return self._status_cache[key]

    def code_problem(self, code: str, day: dt.date) -> str:
        key = (code, day)
        if key not in self._code_cache:
            try:
                statutory.code_on(code, day)
                self._code_cache[key] = ""
            except statutory.UnknownCode as exc:
                self._code_cache[key] = str(exc)
        return self._code_cache[key]

    def problem(self, mark: MarkInput) -> str:
        """Why this mark cannot be recorded, or an empty string if it can."""
        if mark.session not in SESSIONS:
            return f"session must be AM or PM, got {mark.session!r}"
        code_problem = self.code_problem(mark.code, mark.date)
        if code_problem:
            return code_problem
        if not self.on_roll(mark.upn, mark.date):
            return f"{mark.upn} is not on roll at {self.school.name} on {mark.date:%-d %B %Y}"
        if mark.code in age_dependent_codes():
            age_problem = code_age_problem(
                code=mark.code,
                day=mark.date,
                session=mark.session,
                date_of_birth=self.born[mark.upn],
            )
            if age_problem:
                return f"{mark.upn}: {age_problem}"
        closed_reason = self.closed_reason(mark.date, mark.session)
        if closed_reason and mark.code not in CLOSED_SESSION_CODES:
            return f"cannot record {mark.code} for {mark.session}: {closed_reason}"
        if not closed_reason and mark.code == "#":
            return (
                f"# means a planned closure, but the calendar has {self.school.name} open on "
                f"{mark.date:%-d %B %Y} {mark.session}; record the closure in the calendar first"
            )
        return ""


def role_label(actor: Actor, school: School) -> str:
    memberships = getattr(actor, "memberships", None)
    if memberships is None:
        return ""
    membership = memberships.filter(school=school).first() or memberships.first()
    return membership.get_role_display() if membership else ""


@transaction.atomic
def mark_record(
    *,
    actor: Actor,
    school: School,
    pupil: Pupil,
    date: dt.date,
    session: str,
    code: str,
    source: str = Mark.Source.REGISTER,
    minutes_late: int | None = None,
) -> Mark:
    """Record the first mark for a session. A session that already has a mark is amended with
    mark_amend, so the original stays on record."""
    mark_input = MarkInput(upn=pupil.upn, date=date, session=session, code=code)
    problem = MarkChecker(school, upns=[pupil.upn]).problem(mark_input)
    if problem:
        raise ValidationError({"code": problem})
    existing = Mark.objects.filter(school=school, pupil=pupil, date=date, session=session).first()
    if existing is not None:
        raise ValidationError(
            {
                "code": MARK_EXISTS.format(
                    upn=pupil.upn, code=existing.code, day=date, session=session, school=school.name
                )
            }
        )
    mark = Mark.objects.create(
        school=school,
        pupil=pupil,
        date=date,
        session=session,
        code=code,
        original_code=code,
        minutes_late=minutes_late,
        recorded_at=clock.now(),
        recorded_by=actor,
        source=source,
    )
    audit_record(
        actor=actor,
        verb=Verb.MARK_RECORD,
        target=mark,
        summary=f"Marked {pupil.upn} {code} for {date} {session}",
        school_urn=school.urn,
        payload={"upn": pupil.upn, "date": date.isoformat(), "session": session, "code": code},
    )
    marks_changed()
    return mark


@transaction.atomic
def mark_amend(*, actor: Actor, mark: Mark, new_code: str, reason: str) -> Mark:
    """Change a mark's code, keeping the original, the new code, who, when and why (REG24 reg 6)."""
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    mark = Mark.objects.select_for_update().select_related("school", "pupil").get(pk=mark.pk)
    if new_code == mark.code:
        raise ValidationError({"new_code": f"The mark is already {new_code}"})
    problem = MarkChecker(mark.school, upns=[mark.pupil.upn]).problem(
        MarkInput(upn=mark.pupil.upn, date=mark.date, session=mark.session, code=new_code)
    )
    if problem:
        raise ValidationError({"new_code": problem})
    now = clock.now()
    amendment = MarkAmendment.objects.create(
        mark=mark,
        previous_code=mark.code,
        new_code=new_code,
        reason=reason.strip(),
        amended_at=now,
        amended_by=actor,
        amended_by_label=actor_label(actor),
        amended_by_role=role_label(actor, mark.school),
    )
    previous = mark.code
    mark.code = new_code
    mark.save(update_fields=["code"])
    audit_record(
        actor=actor,
        verb=Verb.MARK_AMEND,
        target=mark,
        summary=(
            f"Amended {mark.pupil.upn} {mark.date} {mark.session} from {previous} to {new_code}: "
            f"{amendment.reason}"
        ),
        school_urn=mark.school.urn,
        payload={"previous_code": previous, "new_code": new_code, "reason": amendment.reason},
    )
    marks_changed()
    return mark
