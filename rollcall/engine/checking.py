"""Checking marks over columns: every row's school, UPN, date, session and code, each distinct
value once, and the matrix the careful road builds from a checked table. The careful roads in
reading.py (a whole file at once, or batch by batch) use these checks, so each bad row is named
with the same message whichever found it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rollcall.engine.codes import code_table
from rollcall.engine.columns import as_dates, is_temporal, short_entries, text_date
from rollcall.engine.kernels import first_uses
from rollcall.engine.matrix import EPOCH, MarkMatrix, assemble
from rollcall.statutory.upn import InvalidUPN, upn_validate, upns_valid

MAX_REPORTED = 25
URN = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Problem:
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


class MarksInputError(ValueError):
    """The marks could not be read; nothing was computed."""

    def __init__(self, problems: list[Problem], total: int | None = None):
        self.problems = problems
        self.total = total if total is not None else len(problems)
        lines = [str(p) for p in problems[:MAX_REPORTED]]
        if self.total > len(lines):
            lines.append(f"… and {self.total - len(lines)} more problems")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Encoded:
    """One column as distinct values and, per row, the index of its value."""

    values: list[str]
    index: np.ndarray


def encode(column: pa.ChunkedArray) -> Encoded:
    """Give every distinct value one number, in the order the rows first use them (a
    categorical's unused categories get none), chunk by chunk: no global hashing of every row,
    each chunk's own dictionary is mapped onto the numbers found so far."""
    numbers: dict[str, int] = {}
    parts: list[np.ndarray] = []
    for chunk in column.chunks:
        short = short_entries(chunk)
        if short is not None:  # URNs, sessions, codes: one compiled pass
            mapping = np.array(
                [numbers.setdefault(v, len(numbers)) for v in short.values] or [0], np.int32
            )
            parts.append(mapping[short.index])
            continue
        if not pa.types.is_dictionary(chunk.type):
            chunk = pc.dictionary_encode(chunk.cast(pa.string()))
        dictionary = chunk.dictionary.cast(pa.string()).to_pylist()
        mapping = np.array(
            [numbers.setdefault(v if v is not None else "", len(numbers)) for v in dictionary]
            or [0],
            dtype=np.int32,
        )
        local = chunk.indices.to_numpy(zero_copy_only=False)
        if chunk.null_count:
            missing = numbers.setdefault("", len(numbers))
            nulls = chunk.is_null().to_numpy(zero_copy_only=False)
            parts.append(np.where(nulls, missing, mapping[np.where(nulls, 0, local)]))
        else:
            parts.append(mapping[local])
    index = np.concatenate(parts) if parts else np.array([], dtype=np.int32)
    index = index.astype(np.int32, copy=False)
    values = list(numbers)
    first = first_uses(index, len(values))
    used = np.flatnonzero(first >= 0)
    order = used[np.argsort(first[used], kind="stable")]
    if order.size == len(values) and np.array_equal(order, np.arange(len(values))):
        return Encoded(values, index)
    renumber = np.full(max(len(values), 1), -1, dtype=np.int32)
    renumber[order] = np.arange(order.size, dtype=np.int32)
    return Encoded([values[i] for i in order.tolist()], renumber[index])


def dates(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Days since 1970-01-01 per row, and a mask of rows whose date is not a real YYYY-MM-DD
    (a date or timestamp column's dates as columns.as_dates takes them)."""
    if pa.types.is_dictionary(column.type) and is_temporal(column.type.value_type):
        column = column.cast(column.type.value_type)
    if is_temporal(column.type):
        column = as_dates(column)
    if pa.types.is_date32(column.type):
        bad = column.is_null().to_numpy(zero_copy_only=False)
        if column.null_count:
            column = pc.fill_null(column, pa.scalar(0, pa.date32()))
        days = column.cast(pa.int32())
        days_np = days.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
        return days_np, np.asarray(bad, dtype=bool)
    # Text: each distinct value read once, by the rule the fast road uses (columns.text_date).
    encoded = encode(column)
    found = [text_date(value) for value in encoded.values]
    per_value = np.array([-1 if day is None else day for day in found] or [0], dtype=np.int64)
    bad_value = np.array([day is None for day in found] or [True], dtype=bool)
    days_np = np.where(bad_value, 0, per_value).astype(np.int32)[encoded.index]
    return days_np, bad_value[encoded.index]


class Problems:
    def __init__(self, describe: Callable[[int], str]):
        self.describe = describe
        self.found: list[tuple[int, str]] = []
        self.total = 0

    def rows(
        self,
        mask_or_rows: np.ndarray,
        reason: Callable[[int], str],
        rows_at: np.ndarray | None = None,
    ) -> None:
        """Record these rows' problems; rows_at maps a row of this batch to its row in the
        file (what describe names)."""
        rows = np.flatnonzero(mask_or_rows) if mask_or_rows.dtype == bool else mask_or_rows
        self.total += int(rows.size)
        for row in rows[:MAX_REPORTED].tolist():
            self.found.append((row if rows_at is None else int(rows_at[row]), reason(row)))

    def raise_if_any(self) -> None:
        if self.total:
            self.found.sort()
            problems = [Problem(self.describe(row), reason) for row, reason in self.found]
            raise MarksInputError(problems[:MAX_REPORTED], self.total)


@dataclass(frozen=True)
class Checked:
    """A table's columns as numbers, each row's code id with its meaning on its date."""

    school: Encoded
    upn: Encoded
    session: Encoded
    day: np.ndarray
    session_pm: np.ndarray
    ids: np.ndarray


def checked_columns(
    table: pa.Table, problems: Problems, rows_at: np.ndarray | None = None
) -> Checked:
    """Check every value of every row, over columns (each distinct value once); the problems
    found go to `problems`, naming rows through rows_at (see Problems.rows)."""
    school = encode(table.column("school_urn"))
    upn = encode(table.column("upn"))
    session = encode(table.column("session"))
    code = encode(table.column("code"))
    day, bad_date = dates(table.column("date"))

    bad_school = np.array([not URN.match(v) for v in school.values], dtype=bool)
    if bad_school.any():
        problems.rows(
            bad_school[school.index],
            lambda r: f"school_urn must be six digits, got {school.values[school.index[r]]!r}",
            rows_at,
        )
    upn_reasons: dict[int, str] = {}
    for number in np.flatnonzero(~upns_valid(upn.values)).tolist():
        value = upn.values[number]
        try:
            upn_validate(value)
            upn_reasons[number] = f"UPN {value!r} must be written in capitals without spaces"
        except InvalidUPN as exc:
            upn_reasons[number] = str(exc)
    if upn_reasons:
        problems.rows(
            np.isin(upn.index, list(upn_reasons)),
            lambda r: upn_reasons[int(upn.index[r])],
            rows_at,
        )
    problems.rows(bad_date, lambda r: "date must be a real date in the form YYYY-MM-DD", rows_at)
    session_pm = np.array([v == "PM" for v in session.values], dtype=bool)
    bad_session = np.array([v not in ("AM", "PM") for v in session.values], dtype=bool)
    if bad_session.any():
        problems.rows(
            bad_session[session.index],
            lambda r: f"session must be AM or PM, got {session.values[session.index[r]]!r}",
            rows_at,
        )

    table_codes = code_table()
    known = np.array([v in table_codes.by_code for v in code.values], dtype=bool)
    if (~known).any():
        problems.rows(
            ~known[code.index],
            lambda r: f"'{code.values[code.index[r]]}' is not an attendance code",
            rows_at,
        )
    # Each code's meaning on each row's date.
    boundaries = (table_codes.boundaries - EPOCH).astype(np.int32)
    segments = np.searchsorted(boundaries, day, side="right").astype(np.int8)
    per_code = (
        np.stack(
            [table_codes.encode(v, np.arange(len(table_codes.boundaries) + 1)) for v in code.values]
        )
        if code.values
        else np.zeros((0, 1), np.uint8)
    )
    ids = per_code[code.index, segments] if len(code.values) else np.zeros(0, np.uint8)
    not_in_force = (ids == 0) & known[code.index] & ~bad_date
    problems.rows(
        not_in_force,
        lambda r: (
            f"'{code.values[code.index[r]]}' is not an attendance code in force on "
            f"{(EPOCH + int(day[r])).astype(object)}"
        ),
        rows_at,
    )
    return Checked(school, upn, session, day, session_pm, ids)


def marks_from_table(table: pa.Table, describe: Callable[[int], str]) -> MarkMatrix:
    """Check every row and build the matrix; raises MarksInputError naming each bad row."""
    problems = Problems(describe)
    checked = checked_columns(table, problems)
    problems.raise_if_any()
    school, upn, session, day, ids = (
        checked.school,
        checked.upn,
        checked.session,
        checked.day,
        checked.ids,
    )
    pupils = np.array(upn.values, dtype=object)
    schools = np.array(school.values, dtype=object)
    matrix, conflicts = assemble(
        pupil=upn.index,
        school=school.index,
        day=day,
        is_pm=checked.session_pm[session.index].astype(np.int8),
        ids=ids,
        pupils=pupils,
        schools=schools,
    )
    if conflicts.size:
        codes = code_table().code

        def conflict_reason(r: int) -> str:
            when = f"{(EPOCH + int(day[r])).astype(object)} {session.values[session.index[r]]}"
            return (
                f"{upn.values[upn.index[r]]} is given different codes for {when} at school "
                f"{school.values[school.index[r]]}; this row says '{codes[ids[r]]}'"
            )

        problems.rows(conflicts, conflict_reason)
        problems.raise_if_any()
    return matrix
