"""The authority (or trust) dashboard: every school the user may see, side by side."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.urls import reverse

from rollcall.analytics.charts import Bar, bar_chart
from rollcall.analytics.figures.authority import at, met_count, school_lines, threshold_met_upns
from rollcall.analytics.figures.school import Headline, headline, year_enrolments
from rollcall.analytics.presenters.common import AsOf, ChartBlock, chart_block, count, link, pct
from rollcall.analytics.selectors import Scope, authority_urns
from rollcall.engine import MarkMatrix


@dataclass(frozen=True)
class AuthorityPage:
    heading: str
    as_of: AsOf
    rows: list[list[dict[str, str]]]
    totals: list[list[dict[str, str]]]
    chart: ChartBlock | None
    compared_with: str


def authority_page(*, scope: Scope, matrix: MarkMatrix, as_of: AsOf) -> AuthorityPage:
    schools = {school.urn: school for school in scope.schools}
    enrolments = year_enrolments(matrix, as_of=as_of.date)
    met = set(threshold_met_upns(matrix, as_of=as_of.date))
    lines = school_lines(enrolments, urns=list(schools), met_upns=met)
    area_enrolments = at(enrolments, authority_urns(schools=scope.schools))
    area = headline(area_enrolments)
    authorities = sorted({school.local_authority.name for school in scope.schools})
    compared_with = " and ".join(authorities) or "the local authority"
    rows = []
    for line in sorted(lines, key=lambda line: schools[line.urn].name):
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
        totals=_totals(scope, enrolments, area_enrolments, met, compared_with),
        chart=chart_block(chart) if chart else None,
        compared_with=compared_with,
    )


def _total_row(name: str, figures: Headline, met: int) -> list[dict[str, str]]:
    return [
        {"text": name},
        {"text": count(figures.enrolments), "format": "numeric"},
        {"text": pct(figures.attendance_pct), "format": "numeric"},
        {"text": pct(figures.unauthorised_pct), "format": "numeric"},
        {"text": pct(figures.persistent_pct), "format": "numeric"},
        {"text": pct(figures.severe_pct), "format": "numeric"},
        {"text": count(met), "format": "numeric"},
    ]


def _totals(
    scope: Scope,
    enrolments: pl.DataFrame,
    area: pl.DataFrame,
    met: set[str],
    area_name: str,
) -> list[list[dict[str, str]]]:
    """The whole LA, and (for a trust or group of schools) those schools together."""
    rows = []
    if scope.level != "authority" and len(scope.schools) > 1:
        mine = at(enrolments, scope.urns)
        rows.append(_total_row("These schools together", headline(mine), met_count(mine, met)))
    rows.append(_total_row(f"{area_name} (all schools)", headline(area), met_count(area, met)))
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
