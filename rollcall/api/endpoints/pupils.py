"""One pupil: their record, their marks and their attendance figures, as far as the token's
user may see them (marks and enrolments at other schools are left out)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from rollcall.accounts.selectors import schools_visible_to
from rollcall.api import presenters
from rollcall.api.endpoints.common import (
    ERROR_RESPONSES,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    IsoDate,
    acting_user,
    pupil_or_404,
)
from rollcall.api.errors import invalid
from rollcall.api.schemas import ErrorOut, FiguresOut, MarkPageOut, PupilOut
from rollcall.api.selectors import pupil_enrolments, pupil_mark_codes, pupil_marks
from rollcall.core import clock
from rollcall.engine.sessions import session_figures
from rollcall.pupils.selectors import welfare_flags_for

router = Router(tags=["pupils"])

FROM = Query(..., alias="from", description="First day, YYYY-MM-DD")
TO = Query(..., alias="to", description="Last day (inclusive), YYYY-MM-DD")


def _check_range(start: dt.date, end: dt.date) -> None:
    if end < start:
        message = f"'to' ({end.isoformat()}) is before 'from' ({start.isoformat()})"
        raise invalid([(("query", "to"), message)])


@router.get(
    "/pupils/{upn}",
    response={200: PupilOut, ERROR_RESPONSES: ErrorOut},
    summary="A pupil's record and enrolments",
)
def pupil_detail(request: HttpRequest, upn: str) -> dict[str, Any]:
    pupil = pupil_or_404(request, upn)
    user = acting_user(request)
    enrolments = pupil_enrolments(user=user, pupil=pupil)
    welfare = welfare_flags_for(
        pupil=pupil, schools=schools_visible_to(user=user), on=clock.today()
    )
    return presenters.pupil_detail(pupil, enrolments, welfare)


@router.get(
    "/pupils/{upn}/marks",
    response={200: MarkPageOut, ERROR_RESPONSES: ErrorOut},
    summary="A pupil's marks between two dates, with every amendment",
)
def pupil_marks_list(
    request: HttpRequest,
    upn: str,
    start: IsoDate = FROM,
    end: IsoDate = TO,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    _check_range(start, end)
    pupil = pupil_or_404(request, upn)
    marks = pupil_marks(user=acting_user(request), pupil=pupil, start=start, end=end)
    return presenters.page_of(marks, page=page, page_size=page_size, present=presenters.mark)


@router.get(
    "/pupils/{upn}/figures",
    response={200: FiguresOut, ERROR_RESPONSES: ErrorOut},
    summary="A pupil's attendance figures between two dates",
    description=(
        "Sessions by DfE statistical category, each by the meaning its code had on the "
        "session's date. Attendance % = (present + approved educational activity) / possible."
    ),
)
def pupil_figures(
    request: HttpRequest, upn: str, start: IsoDate = FROM, end: IsoDate = TO
) -> dict[str, Any]:
    _check_range(start, end)
    pupil = pupil_or_404(request, upn)
    codes = pupil_mark_codes(user=acting_user(request), pupil=pupil, start=start, end=end)
    counted = session_figures(codes)
    return presenters.figures(pupil.upn, start, end, counted)
