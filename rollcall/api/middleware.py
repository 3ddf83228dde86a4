"""Every answer under /api/ that is an error is JSON in the API's error shape.

The endpoints' own errors already are (rollcall.api.errors); this catches what is answered
before or around them: ninja's 405 for a method an address does not take, and anything that
escapes as an exception. The documentation page at /api/docs is the one HTML page under /api/.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase

from rollcall.api.errors import UNEXPECTED, error_body

logger = logging.getLogger("django.request")

API_PREFIX = "/api/"
HTML_PAGES = ("/api/docs",)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX) and not request.path.startswith(HTML_PAGES)


def _detail(request: HttpRequest, response: HttpResponseBase) -> str:
    status = response.status_code
    if status == 405:
        allowed = ", ".join(sorted(m.strip() for m in response.get("Allow", "").split(",")))
        return f"{request.method} is not allowed at {request.path}; it takes {allowed}"
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


class ApiErrorsAsJson:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            _is_api(request)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            replaced = JsonResponse(
                error_body(_detail(request, response)), status=response.status_code
            )
            for header in ("Allow", "WWW-Authenticate", "Retry-After"):
                if header in response:
                    replaced[header] = response[header]
            return replaced
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _is_api(request):
            return None
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"request": request},
        )
        return JsonResponse(error_body(UNEXPECTED), status=500)
