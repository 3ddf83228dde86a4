"""Problems found in an incoming file, and the exception that refuses the whole file.

Every import checks everything before it keeps anything; when something is wrong it raises
ImportRefused with every problem it found, each naming where (a row or an XML element) and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError

EN_DASH = "\u2013"
NOTHING_SAVED = "Nothing from {name} was saved."


@dataclass(frozen=True)
class Problem:
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason


class ImportRefused(ValidationError):
    """The file was refused and nothing in it was stored."""

    def __init__(self, name: str, problems: Sequence[Problem], hint: str = ""):
        self.name = name
        self.problems = list(problems)
        self.hint = hint
        super().__init__([str(problem) for problem in self.problems])

    @property
    def headline(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        return f"{self.name} has {count:,} {noun}. {NOTHING_SAVED.format(name=self.name)}"


@dataclass(frozen=True)
class RowProblem:
    """A problem with one data row of a tabular file (rows are numbered from 1)."""

    row: int
    reason: str


def row_label(name: str, first: int, last: int, has_lines: bool) -> str:
    """'marks.csv row 14 (line 15)', or a run: 'marks.csv rows 14-20 (lines 15-21)'.

    Data rows count from 1; in a CSV file line 1 is the header, so row n is on line n + 1.
    """
    if first == last:
        label = f"{name} row {first:,}"
        return f"{label} (line {first + 1:,})" if has_lines else label
    label = f"{name} rows {first:,}{EN_DASH}{last:,}"
    return f"{label} (lines {first + 1:,}{EN_DASH}{last + 1:,})" if has_lines else label


def rows_grouped(name: str, problems: Iterable[RowProblem], has_lines: bool) -> list[Problem]:
    """Consecutive rows with the same reason become one problem naming the run of rows, so a
    file with a bad column reads as a few lines rather than a million, yet every row is named."""
    grouped: list[Problem] = []
    run_first = run_last = 0
    run_reason: str | None = None
    for problem in sorted(problems, key=lambda p: p.row):
        if run_reason == problem.reason and problem.row == run_last + 1:
            run_last = problem.row
            continue
        if run_reason is not None:
            grouped.append(Problem(row_label(name, run_first, run_last, has_lines), run_reason))
        run_first = run_last = problem.row
        run_reason = problem.reason
    if run_reason is not None:
        grouped.append(Problem(row_label(name, run_first, run_last, has_lines), run_reason))
    return grouped
