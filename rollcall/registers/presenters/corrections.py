"""The correction pages: one mark and its history, a pupil's marks, and N codes to replace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.urls import reverse

from rollcall import statutory
from rollcall.organisations.models import School
from rollcall.organisations.selectors import school_calendar
from rollcall.pupils.models import Pupil
from rollcall.registers.forms import MarkCorrectionForm, NCorrectionForm
from rollcall.registers.models import Mark, MarkAmendment
from rollcall.registers.presenters.common import (
    DASH,
    SESSION_NAMES,
    ErrorItem,
    Link,
    Option,
    day_label,
    error_items,
    field_error,
    meaning,
    register_url,
    time_label,
)
from rollcall.registers.selectors import (
    OutstandingN,
    User,
    mark_amendments,
    n_codes_outstanding,
    pupil_enrolment,
    pupil_mark_count,
    pupil_marks,
    register_codes,
    register_open_until,
)
from rollcall.registers.services import register_closed_to
from rollcall.registers.services.lock import writer_roles

# ------------------------------------------------------------------- a mark's history


@dataclass(frozen=True)
class HistoryLine:
    when: str
    who: str
    role: str
    change: str
    reason: str


def mark_history(mark: Mark, amendments: Sequence[MarkAmendment]) -> list[HistoryLine]:
    """The original entry first, then every amendment: who, when and why (REG24 reg 6)."""
    recorded_by = mark.recorded_by
    who = (
        (recorded_by.get_full_name() or recorded_by.get_username())
        if recorded_by
        else f"rollcall ({mark.get_source_display().lower()})"
    )
    lines = [
        HistoryLine(
            when=time_label(mark.recorded_at),
            who=who,
            role="",
            change=f"Recorded {mark.original_code} ({meaning(mark.original_code, mark.date)})",
            reason="First entry",
        )
    ]
    lines += [
        HistoryLine(
            when=time_label(a.amended_at),
            who=a.amended_by_label,
            role=a.amended_by_role,
            change=f"{a.previous_code} to {a.new_code} ({meaning(a.new_code, mark.date)})",
            reason=a.reason,
        )
        for a in amendments
    ]
    return lines


# -------------------------------------------------------------------- one mark's page


@dataclass(frozen=True)
class MarkPage:
    title: str
    pupil_name: str
    pupil_href: str
    register_href: str
    summary: list[tuple[str, str]]
    history: list[HistoryLine]
    form: MarkCorrectionForm
    lock_message: str
    can_amend: bool


def mark_page(
    *,
    user: User,
    mark: Mark,
    form: MarkCorrectionForm,
    today: dt.date,
) -> MarkPage:
    school = mark.school
    calendar = school_calendar(school=school)
    open_until = register_open_until(calendar=calendar, school=school, day=mark.date)
    refusal = register_closed_to(
        actor=user,  # type: ignore[arg-type]
        school=school,
        calendar=calendar,
        day=mark.date,
        today=today,
    )
    if refusal:
        lock_message = refusal
    elif open_until is not None and today > open_until:
        lock_message = (
            f"This register locked after {day_label(open_until)}. As a headteacher you can "
            "still amend it."
        )
    elif open_until is not None:
        lock_message = f"Staff at {school.name} can amend this mark until {day_label(open_until)}."
    else:
        lock_message = ""
    enrolment = pupil_enrolment(pupil=mark.pupil, school=school)
    group = enrolment.registration_group if enrolment else None
    return MarkPage(
        title=f"{mark.pupil.display_name}: {day_label(mark.date)}, {SESSION_NAMES[mark.session]}",
        pupil_name=mark.pupil.display_name,
        pupil_href=reverse("casework:pupil", args=[school.urn, mark.pupil.pk]),
        register_href=register_url(group, mark.date, mark.session) if group else "",
        summary=[
            ("School", school.name),
            ("Date", day_label(mark.date)),
            ("Session", SESSION_NAMES[mark.session].capitalize()),
            ("Code now", f"{mark.code} {DASH} {meaning(mark.code, mark.date)}"),
            (
                "First entered",
                f"{mark.original_code} {DASH} {meaning(mark.original_code, mark.date)}",
            ),
        ],
        history=mark_history(mark, mark_amendments(mark=mark)),
        form=form,
        lock_message=lock_message,
        can_amend=not refusal,
    )


# ------------------------------------------------------------------ a pupil's history


@dataclass(frozen=True)
class PupilMarkLine:
    date: str
    session: str
    code: str
    meaning: str
    changed: str
    href: str


@dataclass(frozen=True)
class PupilPage:
    name: str
    summary: list[tuple[str, str]]
    marks: list[PupilMarkLine]
    total_marks: int
    all_href: str


RECENT_MARKS = 40


def pupil_page(*, pupil: Pupil, school: School, everything: bool) -> PupilPage:
    marks = pupil_marks(pupil=pupil, school=school, limit=None if everything else RECENT_MARKS)
    total = pupil_mark_count(pupil=pupil, school=school)
    enrolment = pupil_enrolment(pupil=pupil, school=school)
    group = enrolment.registration_group if enrolment else None
    return PupilPage(
        name=pupil.display_name,
        summary=[
            ("School", school.name),
            ("UPN", pupil.upn),
            # The group's year is this year's; the enrolment's is the year on admission.
            (
                "Year group",
                (group and group.year_group) or (enrolment.year_group if enrolment else ""),
            ),
            ("Registration group", group.name if group else "None"),
        ],
        marks=[
            PupilMarkLine(
                date=f"{m.date:%a %-d %b %Y}",
                session=m.session,
                code=m.code,
                meaning=meaning(m.code, m.date),
                changed=(
                    f"Changed from {m.original_code}" if getattr(m, "amendment_count", 0) else ""
                ),
                href=reverse("registers:mark", args=[m.pk]),
            )
            for m in marks
        ],
        total_marks=total,
        all_href="" if everything or total <= RECENT_MARKS else "?all=1",
    )


# ------------------------------------------------------------------ N codes to correct


@dataclass(frozen=True)
class NLine:
    mark_id: int
    pupil_name: str
    mark_href: str
    date: str
    session: str
    deadline: str
    status: str
    colour: str
    checked: bool
    locked: str = ""  # why this user cannot replace it here, or ''


N_PAGE_SIZE = 50
N_SHOW = {"all": "All N codes", "overdue": "Overdue only", "due": "Not yet overdue"}
N_SORT = {"date": "Oldest first", "pupil": "Pupil's name"}


@dataclass(frozen=True)
class NFilters:
    """What the office narrowed the list to: which N codes, a pupil's name, the order, the
    page."""

    show: str = "all"
    pupil: str = ""
    page: int = 1
    sort: str = "date"

    @classmethod
    def of(cls, query: Mapping[str, str]) -> NFilters:
        show = query.get("show", "all")
        try:
            page = max(1, int(query.get("page", "1")))
        except ValueError:
            page = 1
        sort = query.get("sort", "date")
        return cls(
            show=show if show in N_SHOW else "all",
            pupil=query.get("pupil", "").strip()[:100],
            page=page,
            sort=sort if sort in N_SORT else "date",
        )

    def query(self, **changes: object) -> str:
        values = {
            "show": self.show,
            "pupil": self.pupil,
            "sort": self.sort,
            "page": self.page,
            **changes,
        }
        return urlencode({k: v for k, v in values.items() if v not in ("", "all", "date", 1)})


@dataclass(frozen=True)
class NCodesPage:
    school_name: str
    school_links: list[Link]
    rows: list[NLine]  # this page's rows, after the filters
    overdue_count: int
    total: int  # every N code outstanding at the school
    matching: int  # those the filters leave
    filters: NFilters
    show_options: list[Option]
    sort_options: list[Option]
    pagination: dict[str, object] | None
    action: str  # the form posts back to the same filters and page
    school_urn: str
    caption: str
    locked_note: str
    limit: str
    form: NCorrectionForm  # the one that failed, or an empty one
    errors: list[ErrorItem]
    marks_error: str


def _n_status(row: OutstandingN) -> tuple[str, str]:
    if row.deadline is None:
        return "No deadline recorded", "grey"
    if row.overdue:
        return "Overdue", "red"
    if row.days_left == 0:
        return "Due today", "orange"
    return f"{row.days_left} school day{'s' if row.days_left != 1 else ''} left", "blue"


def _n_caption(
    total: int, overdue: int, matching: int, shown: int, filters: NFilters, pages: int
) -> str:
    what = f"{total} N code{'s' if total != 1 else ''} to replace"
    if overdue:
        what += f", {overdue} overdue"
    if matching != total:
        what += f", {matching} matching"
    if pages > 1:
        what += f" (page {filters.page} of {pages}, {shown} shown)"
    return what


def _n_matches(row: OutstandingN, filters: NFilters) -> bool:
    if filters.show == "overdue" and not row.overdue:
        return False
    if filters.show == "due" and row.overdue:
        return False
    return not filters.pupil or filters.pupil.lower() in row.mark.pupil.display_name.lower()


def _pagination(filters: NFilters, pages: int, school: School) -> dict[str, object] | None:
    """The GOV.UK pagination component's parameters, or None for a single page."""
    if pages <= 1:
        return None
    base = f"{reverse('registers:n_codes')}?school={school.urn}&"

    def href(number: int) -> str:
        return base + filters.query(page=number)

    result: dict[str, object] = {
        "items": [
            {"number": n, "href": href(n), "current": n == filters.page}
            for n in range(1, pages + 1)
        ]
    }
    if filters.page > 1:
        result["previous"] = {"href": href(filters.page - 1)}
    if filters.page < pages:
        result["next"] = {"href": href(filters.page + 1)}
    return result


def n_codes_page(
    *,
    user: User,
    school: School,
    schools: Sequence[School],
    today: dt.date,
    form: NCorrectionForm | None,
    filters: NFilters,
) -> NCodesPage:
    calendar = school_calendar(school=school)
    every = n_codes_outstanding(school=school, calendar=calendar, today=today)
    matching = [row for row in every if _n_matches(row, filters)]
    if filters.sort == "pupil":  # by name, then oldest first (the list comes oldest first)
        matching.sort(key=lambda row: (row.mark.pupil.legal_surname, row.mark.pupil.legal_forename))
    pages = max(1, -(-len(matching) // N_PAGE_SIZE))
    filters = replace(filters, page=min(filters.page, pages))
    shown = matching[(filters.page - 1) * N_PAGE_SIZE : filters.page * N_PAGE_SIZE]
    selected = set(form.data.getlist("marks")) if form is not None else set()  # type: ignore[attr-defined]
    law = statutory.on(today).registers
    closed: dict[dt.date, str] = {}
    roles = writer_roles(actor=user, school=school)  # type: ignore[arg-type]
    lines = []
    for row in shown:
        day = row.mark.date
        if day not in closed:
            closed[day] = register_closed_to(
                actor=user,  # type: ignore[arg-type]
                school=school,
                calendar=calendar,
                day=day,
                today=today,
                roles=roles,
            )
        status, colour = _n_status(row)
        lines.append(
            NLine(
                mark_id=row.mark.pk,
                pupil_name=row.mark.pupil.display_name,
                mark_href=reverse("registers:mark", args=[row.mark.pk]),
                date=f"{day:%a %-d %b %Y}",
                session=row.mark.session,
                deadline=f"{row.deadline:%a %-d %b %Y}" if row.deadline else "",
                status=status,
                colour=colour,
                checked=str(row.mark.pk) in selected,
                locked=closed[day],
            )
        )
    return NCodesPage(
        school_name=school.name,
        school_links=[
            Link(s.name, f"{reverse('registers:n_codes')}?school={s.urn}")
            for s in schools
            if len(schools) > 1
        ],
        rows=lines,
        overdue_count=sum(1 for row in every if row.overdue),
        total=len(every),
        matching=len(matching),
        filters=filters,
        show_options=[Option(v, t, v == filters.show) for v, t in N_SHOW.items()],
        sort_options=[Option(v, t, v == filters.sort) for v, t in N_SORT.items()],
        pagination=_pagination(filters, pages, school),
        action=f"?school={school.urn}&{filters.query()}".rstrip("&"),
        school_urn=school.urn,
        caption=_n_caption(
            len(every),
            sum(1 for row in every if row.overdue),
            len(matching),
            len(lines),
            filters,
            pages,
        ),
        locked_note=(
            "Locked N codes are in registers that have locked: only a headteacher can replace "
            "them now."
            if any(line.locked for line in lines)
            else ""
        ),
        limit=f"{law.n_code_correction.amount} school days" if law else "the time allowed",
        form=form or NCorrectionForm(mark_ids=[], codes=register_codes(today)),
        errors=error_items(form) if form is not None else [],
        marks_error=field_error(form, "marks"),
    )
