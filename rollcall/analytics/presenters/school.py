"""The school dashboard: headline figures against the LA, and the school's pupils by concern."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from django.core.paginator import Paginator
from django.urls import reverse

from rollcall.accounts.selectors import User
from rollcall.analytics.figures.authority import at
from rollcall.analytics.figures.prepared import YearFigures
from rollcall.analytics.figures.school import Headline, headline
from rollcall.analytics.figures.threshold import SavedLaw
from rollcall.analytics.presenters.common import AsOf, count, pct, points, query_string
from rollcall.analytics.presenters.pupil_list import (
    FLAGS,
    SEN,
    YES_NO,
    Filters,
    pupil_lines,
    table_head,
    table_rows,
    year_order,
)
from rollcall.analytics.selectors import authority_urns, dates_of_birth, worklist_items
from rollcall.casework.worklist import page_links
from rollcall.engine import MarkMatrix
from rollcall.engine.dfe_comparable import DEFINITION, DfEComparable
from rollcall.engine.school_age import DatesOfBirth
from rollcall.organisations.models import School

PUPILS_A_PAGE = 200


@dataclass(frozen=True)
class Choice:
    value: str
    text: str
    selected: bool


@dataclass(frozen=True)
class SchoolPage:
    school: School
    as_of: AsOf
    headline: list[list[dict[str, str]]]
    authority_name: str
    filters: Filters
    choices: dict[str, list[Choice]]
    head: list[dict[str, Any]]
    rows: list[list[dict[str, str]]]
    shown: int
    on_roll: int
    csv_href: str
    open_items: int
    worklist_href: str
    first: int  # the place of the first pupil on this page of the list, from 1
    pagination: dict[str, object]

    @property
    def keep(self) -> dict[str, str | None]:
        """The list's filters, kept when the as-of date changes."""
        return {k: v for k, v in self.filters.as_query(self.as_of).items() if k != "as_of"}

    @property
    def open_items_text(self) -> str:
        return f"{count(self.open_items)} open item{'' if self.open_items == 1 else 's'}"

    @property
    def count_text(self) -> str:
        return (
            f"Showing {count(self.shown)} of the {count(self.on_roll)} pupils on roll with "
            "sessions this school year."
        )

    @property
    def page_text(self) -> str:
        """Which pupils of the list this page shows, when the list runs to more than a page."""
        if not self.pagination:
            return ""
        last = self.first + len(self.rows) - 1
        return (
            f"Pupils {count(self.first)} to {count(last)} of {count(self.shown)} are on this page."
        )

    @property
    def caption(self) -> str:
        return f"Pupils at {self.school.name}: {FLAGS[self.filters.flag].lower()}"


def school_page(
    *,
    user: User,
    school: School,
    year: YearFigures,
    as_of: AsOf,
    filters: Filters,
    page_number: str | None = None,
    saved: SavedLaw | None = None,
) -> SchoolPage:
    found = pupil_lines(
        user=user, school=school, matrix=year.matrix, as_of=as_of, filters=filters, saved=saved
    )
    shown, on_roll = found.shown, found.on_roll
    # A long list a page at a time (the CSV has every pupil): a secondary school's pupils
    # with a concern run to well over a thousand rows.
    paginator = Paginator(shown, PUPILS_A_PAGE)
    page = paginator.get_page(page_number)
    enrolments = year.enrolments(as_of.date)
    here = at(enrolments, [school.urn])
    area_urns = authority_urns(schools=[school])
    area = at(enrolments, area_urns)
    met_here = found.met_threshold
    born = cache(lambda: _area_born(year.matrix, area_urns))
    dfe_here = year.dfe_at(as_of.date, born, urns=[school.urn])
    dfe_area = year.dfe_at(as_of.date, born, urns=area_urns)
    years = sorted({line.pupil.year_group for line in on_roll}, key=year_order)
    query = filters.as_query(as_of)
    return SchoolPage(
        school=school,
        as_of=as_of,
        headline=_headline(headline(here), headline(area), met_here)
        + _dfe_rows(dfe_here, dfe_area),
        authority_name=school.local_authority.name,
        filters=filters,
        choices={
            "flag": _choices(FLAGS, filters.flag),
            "year": _choices({"": "Any", **{y: _year_name(y) for y in years}}, filters.year),
            "sen": _choices(SEN, filters.sen),
            "fsm": _choices(YES_NO, filters.fsm),
            "eal": _choices(YES_NO, filters.eal),
        },
        head=table_head(filters, as_of),
        rows=table_rows(list(page)),
        shown=len(shown),
        on_roll=len(on_roll),
        csv_href=reverse("analytics:school_csv", args=[school.urn]) + query_string(query),
        open_items=worklist_items(user=user, urn=school.urn).count(),
        worklist_href=reverse("analytics:worklist") + query_string({"school": school.urn}),
        first=page.start_index(),
        pagination=page_links(
            page.number,
            paginator.num_pages,
            {key: value for key, value in query.items() if value is not None},
        ),
    )


def _area_born(matrix: MarkMatrix, area_urns: list[str]) -> DatesOfBirth:
    """The dates of birth of the pupils at the school's area's schools, for the published-style
    figures (engine.dfe_comparable) when they were not prepared with the store."""
    wanted = np.isin(matrix.schools.astype(str), area_urns)
    area_rows = np.flatnonzero(wanted[matrix.row_school])
    upns = {str(u) for u in matrix.pupils[np.unique(matrix.row_pupil[area_rows])]}
    return dates_of_birth(upns=upns)


def _dfe_rows(here: DfEComparable, area: DfEComparable) -> list[list[dict[str, str]]]:
    def row(name: str, mine: float | None, theirs: float | None) -> list[dict[str, str]]:
        difference = None if mine is None or theirs is None else mine - theirs
        return [
            {"text": name},
            {"text": pct(mine), "format": "numeric"},
            {"text": pct(theirs), "format": "numeric"},
            {"text": points(difference), "format": "numeric"},
        ]

    return [
        row(
            f"Persistent absence, DfE-comparable ({DEFINITION})",
            here.persistent_pct,
            area.persistent_pct,
        ),
        row("Severe absence, DfE-comparable (as above)", here.severe_pct, area.severe_pct),
    ]


def _year_name(year: str) -> str:
    return (
        "Reception"
        if year == "R"
        else f"Nursery {year[1]}"
        if year.startswith("N")
        else f"Year {year}"
    )


def _choices(options: Mapping[str, str], chosen: str) -> list[Choice]:
    return [Choice(value, words, value == chosen) for value, words in options.items()]


def _headline(school: Headline, area: Headline, met: int) -> list[list[dict[str, str]]]:
    def row(name: str, mine: float | None, theirs: float | None) -> list[dict[str, str]]:
        difference = None if mine is None or theirs is None else mine - theirs
        return [
            {"text": name},
            {"text": pct(mine), "format": "numeric"},
            {"text": pct(theirs), "format": "numeric"},
            {"text": points(difference), "format": "numeric"},
        ]

    return [
        row("Attendance", school.attendance_pct, area.attendance_pct),
        row("Authorised absence", school.authorised_pct, area.authorised_pct),
        row("Unauthorised absence", school.unauthorised_pct, area.unauthorised_pct),
        row(
            "Persistent absence rate (pupils 10% or more absent)",
            school.persistent_pct,
            area.persistent_pct,
        ),
        row("Severe absence rate (pupils 50% or more absent)", school.severe_pct, area.severe_pct),
        [
            {"text": "Pupils with sessions this school year"},
            {"text": count(school.enrolments), "format": "numeric"},
            {"text": count(area.enrolments), "format": "numeric"},
            {"text": ""},
        ],
        [
            {"text": "Pupils who have met the national threshold this school year"},
            {"text": count(met), "format": "numeric"},
            {"text": ""},
            {"text": ""},
        ],
    ]
