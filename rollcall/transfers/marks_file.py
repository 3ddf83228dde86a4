"""Long-format marks files (school_urn, upn, date, session, code), in CSV or Parquet.

Reading and the checks that need no database are done on whole columns with Polars: a file of
a few million marks has only a few thousand distinct pupils, codes and dates, so each distinct
value is checked once and the answer joined back to every row. What needs the database (which
schools and pupils exist, and who may import for them) comes in as plain lookups.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from rollcall import statutory
from rollcall.organisations.calendar import SESSIONS
from rollcall.statutory.upn import InvalidUPN, upn_validate
from rollcall.transfers.problems import ImportRefused, Problem, RowProblem

COLUMNS = ("school_urn", "upn", "date", "session", "code")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_FORMAT = "%Y-%m-%d"
MAX_ROWS_LISTED = 10  # rows named in one "given twice" message


@dataclass(frozen=True)
class MarksTable:
    name: str
    has_lines: bool  # CSV rows sit on lines; Parquet rows do not
    frame: pl.DataFrame  # "row" (from 1) and the five columns: text, or dates from Parquet


@dataclass(frozen=True)
class CheckedMarks:
    problems: list[RowProblem]
    # Rows with no problem: row, school_urn, upn (canonical), date (a date), session, code.
    clean: pl.DataFrame


def marks_table_read(data: bytes, name: str) -> MarksTable:
    """Read a marks file and check its header. The format is chosen by the file name."""
    lower = name.lower()
    if lower.endswith(".csv"):
        frame, has_lines = _read_csv(data, name), True
    elif lower.endswith(".parquet"):
        frame, has_lines = _read_parquet(data, name), False
    else:
        raise ImportRefused(name, [Problem(name, "a marks file must end in .csv or .parquet")])
    columns = [column.strip().lstrip("\ufeff") for column in frame.columns]
    missing = [column for column in COLUMNS if column not in columns]
    extra = [column for column in columns if column not in COLUMNS]
    if missing or extra or len(columns) != len(set(columns)):
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        if extra:
            parts.append(f"unexpected {', '.join(repr(c) for c in extra)}")
        if len(columns) != len(set(columns)):
            parts.append("a column is repeated")
        raise ImportRefused(
            name,
            [
                Problem(
                    f"{name} header" + (" (line 1)" if has_lines else ""),
                    f"the columns must be exactly {','.join(COLUMNS)} ({'; '.join(parts)})",
                )
            ],
        )
    frame = frame.rename(dict(zip(frame.columns, columns, strict=True))).select(COLUMNS)
    if frame.height == 0:
        raise ImportRefused(name, [Problem(name, "the file has a header but no marks")])
    # A Parquet date column is already dates; everything else is read as text and trimmed.
    as_text = [
        pl.col(column).cast(pl.String).str.strip_chars().replace("", None).alias(column)
        for column in COLUMNS
        if not (column == "date" and frame.schema["date"] == pl.Date)
    ]
    # A blank line is read as a row of nulls. Number it (so row n stays on line n + 1) but
    # drop it: an empty line says nothing about any mark.
    numbered = frame.with_columns(as_text).with_row_index("row", 1)
    numbered = numbered.filter(~pl.all_horizontal(pl.col(column).is_null() for column in COLUMNS))
    if numbered.height == 0:
        raise ImportRefused(name, [Problem(name, "the file has a header but no marks")])
    return MarksTable(name=name, has_lines=has_lines, frame=numbered)


def _read_csv(data: bytes, name: str) -> pl.DataFrame:
    try:
        return pl.read_csv(io.BytesIO(data), infer_schema=False, encoding="utf8")
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ImportRefused(
            name, [Problem(name, f"cannot be read as a UTF-8 CSV file ({first_line})")]
        ) from None


def _read_parquet(data: bytes, name: str) -> pl.DataFrame:
    try:
        return pl.read_parquet(io.BytesIO(data))
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ImportRefused(
            name, [Problem(name, f"cannot be read as a Parquet file ({first_line})")]
        ) from None


def _code_problem(code: str, day: object) -> str:
    try:
        if day is None:
            statutory.code_history(code)
        else:
            statutory.code_on(code, day)  # type: ignore[arg-type]
    except statutory.UnknownCode as exc:
        return str(exc)
    return ""


def _upn_checked(value: str) -> tuple[str | None, str | None]:
    try:
        return upn_validate(value), None
    except InvalidUPN as exc:
        return None, str(exc)


def _parsed_date(frame: pl.DataFrame) -> pl.Expr:
    if frame.schema["date"] == pl.Date:
        return pl.col("date")
    return (
        pl.when(pl.col("date").str.contains(ISO_DATE.pattern))
        .then(pl.col("date").str.to_date(DATE_FORMAT, strict=False))
        .otherwise(None)
    )


def _lookup(column: str, mapping: dict[str, str | None]) -> pl.Expr:
    return pl.col(column).replace_strict(mapping, default=None, return_dtype=pl.String)


def marks_table_check(
    table: MarksTable,
    *,
    school_problem: Callable[[str], str],
    pupil_problem: Callable[[str, str], str],
) -> CheckedMarks:
    """Check every row. `school_problem(urn)` and `pupil_problem(urn, upn)` say why a school or
    a pupil at that school cannot take marks from this file ('' when they can)."""
    frame = table.frame
    urns = frame["school_urn"].drop_nulls().unique().to_list()
    upns = frame["upn"].drop_nulls().unique().to_list()
    upn_checks = {value: _upn_checked(value) for value in upns}
    frame = frame.with_columns(
        _lookup("school_urn", {u: school_problem(u) or None for u in urns}).alias("_urn"),
        _lookup("upn", {u: canonical for u, (canonical, _) in upn_checks.items()}).alias("_upn"),
        _lookup("upn", {u: reason for u, (_, reason) in upn_checks.items()}).alias("_upn_reason"),
        _parsed_date(frame).alias("_date"),
    )
    pairs = frame.select("code", "_date").drop_nulls("code").unique()
    code_reasons = pl.DataFrame(
        {
            "code": pairs["code"],
            "_date": pairs["_date"],
            "_code_reason": [
                _code_problem(code, day) or None
                for code, day in zip(pairs["code"].to_list(), pairs["_date"].to_list(), strict=True)
            ],
        },
        schema={"code": pl.String, "_date": pl.Date, "_code_reason": pl.String},
    )
    frame = frame.join(code_reasons, on=["code", "_date"], how="left", nulls_equal=True)
    reasons = [
        pl.when(pl.col("school_urn").is_null()).then(pl.lit("school_urn is empty")),
        pl.col("_urn"),
        pl.when(pl.col("upn").is_null()).then(pl.lit("upn is empty")),
        pl.col("_upn_reason"),
        pl.when(pl.col("date").is_null())
        .then(pl.lit("date is empty"))
        .when(pl.col("_date").is_null())
        .then(pl.format("date '{}' is not a real date in the form YYYY-MM-DD", pl.col("date"))),
        pl.when(pl.col("session").is_null())
        .then(pl.lit("session is empty"))
        .when(~pl.col("session").is_in(SESSIONS))
        .then(pl.format("session must be AM or PM, got '{}'", pl.col("session"))),
        pl.when(pl.col("code").is_null()).then(pl.lit("code is empty")),
        pl.col("_code_reason"),
    ]
    # Messages are built only for rows that have a problem: usually none of millions.
    faulty = (
        pl.any_horizontal(pl.col(column).is_null() for column in COLUMNS)
        | pl.col("_urn").is_not_null()
        | pl.col("_upn_reason").is_not_null()
        | pl.col("_date").is_null()
        | ~pl.col("session").is_in(SESSIONS)
        | pl.col("_code_reason").is_not_null()
    )
    frame = frame.with_columns(faulty.alias("_faulty"))
    described = frame.filter("_faulty").with_columns(
        pl.concat_str(reasons, separator="; ", ignore_nulls=True).alias("_r")
    )
    frame = pl.concat(
        [
            frame.filter(~pl.col("_faulty")).with_columns(pl.lit(None, pl.String).alias("_r")),
            described,
        ]
    ).drop("_faulty")
    # A pupil is checked against the school only once the row's school and UPN are sound.
    sound = frame.filter(pl.col("_r").is_null()).select("school_urn", "_upn").unique()
    pupil_reasons = pl.DataFrame(
        {
            "school_urn": sound["school_urn"],
            "_upn": sound["_upn"],
            "_pupil_reason": [
                pupil_problem(urn, upn) or None
                for urn, upn in zip(
                    sound["school_urn"].to_list(), sound["_upn"].to_list(), strict=True
                )
            ],
        },
        schema={"school_urn": pl.String, "_upn": pl.String, "_pupil_reason": pl.String},
    )
    frame = frame.join(pupil_reasons, on=["school_urn", "_upn"], how="left").with_columns(
        pl.coalesce("_r", "_pupil_reason").alias("_r")
    )
    frame = _mark_conflicts(frame.sort("row"))
    problems = [
        RowProblem(row, reason)
        for row, reason in frame.filter(pl.col("_r").is_not_null()).select("row", "_r").iter_rows()
    ]
    clean = frame.filter(pl.col("_r").is_null()).select(
        "row",
        "school_urn",
        pl.col("_upn").alias("upn"),
        pl.col("_date").alias("date"),
        "session",
        "code",
    )
    return CheckedMarks(problems=problems, clean=clean)


def _mark_conflicts(frame: pl.DataFrame) -> pl.DataFrame:
    """The same pupil and session twice with different codes: every such row is a problem,
    and the message names the other rows. The same code twice is harmless and kept once."""
    key = ["school_urn", "_upn", "_date", "session"]
    sound = frame.filter(pl.col("_r").is_null())
    # Repeated sessions are rare: find them with one hash pass before grouping anything.
    sound = sound.filter(pl.struct(key).is_duplicated())
    clashes = (
        sound.group_by(key)
        .agg(pl.col("row"), pl.col("code"), pl.col("code").n_unique().alias("_codes"))
        .filter(pl.col("_codes") > 1)
    )
    if clashes.height == 0:
        return frame
    messages = []
    for upn, day, session, rows, codes in clashes.select(
        "_upn", "_date", "session", "row", "code"
    ).iter_rows():
        listed = ", ".join(
            f"row {row:,} {code}"
            for row, code in sorted(zip(rows, codes, strict=True))[:MAX_ROWS_LISTED]
        )
        more = f" and {len(rows) - MAX_ROWS_LISTED} more" if len(rows) > MAX_ROWS_LISTED else ""
        messages.append(
            f"{upn} {day:%Y-%m-%d} {session} is given {len(rows)} times with different codes "
            f"({listed}{more})"
        )
    clash_reasons = clashes.select(key).with_columns(pl.Series("_clash", messages, dtype=pl.String))
    return frame.join(clash_reasons, on=key, how="left", nulls_equal=False).with_columns(
        pl.coalesce("_r", "_clash").alias("_r")
    )
