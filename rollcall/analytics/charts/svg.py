"""Small helpers for server-rendered SVG charts, and the text alternative every chart carries.

Every chart is an `<svg role="img">` named by its `<title>` and described by its `<desc>`, and
comes with its data as a table, so a screen-reader user (or anyone who wants the numbers) gets
everything the picture shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

# Okabe-Ito colours: distinguishable with every common colour-vision deficiency.
BLUE = "#0072B2"
SKY = "#56B4E9"
ORANGE = "#E69F00"
VERMILLION = "#D55E00"
DARK_VERMILLION = "#9E4500"
BLACK = "#0b0c0c"
DARK_GREY = "#505a5f"
MID_GREY = "#b1b4b6"
LIGHT_GREY = "#f3f2f1"
WHITE = "#ffffff"
# The service's own font stack (rollcall.scss), so chart text matches the page.
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


@dataclass(frozen=True)
class DataTable:
    caption: str
    head: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = frozenset()  # columns to align as numbers


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: Markup
    table: DataTable


def attributes(values: Mapping[str, object]) -> str:
    parts = []
    for name, value in values.items():
        if value is None or value is False:
            continue
        attribute = name.rstrip("_").replace("_", "-")
        parts.append(f' {attribute}="{escape(_plain(value))}"')
    return "".join(parts)


def _plain(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def tag(name: str, content: str = "", **values: object) -> str:
    """An element; `content` must already be escaped markup."""
    if content:
        return f"<{name}{attributes(values)}>{content}</{name}>"
    return f"<{name}{attributes(values)}/>"


def text(x: float, y: float, words: str, **values: object) -> str:
    return tag("text", str(escape(words)), x=x, y=y, **values)


def svg_root(
    *, chart_id: str, title: str, description: str, width: int, height: int, body: Iterable[str]
) -> Markup:
    """The outer element: scales to its container, named and described for assistive tech."""
    head = (
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    return Markup(  # noqa: S704 - every piece is built from escaped text
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" id="{escape(chart_id)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" preserveAspectRatio="xMinYMin meet" '
        # Its natural width, shrunk to fit by the stylesheet (.rollcall-chart): a style
        # attribute would be refused by the Content-Security-Policy.
        f'class="rollcall-chart" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-size="14" '
        f'font-family="{FONT}" fill="{BLACK}">'
        f"{head}{''.join(body)}</svg>"
    )


def stripes(pattern_id: str, *, fill: str, stripe: str, width: float = 2.5) -> str:
    """A diagonal-striped fill, so a colour is never the only way to tell things apart."""
    return tag(
        "pattern",
        tag("rect", width=8, height=8, fill=fill)
        + tag("line", x1=0, y1=0, x2=0, y2=8, stroke=stripe, stroke_width=width),
        id=pattern_id,
        width=8,
        height=8,
        patternUnits="userSpaceOnUse",
        patternTransform="rotate(45)",
    )


def percent(value: float | None, places: int = 1) -> str:
    return "\u2013" if value is None else f"{value:.{places}f}%"


def short_date(day: dt.date) -> str:
    return f"{day:%-d %b}"


def long_date(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"
