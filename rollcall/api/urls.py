"""The REST API under /api/: endpoints, /api/openapi.json and the documentation at /api/docs."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path

from rollcall.api.docs import docs_asset
from rollcall.api.errors import error_body
from rollcall.api.main import api

app_name = "api"


def not_found(request: HttpRequest, rest: str) -> JsonResponse:
    # Unknown addresses under /api/ answer in the API's error shape, not with an HTML page.
    body = error_body(f"There is no API endpoint at {request.path}; see /api/docs")
    return JsonResponse(body, status=404)


ninja_patterns, _, _ = api.urls

urlpatterns = [
    path("docs/assets/<str:name>", docs_asset, name="docs-asset"),
    *ninja_patterns,
    re_path(r"^(?P<rest>.*)$", not_found),
]
