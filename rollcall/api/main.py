"""The REST API: one NinjaAPI, its token authentication and its error shape."""

from __future__ import annotations

from ninja import NinjaAPI

from rollcall.api.auth import BearerToken
from rollcall.api.docs import LocalSwagger
from rollcall.api.endpoints import cases, pupils, schools
from rollcall.api.errors import install_error_handlers

DESCRIPTION = """\
Read pupils, marks, attendance figures and cases, and push register marks from a school's management
information system (MIS). Every request sends `Authorization: Bearer <token>` and sees only
what the token's user may see. Every error is `{"detail": ..., "errors": [{"loc", "msg"}]}`.
"""

api = NinjaAPI(
    title="rollcall API",
    version="1",
    description=DESCRIPTION,
    auth=BearerToken(),
    urls_namespace="api",
    docs=LocalSwagger(),
)
install_error_handlers(api)
api.add_router("", schools.router)
api.add_router("", pupils.router)
api.add_router("", cases.router)
