"""One record per pupil: the figures `rollcall analyse` writes (issue: attendance engine)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from rollcall import statutory
from rollcall.engine.figures import pupil_figures
from rollcall.engine.history import with_history
from rollcall.engine.matrix import MarkMatrix
from rollcall.engine.school_age import DatesOfBirth
from rollcall.engine.threshold import ThresholdResult, national_threshold

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
) -> pl.DataFrame:
    """Figures for every pupil. Session counts cover first..last (default: everything up to
    as_of); threshold fields consider every mark up to as_of (default: the last date), and
    also the pupils' attendance at earlier schools (`history`), which no other field counts.

    The threshold counts only sessions of compulsory school age (EA96 s8, s444A) for pupils
    whose date of birth is in `dates_of_birth`; `school_age_checked` says for whom. Every
    occasion is listed in `threshold_occasion_sessions` (first and last session, "?" where
    provisional: met only through N marks still to be replaced); the `threshold_met_*`
    fields give the first."""
    # With no marks and no as-of date there is no threshold to look for (and no date to
    # invent: the engine never takes today's date itself).
    as_of = as_of or matrix.last_date()
    if as_of is not None:
        last = min(last, as_of) if last else as_of
    figures = pupil_figures(matrix, first=first, last=last)
    n = matrix.n_pupils
    met_on = pl.Series("threshold_met_on", [None] * n, dtype=pl.Date)
    met_session = pl.Series("threshold_met_session", [None] * n, dtype=pl.String)
    in_window = np.zeros(n, dtype=np.int64)
    occasions = np.zeros(n, dtype=np.int64)
    provisional = np.zeros(n, dtype=bool)
    spans = pl.Series("threshold_occasion_sessions", [None] * n, dtype=pl.String)
    checked = np.zeros(n, dtype=bool)
    if dates_of_birth is not None:
        checked = dates_of_birth.school_age(matrix).known
    if as_of is not None and n and statutory.on(as_of).threshold is not None:
        counted = with_history(matrix, history)
        age = dates_of_birth.school_age(counted) if dates_of_birth else None
        result = national_threshold(counted, as_of=as_of, school_age=age)
        occasions = np.bincount(result.occasions.pupil, minlength=n)[:n]
        provisional = result.provisional()
        spans = _occasion_spans(counted, result)
        in_window = result.sessions_in_window
        met = result.met()
        column = np.where(met, result.met_column, 0)
        met_on = pl.Series("threshold_met_on", counted.days[column // 2]).cast(pl.Date)
        met_on = met_on.zip_with(pl.Series(met), pl.Series([None] * n, dtype=pl.Date))
        met_session = pl.Series("threshold_met_session", np.where(column % 2, "PM", "AM"))
        met_session = met_session.zip_with(pl.Series(met), pl.Series([None] * n, dtype=pl.String))
    frame = pl.DataFrame(
        {
            "upn": matrix.pupils.astype(str),
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
            "threshold_met_on": met_on,
            "threshold_met_session": met_session,
            "threshold_sessions_in_window": in_window,
            "threshold_occasions": occasions,
            "threshold_provisional": provisional,
            "threshold_occasion_sessions": spans,
            "school_age_checked": checked,
            "late_before_close_sessions": figures.late_before_close,
            "late_after_close_sessions": figures.late_after_close,
        },
        nan_to_null=True,
    )
    return frame.sort("upn")


def _occasion_spans(matrix: MarkMatrix, result: ThresholdResult) -> pl.Series:
    """Per pupil: every occasion as "first AM to last PM", "; " between, "?" after a
    provisional one (null for a pupil who never met it). Built over columns, not per occasion:
    an authority's year has tens of thousands of occasions."""
    occasions = result.occasions
    n = matrix.n_pupils
    if not len(occasions):
        return pl.Series("threshold_occasion_sessions", [None] * n, dtype=pl.String)

    def session(columns: np.ndarray) -> pl.Expr:
        days = pl.Series(matrix.days[columns // 2]).cast(pl.Date).dt.strftime("%Y-%m-%d")
        return pl.lit(days) + pl.lit(pl.Series(np.where(columns % 2, " PM", " AM")))

    frame = pl.DataFrame(
        {"pupil": occasions.pupil, "provisional": occasions.provisional_sessions > 0}
    ).with_columns(
        text=session(occasions.first_column)
        + " to "
        + session(occasions.met_column)
        + pl.when(pl.col("provisional")).then(pl.lit("?")).otherwise(pl.lit(""))
    )
    joined = frame.group_by("pupil", maintain_order=True).agg(pl.col("text").str.join("; "))
    spans = np.full(n, None, dtype=object)
    spans[joined["pupil"].to_numpy()] = joined["text"].to_numpy()
    return pl.Series("threshold_occasion_sessions", spans.tolist(), dtype=pl.String)
