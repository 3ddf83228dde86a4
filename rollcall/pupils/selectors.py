"""Reads of pupils, scoped to what the reading user may see."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from rollcall.accounts.selectors import User, pupils_visible_to, schools_visible_to
from rollcall.pupils.models import Enrolment, Pupil

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
