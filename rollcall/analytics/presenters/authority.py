"""The authority (or trust) dashboard: every school the user may see, side by side."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import polars as pl
from django.urls import reverse
from markupsafe import Markup

from rollcall.analytics.charts import Bar, bar_chart
from rollcall.analytics.figures.authority import SchoolLine, at, met_count, school_lines
from rollcall.analytics.figures.prepared import YearFigures
from rollcall.analytics.figures.school import Headline, headline
from rollcall.analytics.presenters.common import AsOf, ChartBlock, chart_block, count, link, pct
from rollcall.analytics.presenters.pupil_list import safe_cell
from rollcall.analytics.selectors import Scope, authority_urns
from rollcall.analytics.source import law_inputs_lazily
from rollcall.engine.dfe_comparable import DEFINITION, DfEComparable

# The schools table's columns: query key -> heading, and how each line sorts by it.
SCHOOL_COLUMNS: dict[str, str] = {
    "name": "School",
    "pupils": "Pupils",
    "attendance": "Attendance",
    "unauthorised": "Unauthorised absence",
    "persistent": "Persistent absence rate",
    "severe": "Severe absence rate",
    "threshold": "Met national threshold",
    "dfe_persistent": "Persistent absence, DfE-comparable",
    "dfe_severe": "Severe absence, DfE-comparable",
}


@dataclass(frozen=True)
class SchoolsOrder:
    """How the schools table is sorted: a column of SCHOOL_COLUMNS, ascending or descending."""

    sort: str = "name"
    order: str = "asc"

    @classmethod
    def of(cls, query: Mapping[str, str]) -> SchoolsOrder:
        sort = query.get("sort", "name")
        order = query.get("order", "asc")
        return cls(
            sort=sort if sort in SCHOOL_COLUMNS else "name",
            order=order if order in ("asc", "desc") else "asc",
        )


@dataclass(frozen=True)
class AuthorityPage:
    heading: str
    as_of: AsOf
    rows: list[list[dict[str, str]]]
    totals: list[list[dict[str, str]]]
    chart: ChartBlock | None
    compared_with: str
    head: list[dict[str, Any]] = field(default_factory=list)
    csv_href: str = ""
    dfe_definition: str = ""


def _sort_value(line: SchoolLine, name: str, key: str) -> tuple[bool, float | str]:
    """Schools without a figure go last whichever way the column is sorted."""
    figures = line.figures
    values: dict[str, float | str | None] = {
        "name": name.lower(),
        "pupils": figures.enrolments,
        "attendance": figures.attendance_pct,
        "unauthorised": figures.unauthorised_pct,
        "persistent": figures.persistent_pct,
        "severe": figures.severe_pct,
        "threshold": line.threshold_met,
        "dfe_persistent": line.dfe.persistent_pct if line.dfe else None,
        "dfe_severe": line.dfe.severe_pct if line.dfe else None,
    }
    value = values[key]
    return (value is None, value if value is not None else 0)


def _sorted_lines(
    lines: list[SchoolLine], names: Mapping[str, str], order: SchoolsOrder
) -> list[SchoolLine]:
    by_name = sorted(lines, key=lambda line: names[line.urn].lower())
    present = [line for line in by_name if not _sort_value(line, names[line.urn], order.sort)[0]]
    missing = [line for line in by_name if _sort_value(line, names[line.urn], order.sort)[0]]
    present.sort(
        key=lambda line: _sort_value(line, names[line.urn], order.sort)[1],
        reverse=order.order == "desc",
    )
    return present + missing


def _schools_head(order: SchoolsOrder, as_of: AsOf) -> list[dict[str, Any]]:
    head = []
    for key, name in SCHOOL_COLUMNS.items():
        active = key == order.sort
        next_order = "desc" if active and order.order == "asc" else "asc"
        arrow = ("\u25b2" if order.order == "asc" else "\u25bc") if active else ""
        query = {"sort": key, "order": next_order}
        if as_of.asked:
            query["as_of"] = as_of.value
        words = Markup('{} <span aria-hidden="true">{}</span>').format(name, arrow)
        head.append(
            {
                "html": link("?" + urlencode(query), words),
                "attributes": {
                    "aria-sort": (
                        ("ascending" if order.order == "asc" else "descending")
                        if active
                        else "none"
                    )
                },
                "format": "" if key == "name" else "numeric",
            }
        )
    return head


def schools_csv(*, scope: Scope, year: YearFigures, as_of: AsOf, order: SchoolsOrder) -> str:
    """The schools table as a CSV file: one row a school, in the order on screen, with the
    figures as numbers (percentages to one decimal place) and the URN in its own column."""
    schools = {school.urn: school for school in scope.schools}
    enrolments = year.enrolments(as_of.date)
    law, born = law_inputs_lazily(year.saved)
    met = year.threshold_met(as_of.date, law)
    dfe = year.dfe_by_school(as_of.date, born)
    lines = school_lines(enrolments, urns=list(schools), met_upns=met, dfe=dfe)
    names = {urn: school.name for urn, school in schools.items()}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "urn",
            "school",
            "pupils",
            "attendance_pct",
            "unauthorised_absence_pct",
            "persistent_absence_pct",
            "severe_absence_pct",
            "met_national_threshold",
            "dfe_comparable_persistent_absence_pct",
            "dfe_comparable_severe_absence_pct",
            "dfe_comparable_definition",
        ]
    )

    def number(value: float | None) -> str:
        return "" if value is None else f"{value:.1f}"

    for line in _sorted_lines(lines, names, order):
        figures = line.figures
        writer.writerow(
            [
                line.urn,
                safe_cell(names[line.urn]),
                figures.enrolments,
                number(figures.attendance_pct),
                number(figures.unauthorised_pct),
                number(figures.persistent_pct),
                number(figures.severe_pct),
                line.threshold_met,
                number(line.dfe.persistent_pct) if line.dfe else "",
                number(line.dfe.severe_pct) if line.dfe else "",
                DEFINITION,
            ]
        )
    return out.getvalue()


def authority_page(
    *, scope: Scope, year: YearFigures, as_of: AsOf, order: SchoolsOrder | None = None
) -> AuthorityPage:
    order = order or SchoolsOrder()
    schools = {school.urn: school for school in scope.schools}
    enrolments = year.enrolments(as_of.date)
    law, born = law_inputs_lazily(year.saved)
    met = year.threshold_met(as_of.date, law)
    dfe = year.dfe_by_school(as_of.date, born)
    lines = school_lines(enrolments, urns=list(schools), met_upns=met, dfe=dfe)
    area_enrolments = at(enrolments, authority_urns(schools=scope.schools))
    area = headline(area_enrolments)
    authorities = sorted({school.local_authority.name for school in scope.schools})
    compared_with = " and ".join(authorities) or "the local authority"
    rows = []
    names = {urn: school.name for urn, school in schools.items()}
    for line in _sorted_lines(lines, names, order):
        school = schools[line.urn]
        figures = line.figures
        rows.append(
            [
                {
                    "text": school.name,
                    "html": link(reverse("analytics:school", args=[school.urn]), school.name),
                },
                {"text": count(figures.enrolments), "format": "numeric"},
                {"text": pct(figures.attendance_pct), "format": "numeric"},
                {"text": pct(figures.unauthorised_pct), "format": "numeric"},
                {"text": pct(figures.persistent_pct), "format": "numeric"},
                {"text": pct(figures.severe_pct), "format": "numeric"},
                {"text": count(line.threshold_met), "format": "numeric"},
                *_dfe_cells(line.dfe),
            ]
        )
    bars = sorted(
        (Bar(schools[line.urn].name, line.figures.persistent_pct) for line in lines),
        key=lambda bar: -(bar.value or 0),
    )
    chart = None
    if bars:
        chart = bar_chart(
            bars,
            chart_id="persistent-absence-by-school",
            title=f"Persistent absence rate by school, {as_of.period}",
            measure="Persistent absence rate",
            reference=area.persistent_pct,
            reference_label="LA",
        )
    heading = _heading(scope)
    return AuthorityPage(
        heading=heading,
        as_of=as_of,
        rows=rows,
        totals=_totals(
            scope,
            enrolments,
            area_enrolments,
            met,
            compared_with,
            dfe_of=lambda urns: year.dfe_at(as_of.date, born, urns=urns),
        ),
        dfe_definition=DEFINITION,
        chart=chart_block(chart) if chart else None,
        compared_with=compared_with,
        head=_schools_head(order, as_of),
        csv_href=reverse("analytics:schools_csv")
        + "?"
        + urlencode(
            {"sort": order.sort, "order": order.order}
            | ({"as_of": as_of.value} if as_of.asked else {})
        ),
    )


def _dfe_cells(dfe: DfEComparable | None) -> list[dict[str, str]]:
    return [
        {"text": pct(dfe.persistent_pct if dfe else None), "format": "numeric"},
        {"text": pct(dfe.severe_pct if dfe else None), "format": "numeric"},
    ]


def _total_row(name: str, figures: Headline, met: int, dfe: DfEComparable) -> list[dict[str, str]]:
    return [
        {"text": name},
        {"text": count(figures.enrolments), "format": "numeric"},
        {"text": pct(figures.attendance_pct), "format": "numeric"},
        {"text": pct(figures.unauthorised_pct), "format": "numeric"},
        {"text": pct(figures.persistent_pct), "format": "numeric"},
        {"text": pct(figures.severe_pct), "format": "numeric"},
        {"text": count(met), "format": "numeric"},
        *_dfe_cells(dfe),
    ]


def _totals(
    scope: Scope,
    enrolments: pl.DataFrame,
    area: pl.DataFrame,
    met: set[str],
    area_name: str,
    *,
    dfe_of: Callable[[list[str]], DfEComparable],
) -> list[list[dict[str, str]]]:
    """The whole LA, and (for a trust or group of schools) those schools together."""
    rows = []
    if scope.level != "authority" and len(scope.schools) > 1:
        mine = at(enrolments, scope.urns)
        rows.append(
            _total_row(
                "These schools together", headline(mine), met_count(mine, met), dfe_of(scope.urns)
            )
        )
    area_urns = authority_urns(schools=scope.schools)
    rows.append(
        _total_row(
            f"{area_name} (all schools)", headline(area), met_count(area, met), dfe_of(area_urns)
        )
    )
    return rows


def _heading(scope: Scope) -> str:
    if not scope.schools:
        return "Attendance"
    if scope.level == "authority":
        return sorted({s.local_authority.name for s in scope.schools})[0]
    if scope.level == "trust":
        trusts = sorted({s.trust.name for s in scope.schools if s.trust})
        return trusts[0] if len(trusts) == 1 else "Your academies"
    return "Your schools"
