"""Reads for the first-day follow-up of unexplained absence and for the pupil's chronology."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from rollcall.casework.models import ChronologyEntry
from rollcall.engine.sessions import session_figures, severe_absence
from rollcall.organisations.models import School
from rollcall.pupils.models import CarerLink, Enrolment, Pupil
from rollcall.pupils.selectors import (
    WelfareFlags,
    on_roll_on,
    pupils_with_visible_welfare,
    welfare_flags,
)
from rollcall.registers.models import Mark
from rollcall.registers.selectors import OFFICE_ROLES, User, schools_staffed_by
from rollcall.statutory.years import school_year_start

# Severe absence: missing at least half of possible sessions (DfE; RULES §2.1).


def follow_up_schools(*, user: User) -> QuerySet[School]:
    """Schools whose first-day follow-up the user runs: where they are an attendance officer
    or headteacher."""
    return schools_staffed_by(user=user, roles=OFFICE_ROLES).order_by("name")


@dataclass(frozen=True)
class AbsenceSoFar:
    possible: int
    absent: int
    before: dt.date  # the day being chased: the measures in force then

    @property
    def percent(self) -> float:
        return 100 * self.absent / self.possible if self.possible else 0.0

    @property
    def severe(self) -> bool:
        return severe_absence(absent=self.absent, possible=self.possible, on=self.before)


def absence_so_far(
    *, school: School, pupil_ids: list[int], day: dt.date
) -> dict[int, AbsenceSoFar]:
    """Each pupil's possible and absent sessions at the school this academic year, before `day`
    (so the day being chased does not decide whether the pattern before it is severe)."""
    marks: dict[int, list[tuple[dt.date, str]]] = {pid: [] for pid in pupil_ids}
    rows = Mark.objects.filter(
        school=school, pupil_id__in=pupil_ids, date__gte=school_year_start(day), date__lt=day
    ).values_list("pupil_id", "date", "code")
    for pupil_id, date, code in rows:
        marks[pupil_id].append((date, code))
    counted = {pid: session_figures(pupil_marks) for pid, pupil_marks in marks.items()}
    return {pid: AbsenceSoFar(f.possible, f.absent, day) for pid, f in counted.items()}


@dataclass(frozen=True)
class FollowUpPupil:
    pupil: Pupil
    enrolment: Enrolment | None
    marks: dict[str, Mark]  # the day's marks by session
    carer_links: list[CarerLink]
    absence: AbsenceSoFar
    contacts: list[ChronologyEntry]  # following up the day's absence, oldest first
    welfare: WelfareFlags | None  # None once the pupil has left the school (pupils.selectors)

    @property
    def chase_first(self) -> bool:
        """WTISA: pupils with a social worker, looked-after children, those on a child
        protection plan and the severely absent are followed up first."""
        welfare = self.welfare
        return (
            bool(
                welfare
                and (
                    welfare.has_social_worker
                    or welfare.looked_after
                    or welfare.child_protection_plan
                )
            )
            or self.absence.severe
        )


def follow_up_list(
    *, school: School, day: dt.date, today: dt.date | None = None
) -> list[FollowUpPupil]:
    """Pupils marked N at the school on the day, morning or afternoon (including those whose N
    has since been replaced, so the office sees what was resolved), those to chase first first.
    Welfare flags are today's, for pupils still on roll today (`today`, or else the day)."""
    day_marks = Mark.objects.filter(school=school, date=day)
    pupil_ids = sorted(
        set(day_marks.filter(Q(code="N") | Q(original_code="N")).values_list("pupil_id", flat=True))
    )
    if not pupil_ids:
        return []
    marks: dict[int, dict[str, Mark]] = {}
    for mark in day_marks.filter(pupil_id__in=pupil_ids):
        marks.setdefault(mark.pupil_id, {})[mark.session] = mark
    pupils = Pupil.objects.filter(pk__in=pupil_ids).prefetch_related(
        Prefetch(
            "carer_links",
            queryset=CarerLink.objects.select_related("carer").order_by("contact_priority", "id"),
        )
    )
    enrolments = {
        e.pupil_id: e
        for e in Enrolment.objects.filter(
            on_roll_on(day), school=school, pupil_id__in=pupil_ids
        ).select_related("registration_group")
    }
    contacts: dict[int, list[ChronologyEntry]] = {}
    for entry in contacts_on(school=school, pupil_ids=pupil_ids, day=day):
        contacts.setdefault(entry.pupil_id, []).append(entry)
    absence = absence_so_far(school=school, pupil_ids=pupil_ids, day=day)
    welfare_shown = pupils_with_visible_welfare(
        schools=[school], pupil_ids=pupil_ids, on=today or day
    )
    rows = [
        FollowUpPupil(
            pupil=pupil,
            enrolment=enrolments.get(pupil.pk),
            marks=marks.get(pupil.pk, {}),
            carer_links=list(pupil.carer_links.all()),
            absence=absence[pupil.pk],
            contacts=contacts.get(pupil.pk, []),
            welfare=welfare_flags(pupil) if pupil.pk in welfare_shown else None,
        )
        for pupil in pupils
    ]
    rows.sort(
        key=lambda row: (not row.chase_first, row.pupil.legal_surname, row.pupil.legal_forename)
    )
    return rows


def contacts_on(*, school: School, pupil_ids: list[int], day: dt.date) -> list[ChronologyEntry]:
    """Contacts that follow up the day's absences, whenever they were made (entries written
    before contacts named their absence followed up the day they were made on)."""
    return list(
        ChronologyEntry.objects.filter(
            Q(absence_date=day) | Q(absence_date__isnull=True, occurred_at__date=day),
            school=school,
            pupil_id__in=pupil_ids,
        ).order_by("occurred_at", "id")
    )


def chronology_for(*, pupil: Pupil, school: School) -> list[ChronologyEntry]:
    """The pupil's chronology at the school, newest first."""
    return list(
        ChronologyEntry.objects.filter(pupil=pupil, school=school).order_by("-occurred_at", "-id")
    )


def follow_up_pupil(*, school: School, pupil_id: int) -> Pupil | None:
    """A pupil the office at `school` may record a contact for: one who has been on roll there."""
    return (
        Pupil.objects.filter(pk=pupil_id, enrolments__school=school)
        .prefetch_related("carer_links__carer")
        .distinct()
        .first()
    )
