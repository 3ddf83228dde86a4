"""Figures for groups of pupils: by school, trust, year group, sex, SEN, FSM, EAL, looked-after
and child-in-need status, and their combinations, compared with the whole authority.

The unit is the enrolment (a pupil at a school), as in DfE statistics: a pupil who moved school
counts once at each school. Persistent-absence rate = persistent-absence enrolments ÷
enrolments; overall absence rate = absent sessions ÷ possible sessions (DFE-STATS).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from rollcall.engine.figures import enrolment_figures
from rollcall.engine.matrix import MarkMatrix

CHARACTERISTICS = (
    "school_urn",
    "trust",
    "year_group",
    "sex",
    "sen_provision",
    "free_school_meals",
    "english_additional_language",
    "looked_after",
    "child_in_need",
)


def enrolment_frame(
    matrix: MarkMatrix, *, first: dt.date | None = None, last: dt.date | None = None
) -> pl.DataFrame:
    """One row per enrolment with its session counts and flags."""
    figures = enrolment_figures(matrix, first=first, last=last)
    return pl.DataFrame(
        {
            "upn": matrix.pupils[matrix.row_pupil].astype(str),
            "school_urn": matrix.schools[matrix.row_school].astype(str),
            "possible": figures.possible,
            "attended": figures.present + figures.aea,
            "authorised": figures.authorised,
            "unauthorised": figures.unauthorised,
            "persistent": figures.persistent_absence,
            "severe": figures.severe_absence,
        }
    ).filter(pl.col("possible") > 0)


def cohort_table(enrolments: pl.DataFrame, pupils: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Aggregate enrolment figures by the given characteristics.

    `pupils` has one row per upn (and school_urn, if a characteristic differs by school, such
    as trust) with the characteristic columns. Rates are percentages to 2 decimal places.
    """
    unknown = [name for name in by if name not in CHARACTERISTICS]
    if unknown:
        raise ValueError(f"unknown characteristic(s): {', '.join(unknown)}")
    keys = ["upn", "school_urn"] if "school_urn" in pupils.columns else ["upn"]
    joined = enrolments.join(pupils, on=keys, how="left")
    return totals_by(joined, by).sort(by or "cohort")


def totals_by(enrolments: pl.DataFrame, by: list[str], *extra: pl.Expr) -> pl.DataFrame:
    """authority_totals for each group of enrolments with the same `by` columns (one group,
    "cohort", when `by` is empty), in one pass; `extra` adds aggregates of the caller's."""
    grouped = enrolments.group_by(by or pl.lit("all").alias("cohort")).agg(
        pl.len().alias("enrolments"),
        pl.col("possible").sum(),
        pl.col("attended").sum(),
        pl.col("authorised").sum(),
        pl.col("unauthorised").sum(),
        pl.col("persistent").sum().alias("persistent_enrolments"),
        pl.col("severe").sum().alias("severe_enrolments"),
        *extra,
    )
    return _with_rates(grouped)


def _with_rates(frame: pl.DataFrame) -> pl.DataFrame:
    def pct(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
        return pl.when(denominator > 0).then((100 * numerator / denominator).round(2))

    return frame.with_columns(
        pct(pl.col("authorised") + pl.col("unauthorised"), pl.col("possible")).alias("absence_pct"),
        pct(pl.col("authorised"), pl.col("possible")).alias("authorised_pct"),
        pct(pl.col("unauthorised"), pl.col("possible")).alias("unauthorised_pct"),
        pct(pl.col("persistent_enrolments"), pl.col("enrolments")).alias("persistent_pct"),
        pct(pl.col("severe_enrolments"), pl.col("enrolments")).alias("severe_pct"),
    )


def authority_totals(enrolments: pl.DataFrame) -> dict[str, float | int | None]:
    """The same figures for every enrolment together: the line each cohort is compared with."""
    total = enrolments.select(
        pl.len().alias("enrolments"),
        pl.col("possible").sum(),
        pl.col("attended").sum(),
        pl.col("authorised").sum(),
        pl.col("unauthorised").sum(),
        pl.col("persistent").sum().alias("persistent_enrolments"),
        pl.col("severe").sum().alias("severe_enrolments"),
    )
    return _with_rates(total).row(0, named=True)


def compare_with_authority(
    cohorts: pl.DataFrame, totals: dict[str, float | int | None]
) -> pl.DataFrame:
    """Add each cohort's difference from the authority, in percentage points."""
    return cohorts.with_columns(
        (pl.col("absence_pct") - (totals["absence_pct"] or np.nan))
        .round(2)
        .alias("absence_pct_vs_authority"),
        (pl.col("persistent_pct") - (totals["persistent_pct"] or np.nan))
        .round(2)
        .alias("persistent_pct_vs_authority"),
    )
