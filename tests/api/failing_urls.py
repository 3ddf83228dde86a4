"""rollcall's addresses plus two under /api/ that fail unexpectedly, for tests/api/test_errors.py:
one inside a NinjaAPI with rollcall's error handlers, one a plain Django view."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja import NinjaAPI

from rollcall.api.errors import install_error_handlers
from rollcall.urls import urlpatterns as rollcall_urlpatterns

failing_api = NinjaAPI(urls_namespace="failing", docs_url=None, openapi_url=None)
install_error_handlers(failing_api)


@failing_api.get("/endpoint")
def endpoint(request: HttpRequest) -> dict[str, str]:
    raise RuntimeError("a bug inside an endpoint")


def plain_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug outside the endpoints")


urlpatterns = [
    path("api/failing/", failing_api.urls),
    path("api/failing-view", plain_view),
    *rollcall_urlpatterns,
]
