"""A case as the officer reads it: where it stands in the profile's pathway, what is due, the
chronology as a timeline and attendance week by week with every step marked on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone

from rollcall.accounts.selectors import schools_visible_to
from rollcall.analytics.charts import Chart, Marker, TrendWeek, weekly_trend
from rollcall.analytics.presenters.common import ChartBlock, chart_block
from rollcall.analytics.presenters.pupil_list import safe_cell
from rollcall.casework.case_order import case_ids_in_order, case_rows_of_ids
from rollcall.casework.documents import case_documents
from rollcall.casework.family_presenters import FamilySection, family_section
from rollcall.casework.meeting_presenters import MeetingsSection, meetings_section
from rollcall.casework.models import Case, CaseEvent, CaseTask
from rollcall.casework.selectors import (
    User,
    acting_for,
    case_contacts,
    case_events,
    case_list_summary,
    case_referrals,
    case_rows_filtered,
    case_rows_of,
    case_rows_query,
    case_tasks,
    case_weeks,
)
from rollcall.casework.worklist import page_links
from rollcall.policies import PolicyProfile, load_profile
from rollcall.pupils.selectors import conditions_in_force, welfare_flags_for
from rollcall.registers.presenters.leave import PupilLeave, pupil_leave
from rollcall.statutory.years import school_year_start

# Events drawn on the attendance chart: the steps of the case, not every note.
MARKED = frozenset(
    {
        CaseEvent.Kind.OPENED,
        CaseEvent.Kind.STAGE_CHANGED,
        CaseEvent.Kind.TRANSFERRED,
        CaseEvent.Kind.CLOSED,
        CaseEvent.Kind.REOPENED,
        CaseEvent.Kind.TASK_DONE,
        CaseEvent.Kind.HOME_VISIT,
        CaseEvent.Kind.MEETING_HELD,
        CaseEvent.Kind.PLAN_SET,
        CaseEvent.Kind.CONTRACT_AGREED,
        CaseEvent.Kind.TARGET_REVIEWED,
    }
)


def long_date(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


@dataclass(frozen=True)
class StageStep:
    name: str
    description: str
    led_by: str
    state: str  # "done", "current" or "ahead"


@dataclass(frozen=True)
class TaskLine:
    id: int
    label: str
    due: str
    period: str
    overdue: bool
    due_today: bool
    status: str
    source: str
    note: str
    done_href: str | None
    owner: str = ""


@dataclass(frozen=True)
class TimelineEntry:
    when: dt.datetime
    day: str
    title: str
    summary: str
    rationale: str
    who: str
    nature: str
    figures: str
    tag: str


@dataclass(frozen=True)
class ReferralLine:
    made_on: str
    service: str
    reason: str
    parents: str
    answers: list[str]
    answer_href: str | None


@dataclass(frozen=True)
class ServicesSection:
    """Other services around the child: welfare status and referrals with their answers."""

    welfare: list[str]
    referrals: list[ReferralLine]
    conditions: list[str]


def services_section(*, user: User, case: Case, today: dt.date, writable: bool) -> ServicesSection:
    flags = welfare_flags_for(pupil=case.pupil, schools=schools_visible_to(user=user), on=today)
    welfare: list[str] = []
    if flags is not None:
        welfare = [
            text
            for shown, text in (
                (flags.looked_after, "Looked after by the local authority"),
                (flags.child_protection_plan, "On a child protection plan"),
                (flags.child_in_need, "Child in need"),
                (flags.young_carer, "Young carer"),
            )
            if shown
        ]
        if flags.has_social_worker:
            welfare.append(f"Social worker: {flags.social_worker}")
    referrals = [
        ReferralLine(
            made_on=long_date(found.made_on),
            service=found.service_name or found.get_service_display(),
            reason=found.reason,
            parents=(
                "Parents told first" + ("; the family consented" if found.family_consented else "")
                if found.parents_told
                else f"Parents not told first: {found.not_told_because}"
            ),
            answers=[
                f"{long_date(answer.received_on)}: {answer.outcome}"
                + (f" — {answer.response}" if answer.response else "")
                for answer in found.responses.all()
            ],
            answer_href=(
                reverse("cases:referral_response", args=[case.pk, found.pk])
                if writable and case.active
                else None
            ),
        )
        for found in case_referrals(case=case)
    ]
    in_force = conditions_in_force(school=case.school, pupil_ids=[case.pupil_id], on=today)
    conditions = [
        f"{found.label}, from {long_date(found.starts_on)}"
        + (f" until {long_date(found.ends_on)}" if found.ends_on else "")
        for found in in_force.get(case.pupil_id, [])
    ]
    return ServicesSection(welfare=welfare, referrals=referrals, conditions=conditions)


@dataclass(frozen=True)
class DocumentLine:
    name: str
    kind: str
    description: str
    received: str
    size: str
    sha256: str
    recorded_by: str
    href: str


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def document_lines(case: Case) -> list[DocumentLine]:
    return [
        DocumentLine(
            name=document.original_name,
            kind=document.get_kind_display(),
            description=document.description,
            received=long_date(document.received_on),
            size=_size(document.size),
            sha256=document.sha256,
            recorded_by=document.recorded_by_label,
            href=reverse("cases:document_download", args=[case.pk, document.pk]),
        )
        for document in case_documents(case=case)
    ]


@dataclass(frozen=True)
class CasePage:
    case: Case
    profile: PolicyProfile
    title: str
    summary: list[dict[str, dict[str, str]]]
    stages: list[StageStep]
    needed_before_next: list[str]
    tasks: list[TaskLine]
    done_tasks: list[TaskLine]
    timeline: list[TimelineEntry]
    chart: ChartBlock | None
    may_write: bool
    actions: list[dict[str, str]]
    back_href: str
    documents: list[DocumentLine] = field(default_factory=list)
    # The child's parents, consent to share information, brothers and sisters, home LA.
    family: FamilySection | None = None
    services: ServicesSection | None = None
    leave: PupilLeave | None = None
    meetings: MeetingsSection | None = None


def figures_text(figures: dict[str, object]) -> str:
    if not figures:
        return ""
    parts = []
    pct = figures.get("attendance_pct")
    if pct is not None:
        parts.append(f"attendance {pct}% this school year")
    parts.append(f"{figures.get('unauthorised', 0)} unauthorised sessions")
    met = figures.get("threshold_met_on")
    if met:
        provisional = " (provisional: N marks)" if figures.get("threshold_provisional") else ""
        parts.append(
            f"national threshold met {long_date(dt.date.fromisoformat(str(met)))}{provisional}"
        )
    else:
        parts.append("national threshold not met")
    return "Figures then: " + "; ".join(parts)


def _row(key: str, value: str) -> dict[str, dict[str, str]]:
    return {"key": {"text": key}, "value": {"text": value or "—"}}


def _task_line(case: Case, task: CaseTask, today: dt.date, writable: bool) -> TaskLine:
    due = long_date(task.due_on) if task.due_on else (task.undated_reason or "No date")
    period = (
        f"{task.period} from {long_date(task.counted_from)}"
        if task.period
        else f"Set {long_date(task.counted_from)}"
    )
    is_open = task.status == CaseTask.Status.OPEN
    return TaskLine(
        id=task.pk,
        label=task.label,
        due=due,
        period=period,
        overdue=bool(is_open and task.due_on and task.due_on < today),
        due_today=bool(is_open and task.due_on == today),
        status=task.get_status_display(),
        source=task.source,
        note=task.note,
        done_href=(
            reverse("cases:task_done", args=[case.pk, task.pk]) if is_open and writable else None
        ),
        owner=task.owner_label,
    )


def _stage_name(profile: PolicyProfile, key: str) -> str:
    try:
        return profile.stage(key).name
    except KeyError:
        return key


def _timeline(case: Case, events: list[CaseEvent]) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(
            when=event.recorded_at,
            day=long_date(event.occurred_on),
            title=event.get_kind_display(),
            summary=event.summary,
            rationale=event.rationale,
            who=f"{event.recorded_by_label}, {event.organisation_label}",
            nature=event.get_nature_display(),
            figures=figures_text(event.figures),
            tag="opinion" if event.nature == CaseEvent.Nature.OPINION else event.kind,
        )
        for event in events
    ]
    entries += [
        TimelineEntry(
            when=contact.occurred_at,
            day=long_date(timezone.localtime(contact.occurred_at).date()),
            title=contact.get_kind_display(),
            summary=contact.summary,
            rationale=contact.detail,
            who=f"{contact.recorded_by_label}, {case.school.name}",
            nature=CaseEvent.Nature.FACT.label,
            figures="",
            tag="contact",
        )
        for contact in case_contacts(case=case)
    ]
    return sorted(entries, key=lambda entry: entry.when, reverse=True)


def _chart(case: Case, events: list[CaseEvent], today: dt.date) -> Chart | None:
    first = min(school_year_start(case.opened_on), case.opened_on - dt.timedelta(weeks=10))
    weeks = case_weeks(case=case, first=first, last=today)
    if not weeks:
        return None
    markers = [Marker(event.occurred_on, event.summary) for event in events if event.kind in MARKED]
    return weekly_trend(
        [TrendWeek(week.monday, week.attendance_pct, 0) for week in weeks],
        chart_id="case-attendance",
        subject=f"{case.pupil.display_name} at {case.school.name}",
        markers=markers,
    )


def case_page(*, user: User, case: Case, today: dt.date) -> CasePage:
    profile = load_profile(case.profile_key)
    events = case_events(case=case)  # read once: the timeline, the chart and the pathway
    writable = acting_for(user=user, case=case) is not None
    keys = profile.stage_keys
    current = keys.index(case.stage_key) if case.stage_key in keys else -1
    visited = {key for event in events for key in (event.from_stage, event.to_stage) if key}
    stages = [
        StageStep(
            name=stage.name,
            description=stage.description,
            led_by=(stage.led_by or "").replace("_", " "),
            state=(
                "current"
                if index == current
                else "ahead"
                if index > current
                else "done"
                if stage.key in visited
                else "passed_over"
            ),
        )
        for index, stage in enumerate(profile.stages)
    ]
    stage = profile.stage(case.stage_key)
    tasks = case_tasks(case=case)
    status = case.get_status_display()
    if case.status == Case.Status.CLOSED:
        status += (
            f" on {long_date(case.closed_on)}: {case.get_outcome_display().lower()}"
            if (case.closed_on)
            else ""
        )
    summary = [
        _row("Child", f"{case.pupil.display_name} (UPN {case.pupil.upn})"),
        _row("School", case.school.name),
        _row("Status", status),
        _row("Stage", f"{stage.name} since {long_date(case.stage_entered_on)}"),
        _row("Run by", case.owner.name),
        _row("Policy", profile.name),
        _row("Lead practitioner", case.lead_practitioner_label or "Not named yet"),
        _row("Opened", f"{long_date(case.opened_on)} by {case.opened_by_label}"),
    ]
    if case.referred_by_school_id and case.referred_by_school is not None:
        summary.append(_row("Referred by", case.referred_by_school.name))
    if case.home_local_authority_id and case.home_local_authority is not None:
        summary.append(_row("Home local authority (consulted)", case.home_local_authority.name))
    chart = _chart(case, events, today)
    actions: list[dict[str, str]] = []
    if writable and case.active:
        actions = [
            {"text": "Move to another stage", "href": reverse("cases:move", args=[case.pk])},
            {"text": "Add a note", "href": reverse("cases:note", args=[case.pk])},
            {"text": "Record a home visit", "href": reverse("cases:home_visit", args=[case.pk])},
            {"text": "Record a referral", "href": reverse("cases:referral", args=[case.pk])},
            {"text": "Set a condition", "href": reverse("cases:condition", args=[case.pk])},
            {"text": "Close the case", "href": reverse("cases:close", args=[case.pk])},
        ]
        if case.owner_school_id is not None and profile.casework.transfer is not None:
            actions.append(
                {
                    "text": "Referral checklist",
                    "href": reverse("cases:checklist", args=[case.pk]),
                }
            )
        on_fast_track = case.tasks.filter(
            key__startswith="fast_track_", status=CaseTask.Status.OPEN
        ).exists()
        if profile.fast_track is not None and not on_fast_track:
            actions.append(
                {"text": "Start Fast Track", "href": reverse("cases:fast_track", args=[case.pk])}
            )
        actions.append(
            {"text": "Add a document", "href": reverse("cases:document_add", args=[case.pk])}
        )
    elif writable:
        actions = [{"text": "Reopen the case", "href": reverse("cases:reopen", args=[case.pk])}]
    return CasePage(
        case=case,
        profile=profile,
        title=f"{case.pupil.display_name}: {stage.name}",
        summary=summary,
        stages=stages,
        needed_before_next=list(stage.required_before_next.values()),
        tasks=[
            _task_line(case, task, today, writable)
            for task in tasks
            if task.status == CaseTask.Status.OPEN
        ],
        done_tasks=[
            _task_line(case, task, today, writable)
            for task in tasks
            if task.status != CaseTask.Status.OPEN
        ],
        timeline=_timeline(case, events),
        chart=chart_block(chart) if chart else None,
        may_write=writable,
        actions=actions,
        back_href=reverse("cases:index"),
        family=family_section(user=user, case=case, today=today, writable=writable),
        services=services_section(user=user, case=case, today=today, writable=writable),
        leave=pupil_leave(pupil=case.pupil, school=case.school),
        meetings=meetings_section(case=case, today=today, writable=writable),
    )


@dataclass(frozen=True)
class CaseListRow:
    href: str
    child: str
    upn: str
    school: str
    stage: str
    status: str
    run_by: str
    next_due: str
    overdue: int
    open_tasks: int
    opened: str


@dataclass(frozen=True)
class CaseListPage:
    rows: list[CaseListRow]
    counts: dict[str, int]
    status: str
    stage: str
    school: str
    overdue_only: bool
    status_options: list[dict[str, object]]
    stage_options: list[dict[str, object]]
    school_options: list[dict[str, object]]
    profile_options: list[dict[str, object]]
    flag_options: list[dict[str, object]]
    sort_options: list[dict[str, object]]
    csv_href: str
    csv_head: list[str]
    csv_rows: list[list[str]]
    total: int = 0
    pagination: dict[str, object] = field(default_factory=dict)


CASES_PER_PAGE = 50


class _Counted:
    """Case ids whose number is already known, for Paginator: a page read when sliced."""

    def __init__(self, fetch: Callable[[int, int], list[int]], total: int) -> None:
        self.fetch = fetch
        self.total = total

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index: slice) -> list[int]:
        start = index.start or 0
        return self.fetch(start, (index.stop or self.total) - start)


FLAG_FILTERS = (
    ("", "Any child"),
    ("severe", "Severely absent"),
    ("looked_after", "Looked after"),
    ("child_in_need", "Child in need"),
    ("child_protection_plan", "Child protection plan"),
)
SORTS = (
    ("due", "Overdue first, then next task due"),
    ("opened", "Newest first"),
    ("child", "Child's surname"),
    ("school", "School"),
)
STATUS_FILTERS = (
    ("active", "Open or referred"),
    ("open", "Open"),
    ("referred", "Referred to the LA"),
    ("closed", "Closed"),
    ("all", "All"),
)


def case_list_page(*, user: User, query: Mapping[str, str], today: dt.date) -> CaseListPage:
    status = query.get("status") or "active"
    if status not in dict(STATUS_FILTERS):
        status = "active"
    stage = query.get("stage", "")
    school = query.get("school", "")
    overdue_only = query.get("overdue") == "1"
    profile = query.get("profile", "")
    flag = query.get("flag", "")
    flag = flag if flag in dict(FLAG_FILTERS) else ""
    sort = query.get("sort", "due")
    sort = sort if sort in dict(SORTS) else "due"
    summary = case_list_summary(user=user, today=today)
    found = case_rows_query(
        user=user,
        today=today,
        status=status,
        stage=stage,
        urn=school,
        overdue_only=overdue_only,
        profile=profile,
        flag=flag,
        sort=sort,
    )
    profiles: dict[str, PolicyProfile] = {key: load_profile(key) for key in summary.profiles}

    def profile_of(case: Case) -> PolicyProfile:
        key = case.profile_key
        return profiles.get(key) or profiles.setdefault(key, load_profile(key))

    # The page shows CASES_PER_PAGE cases, read from the database in order; the download has
    # every case the filters find.
    # The database orders the cases by their ids alone, without grouping every case's tasks
    # (rollcall.casework.case_order), then the page's are read in full.
    csv = query.get("format") == "csv"
    listed = case_rows_filtered(
        user=user,
        today=today,
        status=status,
        stage=stage,
        urn=school,
        overdue_only=overdue_only,
        profile=profile,
        flag=flag,
    )
    filtered = listed.select_related(None)

    def ids_from(offset: int, limit: int) -> list[int]:
        return case_ids_in_order(cases=filtered, sort=sort, today=today, offset=offset, limit=limit)

    paginator: Paginator[int] = Paginator(
        _Counted(  # type: ignore[arg-type]
            ids_from,
            filtered.count()
            if flag or overdue_only
            else summary.total(status=status, stage=stage, urn=school, profile=profile),
        ),
        CASES_PER_PAGE,
    )
    page = paginator.get_page(query.get("page")) if not csv else None
    shown = list(page.object_list) if page is not None else []
    rows = [
        CaseListRow(
            href=reverse("cases:detail", args=[row.case.pk]),
            child=row.case.pupil.display_name,
            upn=row.case.pupil.upn,
            school=row.case.school.name,
            stage=_stage_name(profile_of(row.case), row.case.stage_key),
            status=row.case.get_status_display(),
            run_by=row.case.owner.name,
            next_due=long_date(row.next_due) if row.next_due else "",
            overdue=row.overdue,
            open_tasks=row.open_tasks,
            opened=long_date(row.case.opened_on),
        )
        for row in case_rows_of_ids(cases=listed, ids=shown, today=today)
    ]
    stages: dict[str, str] = {}
    for profile_key, stage_key in summary.stages:
        stages.setdefault(stage_key, _stage_name(profiles[profile_key], stage_key))
    schools = dict(summary.schools)
    counts = {"active": summary.active, "overdue": summary.overdue, "closed": summary.closed}
    base = {k: v for k, v in query.items() if k not in ("format", "page")}
    csv_query = {k: v for k, v in query.items() if k != "format"} | {"format": "csv"}
    return CaseListPage(
        rows=rows,
        counts=counts,
        status=status,
        stage=stage,
        school=school,
        overdue_only=overdue_only,
        status_options=[
            {"value": value, "text": text, "selected": value == status}
            for value, text in STATUS_FILTERS
        ],
        stage_options=[{"value": "", "text": "Any stage", "selected": not stage}]
        + [
            {"value": key, "text": name, "selected": key == stage}
            for key, name in sorted(stages.items(), key=lambda item: item[1])
        ],
        profile_options=[{"value": "", "text": "Any policy", "selected": not profile}]
        + [
            {"value": key, "text": found_profile.name, "selected": key == profile}
            for key, found_profile in sorted(profiles.items())
        ],
        flag_options=[
            {"value": value, "text": text, "selected": value == flag}
            for value, text in FLAG_FILTERS
        ],
        sort_options=[
            {"value": value, "text": text, "selected": value == sort} for value, text in SORTS
        ],
        school_options=[{"value": "", "text": "Any school", "selected": not school}]
        + [
            {"value": urn, "text": name, "selected": urn == school}
            for urn, name in sorted(schools.items(), key=lambda item: item[1])
        ],
        csv_href="?" + urlencode(csv_query),
        csv_head=[
            "child",
            "upn",
            "school",
            "stage",
            "status",
            "run_by",
            "next_task_due",
            "overdue_tasks",
            "open_tasks",
            "opened_on",
        ],
        csv_rows=[
            [
                safe_cell(row.case.pupil.display_name),
                row.case.pupil.upn,
                safe_cell(row.case.school.name),
                safe_cell(_stage_name(profile_of(row.case), row.case.stage_key)),
                row.case.status,
                safe_cell(row.case.owner.name),
                row.next_due.isoformat() if row.next_due else "",
                str(row.overdue),
                str(row.open_tasks),
                row.case.opened_on.isoformat(),
            ]
            for row in (case_rows_of(found) if csv else [])
        ],
        total=paginator.count if page is not None else 0,
        pagination=page_links(page.number, paginator.num_pages, base) if page else {},
    )
