"""Bearer-token authentication: `Authorization: Bearer <token>`.

The request then acts as the token's user, and sees only what that user may see.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from rollcall.api.selectors import api_token_for
from rollcall.api.services import api_token_mark_used
from rollcall.core import clock

UNKNOWN_TOKEN = "This API token is not recognised; check it was copied in full"  # noqa: S105


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User:
        api_token = api_token_for(secret=token.strip()) if token.strip() else None
        if api_token is None:
            raise AuthenticationError(message=UNKNOWN_TOKEN)
        now = clock.now()
        refusal = api_token.refusal(now)
        if refusal:
            raise AuthenticationError(message=refusal)
        api_token_mark_used(token=api_token, now=now)
        request.user = api_token.user
        return api_token.user
