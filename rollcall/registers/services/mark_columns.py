"""Many marks as columns, and the fast road for checking them.

A push from a management information system or an imported file is a school's year at once:
half a million marks, but only ~1,500 pupils, ~40 codes a day and ~400 sessions. The fast road
makes every check the register service makes of each mark (MarkChecker.problem, duplicates in
the batch, the codes already stored) once per distinct value, over columns, with polars.

It only ever answers "every mark is good, and here is what to write" or "not sure". Any doubt
sends the batch down the careful road (marks_bulk), which checks mark by mark and names every
problem, so a refusal's messages come from one place. Both roads must reach the same plan;
tests/registers/test_bulk_roads.py holds them together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from rollcall.organisations.calendar import SESSIONS
from rollcall.registers.services.marks import CLOSED_SESSION_CODES, MarkInput
from rollcall.statutory.code_age import age_dependent_codes, code_age_problem

if TYPE_CHECKING:
    from rollcall.registers.services.marks import MarkChecker

# The columns of marks to write, as marks_insert_frame takes them.
NEW_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "upn": pl.String,
    "date": pl.Date,
    "session": pl.String,
    "code": pl.String,
    "minutes_late": pl.Int16,
    "recorded_at": pl.Datetime("us", "UTC"),
}

Stored = dict[tuple[str, dt.date, str], tuple[int, str]]  # (upn, date, session) -> (id, code)


@dataclass(frozen=True)
class MarkColumns:
    """Marks as parallel columns: row i is (upns[i], dates[i], sessions[i], codes[i], ...).

    `where` names each row in messages; when it is not given, a row is named by its position
    ("0", "1", ...), as the API names a mark by its index in the request."""

    upns: Sequence[str]
    dates: Sequence[dt.date]
    sessions: Sequence[str]
    codes: Sequence[str]
    minutes_late: Sequence[int | None] | None = None
    recorded_at: Sequence[dt.datetime | None] | None = None
    where: Sequence[str] | None = None

    def __post_init__(self) -> None:
        lengths = {len(self.upns), len(self.dates), len(self.sessions), len(self.codes)}
        for optional in (self.minutes_late, self.recorded_at, self.where):
            if optional is not None:
                lengths.add(len(optional))
        if len(lengths) > 1:
            raise ValueError(f"mark columns differ in length: {sorted(lengths)}")

    def __len__(self) -> int:
        return len(self.upns)

    @classmethod
    def of(cls, marks: Iterable[MarkInput]) -> MarkColumns:
        marks = list(marks)
        return cls(
            upns=[m.upn for m in marks],
            dates=[m.date for m in marks],
            sessions=[m.session for m in marks],
            codes=[m.code for m in marks],
            minutes_late=[m.minutes_late for m in marks],
            recorded_at=[m.recorded_at for m in marks],
            where=[m.where for m in marks],
        )

    def inputs(self) -> Iterator[MarkInput]:
        """Row by row, for the careful road."""
        count = len(self)
        where = self.where if self.where is not None else [str(i) for i in range(count)]
        minutes = self.minutes_late if self.minutes_late is not None else [None] * count
        recorded = self.recorded_at if self.recorded_at is not None else [None] * count
        return map(
            MarkInput, self.upns, self.dates, self.sessions, self.codes, where, minutes, recorded
        )

    def at(self, row: int) -> MarkInput:
        """One row, named by its `where`."""
        return MarkInput(
            upn=self.upns[row],
            date=self.dates[row],
            session=self.sessions[row],
            code=self.codes[row],
            where=self.where[row] if self.where is not None else str(row),
            minutes_late=self.minutes_late[row] if self.minutes_late is not None else None,
            recorded_at=self.recorded_at[row] if self.recorded_at is not None else None,
        )

    def frame(self) -> pl.DataFrame:
        """The marks as a polars frame in NEW_SCHEMA, with each row's position as `row`."""
        count = len(self)
        return pl.DataFrame(
            {
                "upn": self.upns,
                "date": self.dates,
                "session": self.sessions,
                "code": self.codes,
                "minutes_late": [None] * count if self.minutes_late is None else self.minutes_late,
                "recorded_at": [None] * count if self.recorded_at is None else self.recorded_at,
            },
            schema=NEW_SCHEMA,
        ).with_row_index("row")


@dataclass(frozen=True)
class BulkPlan:
    """What a checked batch will write: new marks (a frame in NEW_SCHEMA), amendments as
    (mark id, code now, new code), and how many sessions already had the same code."""

    new: pl.DataFrame
    amend: list[tuple[int, str, str]]
    unchanged: int


def plan_fast(
    columns: MarkColumns, *, checker: MarkChecker, stored: Stored, amendment_reason: str
) -> BulkPlan | None:
    """The plan for a batch in which every mark is good, or None if any mark may not be."""
    marks = columns.frame()
    if not marks["session"].is_in(SESSIONS).all():
        return None
    if _any_code_for_the_wrong_age(marks, checker):
        return None
    if _any_bad_code(marks, checker) or _any_off_roll(marks, checker):
        return None
    if _any_closed_session_problem(marks, checker):
        return None
    key = ["upn", "date", "session"]
    # A session given twice with the same code counts once; with two codes it is a problem.
    if marks.select([*key, "code"]).unique().height != marks.select(key).unique().height:
        return None
    marks = marks.unique(subset=key, keep="first", maintain_order=True)
    if stored:
        on_record = pl.DataFrame(
            {
                "upn": [k[0] for k in stored],
                "date": [k[1] for k in stored],
                "session": [k[2] for k in stored],
                "mark_id": [v[0] for v in stored.values()],
                "code_now": [v[1] for v in stored.values()],
            },
            schema_overrides={"date": pl.Date, "mark_id": pl.Int64},
        )
        marks = marks.join(on_record, on=key, how="left")
    else:
        marks = marks.with_columns(
            pl.lit(None, pl.Int64).alias("mark_id"), pl.lit(None, pl.String).alias("code_now")
        )
    recorded = marks.filter(pl.col("mark_id").is_not_null())
    changed = recorded.filter(pl.col("code_now") != pl.col("code"))
    if changed.height and not amendment_reason.strip():
        return None
    return BulkPlan(
        new=marks.filter(pl.col("mark_id").is_null()).select(list(NEW_SCHEMA)),
        amend=list(changed.select("mark_id", "code_now", "code").iter_rows()),
        unchanged=recorded.height - changed.height,
    )


def _any_code_for_the_wrong_age(marks: pl.DataFrame, checker: MarkChecker) -> bool:
    """X and C2 depend on the pupil's age (REG24 reg 10): checked once per pupil, code and day
    (the careful road names the problem)."""
    aged = marks.filter(pl.col("code").is_in(sorted(age_dependent_codes())))
    if aged.is_empty():
        return False
    for upn, code, day in aged.select("upn", "code", "date").unique().iter_rows():
        born = checker.born.get(upn)
        if born is None:
            return True  # not on roll: the careful road says so
        if code_age_problem(code=code, day=day, session="AM", date_of_birth=born):
            return True
    return False


def _any_bad_code(marks: pl.DataFrame, checker: MarkChecker) -> bool:
    pairs = marks.select("code", "date").unique()
    return any(
        checker.code_problem(code, day)
        for code, day in zip(pairs["code"].to_list(), pairs["date"].to_list(), strict=True)
    )


def _any_off_roll(marks: pl.DataFrame, checker: MarkChecker) -> bool:
    pupil_days = marks.select("upn", "date").unique()
    spans = checker.enrolment_spans
    enrolments = pl.DataFrame(
        {
            "upn": [upn for upn, upn_spans in spans.items() for _ in upn_spans],
            "admitted_on": [span[0] for upn_spans in spans.values() for span in upn_spans],
            "left_on": [span[1] for upn_spans in spans.values() for span in upn_spans],
        },
        schema={"upn": pl.String, "admitted_on": pl.Date, "left_on": pl.Date},
    )
    on_roll = (
        pupil_days.join(enrolments, on="upn")
        .filter(
            (pl.col("admitted_on") <= pl.col("date"))
            & (pl.col("left_on").is_null() | (pl.col("date") <= pl.col("left_on")))
        )
        .select("upn", "date")
        .unique()
    )
    return on_roll.height != pupil_days.height


def _any_closed_session_problem(marks: pl.DataFrame, checker: MarkChecker) -> bool:
    sessions = marks.select("date", "session").unique()
    closed = [
        bool(checker.closed_reason(day, session))
        for day, session in zip(
            sessions["date"].to_list(), sessions["session"].to_list(), strict=True
        )
    ]
    status = sessions.with_columns(pl.Series("closed", closed, dtype=pl.Boolean))
    checked = marks.select("date", "session", "code").join(status, on=["date", "session"])
    closed_codes = pl.col("code").is_in(sorted(CLOSED_SESSION_CODES))
    problems = checked.filter(
        (pl.col("closed") & ~closed_codes) | (~pl.col("closed") & (pl.col("code") == "#"))
    )
    return problems.height > 0
