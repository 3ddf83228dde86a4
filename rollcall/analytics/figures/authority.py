"""Schools side by side, and groups of pupils (cohorts) against the whole authority.

The unit is the enrolment, as in DfE statistics (engine.cohorts): a pupil who moved school
counts once at each school.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from rollcall.analytics.figures.school import Headline, headline, headline_of
from rollcall.analytics.figures.threshold import (
    LawInputs,
    SavedLaw,
    group_threshold,
    occasions_from,
)
from rollcall.engine import MarkMatrix
from rollcall.engine.cohorts import (
    authority_totals,
    cohort_table,
    compare_with_authority,
    totals_by,
)
from rollcall.engine.dfe_comparable import DfEComparable, dfe_comparable
from rollcall.engine.school_age import DatesOfBirth
from rollcall.statutory.years import school_year_start


@dataclass(frozen=True)
class SchoolLine:
    urn: str
    figures: Headline
    threshold_met: int  # pupils on roll this year who have met the national threshold
    dfe: DfEComparable | None = None  # the published-style figures (engine.dfe_comparable)


def school_lines(
    enrolments: pl.DataFrame,
    *,
    urns: Collection[str],
    met_upns: Collection[str],
    dfe: Mapping[str, DfEComparable] | None = None,
) -> list[SchoolLine]:
    """Figures for each of these schools this school year (`enrolments` from
    figures.school.year_enrolments, `met_upns` from threshold_met_upns, `dfe` from
    engine.dfe_comparable.dfe_comparable_by_school): each school's headline and met_count,
    worked out for every school in one pass."""
    wanted = sorted(urns)
    here = enrolments.filter(pl.col("school_urn").is_in(wanted))
    met = pl.col("upn").is_in(list(met_upns)).sum().alias("met")
    grouped = totals_by(here, ["school_urn"], met)
    by_urn = {row["school_urn"]: row for row in grouped.iter_rows(named=True)}
    return [
        SchoolLine(urn, headline_of(row), int(row["met"]), (dfe or {}).get(urn))
        if (row := by_urn.get(urn)) is not None
        else SchoolLine(urn, headline(here.clear()), 0, (dfe or {}).get(urn))
        for urn in wanted
    ]


def dfe_comparable_at(
    matrix: MarkMatrix, *, as_of: dt.date, dates_of_birth: DatesOfBirth, urns: Collection[str]
) -> DfEComparable:
    """The published-style figures over the enrolments at these schools together."""
    wanted = np.isin(matrix.schools.astype(str), list(urns))
    rows = np.flatnonzero(wanted[matrix.row_school])
    return dfe_comparable(matrix, as_of=as_of, dates_of_birth=dates_of_birth, rows=rows)


def met_count(enrolments: pl.DataFrame, met_upns: Collection[str]) -> int:
    """Enrolments whose pupil has met the national threshold."""
    return enrolments.filter(pl.col("upn").is_in(list(met_upns))).height


def threshold_met_upns(
    matrix: MarkMatrix, *, as_of: dt.date, law: LawInputs, saved: SavedLaw | None = None
) -> list[str]:
    """Pupils who have met the national threshold this school year, up to as_of, counted as
    the sweep counts it (figures.threshold.group_threshold)."""
    found = group_threshold(matrix, np.arange(matrix.n_pupils), as_of=as_of, law=law, saved=saved)
    if found is None:
        return []
    occasions = found.result.occasions
    met = occasions.pupil[occasions_from(found, school_year_start(as_of))]
    return found.counted.pupils[np.unique(met)].astype(str).tolist()


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
