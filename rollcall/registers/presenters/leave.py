"""Leave of absence requests as the pages show them: a line per request, and one request with
its decision, the responses to each parent and what the registers show for its sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.urls import reverse

from rollcall.organisations.models import School
from rollcall.policies import load_profile
from rollcall.pupils.models import Pupil
from rollcall.registers.leave_selectors import LeaveRecord, leave_requests_for
from rollcall.registers.models import LeaveDecision
from rollcall.registers.presenters.common import DASH, SESSION_NAMES, Link, meaning, time_label
from rollcall.registers.selectors import leave_code


def _session(day: dt.date, session: str) -> str:
    return f"{day:%a %-d %b %Y} {SESSION_NAMES[session]}"


def period_text(first: dt.date, first_session: str, last: dt.date, last_session: str) -> str:
    return f"{_session(first, first_session)} to {_session(last, last_session)}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _codes_text(record: LeaveRecord) -> str:
    return ", ".join(
        f"{code} in {_plural(count, 'session')}" for code, count in record.absent_codes.items()
    )


@dataclass(frozen=True)
class Status:
    text: str
    colour: str  # GOV.UK tag colour


def status(record: LeaveRecord) -> Status:
    decision = record.decision
    if record.taken_without_leave:
        if decision is None:
            return Status("Away before a decision", "red")
        if decision.granted:
            return Status("Granted, away beyond it", "red")
        return Status("Refused, and taken", "red")
    if decision is None:
        return Status("Awaiting the headteacher", "blue")
    if decision.granted:
        return Status("Granted", "green")
    return Status("Refused", "orange")


@dataclass(frozen=True)
class LeaveLine:
    pupil_name: str
    pupil_href: str
    href: str
    period: str
    requested_by: str
    received: str
    status: Status
    told: str
    taken: str  # the absence marks in the sessions asked for, when leave was not granted


def _told(record: LeaveRecord) -> str:
    if record.decision is None:
        return ""
    told = len({r.carer_id for r in record.responses})
    return f"{told} of {_plural(len(record.parents), 'parent')} told"


def leave_lines(records: Sequence[LeaveRecord]) -> list[LeaveLine]:
    """A line per request: for the school office's list and the child's case page."""
    return [
        LeaveLine(
            pupil_name=r.request.pupil.display_name,
            pupil_href=reverse("casework:pupil", args=[r.request.school.urn, r.request.pupil_id]),
            href=reverse("registers:leave_request", args=[r.request.pk]),
            period=period_text(
                r.request.first_day,
                r.request.first_session,
                r.request.last_day,
                r.request.last_session,
            ),
            requested_by=r.request.requested_by.full_name,
            received=f"{r.request.received_on:%-d %B %Y}",
            status=status(r),
            told=_told(r),
            taken=_codes_text(r) if r.taken_without_leave else "",
        )
        for r in records
    ]


@dataclass(frozen=True)
class PupilLeave:
    """A child's leave requests at one school, for their case page
    (registers/_leave_requests.html)."""

    lines: list[LeaveLine]
    new_href: str  # record a request for this child


def pupil_leave(*, pupil: Pupil, school: School) -> PupilLeave:
    """The caller has already scoped the pupil and school to the user."""
    return PupilLeave(
        lines=leave_lines(leave_requests_for(pupil=pupil, school=school)),
        new_href=reverse("registers:leave_new_for", args=[school.urn, pupil.pk]),
    )


@dataclass(frozen=True)
class LeaveListPage:
    school_name: str
    school_urn: str
    schools: list[Link]  # the other schools where the user keeps requests
    lines: list[LeaveLine]
    new_href: str
    awaiting: int


def leave_list_page(
    *, school: School, schools: Sequence[School], records: Sequence[LeaveRecord]
) -> LeaveListPage:
    return LeaveListPage(
        school_name=school.name,
        school_urn=school.urn,
        schools=[
            Link(s.name, reverse("registers:leave") + f"?school={s.urn}")
            for s in schools
            if s.pk != school.pk
        ],
        lines=leave_lines(records),
        new_href=reverse("registers:leave_new", args=[school.urn]),
        awaiting=sum(1 for r in records if r.decision is None),
    )


@dataclass(frozen=True)
class Row:
    key: str
    value: str


@dataclass(frozen=True)
class ResponseLine:
    parent: str
    channel: str
    told_on: str
    warned: str
    note: str
    recorded: str


@dataclass(frozen=True)
class MarkLine:
    session: str
    code: str
    absent_without_leave: bool


@dataclass(frozen=True)
class LeaveRequestPage:
    title: str
    school_name: str
    status: Status
    request_rows: list[Row]
    decision_rows: list[Row]
    responses: list[ResponseLine]
    not_told: list[str]
    marks: list[MarkLine]
    taken: str  # a warning when leave was not granted and the child was away
    letters: list[str]  # the area's letters for this request, from its policy profile
    decide_href: str
    respond_href: str
    back_href: str
    pupil_href: str
    pupil_name: str


def _request_rows(record: LeaveRecord) -> list[Row]:
    request = record.request
    link = next((p for p in record.parents if p.carer_id == request.requested_by_id), None)
    who = request.requested_by.full_name
    if link is not None:
        who += f" ({link.get_relationship_display().lower()}"
        who += (
            ", lives with the child)"
            if link.lives_with_pupil
            else ", does not live with the child)"
        )
    return [
        Row(
            "Leave asked for",
            period_text(
                request.first_day, request.first_session, request.last_day, request.last_session
            ),
        ),
        Row("Asked for by", who),
        Row("Reason given", request.reason),
        Row("Received", f"{request.received_on:%-d %B %Y}"),
        Row("Recorded", f"by {request.recorded_by_label} on {time_label(request.recorded_at)}"),
    ]


def _decision_rows(decision: LeaveDecision | None) -> list[Row]:
    if decision is None:
        return []
    rows = [Row("Decision", decision.get_outcome_display())]
    if decision.granted and decision.first_day and decision.last_day:
        code = leave_code(decision.first_day)
        rows.append(
            Row(
                "Leave granted",
                period_text(
                    decision.first_day,
                    decision.first_session,
                    decision.last_day,
                    decision.last_session,
                ),
            )
        )
        if code:
            rows.append(
                Row("Code for these sessions", f"{code} {DASH} {meaning(code, decision.first_day)}")
            )
    rows += [
        Row("Reason", decision.rationale),
        Row(
            "Decided",
            f"on {decision.decided_on:%-d %B %Y} by {decision.decided_by_label}"
            + (f", {decision.decided_by_role}" if decision.decided_by_role else ""),
        ),
    ]
    return rows


def _letters(school: School, record: LeaveRecord) -> list[str]:
    letters = load_profile(school.effective_policy_profile).letters
    found = []
    response = letters.get("leave_request_response")
    if response is not None and record.decision is not None:
        found.append(f"{response.title} ({response.source})")
    holiday = letters.get("unauthorised_holiday_letter")
    if holiday is not None and record.taken_without_leave:
        found.append(f"{holiday.title} ({holiday.source})")
    return found


def leave_request_page(
    *, record: LeaveRecord, may_decide: bool, may_respond: bool
) -> LeaveRequestPage:
    request = record.request
    decision = record.decision
    name = request.pupil.display_name
    taken = ""
    if record.taken_without_leave:
        taken = (
            f"{name} was away without leave in sessions asked for ({_codes_text(record)}). "
            "Unauthorised absence counts towards the national threshold for a penalty notice, "
            "as every G does."
        )
    return LeaveRequestPage(
        title=f"Leave of absence for {name}",
        school_name=request.school.name,
        status=status(record),
        request_rows=_request_rows(record),
        decision_rows=_decision_rows(decision),
        responses=[
            ResponseLine(
                parent=r.carer.full_name,
                channel=r.get_channel_display(),
                told_on=f"{r.told_on:%-d %B %Y}",
                warned="Yes" if r.warned_of_penalty else "No",
                note=r.note,
                recorded=f"{r.recorded_by_label}, {time_label(r.recorded_at)}",
            )
            for r in record.responses
        ],
        not_told=[link.carer.full_name for link in record.parents_not_told]
        if decision is not None
        else [],
        marks=[
            MarkLine(
                session=_session(m.date, m.session),
                code=f"{m.code} {DASH} {meaning(m.code, m.date)}",
                absent_without_leave=m.pk in record.absent_mark_ids,
            )
            for m in record.marks
        ],
        taken=taken,
        letters=_letters(request.school, record),
        decide_href=reverse("registers:leave_decide", args=[request.pk])
        if may_decide and decision is None
        else "",
        respond_href=reverse("registers:leave_respond", args=[request.pk])
        if may_respond and decision is not None
        else "",
        back_href=reverse("registers:leave") + f"?school={request.school.urn}",
        pupil_href=reverse("casework:pupil", args=[request.school.urn, request.pupil_id]),
        pupil_name=name,
    )
