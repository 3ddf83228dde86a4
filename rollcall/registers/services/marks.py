"""Writes for register marks. Every mark is checked against the law and the school calendar
before anything is written; a change to a mark is an amendment, never an overwrite."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rollcall import statutory
from rollcall.core.audit import actor_label, audit_record
from rollcall.core.types import Actor
from rollcall.organisations.calendar import SESSIONS, SchoolCalendar
from rollcall.organisations.models import School
from rollcall.organisations.selectors import school_calendar
from rollcall.pupils.models import Enrolment, Pupil
from rollcall.registers.bulk import marks_insert_new
from rollcall.registers.models import Mark, MarkAmendment

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


@dataclass(frozen=True)
class BulkResult:
    created: int
    unchanged: int
    amended: int


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
        enrolments = Enrolment.objects.filter(school=school).order_by()
        if upns is not None:
            enrolments = enrolments.filter(pupil__upn__in=upns)
        for upn, admitted_on, left_on in enrolments.values_list(
            "pupil__upn", "admitted_on", "left_on"
        ):
            self._enrolments.setdefault(upn, []).append((admitted_on, left_on))

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

    def _closed_reason(self, day: dt.date, session: str) -> str:
        key = (day, session)
        if key not in self._status_cache:
            self._status_cache[key] = self.calendar.session_status(day, session).reason
        return self._status_cache[key]

    def _code_problem(self, code: str, day: dt.date) -> str:
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
        code_problem = self._code_problem(mark.code, mark.date)
        if code_problem:
            return code_problem
        if not self.on_roll(mark.upn, mark.date):
            return f"{mark.upn} is not on roll at {self.school.name} on {mark.date:%-d %B %Y}"
        closed_reason = self._closed_reason(mark.date, mark.session)
        if closed_reason and mark.code not in CLOSED_SESSION_CODES:
            return f"cannot record {mark.code} for {mark.session}: {closed_reason}"
        if not closed_reason and mark.code == "#":
            return (
                f"# means a planned closure, but the calendar has {self.school.name} open on "
                f"{mark.date:%-d %B %Y} {mark.session}; record the closure in the calendar first"
            )
        return ""


def _role_label(actor: Actor, school: School) -> str:
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
        recorded_at=timezone.now(),
        recorded_by=actor,
        source=source,
    )
    audit_record(
        actor=actor,
        verb="mark.record",
        target=mark,
        summary=f"Marked {pupil.upn} {code} for {date} {session}",
        school_urn=school.urn,
        payload={"upn": pupil.upn, "date": date.isoformat(), "session": session, "code": code},
    )
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
    now = timezone.now()
    amendment = MarkAmendment.objects.create(
        mark=mark,
        previous_code=mark.code,
        new_code=new_code,
        reason=reason.strip(),
        amended_at=now,
        amended_by=actor,
        amended_by_label=actor_label(actor),
        amended_by_role=_role_label(actor, mark.school),
    )
    previous = mark.code
    mark.code = new_code
    mark.save(update_fields=["code"])
    audit_record(
        actor=actor,
        verb="mark.amend",
        target=mark,
        summary=(
            f"Amended {mark.pupil.upn} {mark.date} {mark.session} from {previous} to {new_code}: "
            f"{amendment.reason}"
        ),
        school_urn=mark.school.urn,
        payload={"previous_code": previous, "new_code": new_code, "reason": amendment.reason},
    )
    return mark


def _stored_codes(
    school: School, dates: list[dt.date]
) -> dict[tuple[str, dt.date, str], tuple[int, str]]:
    """The marks already stored at the school over the span of these dates, by session: a
    nightly push reads one week's marks, not every year the school has kept."""
    if not dates:
        return {}
    stored = Mark.objects.filter(school=school, date__range=(min(dates), max(dates)))
    return {
        (upn, day, session): (mark_id, code)
        for mark_id, upn, day, session, code in stored.values_list(
            "id", "pupil__upn", "date", "session", "code"
        )
    }


@transaction.atomic
def marks_bulk_record(
    *,
    actor: Actor,
    school: School,
    marks: Iterable[MarkInput],
    source: str,
    amendment_reason: str = "",
    batch_size: int = 20000,
) -> BulkResult:
    """Record many marks for one school: all or nothing.

    Every mark is checked first and all problems are reported together. A session that already
    has the same code is left alone (so a repeated import changes nothing); one with a different
    code is amended with `amendment_reason`, which is then required.
    """
    marks = list(marks)
    checker = MarkChecker(school)
    pupil_ids = dict(
        Pupil.objects.filter(enrolments__school=school)
        .order_by()
        .distinct()
        .values_list("upn", "id")
    )
    existing = _stored_codes(school, [m.date for m in marks])
    problems: list[MarkProblem] = []
    seen: dict[tuple[str, dt.date, str], str] = {}
    to_create: list[MarkInput] = []
    to_amend: list[tuple[int, str, MarkInput]] = []
    unchanged = 0
    for mark in marks:
        problem = checker.problem(mark)
        if problem:
            problems.append(MarkProblem(mark.where, problem))
            continue
        key = (mark.upn, mark.date, mark.session)
        if key in seen:
            if seen[key] != mark.code:
                problems.append(
                    MarkProblem(
                        mark.where,
                        f"{mark.upn} {mark.date} {mark.session} is given twice, as {seen[key]} "
                        f"and {mark.code}",
                    )
                )
            continue
        seen[key] = mark.code
        if key in existing:
            mark_id, current = existing[key]
            if current == mark.code:
                unchanged += 1
            elif not amendment_reason.strip():
                problems.append(
                    MarkProblem(
                        mark.where,
                        MARK_EXISTS.format(
                            upn=mark.upn,
                            code=current,
                            day=mark.date,
                            session=mark.session,
                            school=school.name,
                        ),
                    )
                )
            else:
                to_amend.append((mark_id, current, mark))
        else:
            to_create.append(mark)
    if problems:
        raise MarksRejected(problems)

    now = timezone.now()
    user = actor
    user_id = user.pk if user is not None else None
    school_id = school.pk  # read once, not once a mark
    for start in range(0, len(to_create), batch_size):
        marks_insert_new(
            school_id=school_id,
            pupil_ids=pupil_ids,
            marks=to_create[start : start + batch_size],
            recorded_at=now,
            recorded_by_id=user_id,
            source=source,
        )
    label = actor_label(actor)
    role = _role_label(actor, school)
    for mark_id, current, m in to_amend:
        MarkAmendment.objects.create(
            mark_id=mark_id,
            previous_code=current,
            new_code=m.code,
            reason=amendment_reason.strip(),
            amended_at=now,
            amended_by=user,
            amended_by_label=label,
            amended_by_role=role,
        )
        Mark.objects.filter(pk=mark_id).update(code=m.code)
    audit_record(
        actor=actor,
        verb="marks.bulk_record",
        target=school,
        summary=(
            f"Recorded {len(to_create)} marks and amended {len(to_amend)} at {school.name} "
            f"({source}); {unchanged} already recorded"
        ),
        school_urn=school.urn,
        payload={"created": len(to_create), "amended": len(to_amend), "unchanged": unchanged},
    )
    return BulkResult(created=len(to_create), unchanged=unchanged, amended=len(to_amend))


@dataclass(frozen=True)
class AmendmentInput:
    upn: str
    date: dt.date
    session: str
    new_code: str
    reason: str
    where: str = ""
    amended_at: dt.datetime | None = None  # when history is loaded; otherwise now


@transaction.atomic
def marks_bulk_amend(*, actor: Actor, school: School, amendments: Iterable[AmendmentInput]) -> int:
    """Amend many marks at one school (for example, correcting N codes): all or nothing.

    Each amendment keeps the previous code, the new code, who, when and why.
    """
    amendments = list(amendments)
    checker = MarkChecker(school)
    current = _stored_codes(school, [a.date for a in amendments])
    problems: list[MarkProblem] = []
    planned: list[tuple[int, str, AmendmentInput]] = []
    for item in amendments:
        key = (item.upn, item.date, item.session)
        if key not in current:
            problems.append(
                MarkProblem(item.where, f"{item.upn} has no mark for {item.date} {item.session}")
            )
            continue
        if not item.reason.strip():
            problems.append(MarkProblem(item.where, REASON_REQUIRED))
            continue
        mark_id, code = current[key]
        if code == item.new_code:
            continue
        problem = checker.problem(
            MarkInput(upn=item.upn, date=item.date, session=item.session, code=item.new_code)
        )
        if problem:
            problems.append(MarkProblem(item.where, problem))
            continue
        planned.append((mark_id, code, item))
        current[key] = (mark_id, item.new_code)
    if problems:
        raise MarksRejected(problems)
    now = timezone.now()
    user = actor
    label = actor_label(actor)
    role = _role_label(actor, school)
    MarkAmendment.objects.bulk_create(
        [
            MarkAmendment(
                mark_id=mark_id,
                previous_code=previous,
                new_code=item.new_code,
                reason=item.reason.strip(),
                amended_at=item.amended_at or now,
                amended_by=user,
                amended_by_label=label,
                amended_by_role=role,
            )
            for mark_id, previous, item in planned
        ],
        batch_size=5000,
    )
    by_code: dict[str, list[int]] = {}
    for mark_id, _, item in planned:
        by_code.setdefault(item.new_code, []).append(mark_id)
    for code, ids in by_code.items():
        for start in range(0, len(ids), 900):
            Mark.objects.filter(pk__in=ids[start : start + 900]).update(code=code)
    audit_record(
        actor=actor,
        verb="marks.bulk_amend",
        target=school,
        summary=f"Amended {len(planned)} marks at {school.name}",
        school_urn=school.urn,
        payload={"amended": len(planned)},
    )
    return len(planned)
