"""Statutory and local triggers that turn into work for a school (WTISA; REG24 regs 9, 13).

- the national threshold (engine.threshold), and a profile's local variant of it;
- 10 consecutive school days absent without the school's permission: the LA must be told
  (REG24 reg 13; WTISA);
- 20 consecutive school days with every session coded G, N or O: deletion Ground I may apply
  once enquiries fail (REG24 reg 9);
- N marks still N after the 5 school days to replace them (WTISA: correct N within 5 school
  days), counted from the day after the mark or, where the profile says so, the day itself;
- persistent (≥ 10 %) and severe (≥ 50 %) absence over the academic year to date;
- a policy profile's attendance triggers (e.g. a trust's letters below 96 % and 90 %,
  Hackney's below 90 %, counting back 12 school weeks early in the year, and below 93 % while
  still falling) and holiday variant (Essex: 10 consecutive G).

Days are the pupil's own: a day counts when one of their schools held a session; the
threshold's school weeks are the school's (engine.threshold). Only the thresholds also count
the pupil's earlier schools known from CTFs (`history`; engine.history): every other trigger is
about the schools whose registers are in the matrix.

The threshold, the 10-day notification and Ground I concern children of compulsory school age
(EA96 s8, s444, s444A; REG24 regs 9 and 13): given the pupils' dates of birth
(`dates_of_birth`), only sessions and days of compulsory school age count towards them. A run
of days is reached, and dated, on its last day (the 10th, the 20th), not its first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from rollcall import statutory
from rollcall.engine.codes import AEA, AUTHORISED, PRESENT, UNAUTHORISED
from rollcall.engine.figures import pupil_figures
from rollcall.engine.history import with_history
from rollcall.engine.matrix import EPOCH, MarkMatrix, week_numbers
from rollcall.engine.school_age import DatesOfBirth
from rollcall.engine.threshold import (
    SchoolCalendar,
    ThresholdResult,
    ThresholdRule,
    national_threshold,
)
from rollcall.policies import PolicyProfile
from rollcall.policies.pathway import AttendanceTrigger
from rollcall.statutory.years import school_year_start

NATIONAL_THRESHOLD = "national_threshold"
LOCAL_THRESHOLD = "local_threshold"
CONTINUOUS_ABSENCE = "continuous_absence"
GROUND_I = "ground_i"
UNCORRECTED_N = "uncorrected_n"
PERSISTENT = "persistent_absence"
SEVERE = "severe_absence"
HOLIDAY = "holiday_variant"


@dataclass(frozen=True)
class TriggerHit:
    pupil: int  # index into matrix.pupils
    school: int  # index into matrix.schools: the school the pupil was last marked at
    kind: str  # one of the constants above, or "attendance:<profile trigger key>"
    met_on: dt.date
    detail: str
    provisional: bool = False  # met only through marks still to be replaced (N)


def current_school(matrix: MarkMatrix, columns: slice) -> np.ndarray:
    """Per pupil, the school of the row with the latest mark up to the end of columns."""
    marked = matrix.ids[:, columns] != 0
    width = marked.shape[1]
    last = np.where(marked.any(axis=1), width - 1 - np.argmax(marked[:, ::-1], axis=1), -1)
    n = matrix.n_pupils
    school = matrix.row_school[:n].copy()
    best = last[:n].copy()
    for row in range(n, matrix.n_rows):
        pupil = matrix.row_pupil[row]
        if last[row] > best[pupil]:
            best[pupil], school[pupil] = last[row], matrix.row_school[row]
    return school


@dataclass(frozen=True)
class DailyPicture:
    """Per pupil and day up to as-of: was a session held, and was the whole day unauthorised
    absence (G, N, O in every possible session)?"""

    days: np.ndarray  # datetime64[D]
    held: np.ndarray  # (n_pupils, n_days) bool
    absent_all_day: np.ndarray  # (n_pupils, n_days) bool
    n_code: np.ndarray  # (n_pupils, n_days) bool: an N still stands that day


def daily_picture(matrix: MarkMatrix, columns: slice) -> DailyPicture:
    table = matrix.codes
    possible_lut = np.isin(table.category, (PRESENT, AEA, AUTHORISED, UNAUTHORISED))
    unexcused_lut = table.ids_for({"G", "N", "O"}) & (table.category == UNAUTHORISED)
    held_lut = np.ones(table.size, dtype=bool)
    held_lut[0] = False
    held_lut &= ~table.ids_for({"#", "Y4"})
    n_lut = table.ids_for({"N"})
    block = matrix.ids[:, columns]
    n_days = block.shape[1] // 2
    shaped = block.reshape(block.shape[0], n_days, 2)
    possible = possible_lut[shaped].sum(axis=2, dtype=np.int8)
    unexcused = unexcused_lut[shaped].sum(axis=2, dtype=np.int8)
    held = held_lut[shaped].any(axis=2)
    n_code = n_lut[shaped].any(axis=2)
    n = matrix.n_pupils
    if matrix.n_rows > n:
        extra = matrix.row_pupil[n:]
        possible, unexcused = possible[:n].copy(), unexcused[:n].copy()
        np.add.at(possible, extra, possible_lut[shaped[n:]].sum(axis=2, dtype=np.int8))
        np.add.at(unexcused, extra, unexcused_lut[shaped[n:]].sum(axis=2, dtype=np.int8))
        held, n_code = held[:n].copy(), n_code[:n].copy()
        np.logical_or.at(held, extra, held_lut[shaped[n:]].any(axis=2))
        np.logical_or.at(n_code, extra, n_lut[shaped[n:]].any(axis=2))
    days = matrix.days[columns.start // 2 : columns.stop // 2]
    absent_all_day = (possible > 0) & (unexcused == possible)
    return DailyPicture(days, held[:n], absent_all_day[:n], n_code[:n])


def run_lengths(hit: np.ndarray, counted: np.ndarray) -> np.ndarray:
    """Length of the run of `hit` ending at each position, over the positions where `counted`
    (others neither extend nor break a run)."""
    positions = np.arange(hit.shape[1])
    cumulative = np.cumsum(hit, axis=1, dtype=np.int32)
    breaks = counted & ~hit
    last_break = np.maximum.accumulate(np.where(breaks, positions, -1), axis=1)
    before = np.where(
        last_break >= 0, np.take_along_axis(cumulative, np.clip(last_break, 0, None), axis=1), 0
    )
    return np.where(counted, cumulative - before, 0)


def _first_reaching(runs: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray]:
    reached = runs >= length
    return np.asarray(reached.any(axis=1)), np.asarray(np.argmax(reached, axis=1))


def continuous_absence(
    picture: DailyPicture, *, days: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pupils whose current run of whole days of unauthorised absence (G/N/O) has reached
    `days` school days: (hit, first day of the run, current run length)."""
    runs = run_lengths(picture.absent_all_day, picture.held)
    current = runs[:, -1] if runs.shape[1] else np.zeros(runs.shape[0], dtype=np.int32)
    # The current run: the last held day's run, even if as-of itself was not a school day.
    last_held = picture.held.shape[1] - 1 - np.argmax(picture.held[:, ::-1], axis=1)
    current = (
        np.take_along_axis(runs, last_held[:, None], axis=1)[:, 0] if runs.shape[1] else current
    )
    hit = current >= days
    # The run began `current` held days before the last held day.
    held_rank = np.cumsum(picture.held, axis=1)
    start_rank = np.take_along_axis(held_rank, last_held[:, None], axis=1)[:, 0] - current + 1
    start_day = np.argmax(held_rank >= start_rank[:, None], axis=1)
    return hit, start_day, current


def nth_school_day(picture: DailyPicture, start_day: np.ndarray, nth: int) -> np.ndarray:
    """Per pupil: the day index of the `nth` school day counting `start_day` as the first.
    A run of 10 school days is reached on its 10th day, and that is when it is dated."""
    held_rank = np.cumsum(picture.held, axis=1)
    if not held_rank.shape[1]:
        return np.zeros(held_rank.shape[0], dtype=np.int64)
    rank = np.take_along_axis(held_rank, start_day[:, None], axis=1)[:, 0] + nth - 1
    return np.asarray(np.argmax(held_rank >= rank[:, None], axis=1))


def uncorrected_n(
    picture: DailyPicture, *, school_days: int, counts_mark_day: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Per pupil: how many days still carry an N past the deadline to replace it (up to
    as-of), and the earliest such day (-1 if none). The deadline is the `school_days`th
    school day after the mark's day, counted from the day after it (WTISA, "N code"), or
    from the day itself where a policy profile says so (`counts_mark_day`: the profile's
    registers.n_code_deadline.counted_from is mark_day), which is one school day earlier."""
    held_rank = np.cumsum(picture.held, axis=1)
    total = held_rank[:, -1:] if held_rank.shape[1] else np.zeros((held_rank.shape[0], 1))
    after = school_days - 1 if counts_mark_day else school_days
    overdue = picture.n_code & ((total - held_rank) > after)
    return overdue.sum(axis=1), np.where(overdue.any(axis=1), np.argmax(overdue, axis=1), -1)


def rolling_attendance(
    matrix: MarkMatrix, columns: slice, *, school_weeks: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per pupil: attendance % and possible sessions over their last `school_weeks` school
    weeks up to the end of columns."""
    table = matrix.codes
    possible_lut = np.isin(table.category, (PRESENT, AEA, AUTHORISED, UNAUTHORISED))
    attended_lut = np.isin(table.category, (PRESENT, AEA))
    days = matrix.days[columns.start // 2 : columns.stop // 2]
    weeks = week_numbers(days)
    n = matrix.n_pupils
    if len(days) == 0:
        return np.full(n, np.nan), np.zeros(n, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, weeks[1:] != weeks[:-1]])
    bounds = [*(columns.start + 2 * starts).tolist(), columns.stop]
    possible = np.zeros((matrix.n_rows, len(starts)), dtype=np.int32)
    attended = np.zeros_like(possible)
    for week in range(len(starts)):
        block = matrix.ids[:, bounds[week] : bounds[week + 1]]
        possible[:, week] = possible_lut[block].sum(axis=1)
        attended[:, week] = attended_lut[block].sum(axis=1)
    p, a = possible[:n].copy(), attended[:n].copy()
    if matrix.n_rows > n:
        np.add.at(p, matrix.row_pupil[n:], possible[n:])
        np.add.at(a, matrix.row_pupil[n:], attended[n:])
    held = p > 0
    # Keep the last `school_weeks` weeks with sessions for each pupil.
    from_end = np.cumsum(held[:, ::-1], axis=1)[:, ::-1]
    keep = held & (from_end <= school_weeks)
    possible_total = (p * keep).sum(axis=1)
    attended_total = (a * keep).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(possible_total > 0, 100.0 * attended_total / possible_total, np.nan)
    return pct, possible_total


def school_weeks_passed(matrix: MarkMatrix, first: dt.date, last: dt.date) -> int:
    """School weeks (weeks with a session held at any of the matrix's schools) from first to
    last."""
    return len(_held_weeks(matrix, matrix.columns_between(first, last)))


def _held_weeks(matrix: MarkMatrix, columns: slice) -> np.ndarray:
    held_lut = np.ones(matrix.codes.size, dtype=bool)
    held_lut[0] = False
    held_lut &= ~matrix.codes.ids_for({"#", "Y4"})
    days = matrix.days[columns.start // 2 : columns.stop // 2]
    if not len(days):
        return np.array([], dtype=np.int64)
    held = held_lut[matrix.ids[:, columns]].any(axis=0).reshape(len(days), 2).any(axis=1)
    return np.unique(week_numbers(days)[held])


def school_weeks_back(matrix: MarkMatrix, as_of: dt.date, weeks: int) -> dt.date | None:
    """The last day of the school week `weeks` school weeks before the one holding as_of (or
    the last before it): the date to compare attendance with. None if there is none."""
    columns = matrix.columns_between(None, as_of)
    held = _held_weeks(matrix, columns)
    if len(held) <= weeks:
        return None
    target = held[-1 - weeks]
    days = matrix.days[columns.start // 2 : columns.stop // 2]
    return days[week_numbers(days) == target][-1].astype(dt.date)


def attendance_measure(
    matrix: MarkMatrix, trigger: AttendanceTrigger, *, as_of: dt.date
) -> tuple[np.ndarray, np.ndarray, str]:
    """Per pupil: attendance % and possible sessions as a profile's attendance trigger takes
    them (policies.pathway.AttendanceTrigger.measure), and the period in words.
    year_to_date_with_count_back: while fewer than `school_weeks` school weeks of the year
    have passed, the last `school_weeks` school weeks, reaching into the previous year when
    `crosses_academic_years` (HAC 'Stage 2: Early Help & Support': "count back 12 school
    weeks (and use the previous academic year if necessary)"); after that the year to date."""
    year_start = school_year_start(as_of)
    weeks = trigger.school_weeks
    count_back = (
        trigger.measure == "year_to_date_with_count_back"
        and weeks is not None
        and school_weeks_passed(matrix, year_start, as_of) < weeks
    )
    if weeks and (trigger.measure == "rolling_school_weeks" or count_back):
        look_from = None if trigger.crosses_academic_years else year_start
        pct, possible = rolling_attendance(
            matrix, matrix.columns_between(look_from, as_of), school_weeks=weeks
        )
        return pct, possible, f"over the last {weeks} school weeks"
    figures = pupil_figures(matrix, first=year_start, last=as_of)
    return figures.attendance_pct, figures.possible, "this school year"


def holiday_runs(
    matrix: MarkMatrix, columns: slice, *, sessions: int
) -> tuple[np.ndarray, np.ndarray]:
    """Pupils with `sessions` consecutive G sessions (counting only sessions held): hit and the
    column at which the run reached that length."""
    table = matrix.codes
    g_lut = table.ids_for({"G"}) & table.counts_for_threshold
    held_lut = np.isin(table.category, (PRESENT, AEA, AUTHORISED, UNAUTHORISED))
    n = matrix.n_pupils
    block = matrix.ids[:n, columns]
    runs = run_lengths(g_lut[block], held_lut[block])
    hit, column = _first_reaching(runs, sessions)
    return hit, columns.start + column


def counts_mark_day(profile: PolicyProfile | None) -> bool:
    """Whether the profile counts the day of an N mark as the first of the school days to
    replace it (registers.n_code_deadline.counted_from: mark_day); nationally it does not."""
    setting = profile.registers.n_code_deadline if profile is not None else None
    return setting is not None and setting.counts_mark_day


def threshold_detail(
    matrix: MarkMatrix, result: ThresholdResult, occasion: int, rule: ThresholdRule, label: str
) -> str:
    """What an occasion says on a worklist: its first and last session, and whether it is
    provisional (met only through N marks still to be replaced; WTISA, "N code")."""
    occasions = result.occasions
    first = int(occasions.first_column[occasion])
    met = int(occasions.met_column[occasion])
    number = int(occasions.number[occasion])
    text = (
        f"{label} (occasion {number}): from {session_label(matrix, first)} to "
        f"{session_label(matrix, met)}"
    )
    if occasions.provisional_sessions[occasion]:
        columns = provisional_columns(matrix, result, occasion, rule)
        listed = ", ".join(session_label(matrix, int(c)) for c in columns[:12])
        more = f" and {columns.size - 12} more" if columns.size > 12 else ""
        text += (
            f". PROVISIONAL until the N marks are replaced (within 5 school days): {listed}{more}"
        )
    return text


def provisional_columns(
    matrix: MarkMatrix, result: ThresholdResult, occasion: int, rule: ThresholdRule
) -> np.ndarray:
    """The sessions of an occasion, from its first to its last, that carry a mark counting
    only until it is replaced (N; WTISA, "N code")."""
    occasions = result.occasions
    first = int(occasions.first_column[occasion])
    met = int(occasions.met_column[occasion])
    rows = np.flatnonzero(matrix.row_pupil == int(occasions.pupil[occasion]))
    block = matrix.ids[np.ix_(rows, np.arange(first, met + 1))]
    return first + np.flatnonzero(rule.provisional[block].any(axis=0))


def threshold_occasions(
    matrix: MarkMatrix,
    *,
    as_of: dt.date,
    codes: set[str] | None = None,
    history: MarkMatrix | None = None,
    dates_of_birth: DatesOfBirth | None = None,
    calendar: SchoolCalendar | None = None,
) -> tuple[MarkMatrix, ThresholdRule, ThresholdResult]:
    """The threshold as the law counts it, the one definition the sweep's worklist and the
    attendance pages share: across schools, earlier ones included (`history`; WTISA national
    framework), only sessions of compulsory school age (`dates_of_birth`; EA96 s8, s444A), school
    weeks from the schools' calendars (`calendar`; ADR 0012), every occasion. `codes`: a
    profile's local choice of codes (default: the national ones). Returns the matrix counted
    (read dates from it: earlier schools may add columns), the rule and the result."""
    counted = with_history(matrix, history)
    rule = (
        ThresholdRule.for_codes(counted, as_of, codes)
        if codes is not None
        else ThresholdRule.national(counted, as_of)
    )
    age = dates_of_birth.school_age(counted) if dates_of_birth else None
    result = national_threshold(counted, as_of=as_of, rule=rule, school_age=age, calendar=calendar)
    return counted, rule, result


def session_label(matrix: MarkMatrix, column: int) -> str:
    return f"{matrix.column_date(column):%-d %B %Y} {matrix.column_session(column)}"


def find_triggers(
    matrix: MarkMatrix,
    *,
    as_of: dt.date,
    profile: PolicyProfile | None = None,
    history: MarkMatrix | None = None,
    dates_of_birth: DatesOfBirth | None = None,
    calendar: SchoolCalendar | None = None,
) -> list[TriggerHit]:
    """Every trigger met by every pupil up to as_of, for the sweep to turn into work. The
    thresholds also count `history`, the pupils' attendance at earlier schools, and report
    every occasion. With `dates_of_birth`, the threshold, the 10-day notification and Ground
    I count only sessions of compulsory school age (EA96 s8, s444A); `calendar` gives the
    schools' weeks (engine.threshold.school_calendar) when the matrix holds only some pupils."""
    columns = matrix.columns_between(None, as_of)
    if columns.stop == columns.start or matrix.n_pupils == 0:
        return []
    hits: list[TriggerHit] = []
    school = current_school(matrix, columns)
    law = statutory.on(as_of)

    def add(pupil: int, kind: str, met_on: dt.date, detail: str, provisional: bool = False) -> None:
        hits.append(TriggerHit(pupil, int(school[pupil]), kind, met_on, detail, provisional))

    if law.threshold is not None:
        # The threshold runs across schools, earlier ones included (WTISA national framework).
        rules: list[tuple[str, set[str] | None]] = [(NATIONAL_THRESHOLD, None)]
        local_codes = set(profile.threshold_codes) if profile else set(law.threshold.codes)
        if local_codes != set(law.threshold.codes):
            rules.append((LOCAL_THRESHOLD, local_codes))
        for kind, codes in rules:
            counted, rule, result = threshold_occasions(
                matrix,
                as_of=as_of,
                codes=codes,
                history=history,
                dates_of_birth=dates_of_birth,
                calendar=calendar,
            )
            label = (
                f"local threshold counting {', '.join(sorted(codes))} reached"
                if codes
                else "10 sessions of unauthorised absence within 10 school weeks"
            )
            occasions = result.occasions
            for k in range(len(occasions)):
                add(
                    int(occasions.pupil[k]),
                    kind,
                    counted.column_date(int(occasions.met_column[k])),
                    threshold_detail(counted, result, k, rule, label),
                    bool(occasions.provisional_sessions[k]),
                )
    registers = law.registers
    picture = daily_picture(matrix, columns)
    if registers is not None:
        # REG24 regs 9 and 13 concern pupils of compulsory school age: days outside it break
        # a run of absence.
        counted_picture = picture
        if dates_of_birth is not None:
            age = dates_of_birth.school_age(matrix)
            days = (picture.days - EPOCH).astype(np.int64)
            of_age = (age.first[:, None] <= days[None, :]) & (days[None, :] <= age.last[:, None])
            counted_picture = DailyPicture(
                picture.days, picture.held, picture.absent_all_day & of_age, picture.n_code
            )
        notify_days = registers.continuous_absence_notification.amount
        ground_i_days = registers.ground_i_deletion.continuous_absence.amount
        hit, start, run = continuous_absence(counted_picture, days=notify_days)
        tenth = nth_school_day(picture, start, notify_days)
        twentieth = nth_school_day(picture, start, ground_i_days)
        for pupil in np.flatnonzero(hit).tolist():
            first = picture.days[start[pupil]].astype(dt.date)
            reached = picture.days[tenth[pupil]].astype(dt.date)
            add(
                pupil,
                CONTINUOUS_ABSENCE,
                reached,
                f"absent without permission for {run[pupil]} consecutive school days since "
                f"{first:%-d %B %Y}, the {notify_days}th on {reached:%-d %B %Y}: tell the "
                "local authority",
            )
            if run[pupil] >= ground_i_days:
                reached = picture.days[twentieth[pupil]].astype(dt.date)
                add(
                    pupil,
                    GROUND_I,
                    reached,
                    f"{run[pupil]} consecutive school days coded only G, N or O since "
                    f"{first:%-d %B %Y}, the {ground_i_days}th on {reached:%-d %B %Y}: Ground I "
                    "may apply once joint enquiries with the LA have failed",
                )
        school_days = registers.n_code_correction.amount
        mark_day = counts_mark_day(profile)
        count, earliest = uncorrected_n(picture, school_days=school_days, counts_mark_day=mark_day)
        reading = "counting the day of the mark" if mark_day else "counting from the next day"
        for pupil in np.flatnonzero(count).tolist():
            day = picture.days[earliest[pupil]].astype(dt.date)
            add(
                pupil,
                UNCORRECTED_N,
                day,
                f"{count[pupil]} day(s) still coded N after the {school_days} school days "
                f"to replace it ({reading}), the oldest {day:%-d %B %Y}",
            )
    year_start = school_year_start(as_of)
    figures = pupil_figures(matrix, first=year_start, last=as_of)
    absence_pct = figures.absence_pct  # (a property that computes the whole array: once)
    for pupil in np.flatnonzero(figures.severe_absence).tolist():
        add(pupil, SEVERE, as_of, f"absence {absence_pct[pupil]:.1f}% this school year")
    for pupil in np.flatnonzero(figures.persistent_absence & ~figures.severe_absence).tolist():
        add(pupil, PERSISTENT, as_of, f"absence {absence_pct[pupil]:.1f}% this school year")
    if profile is not None:
        for trigger in profile.attendance_triggers:
            pct, possible, span = attendance_measure(matrix, trigger, as_of=as_of)
            below = (possible > 0) & (pct < trigger.below_pct)
            earlier_text = ""
            if trigger.falling_over_school_weeks:
                # Still declining: lower than it was that many school weeks earlier.
                before = school_weeks_back(matrix, as_of, trigger.falling_over_school_weeks)
                if before is None:
                    continue
                then, then_possible, _ = attendance_measure(matrix, trigger, as_of=before)
                below &= (then_possible > 0) & (pct < then)
                earlier_text = f" ({trigger.falling_over_school_weeks} school weeks earlier: "
            for pupil in np.flatnonzero(below).tolist():
                was = f"{earlier_text}{then[pupil]:.1f}%)" if earlier_text else ""
                add(
                    pupil,
                    f"attendance:{trigger.key}",
                    as_of,
                    f"{trigger.label}: attendance {pct[pupil]:.1f}% {span}{was}",
                )
        variant = profile.holiday_variant
        if variant is not None and variant.consecutive:
            g_hit, g_column = holiday_runs(matrix, columns, sessions=variant.sessions)
            for pupil in np.flatnonzero(g_hit).tolist():
                add(
                    pupil,
                    HOLIDAY,
                    matrix.column_date(int(g_column[pupil])),
                    f"{variant.sessions} consecutive sessions of unauthorised holiday (G)",
                )
    return hits
