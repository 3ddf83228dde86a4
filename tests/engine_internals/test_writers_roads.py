"""Marks files as analysts' tools write them (Polars, pandas, DuckDB, Arrow; CSV from a
spreadsheet or a script) take the fast roads into the matrix. Each must build exactly what the
careful road builds from the same marks, cell by cell, and a file with bad rows must still be
refused with every bad row named."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rollcall.engine import MarkMatrix, MarksInputError, analyse, read_marks
from rollcall.engine.csv_road import read_csv_marks
from rollcall.engine.parquet import read_parquet_marks
from rollcall.engine.reading import marks_from_table, read_dates_of_birth, read_marks_table
from tests.engine_internals.helpers import Row, random_marks

COLUMNS = ["school_urn", "upn", "date", "session", "code"]
LONDON = zoneinfo.ZoneInfo("Europe/London")


def _careful(path: Path) -> MarkMatrix:
    table, describe = read_marks_table(path)
    return marks_from_table(table, describe)


def _reference(tmp_path: Path, rows: list[Row]) -> MarkMatrix:
    """The careful road's matrix of the marks, from the plainest file: text and dates."""
    path = tmp_path / "reference.parquet"
    pq.write_table(_arrow(rows), path)
    return _careful(path)


def _same(found: MarkMatrix, expected: MarkMatrix) -> None:
    assert list(found.pupils) == list(expected.pupils)
    assert list(found.schools) == list(expected.schools)
    assert np.array_equal(found.days, expected.days)
    assert np.array_equal(found.row_pupil, expected.row_pupil)
    assert np.array_equal(found.row_school, expected.row_school)
    assert np.array_equal(found.ids, expected.ids)


def _arrow(rows: list[Row]) -> pa.Table:
    columns = list(zip(*rows, strict=True))
    return pa.table(
        {
            "school_urn": pa.array(columns[0], pa.string()),
            "upn": pa.array(columns[1], pa.string()),
            "date": pa.array(columns[2], pa.date32()),
            "session": pa.array(columns[3], pa.string()),
            "code": pa.array(columns[4], pa.string()),
        }
    )


def _polars(rows: list[Row]) -> pl.DataFrame:
    return pl.from_arrow(_arrow(rows))  # type: ignore[return-value]


# --- Parquet, writer by writer ----------------------------------------------------------------


def _polars_typed(rows: list[Row], path: Path) -> None:
    """As the issue's analysts' file: URN int32, UPN as Polars strings, categoricals."""
    _polars(rows).with_columns(
        pl.col("school_urn").cast(pl.Int32),
        pl.col("session").cast(pl.Categorical),
        pl.col("code").cast(pl.Categorical),
    ).write_parquet(path, row_group_size=97)


def _polars_datetimes(rows: list[Row], path: Path) -> None:
    _polars(rows).with_columns(
        pl.col("school_urn").cast(pl.Int64),
        pl.col("upn").cast(pl.Categorical),
        pl.col("date").cast(pl.Datetime("ms")),
    ).write_parquet(path, row_group_size=101)


def _pandas_typed(rows: list[Row], path: Path) -> None:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["school_urn"] = frame["school_urn"].astype("int64")
    frame["date"] = pd.to_datetime(frame["date"])  # datetime64[ns], naive
    frame["session"] = frame["session"].astype("category")
    # A categorical with a category no row uses, sorted as pandas sorts them.
    frame["code"] = pd.Categorical(frame["code"], categories=[*sorted(set(frame["code"])), "ZZ"])
    frame.to_parquet(path, row_group_size=89)


def _pandas_strings(rows: list[Row], path: Path) -> None:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["date"] = [day.isoformat() for day in frame["date"]]  # dates as ISO text
    frame.index = frame.index * 2  # a non-default index is written as a column of its own
    frame.to_parquet(path)


def _duckdb(rows: list[Row], path: Path, date_type: str = "DATE") -> None:
    connection = duckdb.connect()
    connection.register("marks", _arrow(rows))
    connection.sql(
        "COPY (SELECT CAST(school_urn AS INTEGER) AS school_urn, upn, "
        f"CAST(date AS {date_type}) AS date, session, code FROM marks) "
        f"TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 113)"
    )


def _arrow_flavour(change: Callable[[pa.Table], pa.Table], **write: object):
    def write_file(rows: list[Row], path: Path) -> None:
        pq.write_table(change(_arrow(rows)), path, row_group_size=71, **write)  # type: ignore[arg-type]

    return write_file


def _cast(**types: pa.DataType) -> Callable[[pa.Table], pa.Table]:
    def change(table: pa.Table) -> pa.Table:
        for name, kind in types.items():
            at = table.schema.get_field_index(name)
            column = table.column(name)
            if pa.types.is_dictionary(kind):
                column = column.cast(kind.value_type).dictionary_encode()
            else:
                column = column.cast(kind)
            table = table.set_column(at, name, column)
        return table

    return change


WRITERS: dict[str, Callable[[list[Row], Path], None]] = {
    "polars: URN int32, categoricals": _polars_typed,
    "polars: URN int64, UPN categorical, datetimes": _polars_datetimes,
    "pandas: URN int64, categories, datetime64[ns]": _pandas_typed,
    "pandas: text dates, an index column": _pandas_strings,
    "duckdb: INTEGER, VARCHAR, DATE": _duckdb,
    "duckdb: TIMESTAMP": lambda rows, path: _duckdb(rows, path, "TIMESTAMP"),
    "arrow: large_string": _arrow_flavour(_cast(upn=pa.large_string(), code=pa.large_string())),
    "arrow: string_view": _arrow_flavour(_cast(upn=pa.string_view(), session=pa.string_view())),
    "arrow: dictionaries": _arrow_flavour(
        _cast(
            upn=pa.dictionary(pa.int32(), pa.string()),
            school_urn=pa.dictionary(pa.int16(), pa.string()),
            code=pa.dictionary(pa.int8(), pa.large_string()),
        )
    ),
    "arrow: plain encoding": _arrow_flavour(lambda t: t, use_dictionary=False),
    "arrow: URN uint32, date64": _arrow_flavour(_cast(school_urn=pa.uint32(), date=pa.date64())),
    "arrow: timestamp[s], large_string dates": _arrow_flavour(
        _cast(date=pa.timestamp("s"), session=pa.large_string())
    ),
    "arrow: text dates": _arrow_flavour(_cast(date=pa.string())),
    "arrow: columns in another order": _arrow_flavour(
        lambda t: t.select(["code", "date", "upn", "session", "school_urn"])
    ),
}


@pytest.mark.parametrize("writer", list(WRITERS))
@pytest.mark.parametrize("seed", [1, 2, 7])
def test_parquet_from_every_writer_takes_the_fast_road_to_the_careful_roads_matrix(
    tmp_path, writer, seed
):
    rows = random_marks(seed)
    path = tmp_path / "marks.parquet"
    WRITERS[writer](rows, path)
    expected = _reference(tmp_path, rows)
    _same(read_parquet_marks(path), expected)  # the fast road, not a fallback
    _same(_careful(path), expected)
    _same(read_marks(path), expected)


def test_the_figures_from_a_polars_file_are_those_of_rollcalls_own(tmp_path):
    rows = random_marks(3)
    path = tmp_path / "polars.parquet"
    _polars_typed(rows, path)
    assert analyse(read_marks(path)).equals(analyse(_reference(tmp_path, rows)))


# --- time zones -------------------------------------------------------------------------------


def _stamps_near_midnight(rows: list[Row], zone: str) -> list[dt.datetime]:
    """Each mark's date as an instant a few minutes either side of London's midnight, given
    in `zone`: in summer (BST) 23:50 UTC the evening before is already the day in London."""
    stamps = []
    for number, (_, _, day, _, _) in enumerate(rows):
        minutes = (5, 50, 23 * 60 + 55)[number % 3]  # 00:05, 00:50 and 23:55, London time
        london = dt.datetime.combine(day, dt.time(), LONDON) + dt.timedelta(minutes=minutes)
        stamps.append(london.astimezone(zoneinfo.ZoneInfo(zone)))
    return stamps


@pytest.mark.parametrize("zone", ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata"])
@pytest.mark.parametrize("unit", ["us", "ns"])
def test_a_timestamp_with_a_time_zone_lands_on_its_london_date(tmp_path, zone, unit):
    rows = random_marks(5)  # days from June (BST) to October 2024 (GMT from 27 October)
    rows += [("100001", rows[0][1], dt.date(2024, 10, 27), "AM", "/")]  # the day BST ends
    rows += [("100001", rows[0][1], dt.date(2024, 3, 31), "AM", "/")]  # the day BST begins
    stamps = _stamps_near_midnight(rows, zone)
    # Near midnight the UTC date differs from London's for some of these marks.
    assert any(s.astimezone(dt.UTC).date() != r[2] for s, r in zip(stamps, rows, strict=True))
    table = _arrow(rows).set_column(2, "date", pa.array(stamps, pa.timestamp(unit, tz=zone)))
    path = tmp_path / "stamped.parquet"
    pq.write_table(table, path, row_group_size=53)
    expected = _reference(tmp_path, rows)
    _same(read_parquet_marks(path), expected)
    _same(_careful(path), expected)


def test_an_int96_timestamp_as_spark_writes_it_is_a_utc_instant_on_its_london_date(tmp_path):
    rows = random_marks(5)
    stamps = _stamps_near_midnight(rows, "UTC")
    table = _arrow(rows).set_column(2, "date", pa.array(stamps, pa.timestamp("us", tz="UTC")))
    path = tmp_path / "spark.parquet"
    # Spark's default: INT96, with no Arrow schema to say the values are UTC.
    pq.write_table(table, path, use_deprecated_int96_timestamps=True, store_schema=False)
    assert pq.read_schema(path).field("date").type == pa.timestamp("ns")  # read without a zone
    expected = _reference(tmp_path, rows)
    _same(read_parquet_marks(path), expected)
    _same(_careful(path), expected)


def test_a_naive_timestamp_is_read_as_a_london_date_whatever_its_time(tmp_path):
    rows = random_marks(6)
    late = [dt.datetime.combine(r[2], dt.time(23, 59, 59)) for r in rows]
    path = tmp_path / "naive.parquet"
    pq.write_table(_arrow(rows).set_column(2, "date", pa.array(late, pa.timestamp("ms"))), path)
    expected = _reference(tmp_path, rows)
    _same(read_parquet_marks(path), expected)
    _same(_careful(path), expected)


# --- CSV --------------------------------------------------------------------------------------


def _csv_text(
    rows: list[Row],
    *,
    order: list[int] | None = None,
    quote: bool = False,
    newline: str = "\n",
    bom: bool = False,
) -> str:
    order = order or list(range(5))
    fields = [[COLUMNS[i] for i in order]]
    fields += [[str(row[i]) for i in order] for row in rows]
    wrap = (lambda v: f'"{v}"') if quote else (lambda v: v)
    text = newline.join(",".join(wrap(v) for v in line) for line in fields) + newline
    return ("\ufeff" if bom else "") + text


CSV_FLAVOURS = {
    "plain": {},
    "quoted": {"quote": True},
    "Windows line endings": {"newline": "\r\n"},
    "byte-order mark, quoted, CRLF": {"bom": True, "quote": True, "newline": "\r\n"},
    "columns shuffled": {"order": [3, 1, 4, 0, 2]},
    "byte-order mark, shuffled": {"bom": True, "order": [2, 0, 1, 4, 3]},
}


@pytest.mark.parametrize("flavour", list(CSV_FLAVOURS))
@pytest.mark.parametrize("seed", [1, 4, 9])
def test_csv_files_take_the_fast_road_to_the_careful_roads_matrix(tmp_path, flavour, seed):
    rows = random_marks(seed)
    path = tmp_path / "marks.csv"
    path.write_bytes(_csv_text(rows, **CSV_FLAVOURS[flavour]).encode())  # type: ignore[arg-type]
    expected = _reference(tmp_path, rows)
    _same(read_csv_marks(path), expected)
    _same(_careful(path), expected)
    _same(read_marks(path), expected)


@pytest.mark.parametrize("writer", ["polars", "pandas", "pandas with its index", "duckdb"])
def test_csv_files_written_by_the_analysts_tools_take_the_fast_road(tmp_path, writer):
    rows = random_marks(8)
    path = tmp_path / "marks.csv"
    if writer == "polars":
        _polars(rows).write_csv(path)
    elif writer == "pandas":
        pd.DataFrame(rows, columns=COLUMNS).to_csv(path, index=False)
    elif writer == "pandas with its index":
        pd.DataFrame(rows, columns=COLUMNS).to_csv(path)  # a first column without a name
    else:
        connection = duckdb.connect()
        connection.register("marks", _arrow(rows))
        connection.sql(f"COPY marks TO '{path}' (HEADER, DELIMITER ',')")
    expected = _reference(tmp_path, rows)
    _same(read_csv_marks(path), expected)
    _same(_careful(path), expected)
    _same(read_marks(path), expected)


def test_a_big_csv_is_read_block_by_block_with_progress(tmp_path, monkeypatch):
    monkeypatch.setattr("rollcall.engine.csv_road.BLOCK_BYTES", 4096)
    rows = random_marks(11) * 1  # one file, many blocks
    path = tmp_path / "marks.csv"
    path.write_text(_csv_text(rows))
    told: list[tuple[int, int]] = []
    matrix = read_marks(path, progress=lambda done, total: told.append((done, total)))
    _same(matrix, _reference(tmp_path, rows))
    assert len(told) > 3
    assert told[-1][0] == len(rows)
    assert all(done <= total for done, total in told)


# --- dates of birth ---------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["csv", "date", "timestamp", "text"])
def test_dates_of_birth_are_read_from_any_form_of_the_column(tmp_path, form):
    rows = random_marks(2)
    upns = sorted({r[1] for r in rows})
    born = {upn: dt.date(2012, 9, 1) + dt.timedelta(days=37 * n) for n, upn in enumerate(upns)}
    births = [born[r[1]] for r in rows]
    if form == "csv":
        path = tmp_path / "marks.csv"
        lines = ["date_of_birth,school_urn,upn,date,session,code"]
        lines += [f"{b},{','.join(map(str, r))}" for r, b in zip(rows, births, strict=True)]
        path.write_text("\n".join(lines) + "\n")
    else:
        kind = {"date": pa.date32(), "timestamp": pa.timestamp("us"), "text": pa.string()}[form]
        values: list = births
        if form == "text":
            values = [b.isoformat() for b in births]
        elif form == "timestamp":
            values = [dt.datetime.combine(b, dt.time(8)) for b in births]
        path = tmp_path / "marks.parquet"
        pq.write_table(_arrow(rows).append_column("date_of_birth", pa.array(values, kind)), path)
    _same(read_marks(path), _reference(tmp_path, rows))
    found = read_dates_of_birth(path)
    assert found is not None
    assert dict(found.by_upn) == born


# --- bad rows ---------------------------------------------------------------------------------

BAD = {
    3: (lambda r: (r[0], "A12345678901B", *r[2:]), "check letter"),
    10: (lambda r: ("12345", *r[1:]), "school_urn must be six digits"),
    17: (lambda r: (*r[:3], "EVENING", r[4]), "session must be AM or PM"),
    24: (lambda r: (*r[:4], "ZZ"), "'ZZ' is not an attendance code"),
    31: (lambda r: (*r[:2], "2025-02-30", *r[3:]), "date must be a real date"),
    38: (lambda r: (*r[:2], "6/1/2025", *r[3:]), "date must be a real date"),
    45: (lambda r: (*r[:2], dt.date(2025, 1, 6), r[3], "Y"), "not an attendance code in force"),
    52: (lambda r: (r[0], r[1].lower(), *r[2:]), "must be written in capitals"),
}


def _with_bad_rows(rows: list[Row]) -> list[tuple]:
    bad = list(rows)
    for at, (change, _) in BAD.items():
        bad[at] = change(bad[at])
    return bad


@pytest.fixture
def small_batches(monkeypatch):
    """Files of a few hundred rows checked in several batches, as a large file is."""
    monkeypatch.setattr("rollcall.engine.reading.BATCH_ROWS", 16)
    monkeypatch.setattr("rollcall.engine.reading.BLOCK_BYTES", 512)
    monkeypatch.setattr("rollcall.engine.csv_road.BLOCK_BYTES", 512)


def test_every_bad_line_of_a_csv_is_named(tmp_path, small_batches):
    rows = _with_bad_rows(random_marks(3))
    path = tmp_path / "marks.csv"
    path.write_bytes(_csv_text(rows, bom=True, newline="\r\n", order=[4, 3, 2, 1, 0]).encode())
    with pytest.raises(MarksInputError) as caught:
        read_marks(path)
    message = str(caught.value)
    assert caught.value.total == len(BAD)
    for at, (_, reason) in BAD.items():
        assert f"marks.csv line {at + 2}: " in message  # the header is line 1
        assert reason in message


def test_every_bad_row_of_a_polars_file_is_named(tmp_path, small_batches):
    rows = _with_bad_rows(random_marks(3))
    rows = [(*r[:2], str(r[2]), *r[3:]) for r in rows]  # dates as text, the bad ones too
    frame = pl.DataFrame(rows, schema=COLUMNS, orient="row").with_columns(
        pl.col("school_urn").cast(pl.Int32),
        pl.col("session").cast(pl.Categorical),
        pl.col("code").cast(pl.Categorical),
    )
    path = tmp_path / "marks.parquet"
    frame.write_parquet(path, row_group_size=20)
    with pytest.raises(MarksInputError) as caught:
        read_marks(path)
    message = str(caught.value)
    assert caught.value.total == len(BAD)
    for at, (_, reason) in BAD.items():
        assert f"marks.parquet row {at + 1}: " in message
        assert reason in message


def test_a_csv_line_with_too_many_fields_is_named_by_its_line(tmp_path, small_batches):
    rows = random_marks(4)
    lines = _csv_text(rows).splitlines()
    lines[7] += ",extra"
    lines[len(lines) - 5] += ",extra"
    path = tmp_path / "marks.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(MarksInputError) as caught:
        read_marks(path)
    assert "marks.csv line 8: expected 5 fields" in str(caught.value)
    assert f"marks.csv line {len(lines) - 4}: expected 5 fields" in str(caught.value)


def test_blank_lines_are_counted_but_are_not_marks(tmp_path, small_batches):
    rows = _with_bad_rows(random_marks(3))
    lines = _csv_text(rows).splitlines()
    for at in (40, 20, 5):  # blank lines before some of the bad ones
        lines.insert(at, "")
    path = tmp_path / "marks.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(MarksInputError) as caught:
        read_marks(path)
    assert caught.value.total == len(BAD)
    for at in BAD:
        line = at + 2 + sum(1 for blank in (5, 20, 40) if blank <= at + 1)
        assert f"marks.csv line {line}: " in str(caught.value)

    clean = _csv_text(random_marks(3)).splitlines()
    clean.insert(30, "")
    path.write_text("\n".join(clean) + "\n")
    _same(read_csv_marks(path), _reference(tmp_path, random_marks(3)))


def test_a_bad_or_second_date_of_birth_is_named_wherever_it_is(tmp_path, small_batches):
    rows = random_marks(2)
    lines = ["school_urn,upn,date,session,code,date_of_birth"]
    lines += [f"{','.join(map(str, r))},2015-03-01" for r in rows]
    first_upn = rows[0][1]
    last_of_first = max(i for i, r in enumerate(rows) if r[1] == first_upn)
    lines[last_of_first + 1] = lines[last_of_first + 1].replace("2015-03-01", "2015-03-02")
    lines[3] = lines[3].replace("2015-03-01", "2015-02-30")
    path = tmp_path / "marks.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(MarksInputError) as caught:
        read_dates_of_birth(path)
    assert "marks.csv line 4: date_of_birth must be a real date" in str(caught.value)

    lines[3] = lines[3].replace("2015-02-30", "2015-03-01")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(MarksInputError) as caught:
        read_dates_of_birth(path)
    assert (
        f"marks.csv line {last_of_first + 2}: {first_upn} is given two dates of birth: "
        "2015-03-01 and 2015-03-02" in str(caught.value)
    )


@pytest.mark.parametrize(
    "written",
    [
        "2025-1-6",
        "2025-01-06T00:00",
        "2025-01-06 00:00:00",
        "20250106",
        "2025/01/06",
        "06/01/2025",
        "\u0662\u0660\u0662\u0665-\u0660\u0661-\u0660\u0666",  # 2025-01-06 in Arabic-Indic digits
        "2025-02-29",
        "2025-13-01",
        " 2025-01-06",
    ],
)
def test_a_csv_date_not_written_yyyy_mm_dd_is_refused_by_both_roads(tmp_path, written):
    rows: list[tuple] = list(random_marks(4))
    rows[5] = (*rows[5][:2], written, *rows[5][3:])
    path = tmp_path / "marks.csv"
    path.write_text(_csv_text(rows), encoding="utf-8")
    with pytest.raises(MarksInputError) as caught:
        read_marks(path)
    assert "marks.csv line 7: date must be a real date in the form YYYY-MM-DD" in str(caught.value)


def test_a_csv_header_with_spaces_around_a_name_is_refused_as_a_header(tmp_path):
    path = tmp_path / "marks.csv"
    path.write_text(_csv_text(random_marks(1)).replace("school_urn,upn", "school_urn, upn", 1))
    with pytest.raises(MarksInputError) as caught:
        read_marks(path)
    assert "marks.csv header: the columns must be school_urn,upn,date,session,code" in str(
        caught.value
    )
