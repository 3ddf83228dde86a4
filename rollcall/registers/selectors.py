"""Reads for taking and correcting registers, scoped to the school staff who keep them.

Registers are kept by a school's own staff: trust and local-authority users read attendance
through the analytics pages, so every read here starts from the schools where the user holds a
school role.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, QuerySet

from rollcall import statutory
from rollcall.accounts.models import SCHOOL_ROLES, Role
from rollcall.accounts.selectors import memberships_of, schools_visible_to
from rollcall.organisations.calendar import SESSIONS, SchoolCalendar
from rollcall.organisations.models import RegistrationGroup, School
from rollcall.policies import PolicyProfile, load_profile
from rollcall.pupils.models import Enrolment, Pupil
from rollcall.pupils.selectors import on_roll_on
from rollcall.registers.models import (
    LeaveDecision,
    Mark,
    MarkAmendment,
    OtherSchoolSessions,
    PartTimeTimetable,
    TakenRegister,
)

User = AbstractBaseUser | AnonymousUser

OFFICE_ROLES = frozenset({Role.ATTENDANCE_OFFICER, Role.HEADTEACHER})
DUAL_REGISTRATIONS = (Enrolment.Registration.DUAL_MAIN, Enrolment.Registration.DUAL_SUBSIDIARY)
# A calendar with no term dates entered far enough ahead must not make a search run for ever.
LONGEST_SEARCH_DAYS = 400


# ----------------------------------------------------------------------------- scope


def schools_staffed_by(*, user: User, roles: Collection[str] = SCHOOL_ROLES) -> QuerySet[School]:
    """Schools where the user holds one of `roles` (teacher, attendance officer, headteacher)."""
    school_ids = memberships_of(user=user).filter(role__in=roles, school__isnull=False)
    return schools_visible_to(user=user).filter(pk__in=school_ids.values("school_id"))


def groups_for(*, user: User) -> QuerySet[RegistrationGroup]:
    return RegistrationGroup.objects.filter(
        school__in=schools_staffed_by(user=user)
    ).select_related("school")


def mark_for(*, user: User, mark_id: int) -> Mark | None:
    return (
        Mark.objects.filter(pk=mark_id, school__in=schools_staffed_by(user=user))
        .select_related("school", "pupil", "recorded_by")
        .first()
    )


def pupil_at(*, user: User, pupil_id: int, school: School) -> Pupil | None:
    """A pupil who has been on roll at `school`, if the user works there."""
    if not schools_staffed_by(user=user).filter(pk=school.pk).exists():
        return None
    return Pupil.objects.filter(pk=pupil_id, enrolments__school=school).distinct().first()


def mark_amendments(*, mark: Mark) -> list[MarkAmendment]:
    return list(mark.amendments.order_by("amended_at", "id"))


def pupil_marks(*, pupil: Pupil, school: School, limit: int | None = None) -> list[Mark]:
    """The pupil's marks at the school, newest first, with how many times each was amended."""
    marks = (
        Mark.objects.filter(pupil=pupil, school=school)
        .annotate(amendment_count=Count("amendments"))
        .order_by("-date", "-session")
    )
    return list(marks[:limit] if limit else marks)


def pupil_mark_count(*, pupil: Pupil, school: School) -> int:
    return Mark.objects.filter(pupil=pupil, school=school).count()


def pupil_enrolment(*, pupil: Pupil, school: School) -> Enrolment | None:
    return (
        Enrolment.objects.filter(pupil=pupil, school=school)
        .select_related("registration_group")
        .order_by("-admitted_on")
        .first()
    )


# ------------------------------------------------------------------- school-day arithmetic


def school_day_after(calendar: SchoolCalendar, day: dt.date, count: int) -> dt.date | None:
    """The `count`th school day after `day` (not counting `day` itself), or None if the
    school's calendar has no such day yet (term dates not entered that far ahead)."""
    found = 0
    current = day
    for _ in range(LONGEST_SEARCH_DAYS):
        current += dt.timedelta(days=1)
        if any(calendar.is_open(current, session) for session in SESSIONS):
            found += 1
            if found >= count:
                return current
    return None


def school_days_left(calendar: SchoolCalendar, today: dt.date, deadline: dt.date) -> int:
    """School days after today up to and including the deadline."""
    if deadline <= today:
        return 0
    return len(calendar.school_days_between(today + dt.timedelta(days=1), deadline))


def register_open_until(
    *, calendar: SchoolCalendar, school: School, day: dt.date
) -> dt.date | None:
    """The last day anyone at the school may amend this day's register; after it, only a
    headteacher may (school.register_lock_days school days). None: the calendar does not reach."""
    return school_day_after(calendar, day, school.register_lock_days)


def register_locked(
    *, calendar: SchoolCalendar, school: School, day: dt.date, today: dt.date
) -> bool:
    open_until = register_open_until(calendar=calendar, school=school, day=day)
    return open_until is not None and today > open_until


# --------------------------------------------------------------------------- the roster


def present_code(session: str) -> str:
    """Present at registration: / in the morning, \\ in the afternoon (REG24 reg 10(2))."""
    return "/" if session == Mark.Session.AM else "\\"


def default_code(
    *,
    part_time: PartTimeTimetable | None,
    other_school: OtherSchoolSessions | None,
) -> str:
    """The code a recorded arrangement decides before the register is taken, or '': everyone
    else starts unmarked, so saving an untouched register never marks an absent child present
    (marking the rest present is the teacher's deliberate act)."""
    if other_school is not None:
        return "D"  # at the other school where the pupil is dual-registered (REG24 reg 10(3))
    if part_time is not None:
        return "C2"  # leave granted: agreed part-time timetable (REG24 reg 10; WTISA)
    return ""


def leave_code(day: dt.date) -> str:
    """The code for leave granted for exceptional circumstances on the day (C from 19 August
    2024, REG24 reg 10 Table 3 and reg 11), or '' where rollcall holds no such rule."""
    rules = statutory.on(day).registers
    return rules.leave_of_absence.granted_code if rules is not None else ""


@dataclass(frozen=True)
class RosterRow:
    enrolment: Enrolment
    pupil: Pupil
    part_time: PartTimeTimetable | None  # the timetable that excludes this session
    other_school: OtherSchoolSessions | None  # the pattern that puts this session elsewhere
    default_code: str
    mark: Mark | None  # the mark already recorded, with `amendment_count`
    # Leave of absence granted for this session: the register page suggests its code, and the
    # teacher still takes the register (the service never fills it in by itself).
    leave: LeaveDecision | None = None
    leave_code: str = ""

    @property
    def dual_registered(self) -> bool:
        return self.enrolment.registration in DUAL_REGISTRATIONS

    @property
    def suggested_code(self) -> str:
        """What the register page proposes before a mark is saved."""
        return self.default_code or (self.leave_code if self.leave is not None else "")


def leave_granted_in(
    *, school_id: int, pupil_ids: Collection[int], day: dt.date, session: str
) -> dict[int, LeaveDecision]:
    """Leave granted at the school that covers the session, by pupil id."""
    decisions = LeaveDecision.objects.filter(
        outcome=LeaveDecision.Outcome.GRANTED,
        request__school_id=school_id,
        request__pupil_id__in=list(pupil_ids),
        first_day__lte=day,
        last_day__gte=day,
    ).select_related("request")
    return {d.request.pupil_id: d for d in decisions if d.covers(day, session)}


def on_roll_in(*, group: RegistrationGroup, day: dt.date) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(
        on_roll_on(day), school_id=group.school_id, registration_group=group
    )


def register_roster(
    *, group: RegistrationGroup, day: dt.date, session: str, amendment_counts: bool = True
) -> list[RosterRow]:
    """Every pupil on roll in the group on the day (by enrolment dates), alphabetically, with
    the mark each would get by default and any mark already recorded (with how many times it
    was amended, unless `amendment_counts` is False: saving a register does not need them)."""
    enrolments = list(
        on_roll_in(group=group, day=day)
        .select_related("pupil")
        .order_by("pupil__legal_surname", "pupil__legal_forename", "pupil_id")
    )
    dual = [e.pk for e in enrolments if e.registration in DUAL_REGISTRATIONS]
    patterns = (
        {p.enrolment_id: p for p in OtherSchoolSessions.objects.filter(enrolment__in=dual)}
        if dual
        else {}
    )
    timetables: dict[int, PartTimeTimetable] = {}
    for timetable in PartTimeTimetable.objects.filter(
        enrolment__in=[e.pk for e in enrolments], starts_on__lte=day, ends_on__gte=day
    ).order_by():
        if timetable.covers(day, session):
            timetables[timetable.enrolment_id] = timetable
    recorded = Mark.objects.filter(
        school_id=group.school_id,
        date=day,
        session=session,
        pupil_id__in=[e.pupil_id for e in enrolments],
    ).order_by()
    if amendment_counts:
        recorded = recorded.annotate(amendment_count=Count("amendments"))
    marks = {mark.pupil_id: mark for mark in recorded}
    leave = leave_granted_in(
        school_id=group.school_id,
        pupil_ids=[e.pupil_id for e in enrolments],
        day=day,
        session=session,
    )
    code_for_leave = leave_code(day) if leave else ""
    rows = []
    for enrolment in enrolments:
        pattern = patterns.get(enrolment.pk)
        elsewhere = (
            pattern if pattern is not None and pattern.covers_session(day, session) else None
        )
        part_time = timetables.get(enrolment.pk)
        rows.append(
            RosterRow(
                enrolment=enrolment,
                pupil=enrolment.pupil,
                part_time=part_time,
                other_school=elsewhere,
                default_code=default_code(part_time=part_time, other_school=elsewhere),
                mark=marks.get(enrolment.pupil_id),
                leave=leave.get(enrolment.pupil_id),
                leave_code=code_for_leave,
            )
        )
    return rows


def taken_register(*, group: RegistrationGroup, day: dt.date, session: str) -> TakenRegister | None:
    return TakenRegister.objects.filter(group=group, date=day, session=session).first()


def wrong_session_code(code: str, session: str) -> bool:
    """/ is present at the morning registration and \\ at the afternoon one (REG24 reg 10(2))."""
    return code in ("/", "\\") and code != present_code(session)


def register_codes(day: dt.date, session: str | None = None) -> list[statutory.AttendanceCode]:
    """The codes a teacher may choose on the day (and session): every code in force except the
    administrative ones (# comes from the school calendar; Z is for pupils not yet on roll)."""
    return [
        code
        for code in statutory.codes_on(day)
        if code.register_table is not statutory.RegisterTable.ADMINISTRATIVE
        and not (session and wrong_session_code(code.code, session))
    ]


# ------------------------------------------------------------- which registers are taken


@dataclass(frozen=True)
class RegisterState:
    """Where one group's register for one session stands."""

    kind: str  # "taken", "marked" (all marks came from elsewhere), "partly", "not_taken",
    # "closed" or "empty"
    on_roll: int
    marked: int
    taken: TakenRegister | None = None
    closed_reason: str = ""

    @property
    def missing(self) -> bool:
        return self.kind in ("partly", "not_taken")


@dataclass(frozen=True)
class GroupRegisters:
    group: RegistrationGroup
    on_roll: int
    states: dict[str, RegisterState]  # by session

    @property
    def missing(self) -> bool:
        return any(state.missing for state in self.states.values())


def _state(
    *, on_roll: int, marked: int, taken: TakenRegister | None, closed_reason: str
) -> RegisterState:
    if closed_reason:
        kind = "closed"
    elif taken is not None:
        kind = "taken"
    elif on_roll == 0:
        kind = "empty"
    elif marked >= on_roll:
        kind = "marked"
    elif marked:
        kind = "partly"
    else:
        kind = "not_taken"
    return RegisterState(
        kind=kind, on_roll=on_roll, marked=marked, taken=taken, closed_reason=closed_reason
    )


def register_states(
    *, school: School, calendar: SchoolCalendar, day: dt.date
) -> list[GroupRegisters]:
    """For each of the school's groups, whether its AM and PM registers are taken on the day."""
    groups = list(school.registration_groups.order_by("name"))
    group_of_pupil = dict(
        Enrolment.objects.filter(
            on_roll_on(day), school=school, registration_group__isnull=False
        ).values_list("pupil_id", "registration_group_id")
    )
    on_roll = Counter(group_of_pupil.values())
    marked: Counter[tuple[int, str]] = Counter()
    for pupil_id, session in Mark.objects.filter(school=school, date=day).values_list(
        "pupil_id", "session"
    ):
        group_id = group_of_pupil.get(pupil_id)
        if group_id is not None:
            marked[(group_id, session)] += 1
    taken = {
        (t.group_id, t.session): t for t in TakenRegister.objects.filter(school=school, date=day)
    }
    closed = {session: calendar.session_status(day, session).reason for session in SESSIONS}
    return [
        GroupRegisters(
            group=group,
            on_roll=on_roll[group.pk],
            states={
                session: _state(
                    on_roll=on_roll[group.pk],
                    marked=marked[(group.pk, session)],
                    taken=taken.get((group.pk, session)),
                    closed_reason=closed[session],
                )
                for session in SESSIONS
            },
        )
        for group in groups
    ]


# -------------------------------------------------------------------- N codes to correct


@dataclass(frozen=True)
class OutstandingN:
    mark: Mark
    deadline: dt.date | None  # None: no rule recorded, or the calendar does not reach it
    days_left: int
    overdue: bool


def n_codes_outstanding(
    *,
    school: School,
    calendar: SchoolCalendar,
    today: dt.date,
    profile: PolicyProfile | None = None,
) -> list[OutstandingN]:
    """Every mark at the school still coded N, oldest first, with the date by which it must be
    replaced: n_code_correction school days after the session (WTISA), counted
    from the day after the mark unless the school's policy profile counts the mark's own day
    (``registers.n_code_deadline``). ``profile``: the school's own when not given."""
    if profile is None:
        profile = load_profile(school.effective_policy_profile)
    setting = profile.registers.n_code_deadline
    counts_mark_day = setting is not None and setting.counts_mark_day
    marks = (
        Mark.objects.filter(school=school, code="N")
        .select_related("pupil")
        .order_by("date", "session", "pupil__legal_surname", "pupil__legal_forename")
    )
    deadlines: dict[dt.date, dt.date | None] = {}
    rows = []
    for mark in marks:
        if mark.date not in deadlines:
            deadlines[mark.date] = _n_deadline(calendar, mark.date, counts_mark_day=counts_mark_day)
        deadline = deadlines[mark.date]
        rows.append(
            OutstandingN(
                mark=mark,
                deadline=deadline,
                days_left=school_days_left(calendar, today, deadline) if deadline else 0,
                overdue=deadline is not None and today > deadline,
            )
        )
    return rows


def _n_deadline(calendar: SchoolCalendar, day: dt.date, *, counts_mark_day: bool) -> dt.date | None:
    rules = statutory.on(day).registers
    if rules is None:
        return None
    limit = rules.n_code_correction
    if limit.unit is not statutory.TimeUnit.SCHOOL_DAYS:
        raise ValueError(f"N-code correction limit is in {limit.unit}, expected school days")
    # The mark's own day is school day 1 when the profile counts it (a mark is only ever
    # taken on a school day), so the deadline falls one school day earlier.
    after = limit.amount - 1 if counts_mark_day else limit.amount
    if after == 0:
        return day
    return school_day_after(calendar, day, after)


def marks_with_ids(*, school: School, mark_ids: Iterable[int]) -> list[Mark]:
    return list(
        Mark.objects.filter(school=school, pk__in=list(mark_ids)).select_related("pupil", "school")
    )
