"""Reads for imports, exports and certificates, each scoped to what the user may do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.db.models import Q, QuerySet

from rollcall.accounts.models import Membership, Role
from rollcall.accounts.selectors import User, memberships_of, schools_visible_to
from rollcall.organisations.models import School
from rollcall.pupils.models import CarerLink, Enrolment, Pupil
from rollcall.registers.models import Mark
from rollcall.transfers.models import Certificate, EarlierSchoolMark, ImportBatch

# A school's attendance officer or headteacher moves their own school's data; an LA
# attendance officer may do so for any school in the LA's area.
SCHOOL_TRANSFER_ROLES = frozenset({Role.ATTENDANCE_OFFICER, Role.HEADTEACHER})
LA_TRANSFER_ROLES = frozenset({Role.LA_OFFICER})


def schools_for_transfers(*, user: User) -> QuerySet[School]:
    """Schools whose marks, CTFs and certificates this user may import or export."""
    condition = Q(pk__in=[])
    for membership in memberships_of(user=user):
        if membership.school_id and membership.role in SCHOOL_TRANSFER_ROLES:
            condition |= Q(pk=membership.school_id)
        elif membership.local_authority_id and membership.role in LA_TRANSFER_ROLES:
            condition |= Q(local_authority_id=membership.local_authority_id)
    return schools_visible_to(user=user).filter(condition).order_by("name")


def school_with_urn(*, urn: str) -> School | None:
    """Any school rollcall holds, for naming a destination (schools are public records)."""
    return School.objects.filter(urn=urn).select_related("local_authority").first()


def pupils_ever_at(*, school: School) -> QuerySet[Pupil]:
    """Everyone who has been on roll at the school, leavers included, by surname."""
    return (
        Pupil.objects.filter(enrolments__school=school)
        .distinct()
        .order_by("legal_surname", "legal_forename", "upn")
    )


def pupil_ever_at(*, school: School, upn: str) -> Pupil | None:
    return pupils_ever_at(school=school).filter(upn=upn).first()


def enrolments_at(*, school: School, pupil: Pupil) -> list[Enrolment]:
    return list(Enrolment.objects.filter(school=school, pupil=pupil).order_by("admitted_on"))


def upns_enrolled_at(*, schools: Iterable[School]) -> set[tuple[str, str]]:
    """(school URN, UPN) for every enrolment, current or past, at these schools."""
    return set(
        Enrolment.objects.filter(school__in=list(schools)).values_list("school__urn", "pupil__upn")
    )


def marks_for_export(
    *, school: School, first: dt.date | None, last: dt.date | None
) -> Iterator[tuple[str, dt.date, str, str]]:
    """(UPN, date, session, code now in force) for the school, by pupil, date and session."""
    marks = Mark.objects.filter(school=school)
    if first is not None:
        marks = marks.filter(date__gte=first)
    if last is not None:
        marks = marks.filter(date__lte=last)
    return (
        marks.order_by("pupil__upn", "date", "session")
        .values_list("pupil__upn", "date", "session", "code")
        .iterator(chunk_size=20000)
    )


def pupil_marks(
    *, school: School, pupil: Pupil, first: dt.date | None = None, last: dt.date | None = None
) -> QuerySet[Mark]:
    """One pupil's marks at one school, with their amendments, in date order."""
    marks = Mark.objects.filter(school=school, pupil=pupil)
    if first is not None:
        marks = marks.filter(date__gte=first)
    if last is not None:
        marks = marks.filter(date__lte=last)
    return marks.order_by("date", "session").prefetch_related("amendments")


def carer_links_of(*, pupil: Pupil) -> QuerySet[CarerLink]:
    return (
        CarerLink.objects.filter(pupil=pupil)
        .select_related("carer")
        .order_by("contact_priority", "id")
    )


def headteacher_name(*, school: School) -> str:
    """The name of the school's headteacher in rollcall, or '' if none is recorded."""
    head = (
        Membership.objects.filter(school=school, role=Role.HEADTEACHER)
        .select_related("user")
        .order_by("id")
        .first()
    )
    if head is None:
        return ""
    return head.user.get_full_name() or head.user.get_username()


def import_batches_for(*, user: User) -> QuerySet[ImportBatch]:
    """Imports the user made, and imports that touched only schools the user transfers for."""
    allowed = schools_for_transfers(user=user)
    reaching_outside = ImportBatch.objects.filter(
        schools__in=School.objects.exclude(pk__in=allowed.values("pk"))
    )
    mine = Q(imported_by_id=user.pk) if user.is_authenticated else Q(pk__in=[])
    within = Q(schools__in=allowed) & ~Q(pk__in=reaching_outside.values("pk"))
    return ImportBatch.objects.filter(mine | within).distinct().prefetch_related("schools")


def certificates_for(*, school: School) -> QuerySet[Certificate]:
    return Certificate.objects.filter(school=school).select_related("pupil")


def earlier_school_marks() -> list[tuple[str, str, dt.date, str, str]]:
    """(UPN, earlier school's LAESTAB, date, session, code) for every session of every pupil's
    attendance at earlier schools, oldest import first, for the threshold (engine.history).
    rollcall's own, for the nightly sweep and `rollcall analyse`: it takes no user."""
    rows = EarlierSchoolMark.objects.order_by("attendance_id", "date", "session").values_list(
        "attendance__pupil__upn",
        "attendance__la_code",
        "attendance__establishment_number",
        "date",
        "session",
        "code",
    )
    return [(upn, la + estab, day, session, code) for upn, la, estab, day, session, code in rows]
