"""Read long-format marks (school_urn,upn,date,session,code) from CSV or Parquet, check every
row, and build the engine's matrix. A sixth column, `date_of_birth`, is optional: where it is
given, the threshold and the statutory triggers count only sessions of compulsory school age
(EA96 s8, s444A; `read_dates_of_birth`).

Bad input stops everything: the error names the file, the line (CSV, counting the header as
line 1) or row (Parquet, counting from 1) and the reason, for every problem up to a limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from rollcall.engine.checking import (
    MAX_REPORTED,
    MarksInputError,
    Problem,
    Problems,
    checked_columns,
    dates,
    encode,
    marks_from_table,
)
from rollcall.engine.columns import (
    COLUMNS,
    DATE_OF_BIRTH,
    Doubtful,
    day_numbers,
    header_problem,
    int96_columns,
    text_entries,
    with_utc,
)
from rollcall.engine.csv_road import csv_header, read_csv_marks
from rollcall.engine.matrix import EPOCH, MarkMatrix
from rollcall.engine.parquet import read_parquet_marks
from rollcall.engine.placing import ProgressCallback
from rollcall.engine.school_age import DatesOfBirth

__all__ = [
    "MarksInputError",
    "Problem",
    "check_marks_file",
    "dates_of_birth_from_table",
    "marks_from_table",
    "read_dates_of_birth",
    "read_marks",
    "read_marks_header",
    "read_marks_table",
]


def read_marks_header(path: Path) -> list[str]:
    """The column names of a marks file; raises MarksInputError unless it is a .csv or
    .parquet file that can be read and has the columns of marks."""
    if not path.exists():
        raise MarksInputError([Problem(str(path), "no such file")])
    suffix = path.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise MarksInputError([Problem(path.name, "the marks file must be .csv or .parquet")])
    try:
        names = list(pq.read_schema(path).names) if suffix == ".parquet" else csv_header(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise MarksInputError([Problem(path.name, f"cannot be read: {exc}")]) from None
    _check_header(path.name, names)
    return names


def read_marks_table(path: Path) -> tuple[pa.Table, Callable[[int], str]]:
    """Read a marks file; returns the table and a function naming row i (0-based) for messages."""
    names = read_marks_header(path)
    name = path.name
    try:
        if path.suffix.lower() == ".parquet":
            wanted = [c for c in (*COLUMNS, DATE_OF_BIRTH) if c in names]
            table = pq.read_table(path, columns=wanted, read_dictionary=wanted)
            table = with_utc(table, int96_columns(pq.ParquetFile(path)))
            return table, lambda i: f"{name} row {i + 1}"
        return _read_csv(path, name)
    except (pa.ArrowInvalid, OSError) as exc:
        raise MarksInputError([Problem(name, f"cannot be read: {exc}")]) from None


def _read_csv(path: Path, name: str) -> tuple[pa.Table, Callable[[int], str]]:
    """Read a CSV keeping every line's number: blank lines are dropped but still counted,
    and a line with the wrong number of fields is reported with its number."""
    malformed: list[Problem] = []

    def on_malformed(row: pa_csv.InvalidRow) -> str:
        malformed.append(
            Problem(
                f"{name} line {row.number}",
                f"expected {row.expected_columns} fields ({','.join(COLUMNS)}), "
                f"found {row.actual_columns}",
            )
        )
        return "skip"

    table = pa_csv.read_csv(
        path,
        # One thread, so the parser can tell us the line number of a malformed row.
        read_options=pa_csv.ReadOptions(use_threads=False),
        parse_options=pa_csv.ParseOptions(
            invalid_row_handler=on_malformed, ignore_empty_lines=False
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types={c: pa.string() for c in (*COLUMNS, DATE_OF_BIRTH)},
            strings_can_be_null=False,
        ),
    )
    if malformed:
        raise MarksInputError(malformed[:MAX_REPORTED], len(malformed))
    # A blank line arrives as a row of empty fields; it is not a mark.
    blank = np.ones(table.num_rows, dtype=bool)
    for column in COLUMNS:
        blank &= pc.equal(table.column(column), "").to_numpy(zero_copy_only=False)
    line_of_row = np.flatnonzero(~blank) + 2  # the header is line 1
    if blank.any():
        table = table.filter(pa.array(~blank))
    return table, lambda i: f"{name} line {line_of_row[i]}"


def _check_header(name: str, found: list[str]) -> None:
    problem = header_problem(list(found))
    if problem:
        raise MarksInputError([Problem(f"{name} header", problem)])


BATCH_ROWS = 1 << 20  # Parquet rows checked at a time by check_marks_file
BLOCK_BYTES = 16 << 20  # and bytes of CSV


def _csv_batches(
    path: Path, *, use_threads: bool, on_malformed: Callable[[pa_csv.InvalidRow], str]
) -> pa_csv.CSVStreamingReader:
    """Every line of a CSV as a row of text fields, blank lines included (as empty fields)."""
    return pa_csv.open_csv(
        path,
        read_options=pa_csv.ReadOptions(use_threads=use_threads, block_size=BLOCK_BYTES),
        parse_options=pa_csv.ParseOptions(
            invalid_row_handler=on_malformed, ignore_empty_lines=False
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types={c: pa.string() for c in (*COLUMNS, DATE_OF_BIRTH)},
            strings_can_be_null=False,
        ),
    )


def _malformed_lines(path: Path) -> list[Problem]:
    """The lines of a CSV with the wrong number of fields (read on one thread, the only way
    the parser can say which lines they are)."""
    found: list[Problem] = []

    def on_malformed(row: pa_csv.InvalidRow) -> str:
        found.append(
            Problem(
                f"{path.name} line {row.number}",
                f"expected {row.expected_columns} fields ({','.join(COLUMNS)}), "
                f"found {row.actual_columns}",
            )
        )
        return "skip"

    for _ in _csv_batches(path, use_threads=False, on_malformed=on_malformed):
        pass
    return found


def _read_ahead(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The batches, the next one read (by Arrow, on every core) while this one is used."""
    source = iter(batches)
    with ThreadPoolExecutor(max_workers=1) as reader:
        pending = reader.submit(next, source, None)
        while (batch := pending.result()) is not None:
            pending = reader.submit(next, source, None)
            yield batch


def check_marks_file(path: Path) -> None:
    """Check every value of every row of a marks file, batch by batch over columns, in the
    memory of a batch; raises MarksInputError naming every bad row (the messages of
    marks_from_table). Two codes for one session are not looked for here: that needs every
    mark at once (marks_from_table)."""
    read_marks_header(path)
    name = path.name
    try:
        if path.suffix.lower() == ".parquet":
            parquet = pq.ParquetFile(path, read_dictionary=list(COLUMNS))
            in_utc = int96_columns(parquet)
            batches: Iterable[pa.RecordBatch] = (
                with_utc(batch, in_utc)
                for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=list(COLUMNS))
            )
            problems = Problems(lambda i: f"{name} row {i + 1}")
        else:
            malformed = 0

            def on_malformed(row: pa_csv.InvalidRow) -> str:
                nonlocal malformed
                malformed += 1
                return "skip"

            batches = _csv_batches(path, use_threads=True, on_malformed=on_malformed)
            problems = Problems(lambda i: f"{name} line {i + 2}")  # the header is line 1
        offset = 0
        for batch in _read_ahead(batches):
            rows_at = offset + np.arange(batch.num_rows)
            offset += batch.num_rows
            table = pa.Table.from_batches([batch])
            if path.suffix.lower() == ".csv":
                if malformed:
                    break
                blank = np.ones(table.num_rows, dtype=bool)
                for column in COLUMNS:
                    blank &= pc.equal(table.column(column), "").to_numpy(zero_copy_only=False)
                if blank.any():  # a blank line is not a mark, but it is counted
                    table, rows_at = table.filter(pa.array(~blank)), rows_at[~blank]
            checked_columns(table, problems, rows_at)
        if path.suffix.lower() == ".csv" and malformed:
            found = _malformed_lines(path)
            raise MarksInputError(found[:MAX_REPORTED], len(found))
    except (pa.ArrowInvalid, OSError) as exc:
        raise MarksInputError([Problem(name, f"cannot be read: {exc}")]) from None
    problems.raise_if_any()


def read_marks(path: Path, progress: ProgressCallback | None = None) -> MarkMatrix:
    """The matrix of a marks file (CSV or Parquet). A clean file takes its fast road. On any
    doubt every row's values are checked batch by batch (check_marks_file), naming every bad
    row; a file whose values are all good but that the fast road could not place (two codes
    for one session, dates years apart) is read whole by the careful road, marks_from_table.
    `progress` is told the rows placed so far and the rows expected, batch by batch."""
    suffix = path.suffix.lower()
    if path.exists() and suffix in (".parquet", ".csv"):
        road = read_parquet_marks if suffix == ".parquet" else read_csv_marks
        try:
            return road(path, progress)
        except (Doubtful, pa.ArrowException, OSError):
            pass  # the careful roads below name whatever is wrong
    check_marks_file(path)
    table, describe = read_marks_table(path)
    return marks_from_table(table, describe)


def _dates_of_birth_fast(path: Path) -> DatesOfBirth:
    """The dates of birth read batch by batch, on every core, each pupil's checked once per
    batch; raises Doubtful at the first sign of trouble."""
    columns = ["upn", DATE_OF_BIRTH]
    batches: Iterable[pa.RecordBatch]
    if path.suffix.lower() == ".parquet":
        parquet = pq.ParquetFile(path, read_dictionary=columns)
        in_utc = int96_columns(parquet)
        batches = (
            with_utc(batch, in_utc)
            for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=columns)
        )
    else:
        batches = pa_csv.open_csv(
            path,
            read_options=pa_csv.ReadOptions(use_threads=True, block_size=BLOCK_BYTES),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(columns, pa.string()),
                include_columns=columns,
                strings_can_be_null=False,
            ),
        )
    by_upn: dict[str, int] = {}
    for batch in _read_ahead(batches):
        upn = text_entries(batch.column("upn"))
        born = day_numbers(batch.column(DATE_OF_BIRTH))
        first = np.full(len(upn.values), np.iinfo(np.int64).min, dtype=np.int64)
        first[upn.index] = born
        if (born != first[upn.index]).any():
            raise Doubtful("a pupil with two dates of birth")
        for number in np.unique(upn.index).tolist():
            value, day = upn.values[number], int(first[number])
            if by_upn.setdefault(value, day) != day:
                raise Doubtful("a pupil with two dates of birth")
    return DatesOfBirth({v: (EPOCH + day).astype(object) for v, day in by_upn.items()})


def read_dates_of_birth(path: Path) -> DatesOfBirth | None:
    """The pupils' dates of birth from the optional `date_of_birth` column (None when the file
    has no such column). Each must be a real date, the same on every row of a pupil."""
    if DATE_OF_BIRTH not in read_marks_header(path):
        return None
    try:
        return _dates_of_birth_fast(path)
    except (Doubtful, pa.ArrowException, OSError):
        pass  # read again below, naming every bad row
    describe: Callable[[int], str]
    if path.suffix.lower() == ".parquet":
        table = pq.read_table(path, columns=["upn", DATE_OF_BIRTH])
        table = with_utc(table, int96_columns(pq.ParquetFile(path)))
        describe = lambda i: f"{path.name} row {i + 1}"  # noqa: E731
    else:
        table, describe = read_marks_table(path)
    return dates_of_birth_from_table(table, describe)


def dates_of_birth_from_table(table: pa.Table, describe: Callable[[int], str]) -> DatesOfBirth:
    """The dates of birth of a table's `upn` and `date_of_birth` columns, every row checked:
    each must be a real date, the same on every row of a pupil; raises MarksInputError naming
    each bad row (`describe` names row i, counting from 0)."""
    problems = Problems(describe)
    upn = encode(table.column("upn"))
    born, bad = dates(table.column(DATE_OF_BIRTH))
    problems.rows(bad, lambda r: "date_of_birth must be a real date in the form YYYY-MM-DD")
    problems.raise_if_any()
    first = np.full(len(upn.values), np.iinfo(np.int32).min, dtype=np.int64)
    # The date on the pupil's first row (numpy keeps the last of repeated writes); the rows
    # that disagree with it are named.
    first[upn.index[::-1]] = born[::-1]
    differs = born != first[upn.index]
    problems.rows(
        differs,
        lambda r: (
            f"{upn.values[upn.index[r]]} is given two dates of birth: "
            f"{(EPOCH + int(first[upn.index[r]])).astype(object)} and "
            f"{(EPOCH + int(born[r])).astype(object)}"
        ),
    )
    problems.raise_if_any()
    return DatesOfBirth(
        {value: (EPOCH + int(first[i])).astype(object) for i, value in enumerate(upn.values)}
    )
