"""Horizontal bars (one per school or cohort) against a reference line such as the LA's rate.

Bars above the reference are striped as well as coloured, and every bar carries its value, so
nothing depends on telling two colours apart.
"""

from __future__ import annotations

import math
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
    percent,
    stripes,
    svg_root,
    tag,
    text,
)

Scale = Callable[[float], float]  # a value to an x position

WIDTH = 900
MAX_LABEL_W, VALUE_W = 380, 70
CHAR_W = 8.2  # average width of a 14px character, to fit labels
ROW_H, BAR_H = 30, 20
TOP, BOTTOM = 70, 40


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None


def bar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    measure: str,
    reference: float | None,
    reference_label: str,
) -> Chart:
    """Bars in the order given; `measure` names the value, e.g. "Persistent absence rate"."""
    values = [b.value for b in bars if b.value is not None]
    top_value = max([*values, reference or 0, 1.0])
    scale_max = min(_nice_ceiling(top_value * 1.05), 100.0)  # a rate never passes 100%
    label_w = _label_width(bars)
    plot_w = WIDTH - label_w - VALUE_W
    height = TOP + ROW_H * max(len(bars), 1) + BOTTOM

    def x_of(value: float) -> float:
        return label_w + plot_w * value / scale_max

    body = [
        tag(
            "defs",
            stripes(f"{chart_id}-above", fill=VERMILLION, stripe=DARK_VERMILLION, width=3),
        )
    ]
    body += _legend(chart_id, reference_label, label_w)
    body += _grid(scale_max, x_of, height)
    for index, bar in enumerate(bars):
        body += _bar(chart_id, bar, index, reference, x_of, label_w)
    if reference is not None:
        x = round(x_of(reference), 1)
        body.append(
            tag(
                "line",
                x1=x,
                y1=TOP - 8,
                x2=x,
                y2=height - BOTTOM + 4,
                stroke=BLACK,
                stroke_width=2,
                stroke_dasharray="6 4",
            )
        )
        body.append(
            text(
                x,
                TOP - 14,
                f"{reference_label} {percent(reference)}",
                text_anchor="middle",
                font_size=13,
                font_weight="bold",
            )
        )
    above = [b.label for b in bars if _above(b, reference)]
    description = (
        f"{measure} for {len(bars)} groups"
        + (f", against {reference_label} at {percent(reference)}" if reference is not None else "")
        + (f". Above it: {', '.join(above)}." if above else ". None is above it.")
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
            height=height,
            body=body,
        ),
        table=DataTable(
            caption=title,
            head=["", measure, f"Difference from {reference_label}"],
            rows=[[b.label, percent(b.value), _difference(b.value, reference)] for b in bars],
            numeric=frozenset({1, 2}),
        ),
    )


def _above(bar: Bar, reference: float | None) -> bool:
    return reference is not None and bar.value is not None and bar.value > reference


def _difference(value: float | None, reference: float | None) -> str:
    if value is None or reference is None:
        return "\u2013"
    difference = value - reference
    return f"{difference:+.1f} points"


def _nice_ceiling(value: float) -> float:
    """A round number at or above value, for the end of the axis."""
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _label_width(bars: Sequence[Bar]) -> int:
    """Room for the longest label (about 8.2 units a character at 14px), within limits."""
    longest = max((len(bar.label) for bar in bars), default=10)
    return int(min(max(longest * CHAR_W + 16, 140), MAX_LABEL_W))


def _legend(chart_id: str, reference_label: str, x: int) -> list[str]:
    return [
        tag("rect", x=x, y=6, width=18, height=14, fill=BLUE),
        text(x + 24, 18, f"At or below {reference_label}", font_size=13),
        tag("rect", x=x + 220, y=6, width=18, height=14, fill=f"url(#{chart_id}-above)"),
        text(x + 244, 18, f"Above {reference_label} (striped)", font_size=13),
    ]


def _grid(scale_max: float, x_of: Scale, height: int) -> list[str]:
    parts = []
    for step in range(0, 5):
        value = scale_max * step / 4
        x = round(x_of(value), 1)
        parts.append(tag("line", x1=x, y1=TOP - 4, x2=x, y2=height - BOTTOM, stroke=LIGHT_GREY))
        parts.append(
            text(
                x,
                height - BOTTOM + 20,
                percent(value, 0),
                text_anchor="middle",
                font_size=12,
                fill=DARK_GREY,
            )
        )
    return parts


def _bar(
    chart_id: str, bar: Bar, index: int, reference: float | None, x_of: Scale, label_w: int
) -> list[str]:
    y = TOP + index * ROW_H + (ROW_H - BAR_H) / 2
    fits = int((label_w - 16) / CHAR_W)
    label = bar.label if len(bar.label) <= fits else bar.label[: fits - 1] + "\u2026"
    parts = [text(label_w - 10, y + 15, label, text_anchor="end", font_size=14)]
    if bar.value is None:
        parts.append(text(label_w + 6, y + 15, "no sessions", font_size=12, fill=DARK_GREY))
        return parts
    fill = f"url(#{chart_id}-above)" if _above(bar, reference) else BLUE
    width = max(x_of(bar.value) - label_w, 1)
    parts.append(tag("rect", x=label_w, y=y, width=round(width, 1), height=BAR_H, fill=fill))
    # A white halo keeps the value readable where the reference line crosses it.
    parts.append(
        text(
            label_w + width + 6,
            y + 15,
            percent(bar.value),
            font_size=13,
            font_weight="bold",
            stroke=WHITE,
            stroke_width=4,
            paint_order="stroke",
        )
    )
    return parts
