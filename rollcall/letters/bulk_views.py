"""Letters in bulk at a school: choose a letter and a list, preview who gets what and who
cannot be reached, send (a run on the task queue), and watch the batch's progress; then print
the posted letters as one PDF and record their posting. Only the school's attendance officers
and headteacher may send; each child's case is checked again when the batch is made."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rollcall.accounts.selectors import school_for
from rollcall.core import clock
from rollcall.letters.bulk_plan import EVERY_OPEN_CASE, batch_plan, bulk_letters, bulk_lists
from rollcall.letters.bulk_presenters import batch_page, preview_page
from rollcall.letters.forms import BatchPostedForm, BulkForm
from rollcall.letters.selectors import (
    batch_progress,
    school_batch,
    school_batches,
    school_writer,
    writer_schools,
)
from rollcall.letters.services.bulk import (
    batch_print_pdf,
    letter_batch_create,
    letter_batch_posted_record,
    letter_batch_queue,
)
from rollcall.organisations.models import School
from rollcall.web.forms import add_errors
from rollcall.web.pages import refused

NOT_STAFF = "Only the school's attendance officers and headteacher can send letters in bulk."
REFRESH_SECONDS = 2


def _school(request: HttpRequest, urn: str) -> School:
    school = school_for(user=request.user, urn=urn)
    if school is None:
        raise Http404("No such school")
    return school


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The user's school's page, or a choice when they work at more than one."""
    schools = writer_schools(user=request.user)
    if len(schools) == 1:
        return redirect("letters_bulk:start", schools[0].urn)
    if not schools:
        return refused(request, NOT_STAFF)
    return render(request, "letters/bulk_schools.html", {"schools": schools})


@require_http_methods(["GET", "POST"])
@login_required
def start(request: HttpRequest, urn: str) -> HttpResponse:
    school = _school(request, urn)
    if not school_writer(user=request.user, school=school):
        return refused(request, NOT_STAFF)
    today = clock.today()
    form = BulkForm(
        request.GET or None,
        letters=bulk_letters(school=school),
        lists=bulk_lists(school=school),
        initial={
            "children": EVERY_OPEN_CASE,
            "met_from": _monday(today),
            "met_to": today,
            "period_to": today,
        },
    )
    preview = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        arguments = {
            "school": school,
            "letter_key": data["letter"],
            "list_kind": data["children"],
            "met_from": data["met_from"],
            "met_to": data["met_to"],
            "period_from": data["period_from"],
            "period_to": data["period_to"],
            "on": today,
        }
        try:
            if request.method == "POST":
                batch = letter_batch_create(actor=request.user, **arguments)  # type: ignore[arg-type]
                letter_batch_queue(actor=request.user, batch=batch)  # type: ignore[arg-type]
                messages.success(request, f"Letters in bulk {batch.reference} are on their way")
                return redirect("letters_bulk:batch", school.urn, batch.reference)
            preview = preview_page(batch_plan(user=request.user, **arguments))
        except ValidationError as refusal:
            add_errors(form, refusal)
    return render(
        request,
        "letters/bulk.html",
        {
            "form": form,
            "school": school,
            "preview": preview,
            "query": urlencode(list(request.GET.lists()), doseq=True),
            "batches": school_batches(school=school),
        },
    )


@require_GET
@login_required
def batch(request: HttpRequest, urn: str, reference: str) -> HttpResponse:
    school = _school(request, urn)
    if not school_writer(user=request.user, school=school):
        return refused(request, NOT_STAFF)
    found = school_batch(school=school, reference=reference)
    if found is None:
        raise Http404("No such batch")
    page = batch_page(batch=found, progress=batch_progress(batch=found))
    return render(
        request,
        "letters/batch.html",
        {
            "page": page,
            "school": school,
            "refresh": REFRESH_SECONDS if page.running else 0,
            "posted_form": BatchPostedForm(initial={"posted_on": clock.today()}),
        },
    )


@require_POST
@login_required
def rerun(request: HttpRequest, urn: str, reference: str) -> HttpResponse:
    school = _school(request, urn)
    if not school_writer(user=request.user, school=school):
        return refused(request, NOT_STAFF)
    found = school_batch(school=school, reference=reference)
    if found is None:
        raise Http404("No such batch")
    letter_batch_queue(actor=request.user, batch=found)  # type: ignore[arg-type]
    messages.success(request, "Run again: only what is not yet done will be issued or sent")
    return redirect("letters_bulk:batch", school.urn, found.reference)


@require_POST
@login_required
def posted(request: HttpRequest, urn: str, reference: str) -> HttpResponse:
    school = _school(request, urn)
    if not school_writer(user=request.user, school=school):
        return refused(request, NOT_STAFF)
    found = school_batch(school=school, reference=reference)
    if found is None:
        raise Http404("No such batch")
    form = BatchPostedForm(request.POST)
    if form.is_valid():
        try:
            count = letter_batch_posted_record(
                actor=request.user,  # type: ignore[arg-type]
                batch=found,
                posted_on=form.cleaned_data["posted_on"],
                posted_by=form.cleaned_data["posted_by"],
            )
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, f"Posting recorded for {count} letters")
            return redirect("letters_bulk:batch", school.urn, found.reference)
    page = batch_page(batch=found, progress=batch_progress(batch=found))
    return render(
        request,
        "letters/batch.html",
        {"page": page, "school": school, "refresh": 0, "posted_form": form},
    )


@require_GET
@login_required
def print_file(request: HttpRequest, urn: str, reference: str) -> HttpResponse | FileResponse:
    school = _school(request, urn)
    if not school_writer(user=request.user, school=school):
        return refused(request, NOT_STAFF)
    found = school_batch(school=school, reference=reference)
    progress = batch_progress(batch=found) if found is not None else None
    if found is None or progress is None or progress.end is None or not progress.end.print_sha256:
        raise Http404("No letters to print in this batch yet")
    try:
        data = batch_print_pdf(end=progress.end)
    except (OSError, ValueError) as problem:
        return render(request, "refused.html", {"message": str(problem)}, status=500)
    response = FileResponse(
        io.BytesIO(data),
        as_attachment=False,
        filename=f"letters-{found.reference}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
