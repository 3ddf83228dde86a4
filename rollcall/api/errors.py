"""One shape for every API error: {"detail": reason, "errors": [{"loc": [...], "msg": ...}]}.

ninja's own handlers answer 401 with a bare "Unauthorized" and 422 with pydantic's raw error
list; an MIS developer should get the same readable shape whatever went wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger("django.request")

Loc = Sequence[str | int]
# At most this many field errors are listed; the detail says how many there were in all.
ERRORS_SHOWN = 200


UNEXPECTED = (
    "Something went wrong in rollcall while answering this request. It has been logged: "
    "try again, and tell the service desk if it keeps happening"
)


class ApiError(Exception):
    def __init__(self, status: int, detail: str, errors: Sequence[tuple[Loc, str]] = ()) -> None:
        self.status = status
        self.detail = detail
        self.errors = list(errors)
        super().__init__(detail)


def invalid(errors: Sequence[tuple[Loc, str]], what: str = "request") -> ApiError:
    """A 422 listing field errors, e.g. invalid([(("body", "marks", 12, "code"), "...")])."""
    shown = f" (the first {ERRORS_SHOWN} are listed)" if len(errors) > ERRORS_SHOWN else ""
    count = f"{len(errors)} problem" + ("" if len(errors) == 1 else "s")
    return ApiError(422, f"The {what} was refused and nothing was stored: {count}{shown}", errors)


def _invalid_request(request: HttpRequest, errors: Sequence[tuple[Loc, str]]) -> ApiError:
    if request.method in ("GET", "HEAD"):
        count = f"{len(errors)} problem" + ("" if len(errors) == 1 else "s")
        return ApiError(422, f"The request was refused: {count}", errors)
    return invalid(errors)


def _message(error: dict[str, Any]) -> str:
    # pydantic prefixes the message of a validator's ValueError with "Value error, ".
    return str(error.get("msg", "")).removeprefix("Value error, ")


def error_body(detail: str, errors: Sequence[tuple[Loc, str]] = ()) -> dict[str, Any]:
    return {
        "detail": detail,
        "errors": [{"loc": list(loc), "msg": msg} for loc, msg in errors[:ERRORS_SHOWN]],
    }


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        response = api.create_response(request, body, status=status)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="rollcall"'
        return response

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, exc.status, error_body(exc.detail, exc.errors))

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        detail = exc.message
        if detail == "Unauthorized":  # ninja's default: no Authorization header at all
            detail = "Send an API token in the header 'Authorization: Bearer <token>'"
        return respond(request, 401, error_body(detail))

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return respond(request, exc.status_code, error_body(exc.message))

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, error_body(str(exc) or "Not found"))

    def on_request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [(tuple(error.get("loc", ())), _message(error)) for error in exc.errors]
        return on_api_error(request, _invalid_request(request, errors))

    def on_service_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors: list[tuple[Loc, str]] = [
                (("body", field), message)
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [(("body",), message) for message in exc.messages]
        return on_api_error(request, invalid(errors))

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged in full as Django logs a 500; the caller gets JSON, never an HTML page.
        logger.error(
            "Internal Server Error: %s", request.path, exc_info=exc, extra={"request": request}
        )
        return respond(request, 500, error_body(UNEXPECTED))

    # ninja types a handler's argument as "the exception or its class"; ours take instances.
    register = cast(
        Callable[[type[Exception], Callable[..., HttpResponse]], None], api.add_exception_handler
    )
    register(ApiError, on_api_error)
    register(AuthenticationError, on_authentication)
    register(HttpError, on_http_error)
    register(Http404, on_not_found)
    register(NinjaValidationError, on_request_invalid)
    register(DjangoValidationError, on_service_invalid)
    register(Exception, on_unexpected)
