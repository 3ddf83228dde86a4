"""Schools side by side, and groups of pupils (cohorts) against the whole authority.

The unit is the enrolment, as in DfE statistics (engine.cohorts): a pupil who moved school
counts once at each school.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import polars as pl

from rollcall import statutory
from rollcall.analytics.figures.school import Headline, headline
from rollcall.analytics.figures.threshold import threshold_met_since
from rollcall.engine import MarkMatrix
from rollcall.engine.cohorts import authority_totals, cohort_table, compare_with_authority
from rollcall.statutory.years import school_year_start


@dataclass(frozen=True)
class SchoolLine:
    urn: str
    figures: Headline
    threshold_met: int  # pupils on roll this year who have met the national threshold


def school_lines(
    enrolments: pl.DataFrame, *, urns: Collection[str], met_upns: Collection[str]
) -> list[SchoolLine]:
    """Figures for each of these schools this school year (`enrolments` from
    figures.school.year_enrolments, `met_upns` from threshold_met_upns)."""
    return [
        SchoolLine(urn, headline(here), met_count(here, met_upns))
        for urn in sorted(urns)
        for here in [enrolments.filter(pl.col("school_urn") == urn)]
    ]


def met_count(enrolments: pl.DataFrame, met_upns: Collection[str]) -> int:
    """Enrolments whose pupil has met the national threshold."""
    return enrolments.filter(pl.col("upn").is_in(list(met_upns))).height


def threshold_met_upns(matrix: MarkMatrix, *, as_of: dt.date) -> list[str]:
    """Pupils who have met the national threshold this school year, up to as_of."""
    if statutory.on(as_of).threshold is None or matrix.n_pupils == 0:
        return []
    met = threshold_met_since(matrix, as_of=as_of, since=school_year_start(as_of))
    return matrix.pupils[np.flatnonzero(met >= 0)].astype(str).tolist()


def at(enrolments: pl.DataFrame, urns: Collection[str]) -> pl.DataFrame:
    return enrolments.filter(pl.col("school_urn").is_in(list(urns)))


@dataclass(frozen=True)
class CohortFigures:
    table: pl.DataFrame  # one row per cohort: the characteristics, counts and rates
    authority: dict[str, float | int | None]


def cohort_figures(
    enrolments: pl.DataFrame,
    characteristics: pl.DataFrame,
    *,
    by: list[str],
    authority_enrolments: pl.DataFrame,
) -> CohortFigures:
    """Absence and persistent absence per cohort, and each cohort's difference from the
    authority as a whole."""
    totals = authority_totals(authority_enrolments)
    if enrolments.height == 0:
        return CohortFigures(pl.DataFrame(), totals)
    table = compare_with_authority(cohort_table(enrolments, characteristics, by), totals)
    return CohortFigures(table, totals)
