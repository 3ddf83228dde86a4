"""Correcting marks after a register is taken: one mark with a reason, or many N codes at once.

Every correction is an amendment that keeps the original (REG24 reg 6). Who may amend, and
until when, is the register lock's rule (rollcall.registers.services.lock).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from rollcall.core.types import Actor
from rollcall.organisations.models import School
from rollcall.organisations.selectors import school_calendar
from rollcall.registers.models import Mark
from rollcall.registers.selectors import (
    marks_with_ids,
    wrong_session_code,
)
from rollcall.registers.services.lock import Write, register_write_refusal, writer_roles
from rollcall.registers.services.marks import REASON_REQUIRED, mark_amend
from rollcall.registers.services.marks_bulk import AmendmentInput, marks_bulk_amend


@transaction.atomic
def mark_correct(*, actor: Actor, mark: Mark, new_code: str, reason: str, today: dt.date) -> Mark:
    """Amend one mark with a reason, if the register is still open to the actor."""
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    refusal = register_write_refusal(
        actor=actor,
        school=mark.school,
        calendar=school_calendar(school=mark.school),
        day=mark.date,
        today=today,
        write=Write.AMEND,
        reason=reason,
    )
    if refusal:
        raise ValidationError({"new_code": refusal})
    if wrong_session_code(new_code, mark.session):
        raise ValidationError(
            {"new_code": f"{new_code} is not the present mark for the {mark.session} session"}
        )
    return mark_amend(actor=actor, mark=mark, new_code=new_code, reason=reason)


@transaction.atomic
def n_codes_correct(
    *,
    actor: Actor,
    school: School,
    mark_ids: Iterable[int],
    new_code: str,
    reason: str,
    today: dt.date,
) -> int:
    """Replace many N codes at one school with one code and one reason: all or none.

    N means 'reason not yet established' and must be replaced within 5 school days (WTISA).
    """
    ids = sorted(set(mark_ids))
    errors: dict[str, list[str]] = {}
    if not ids:
        errors["marks"] = ["Select at least one N code to replace"]
    if not new_code:
        errors["new_code"] = ["Choose the code that replaces N"]
    elif new_code == "N":
        errors["new_code"] = ["Choose a code other than N: the reason is now known"]
    if not reason.strip():
        errors["reason"] = [REASON_REQUIRED]
    if errors:
        raise ValidationError(errors)
    marks = {mark.pk: mark for mark in marks_with_ids(school=school, mark_ids=ids)}
    calendar = school_calendar(school=school)
    roles = writer_roles(actor=actor, school=school)
    problems = []
    for mark_id in ids:
        mark = marks.get(mark_id)
        if mark is None:
            problems.append(f"Mark {mark_id} is not a mark at {school.name}")
            continue
        where = f"{mark.pupil.display_name}, {mark.date:%-d %B %Y} {mark.session}"
        if mark.code != "N":
            problems.append(f"{where}: is now {mark.code}, no longer N (corrected meanwhile)")
            continue
        refusal = register_write_refusal(
            actor=actor,
            school=school,
            calendar=calendar,
            day=mark.date,
            today=today,
            write=Write.AMEND,
            reason=reason,
            roles=roles,
        )
        if refusal:
            problems.append(f"{where}: {refusal}")
        elif wrong_session_code(new_code, mark.session):
            problems.append(f"{where}: {new_code} is not the present mark for this session")
    if problems:
        raise ValidationError({"marks": problems})
    return marks_bulk_amend(
        actor=actor,
        school=school,
        amendments=[
            AmendmentInput(
                upn=marks[mark_id].pupil.upn,
                date=marks[mark_id].date,
                session=marks[mark_id].session,
                new_code=new_code,
                reason=reason.strip(),
                where=f"{marks[mark_id].pupil.display_name}, {marks[mark_id].date:%-d %B %Y}",
            )
            for mark_id in ids
        ],
    )
