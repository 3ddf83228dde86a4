"""Register marks for the demo world, drawn from each pupil's attendance profile.

Patterns a real register shows: winter illness in short episodes, medical appointments,
late arrivals before and after the register closed, unexplained absences (N) that are later
corrected or still waiting, family holidays in term time (G, the same week for siblings),
persistent and severe absence, part-time timetables (C2), suspensions (E), trips (V), work
experience (W), religious observance (R), dual registration (D), INSET days (#) and an
unplanned closure (Y4). On the latest school day some groups' registers are not taken yet
(and none in the afternoon before its register opens), and the day's absences wait as N for
the office's first-day calls.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import holidays
import numpy as np

from rollcall.demo.terms import DemoDates
from rollcall.demo.world import (
    EnrolmentSpec,
    FamilySpec,
    PupilSpec,
    SchoolSpec,
    World,
    nc_year,
)
from rollcall.organisations.calendar import SESSIONS

# N codes this many school days old or newer are still waiting for a reason: inside the
# 5-school-day limit for replacing N (WTISA).
PENDING_SCHOOL_DAYS = 4
CORRECTION_REASONS = {
    "I": "Parent phoned: pupil unwell",
    "M": "Appointment card seen",
    "O": "No reason given after follow-up",
    "G": "Parent confirmed holiday taken without leave",
}


@dataclass(frozen=True)
class SchoolSessions:
    """Every register session a school holds between two dates, as parallel arrays."""

    dates: np.ndarray  # datetime64[D]
    is_pm: np.ndarray  # bool
    day_number: np.ndarray  # int: index of the school day, shared by its AM and PM
    closed_code: np.ndarray  # '' when the school met, else '#' or 'Y4'

    @classmethod
    def for_school(
        cls, school: SchoolSpec, dates: DemoDates, first: dt.date, last: dt.date
    ) -> SchoolSessions:
        calendar = school.calendar(dates)
        closures = {day: "#" for day in school.inset_days(dates)}
        emergency = school.emergency_closure_on(dates)
        if emergency:
            closures[emergency] = "Y4"
        days: list[dt.date] = []
        pms: list[bool] = []
        closed: list[str] = []
        day = first
        while day <= last:
            in_term = day.weekday() < 5 and any(
                t.starts_on <= day <= t.ends_on for t in calendar.terms
            )
            for session in SESSIONS:
                if calendar.is_open(day, session):
                    days.append(day)
                    pms.append(session == "PM")
                    closed.append("")
                elif in_term and day in closures:
                    days.append(day)
                    pms.append(session == "PM")
                    closed.append(closures[day])
            day += dt.timedelta(days=1)
        date_array = np.array(days, dtype="datetime64[D]")
        _, day_number = np.unique(date_array, return_inverse=True)
        return cls(date_array, np.array(pms, dtype=bool), day_number, np.array(closed, dtype="<U2"))


@dataclass(frozen=True)
class EnrolmentMarks:
    school_key: str
    upn: str
    dates: np.ndarray
    is_pm: np.ndarray
    codes: np.ndarray  # the code in force now
    original: np.ndarray  # the code first entered (N where the reason came later)


@lru_cache(maxsize=16)
def eid_days(years: tuple[int, ...]) -> np.ndarray:
    """Eid al-Fitr in each calendar year (the `holidays` library's dates, estimated ahead)."""
    days = [
        day
        for year in years
        for day, name in holidays.country_holidays("AE", years=year).items()
        if name.startswith("Eid al-Fitr") and "Holiday" not in name
    ]
    return np.array(sorted(days), dtype="datetime64[D]")


def work_experience_weeks(dates: DemoDates) -> dict[int, tuple[np.datetime64, np.datetime64]]:
    """Year 10's work-experience week: three weeks before the summer term ends."""
    weeks: dict[int, tuple[np.datetime64, np.datetime64]] = {}
    for year in dates.years:
        end = dates.year_end(year)
        monday = end - dt.timedelta(days=end.weekday() + 21)
        weeks[year] = (np.datetime64(monday), np.datetime64(monday + dt.timedelta(days=4)))
    return weeks


@dataclass(frozen=True)
class SchoolContext:
    """What every pupil's marks at one school share."""

    sessions: SchoolSessions
    dates: DemoDates
    latest_day: np.datetime64
    trip_days: dict[str, list[np.datetime64]]
    work_weeks: dict[int, tuple[np.datetime64, np.datetime64]]  # by school year
    pending_from: np.datetime64  # N codes from this day on still wait for a reason
    # By group, the school's sessions (on the latest day) whose register is not taken yet.
    not_taken: dict[str, np.ndarray]


def _daily(rng: np.random.Generator, n_days: int, probability: float) -> np.ndarray:
    return rng.random(n_days) < probability


def _episodes(rng: np.random.Generator, onsets: np.ndarray, longest: int) -> np.ndarray:
    """Extend each onset day into an episode of 1..longest days."""
    lengths = rng.integers(1, longest + 1, size=onsets.size)
    result = onsets.copy()
    for shift in range(1, longest):
        carried = onsets & (lengths > shift)
        result[shift:] |= carried[:-shift]
    return result


def pupil_marks(
    rng: np.random.Generator,
    *,
    pupil: PupilSpec,
    family: FamilySpec,
    enrolment: EnrolmentSpec,
    school: SchoolSpec,
    context: SchoolContext,
    dual_days: tuple[int, ...] | None,
) -> EnrolmentMarks:
    sessions, dates_of, latest = context.sessions, context.dates, context.dates.latest
    first = np.datetime64(enrolment.admitted_on)
    last = np.datetime64(min(enrolment.left_on or latest, latest))
    in_range = (sessions.dates >= first) & (sessions.dates <= last)
    not_taken = context.not_taken.get(enrolment.group_name)
    if not_taken is not None:
        in_range &= ~not_taken
    dates = sessions.dates[in_range]
    is_pm = sessions.is_pm[in_range]
    closed = sessions.closed_code[in_range]
    n = dates.size
    codes = np.where(is_pm, "\\", "/").astype("<U2")
    if n == 0:
        return EnrolmentMarks(school.key, pupil.upn, dates, is_pm, codes, codes.copy())
    day_of_session = sessions.day_number[in_range]
    day_of_session = day_of_session - day_of_session.min()
    n_days = int(day_of_session.max()) + 1
    profile = pupil.profile
    months = dates.astype("datetime64[M]").astype(int) % 12 + 1
    winter = np.isin(months, (11, 12, 1, 2))

    # Illness: short episodes, more of them in winter.
    explained = profile.absence_rate * (1 - profile.unauthorised_share)
    day_winter = np.zeros(n_days, dtype=bool)
    day_winter[day_of_session] = winter
    onset_p = np.where(day_winter, 1.5, 0.8) * explained / 1.9
    ill_days = _episodes(rng, rng.random(n_days) < onset_p, 3)
    # Unauthorised or unexplained days; severe absentees miss whole runs of days.
    unexplained = profile.absence_rate * profile.unauthorised_share
    longest = 8 if profile.kind == "severe" else 2
    away_days = _episodes(rng, _daily(rng, n_days, unexplained / (longest / 2 + 0.5)), longest)

    ill = ill_days[day_of_session]
    away = away_days[day_of_session] & ~ill
    codes[ill] = "I"
    codes[away] = "O"
    # Half-day truancy and appointments.
    codes[(rng.random(n) < unexplained * 0.15) & ~ill & ~away & is_pm] = "O"
    codes[(rng.random(n) < 0.006) & (codes == "/")] = "M"

    # Late arrivals, mostly in the morning.
    late = (rng.random(n) < np.where(is_pm, 0.15, 1.0) * profile.late_rate) & np.isin(
        codes, ("/", "\\")
    )
    after_close = rng.random(n) < profile.late_after_close_share
    codes[late & ~after_close] = "L"
    codes[late & after_close] = "U"

    # Family holidays in term time: the same days for every sibling.
    for start, end in family.holidays:
        codes[(dates >= np.datetime64(start)) & (dates <= np.datetime64(end))] = "G"
    if profile.part_time_from and profile.part_time_to:
        part = (dates >= np.datetime64(profile.part_time_from)) & (
            dates <= np.datetime64(profile.part_time_to)
        )
        codes[part & is_pm] = "C2"
    if profile.observes_eid:
        years = tuple(range(dates_of.first.year, latest.year + 1))
        codes[np.isin(dates, eid_days(years))] = "R"
    if profile.kind != "typical" and school.phase != "primary" and rng.random() < 0.2:
        start_day = int(rng.integers(0, max(1, n_days - 2)))
        codes[(day_of_session >= start_day) & (day_of_session < start_day + 2)] = "E"

    # Whole-group activities.
    for academic_year in dates_of.years:
        year = nc_year(pupil.date_of_birth, academic_year)
        for trip in context.trip_days.get(f"{academic_year}:{year}", ()):
            if rng.random() < 0.9:
                codes[(dates == trip) & (codes != "G")] = "V"
        if year == 10 and school.phase == "secondary":
            monday, friday = context.work_weeks[academic_year]
            work = (dates >= monday) & (dates <= friday)
            codes[work & (codes != "G")] = "W"

    if dual_days is not None:
        weekdays = (dates.astype("datetime64[D]").astype(int) - 4) % 7  # 0 = Monday
        at_other = np.isin(weekdays, dual_days)
        if enrolment.registration == "S":
            at_other = ~at_other
        start = dates_of.year_start(dates_of.latest_year)
        codes[at_other & (dates >= np.datetime64(start))] = "D"

    original = codes.copy()
    absent = np.isin(codes, ("I", "O", "G"))
    # Where no reason came in on the day the first mark was N; the office corrected it later.
    first_of_run = absent & np.concatenate(([True], ~absent[:-1]))
    came_in_late = first_of_run & (rng.random(n) < 0.55)
    original[came_in_late] = "N"
    # The last few school days' unexplained absences are still waiting for a reason, and on
    # the latest day most absences are: the office is still making its first-day calls.
    recent = dates >= context.pending_from
    on_latest = dates == context.latest_day
    on_latest[on_latest] = rng.random(int(on_latest.sum())) < 0.7
    pending = absent & (recent & (codes != "I") | on_latest) | (came_in_late & recent)
    codes[pending] = "N"
    original[pending] = "N"
    # A few pupils have an N the office never chased: past the 5-school-day limit.
    if profile.kind != "typical" and rng.random() < 0.25:
        stale = absent & (dates > np.datetime64(latest - dt.timedelta(days=35)))
        codes[stale] = "N"
        original[stale] = "N"

    codes[closed != ""] = closed[closed != ""]
    original[closed != ""] = closed[closed != ""]
    return EnrolmentMarks(school.key, pupil.upn, dates, is_pm, codes, original)


def trip_days_for(
    rng: np.random.Generator, sessions: SchoolSessions, dates: DemoDates
) -> dict[str, list[np.datetime64]]:
    """A few trip days per year group per year."""
    open_days = np.unique(sessions.dates[sessions.closed_code == ""])
    trips: dict[str, list[np.datetime64]] = {}
    for academic_year in dates.years:
        in_year = open_days[
            (open_days >= np.datetime64(dt.date(academic_year, 9, 1)))
            & (open_days < np.datetime64(dt.date(academic_year + 1, 8, 1)))
        ]
        if in_year.size == 0:
            continue
        for year in range(0, 12):
            trips[f"{academic_year}:{year}"] = list(rng.choice(in_year, size=2, replace=False))
    return trips


def registers_not_taken(
    world: World, school: SchoolSpec, groups: set[str]
) -> frozenset[tuple[str, bool]]:
    """The latest school day's registers (group, is_pm) nobody has taken yet: a few groups'
    morning registers, and the afternoon's for most groups, or all before it opens."""
    rng = random.Random(f"{world.seed}:{school.key}:{world.dates.latest.isoformat()}")
    ordered = sorted(groups)
    rng.shuffle(ordered)
    late_am = max(1, round(len(ordered) * 0.2)) if len(ordered) > 1 else 0
    not_taken = {(group, False) for group in ordered[:late_am]}
    for number, group in enumerate(ordered):
        if not world.dates.afternoon_due or number < late_am or rng.random() < 0.4:
            not_taken.add((group, True))
    return frozenset(not_taken)


def _session_masks(
    sessions: SchoolSessions, dates: DemoDates, not_taken: frozenset[tuple[str, bool]]
) -> dict[str, np.ndarray]:
    """For each group with a register not taken, which of the school's sessions it misses."""
    on_latest = sessions.dates == np.datetime64(dates.latest)
    masks: dict[str, np.ndarray] = {}
    for group, is_pm in not_taken:
        session = on_latest & (sessions.is_pm == is_pm)
        masks[group] = masks[group] | session if group in masks else session
    return masks


def world_marks(world: World, *, first: dt.date | None = None) -> Iterator[EnrolmentMarks]:
    """Marks for every enrolment in the world, school by school, deterministically, from the
    start of the history (or `first`) to the latest school day."""
    rng = np.random.default_rng(world.seed)
    dates = world.dates
    pupils = {p.upn: p for p in world.pupils}
    families = {f.reference: f for f in world.families}
    by_school: dict[str, list[EnrolmentSpec]] = {}
    for enrolment in world.enrolments:
        by_school.setdefault(enrolment.school_key, []).append(enrolment)
    for school in world.schools:
        sessions = SchoolSessions.for_school(school, dates, first or dates.first, dates.latest)
        open_days = np.unique(sessions.dates[sessions.closed_code == ""])
        enrolments = by_school.get(school.key, [])
        on_roll = {
            e.group_name
            for e in enrolments
            if e.admitted_on <= dates.latest and (e.left_on is None or e.left_on >= dates.latest)
        }
        context = SchoolContext(
            sessions=sessions,
            dates=dates,
            latest_day=np.datetime64(dates.latest),
            trip_days=trip_days_for(rng, sessions, dates),
            pending_from=(
                open_days[-PENDING_SCHOOL_DAYS]
                if open_days.size >= PENDING_SCHOOL_DAYS
                else np.datetime64(dates.latest)
            ),
            work_weeks=work_experience_weeks(dates),
            not_taken=_session_masks(sessions, dates, registers_not_taken(world, school, on_roll)),
        )
        for enrolment in enrolments:
            pupil = pupils[enrolment.upn]
            yield pupil_marks(
                rng,
                pupil=pupil,
                family=families[pupil.family_reference],
                enrolment=enrolment,
                school=school,
                context=context,
                dual_days=world.dual_days.get(enrolment.upn),
            )
