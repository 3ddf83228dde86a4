"""The columns of a long-format marks file as any common writer types them, read one way.

Analysts' files come from pandas, Polars, DuckDB, Spark, Arrow or a spreadsheet's CSV, each
with its own column types. Both roads into the matrix (the fast one in placing.py, the careful
one in reading.py) take each column through this module, so they agree on what every type
means:

- school_urn: text, or an integer (written out in digits, as text would be);
- upn, session, code: text of any Arrow kind (string, large_string, string_view), plain or
  dictionary-encoded (pandas and Polars categoricals);
- date and date_of_birth: a date, a timestamp or ISO text (YYYY-MM-DD). A timestamp with a time
  zone is converted to Europe/London before its date is taken (a mark made at 23:30 GMT on a
  summer's evening is the next day's in London); a naive timestamp is read as a local date,
  except one stored as INT96 (Spark's default), which is a UTC instant.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from rollcall.engine.kernels import SHORT_TABLE, encode_short

COLUMNS = ("school_urn", "upn", "date", "session", "code")
DATE_OF_BIRTH = "date_of_birth"
LONDON = "Europe/London"
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Doubtful(Exception):
    """The file needs the careful road (checking.marks_from_table) to say what is wrong."""


def ignored_column(name: str) -> bool:
    """Columns a writer adds of its own accord: pandas keeps a non-default index in Parquet
    as __index_level_0__, and writes its index to a CSV as a first column without a name."""
    return name == "" or name.startswith("__index_level_")


def header_problem(found: list[str]) -> str | None:
    """Why these column names are not a marks file's (any order), or None when they are."""
    names = [name for name in found if not ignored_column(name)]
    if sorted(names) in (sorted(COLUMNS), sorted([*COLUMNS, DATE_OF_BIRTH])):
        return None
    return (
        f"the columns must be {','.join(COLUMNS)} (in any order, and optionally "
        f"{DATE_OF_BIRTH}), found {','.join(found)}"
    )


def is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or kind == pa.string_view()


def is_temporal(kind: pa.DataType) -> bool:
    return pa.types.is_date(kind) or pa.types.is_timestamp(kind)


def as_dates(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A date, date64 or timestamp column as date32: a timestamp with a time zone is first
    converted to London time; a naive one is taken as London time already."""
    kind = column.type
    if pa.types.is_date32(kind):
        return column
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        # Arrow takes a zoned timestamp's date in its own zone: make that zone London's.
        column = column.cast(pa.timestamp(kind.unit, LONDON))
    return pc.cast(column, pa.date32())


def int96_columns(parquet: pq.ParquetFile) -> list[str]:
    """The columns a Parquet file stores as INT96 timestamps (Spark's default, and Impala's and
    Hive's): instants in UTC, which Arrow reads without their time zone."""
    schema = parquet.schema
    return [
        schema.column(i).name
        for i in range(len(schema))
        if schema.column(i).physical_type == "INT96"
    ]


Columns = TypeVar("Columns", pa.Table, pa.RecordBatch)


def with_utc(columns: Columns, names: list[str]) -> Columns:
    """The named (INT96) timestamp columns marked as the UTC instants they are."""
    for name in names:
        at = columns.schema.get_field_index(name)
        kind = columns.schema.field(name).type if at >= 0 else None
        if kind is not None and pa.types.is_timestamp(kind) and kind.tz is None:
            utc = columns.column(name).cast(pa.timestamp(kind.unit, "UTC"))
            columns = columns.set_column(at, name, utc)
    return columns


def text_date(value: str | None) -> int | None:
    """Days since 1970-01-01 of a date written YYYY-MM-DD, or None if it is not a real one."""
    if value is None or not ISO_DATE.fullmatch(value):
        return None
    try:
        return (dt.date.fromisoformat(value) - dt.date(1970, 1, 1)).days
    except ValueError:
        return None


@dataclass(frozen=True)
class Entries:
    """One text column of a batch: its distinct values (some perhaps unused, as a categorical's
    categories may be) and, per row, the number of its value."""

    values: list[str]
    index: np.ndarray  # int32 per row
    # True when every value is used, numbered in the order the rows first use them.
    in_order: bool = False


def _dictionary(column: pa.Array) -> pa.DictionaryArray:
    if column.null_count:
        raise Doubtful("a null")
    if pa.types.is_dictionary(column.type):
        return column
    if column.type == pa.string_view():
        column = column.cast(pa.string())
    return pc.dictionary_encode(column)


def _encoded(column: pa.Array) -> Entries:
    """Entries of a column, hashed by Arrow if it is not dictionary-encoded already (Arrow
    numbers values in the order the rows first use them)."""
    in_order = not pa.types.is_dictionary(column.type)
    encoded = _dictionary(column)
    return Entries(
        encoded.dictionary.cast(pa.string()).to_pylist(), _index(encoded), in_order=in_order
    )


def _index(column: pa.DictionaryArray) -> np.ndarray:
    return column.indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)


def short_entries(column: pa.Array) -> Entries | None:
    """A plain string column of short values (URNs, sessions, codes) numbered by one compiled
    pass (kernels.encode_short); None when its values are not all short and few."""
    if column.type != pa.string() or column.null_count or len(column) == 0:
        return None
    _, offsets_buffer, data_buffer = column.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[
        column.offset : column.offset + len(column) + 1
    ]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer else np.zeros(0, np.uint8)
    packed = np.zeros(SHORT_TABLE // 2, dtype=np.uint64)
    index = np.empty(len(column), dtype=np.int32)
    found = encode_short(offsets, data, packed, index)
    if found < 0:
        return None
    values = []
    for key in packed[:found].tolist():
        length = (key >> 56) - 1
        values.append((key & ((1 << 56) - 1)).to_bytes(7, "little")[:length].decode("utf-8"))
    return Entries(values, index, in_order=True)


def text_entries(column: pa.Array) -> Entries:
    """A text column (any string kind, plain or dictionary-encoded) as entries."""
    kind = column.type.value_type if pa.types.is_dictionary(column.type) else column.type
    if not is_text(kind):
        raise Doubtful("a text column is not text")
    short = short_entries(column)
    if short is not None:
        return short
    return _encoded(column)


def urn_entries(column: pa.Array) -> Entries:
    """School URNs written as text or as integers (six digits either way)."""
    kind = column.type.value_type if pa.types.is_dictionary(column.type) else column.type
    if not pa.types.is_integer(kind):
        return text_entries(column)
    return _encoded(column)


def day_numbers(column: pa.Array) -> np.ndarray:
    """Days since 1970-01-01 of each row's date (int32); Doubtful unless every one is real."""
    if column.null_count:
        raise Doubtful("a null")
    kind = column.type.value_type if pa.types.is_dictionary(column.type) else column.type
    if is_temporal(kind):
        if pa.types.is_dictionary(column.type):
            column = column.cast(kind)
        days = as_dates(column)
        return days.view(pa.int32()).to_numpy(zero_copy_only=False)
    if not is_text(kind):
        raise Doubtful("the date column is neither a date nor text")
    if column.type == pa.string():
        # Plain text (a CSV's): Arrow's cast takes exactly YYYY-MM-DD, real dates only, as
        # text_date does (tests/engine_internals/test_writers_roads.py holds them together).
        try:
            days = pc.cast(column, pa.date32())
        except pa.ArrowInvalid:
            raise Doubtful("a date that is not YYYY-MM-DD") from None
        return days.view(pa.int32()).to_numpy(zero_copy_only=False)
    # Dictionary text: each distinct value is read once (a year has a few hundred dates).
    entries = text_entries(column)
    found = [text_date(value) for value in entries.values]
    if any(day is None for day in found):
        raise Doubtful("a date that is not YYYY-MM-DD")
    per_entry = np.array(found, dtype=np.int32)
    return per_entry[entries.index] if per_entry.size else np.zeros(0, dtype=np.int32)
