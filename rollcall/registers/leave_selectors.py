"""Reads for leave of absence: a school's requests, one child's requests, and what the registers
show for the sessions a request covers.

The office (attendance officers and headteachers) keeps the requests; every read that starts
from a user goes through the schools where they hold an office role.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from rollcall import statutory
from rollcall.accounts.models import Role
from rollcall.accounts.selectors import memberships_of
from rollcall.core.types import Actor
from rollcall.organisations.models import School
from rollcall.pupils.models import CarerLink, Pupil
from rollcall.pupils.selectors import on_roll_on
from rollcall.registers.models import LeaveDecision, LeaveRequest, LeaveResponse, Mark
from rollcall.registers.selectors import OFFICE_ROLES, User, schools_staffed_by

# A mark in a requested session that shows the child was away without leave: U is not one,
# since a pupil marked U came to school, late (REG24 reg 10 Table 3).
IN_SCHOOL_LATE = "U"


def leave_schools_for(*, user: User) -> QuerySet[School]:
    """The schools whose leave requests the user keeps: where they are an attendance officer
    or the headteacher."""
    return schools_staffed_by(user=user, roles=OFFICE_ROLES)


def decides_leave_at(*, actor: Actor, school: School) -> bool:
    """Only the headteacher decides (REG24 reg 11(1): the person the proprietor authorises)."""
    if actor is None:
        return False
    return memberships_of(user=actor).filter(school=school, role=Role.HEADTEACHER).exists()


def _requests() -> QuerySet[LeaveRequest]:
    return LeaveRequest.objects.select_related(
        "pupil", "requested_by", "school", "decision"
    ).prefetch_related(
        Prefetch("responses", queryset=LeaveResponse.objects.select_related("carer")),
    )


def leave_request_for(*, user: User, request_id: int) -> LeaveRequest | None:
    """One request at a school where the user keeps the requests, or None."""
    return _requests().filter(pk=request_id, school__in=leave_schools_for(user=user)).first()


def leave_pupils_at(*, school: School, on: dt.date) -> QuerySet[Pupil]:
    """Pupils on roll at the school on the day, by name: whom a request may be for."""
    return (
        Pupil.objects.filter(enrolments__in=school.enrolments.filter(on_roll_on(on)))
        .distinct()
        .order_by("legal_surname", "legal_forename", "pk")
    )


def leave_pupil_at(*, user: User, school: School, pupil_id: int) -> Pupil | None:
    """A pupil who has been on roll at the school, if the user keeps its leave requests."""
    if not leave_schools_for(user=user).filter(pk=school.pk).exists():
        return None
    return Pupil.objects.filter(pk=pupil_id, enrolments__school=school).distinct().first()


def carers_of(pupil: Pupil) -> list[CarerLink]:
    """The pupil's parents and carers, first contact first."""
    return list(pupil.carer_links.select_related("carer").order_by("contact_priority", "pk"))


def carer_link(*, pupil: Pupil, carer_id: int) -> CarerLink | None:
    return pupil.carer_links.select_related("carer").filter(carer_id=carer_id).first()


@dataclass(frozen=True)
class LeaveRecord:
    """A request with everything decided and recorded about it, and the marks in its sessions."""

    request: LeaveRequest
    decision: LeaveDecision | None
    responses: list[LeaveResponse]
    parents: list[CarerLink]
    marks: list[Mark]  # the marks recorded in the sessions asked for, in order
    # Marks of absence without leave in sessions asked for and not granted, by code.
    absent_codes: Counter[str] = field(default_factory=Counter)
    absent_mark_ids: frozenset[int] = frozenset()

    @property
    def taken_without_leave(self) -> bool:
        """The child away without leave in sessions asked for: leave refused or not decided,
        or away beyond the leave granted."""
        return bool(self.absent_codes)

    @property
    def parents_not_told(self) -> list[CarerLink]:
        told = {response.carer_id for response in self.responses}
        return [link for link in self.parents if link.carer_id not in told]


def _absent_without_leave(mark: Mark) -> bool:
    meaning = statutory.code_on(mark.code, mark.date)
    return meaning.category is statutory.Category.UNAUTHORISED and mark.code != IN_SCHOOL_LATE


def _records(requests: list[LeaveRequest]) -> list[LeaveRecord]:
    if not requests:
        return []
    pupil_ids = {r.pupil_id for r in requests}
    first = min(r.first_day for r in requests)
    last = max(r.last_day for r in requests)
    marks: dict[tuple[int, int], list[Mark]] = {}
    for mark in Mark.objects.filter(
        school_id__in={r.school_id for r in requests},
        pupil_id__in=pupil_ids,
        date__gte=first,
        date__lte=last,
    ).order_by("date", "session"):
        marks.setdefault((mark.school_id, mark.pupil_id), []).append(mark)
    parents: dict[int, list[CarerLink]] = {}
    for link in (
        CarerLink.objects.filter(pupil_id__in=pupil_ids)
        .select_related("carer")
        .order_by("contact_priority", "pk")
    ):
        parents.setdefault(link.pupil_id, []).append(link)
    records = []
    for request in requests:
        decision: LeaveDecision | None = getattr(request, "decision", None)
        covered = [
            mark
            for mark in marks.get((request.school_id, request.pupil_id), [])
            if request.covers(mark.date, mark.session)
        ]
        away = [
            mark
            for mark in covered
            if _absent_without_leave(mark)
            and not (decision is not None and decision.covers(mark.date, mark.session))
        ]
        records.append(
            LeaveRecord(
                request=request,
                decision=decision,
                responses=list(request.responses.all()),
                parents=parents.get(request.pupil_id, []),
                marks=covered,
                absent_codes=Counter(m.code for m in away),
                absent_mark_ids=frozenset(m.pk for m in away),
            )
        )
    return records


def leave_requests_for(*, pupil: Pupil, school: School) -> list[LeaveRecord]:
    """The pupil's leave requests at the school, newest first, each with its decision, the
    responses to each parent and the marks in its sessions (for the child's case page; the
    caller has already scoped the pupil and school to the user)."""
    return _records(list(_requests().filter(pupil=pupil, school=school)))


def leave_requests_at(*, school: School) -> list[LeaveRecord]:
    """Every leave request at the school, newest first."""
    return _records(list(_requests().filter(school=school)))


def leave_record(request: LeaveRequest) -> LeaveRecord:
    return _records([request])[0]
