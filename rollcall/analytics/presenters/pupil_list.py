"""The school dashboard's list of pupils: which are shown, in what order, as table and CSV.

Filtering and sorting are query parameters, so every view of the list has its own address and
the CSV download (same parameters) holds exactly the rows and cells on screen.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import numpy as np
from django.urls import reverse
from markupsafe import Markup

from rollcall.accounts.selectors import User
from rollcall.analytics.figures.school import PupilLine, school_pupil_lines
from rollcall.analytics.figures.threshold import SavedLaw
from rollcall.analytics.presenters.common import AsOf, link, pct, query_string, short_date, tag_html
from rollcall.analytics.selectors import RosterPupil, school_roster
from rollcall.analytics.source import pupils_law
from rollcall.engine import MarkMatrix
from rollcall.engine.dfe_comparable import DEFINITION
from rollcall.organisations.models import School
from rollcall.policies import load_profile
from rollcall.pupils.services import YEAR_GROUPS

FLAGS = {
    "concern": "Any concern",
    "persistent": "Persistent absence (10% or more)",
    "severe": "Severe absence (50% or more)",
    "threshold": "National threshold met",
    "continuous": "10 school days' continuous absence",
    "uncorrected_n": "N codes not corrected",
    "all": "All pupils on roll",
}
SEN = {
    "": "Any",
    "any": "SEN support or EHC plan",
    "K": "SEN support",
    "E": "EHC plan",
    "N": "No SEN",
}
YES_NO = {"": "Any", "yes": "Yes", "no": "No"}
COLUMNS = {
    "name": "Pupil",
    "year": "Year",
    "attendance": "Attendance",
    "authorised": "Authorised",
    "unauthorised": "Unauthorised",
    "late": "Late L / U",
    "threshold": "National threshold",
    "concerns": "Concerns",
}
NUMERIC = {"attendance", "authorised", "unauthorised"}


@dataclass(frozen=True)
class Line:
    pupil: RosterPupil
    figures: PupilLine


def _concerns(line: PupilLine) -> list[tuple[str, str]]:
    found = []
    if line.severe:
        found.append(("Severe absence", "red"))
    elif line.persistent:
        found.append(("Persistent absence", "orange"))
    if line.threshold_met_on:
        found.append(
            ("Threshold met (provisional)", "orange")
            if line.threshold_provisional
            else ("Threshold met", "red")
        )
    if line.continuous_absence:
        found.append((f"{line.absent_days_running} days absent", "red"))
    if line.uncorrected_n:
        found.append(("N not corrected", "yellow"))
    return found


FLAG_TESTS: dict[str, Callable[[PupilLine], bool]] = {
    "concern": lambda f: bool(_concerns(f)),
    "persistent": lambda f: f.persistent,
    "severe": lambda f: f.severe,
    "threshold": lambda f: f.threshold_met_on is not None,
    "continuous": lambda f: f.continuous_absence,
    "uncorrected_n": lambda f: f.uncorrected_n,
    "all": lambda f: True,
}


def _threshold_text(line: PupilLine) -> str:
    if line.threshold_met_on:
        text = f"Met {short_date(line.threshold_met_on)}"
        if line.threshold_provisional:
            text += " (provisional: N)"
        if line.threshold_occasions > 1:
            text += f", {line.threshold_occasions} occasions"
        return text
    return f"{line.threshold_in_window} in window"


SORT_KEYS: dict[str, Callable[[Line], Any]] = {
    "name": lambda line: line.pupil.sort_name,
    "year": lambda line: year_order(line.pupil.year_group),
    "attendance": lambda line: line.figures.attendance_pct or 0.0,
    "authorised": lambda line: line.figures.authorised,
    "unauthorised": lambda line: line.figures.unauthorised,
    "late": lambda line: line.figures.late_before_close + line.figures.late_after_close,
    # Not met (by how close) before met (by date).
    "threshold": lambda line: (
        (1, line.figures.threshold_met_on.toordinal())
        if line.figures.threshold_met_on
        else (0, line.figures.threshold_in_window)
    ),
    "concerns": lambda line: len(_concerns(line.figures)),
}


@dataclass(frozen=True)
class Filters:
    flag: str
    year: str
    sen: str
    fsm: str
    eal: str
    sort: str
    order: str

    def as_query(self, as_of: AsOf) -> dict[str, str | None]:
        return {
            "as_of": as_of.value if as_of.asked else None,
            "flag": self.flag,
            "year": self.year,
            "sen": self.sen,
            "fsm": self.fsm,
            "eal": self.eal,
            "sort": self.sort,
            "order": self.order,
        }


def filters_from(query: Mapping[str, str]) -> Filters:
    def pick(name: str, allowed: Mapping[str, str] | set[str], default: str) -> str:
        value = query.get(name, default)
        return value if value in allowed else default

    return Filters(
        flag=pick("flag", FLAGS, "concern"),
        year=pick("year", set(YEAR_GROUPS) | {""}, ""),
        sen=pick("sen", SEN, ""),
        fsm=pick("fsm", YES_NO, ""),
        eal=pick("eal", YES_NO, ""),
        sort=pick("sort", COLUMNS, "attendance"),
        order=pick("order", {"asc", "desc"}, "asc"),
    )


def _matches(line: Line, filters: Filters) -> bool:
    pupil = line.pupil
    if not FLAG_TESTS[filters.flag](line.figures):
        return False
    if filters.year and pupil.year_group != filters.year:
        return False
    if filters.sen == "any" and pupil.sen_provision == "N":
        return False
    if filters.sen in ("K", "E", "N") and pupil.sen_provision != filters.sen:
        return False
    for wanted, value in (
        (filters.fsm, pupil.free_school_meals),
        (filters.eal, pupil.english_additional_language),
    ):
        if wanted and (wanted == "yes") != value:
            return False
    return True


@dataclass(frozen=True)
class Lines:
    shown: list[Line]  # the pupils listed, in order
    on_roll: list[Line]  # every pupil on roll with sessions this school year
    met_threshold: int  # pupils with sessions here this year (leavers too) who met it


def pupil_lines(
    *,
    user: User,
    school: School,
    matrix: MarkMatrix,
    as_of: AsOf,
    filters: Filters,
    saved: SavedLaw | None = None,
) -> Lines:
    law, saved = pupils_law(
        saved, matrix=matrix, upns=_upns_at(matrix, school.urn), as_of=as_of.date
    )
    figures = school_pupil_lines(
        matrix,
        urn=school.urn,
        as_of=as_of.date,
        law=law,
        profile=load_profile(school.effective_policy_profile),
        saved=saved,
    )
    roster = school_roster(user=user, school=school, on=as_of.date)
    lines = [Line(p, figures[p.upn]) for p in roster if p.upn in figures]
    shown = [line for line in lines if _matches(line, filters)]
    shown.sort(key=SORT_KEYS["name"])
    shown.sort(key=SORT_KEYS[filters.sort], reverse=filters.order == "desc")
    met = sum(1 for line in figures.values() if line.threshold_met_on is not None)
    return Lines(shown, lines, met)


def _upns_at(matrix: MarkMatrix, urn: str) -> set[str]:
    here = np.flatnonzero(matrix.schools.astype(str) == urn)
    rows = np.isin(matrix.row_school, here)
    return {str(upn) for upn in matrix.pupils[np.unique(matrix.row_pupil[rows])]}


@functools.cache
def _pupil_href_prefix() -> str:
    # Resolving the URL once, not for each of a thousand rows.
    return reverse("analytics:pupil", args=["UPN"]).removesuffix("UPN")


def _pupil_href(upn: str) -> str:
    return _pupil_href_prefix() + quote(upn)


CSV_COLUMNS = (
    "Pupil",
    "UPN",
    *list(COLUMNS.values())[1:],
    "DfE-comparable: counted",
    "DfE-comparable persistent absence",
    "DfE-comparable severe absence",
    "DfE-comparable definition",
)


def _dfe_cells(figures: PupilLine) -> list[str]:
    """The published-style flags (engine.dfe_comparable), each with its definition: blank
    where the enrolment is outside them (not aged 5 to 15 on 31 August, or no date of birth)."""
    if not figures.dfe_counted:
        return ["No", "", "", DEFINITION]
    return [
        "Yes",
        "Yes" if figures.dfe_persistent else "No",
        "Yes" if figures.dfe_severe else "No",
        DEFINITION,
    ]


NAME = Markup('{}<br><span class="govuk-hint govuk-!-font-size-16 govuk-!-margin-0">{}</span>')


def _cells(line: Line, *, html: bool = True) -> list[tuple[str, Markup | None]]:
    """Each cell's plain text (what the CSV holds) and, where richer, its HTML."""
    pupil, figures = line.pupil, line.figures
    concerns = _concerns(figures)
    return [
        (
            pupil.name,
            NAME.format(link(_pupil_href(pupil.upn), pupil.name), pupil.upn) if html else None,
        ),
        (pupil.year_group, None),
        (pct(figures.attendance_pct), None),
        (str(figures.authorised), None),
        (str(figures.unauthorised), None),
        (f"{figures.late_before_close} / {figures.late_after_close}", None),
        (_threshold_text(figures), None),
        (
            "; ".join(text for text, _ in concerns),
            (Markup(" ").join(tag_html(text, colour) for text, colour in concerns) or None)
            if html
            else None,
        ),
    ]


def table_rows(lines: list[Line]) -> list[list[dict[str, str]]]:
    rows = []
    for line in lines:
        row = []
        for key, (words, html) in zip(COLUMNS, _cells(line), strict=True):
            cell: dict[str, str] = {"text": words}
            if html is not None:
                cell["html"] = html
            if key in NUMERIC:
                cell["format"] = "numeric"
            row.append(cell)
        rows.append(row)
    return rows


def table_head(filters: Filters, as_of: AsOf) -> list[dict[str, Any]]:
    """Column headings that sort the list, saying which way it is sorted (aria-sort)."""
    head = []
    query = filters.as_query(as_of)
    for key, name in COLUMNS.items():
        active = key == filters.sort
        order = "desc" if active and filters.order == "asc" else "asc"
        arrow = ("\u25b2" if filters.order == "asc" else "\u25bc") if active else ""
        words = Markup('{} <span aria-hidden="true">{}</span>').format(name, arrow)
        head.append(
            {
                "html": link(query_string(query, sort=key, order=order), words),
                "attributes": {
                    "aria-sort": (
                        ("ascending" if filters.order == "asc" else "descending")
                        if active
                        else "none"
                    )
                },
                "format": "numeric" if key in NUMERIC else "",
            }
        )
    return head


def csv_text(lines: list[Line]) -> str:
    """The rows and cells of the table on screen; the UPN (under each name there) has its own
    column, so the file sorts and matches in a spreadsheet; then the DfE-comparable flags."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for line in lines:
        cells = [words for words, _ in _cells(line, html=False)]
        values = [cells[0], line.pupil.upn, *cells[1:], *_dfe_cells(line.figures)]
        writer.writerow([safe_cell(value) for value in values])
    return out.getvalue()


# A cell starting with one of these could run as a formula in a spreadsheet (OWASP, "CSV
# Injection": = + - @, and tab and carriage return, which some spreadsheets skip first).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    return "'" + value if value[:1] in FORMULA_STARTS else value


def year_order(year: str) -> int:
    return YEAR_GROUPS.index(year) if year in YEAR_GROUPS else len(YEAR_GROUPS)
