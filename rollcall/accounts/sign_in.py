"""Sign-in throttling, on django-axes (ADR 0010).

After `SIGN_IN_FAILURE_LIMIT` wrong passwords for one username, or from one address, sign-in is
refused for `SIGN_IN_LOCKOUT_MINUTES` (ASVS 2.2.1): the sign-in page says so in plain words, the
lockout is written to the audit log, and an administrator can end it early with
`rollcall sign_in_unlock` or in the Django admin. Tries during a lockout are refused without
being counted, so the lockout always ends when its time is up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rollcall.accounts.forms import SignInForm
from rollcall.accounts.selectors import sign_in_locked_since
from rollcall.accounts.services import sign_in_lockout_record
from rollcall.core import clock

LOCKOUT_STATUS = 429


class SignInThrottle(AxesStandaloneBackend):
    """Refuses a sign-in while its username or address is locked out.

    A sign-in through a page always comes with its request, and is throttled. Code that
    authenticates without one (a script, the test client's `login`) has no address to count
    and is left to the other backends."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request: HttpRequest) -> str:
    """The address a sign-in came from: REMOTE_ADDR, or behind TRUSTED_PROXIES reverse proxies
    the address the nearest of them saw (the ones before it in X-Forwarded-For are the client's
    to write, so they are not believed)."""
    proxies = settings.TRUSTED_PROXIES
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if proxies > 0 and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def lockout_message(*, until: dt.datetime | None, minutes: int) -> str:
    when = (
        f"Try again after {timezone.localtime(until):%H:%M}"
        if until is not None
        else f"Try again in {minutes} minutes"
    )
    return (
        "Sign-in is paused after too many wrong passwords for this username or from this "
        f"network. {when}, or ask your rollcall administrator to unlock it."
    )


def locked_out_page(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The sign-in page, saying that sign-in is paused and until when (axes calls this)."""
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))
    cool_off = get_cool_off(request) or dt.timedelta(0)
    since = sign_in_locked_since(username=username, ip_address=client_ip(request))
    until = since + cool_off if since is not None else None
    if until is not None and until < clock.now():
        until = None
    form = SignInForm(request, initial={"username": username})
    context = {
        "form": form,
        "locked_out": lockout_message(until=until, minutes=int(cool_off.total_seconds() // 60)),
        "next": request.POST.get("next", ""),
    }
    response = render(request, "sign_in.html", context, status=LOCKOUT_STATUS)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def record_lockout(
    sender: object, request: HttpRequest, username: str | None, ip_address: str, **kwargs: Any
) -> None:
    """axes' user_locked_out signal: audit the failure that starts a lockout (not each refused
    try during it, which axes signals too but does not count)."""
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    sign_in_lockout_record(
        username=username or "",
        ip_address=ip_address,
        failures=int(request.axes_failures_since_start),  # type: ignore[attr-defined]
        lockout_minutes=int((get_cool_off(request) or dt.timedelta(0)).total_seconds() // 60),
    )
