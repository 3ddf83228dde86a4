"""Register marks for the demo world, drawn from each pupil's attendance profile.

Patterns a real register shows: winter illness in short episodes, medical appointments,
late arrivals before and after the register closed, unexplained absences (N) that are later
corrected or still waiting, family holidays in term time (G, the same week for siblings),
persistent and severe absence, part-time timetables (C2), suspensions (E), trips (V), work
experience (W), religious observance (R), dual registration (D), INSET days (#) and an
unplanned closure (Y4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from rollcall.demo.world import (
    ACADEMIC_YEARS,
    FIRST_DATE,
    EnrolmentSpec,
    FamilySpec,
    PupilSpec,
    SchoolSpec,
    World,
    nc_year,
)
from rollcall.organisations.calendar import SESSIONS

EID_DAYS = (dt.date(2025, 3, 31), dt.date(2026, 3, 20))
WORK_EXPERIENCE = (dt.date(2025, 6, 30), dt.date(2025, 7, 4))
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
    def for_school(cls, school: SchoolSpec, first: dt.date, last: dt.date) -> SchoolSessions:
        calendar = school.calendar()
        closures = {day: "#" for day in school.inset_days}
        if school.emergency_closure:
            closures[school.emergency_closure] = "Y4"
        dates, pms, closed = [], [], []
        day = first
        while day <= last:
            in_term = day.weekday() < 5 and any(
                t.starts_on <= day <= t.ends_on for t in calendar.terms
            )
            for session in SESSIONS:
                if calendar.is_open(day, session):
                    dates.append(day)
                    pms.append(session == "PM")
                    closed.append("")
                elif in_term and day in closures:
                    dates.append(day)
                    pms.append(session == "PM")
                    closed.append(closures[day])
            day += dt.timedelta(days=1)
        date_array = np.array(dates, dtype="datetime64[D]")
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
    sessions: SchoolSessions,
    demo_date: dt.date,
    trip_days: dict[str, list[np.datetime64]],
    dual_days: tuple[int, ...] | None,
) -> EnrolmentMarks:
    first = np.datetime64(enrolment.admitted_on)
    last = np.datetime64(min(enrolment.left_on or demo_date, demo_date))
    in_range = (sessions.dates >= first) & (sessions.dates <= last)
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
        codes[np.isin(dates, np.array(EID_DAYS, dtype="datetime64[D]"))] = "R"
    if profile.kind != "typical" and school.phase != "primary" and rng.random() < 0.2:
        start_day = int(rng.integers(0, max(1, n_days - 2)))
        codes[(day_of_session >= start_day) & (day_of_session < start_day + 2)] = "E"

    # Whole-group activities.
    for academic_year in ACADEMIC_YEARS:
        year = nc_year(pupil.date_of_birth, academic_year)
        for trip in trip_days.get(f"{academic_year}:{year}", ()):
            if rng.random() < 0.9:
                codes[(dates == trip) & (codes != "G")] = "V"
        if year == 10 and school.phase == "secondary":
            work = (dates >= np.datetime64(WORK_EXPERIENCE[0])) & (
                dates <= np.datetime64(WORK_EXPERIENCE[1])
            )
            codes[work & (codes != "G")] = "W"

    if dual_days is not None:
        weekdays = (dates.astype("datetime64[D]").astype(int) - 4) % 7  # 0 = Monday
        at_other = np.isin(weekdays, dual_days)
        if enrolment.registration == "S":
            at_other = ~at_other
        codes[at_other & (dates >= np.datetime64(dt.date(2025, 9, 2)))] = "D"

    original = codes.copy()
    absent = np.isin(codes, ("I", "O", "G"))
    # Where no reason came in on the day the first mark was N; the office corrected it later.
    first_of_run = absent & np.concatenate(([True], ~absent[:-1]))
    came_in_late = first_of_run & (rng.random(n) < 0.55)
    original[came_in_late] = "N"
    # The last week's unexplained absences are still waiting for a reason.
    recent = dates > np.datetime64(demo_date - dt.timedelta(days=7))
    pending = absent & recent & (codes != "I") | (came_in_late & recent)
    codes[pending] = "N"
    original[pending] = "N"
    # A few pupils have an N the office never chased: past the 5-school-day limit.
    if profile.kind != "typical" and rng.random() < 0.25:
        stale = absent & (dates > np.datetime64(demo_date - dt.timedelta(days=35)))
        codes[stale] = "N"
        original[stale] = "N"

    codes[closed != ""] = closed[closed != ""]
    original[closed != ""] = closed[closed != ""]
    return EnrolmentMarks(school.key, pupil.upn, dates, is_pm, codes, original)


def trip_days_for(
    rng: np.random.Generator, sessions: SchoolSessions
) -> dict[str, list[np.datetime64]]:
    """A few trip days per year group per year."""
    open_days = np.unique(sessions.dates[sessions.closed_code == ""])
    trips: dict[str, list[np.datetime64]] = {}
    for academic_year in ACADEMIC_YEARS:
        in_year = open_days[
            (open_days >= np.datetime64(dt.date(academic_year, 9, 1)))
            & (open_days < np.datetime64(dt.date(academic_year + 1, 8, 1)))
        ]
        if in_year.size == 0:
            continue
        for year in range(0, 12):
            trips[f"{academic_year}:{year}"] = list(rng.choice(in_year, size=2, replace=False))
    return trips


def world_marks(world: World, *, first: dt.date = FIRST_DATE) -> Iterator[EnrolmentMarks]:
    """Marks for every enrolment in the world, school by school, deterministically."""
    rng = np.random.default_rng(world.seed)
    pupils = {p.upn: p for p in world.pupils}
    families = {f.reference: f for f in world.families}
    for school in world.schools:
        sessions = SchoolSessions.for_school(school, first, world.demo_date)
        trips = trip_days_for(rng, sessions)
        for enrolment in world.enrolments:
            if enrolment.school_key != school.key:
                continue
            pupil = pupils[enrolment.upn]
            yield pupil_marks(
                rng,
                pupil=pupil,
                family=families[pupil.family_reference],
                enrolment=enrolment,
                school=school,
                sessions=sessions,
                demo_date=world.demo_date,
                trip_days=trips,
                dual_days=world.dual_days.get(enrolment.upn),
            )
