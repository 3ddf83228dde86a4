"""The reads that saving a register needs, and its taken-register row: plain SQL statements.

Saving a register is the busiest write rollcall has: a whole school's teachers press Save within
the same few minutes, on a small server. Building a query with the ORM costs about half a
millisecond of CPU before the database sees it, and model instances cost more per row; with
twenty teachers saving at once on two cores that was most of the time a save took (ADR 0006).
So these reads are written once as SQL and return plain values. They give the same answers as
`registers.selectors.register_roster` and `organisations.selectors.school_calendar`
(tests/registers/test_register_save_work.py holds them together); the register page keeps using
the selectors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db import connection

from rollcall.organisations.calendar import ClosureDates, SchoolCalendar, TermDates, calendar_from
from rollcall.organisations.models import Closure
from rollcall.registers.models import TakenRegister, weekday_session_field
from rollcall.registers.selectors import DUAL_REGISTRATIONS


@dataclass(frozen=True)
class PupilOnRegister:
    """One pupil on roll in the group for the session, and the mark already saved, if any."""

    pupil_id: int
    upn: str
    display_name: str
    dual_registered: bool
    default_code: str  # what an arrangement decides, C2 or D, or '' (unmarked)
    mark_id: int | None
    mark_code: str | None
    date_of_birth: dt.date | None = None


def school_calendar_of(*, school_id: int) -> SchoolCalendar:
    """The school's calendar, as organisations.selectors.school_calendar builds it, read in
    one statement: its terms (sessions and reason empty), then its closures."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 0, name, starts_on, ends_on, '', '', id FROM organisations_term "
            "WHERE school_id = %s "
            "UNION ALL "
            "SELECT 1, '', starts_on, ends_on, sessions, reason, id FROM organisations_closure "
            "WHERE school_id = %s "
            "ORDER BY 1, 3, 7",
            (school_id, school_id),
        )
        rows = cursor.fetchall()
    terms = [
        TermDates(name, starts, ends)
        for is_closure, name, starts, ends, *_ in rows
        if not is_closure
    ]
    closures = [
        ClosureDates(starts_on, ends_on, sessions, reason, Closure.Reason(reason).label)
        for is_closure, _, starts_on, ends_on, sessions, reason, _ in rows
        if is_closure
    ]
    return calendar_from(terms, closures)


# One row per enrolment on roll in the group on the day, alphabetically as the register shows
# them, with the session's saved mark and whether a dual-registration pattern or a part-time
# timetable covers the session. `{other_school}` and `{part_time}` are filled in by
# pupils_on_register with a weekday-session column (monday_am … friday_pm), never user input.
_ROSTER_SQL = """
    SELECT p.id, p.upn, p.preferred_forename, p.legal_forename, p.legal_surname,
           e.registration, m.id, m.code, p.date_of_birth,
           EXISTS (
               SELECT 1 FROM registers_otherschoolsessions o
               WHERE o.enrolment_id = e.id AND {other_school}
           ),
           EXISTS (
               SELECT 1 FROM registers_parttimetimetable t
               WHERE t.enrolment_id = e.id AND t.starts_on <= %s AND t.ends_on >= %s
                 AND {part_time}
           )
    FROM pupils_enrolment e
    JOIN pupils_pupil p ON p.id = e.pupil_id
    LEFT JOIN registers_mark m
      ON m.school_id = e.school_id AND m.pupil_id = e.pupil_id AND m.date = %s AND m.session = %s
    WHERE e.school_id = %s AND e.registration_group_id = %s
      AND e.admitted_on <= %s AND (e.left_on IS NULL OR e.left_on >= %s)
    ORDER BY p.legal_surname, p.legal_forename, e.pupil_id
"""


def _default_code(*, at_other_school: bool, part_time: bool) -> str:
    # As selectors.default_code: D at the other school where the pupil is dual-registered
    # (REG24 reg 10(3)), C2 on an agreed part-time timetable (REG24 reg 10; WTISA), else
    # unmarked.
    if at_other_school:
        return "D"
    if part_time:
        return "C2"
    return ""


def pupils_on_register(
    *, school_id: int, group_id: int, day: dt.date, session: str
) -> list[PupilOnRegister]:
    """Every pupil on roll in the group on the day, as register_roster lists them."""
    column = weekday_session_field(day, session)  # None at weekends: no arrangement covers them
    sql = _ROSTER_SQL.format(
        other_school=f"o.{column}" if column else "FALSE",
        part_time=f"t.{column}" if column else "FALSE",
    )
    params = (day, day, day, session, school_id, group_id, day, day)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    pupils = []
    for (
        pupil_id,
        upn,
        preferred_forename,
        legal_forename,
        legal_surname,
        registration,
        mark_id,
        mark_code,
        date_of_birth,
        pattern_covers,
        timetable_covers,
    ) in rows:
        dual = registration in DUAL_REGISTRATIONS
        pupils.append(
            PupilOnRegister(
                pupil_id=pupil_id,
                upn=upn,
                # As Pupil.display_name.
                display_name=f"{preferred_forename or legal_forename} {legal_surname}",
                dual_registered=dual,
                default_code=_default_code(
                    at_other_school=dual and bool(pattern_covers),
                    part_time=bool(timetable_covers),
                ),
                mark_id=mark_id,
                mark_code=mark_code,
                date_of_birth=(
                    dt.date.fromisoformat(date_of_birth)
                    if isinstance(date_of_birth, str)
                    else date_of_birth
                ),
            )
        )
    return pupils


def codes_saved(
    *, school_id: int, day: dt.date, session: str, pupil_ids: Collection[int]
) -> dict[int, str]:
    """The codes saved for these pupils' session, by pupil id."""
    if not pupil_ids:
        return {}
    placeholders = ", ".join(["%s"] * len(pupil_ids))
    # Only placeholders are put into the text; the values are parameters.
    sql = (
        "SELECT pupil_id, code FROM registers_mark "  # noqa: S608
        f"WHERE school_id = %s AND date = %s AND session = %s AND pupil_id IN ({placeholders})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (school_id, day, session, *pupil_ids))
        return dict(cursor.fetchall())


def group_lock(*, group_id: int) -> None:
    """Lock the group's row until the transaction ends, so two people saving the same
    register on PostgreSQL take turns. Only this row: the ORM's select_for_update followed
    the group's ordering into its school and locked that too, which made every register at
    the school wait for every other."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM organisations_registrationgroup WHERE id = %s FOR UPDATE", (group_id,)
        )


_TAKE_SQL = """
    INSERT INTO registers_takenregister
        (school_id, group_id, date, session, taken_at, taken_by_id, taken_by_label)
    VALUES (%s, %s, %s, %s, %s, %s, %s)
    ON CONFLICT (group_id, date, session) DO NOTHING
    RETURNING id
"""
_TAKE_FIELDS = (
    "id",
    "school_id",
    "group_id",
    "date",
    "session",
    "taken_at",
    "taken_by_id",
    "taken_by_label",
)


def taken_register_record(
    *,
    school_id: int,
    group_id: int,
    day: dt.date,
    session: str,
    taken_at: dt.datetime,
    taken_by_id: int | None,
    taken_by_label: str,
) -> tuple[TakenRegister, bool]:
    """The group's taken register for the session, and whether this is the first taking: the
    row is recorded here unless there is one already (one_taken_register_per_session), in one
    statement where the database can say which happened (SQLite 3.35 or later; PostgreSQL)."""
    if not connection.features.can_return_columns_from_insert:
        taken = taken_register(group_id=group_id, day=day, session=session)
        if taken is not None:
            return taken, False
        return TakenRegister.objects.create(
            school_id=school_id,
            group_id=group_id,
            date=day,
            session=session,
            taken_at=taken_at,
            taken_by_id=taken_by_id,
            taken_by_label=taken_by_label,
        ), True
    stored_at = connection.ops.adapt_datetimefield_value(taken_at)  # as the ORM stores it
    with connection.cursor() as cursor:
        cursor.execute(
            _TAKE_SQL,
            (school_id, group_id, day, session, stored_at, taken_by_id, taken_by_label),
        )
        inserted = cursor.fetchone()
    if inserted is None:
        taken = taken_register(group_id=group_id, day=day, session=session)
        assert taken is not None  # the row the insert met
        return taken, False
    # The model instance for the row just written, made as Django makes one for a row it reads.
    row = (inserted[0], school_id, group_id, day, session, taken_at, taken_by_id, taken_by_label)
    return TakenRegister.from_db(connection.alias, _TAKE_FIELDS, row), True


def taken_register(*, group_id: int, day: dt.date, session: str) -> TakenRegister | None:
    found = TakenRegister.objects.raw(
        "SELECT * FROM registers_takenregister WHERE group_id = %s AND date = %s AND session = %s",
        (group_id, day, session),
    )
    return next(iter(found), None)
