"""Persistent and severe absence as DfE publishes them, beside rollcall's monitoring figures.

DfE's statistics (DFE-STATS: Pupil absence in schools in England, methodology) count:
- per enrolment: a pupil who moved school counts once at each school;
- only pupils aged 5 to 15 at the start of the academic year, i.e. on its 31 August
  (compulsory school age as the statistics approximate it);
- over the academic year from 1 August;
- persistent absence at 10 % or more of the enrolment's possible sessions, severe at 50 %.

Not applied here (left for a later change): removing the second half of the summer term for
pupils aged 15, and leaving out enrolments that start in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from rollcall.engine.figures import enrolment_figures
from rollcall.engine.matrix import MarkMatrix
from rollcall.engine.school_age import DatesOfBirth

DEFINITION = (
    "DfE-comparable: enrolments of pupils aged 5 to 15 on 31 August at the start of the year, "
    "over the academic year from 1 August; persistent absence is 10% or more of possible "
    "sessions missed, severe 50% or more (DfE pupil absence statistics methodology)"
)
YOUNGEST, OLDEST = 5, 15


@dataclass(frozen=True)
class DfEComparable:
    enrolments: int
    persistent: int
    severe: int
    rows: np.ndarray  # the matrix rows counted
    year_from: dt.date
    definition: str = DEFINITION

    @property
    def persistent_pct(self) -> float | None:
        return 100.0 * self.persistent / self.enrolments if self.enrolments else None

    @property
    def severe_pct(self) -> float | None:
        return 100.0 * self.severe / self.enrolments if self.enrolments else None


def statistics_year_start(on: dt.date) -> dt.date:
    """1 August starting the academic year that contains `on` (DfE statistics)."""
    return dt.date(on.year if on.month >= 8 else on.year - 1, 8, 1)


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


def dfe_comparable(
    matrix: MarkMatrix,
    *,
    as_of: dt.date,
    dates_of_birth: DatesOfBirth,
    rows: np.ndarray | None = None,
) -> DfEComparable:
    """The published-style figures over `rows` (default: every row) from 1 August to as_of.
    A pupil whose date of birth is not known is left out, as DfE cannot place them either."""
    counted, persistent, severe, year_from = _counted(matrix, as_of, dates_of_birth)
    chosen = np.arange(matrix.n_rows) if rows is None else np.asarray(rows, dtype=np.int64)
    chosen = chosen[counted[chosen]]
    return DfEComparable(
        enrolments=int(chosen.size),
        persistent=int(persistent[chosen].sum()),
        severe=int(severe[chosen].sum()),
        rows=chosen,
        year_from=year_from,
    )


def dfe_comparable_by_school(
    matrix: MarkMatrix, *, as_of: dt.date, dates_of_birth: DatesOfBirth
) -> dict[str, DfEComparable]:
    """dfe_comparable for each school (by URN), the figures worked out once."""
    counted, persistent, severe, year_from = _counted(matrix, as_of, dates_of_birth)
    found = {}
    for school, urn in enumerate(matrix.schools.astype(str).tolist()):
        rows = np.flatnonzero(counted & (matrix.row_school == school))
        found[urn] = DfEComparable(
            int(rows.size),
            int(persistent[rows].sum()),
            int(severe[rows].sum()),
            rows,
            year_from,
        )
    return found


def dfe_comparable_per_enrolment(
    matrix: MarkMatrix, *, as_of: dt.date, dates_of_birth: DatesOfBirth
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row (an enrolment): counted in the published-style figures, and if so whether
    persistently and severely absent over the academic year from 1 August to as_of."""
    counted, persistent, severe, _ = _counted(matrix, as_of, dates_of_birth)
    return counted, persistent & counted, severe & counted


def _counted(
    matrix: MarkMatrix, as_of: dt.date, dates_of_birth: DatesOfBirth
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dt.date]:
    """Per row: counted (aged 5 to 15, possible sessions), persistent, severe; the year start."""
    year_from = statistics_year_start(as_of)
    census_day = dt.date(year_from.year, 8, 31)  # the start of the academic year
    figures = enrolment_figures(matrix, first=year_from, last=as_of)
    in_age = np.zeros(matrix.n_pupils, dtype=bool)
    for pupil, upn in enumerate(matrix.pupils.astype(str).tolist()):
        born = dates_of_birth.by_upn.get(upn)
        in_age[pupil] = born is not None and YOUNGEST <= age_on(born, census_day) <= OLDEST
    counted = in_age[matrix.row_pupil] & (figures.possible > 0)
    return counted, figures.persistent_absence, figures.severe_absence, year_from
