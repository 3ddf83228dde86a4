"""Taking a group's register for one session: every pupil's mark saved together or not at all.

First marks are inserted in one statement; a mark that was already recorded and is now
different is an amendment with a reason (mark_amend), never an overwrite (REG24 reg 6).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from rollcall import statutory
from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label, audit_record
from rollcall.core.types import Actor
from rollcall.organisations.calendar import SESSIONS
from rollcall.organisations.models import RegistrationGroup, School
from rollcall.registers.bulk import marks_insert
from rollcall.registers.changes import marks_changed
from rollcall.registers.models import Mark, TakenRegister
from rollcall.registers.selectors import present_code, wrong_session_code
from rollcall.registers.services.lock import Write, register_write_refusal
from rollcall.registers.services.marks import (
    MarkProblem,
    MarksRejected,
    mark_amend,
)
from rollcall.registers.services.register_reads import (
    PupilOnRegister,
    codes_saved,
    group_lock,
    pupils_on_register,
    school_calendar_of,
    taken_register_record,
)
from rollcall.registers.services.writer_queue import savers_in_this_process, writers_queue
from rollcall.statutory.code_age import code_age_problem

REGISTER_CHANGED = (
    "Someone else saved this register while you were filling it in; open it again to see "
    "their marks, then make your changes"
)
NOT_MARKED = "has no mark yet: choose one, or use \u201cMark the rest present\u201d"
# Codes an arrival time decides between: present, late before the close, late after it.
ARRIVAL_CODES = frozenset({"/", "\\", "L", "U"})
ADMINISTRATIVE = statutory.RegisterTable.ADMINISTRATIVE


@dataclass(frozen=True)
class RegisterEntry:
    """One pupil's line on the register as the teacher left it."""

    upn: str
    code: str = ""  # empty: the pupil's default for the session (present, C2 or D)
    arrived_at: dt.time | None = None  # local time at the school, for a late arrival
    where: str = ""  # how the caller names the line in messages, e.g. the pupil's name


@dataclass(frozen=True)
class RegisterProblem(MarkProblem):
    upn: str = ""


@dataclass(frozen=True)
class RegisterSaved:
    taken: TakenRegister
    created: int
    amended: int
    unchanged: int
    codes: dict[str, int] = field(default_factory=dict)  # how many of each code now stand


def register_times(school: School, session: str) -> tuple[dt.time, dt.time]:
    if session == Mark.Session.AM:
        return school.am_register_opens, school.am_register_closes
    return school.pm_register_opens, school.pm_register_closes


def _minutes(time: dt.time) -> int:
    return time.hour * 60 + time.minute


def arrival_code(*, school: School, session: str, arrived_at: dt.time) -> tuple[str, int | None]:
    """The code for a pupil who arrived at `arrived_at`, and minutes after the register opened.

    Arriving by the time the register closes is L (present); after it, U (unauthorised):
    WTISA. Arriving before the register opened is simply present.
    """
    opens, closes = register_times(school, session)
    if arrived_at <= opens:
        return present_code(session), None
    minutes_late = _minutes(arrived_at) - _minutes(opens)
    return ("L" if arrived_at <= closes else "U"), minutes_late


@dataclass(frozen=True)
class _Line:
    pupil: PupilOnRegister
    code: str
    minutes_late: int | None


def _check_entries(
    *,
    group: RegistrationGroup,
    day: dt.date,
    session: str,
    roster: list[PupilOnRegister],
    entries: Sequence[RegisterEntry],
) -> tuple[list[_Line], list[RegisterProblem]]:
    school = group.school
    codes = statutory.on(day).codes
    by_upn = {row.upn: row for row in roster}
    lines: list[_Line] = []
    problems: list[RegisterProblem] = []
    seen: set[str] = set()
    for entry in entries:
        row = by_upn.get(entry.upn)
        where = entry.where or (row.display_name if row else entry.upn)
        if row is None:
            problems.append(
                RegisterProblem(
                    where,
                    f"{entry.upn} is not on roll in {group.name} on {day:%-d %B %Y}",
                    entry.upn,
                )
            )
            continue
        if entry.upn in seen:
            problems.append(RegisterProblem(where, "is on the register twice", entry.upn))
            continue
        seen.add(entry.upn)
        code = entry.code or row.default_code
        if not code and entry.arrived_at is not None:
            code = present_code(session)  # they came: the arrival time decides L or U below
        if not code:
            problems.append(RegisterProblem(where, NOT_MARKED, row.upn))
            continue
        minutes_late = None
        if entry.arrived_at is not None and code in ARRIVAL_CODES:
            code, minutes_late = arrival_code(
                school=school, session=session, arrived_at=entry.arrived_at
            )
        known = codes.get(code)
        if known is None or known.register_table is ADMINISTRATIVE:
            problems.append(
                RegisterProblem(
                    where, f"{code!r} is not a register code on {day:%-d %B %Y}", row.upn
                )
            )
        elif wrong_session_code(code, session):
            problems.append(
                RegisterProblem(
                    where,
                    f"{code} is the {'morning' if code == '/' else 'afternoon'} present mark; "
                    f"use {present_code(session)} for this session",
                    row.upn,
                )
            )
        elif row.date_of_birth and (
            age_problem := code_age_problem(
                code=code, day=day, session=session, date_of_birth=row.date_of_birth
            )
        ):
            problems.append(RegisterProblem(where, age_problem, row.upn))
        elif code == "D" and not row.dual_registered:
            problems.append(
                RegisterProblem(
                    where,
                    "D is only for a pupil dual-registered at another school, and "
                    f"{row.display_name} is not",
                    row.upn,
                )
            )
        else:
            lines.append(_Line(row, code, minutes_late))
    for row in roster:
        if row.upn not in seen:
            problems.append(
                RegisterProblem(
                    row.display_name,
                    "has no mark: the register must include every pupil on roll",
                    row.upn,
                )
            )
    return lines, problems


@dataclass(frozen=True)
class _Plan:
    """What saving the register will write, worked out and checked before writing."""

    new: list[_Line]
    changed: list[_Line]
    unchanged: int
    codes: dict[str, int]
    recorded: dict[int, str]  # the codes already saved, by pupil id, when the plan was made


def _register_plan(
    *,
    actor: Actor,
    group: RegistrationGroup,
    date: dt.date,
    session: str,
    entries: Sequence[RegisterEntry],
    today: dt.date,
    amendment_reason: str,
) -> _Plan:
    if session not in SESSIONS:
        raise ValidationError({"session": f"session must be AM or PM, got {session!r}"})
    school = group.school
    calendar = school_calendar_of(school_id=school.pk)
    closed = calendar.session_status(date, session).reason
    if closed:
        raise ValidationError({"date": f"There is no {session} register to take: {closed}"})
    if statutory.on(date).registers is None:
        raise ValidationError({"date": f"rollcall holds no register rules for {date}"})
    roster = pupils_on_register(school_id=school.pk, group_id=group.pk, day=date, session=session)
    if not roster:
        raise ValidationError(
            {"group": f"No pupils are on roll in {group.name} on {date:%-d %B %Y}"}
        )
    lines, problems = _check_entries(
        group=group, day=date, session=session, roster=roster, entries=entries
    )
    new = [line for line in lines if line.pupil.mark_code is None]
    changed = [
        line
        for line in lines
        if line.pupil.mark_code is not None and line.pupil.mark_code != line.code
    ]
    if changed and not amendment_reason.strip():
        problems.extend(
            RegisterProblem(
                line.pupil.display_name,
                f"already has {line.pupil.mark_code} saved; give a reason to change it to "
                f"{line.code} (the original stays on record)",
                line.pupil.upn,
            )
            for line in changed
        )
    for write, lines_written in ((Write.TAKE, new), (Write.AMEND, changed)):
        refusal = lines_written and register_write_refusal(
            actor=actor,
            school=school,
            calendar=calendar,
            day=date,
            today=today,
            write=write,
            reason=amendment_reason,
        )
        if refusal:
            problems.append(RegisterProblem("", refusal))
            break
    if problems:
        raise MarksRejected(problems)
    return _Plan(
        new=new,
        changed=changed,
        unchanged=len(lines) - len(new) - len(changed),
        codes=dict(Counter(line.code for line in lines)),
        recorded={row.pupil_id: row.mark_code for row in roster if row.mark_code is not None},
    )


def register_take(
    *,
    actor: Actor,
    group: RegistrationGroup,
    date: dt.date,
    session: str,
    entries: Sequence[RegisterEntry],
    today: dt.date,
    amendment_reason: str = "",
) -> RegisterSaved:
    """Save a group's register for one session: all or nothing.

    Pupils without a mark get one; a pupil whose saved mark differs from the entry has it
    amended with `amendment_reason` (then required); the same code again changes nothing.
    """
    # SQLite lets one writer in at a time, from BEGIN to COMMIT, so every check runs before the
    # write transaction starts; the transaction then makes sure nothing they read has changed.
    # Writers queue for that transaction rather than poll for it (writer_queue, ADR 0006).
    with savers_in_this_process():
        plan = _register_plan(
            actor=actor,
            group=group,
            date=date,
            session=session,
            entries=entries,
            today=today,
            amendment_reason=amendment_reason,
        )
        with writers_queue():
            return _register_record(
                actor=actor,
                group=group,
                date=date,
                session=session,
                plan=plan,
                amendment_reason=amendment_reason,
            )


@transaction.atomic
def _register_record(
    *,
    actor: Actor,
    group: RegistrationGroup,
    date: dt.date,
    session: str,
    plan: _Plan,
    amendment_reason: str,
) -> RegisterSaved:
    school = group.school
    if plan.recorded:
        # Two people saving the same register take turns (PostgreSQL row lock; SQLite's
        # IMMEDIATE transactions already admit one writer), and the second finds the first
        # one's marks.
        if connection.features.has_select_for_update:
            group_lock(group_id=group.pk)
        pupil_ids = [line.pupil.pupil_id for line in (*plan.new, *plan.changed)]
        pupil_ids += list(plan.recorded)
        recorded = codes_saved(school_id=school.pk, day=date, session=session, pupil_ids=pupil_ids)
        if recorded != plan.recorded:
            raise ValidationError({"group": REGISTER_CHANGED})
    # With no marks saved when the plan was made, every pupil's mark is new, and neither lock
    # nor re-read is needed: a mark saved since (say, by someone else saving this register)
    # makes the insert below break one_mark_per_session, on PostgreSQL as soon as their
    # transaction ends, which is the same refusal. Marks go in by pupil, so that two such
    # saves wait for each other rather than deadlock.
    new, changed, unchanged = plan.new, plan.changed, plan.unchanged
    now = clock.now()
    actor_id = actor.pk if actor is not None else None
    try:
        marks_insert(
            [
                (
                    school.pk,
                    line.pupil.pupil_id,
                    date,
                    session,
                    line.code,
                    line.code,
                    line.minutes_late,
                    now,
                    actor_id,
                    Mark.Source.REGISTER,
                )
                for line in sorted(new, key=lambda line: line.pupil.pupil_id)
            ]
        )
    except IntegrityError as clash:
        raise ValidationError({"group": REGISTER_CHANGED}) from clash
    if new:
        marks_changed()
    if changed:
        saved_marks = Mark.objects.in_bulk([line.pupil.mark_id for line in changed])
        for line in changed:
            mark = saved_marks[line.pupil.mark_id]
            mark_amend(actor=actor, mark=mark, new_code=line.code, reason=amendment_reason)
    taken, first_taking = taken_register_record(
        school_id=school.pk,
        group_id=group.pk,
        day=date,
        session=session,
        taken_at=now,
        taken_by_id=actor_id,
        taken_by_label=actor_label(actor),
    )
    if new or first_taking:
        audit_record(
            actor=actor,
            verb=Verb.REGISTER_TAKE,
            target=taken,
            summary=(
                f"Took the {session} register for {group.name} on {date}: {len(new)} new marks, "
                f"{len(changed)} amended, {unchanged} already recorded"
            ),
            school_urn=school.urn,
            payload={
                "group": group.name,
                "date": date.isoformat(),
                "session": session,
                "created": len(new),
                "amended": len(changed),
            },
        )
    return RegisterSaved(
        taken=taken,
        created=len(new),
        amended=len(changed),
        unchanged=unchanged,
        codes=plan.codes,
    )
