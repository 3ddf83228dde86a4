"""Arrangements that change what a pupil's register proposes: an agreed part-time timetable
(C2 on the sessions it excludes) and, for a dual-registered pupil, the sessions spent at the
other school (D)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.db import transaction

from rollcall.core.audit import Verb, audit_record
from rollcall.core.types import Actor
from rollcall.pupils.models import Enrolment
from rollcall.registers.models import WEEKDAY_SESSION_FIELDS, OtherSchoolSessions, PartTimeTimetable
from rollcall.registers.selectors import DUAL_REGISTRATIONS


def _sessions_problem(sessions: Collection[str]) -> str:
    unknown = sorted(set(sessions) - set(WEEKDAY_SESSION_FIELDS))
    if unknown:
        return f"Unknown sessions {', '.join(unknown)}; use monday_am … friday_pm"
    if not sessions:
        return "Tick at least one session"
    return ""


def part_time_timetable_validate(
    *,
    enrolment: Enrolment,
    starts_on: dt.date,
    ends_on: dt.date,
    excluded_sessions: Collection[str],
    timetable: PartTimeTimetable | None = None,
) -> None:
    """Raise ValidationError naming the field and the reason if the timetable cannot stand."""
    errors: dict[str, str] = {}
    problem = _sessions_problem(excluded_sessions)
    if problem:
        errors["__all__"] = f"{problem} the pupil does not attend"
    elif len(set(excluded_sessions)) == len(WEEKDAY_SESSION_FIELDS):
        errors["__all__"] = "A timetable that excludes every session is not a part-time timetable"
    if ends_on < starts_on:
        errors["ends_on"] = f"The timetable ends ({ends_on}) before it starts ({starts_on})"
    elif starts_on < enrolment.admitted_on or (
        enrolment.left_on is not None and ends_on > enrolment.left_on
    ):
        until = f" to {enrolment.left_on}" if enrolment.left_on else ""
        errors["starts_on"] = (
            f"The timetable must fall within the enrolment at {enrolment.school.name} "
            f"(from {enrolment.admitted_on}{until})"
        )
    else:
        overlapping = enrolment.part_time_timetables.filter(
            starts_on__lte=ends_on, ends_on__gte=starts_on
        )
        if timetable is not None and timetable.pk is not None:
            overlapping = overlapping.exclude(pk=timetable.pk)
        other = overlapping.first()
        if other is not None:
            errors["starts_on"] = (
                f"It overlaps the timetable from {other.starts_on} to {other.ends_on}"
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def part_time_timetable_save(
    *,
    actor: Actor,
    enrolment: Enrolment,
    starts_on: dt.date,
    ends_on: dt.date,
    excluded_sessions: Collection[str],
    note: str = "",
    timetable: PartTimeTimetable | None = None,
) -> PartTimeTimetable:
    """Record an agreed part-time timetable, or change one (`timetable`). The excluded sessions
    default to C2 on the register (REG24 reg 10; WTISA: part-time timetables are time-limited)."""
    part_time_timetable_validate(
        enrolment=enrolment,
        starts_on=starts_on,
        ends_on=ends_on,
        excluded_sessions=excluded_sessions,
        timetable=timetable,
    )
    timetable = timetable or PartTimeTimetable(enrolment=enrolment)
    is_new = timetable.pk is None
    timetable.enrolment = enrolment
    timetable.starts_on = starts_on
    timetable.ends_on = ends_on
    timetable.note = note
    for name in WEEKDAY_SESSION_FIELDS:
        setattr(timetable, name, name in excluded_sessions)
    timetable.save()
    audit_record(
        actor=actor,
        verb=Verb.PART_TIME_TIMETABLE_CREATE if is_new else Verb.PART_TIME_TIMETABLE_CHANGE,
        target=timetable,
        summary=(
            f"{'Recorded' if is_new else 'Changed'} a part-time timetable for "
            f"{enrolment.pupil.upn} from {starts_on} to {ends_on}: not attending "
            f"{timetable.sessions_label}"
        ),
        school_urn=enrolment.school.urn,
        payload={"excluded_sessions": timetable.session_fields},
    )
    return timetable


def other_school_sessions_validate(
    *, enrolment: Enrolment, other_school: str, sessions: Collection[str]
) -> None:
    errors: dict[str, str] = {}
    if enrolment.registration not in DUAL_REGISTRATIONS:
        errors["enrolment"] = (
            f"{enrolment.pupil.display_name} is singly registered at {enrolment.school.name}; "
            "sessions at another school are only for dual registration (M or S)"
        )
    if not other_school.strip():
        errors["other_school"] = "Name the other school"
    problem = _sessions_problem(sessions)
    if problem:
        errors["__all__"] = f"{problem} the pupil spends at the other school"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def other_school_sessions_set(
    *, actor: Actor, enrolment: Enrolment, other_school: str, sessions: Collection[str]
) -> OtherSchoolSessions:
    """Record which weekday sessions a dual-registered pupil spends at the other school; those
    default to D on this school's register (REG24 reg 10(3) Table 2)."""
    other_school_sessions_validate(
        enrolment=enrolment, other_school=other_school, sessions=sessions
    )
    pattern = OtherSchoolSessions.objects.filter(enrolment=enrolment).first()
    is_new = pattern is None
    pattern = pattern or OtherSchoolSessions(enrolment=enrolment)
    pattern.other_school = other_school.strip()
    for name in WEEKDAY_SESSION_FIELDS:
        setattr(pattern, name, name in sessions)
    pattern.save()
    audit_record(
        actor=actor,
        verb=Verb.OTHER_SCHOOL_SESSIONS_SET,
        target=pattern,
        summary=(
            f"{'Recorded' if is_new else 'Changed'} the sessions {enrolment.pupil.upn} spends at "
            f"{pattern.other_school}: {pattern.sessions_label}"
        ),
        school_urn=enrolment.school.urn,
        payload={"sessions": pattern.session_fields},
    )
    return pattern
