"""Reads about pupils that several parts of rollcall ask: welfare flags, finding a pupil, and
whether an enrolment has the pupil on roll on a day.

Welfare flags — a social worker (and who), looked after, child in need, a child protection
plan, young carer — are today's facts about a child, not part of a school's history with them.
Only a school the pupil is on roll at today may see them; a school the pupil has left no longer
does, through any page or the API. One rule, asked by every caller: `welfare_flags_for`, or
`pupils_with_visible_welfare` for a list. (UK GDPR Art. 5(1)(c), data minimisation; Keeping
Children Safe in Education sends the child protection file on to the new school.)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from rollcall.accounts.selectors import User, pupils_visible_to, schools_visible_to
from rollcall.organisations.models import School
from rollcall.pupils.models import Condition, Enrolment, Pupil

Schools = QuerySet[School] | Collection[School]


@dataclass(frozen=True)
class WelfareFlags:
    social_worker: str  # name and contact; empty when there is none
    looked_after: bool
    child_in_need: bool
    child_protection_plan: bool
    young_carer: bool

    @property
    def has_social_worker(self) -> bool:
        return bool(self.social_worker)


def pupil_for(*, user: User, upn: str) -> Pupil | None:
    """The pupil with this UPN if the user may see them (ever on roll at a school they see)."""
    return pupils_visible_to(user=user).filter(upn=upn).first()


def on_roll_on(day: dt.date, *, through: str = "") -> Q:
    """The condition that an enrolment has its pupil on roll on `day`: admitted on or before it
    and not yet left (a pupil leaves roll at the end of `left_on`: REG24 reg 9). `through`
    reaches the enrolment from another model, e.g. "enrolments__" from a school or pupil."""
    return Q(**{f"{through}admitted_on__lte": day}) & (
        Q(**{f"{through}left_on__isnull": True}) | Q(**{f"{through}left_on__gte": day})
    )


def _on_roll_at(schools: Schools, on: dt.date) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(on_roll_on(on), school__in=schools)


def pupils_with_visible_welfare(
    *, schools: Schools, pupil_ids: Collection[int], on: dt.date
) -> set[int]:
    """Which of the pupils are on roll on `on` at one of `schools` (the schools the asking user
    may see), so that their welfare flags may be shown. `on` is today, read at the edge: a page
    about an earlier day still shows today's flags, so it asks about today too."""
    found = _on_roll_at(schools, on).filter(pupil_id__in=list(pupil_ids))
    return set(found.values_list("pupil_id", flat=True))


def welfare_flags_for(*, pupil: Pupil, schools: Schools, on: dt.date) -> WelfareFlags | None:
    """The pupil's welfare flags, or None when none of `schools` has them on roll on `on`."""
    if not pupils_with_visible_welfare(schools=schools, pupil_ids=[pupil.pk], on=on):
        return None
    return welfare_flags(pupil)


def welfare_flags(pupil: Pupil) -> WelfareFlags:
    """The flags as recorded; callers outside this module use `welfare_flags_for`."""
    contact = f", {pupil.social_worker_contact}" if pupil.social_worker_contact else ""
    return WelfareFlags(
        social_worker=f"{pupil.social_worker_name}{contact}" if pupil.has_social_worker else "",
        looked_after=pupil.looked_after,
        child_in_need=pupil.child_in_need,
        child_protection_plan=pupil.child_protection_plan,
        young_carer=pupil.young_carer,
    )


# ------------------------------------------------------------------ finding a pupil

SEARCH_LIMIT = 50
UPN_SHAPE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")


@dataclass(frozen=True)
class PupilFound:
    pupil: Pupil
    enrolments: list[Enrolment]  # at schools the user may see, latest first


def pupils_matching(*, user: User, query: str, limit: int = SEARCH_LIMIT) -> list[PupilFound]:
    """Pupils the user may see whose UPN is `query`, or whose names contain every word of it
    (legal or preferred forename, surname), by surname; at most `limit`."""
    words = query.split()
    if not words:
        return []
    visible = pupils_visible_to(user=user)
    if len(words) == 1 and UPN_SHAPE.match(words[0].upper()):
        found = visible.filter(upn=words[0].upper())
    else:
        found = visible
        for word in words[:5]:
            found = found.filter(
                Q(legal_forename__icontains=word)
                | Q(preferred_forename__icontains=word)
                | Q(legal_surname__icontains=word)
            )
    schools = schools_visible_to(user=user)
    pupils = found.order_by("legal_surname", "legal_forename", "upn").prefetch_related(
        Prefetch(
            "enrolments",
            queryset=Enrolment.objects.filter(school__in=schools)
            .select_related("school", "registration_group")
            .order_by("-admitted_on"),
            to_attr="visible_enrolments",
        )
    )[:limit]
    return [PupilFound(p, list(p.visible_enrolments)) for p in pupils]


def on_roll(enrolment: Enrolment, day: dt.date) -> bool:
    """Whether the enrolment has the pupil on roll on `day` (admitted by then, not yet left)."""
    return enrolment.admitted_on <= day and (enrolment.left_on is None or enrolment.left_on >= day)


def conditions_in_force(
    *, school: School, pupil_ids: Collection[int], on: dt.date
) -> dict[int, list[Condition]]:
    """The conditions on recording each pupil's absence at the school on `on`: set, started,
    not ended and not lifted by then."""
    rows = list(
        Condition.objects.filter(
            school=school, pupil_id__in=list(pupil_ids), starts_on__lte=on
        ).order_by("starts_on", "id")
    )
    lifted = {row.lifts_id for row in rows if row.lifts_id is not None}
    found: dict[int, list[Condition]] = {}
    for row in rows:
        if row.lifts_id is not None or row.pk in lifted:
            continue
        if row.ends_on is not None and row.ends_on < on:
            continue
        found.setdefault(row.pupil_id, []).append(row)
    return found
