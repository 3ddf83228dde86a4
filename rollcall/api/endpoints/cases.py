"""Cases, their stages and their due tasks, for other systems (an LA's case-management tool,
a trust's dashboard): read-only, scoped like the pages (`cases_visible_to`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from rollcall.api.endpoints.common import (
    ERROR_RESPONSES,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    acting_user,
)
from rollcall.api.errors import ApiError, invalid
from rollcall.api.presenters import page_of
from rollcall.api.schemas import ErrorOut, PageOut
from rollcall.casework.models import Case, CaseEvent, CaseTask
from rollcall.casework.selectors import case_events, case_for, case_tasks, cases_visible_to
from rollcall.policies import load_profile

router = Router(tags=["cases"])


class StageOut(Schema):
    key: str
    name: str
    entered_on: dt.date


class CaseOut(Schema):
    id: int
    upn: str
    school_urn: str
    status: str
    stage: StageOut
    profile: str
    run_by: str
    referred_by_school_urn: str | None
    lead_practitioner: str | None
    opened_on: dt.date
    closed_on: dt.date | None
    outcome: str | None


class TaskOut(Schema):
    key: str
    label: str
    stage: str
    status: str
    counted_from: dt.date
    period: str | None
    due_on: dt.date | None
    source: str


class EventOut(Schema):
    kind: str
    occurred_on: dt.date
    recorded_at: dt.datetime
    recorded_by: str
    organisation: str
    nature: str
    from_stage: str | None
    to_stage: str | None
    summary: str
    rationale: str
    figures: dict[str, Any]


class CaseDetailOut(CaseOut):
    stages: list[str]
    tasks: list[TaskOut]
    events: list[EventOut]


class CasePageOut(PageOut):
    items: list[CaseOut]


def _case(case: Case) -> dict[str, Any]:
    profile = load_profile(case.profile_key)
    return {
        "id": case.pk,
        "upn": case.pupil.upn,
        "school_urn": case.school.urn,
        "status": case.status,
        "stage": {
            "key": case.stage_key,
            "name": profile.stage(case.stage_key).name,
            "entered_on": case.stage_entered_on,
        },
        "profile": case.profile_key,
        "run_by": case.owner.name,
        "referred_by_school_urn": (
            case.referred_by_school.urn if case.referred_by_school is not None else None
        ),
        "lead_practitioner": case.lead_practitioner_label or None,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "outcome": case.outcome or None,
    }


def _task(task: CaseTask) -> dict[str, Any]:
    return {
        "key": task.key,
        "label": task.label,
        "stage": task.stage_key,
        "status": task.status,
        "counted_from": task.counted_from,
        "period": task.period or None,
        "due_on": task.due_on,
        "source": task.source,
    }


def _event(event: CaseEvent) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "occurred_on": event.occurred_on,
        "recorded_at": event.recorded_at,
        "recorded_by": event.recorded_by_label,
        "organisation": event.organisation_label,
        "nature": event.nature,
        "from_stage": event.from_stage or None,
        "to_stage": event.to_stage or None,
        "summary": event.summary,
        "rationale": event.rationale,
        "figures": event.figures,
    }


@router.get(
    "/cases",
    response={200: CasePageOut, ERROR_RESPONSES: ErrorOut},
    summary="Cases the token's user may read, oldest first",
)
def cases_list(
    request: HttpRequest,
    status: str = Query(
        "active", description="active (open or referred), open, referred, closed or all"
    ),
    school: str | None = Query(None, description="Only cases at the school with this URN"),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    cases = cases_visible_to(user=acting_user(request)).select_related("referred_by_school")
    if status == "active":
        cases = cases.exclude(status=Case.Status.CLOSED)
    elif status in Case.Status.values:
        cases = cases.filter(status=status)
    elif status != "all":
        raise invalid([(("query", "status"), "must be active, open, referred, closed or all")])
    if school:
        cases = cases.filter(school__urn=school)
    return page_of(cases.order_by("opened_at", "id"), page=page, page_size=page_size, present=_case)


@router.get(
    "/cases/{case_id}",
    response={200: CaseDetailOut, ERROR_RESPONSES: ErrorOut},
    summary="A case: its stage, the profile's stages in order, its tasks and its chronology",
)
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = case_for(user=acting_user(request), case_id=case_id)
    if case is None:
        raise ApiError(404, f"No case {case_id} that this token may see")
    return _case(case) | {
        "stages": list(load_profile(case.profile_key).stage_keys),
        "tasks": [_task(task) for task in case_tasks(case=case)],
        "events": [_event(event) for event in case_events(case=case)],
    }
