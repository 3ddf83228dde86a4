"""The cohort page: absence and persistent absence for groups of pupils, against the LA."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from rollcall.accounts.selectors import User
from rollcall.analytics.charts import Bar, bar_chart
from rollcall.analytics.figures.authority import at, cohort_figures
from rollcall.analytics.figures.prepared import YearFigures
from rollcall.analytics.presenters.common import AsOf, ChartBlock, chart_block, count, pct, points
from rollcall.analytics.selectors import (
    Scope,
    authority_urns,
    cohort_characteristics,
    school_names,
    visible_urns,
)
from rollcall.pupils.services import YEAR_GROUPS

CHARACTERISTICS = {
    "year_group": "Year group",
    "sex": "Sex",
    "sen_provision": "SEN provision",
    "free_school_meals": "Free school meals",
    "english_additional_language": "English as an additional language",
    "looked_after": "Looked after",
    "child_in_need": "Child in need",
    "school_urn": "School",
    "trust": "Trust",
}
# How each characteristic reads in a sentence ("absence by year group and free school meals").
PHRASES = {
    **{name: label.lower() for name, label in CHARACTERISTICS.items()},
    "sen_provision": "SEN provision",
    "english_additional_language": "English as an additional language",
    "looked_after": "looked-after status",
    "child_in_need": "child-in-need status",
}
# Short names for the bars of a chart, where two characteristics share one label.
SHORT = {
    "sen_provision": {
        "No special educational needs": "No SEN",
        "Education, health and care plan": "EHC plan",
    },
    "free_school_meals": {"Yes": "FSM", "No": "Not FSM"},
    "english_additional_language": {"Yes": "EAL", "No": "Not EAL"},
    "looked_after": {"Yes": "Looked after", "No": "Not looked after"},
    "child_in_need": {"Yes": "Child in need", "No": "Not child in need"},
}
SEN_ORDER = ("No special educational needs", "SEN support", "Education, health and care plan")
SAME_TWICE = "Choose a different characteristic to group by second, or none"


@dataclass(frozen=True)
class CohortChoice:
    first: str
    second: str
    error: str | None

    @property
    def by(self) -> list[str]:
        return [self.first, self.second] if self.second else [self.first]


def choice_from(query: Mapping[str, str]) -> CohortChoice:
    first = query.get("by", "year_group")
    first = first if first in CHARACTERISTICS else "year_group"
    second = query.get("then", "")
    second = second if second in CHARACTERISTICS else ""
    if second == first:
        return CohortChoice(first, "", SAME_TWICE)
    return CohortChoice(first, second, None)


@dataclass(frozen=True)
class CohortPage:
    as_of: AsOf
    choice: CohortChoice
    options: dict[str, list[dict[str, object]]]
    head: list[dict[str, str]]
    rows: list[list[dict[str, str]]]
    authority_row: list[dict[str, str]]
    authority_name: str
    absence_chart: ChartBlock | None
    persistent_chart: ChartBlock | None

    @property
    def errors(self) -> list[dict[str, str]]:
        found = []
        if self.as_of.error:
            found.append({"text": self.as_of.error, "href": "#as_of"})
        if self.choice.error:
            found.append({"text": self.choice.error, "href": "#then"})
        return found

    @property
    def described(self) -> str:
        return " and ".join(PHRASES[name] for name in self.choice.by)


def cohort_page(
    *, user: User, scope: Scope, year: YearFigures, as_of: AsOf, choice: CohortChoice
) -> CohortPage:
    enrolments = year.enrolments(as_of.date)
    mine = at(enrolments, scope.urns)
    area = at(enrolments, authority_urns(schools=scope.schools))
    names = school_names(urns=scope.urns)
    figures = cohort_figures(
        mine,
        year.characteristics(
            as_of.date,
            urns=visible_urns(user=user),
            read=lambda: cohort_characteristics(user=user, on=as_of.date),
        ),
        by=choice.by,
        authority_enrolments=area,
    )
    table = _ordered(figures.table, choice.by)
    labels = [_label(row, choice.by, names) for row in table.iter_rows(named=True)]
    totals = figures.authority
    area_name = " and ".join(sorted({s.local_authority.name for s in scope.schools})) or "LA"
    head = [{"text": CHARACTERISTICS[name]} for name in choice.by] + [
        {"text": "Pupils", "format": "numeric"},
        {"text": "Absence", "format": "numeric"},
        {"text": "Absence against the LA", "format": "numeric"},
        {"text": "Persistent absence rate", "format": "numeric"},
        {"text": "Persistent absence against the LA", "format": "numeric"},
    ]
    rows = [
        [{"text": _value(name, row[name], names)} for name in choice.by]
        + [
            {"text": count(row["enrolments"]), "format": "numeric"},
            {"text": pct(row["absence_pct"]), "format": "numeric"},
            {"text": points(row["absence_pct_vs_authority"]), "format": "numeric"},
            {"text": pct(row["persistent_pct"]), "format": "numeric"},
            {"text": points(row["persistent_pct_vs_authority"]), "format": "numeric"},
        ]
        for row in table.iter_rows(named=True)
    ]
    authority_row = [
        {"text": f"{area_name} (all pupils)", "colspan": str(len(choice.by))},
        {"text": count(int(totals["enrolments"] or 0)), "format": "numeric"},
        {"text": pct(_float(totals["absence_pct"])), "format": "numeric"},
        {"text": "", "format": "numeric"},
        {"text": pct(_float(totals["persistent_pct"])), "format": "numeric"},
        {"text": "", "format": "numeric"},
    ]
    described = " and ".join(PHRASES[name] for name in choice.by)
    charts = [
        bar_chart(
            [
                Bar(label, row[column])
                for label, row in zip(labels, table.iter_rows(named=True), strict=True)
            ],
            chart_id=chart_id,
            title=f"{measure} by {described}, {as_of.period}",
            measure=measure,
            reference=_float(totals[column]),
            reference_label="LA",
        )
        if table.height
        else None
        for chart_id, column, measure in (
            ("absence-by-cohort", "absence_pct", "Overall absence"),
            ("persistent-absence-by-cohort", "persistent_pct", "Persistent absence rate"),
        )
    ]
    return CohortPage(
        as_of=as_of,
        choice=choice,
        options={
            "by": _options(CHARACTERISTICS, choice.first),
            "then": _options({"": "Nothing else", **CHARACTERISTICS}, choice.second),
        },
        head=head,
        rows=rows,
        authority_row=authority_row,
        authority_name=area_name,
        absence_chart=chart_block(charts[0]) if charts[0] else None,
        persistent_chart=chart_block(charts[1]) if charts[1] else None,
    )


def _float(value: float | int | None) -> float | None:
    return None if value is None else float(value)


def _options(options: Mapping[str, str], chosen: str) -> list[dict[str, object]]:
    return [
        {"value": value, "text": words, "selected": value == chosen}
        for value, words in options.items()
    ]


def _order_key(name: str, value: str | None) -> tuple[int, str]:
    if value is None:
        return (999, "")
    if name == "year_group" and value in YEAR_GROUPS:
        return (YEAR_GROUPS.index(value), value)
    if name == "sen_provision" and value in SEN_ORDER:
        return (SEN_ORDER.index(value), value)
    return (0, value)


def _ordered(table: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    if table.height == 0:
        return table
    order = sorted(
        range(table.height),
        key=lambda i: tuple(_order_key(name, table[name][i]) for name in by),
    )
    return table[order]


def _value(name: str, value: str | None, names: Mapping[str, str]) -> str:
    if value is None:
        return "Not recorded"
    if name == "school_urn":
        return names.get(value, value)
    if name == "year_group":
        return "Reception" if value == "R" else value if value.startswith("N") else f"Year {value}"
    return value


def _label(row: dict[str, object], by: list[str], names: Mapping[str, str]) -> str:
    parts = []
    for name in by:
        value = _value(name, row[name], names)  # type: ignore[arg-type]
        parts.append(SHORT.get(name, {}).get(value, value))
    return " \u00b7 ".join(parts)
