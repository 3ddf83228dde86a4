"""The pupil page: this school year's figures, flags, threshold, weekly trend and every mark."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from rollcall.accounts.selectors import User, schools_visible_to
from rollcall.analytics.charts import Chart, TrendWeek, Window, calendar_heatmap, weekly_trend
from rollcall.analytics.figures.pupil import (
    Occasion,
    PupilYear,
    Session,
    ThresholdStatus,
    pupil_year,
)
from rollcall.analytics.figures.threshold import SavedLaw
from rollcall.analytics.presenters.common import (
    AsOf,
    ChartBlock,
    chart_block,
    count,
    long_date,
    pct,
    short_date,
)
from rollcall.analytics.selectors import pupil_enrolments, pupil_open_items, year_group_on
from rollcall.analytics.source import pupils_law
from rollcall.engine import MarkMatrix
from rollcall.organisations.calendar import SESSIONS, SchoolCalendar
from rollcall.organisations.selectors import school_calendar
from rollcall.pupils.models import Pupil
from rollcall.pupils.selectors import WelfareFlags, welfare_flags_for

SESSION_NAMES = {"AM": "morning", "PM": "afternoon"}


@dataclass(frozen=True)
class Flag:
    text: str
    colour: str


@dataclass(frozen=True)
class PupilPage:
    name: str
    upn: str
    caption: str
    year_group: str
    back_href: str
    back_text: str
    as_of: AsOf
    flags: list[Flag]
    social_worker: str
    figures: list[dict[str, dict[str, str]]]  # govukSummaryList rows
    threshold: list[str]  # the status, the current window, and when first met if earlier
    threshold_note: str
    trend: ChartBlock | None
    heatmap: ChartBlock | None
    open_items: list[dict[str, str]]
    has_marks: bool


def pupil_page(
    *,
    user: User,
    pupil: Pupil,
    matrix: MarkMatrix,
    as_of: AsOf,
    today: dt.date,
    saved: SavedLaw | None = None,
) -> PupilPage:
    enrolments = pupil_enrolments(user=user, pupil=pupil)
    welfare = welfare_flags_for(pupil=pupil, schools=schools_visible_to(user=user), on=today)
    visible = {e.school.urn for e in enrolments}
    latest = enrolments[0] if enrolments else None
    law, saved = pupils_law(saved, matrix=matrix, upns=[pupil.upn], as_of=as_of.date)
    year = pupil_year(
        matrix, upn=pupil.upn, visible_urns=visible, as_of=as_of.date, law=law, saved=saved
    )
    has_marks = year is not None and bool(year.marks)
    calendar = school_calendar(school=latest.school) if latest else None
    subject = pupil.display_name
    return PupilPage(
        name=pupil.display_name,
        upn=pupil.upn,
        caption=", ".join(sorted({e.school.name for e in enrolments})),
        year_group=(
            year_group_on(latest.year_group, latest.admitted_on, as_of.date) if latest else ""
        ),
        back_href=reverse("analytics:school", args=[latest.school.urn]) if latest else "",
        back_text=f"{latest.school.name} dashboard" if latest else "",
        as_of=as_of,
        flags=_flags(pupil, welfare),
        social_worker=welfare.social_worker if welfare else "",
        figures=_figures(year) if year else [],
        threshold=(_threshold_lines(year.threshold, year.first) if year and year.threshold else []),
        threshold_note=_threshold_note(year.threshold) if year and year.threshold else "",
        trend=chart_block(_trend(year, subject)) if year and year.weeks else None,
        heatmap=(
            chart_block(
                calendar_heatmap(
                    year.marks,
                    first=year.first,
                    last=year.last,
                    chart_id="register-calendar",
                    subject=subject,
                    describe_gap=_gap_describer(calendar),
                )
            )
            if year and has_marks
            else None
        ),
        open_items=[
            {
                "text": f"{item.label} ({short_date(item.met_on)}) at {item.school.name}",
                "href": reverse("analytics:worklist_item", args=[item.pk]),
            }
            for item in pupil_open_items(user=user, pupil=pupil)
        ],
        has_marks=has_marks,
    )


def _flags(pupil: Pupil, welfare: WelfareFlags | None) -> list[Flag]:
    """Welfare flags only where the user's schools have the pupil on roll today (`welfare`);
    SEN, free school meals and EAL are part of the school's record of its time with them."""
    flags = []
    if welfare and welfare.has_social_worker:
        flags.append(Flag("Social worker", "purple"))
    if welfare and welfare.looked_after:
        flags.append(Flag("Looked after", "purple"))
    if welfare and welfare.child_protection_plan:
        flags.append(Flag("Child protection plan", "red"))
    if welfare and welfare.child_in_need:
        flags.append(Flag("Child in need", "purple"))
    if pupil.sen_provision != Pupil.SenProvision.NONE:
        flags.append(Flag(pupil.get_sen_provision_display(), "blue"))
    if pupil.free_school_meals:
        flags.append(Flag("Free school meals", "grey"))
    if pupil.english_additional_language:
        flags.append(Flag("English as an additional language", "grey"))
    if welfare and welfare.young_carer:
        flags.append(Flag("Young carer", "yellow"))
    return flags


def _row(key: str, value: str) -> dict[str, dict[str, str]]:
    return {"key": {"text": key}, "value": {"text": value}}


def _sessions(number: int, possible: int) -> str:
    share = f" ({100 * number / possible:.1f}%)" if possible else ""
    return f"{count(number)} session{'' if number == 1 else 's'}{share}"


def _figures(year: PupilYear) -> list[dict[str, dict[str, str]]]:
    attended = year.present + year.aea
    aea = f", {count(year.aea)} of them approved educational activity" if year.aea else ""
    return [
        _row("Possible sessions", count(year.possible)),
        _row("Attendance", f"{pct(year.attendance_pct)} ({count(attended)} sessions{aea})"),
        _row("Authorised absence", _sessions(year.authorised, year.possible)),
        _row("Unauthorised absence", _sessions(year.unauthorised, year.possible)),
        _row(
            "Late",
            f"{count(year.late_before_close)} before the register closed (L), "
            f"{count(year.late_after_close)} after it closed (U)",
        ),
        _row(
            "Persistent absence",
            "Yes: 10% or more of sessions missed" if year.persistent else "No (under 10% missed)",
        ),
        _row(
            "Severe absence",
            "Yes: 50% or more of sessions missed" if year.severe else "No (under 50% missed)",
        ),
    ]


def _threshold_lines(status: ThresholdStatus, year_start: dt.date) -> list[str]:
    """The status this school year, each occasion with its first and last session and any
    provisional (N) sessions, the count now, when it was first met if before this school
    year, and whether compulsory school age limited what counts."""
    if status.met_on is not None:
        session = SESSION_NAMES.get(status.met_session or "", "")
        met = f"Met on {status.met_on:%A} {long_date(status.met_on)}, {session} session"
        if status.occasions[0].is_provisional:
            met += " (provisional)"
    elif status.first_met_on is not None:
        met = "Not met this school year"
    else:
        met = "Not met"
    lines = [met]
    for occasion in status.occasions:
        lines.append(_occasion_line(occasion))
    to = f" to {long_date(status.as_of)}" if status.as_of else ""
    lines.append(
        f"Now: {status.sessions_in_window} unauthorised "
        f"session{'' if status.sessions_in_window == 1 else 's'} in the "
        f"{status.school_weeks} school weeks{to} (the threshold is {status.sessions})."
    )
    if status.first_met_on is not None and status.first_met_on != status.met_on:
        lines.append(f"First met on {long_date(status.first_met_on)}.")
    lines.extend(_age_lines(status, year_start))
    return lines


def _session_text(session: Session) -> str:
    return f"{session.day:%A} {long_date(session.day)} {SESSION_NAMES.get(session.session, '')}"


def _occasion_line(occasion: Occasion) -> str:
    text = (
        f"Occasion {occasion.number}: from {_session_text(occasion.first)} to "
        f"{_session_text(occasion.last)}."
    )
    if occasion.is_provisional:
        listed = ", ".join(
            f"{long_date(s.day)} {SESSION_NAMES.get(s.session, '')}" for s in occasion.provisional
        )
        text += (
            " Provisional: met only through N marks still to be replaced (within 5 school "
            f"days) — {listed}."
        )
    return text


def _age_lines(status: ThresholdStatus, year_start: dt.date) -> list[str]:
    """Only sessions of compulsory school age count (EA96 s8, s444A)."""
    if not status.born_known:
        return ["No date of birth is recorded, so no compulsory-school-age rule was applied."]
    lines = []
    if status.school_age_from and status.school_age_from > year_start:
        lines.append(
            "Sessions before "
            f"{long_date(status.school_age_from)}, when compulsory school age begins, "
            "do not count towards the threshold."
        )
    if status.school_age_to and status.as_of and status.school_age_to < status.as_of:
        lines.append(
            f"Compulsory school age ended on {long_date(status.school_age_to)}: later "
            "sessions do not count towards the threshold."
        )
    return lines


def _threshold_note(status: ThresholdStatus) -> str:
    codes = ", ".join(status.codes)
    note = (
        f"The national threshold is {status.sessions} sessions of unauthorised absence "
        f"({codes}) within {status.school_weeks} school weeks, counted at every school the "
        "pupil attended and only while of compulsory school age. A school week is one in "
        "which the pupil's school held a session, even if the pupil had no mark that week; "
        "weeks without sessions are skipped. After each occasion, counting starts afresh."
    )
    if status.window and status.window.elsewhere:
        note += (
            f" {status.window.elsewhere} of the sessions in the shaded window were recorded "
            "at a school you cannot see."
        )
    return note


def _trend(year: PupilYear, subject: str) -> Chart:
    status = year.threshold
    window = None
    if status and status.window:
        shown = status.window
        if shown.met:
            session = f" ({shown.ends_session})" if shown.ends_session else ""
            label = (
                f"the {len(shown.mondays)} school weeks to {short_date(shown.ends_on)}"
                f"{session}, when the threshold was met: {shown.qualifying} unauthorised "
                "sessions"
            )
        else:
            label = (
                f"the {len(shown.mondays)} school weeks to "
                f"{short_date(shown.ends_on)}: {shown.qualifying} unauthorised sessions "
                f"(threshold {status.sessions})"
            )
        window = Window(frozenset(shown.mondays), label)
    weeks = [TrendWeek(w.monday, w.attendance_pct, w.qualifying) for w in year.weeks]
    return weekly_trend(weeks, chart_id="weekly-attendance", subject=subject, window=window)


def _gap_describer(calendar: SchoolCalendar | None) -> Callable[[dt.date, dt.date], str]:
    def describe(first: dt.date, last: dt.date) -> str:
        if calendar is None:
            return "No sessions"
        day = first
        while day <= last:
            if day.weekday() < 5 and any(calendar.is_open(day, s) for s in SESSIONS):
                return "No sessions recorded"
            day += dt.timedelta(days=1)
        return "School holiday"

    return describe
