"""A school's pupils on roll, and the bulk push of register marks from its MIS."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from rollcall.api import presenters
from rollcall.api.endpoints.common import (
    ERROR_RESPONSES,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    IsoDate,
    acting_user,
    school_or_404,
)
from rollcall.api.errors import ApiError, invalid
from rollcall.api.push import (
    MAX_BODY_BYTES,
    MAX_MARKS,
    marks_push_read,
    push_body_json_schema,
    push_refusal,
)
from rollcall.api.schemas import ErrorOut, PupilPageOut, PushResultOut
from rollcall.api.selectors import enrolments_on_roll, may_record_marks
from rollcall.core import clock
from rollcall.registers.models import Mark
from rollcall.registers.services import MarksRejected, marks_bulk_record
from rollcall.registers.services.writer_queue import writers_queue

router = Router(tags=["schools"])


@router.get(
    "/schools/{urn}/pupils",
    response={200: PupilPageOut, ERROR_RESPONSES: ErrorOut},
    summary="Pupils on roll at a school on a date",
)
def school_pupils(
    request: HttpRequest,
    urn: str,
    on: IsoDate | None = Query(None, description="YYYY-MM-DD; today if not given"),  # noqa: B008
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    school = school_or_404(request, urn)
    day = on or clock.today()
    return presenters.page_of(
        enrolments_on_roll(school=school, on=day),
        page=page,
        page_size=page_size,
        present=presenters.pupil_on_roll,
    )


@router.post(
    "/schools/{urn}/marks",
    response={200: PushResultOut, ERROR_RESPONSES: ErrorOut},
    summary="Record many register marks at once (all or nothing)",
    description=(
        f"Up to {MAX_MARKS:,} marks a request. Pushing the same marks again creates nothing. "
        "A session already recorded with a different code is amended, keeping the original, "
        "and needs `amendment_reason`. Any invalid mark refuses the whole push, with each "
        "problem's `loc` naming the mark's index."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": push_body_json_schema()}},
        }
    },
)
def school_marks_push(request: HttpRequest, urn: str) -> dict[str, int]:
    school = school_or_404(request, urn)
    user = acting_user(request)
    if not may_record_marks(user=user, school=school):
        raise ApiError(
            403,
            f"This token may read {school.name}'s registers but not write them: only the "
            "school's own staff and its MIS integration record marks",
        )
    push = marks_push_read(_body(request))
    try:
        with writers_queue():
            result = marks_bulk_record(
                actor=user,
                school=school,
                marks=push.marks,
                source=Mark.Source.API,
                today=clock.today(),
                amendment_reason=push.amendment_reason,
            )
    except MarksRejected as exc:
        raise invalid(
            push_refusal(school=school, push=push, problems=exc.problems), "push"
        ) from None
    return {"created": result.created, "unchanged": result.unchanged, "amended": result.amended}


def _body(request: HttpRequest) -> bytes:
    # Read the stream ourselves: Django's request.body stops at DATA_UPLOAD_MAX_MEMORY_SIZE
    # (2.5 MB), far below a school's marks; this endpoint sets its own limit.
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > MAX_BODY_BYTES:
        raise ApiError(
            413,
            f"The request body is {length:,} bytes; send at most {MAX_BODY_BYTES:,} bytes "
            f"({MAX_MARKS:,} marks) in one request",
        )
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise ApiError(413, f"Send at most {MAX_BODY_BYTES:,} bytes in one request")
    return body
