"""What every attendance page shares: the as-of date, number formats and table cells."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

from markupsafe import Markup

from rollcall.analytics.charts import Chart, DataTable
from rollcall.engine import MarkMatrix
from rollcall.statutory.years import school_year_start

AS_OF_ERROR = "Enter a real date in the form YYYY-MM-DD, for example 2026-03-20"


@dataclass(frozen=True)
class AsOf:
    """The date the figures run to, and the school year they cover."""

    date: dt.date
    first: dt.date  # 1 September of that school year
    data_last: dt.date | None  # the last date with any mark
    error: str | None  # the date asked for could not be read
    asked: str  # what was typed, to show back

    @property
    def value(self) -> str:
        return self.asked if self.error else self.date.isoformat()

    @property
    def period(self) -> str:
        return f"{long_date(self.first)} to {long_date(self.date)}"

    @property
    def hint(self) -> str:
        if self.data_last is None:
            return "There are no register marks yet."
        return f"Registers run to {long_date(self.data_last)}."


def as_of_from(query: Mapping[str, str], *, matrix: MarkMatrix, today: dt.date) -> AsOf:
    """The as-of date asked for, or the last date with marks (the registers may stop before
    today, as in the demo), or today when there are none."""
    data_last = matrix.last_date()
    default = data_last or today
    asked = (query.get("as_of") or "").strip()
    error = None
    chosen = default
    if asked:
        try:
            chosen = dt.date.fromisoformat(asked)
        except ValueError:
            error = AS_OF_ERROR
    return AsOf(chosen, school_year_start(chosen), data_last, error, asked)


def long_date(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


def short_date(day: dt.date) -> str:
    return f"{day:%-d %b %Y}"


def pct(value: float | None, places: int = 1) -> str:
    return "\u2013" if value is None else f"{value:.{places}f}%"


def points(value: float | None) -> str:
    """A difference in percentage points, signed."""
    if value is None:
        return "\u2013"
    if abs(value) < 0.05:
        return "same"
    return f"{value:+.1f} points"


def count(value: int) -> str:
    return f"{value:,}"


def query_string(values: Mapping[str, str | None], **changes: str | None) -> str:
    merged = {**values, **changes}
    return "?" + urlencode({k: v for k, v in merged.items() if v})


def link(href: str, words: str, *, classes: str = "govuk-link") -> Markup:
    return Markup('<a class="{}" href="{}">{}</a>').format(classes, href, words)


@lru_cache(maxsize=1024)
def tag_html(words: str, colour: str = "") -> Markup:
    # A school's list shows a few kinds of tag on thousands of rows: each is made once.
    classes = f"govuk-tag govuk-tag--{colour}" if colour else "govuk-tag"
    return Markup(
        '<strong class="{} govuk-!-font-size-16 govuk-!-margin-bottom-1">{}</strong>'
    ).format(classes, words)


def table_cells(table: DataTable) -> list[list[dict[str, str]]]:
    """A chart's data table as govukTable rows."""
    return [
        [
            {"text": value, "format": "numeric" if index in table.numeric else ""}
            for index, value in enumerate(row)
        ]
        for row in table.rows
    ]


def table_head(table: DataTable) -> list[dict[str, str]]:
    return [
        {"text": name, "format": "numeric" if index in table.numeric else ""}
        for index, name in enumerate(table.head)
    ]


@dataclass(frozen=True)
class ChartBlock:
    """A chart and its data table, ready for the template."""

    chart: Chart
    head: list[dict[str, str]]
    rows: list[list[dict[str, str]]]


def chart_block(chart: Chart) -> ChartBlock:
    return ChartBlock(chart, table_head(chart.table), table_cells(chart.table))
