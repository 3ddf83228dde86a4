from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rollcall.web.presenters import home_page


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    page = home_page(user=request.user, today=timezone.localdate())  # type: ignore[arg-type]
    return render(request, "home.html", {"page": page})


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
