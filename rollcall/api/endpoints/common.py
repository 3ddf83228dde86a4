"""What every endpoint needs: who is asking, and the scoped record or a 404."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from django.contrib.auth.models import User
from django.http import HttpRequest
from pydantic import BeforeValidator

from rollcall.accounts.selectors import school_for
from rollcall.api.errors import ApiError, invalid
from rollcall.organisations.models import School
from rollcall.pupils.models import Pupil
from rollcall.pupils.selectors import pupil_for
from rollcall.statutory.upn import InvalidUPN, upn_validate

ERROR_RESPONSES = (401, 403, 404, 413, 422)
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
# Far beyond any real list (a million pages of a thousand), and small enough that the offset it
# asks the database for always fits in a 64-bit integer.
MAX_PAGE = 1_000_000

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: object) -> object:
    """Only YYYY-MM-DD: pydantic would otherwise read a number as seconds since 1970, so that
    `?on=0` meant 1 January 1970."""
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if not ISO_DATE.fullmatch(text):
        raise ValueError(f"'{text}' is not a date: give it as YYYY-MM-DD, e.g. 2025-01-13")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a date in the calendar") from None


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


def acting_user(request: HttpRequest) -> User:
    """The token's user (set by rollcall.api.auth.BearerToken)."""
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def school_or_404(request: HttpRequest, urn: str) -> School:
    # The same answer for a school that does not exist and one the user may not see, so the
    # API does not reveal which URNs are in use.
    school = school_for(user=acting_user(request), urn=urn)
    if school is None:
        raise ApiError(404, f"No school with URN {urn} that this token may see")
    return school


def pupil_or_404(request: HttpRequest, upn: str) -> Pupil:
    try:
        canonical = upn_validate(upn)
    except InvalidUPN as exc:
        raise invalid([(("path", "upn"), str(exc))]) from None
    pupil = pupil_for(user=acting_user(request), upn=canonical)
    if pupil is None:
        raise ApiError(404, f"No pupil with UPN {canonical} that this token may see")
    return pupil
