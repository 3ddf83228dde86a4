"""The whole authority's figures at the store's own date, worked out when the store is saved.

The LA dashboard, its schools CSV, the cohorts and a school's comparison with its LA need every
enrolment's figures for the school year, every pupil's national threshold and the published-
style flags: a pass over the whole matrix and the threshold for every pupil, seconds at a
local authority's scale. The store is saved by the background job (analytics.tasks), so the
figures for the date the pages open on (the last date with marks) are worked out then, by the
same functions, and kept beside the matrix in the same atomic save. A page about that date
adds them up; a page about another date works them out from the matrix as before (ADR 0021).
What the threshold needs beyond some pupils' rows (figures.threshold.SavedLaw) is kept too, for
every date: each school's held days and every pupil's earlier-school marks, so a page about
one pupil or one school counts their threshold without reading every row of their schools or
every earlier-school mark in the database.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from rollcall import statutory
from rollcall.analytics.characteristics import characteristics_frame
from rollcall.analytics.figures.authority import threshold_met_upns
from rollcall.analytics.figures.school import year_enrolments
from rollcall.analytics.figures.threshold import LawInputs, SavedLaw
from rollcall.engine import MarkMatrix
from rollcall.engine.dfe_comparable import (
    DfEComparable,
    dfe_comparable,
    dfe_comparable_per_enrolment,
    statistics_year_start,
)
from rollcall.engine.matrix import pupils_in, submatrix
from rollcall.engine.school_age import DatesOfBirth
from rollcall.engine.store import matrix_read, matrix_write
from rollcall.engine.threshold import ThresholdRule, school_held_days
from rollcall.organisations.models import School

FOLDER = "prepared"
# 2: the pupils' characteristics for the cohort page; 3: the schools' held days; 4: the earlier
# schools' marks and held days
VERSION = 4


@dataclass(frozen=True)
class Prepared:
    as_of: dt.date
    enrolments: pl.DataFrame  # figures.school.year_enrolments at as_of
    threshold_met: frozenset[str]  # figures.authority.threshold_met_upns at as_of
    dfe_counted: np.ndarray  # per matrix row: engine.dfe_comparable_per_enrolment at as_of
    dfe_persistent: np.ndarray
    dfe_severe: np.ndarray
    # analytics.characteristics.characteristics_frame of every school, at as_of: the pupils'
    # characteristics as recorded when the store was saved.
    characteristics: pl.DataFrame


def prepared_write(matrix: MarkMatrix, directory: Path, *, law: LawInputs) -> None:
    """Work out the figures at the matrix's last date and write them into `directory` (the
    store's folder before it is moved into place)."""
    as_of = matrix.last_date()
    if as_of is None:
        return
    folder = directory / FOLDER
    folder.mkdir()
    year_enrolments(matrix, as_of=as_of).write_parquet(folder / "enrolments.parquet")
    met = threshold_met_upns(matrix, as_of=as_of, law=law)
    counted, persistent, severe = dfe_comparable_per_enrolment(
        matrix, as_of=as_of, dates_of_birth=law.dates_of_birth
    )
    np.save(folder / "dfe_counted.npy", counted)
    np.save(folder / "dfe_persistent.npy", persistent)
    np.save(folder / "dfe_severe.npy", severe)
    characteristics_frame(
        school_ids=list(School.objects.values_list("pk", flat=True)), on=as_of
    ).write_parquet(folder / "characteristics.parquet")
    if statutory.on(as_of).threshold is not None:
        _saved_law_write(matrix, folder, law=law, rule=ThresholdRule.national(matrix, as_of))
    meta = {"version": VERSION, "as_of": as_of.isoformat(), "threshold_met": sorted(met)}
    (folder / "meta.json").write_text(json.dumps(meta))


def _saved_law_write(
    matrix: MarkMatrix, folder: Path, *, law: LawInputs, rule: ThresholdRule
) -> None:
    np.save(folder / "held_days.npy", school_held_days(matrix, rule=rule))
    np.save(folder / "held_codes.npy", rule.school_week_session)
    history = law.history
    if history is None or not history.n_rows:
        return
    # In UPN order (history_matrix's pupils are sorted): a page finds a pupil by binary search.
    assert history.n_pupils < 2 or bool((history.pupils[:-1] < history.pupils[1:]).all())
    ours = np.flatnonzero(pupils_in(history.pupils, matrix.pupils)[history.row_pupil])
    np.save(folder / "earlier_held.npy", school_held_days(submatrix(history, ours), rule=rule))
    (folder / "history").mkdir()
    matrix_write(history, folder / "history")


def saved_law_read(directory: Path) -> SavedLaw | None:
    """What the threshold needs, saved with the store (memory-mapped), or None if it is not
    there (a store saved before rollcall kept it, or before the national framework)."""
    folder = directory / FOLDER
    try:
        meta = json.loads((folder / "meta.json").read_text())
        if meta.get("version") != VERSION:
            return None
        held = np.load(folder / "held_days.npy", mmap_mode="r")
        codes = np.load(folder / "held_codes.npy")
    except FileNotFoundError:
        return None
    history, earlier_held = None, np.zeros((0, 0), dtype=bool)
    if (folder / "history").exists():
        history = matrix_read(folder / "history")
        earlier_held = np.load(folder / "earlier_held.npy", mmap_mode="r")
    return SavedLaw(held, codes, history, earlier_held)


def prepared_read(directory: Path) -> Prepared | None:
    folder = directory / FOLDER
    try:
        meta = json.loads((folder / "meta.json").read_text())
    except FileNotFoundError:
        return None
    if meta.get("version") != VERSION:
        return None
    return Prepared(
        as_of=dt.date.fromisoformat(meta["as_of"]),
        enrolments=pl.read_parquet(folder / "enrolments.parquet", memory_map=True),
        threshold_met=frozenset(meta["threshold_met"]),
        dfe_counted=np.load(folder / "dfe_counted.npy", mmap_mode="r"),
        dfe_persistent=np.load(folder / "dfe_persistent.npy", mmap_mode="r"),
        dfe_severe=np.load(folder / "dfe_severe.npy", mmap_mode="r"),
        characteristics=pl.read_parquet(folder / "characteristics.parquet", memory_map=True),
    )


class YearFigures:
    """The whole-authority figures a page asks for: those prepared with the store when the
    page is about the store's own date, otherwise worked out from the matrix. Either way the
    same functions did the working, so the figures are the same (tests hold them together)."""

    def __init__(
        self, matrix: MarkMatrix, prepared: Prepared | None, saved: SavedLaw | None = None
    ) -> None:
        self.matrix = matrix
        self.prepared = prepared
        self.saved = saved  # what the threshold needs, saved with the store (figures.threshold)

    def _ready(self, as_of: dt.date) -> Prepared | None:
        prepared = self.prepared
        return prepared if prepared is not None and prepared.as_of == as_of else None

    def enrolments(self, as_of: dt.date) -> pl.DataFrame:
        """figures.school.year_enrolments."""
        prepared = self._ready(as_of)
        if prepared is not None:
            return prepared.enrolments
        return year_enrolments(self.matrix, as_of=as_of)

    def characteristics(
        self, as_of: dt.date, *, urns: Collection[str], read: Callable[[], pl.DataFrame]
    ) -> pl.DataFrame:
        """The pupils' characteristics at these schools (analytics.characteristics): those
        prepared with the store at its date, otherwise `read` from the database."""
        prepared = self._ready(as_of)
        if prepared is not None:
            return prepared.characteristics.filter(pl.col("school_urn").is_in(list(urns)))
        return read()

    def threshold_met(self, as_of: dt.date, law: Callable[[], LawInputs]) -> set[str]:
        """figures.authority.threshold_met_upns, for every pupil."""
        prepared = self._ready(as_of)
        if prepared is not None:
            return set(prepared.threshold_met)
        return set(threshold_met_upns(self.matrix, as_of=as_of, law=law(), saved=self.saved))

    def dfe_by_school(
        self, as_of: dt.date, born: Callable[[], DatesOfBirth]
    ) -> dict[str, DfEComparable]:
        """engine.dfe_comparable.dfe_comparable_by_school."""
        counted, persistent, severe = self._dfe_rows(as_of, born)
        year_from = statistics_year_start(as_of)
        urns = self.matrix.schools.astype(str).tolist()
        # Every school's counted rows in one sort, rather than a pass over the LA per school.
        rows = np.flatnonzero(counted)
        school_of = np.asarray(self.matrix.row_school)[rows]
        by_school = np.split(
            rows[np.argsort(school_of, kind="stable")],
            np.cumsum(np.bincount(school_of, minlength=len(urns)))[:-1],
        )
        found = {}
        for urn, here in zip(urns, by_school, strict=True):
            found[urn] = DfEComparable(
                int(here.size),
                int(persistent[here].sum()),
                int(severe[here].sum()),
                here,
                year_from,
            )
        return found

    def dfe_at(
        self, as_of: dt.date, born: Callable[[], DatesOfBirth], *, urns: Collection[str]
    ) -> DfEComparable:
        """figures.authority.dfe_comparable_at: these schools' enrolments together."""
        wanted = np.isin(self.matrix.schools.astype(str), list(urns))
        rows = np.flatnonzero(wanted[self.matrix.row_school])
        prepared = self._ready(as_of)
        if prepared is None:
            return dfe_comparable(self.matrix, as_of=as_of, dates_of_birth=born(), rows=rows)
        chosen = rows[prepared.dfe_counted[rows]]
        return DfEComparable(
            enrolments=int(chosen.size),
            persistent=int(prepared.dfe_persistent[chosen].sum()),
            severe=int(prepared.dfe_severe[chosen].sum()),
            rows=chosen,
            year_from=statistics_year_start(as_of),
        )

    def _dfe_rows(
        self, as_of: dt.date, born: Callable[[], DatesOfBirth]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        prepared = self._ready(as_of)
        if prepared is not None:
            return (
                np.asarray(prepared.dfe_counted),
                np.asarray(prepared.dfe_persistent),
                np.asarray(prepared.dfe_severe),
            )
        return dfe_comparable_per_enrolment(self.matrix, as_of=as_of, dates_of_birth=born())
