from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rollcall.core import clock
from rollcall.web.presenters import home_page, search_page


@require_GET
def home(request: HttpRequest) -> HttpResponseBase:
    # The front door answers 200 either way: the sign-in form, or what the user may see.
    if not request.user.is_authenticated:
        return LoginView.as_view(template_name="sign_in.html")(request)
    page = home_page(user=request.user, now=clock.local_now())
    return render(request, "home.html", {"page": page})


@require_GET
@login_required
def pupil_search(request: HttpRequest) -> HttpResponse:
    page = search_page(user=request.user, query=request.GET.get("q", ""), today=clock.today())
    return render(request, "pupil_search.html", {"page": page})


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
