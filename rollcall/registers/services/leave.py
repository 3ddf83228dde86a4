"""Leave of absence: recording a parent's request, the headteacher's decision, and the response
to each parent.

The law (REG24 reg 11; WTISA on leave of absence): leave is given only by the person the
school's proprietor authorises, which in rollcall is the headteacher; only on a request made in
advance by a parent the pupil normally lives with; and only for exceptional circumstances. The
head decides how many days. Leave granted is coded C on the register; a holiday taken without
leave, or beyond it, is G, which counts towards the national threshold. Each parent who may
later face a penalty notice needs their own response (ESX: a clear response to every request,
issued separately to each parent).

Every record is evidence: nothing here changes a row once written (the migration's guards
refuse it in the database too).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from rollcall.accounts.models import Role
from rollcall.accounts.selectors import memberships_of
from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label, audit_record
from rollcall.core.types import Actor
from rollcall.organisations.calendar import SESSIONS
from rollcall.organisations.models import School
from rollcall.organisations.selectors import school_calendar
from rollcall.policies import load_profile
from rollcall.pupils.models import Carer, CarerLink, Pupil
from rollcall.pupils.selectors import on_roll_on
from rollcall.registers.models import (
    LeaveDecision,
    LeaveRequest,
    LeaveResponse,
    Mark,
    session_in,
)
from rollcall.registers.selectors import OFFICE_ROLES

NOT_OFFICE = (
    "{user} is not an attendance officer or the headteacher at {school}: the school office "
    "records leave requests and the responses to parents"
)
NOT_HEAD = (
    "Only the headteacher decides on leave of absence (REG24 reg 11: leave is given by the "
    "person the school authorises), and {user} is not the headteacher at {school}"
)
ALREADY_DECIDED = "The headteacher decided this request on {day:%-d %B %Y}; a decision stands"
NOT_IN_ADVANCE = (
    "Leave can be granted only on a request made in advance (REG24 reg 11), and this one was "
    "received on {received:%-d %B %Y}, on or after the first day asked for"
)
NOT_LIVING_WITH = (
    "Leave can be granted only on a request from a parent the pupil normally lives with "
    "(REG24 reg 11), and {carer} does not live with {pupil}"
)
RATIONALE_NEEDED = (
    "Give the reason for the decision: leave is granted only in exceptional circumstances, and "
    "the reason is part of the record"
)


def _person(actor: Actor) -> str:
    return actor_label(actor)


def _require_office(actor: Actor, school: School) -> None:
    if actor is None:
        return
    if not memberships_of(user=actor).filter(school=school, role__in=OFFICE_ROLES).exists():
        raise ValidationError(NOT_OFFICE.format(user=_person(actor), school=school.name))


def _linked(pupil: Pupil, carer: Carer) -> CarerLink | None:
    return CarerLink.objects.filter(pupil=pupil, carer=carer).first()


def _session_label(day: dt.date, session: str) -> str:
    return f"{day:%A %-d %B %Y} {'morning' if session == Mark.Session.AM else 'afternoon'}"


def _check_period(
    *,
    school: School,
    first_day: dt.date,
    first_session: str,
    last_day: dt.date,
    last_session: str,
    errors: dict[str, str],
    field: str = "first_day",
) -> None:
    if first_session not in SESSIONS or last_session not in SESSIONS:
        errors[field] = "Sessions are AM (morning) or PM (afternoon)"
        return
    if (last_day, last_session) < (first_day, first_session):
        errors["last_day"] = (
            f"The last session ({_session_label(last_day, last_session)}) is before the first "
            f"({_session_label(first_day, first_session)})"
        )
        return
    if (last_day - first_day).days > 366:
        errors["last_day"] = "Leave of absence is asked for in days or weeks, not over a year"
        return
    calendar = school_calendar(school=school)
    if not any(
        session_in(day, session, first_day, first_session, last_day, last_session)
        for day, session in calendar.sessions_between(first_day, last_day)
    ):
        errors[field] = (
            f"{school.name} does not meet in any session from "
            f"{_session_label(first_day, first_session)} to "
            f"{_session_label(last_day, last_session)}: no leave is needed"
        )


@transaction.atomic
def leave_request_record(
    *,
    actor: Actor,
    school: School,
    pupil: Pupil,
    carer: Carer,
    first_day: dt.date,
    first_session: str,
    last_day: dt.date,
    last_session: str,
    reason: str,
    received_on: dt.date,
    today: dt.date,
) -> LeaveRequest:
    """Record a parent's request for leave for the pupil. Any request is recorded, even one the
    law would not let the head grant: the school responds to every request."""
    _require_office(actor, school)
    errors: dict[str, str] = {}
    if not school.enrolments.filter(on_roll_on(first_day), pupil=pupil).exists():
        errors["pupil"] = (
            f"{pupil.display_name} is not on roll at {school.name} on {first_day:%-d %B %Y}"
        )
    if _linked(pupil, carer) is None:
        errors["carer"] = f"{carer.full_name} is not recorded as a parent or carer of " + (
            pupil.display_name
        )
    if not reason.strip():
        errors["reason"] = "Say why the parent asked for the leave, in their words"
    if received_on > today:
        errors["received_on"] = (
            f"The request cannot have been received after today ({today:%-d %B %Y})"
        )
    _check_period(
        school=school,
        first_day=first_day,
        first_session=first_session,
        last_day=last_day,
        last_session=last_session,
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)
    request = LeaveRequest.objects.create(
        school=school,
        pupil=pupil,
        first_day=first_day,
        first_session=first_session,
        last_day=last_day,
        last_session=last_session,
        reason=reason.strip(),
        requested_by=carer,
        received_on=received_on,
        recorded_at=clock.now(),
        recorded_by=actor,
        recorded_by_label=_person(actor),
    )
    audit_record(
        actor=actor,
        verb=Verb.LEAVE_REQUEST_RECORD,
        target=request,
        school_urn=school.urn,
        summary=(
            f"Recorded {carer.full_name}'s request for leave for {pupil.display_name} from "
            f"{_session_label(first_day, first_session)} to "
            f"{_session_label(last_day, last_session)}, received {received_on:%-d %B %Y}"
        ),
        payload={
            "pupil": pupil.upn,
            "first": [first_day.isoformat(), first_session],
            "last": [last_day.isoformat(), last_session],
            "received_on": received_on.isoformat(),
        },
    )
    return request


@transaction.atomic
def leave_decide(
    *,
    actor: Actor,
    request: LeaveRequest,
    outcome: str,
    rationale: str,
    decided_on: dt.date,
    today: dt.date,
    first_day: dt.date | None = None,
    first_session: str = "",
    last_day: dt.date | None = None,
    last_session: str = "",
) -> LeaveDecision:
    """Record the headteacher's decision. Leave granted may be shorter than asked for (the head
    decides the number of days); without dates it is the leave asked for."""
    school = request.school
    if (
        actor is None
        or not memberships_of(user=actor).filter(school=school, role=Role.HEADTEACHER).exists()
    ):
        raise ValidationError(NOT_HEAD.format(user=_person(actor), school=school.name))
    LeaveRequest.objects.select_for_update().filter(pk=request.pk).first()
    existing = LeaveDecision.objects.filter(request=request).first()
    if existing is not None:
        raise ValidationError(ALREADY_DECIDED.format(day=existing.decided_on))
    errors: dict[str, str] = {}
    if outcome not in LeaveDecision.Outcome.values:
        errors["outcome"] = "Choose whether the leave is granted or refused"
    if not rationale.strip():
        errors["rationale"] = RATIONALE_NEEDED
    if decided_on > today:
        errors["decided_on"] = f"The decision cannot be dated after today ({today:%-d %B %Y})"
    elif decided_on < request.received_on:
        errors["decided_on"] = (
            f"The decision cannot come before the request was received "
            f"({request.received_on:%-d %B %Y})"
        )
    granted = outcome == LeaveDecision.Outcome.GRANTED
    if granted:
        first_day, first_session = (
            first_day or request.first_day,
            first_session or (request.first_session),
        )
        last_day, last_session = (
            last_day or request.last_day,
            last_session or (request.last_session),
        )
        _check_period(
            school=school,
            first_day=first_day,
            first_session=first_session,
            last_day=last_day,
            last_session=last_session,
            errors=errors,
        )
        if not errors and not (
            request.covers(first_day, first_session) and request.covers(last_day, last_session)
        ):
            errors["first_day"] = (
                "The leave granted must fall within the leave asked for, from "
                f"{_session_label(request.first_day, request.first_session)} to "
                f"{_session_label(request.last_day, request.last_session)}"
            )
        if request.received_on >= request.first_day:
            errors["outcome"] = NOT_IN_ADVANCE.format(received=request.received_on)
        link = _linked(request.pupil, request.requested_by)
        if link is not None and not link.lives_with_pupil:
            errors["outcome"] = NOT_LIVING_WITH.format(
                carer=request.requested_by.full_name, pupil=request.pupil.display_name
            )
    if errors:
        raise ValidationError(errors)
    roles = ", ".join(
        Role(role).label
        for role in memberships_of(user=actor)
        .filter(school=school, role=Role.HEADTEACHER)
        .values_list("role", flat=True)
    )
    decision = LeaveDecision.objects.create(
        request=request,
        outcome=outcome,
        first_day=first_day if granted else None,
        first_session=first_session if granted else "",
        last_day=last_day if granted else None,
        last_session=last_session if granted else "",
        rationale=rationale.strip(),
        decided_on=decided_on,
        decided_by=actor,
        decided_by_label=_person(actor),
        decided_by_role=roles,
        recorded_at=clock.now(),
    )
    what = "Granted" if granted else "Refused"
    period = (
        f" from {_session_label(first_day, first_session)} to "
        f"{_session_label(last_day, last_session)}"
        if granted and first_day and last_day
        else ""
    )
    audit_record(
        actor=actor,
        verb=Verb.LEAVE_DECIDE,
        target=decision,
        school_urn=school.urn,
        summary=f"{what} leave for {request.pupil.display_name}{period}",
        payload={"request": request.pk, "outcome": outcome, "decided_on": decided_on.isoformat()},
    )
    return decision


def _channel_problem(school: School, carer: Carer, channel: str) -> str:
    if channel not in LeaveResponse.Channel.values:
        return "Choose how the parent was told"
    correspondence = load_profile(school.effective_policy_profile).correspondence
    if correspondence is not None and channel not in correspondence.channels:
        allowed = ", ".join(
            LeaveResponse.Channel(c).label.lower()
            for c in correspondence.channels
            if c in LeaveResponse.Channel.values
        )
        return (
            f"{school.name}'s attendance policy accepts a response as evidence only by "
            f"{allowed} ({correspondence.source})"
        )
    if channel == LeaveResponse.Channel.EMAIL and not carer.may_receive_letters_by_email:
        return (
            f"{carer.full_name} has not given written consent to letters by email to their own "
            "address: send it by post or hand it to them"
        )
    return ""


@transaction.atomic
def leave_response_record(
    *,
    actor: Actor,
    request: LeaveRequest,
    carer: Carer,
    channel: str,
    told_on: dt.date,
    warned_of_penalty: bool,
    today: dt.date,
    note: str = "",
) -> LeaveResponse:
    """Record how and when one parent was told the headteacher's decision."""
    school = request.school
    _require_office(actor, school)
    decision = LeaveDecision.objects.filter(request=request).first()
    if decision is None:
        raise ValidationError(
            "The headteacher has not decided this request yet: tell the parents once they have"
        )
    errors: dict[str, str] = {}
    if _linked(request.pupil, carer) is None:
        errors["carer"] = (
            f"{carer.full_name} is not recorded as a parent or carer of "
            f"{request.pupil.display_name}"
        )
    problem = _channel_problem(school, carer, channel)
    if problem:
        errors["channel"] = problem
    if told_on > today:
        errors["told_on"] = f"The parent cannot have been told after today ({today:%-d %B %Y})"
    elif told_on < decision.decided_on:
        errors["told_on"] = (
            "The parent cannot have been told before the decision "
            f"({decision.decided_on:%-d %B %Y})"
        )
    if errors:
        raise ValidationError(errors)
    response = LeaveResponse.objects.create(
        request=request,
        carer=carer,
        channel=channel,
        told_on=told_on,
        warned_of_penalty=warned_of_penalty,
        note=note.strip()[:500],
        recorded_at=clock.now(),
        recorded_by=actor,
        recorded_by_label=_person(actor),
    )
    audit_record(
        actor=actor,
        verb=Verb.LEAVE_RESPONSE_RECORD,
        target=response,
        school_urn=school.urn,
        summary=(
            f"Told {carer.full_name} on {told_on:%-d %B %Y} that leave for "
            f"{request.pupil.display_name} was {decision.get_outcome_display().lower()} "
            f"({response.get_channel_display().lower()})"
        ),
        payload={"request": request.pk, "carer": carer.pk, "channel": channel},
    )
    return response
