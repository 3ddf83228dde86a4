"""Turn records into the plain data the API schemas describe."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from rollcall.engine.sessions import SessionFigures
from rollcall.pupils.models import Enrolment, Pupil
from rollcall.pupils.selectors import WelfareFlags
from rollcall.registers.models import Mark

M = TypeVar("M", bound=Model)


def page_of(
    queryset: QuerySet[M], *, page: int, page_size: int, present: Callable[[M], dict[str, Any]]
) -> dict[str, Any]:
    count = queryset.count()
    start = (page - 1) * page_size
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": math.ceil(count / page_size),
        "items": [present(item) for item in queryset[start : start + page_size]],
    }


def _group_name(enrolment: Enrolment) -> str | None:
    group = enrolment.registration_group
    return group.name if group else None


def pupil_on_roll(enrolment: Enrolment) -> dict[str, Any]:
    pupil = enrolment.pupil
    return {
        "upn": pupil.upn,
        "legal_forename": pupil.legal_forename,
        "legal_surname": pupil.legal_surname,
        "preferred_forename": pupil.preferred_forename,
        "year_group": enrolment.year_group,
        "registration_group": _group_name(enrolment),
        "admitted_on": enrolment.admitted_on,
        "registration": enrolment.registration,
    }


def pupil_detail(
    pupil: Pupil, enrolments: QuerySet[Enrolment], welfare: WelfareFlags | None
) -> dict[str, Any]:
    """`welfare` is None where the user's schools no longer have the pupil on roll: the welfare
    flags are then null, not false (rollcall.pupils.selectors)."""
    return {
        "upn": pupil.upn,
        "legal_forename": pupil.legal_forename,
        "legal_surname": pupil.legal_surname,
        "preferred_forename": pupil.preferred_forename,
        "date_of_birth": pupil.date_of_birth,
        "sex": pupil.sex,
        "flags": {
            "sen_provision": pupil.sen_provision,
            "free_school_meals": pupil.free_school_meals,
            "english_additional_language": pupil.english_additional_language,
            "looked_after": welfare.looked_after if welfare else None,
            "child_in_need": welfare.child_in_need if welfare else None,
            "child_protection_plan": welfare.child_protection_plan if welfare else None,
            "young_carer": welfare.young_carer if welfare else None,
            "has_social_worker": welfare.has_social_worker if welfare else None,
        },
        "enrolments": [
            {
                "school_urn": enrolment.school.urn,
                "school_name": enrolment.school.name,
                "admitted_on": enrolment.admitted_on,
                "left_on": enrolment.left_on,
                "leaving_reason": enrolment.leaving_reason,
                "registration": enrolment.registration,
                "year_group": enrolment.year_group,
                "registration_group": _group_name(enrolment),
            }
            for enrolment in enrolments
        ],
    }


def mark(mark: Mark) -> dict[str, Any]:
    return {
        "school_urn": mark.school.urn,
        "date": mark.date,
        "session": mark.session,
        "code": mark.code,
        "original_code": mark.original_code,
        "minutes_late": mark.minutes_late,
        "recorded_at": mark.recorded_at,
        "source": mark.source,
        "amendments": [
            {
                "previous_code": amendment.previous_code,
                "new_code": amendment.new_code,
                "reason": amendment.reason,
                "amended_at": amendment.amended_at,
                "amended_by": amendment.amended_by_label,
                "amended_by_role": amendment.amended_by_role,
            }
            for amendment in mark.amendments.all()
        ],
    }


def figures(upn: str, start: dt.date, end: dt.date, counted: SessionFigures) -> dict[str, Any]:
    return {
        "upn": upn,
        "start": start,
        "end": end,
        "possible": counted.possible,
        "present": counted.present,
        "approved_educational_activity": counted.approved_educational_activity,
        "authorised_absence": counted.authorised_absence,
        "unauthorised_absence": counted.unauthorised_absence,
        "not_counted": counted.not_counted,
        "attendance_percent": counted.attendance_percent,
    }
