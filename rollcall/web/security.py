"""Headers every answer carries: a Content-Security-Policy, and no caching of personal data.

The policy lets a page run only rollcall's own scripts and styles (from /static and the API
documentation's assets), plus the one inline script GOV.UK Frontend's page template needs, which
carries this request's nonce (`request.csp_nonce`, given to the template as `cspNonce`). No page
may use inline event handlers, `style` attributes or scripts from elsewhere (ASVS 14.4.3).

Pages, CSV files and API answers hold children's records, so none may be kept by a browser or
a proxy (ASVS 8.2.1): every answer that does not set its own Cache-Control gets `no-store`.
The static files and the API documentation's assets set their own and stay cacheable.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase

POLICY = (
    "default-src 'self'",
    "script-src 'self' 'nonce-{nonce}'",
    "style-src 'self'",
    # GOV.UK Frontend and Swagger UI draw a few icons as data: URIs in their stylesheets.
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)


def content_security_policy(nonce: str) -> str:
    return "; ".join(POLICY).format(nonce=nonce)


class SecurityHeaders:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", content_security_policy(nonce))
        if "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
