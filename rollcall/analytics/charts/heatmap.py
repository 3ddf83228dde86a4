"""A pupil's register as a calendar: one row per school week, Monday to Friday AM and PM.

Each cell is coloured by the code's statistical category and shows the code itself, so the
colour is never the only signal; unauthorised absence is also striped. Weeks without any
session (holidays) are not drawn as empty rows but as one labelled line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from rollcall.analytics.charts.svg import (
    BLACK,
    DARK_GREY,
    DARK_VERMILLION,
    LIGHT_GREY,
    MID_GREY,
    VERMILLION,
    WHITE,
    Chart,
    DataTable,
    long_date,
    short_date,
    stripes,
    svg_root,
    tag,
    text,
)
from rollcall.engine.codes import AEA, AUTHORISED, NOT_COUNTED, PRESENT, UNAUTHORISED

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")
SESSIONS = ("AM", "PM")


@dataclass(frozen=True)
class Style:
    label: str
    codes: str
    fill: str
    text_colour: str
    bold: bool = False


STYLES = {
    PRESENT: Style("Present", "/ \\ L (late before the register closed)", "#e3edf6", BLACK),
    AEA: Style("Approved educational activity", "K, V, P, W, B", "#9fd3f2", BLACK),
    AUTHORISED: Style("Authorised absence", "I, M, C, C1, C2, E, J1, R, S, T", "#f6cd7c", BLACK),
    UNAUTHORISED: Style(
        "Unauthorised absence (striped)", "G, N, O, U: count towards the threshold", "", WHITE, True
    ),
    NOT_COUNTED: Style(
        "Not a possible session (hatched)", "D, Q, X, Y1 to Y7, Z, #", "", DARK_GREY
    ),
}
NO_SESSION = Style("No mark", "school closed, or not on roll", LIGHT_GREY, DARK_GREY)

CELL_W, CELL_H, DAY_GAP, ROW_GAP = 40, 24, 8, 3
LABEL_W, PCT_W = 70, 64
GRID_W = LABEL_W + 5 * (2 * CELL_W + DAY_GAP) + PCT_W
LEGEND_X, LEGEND_ROW_H = GRID_W + 36, 46
WIDTH = 900
HEADER_H = 44
GAP_H = 22


class Mark(Protocol):
    @property
    def day(self) -> dt.date: ...
    @property
    def session(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def category(self) -> int: ...


@dataclass(frozen=True)
class WeekRow:
    monday: dt.date
    cells: dict[tuple[int, str], Mark]  # (weekday, session) -> mark

    @property
    def attendance(self) -> str:
        counted = [m for m in self.cells.values() if m.category in (1, 2, 3, 4)]
        if not counted:
            return "\u2013"
        attended = sum(1 for m in counted if m.category in (PRESENT, AEA))
        return f"{100 * attended / len(counted):.0f}%"


def calendar_heatmap(
    marks: Sequence[Mark],
    *,
    first: dt.date,
    last: dt.date,
    chart_id: str,
    subject: str,
    describe_gap: Callable[[dt.date, dt.date], str] | None = None,
) -> Chart:
    """Every mark from first to last; `describe_gap` names a run of weeks without sessions
    (for example "Half-term holiday")."""
    rows = _weeks(marks)
    title = f"Register marks for {subject}, {long_date(first)} to {long_date(last)}"
    top = 4
    width = GRID_W
    body = [_defs(chart_id)]
    body += _legend(chart_id, top + HEADER_H)
    body += _header(top)
    y = top + HEADER_H
    previous: dt.date | None = None
    for row in rows:
        if previous is not None and (row.monday - previous).days > 7:
            gap_first = previous + dt.timedelta(days=7)
            gap_last = row.monday - dt.timedelta(days=3)
            label = describe_gap(gap_first, gap_last) if describe_gap else "No sessions"
            body.append(
                _gap(y, width, f"{label}: {short_date(gap_first)} to {short_date(gap_last)}")
            )
            y += GAP_H + ROW_GAP
        body += _row(chart_id, row, y, last)
        y += CELL_H + ROW_GAP
        previous = row.monday
    if not rows:
        body.append(text(LABEL_W, y + 16, "No marks in this period.", fill=DARK_GREY))
        y += CELL_H
    counts = _counts(marks)
    description = (
        f"{len(rows)} school weeks. "
        + "; ".join(f"{STYLES[c].label.split(' (')[0]}: {n}" for c, n in counts.items() if n)
        + ". The table below lists every mark."
    )
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        svg=svg_root(
            chart_id=chart_id,
            title=title,
            description=description,
            width=WIDTH,
            height=max(y + 8, top + HEADER_H + 6 * LEGEND_ROW_H + 10),
            body=body,
        ),
        table=_table(rows, title),
    )


def _weeks(marks: Sequence[Mark]) -> list[WeekRow]:
    weeks: dict[dt.date, dict[tuple[int, str], Mark]] = {}
    for mark in marks:
        if mark.day.weekday() >= 5:
            continue  # registers are Monday to Friday; a weekend mark cannot be drawn here
        monday = mark.day - dt.timedelta(days=mark.day.weekday())
        weeks.setdefault(monday, {})[(mark.day.weekday(), mark.session)] = mark
    return [WeekRow(monday, cells) for monday, cells in sorted(weeks.items())]


def _counts(marks: Sequence[Mark]) -> dict[int, int]:
    counts = dict.fromkeys(STYLES, 0)
    for mark in marks:
        counts[mark.category] = counts.get(mark.category, 0) + 1
    return counts


def _fill(chart_id: str, category: int) -> str:
    if category == UNAUTHORISED:
        return f"url(#{chart_id}-unauthorised)"
    if category == NOT_COUNTED:
        return f"url(#{chart_id}-not-counted)"
    return STYLES[category].fill if category in STYLES else NO_SESSION.fill


def _defs(chart_id: str) -> str:
    return tag(
        "defs",
        stripes(f"{chart_id}-unauthorised", fill=VERMILLION, stripe=DARK_VERMILLION, width=3)
        + stripes(f"{chart_id}-not-counted", fill=WHITE, stripe=MID_GREY, width=1.5),
    )


def _legend(chart_id: str, y: int) -> list[str]:
    items = [(c, STYLES[c]) for c in (PRESENT, AEA, AUTHORISED, UNAUTHORISED, NOT_COUNTED)]
    items.append((0, NO_SESSION))
    parts = [text(LEGEND_X, y - 14, "Key", font_weight="bold", font_size=14)]
    for number, (category, style) in enumerate(items):
        row_y = y + number * LEGEND_ROW_H
        parts.append(
            tag(
                "rect",
                x=LEGEND_X,
                y=row_y,
                width=CELL_W - 2,
                height=CELL_H,
                rx=2,
                fill=_fill(chart_id, category) if category else NO_SESSION.fill,
                stroke=MID_GREY,
            )
        )
        parts.append(text(LEGEND_X + CELL_W + 8, row_y + 11, style.label, font_size=13))
        parts.append(
            text(LEGEND_X + CELL_W + 8, row_y + 27, style.codes, font_size=12, fill=DARK_GREY)
        )
    return parts


def _header(y: int) -> list[str]:
    parts = [text(0, y + 36, "Week of", font_size=12, fill=DARK_GREY, font_weight="bold")]
    for day, name in enumerate(WEEKDAYS):
        x = LABEL_W + day * (2 * CELL_W + DAY_GAP)
        parts.append(text(x + CELL_W, y + 16, name, text_anchor="middle", font_weight="bold"))
        for half, session in enumerate(SESSIONS):
            parts.append(
                text(
                    x + half * CELL_W + CELL_W / 2,
                    y + 36,
                    session,
                    text_anchor="middle",
                    font_size=11,
                    fill=DARK_GREY,
                )
            )
    right = LABEL_W + 5 * (2 * CELL_W + DAY_GAP) + PCT_W - 4
    parts.append(text(right, y + 36, "Attended", text_anchor="end", font_size=12, fill=DARK_GREY))
    return parts


def _row(chart_id: str, row: WeekRow, y: int, last: dt.date) -> list[str]:
    parts = [text(0, y + 17, short_date(row.monday), font_size=13)]
    for day in range(5):
        date = row.monday + dt.timedelta(days=day)
        if date > last:
            continue
        for half, session in enumerate(SESSIONS):
            x = LABEL_W + day * (2 * CELL_W + DAY_GAP) + half * CELL_W
            mark = row.cells.get((day, session))
            style = STYLES.get(mark.category, NO_SESSION) if mark else NO_SESSION
            fill = _fill(chart_id, mark.category) if mark else NO_SESSION.fill
            parts.append(
                tag("rect", x=x + 1, y=y, width=CELL_W - 2, height=CELL_H, fill=fill, rx=2)
            )
            if mark:
                parts.append(
                    text(
                        x + CELL_W / 2,
                        y + 17,
                        mark.code,
                        text_anchor="middle",
                        font_size=13,
                        fill=style.text_colour,
                        font_weight="bold" if style.bold else None,
                    )
                )
    right = LABEL_W + 5 * (2 * CELL_W + DAY_GAP) + PCT_W - 4
    parts.append(text(right, y + 17, row.attendance, text_anchor="end", font_size=13))
    return parts


def _gap(y: int, width: int, label: str) -> str:
    return tag(
        "g",
        tag(
            "line",
            x1=LABEL_W,
            y1=y + GAP_H / 2,
            x2=width - PCT_W,
            y2=y + GAP_H / 2,
            stroke=MID_GREY,
            stroke_dasharray="4 4",
        )
        + tag(
            "rect",
            x=LABEL_W + 40,
            y=y + 2,
            width=width - LABEL_W - PCT_W - 80,
            height=GAP_H - 4,
            fill=WHITE,
        )
        + text(
            (LABEL_W + width - PCT_W) / 2,
            y + GAP_H - 6,
            label,
            text_anchor="middle",
            font_size=12,
            font_style="italic",
            fill=DARK_GREY,
        ),
    )


def _table(rows: list[WeekRow], title: str) -> DataTable:
    head = ["Week of"] + [f"{d} {s}" for d in WEEKDAYS for s in SESSIONS] + ["Attended"]
    body = []
    for row in rows:
        cells = [long_date(row.monday)]
        for day in range(5):
            for session in SESSIONS:
                mark = row.cells.get((day, session))
                cells.append(mark.code if mark else "")
        cells.append(row.attendance)
        body.append(cells)
    return DataTable(caption=title, head=head, rows=body, numeric=frozenset({11}))
