"""Attendance pages: the authority, school, pupil and cohort dashboards and the worklist.

Figures come from the analysis store as it is, memory-mapped once per request; no page builds
or updates it. When there is none yet the page says the figures are being prepared; when the
registers have moved on since it was saved the page says so above the figures; either way it
asks the background job to bring it up to date (analytics.tasks). Records come through
selectors scoped to the user, so a school, pupil or item the user may not see is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from rollcall.accounts.selectors import school_for
from rollcall.analytics.figures.prepared import YearFigures
from rollcall.analytics.forms import DoneForm
from rollcall.analytics.models import WorklistItem
from rollcall.analytics.presenters.authority import SchoolsOrder, authority_page, schools_csv
from rollcall.analytics.presenters.cohorts import choice_from, cohort_page
from rollcall.analytics.presenters.common import AsOf, as_of_from
from rollcall.analytics.presenters.pupil import pupil_page
from rollcall.analytics.presenters.pupil_list import csv_text, filters_from, pupil_lines
from rollcall.analytics.presenters.school import school_page
from rollcall.analytics.presenters.worklist import item_page, worklist_page
from rollcall.analytics.selectors import (
    analytics_scope,
    may_complete,
    worklist_item_for,
)
from rollcall.analytics.services import worklist_item_complete
from rollcall.analytics.source import StoreReading, store_reading
from rollcall.analytics.tasks import store_refresh_request
from rollcall.casework.selectors import case_links
from rollcall.casework.worklist import children_page
from rollcall.core import clock
from rollcall.engine import MarkMatrix
from rollcall.pupils.selectors import pupil_for
from rollcall.web.forms import add_errors
from rollcall.web.pupil_links import ATTENDANCE, pupil_record_links

NOT_YOURS = (
    "Only the school's attendance officers and headteacher can mark its worklist items done. "
    "You can read them here."
)


PREPARING = (
    "Figures are being prepared from the registers. This page will show them when they are "
    "ready: try again in a few minutes."
)
BEHIND = "Figures are as at {when}; marks taken or changed since are being added."


def _reading(request: HttpRequest) -> StoreReading:
    """The store as it is, read once per request however many figures a page needs."""
    cached = getattr(request, "_rollcall_store", None)
    if cached is None:
        cached = store_reading()
        request._rollcall_store = cached  # type: ignore[attr-defined]
        if not cached.current:
            store_refresh_request()
    return cached


def _matrix(request: HttpRequest) -> MarkMatrix:
    matrix = _reading(request).matrix
    assert matrix is not None, "figures_needed lets a view run only when there is a store"
    return matrix


def _year(request: HttpRequest) -> YearFigures:
    reading = _reading(request)
    return YearFigures(_matrix(request), reading.prepared, reading.saved_law)


def figures_needed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of figures: with no store yet, the page that says they are being prepared."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _reading(request).matrix is None:
            response = render(request, "analytics/preparing.html", {"message": PREPARING})
            response["Retry-After"] = "60"
            return response
        return view(request, *args, **kwargs)

    return wrapper


def _show(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render a page of figures, saying above them when the registers have moved on since."""
    reading = _reading(request)
    note = None
    if reading.behind and reading.as_at is not None:
        when = timezone.localtime(reading.as_at)
        note = BEHIND.format(when=f"{when:%H:%M} on {when:%-d %B %Y}")
    return render(request, template, {**context, "figures_note": note})


def _as_of(request: HttpRequest) -> AsOf:
    return as_of_from(request.GET, matrix=_matrix(request), today=clock.today())


@require_GET
@login_required
@figures_needed
def index(request: HttpRequest) -> HttpResponse:
    scope = analytics_scope(user=request.user)
    if scope.level == "school" and len(scope.schools) == 1:
        target = redirect("analytics:school", urn=scope.schools[0].urn)
        if request.GET:
            target["Location"] += "?" + urlencode(request.GET)
        return target
    page = authority_page(
        scope=scope,
        year=_year(request),
        as_of=_as_of(request),
        order=SchoolsOrder.of(request.GET),
    )
    return _show(request, "analytics/index.html", {"page": page, "scope": scope})


@require_GET
@login_required
@figures_needed
def schools_csv_download(request: HttpRequest) -> HttpResponse:
    scope = analytics_scope(user=request.user)
    as_of = _as_of(request)
    text = schools_csv(
        scope=scope, year=_year(request), as_of=as_of, order=SchoolsOrder.of(request.GET)
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = f"schools-{as_of.date.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@login_required
@figures_needed
def school(request: HttpRequest, urn: str) -> HttpResponse:
    found = school_for(user=request.user, urn=urn)
    if found is None:
        raise Http404("No such school")
    page = school_page(
        user=request.user,
        school=found,
        year=_year(request),
        as_of=_as_of(request),
        filters=filters_from(request.GET),
        page_number=request.GET.get("page"),
        saved=_reading(request).saved_law,
    )
    return _show(request, "analytics/school.html", {"page": page})


@require_GET
@login_required
@figures_needed
def school_csv(request: HttpRequest, urn: str) -> HttpResponse:
    found = school_for(user=request.user, urn=urn)
    if found is None:
        raise Http404("No such school")
    as_of = _as_of(request)
    lines = pupil_lines(
        user=request.user,
        school=found,
        matrix=_matrix(request),
        as_of=as_of,
        filters=filters_from(request.GET),
        saved=_reading(request).saved_law,
    )
    response = HttpResponse(csv_text(lines.shown), content_type="text/csv; charset=utf-8")
    name = f"{found.urn}-pupils-{as_of.date.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@login_required
@figures_needed
def pupil(request: HttpRequest, upn: str) -> HttpResponse:
    found = pupil_for(user=request.user, upn=upn)
    if found is None:
        raise Http404("No such pupil")
    page = pupil_page(
        user=request.user,
        pupil=found,
        matrix=_matrix(request),
        as_of=_as_of(request),
        today=clock.today(),
        saved=_reading(request).saved_law,
    )
    links = pupil_record_links(user=request.user, pupil=found, current=ATTENDANCE)
    return _show(request, "analytics/pupil.html", {"page": page, "links": links})


@require_GET
@login_required
@figures_needed
def cohorts(request: HttpRequest) -> HttpResponse:
    page = cohort_page(
        user=request.user,
        scope=analytics_scope(user=request.user),
        year=_year(request),
        as_of=_as_of(request),
        choice=choice_from(request.GET),
    )
    return _show(request, "analytics/cohorts.html", {"page": page})


@require_GET
@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    if request.GET.get("status") not in (WorklistItem.Status.DONE, WorklistItem.Status.WITHDRAWN):
        # The morning page: children, with their triggers and cases together.
        children = children_page(user=request.user, query=request.GET, today=clock.today())
        return render(request, "casework/worklist.html", {"page": children})
    page = worklist_page(
        user=request.user, scope=analytics_scope(user=request.user), query=request.GET
    )
    return render(request, "analytics/worklist.html", {"page": page})


@require_http_methods(["GET", "POST"])
@login_required
def worklist_item(request: HttpRequest, item_id: int) -> HttpResponse:
    item = worklist_item_for(user=request.user, item_id=item_id)
    if item is None:
        raise Http404("No such worklist item")
    form = DoneForm(request.POST or None)
    if request.method == "POST":
        if not may_complete(user=request.user, item=item):
            return render(request, "analytics/refused.html", {"message": NOT_YOURS}, status=403)
        if form.is_valid():
            try:
                worklist_item_complete(
                    actor=request.user,  # type: ignore[arg-type]
                    item=item,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as refused:
                add_errors(form, refused)
            else:
                messages.success(
                    request, f"Marked done: {item.label} for {item.pupil.display_name}"
                )
                return redirect(item_page(user=request.user, item=item).back_href)
    page = item_page(user=request.user, item=item)
    cases = case_links(
        user=request.user,
        pupil=item.pupil,
        school=item.school,
        item_id=item.pk if item.status == WorklistItem.Status.OPEN else None,
    )
    return render(
        request, "analytics/worklist_item.html", {"page": page, "form": form, "cases": cases}
    )
