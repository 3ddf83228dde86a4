"""The pages that hold a pupil's records, linked to each other: attendance, marks and contacts,
and the attendance certificate. A link is offered only where the user may open it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from rollcall.accounts.selectors import User
from rollcall.organisations.models import School
from rollcall.pupils.models import Pupil
from rollcall.registers.selectors import schools_staffed_by
from rollcall.transfers.selectors import schools_for_transfers


@dataclass(frozen=True)
class RecordLink:
    text: str
    href: str
    current: bool


ATTENDANCE = "attendance"
MARKS = "marks"
CERTIFICATE = "certificate"


def pupil_record_links(
    *, user: User, pupil: Pupil, school: School | None = None, current: str = ""
) -> list[RecordLink]:
    """Links to the pupil's pages; `school` is the school whose registers and certificate are
    meant (None: the latest of the pupil's schools that the user works at), `current` the page
    being shown."""
    if school is None:
        enrolment = (
            pupil.enrolments.filter(school__in=schools_staffed_by(user=user))
            .select_related("school")
            .order_by("-admitted_on")
            .first()
        )
        school = enrolment.school if enrolment is not None else None
    links = [
        RecordLink(
            "Attendance", reverse("analytics:pupil", args=[pupil.upn]), current == ATTENDANCE
        )
    ]
    if school is None:
        return links
    if schools_staffed_by(user=user).filter(pk=school.pk).exists():
        links.append(
            RecordLink(
                "Marks and contacts",
                reverse("casework:pupil", args=[school.urn, pupil.pk]),
                current == MARKS,
            )
        )
    if schools_for_transfers(user=user).filter(pk=school.pk).exists():
        links.append(
            RecordLink(
                "Attendance certificate",
                reverse("transfers:certificate", args=[school.urn]) + f"?upn={pupil.upn}",
                current == CERTIFICATE,
            )
        )
    return links
