"""The attendance certificate: a headteacher's signed extract of one pupil's register.

Courts and LA panels ask for it (seeds LEE, HAC, SEF). `certificate_content` turns records into
plain data (pure: the caller passes the marks, calendar and dates in); `certificate_render`
makes the PDF from the versioned template in templates/certificates/. Change the template's
look or wording only with a new version, so a certificate's stored hash and version say exactly
what was issued.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from rollcall import statutory
from rollcall.engine.sessions import session_figures
from rollcall.organisations.calendar import SESSIONS, SchoolCalendar
from rollcall.organisations.models import School
from rollcall.pupils.models import Enrolment, Pupil
from rollcall.registers.models import Mark

EN_DASH = "\u2013"
# WeasyPrint reports each layout step at INFO, which is noise in rollcall's logs.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Certificates are court evidence: a change of layout or content is a new version, and the old
# version's files stay as they were. Version 2 adds the school's postal address.
TEMPLATE = "certificates/attendance-v2.html"
TEMPLATE_VERSION = "attendance-certificate/2"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")
CATEGORY_CLASSES = {
    statutory.Category.PRESENT: "present",
    statutory.Category.AEA: "aea",
    statutory.Category.AUTHORISED: "authorised",
    statutory.Category.UNAUTHORISED: "unauthorised",
    statutory.Category.NOT_COUNTED: "not-counted",
}


@dataclass(frozen=True)
class Cell:
    text: str
    css: str


@dataclass(frozen=True)
class WeekRow:
    label: str  # "2 Sep 2024", or "21 Oct - 3 Nov 2024" for a run of weeks with no sessions
    cells: list[Cell]  # ten: Monday AM … Friday PM; empty for a run of weeks with no sessions


@dataclass(frozen=True)
class LegendRow:
    code: str
    meaning: str
    category: str


@dataclass(frozen=True)
class AmendmentRow:
    session: str
    original: str
    new: str
    by: str
    at: str
    reason: str


@dataclass(frozen=True)
class TotalRow:
    label: str
    sessions: int
    percent: str


@dataclass(frozen=True)
class CertificateContent:
    reference: str
    template_version: str
    school_name: str
    school_urn: str
    school_laestab: str
    school_address: str  # one line, parts separated by commas; "" when not recorded
    local_authority: str
    pupil_name: str
    upn: str
    date_of_birth: str
    on_roll: list[str]
    period: str
    weeks: list[WeekRow]
    legend: list[LegendRow]
    totals: list[TotalRow]
    attendance_rate: str
    possible: int
    amendments: list[AmendmentRow]
    statement: str
    headteacher: str
    generated: str


def _day(value: dt.date) -> str:
    return f"{value:%-d %B %Y}"


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else EN_DASH


def _when(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%-d %b %Y %H:%M}"


def _cell(
    day: dt.date,
    session: str,
    first: dt.date,
    last: dt.date,
    marks: dict[tuple[dt.date, str], Mark],
    enrolments: Sequence[Enrolment],
    calendar: SchoolCalendar,
) -> Cell:
    if not first <= day <= last:
        return Cell("", "outside")
    mark = marks.get((day, session))
    if mark is not None:
        category = statutory.code_on(mark.code, day).category
        amended = mark.was_amended or bool(mark.amendments.all())
        return Cell(mark.code + ("*" if amended else ""), CATEGORY_CLASSES[category])
    if not any(enrolment.on_roll(day) for enrolment in enrolments):
        return Cell("", "off-roll")
    if not calendar.is_open(day, session):
        return Cell(EN_DASH, "closed")
    return Cell("?", "missing")


def _weeks(
    first: dt.date,
    last: dt.date,
    marks: dict[tuple[dt.date, str], Mark],
    enrolments: Sequence[Enrolment],
    calendar: SchoolCalendar,
) -> list[WeekRow]:
    rows: list[WeekRow] = []
    quiet: list[dt.date] = []  # a run of weeks with no sessions, shown as one line

    def flush() -> None:
        if quiet:
            start, end = quiet[0], quiet[-1] + dt.timedelta(days=6)
            same_year = start.year == end.year
            label = f"{start:%-d %b}{'' if same_year else f' {start:%Y}'} {EN_DASH} {end:%-d %b %Y}"
            rows.append(WeekRow(label=label, cells=[]))
            quiet.clear()

    monday = first - dt.timedelta(days=first.weekday())
    while monday <= last:
        cells = [
            _cell(
                monday + dt.timedelta(days=offset),
                session,
                first,
                last,
                marks,
                enrolments,
                calendar,
            )
            for offset in range(5)
            for session in SESSIONS
        ]
        if all(cell.css in ("outside", "closed", "off-roll") for cell in cells):
            quiet.append(monday)
        else:
            flush()
            rows.append(WeekRow(label=f"{monday:%-d %b %Y}", cells=cells))
        monday += dt.timedelta(days=7)
    flush()
    return rows


def _before_2024_regulations(day: dt.date) -> bool:
    try:
        return statutory.on(day).registers is None
    except statutory.BeforeStatutoryData:
        return True


def certificate_content(
    *,
    reference: str,
    school: School,
    pupil: Pupil,
    first: dt.date,
    last: dt.date,
    marks: Sequence[Mark],
    enrolments: Sequence[Enrolment],
    calendar: SchoolCalendar,
    headteacher: str,
    generated_at: dt.datetime,
    generated_by: str,
) -> CertificateContent:
    by_session = {(mark.date, mark.session): mark for mark in marks}
    counted = session_figures((mark.date, mark.code) for mark in marks)
    counts = {
        statutory.Category.PRESENT: counted.present,
        statutory.Category.AEA: counted.approved_educational_activity,
        statutory.Category.AUTHORISED: counted.authorised_absence,
        statutory.Category.UNAUTHORISED: counted.unauthorised_absence,
        statutory.Category.NOT_COUNTED: counted.not_counted,
    }
    legend: dict[tuple[str, str], tuple[int, LegendRow]] = {}
    order = list(statutory.Category)
    amendments: list[AmendmentRow] = []
    for mark in marks:
        entry = statutory.code_on(mark.code, mark.date)
        legend.setdefault(
            (mark.code, entry.meaning),
            (
                order.index(entry.category),
                LegendRow(mark.code, entry.meaning, entry.category.label),
            ),
        )
        for amendment in mark.amendments.all():
            role = f", {amendment.amended_by_role}" if amendment.amended_by_role else ""
            amendments.append(
                AmendmentRow(
                    session=f"{mark.date:%a %-d %b %Y} {mark.session}",
                    original=amendment.previous_code,
                    new=amendment.new_code,
                    by=f"{amendment.amended_by_label}{role}",
                    at=_when(amendment.amended_at),
                    reason=amendment.reason,
                )
            )
    possible = counted.possible
    totals = [
        TotalRow(category.label, counts[category], _percent(counts[category], possible))
        for category in (
            statutory.Category.PRESENT,
            statutory.Category.AEA,
            statutory.Category.AUTHORISED,
            statutory.Category.UNAUTHORISED,
        )
    ]
    not_counted = TotalRow(
        statutory.Category.NOT_COUNTED.label, counts[statutory.Category.NOT_COUNTED], ""
    )
    attended = counts[statutory.Category.PRESENT] + counts[statutory.Category.AEA]
    regulations = "the School Attendance (Pupil Registration) (England) Regulations 2024"
    # The 2024 regulations' register duties are in force from their first era (statutory data);
    # before it the 2006 regulations governed the register.
    if _before_2024_regulations(first):
        regulations += (
            " and, for sessions before 19 August 2024, the Education (Pupil Registration) "
            "(England) Regulations 2006"
        )
    on_roll = [
        f"From {_day(e.admitted_on)}" + (f" to {_day(e.left_on)}" if e.left_on else "")
        for e in enrolments
    ]
    return CertificateContent(
        reference=reference,
        template_version=TEMPLATE_VERSION,
        school_name=school.name,
        school_urn=school.urn,
        school_laestab=school.laestab,
        school_address=", ".join(
            part
            for part in (school.address_line_1, school.address_line_2, school.town, school.postcode)
            if part
        ),
        local_authority=school.local_authority.name,
        pupil_name=f"{pupil.legal_forename} {pupil.legal_surname}",
        upn=pupil.upn,
        date_of_birth=_day(pupil.date_of_birth),
        on_roll=on_roll,
        period=f"{_day(first)} to {_day(last)}",
        weeks=_weeks(first, last, by_session, enrolments, calendar),
        legend=[
            row for _, row in sorted(legend.values(), key=lambda item: (item[0], item[1].code))
        ],
        totals=[*totals, not_counted],
        attendance_rate=_percent(attended, possible),
        possible=possible,
        amendments=amendments,
        statement=(
            f"I certify that the particulars above are a true extract of the attendance register "
            f"kept by {school.name} under {regulations}, for the period {_day(first)} to "
            f"{_day(last)}."
        ),
        headteacher=headteacher,
        generated=f"{_when(generated_at)} by {generated_by}",
    )


def certificate_render(content: CertificateContent) -> bytes:
    """The PDF (A4, with the school and pupil on every page and 'Page x of y')."""
    from weasyprint import HTML

    html = render_to_string(TEMPLATE, {"c": content, "weekdays": WEEKDAYS})
    return HTML(string=html).write_pdf()
