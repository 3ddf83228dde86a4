"""What every endpoint needs: who is asking, and the scoped record or a 404."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest

from rollcall.api.errors import ApiError, invalid
from rollcall.api.selectors import pupil_for, school_for
from rollcall.organisations.models import School
from rollcall.pupils.models import Pupil
from rollcall.pupils.upn import InvalidUPN, upn_validate

ERROR_RESPONSES = (401, 403, 404, 413, 422)
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


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
