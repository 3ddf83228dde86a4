"""Parquet marks files take a fast road into the matrix; it must build exactly what the careful
road (which checks and names every row) builds, and leave every doubtful file to it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rollcall.demo.files import SCHEMA  # the long-format marks file's columns and types
from rollcall.engine import MarkMatrix, MarksInputError, analyse, read_marks
from rollcall.engine.parquet import Doubtful, read_parquet_marks
from rollcall.engine.reading import marks_from_table, read_marks_table
from tests.engine_internals.helpers import random_marks


def _write(path: Path, rows, *, row_group_size: int = 64, schema: pa.Schema = SCHEMA) -> Path:
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in range(5)]
    table = pa.table(
        {
            name: pa.array(values, type=field.type)
            for (name, field), values in zip(((f.name, f) for f in schema), columns, strict=True)
        },
        schema=schema,
    )
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


def _careful(path: Path) -> MarkMatrix:
    table, describe = read_marks_table(path)
    return marks_from_table(table, describe)


def _same(fast: MarkMatrix, careful: MarkMatrix) -> None:
    assert list(fast.pupils) == list(careful.pupils)
    assert list(fast.schools) == list(careful.schools)
    assert np.array_equal(fast.days, careful.days)
    assert np.array_equal(fast.row_pupil, careful.row_pupil)
    assert np.array_equal(fast.row_school, careful.row_school)
    assert np.array_equal(fast.ids, careful.ids)


@pytest.mark.parametrize("seed", range(12))
def test_the_fast_road_builds_the_matrix_the_careful_road_builds(tmp_path, seed):
    path = _write(tmp_path / "marks.parquet", random_marks(seed), row_group_size=37 + seed)
    fast = read_parquet_marks(path)
    _same(fast, _careful(path))
    assert fast.n_rows > fast.n_pupils or seed % 3  # some files have dual registration
    # And the figures people read agree.
    assert analyse(fast).equals(analyse(_careful(path)))


@pytest.mark.parametrize("seed", range(6))
def test_a_file_sorted_by_date_builds_the_same_matrix_without_a_grid_of_every_pair(
    tmp_path, seed, monkeypatch
):
    # A national file sorted by date brings hundreds of thousands of pupils at thousands of
    # schools in each row group: the fast road then finds the pairs by sorting, not in a grid.
    monkeypatch.setattr("rollcall.engine.placing.DENSE_PAIRS", 0)
    monkeypatch.setattr("rollcall.engine.placing.DENSE_PER_ROW", 0)
    rows = sorted(random_marks(seed), key=lambda row: (row[2], row[3], row[1]))
    path = _write(tmp_path / "by-date.parquet", rows, row_group_size=41 + seed)
    fast = read_parquet_marks(path)
    _same(fast, _careful(path))
    assert analyse(fast).equals(analyse(_careful(path)))


def _rows_with(change) -> list[tuple[str, str, dt.date, str, str]]:
    rows = random_marks(3)
    rows[len(rows) // 2] = change(rows[len(rows) // 2])
    return rows


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda r: (r[0], "A12345678901B", *r[2:]), "check letter"),
        (lambda r: ("12345", *r[1:]), "school_urn must be six digits"),
        (lambda r: (*r[:3], "EVENING", r[4]), "session must be AM or PM"),
        (lambda r: (*r[:4], "ZZ"), "'ZZ' is not an attendance code"),
        (lambda r: (*r[:2], dt.date(2025, 1, 6), r[3], "Y"), "not an attendance code in force"),
    ],
)
def test_a_bad_row_in_a_parquet_file_is_still_named(tmp_path, change, reason):
    rows = _rows_with(change)
    path = _write(tmp_path / "marks.parquet", rows)
    with pytest.raises(Doubtful):
        read_parquet_marks(path)
    with pytest.raises(MarksInputError) as caught:
        read_marks(path)
    assert f"marks.parquet row {len(rows) // 2 + 1}: " in str(caught.value)
    assert reason in str(caught.value)


def test_two_codes_for_one_session_are_named_and_the_same_mark_twice_is_kept_once(tmp_path):
    rows = random_marks(4)
    twice = [*rows, rows[0]]
    path = _write(tmp_path / "twice.parquet", twice)
    _same(read_marks(path), _careful(_write(tmp_path / "once.parquet", rows)))

    school, upn, day, session, code = rows[0]
    other = "/" if code != "/" else "\\"
    clash = [*rows, (school, upn, day, session, other)]
    path = _write(tmp_path / "clash.parquet", clash)
    with pytest.raises(MarksInputError) as caught:
        read_marks(path)
    assert f"{upn} is given different codes for {day} {session} at school {school}" in str(
        caught.value
    )


def test_dates_written_as_text_take_the_fast_road_and_empty_files_the_careful_road(tmp_path):
    rows = random_marks(5)
    text_schema = SCHEMA.set(2, pa.field("date", pa.string()))
    as_text = [(r[0], r[1], r[2].isoformat(), r[3], r[4]) for r in rows]
    path = _write(tmp_path / "text.parquet", as_text, schema=text_schema)
    _same(read_parquet_marks(path), _careful(_write(tmp_path / "dates.parquet", rows)))
    _same(_careful(path), _careful(tmp_path / "dates.parquet"))

    empty = _write(tmp_path / "empty.parquet", [])
    assert read_marks(empty).n_pupils == 0


def test_a_mistyped_year_takes_the_careful_road(tmp_path):
    rows = random_marks(6)
    school, upn, _, session, _ = rows[0]
    rows.append((school, upn, dt.date(2204, 9, 3), session, "/"))
    path = _write(tmp_path / "marks.parquet", rows)
    with pytest.raises(Doubtful):
        read_parquet_marks(path)
    matrix = read_marks(path)
    assert matrix.last_date() == dt.date(2204, 9, 3)
    assert matrix.ids.shape[1] < 2 * 400  # only the days with marks
