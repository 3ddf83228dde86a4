"""Reads for the API, each scoped to what the token's user may see.

Children's records are reached only through `schools_visible_to` and `pupils_visible_to`, so a
school or pupil the user may not see is simply not found.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from rollcall.accounts.selectors import User, memberships_of, schools_visible_to
from rollcall.api.models import ApiToken, token_digest
from rollcall.organisations.models import School
from rollcall.pupils.models import Enrolment, Pupil
from rollcall.pupils.selectors import on_roll_on
from rollcall.registers.models import Mark
from rollcall.registers.services.lock import REGISTER_WRITERS


def api_token_for(*, secret: str) -> ApiToken | None:
    return ApiToken.objects.select_related("user").filter(digest=token_digest(secret)).first()


def may_record_marks(*, user: User, school: School) -> bool:
    """School staff write their own school's registers (REG24 reg 10), and so does its MIS
    integration. Trust and LA roles read, but never write, a school's register (the lock and
    the rest of the rule: rollcall.registers.services.lock)."""
    return memberships_of(user=user).filter(school=school, role__in=REGISTER_WRITERS).exists()


def enrolments_on_roll(*, school: School, on: dt.date) -> QuerySet[Enrolment]:
    """The school's enrolments current on a date; `school` comes from `school_for`."""
    return (
        school.enrolments.filter(on_roll_on(on))
        .select_related("pupil", "registration_group")
        .order_by("pupil__legal_surname", "pupil__legal_forename", "pupil__upn")
    )


def pupil_enrolments(*, user: User, pupil: Pupil) -> QuerySet[Enrolment]:
    """The pupil's enrolments at schools the user may see (not those elsewhere)."""
    return (
        pupil.enrolments.filter(school__in=schools_visible_to(user=user))
        .select_related("school", "registration_group")
        .order_by("admitted_on", "school__urn")
    )


def _marks_between(*, user: User, pupil: Pupil, start: dt.date, end: dt.date) -> QuerySet[Mark]:
    return pupil.marks.filter(school__in=schools_visible_to(user=user), date__range=(start, end))


def pupil_marks(*, user: User, pupil: Pupil, start: dt.date, end: dt.date) -> QuerySet[Mark]:
    """The pupil's marks between two dates (inclusive) at schools the user may see."""
    return (
        _marks_between(user=user, pupil=pupil, start=start, end=end)
        .select_related("school")
        .prefetch_related("amendments")
        .order_by("date", "session", "school__urn")
    )


def pupil_mark_codes(
    *, user: User, pupil: Pupil, start: dt.date, end: dt.date
) -> list[tuple[dt.date, str]]:
    """(date, code) of each of those marks, for counting."""
    marks = _marks_between(user=user, pupil=pupil, start=start, end=end)
    return list(marks.values_list("date", "code"))
