"""Attendance % per school week as a line, with reference lines and the threshold window.

Weeks are spaced evenly (holidays are not school weeks, so they take no room), which is also
how the national threshold counts them. The window is shaded and its qualifying sessions are
written under each week, so the count can be checked by eye.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rollcall.analytics.charts.svg import (
    BLACK,
    BLUE,
    DARK_GREY,
    DARK_VERMILLION,
    LIGHT_GREY,
    VERMILLION,
    WHITE,
    Chart,
    DataTable,
    long_date,
    percent,
    short_date,
    svg_root,
    tag,
    text,
)

Scale = Callable[[float], float]  # a value to a y position
Place = Callable[[int], float]  # a week's index to an x position

WIDTH, HEIGHT = 900, 370
LEFT, RIGHT, TOP, BOTTOM = 58, 150, 44, 94
COUNT_BAND = 30  # under the axis: the window's qualifying sessions per week


@dataclass(frozen=True)
class TrendWeek:
    monday: dt.date
    attendance_pct: float | None
    qualifying: int


@dataclass(frozen=True)
class Reference:
    value: float
    label: str
    dash: str


@dataclass(frozen=True)
class Window:
    mondays: frozenset[dt.date]
    label: str  # what the shading is, e.g. "Threshold met 12 Mar 2025 (PM): 10 sessions…"


@dataclass(frozen=True)
class Marker:
    """Something that happened in a week, drawn as a numbered line: a stage change or an
    intervention on a case, so anyone can see whether the support worked."""

    day: dt.date
    label: str


REFERENCES = (
    Reference(96, "96%", "8 4"),
    Reference(90, "90%: below it means: persistent absence", "3 3"),
)


def weekly_trend(
    weeks: Sequence[TrendWeek],
    *,
    chart_id: str,
    subject: str,
    window: Window | None = None,
    references: Sequence[Reference] = REFERENCES,
    markers: Sequence[Marker] = (),
) -> Chart:
    values = [w.attendance_pct for w in weeks if w.attendance_pct is not None]
    low = 0 if values and min(values) < 50 else 50
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(weeks), 1)

    def x_of(index: int) -> float:
        return LEFT + step * (index + 0.5)

    def y_of(value: float) -> float:
        return TOP + plot_h * (100 - value) / (100 - low)

    body: list[str] = []
    if window is not None:
        body += _window(weeks, window, x_of, step, plot_h)
    body += _axes(low, y_of, plot_w)
    body += _x_labels(weeks, x_of)
    for reference, label_y in zip(references, _label_positions(references, y_of), strict=True):
        body += _reference(reference, y_of, label_y)
    placed = _place_markers(weeks, markers)
    body += _markers(placed, x_of, plot_h)
    body += _line(weeks, x_of, y_of)
    if window is not None:
        body += _window_counts(weeks, window, x_of)
    first = weeks[0].monday if weeks else None
    last = weeks[-1].monday if weeks else None
    title = f"Attendance each school week for {subject}"
    description = _describe(weeks, values, window, first, last)
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        svg=svg_root(
            chart_id=chart_id,
            title=title,
            description=description,
            width=WIDTH,
            height=HEIGHT,
            body=body,
        ),
        table=_table(weeks, window, title, placed if markers else None),
    )


def _axes(low: int, y_of: Scale, plot_w: float) -> list[str]:
    parts = []
    tick = 10 if low == 50 else 20
    for value in range(low, 101, tick):
        y = y_of(value)
        parts.append(tag("line", x1=LEFT, y1=y, x2=LEFT + plot_w, y2=y, stroke=LIGHT_GREY))
        parts.append(text(LEFT - 8, y + 5, f"{value}%", text_anchor="end", font_size=13))
    parts.append(
        tag("line", x1=LEFT, y1=y_of(low), x2=LEFT + plot_w, y2=y_of(low), stroke=DARK_GREY)
    )
    parts.append(tag("line", x1=LEFT, y1=TOP, x2=LEFT, y2=y_of(low), stroke=DARK_GREY))
    parts.append(
        text(
            14,
            TOP + (y_of(low) - TOP) / 2,
            "Attendance %",
            text_anchor="middle",
            font_size=13,
            fill=DARK_GREY,
            transform=f"rotate(-90 14 {TOP + (y_of(low) - TOP) / 2:.1f})",
        )
    )
    return parts


def _x_labels(weeks: Sequence[TrendWeek], x_of: Place) -> list[str]:
    parts = []
    every = max(1, -(-len(weeks) // 10))
    base = HEIGHT - BOTTOM
    for index, week in enumerate(weeks):
        if index % every:
            continue
        x = x_of(index)
        parts.append(tag("line", x1=x, y1=base, x2=x, y2=base + 5, stroke=DARK_GREY))
        parts.append(
            text(
                x,
                base + COUNT_BAND + 20,
                short_date(week.monday),
                text_anchor="middle",
                font_size=13,
            )
        )
    parts.append(
        text(
            LEFT + (WIDTH - LEFT - RIGHT) / 2,
            HEIGHT - 10,
            "School week (week beginning; holidays are skipped)",
            text_anchor="middle",
            font_size=13,
            fill=DARK_GREY,
        )
    )
    return parts


def _reference(reference: Reference, y_of: Scale, label_y: float) -> list[str]:
    y = y_of(reference.value)
    right = WIDTH - RIGHT
    parts = [
        tag(
            "line",
            x1=LEFT,
            y1=y,
            x2=right,
            y2=y,
            stroke=BLACK,
            stroke_width=1.5,
            stroke_dasharray=reference.dash,
        ),
        tag(
            "line",
            x1=right,
            y1=y,
            x2=right + 14,
            y2=y,
            stroke=BLACK,
            stroke_width=1.5,
            stroke_dasharray=reference.dash,
        ),
    ]
    lines = reference.label.split(": ")
    parts.append(text(right + 18, label_y + 5, lines[0], font_size=13, font_weight="bold"))
    for number, line in enumerate(lines[1:], start=1):
        parts.append(
            text(right + 18, label_y + 5 + 15 * number, line, font_size=12, fill=DARK_GREY)
        )
    return parts


def _label_positions(references: Sequence[Reference], y_of: Scale) -> list[float]:
    """Where each reference line's label goes: at its line, pushed down so none overlap."""
    positions: dict[int, float] = {}
    below = -1000.0  # the bottom of the label above
    for index in sorted(range(len(references)), key=lambda i: -references[i].value):
        y = max(y_of(references[index].value), below + 16)
        positions[index] = y
        below = y + 15 * (len(references[index].label.split(": ")) - 1)
    return [positions[index] for index in range(len(references))]


def _line(weeks: Sequence[TrendWeek], x_of: Place, y_of: Scale) -> list[str]:
    parts = []
    segment: list[str] = []
    for index, week in enumerate([*weeks, None]):
        if week is None or week.attendance_pct is None:
            if len(segment) > 1:
                parts.append(
                    tag(
                        "polyline",
                        points=" ".join(segment),
                        fill="none",
                        stroke=BLUE,
                        stroke_width=2.5,
                        stroke_linejoin="round",
                    )
                )
            segment = []
            continue
        segment.append(f"{x_of(index):.1f},{y_of(week.attendance_pct):.1f}")
    for index, week in enumerate(weeks):
        if week.attendance_pct is None:
            continue
        parts.append(
            tag(
                "circle",
                cx=round(x_of(index), 1),
                cy=round(y_of(week.attendance_pct), 1),
                r=3.5,
                fill=WHITE,
                stroke=BLUE,
                stroke_width=2,
            )
        )
    return parts


def _window_span(weeks: Sequence[TrendWeek], window: Window) -> tuple[int, int] | None:
    inside = [i for i, week in enumerate(weeks) if week.monday in window.mondays]
    return (inside[0], inside[-1]) if inside else None


def _window(
    weeks: Sequence[TrendWeek], window: Window, x_of: Place, step: float, plot_h: float
) -> list[str]:
    span = _window_span(weeks, window)
    if span is None:
        return []
    x0, x1 = x_of(span[0]) - step / 2, x_of(span[1]) + step / 2
    return [
        tag(
            "rect",
            x=round(x0, 1),
            y=TOP,
            width=round(x1 - x0, 1),
            height=plot_h,
            fill=VERMILLION,
            fill_opacity=0.12,
        ),
        tag(
            "line",
            x1=round(x0, 1),
            y1=TOP - 6,
            x2=round(x0, 1),
            y2=TOP + plot_h,
            stroke=DARK_VERMILLION,
            stroke_width=1.5,
        ),
        tag(
            "line",
            x1=round(x1, 1),
            y1=TOP - 6,
            x2=round(x1, 1),
            y2=TOP + plot_h,
            stroke=DARK_VERMILLION,
            stroke_width=1.5,
        ),
        tag(
            "rect",
            x=LEFT,
            y=4,
            width=16,
            height=14,
            fill=VERMILLION,
            fill_opacity=0.12,
            stroke=DARK_VERMILLION,
        ),
        text(
            LEFT + 22,
            16,
            f"Shaded: {window.label}",
            font_size=13,
            font_weight="bold",
            fill=DARK_VERMILLION,
        ),
    ]


def _window_counts(weeks: Sequence[TrendWeek], window: Window, x_of: Place) -> list[str]:
    parts = [
        text(
            LEFT - 8,
            HEIGHT - BOTTOM + 24,
            "G/N/O/U",
            text_anchor="end",
            font_size=11,
            fill=DARK_VERMILLION,
            font_weight="bold",
        )
    ]
    base = HEIGHT - BOTTOM + 24
    for index, week in enumerate(weeks):
        if week.monday not in window.mondays or not week.qualifying:
            continue
        x = x_of(index)
        parts.append(
            tag(
                "rect",
                x=round(x - 10, 1),
                y=base - 14,
                width=20,
                height=18,
                rx=9,
                fill=DARK_VERMILLION,
            )
        )
        parts.append(
            text(
                x,
                base,
                str(week.qualifying),
                text_anchor="middle",
                font_size=12,
                font_weight="bold",
                fill=WHITE,
            )
        )
    return parts


def _describe(
    weeks: Sequence[TrendWeek],
    values: list[float],
    window: Window | None,
    first: dt.date | None,
    last: dt.date | None,
) -> str:
    if not weeks or first is None or last is None:
        return "No school weeks in this period."
    below = sum(1 for v in values if v < 90)
    words = (
        f"{len(weeks)} school weeks from {long_date(first)} to {long_date(last)}. "
        f"Weekly attendance ranged from {percent(min(values), 0)} to {percent(max(values), 0)}"
        f"; {below} {'week was' if below == 1 else 'weeks were'} below 90%."
        if values
        else f"{len(weeks)} school weeks with no possible sessions at schools you can see."
    )
    if window is not None:
        words += f" Shaded: {window.label}."
    return words


def _place_markers(
    weeks: Sequence[TrendWeek], markers: Sequence[Marker]
) -> dict[int, list[tuple[int, Marker]]]:
    """Each marker, numbered in date order, under the index of the school week it falls in
    (a marker in a holiday goes to the next school week)."""
    placed: dict[int, list[tuple[int, Marker]]] = {}
    for number, marker in enumerate(sorted(markers, key=lambda m: m.day), start=1):
        monday = marker.day - dt.timedelta(days=marker.day.weekday())
        index = next((i for i, week in enumerate(weeks) if week.monday >= monday), None)
        if index is not None:
            placed.setdefault(index, []).append((number, marker))
    return placed


def _markers(placed: dict[int, list[tuple[int, Marker]]], x_of: Place, plot_h: float) -> list[str]:
    parts = []
    for index, numbered in placed.items():
        x = round(x_of(index), 1)
        parts.append(
            tag(
                "line",
                x1=x,
                y1=TOP,
                x2=x,
                y2=TOP + plot_h,
                stroke=BLACK,
                stroke_width=1.5,
                stroke_dasharray="2 3",
            )
        )
        label = ",".join(str(number) for number, _ in numbered)
        width = 10 + 8 * len(label)
        parts.append(
            tag(
                "rect",
                x=round(x - width / 2, 1),
                y=TOP - 20,
                width=width,
                height=18,
                rx=4,
                fill=BLACK,
            )
        )
        parts.append(
            text(
                x,
                TOP - 6,
                label,
                text_anchor="middle",
                font_size=12,
                font_weight="bold",
                fill=WHITE,
            )
        )
    return parts


def _table(
    weeks: Sequence[TrendWeek],
    window: Window | None,
    title: str,
    placed: dict[int, list[tuple[int, Marker]]] | None = None,
) -> DataTable:
    rows = []
    for index, week in enumerate(weeks):
        in_window = window is not None and week.monday in window.mondays
        rows.append(
            [
                long_date(week.monday),
                percent(week.attendance_pct),
                str(week.qualifying) if in_window else "",
                "Yes" if in_window else "",
                *(
                    [
                        "; ".join(
                            f"{number}. {long_date(marker.day)}: {marker.label}"
                            for number, marker in (placed or {}).get(index, [])
                        )
                    ]
                    if placed is not None
                    else []
                ),
            ]
        )
    head = ["Week beginning", "Attendance", "Unauthorised sessions counted", "In threshold window"]
    if placed is not None:
        head.append("On the case")
    return DataTable(caption=title, head=head, rows=rows, numeric=frozenset({1, 2}))
