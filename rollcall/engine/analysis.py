"""One record per pupil: the figures `rollcall analyse` writes (issue: attendance engine)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pyarrow as pa

from rollcall import statutory
from rollcall.engine.figures import pupil_figures
from rollcall.engine.history import with_history
from rollcall.engine.matrix import MarkMatrix
from rollcall.engine.school_age import DatesOfBirth
from rollcall.engine.threshold import SchoolCalendar, ThresholdResult, national_threshold

FIELDS = (
    "upn",
    "possible_sessions",
    "present_sessions",
    "aea_sessions",
    "authorised_sessions",
    "unauthorised_sessions",
    "not_counted_sessions",
    "attendance_pct",
    "absence_pct",
    "persistent_absence",
    "severe_absence",
    "threshold_met_on",
    "threshold_met_session",
    "threshold_sessions_in_window",
    "late_before_close_sessions",
    "late_after_close_sessions",
    "threshold_occasions",
    "threshold_provisional",
    "threshold_occasion_sessions",
    "school_age_checked",
)


# The order of the frame's columns (FIELDS lists the late marks before the newer fields).
COLUMNS = (
    *(f for f in FIELDS if not f.startswith("late_")),
    "late_before_close_sessions",
    "late_after_close_sessions",
)


def _round2(values: np.ndarray) -> np.ndarray:
    # Round half away from zero at 2 dp, as people do (numpy rounds half to even).
    return np.sign(values) * np.floor(np.abs(values) * 100 + 0.5) / 100


def analyse(
    matrix: MarkMatrix,
    *,
    as_of: dt.date | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
    history: MarkMatrix | None = None,
    dates_of_birth: DatesOfBirth | None = None,
    calendar: SchoolCalendar | None = None,
) -> pl.DataFrame:
    """Figures for every pupil. Session counts cover first..last (default: everything up to
    as_of); threshold fields consider every mark up to as_of (default: the last date), and
    also the pupils' attendance at earlier schools (`history`), which no other field counts.

    The threshold counts only sessions of compulsory school age (EA96 s8, s444A) for pupils
    whose date of birth is in `dates_of_birth`; `school_age_checked` says for whom. Every
    occasion is listed in `threshold_occasion_sessions` (first and last session, "?" where
    provisional: met only through N marks still to be replaced); the `threshold_met_*`
    fields give the first.

    `calendar` adds the weeks each school held a session known beyond this matrix's pupils
    (ADR 0012): a share of an authority's pupils (engine.spark) still sees whole calendars."""
    # With no marks and no as-of date there is no threshold to look for (and no date to
    # invent: the engine never takes today's date itself).
    as_of = as_of or matrix.last_date()
    if as_of is not None:
        last = min(last, as_of) if last else as_of
    figures = pupil_figures(matrix, first=first, last=last)
    n = matrix.n_pupils
    met_column = np.full(n, -1, dtype=np.int64)
    in_window = np.zeros(n, dtype=np.int64)
    occasions = np.zeros(n, dtype=np.int64)
    provisional = np.zeros(n, dtype=bool)
    spans = pl.repeat(None, n, dtype=pl.String, eager=True)
    checked = np.zeros(n, dtype=bool)
    days = matrix.days
    if dates_of_birth is not None:
        checked = dates_of_birth.school_age(matrix).known
    if as_of is not None and n and statutory.on(as_of).threshold is not None:
        counted = with_history(matrix, history)
        age = dates_of_birth.school_age(counted) if dates_of_birth else None
        result = national_threshold(counted, as_of=as_of, school_age=age, calendar=calendar)
        occasions = np.bincount(result.occasions.pupil, minlength=n)[:n]
        provisional = result.provisional()
        spans = _occasion_spans(counted, result)
        in_window = result.sessions_in_window
        met_column = result.met_column
        days = counted.days
    met = pl.col("threshold_met_column")
    pupils = matrix.pupils if matrix.pupils.dtype.kind == "U" else matrix.pupils.astype(str)
    frame = pl.DataFrame(
        {
            "upn": _text(pupils),
            "possible_sessions": figures.possible,
            "present_sessions": figures.present,
            "aea_sessions": figures.aea,
            "authorised_sessions": figures.authorised,
            "unauthorised_sessions": figures.unauthorised,
            "not_counted_sessions": figures.not_counted,
            "attendance_pct": _round2(figures.attendance_pct),
            "absence_pct": _round2(figures.absence_pct),
            "persistent_absence": figures.persistent_absence,
            "severe_absence": figures.severe_absence,
            "threshold_met_column": met_column,
            "threshold_sessions_in_window": in_window,
            "threshold_occasions": occasions,
            "threshold_provisional": provisional,
            "threshold_occasion_sessions": spans,
            "school_age_checked": checked,
            "late_before_close_sessions": figures.late_before_close,
            "late_after_close_sessions": figures.late_after_close,
        },
        nan_to_null=True,
    ).with_columns(
        threshold_met_on=pl.when(met >= 0).then(
            pl.lit(pl.Series(days, dtype=pl.Date)).gather(met.clip(0) // 2)
        ),
        threshold_met_session=pl.when(met >= 0).then(
            pl.when(met % 2 == 1).then(pl.lit("PM")).otherwise(pl.lit("AM"))
        ),
    )
    order = _upn_order(pupils)
    frame = frame[order] if order is not None else frame.sort("upn")
    return frame.select(COLUMNS)


def _text(values: np.ndarray) -> pl.Series:
    """Text as a polars column. Fixed-width ASCII numpy text (the store's UPNs) is handed to
    Arrow as buffers, without a Python string for each value."""
    if values.dtype.kind == "U" and values.size and values.ndim == 1:
        width = values.dtype.itemsize // 4
        chars = np.ascontiguousarray(values).view(np.uint32).reshape(values.size, width)
        if width and (chars[:, -1] != 0).all() and (chars < 128).all():
            offsets = np.arange(0, width * (values.size + 1), width, dtype=np.int32)
            data = chars.astype(np.uint8)
            array = pa.Array.from_buffers(
                pa.string(), values.size, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
            )
            return pl.Series(pl.from_arrow(array))
    return pl.Series(values.astype(str))


def _upn_order(pupils: np.ndarray) -> np.ndarray | None:
    """The pupils' positions in UPN order, from a number that sorts as the UPN does (a
    letter, eleven digits, a digit or letter: statutory.upn), or None when the UPNs are not
    all of that form (then the frame is sorted by its text)."""
    if pupils.dtype.kind != "U" or pupils.dtype.itemsize != 4 * 13 or pupils.ndim != 1:
        return None
    chars = np.ascontiguousarray(pupils).view(np.uint32).reshape(pupils.size, 13)
    digits = chars[:, 1:12].astype(np.int64) - ord("0")
    if ((digits < 0) | (digits > 9)).any() or (chars[:, [0, 12]] >= 128).any():
        return None
    key = chars[:, 0].astype(np.int64)
    for column in range(11):
        key = key * 10 + digits[:, column]
    return np.argsort(key * 128 + chars[:, 12], kind="stable")


def _occasion_spans(matrix: MarkMatrix, result: ThresholdResult) -> pl.Series:
    """Per pupil: every occasion as "first AM to last PM", "; " between, "?" after a
    provisional one (null for a pupil who never met it). Built over columns, not per occasion:
    an authority's year has tens of thousands of occasions."""
    occasions = result.occasions
    n = matrix.n_pupils
    spans = pl.repeat(None, n, dtype=pl.String, eager=True).alias("threshold_occasion_sessions")
    if not len(occasions):
        return spans
    # A label for each session of the matrix, then each occasion's by its columns.
    dates = np.datetime_as_string(matrix.days, unit="D")
    labels = pl.Series(np.char.add(np.repeat(dates, 2), np.tile([" AM", " PM"], len(dates))))
    frame = pl.DataFrame(
        {
            "pupil": occasions.pupil,
            "first": occasions.first_column,
            "met": occasions.met_column,
            "provisional": occasions.provisional_sessions > 0,
        }
    ).select(
        "pupil",
        text=pl.lit(labels).gather("first")
        + " to "
        + pl.lit(labels).gather("met")
        + pl.when("provisional").then(pl.lit("?")).otherwise(pl.lit("")),
    )
    joined = frame.group_by("pupil", maintain_order=True).agg(pl.col("text").str.join("; "))
    return spans.scatter(joined["pupil"].to_numpy(), joined["text"])
