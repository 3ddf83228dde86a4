"""Imports, exports and certificates on the web. Every school comes from the user's scoped
list, so a school (or an import) the user may not act for is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from rollcall.core import clock
from rollcall.organisations.models import School
from rollcall.statutory.years import school_year_start
from rollcall.transfers import presenters
from rollcall.transfers.forms import (
    CertificateForm,
    CtfExportForm,
    CtfImportForm,
    MarksImportForm,
    PeriodForm,
)
from rollcall.transfers.problems import ImportRefused
from rollcall.transfers.selectors import (
    certificates_for,
    import_batches_for,
    pupil_ever_at,
    pupils_ever_at,
    school_with_urn,
    schools_for_transfers,
)
from rollcall.transfers.services import (
    certificate_issue,
    ctf_export,
    ctf_import,
    marks_export,
    marks_file_import,
)

GET_AND_POST = ["GET", "POST"]


def _school(request: HttpRequest, urn: str) -> School:
    return get_object_or_404(schools_for_transfers(user=request.user), urn=urn)


def _require_transfer_schools(request: HttpRequest) -> list[School]:
    schools = list(schools_for_transfers(user=request.user))
    if not schools:
        raise Http404("Imports and exports are for attendance officers and headteachers")
    return schools


def _submitted(request: HttpRequest) -> tuple[Any, Any]:
    """The form data and files when the form was sent, so an empty submission is still
    checked (and told what is missing) rather than shown as a fresh form."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    schools = list(schools_for_transfers(user=request.user))
    batches = import_batches_for(user=request.user)[:10] if schools else []
    return render(
        request,
        "transfers/index.html",
        {
            "schools": presenters.school_rows(schools),
            "batches": presenters.batch_rows(batches),
        },
    )


@require_http_methods(GET_AND_POST)
@login_required
def marks_import(request: HttpRequest) -> HttpResponse:
    _require_transfer_schools(request)
    form = MarksImportForm(*_submitted(request))
    problems = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = marks_file_import(
                actor=request.user,  # type: ignore[arg-type]
                data=upload.read(),
                name=upload.name,
                reason=form.cleaned_data["reason"],
                today=clock.today(),
            )
        except ImportRefused as exc:
            problems = presenters.problem_list(exc)
        else:
            messages.success(request, f"{upload.name} was imported.")
            return redirect("transfers:import_detail", result.batch.pk)
    return render(
        request,
        "transfers/marks_import.html",
        {"form": form, "problems": problems},
    )


@require_http_methods(GET_AND_POST)
@login_required
def ctf_import_page(request: HttpRequest) -> HttpResponse:
    schools = _require_transfer_schools(request)
    form = CtfImportForm(
        *_submitted(request),
        school_choices=presenters.school_choices(schools),
    )
    problems = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = ctf_import(
                actor=request.user,  # type: ignore[arg-type]
                data=upload.read(),
                name=upload.name,
                school=_school(request, form.cleaned_data["school"]),
                today=clock.today(),
                admitted_on=form.cleaned_data["admitted_on"],
                year_group=form.cleaned_data["year_group"],
            )
        except ImportRefused as exc:
            problems = presenters.problem_list(exc)
        else:
            for note in result.notes:
                messages.info(request, note)
            messages.success(request, f"{upload.name} was imported.")
            return redirect("transfers:import_detail", result.batch.pk)
    return render(
        request,
        "transfers/ctf_import.html",
        {
            "form": form,
            "problems": problems,
        },
    )


@require_GET
@login_required
def import_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(import_batches_for(user=request.user), pk=batch_id)
    return render(
        request,
        "transfers/import_detail.html",
        {"batch": batch, "rows": presenters.batch_details(batch)},
    )


@require_http_methods(GET_AND_POST)
@login_required
def marks_export_page(request: HttpRequest, urn: str) -> HttpResponseBase:
    school = _school(request, urn)
    form = PeriodForm(_submitted(request)[0])
    if request.method == "POST" and form.is_valid():
        first, last = form.cleaned_data["first"], form.cleaned_data["last"]
        chunks = marks_export(actor=request.user, school=school, first=first, last=last)  # type: ignore[arg-type]
        response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
        period = f"{first or 'start'}_to_{last or 'latest'}"
        response["Content-Disposition"] = f'attachment; filename="marks_{school.urn}_{period}.csv"'
        return response
    return render(
        request,
        "transfers/marks_export.html",
        {
            "school": school,
            "form": form,
        },
    )


@require_http_methods(GET_AND_POST)
@login_required
def ctf_export_page(request: HttpRequest, urn: str) -> HttpResponse:
    school = _school(request, urn)
    choices = presenters.pupil_choices(pupils_ever_at(school=school))
    form = CtfExportForm(_submitted(request)[0], pupil_choices=choices)
    if request.method == "POST" and form.is_valid():
        pupil = pupil_ever_at(school=school, upn=form.cleaned_data["upn"])
        dest_urn = form.cleaned_data["dest_urn"]
        destination = school_with_urn(urn=dest_urn) if dest_urn else None
        if pupil is None:
            raise Http404("No such pupil at this school")
        if dest_urn and destination is None:
            form.add_error(
                "dest_urn",
                f"rollcall does not know a school with URN {dest_urn}; leave it blank if the "
                "destination is not known",
            )
        else:
            try:
                name, content = ctf_export(
                    actor=request.user,  # type: ignore[arg-type]
                    school=school,
                    pupil=pupil,
                    destination=destination,
                    generated_at=clock.now(),
                )
            except ValidationError as exc:
                form.add_error("dest_urn", "; ".join(exc.messages))
            else:
                response = HttpResponse(content, content_type="application/xml")
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
    return render(
        request,
        "transfers/ctf_export.html",
        {
            "school": school,
            "form": form,
        },
    )


@require_http_methods(GET_AND_POST)
@login_required
def certificate_page(request: HttpRequest, urn: str) -> HttpResponse:
    school = _school(request, urn)
    today = clock.today()
    choices = presenters.pupil_choices(pupils_ever_at(school=school))
    form = CertificateForm(
        _submitted(request)[0],
        pupil_choices=choices,
        initial={
            "first": school_year_start(today),
            "last": today,
            "upn": request.GET.get("upn", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        pupil = pupil_ever_at(school=school, upn=form.cleaned_data["upn"])
        if pupil is None:
            raise Http404("No such pupil at this school")
        try:
            certificate, pdf = certificate_issue(
                actor=request.user,  # type: ignore[arg-type]
                school=school,
                pupil=pupil,
                first=form.cleaned_data["first"],
                last=form.cleaned_data["last"],
                generated_at=clock.now(),
            )
        except ValidationError as exc:
            for field, field_messages in exc.message_dict.items():
                for message in field_messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            response = HttpResponse(pdf, content_type="application/pdf")
            name = f"attendance-certificate-{pupil.upn}-{certificate.reference}.pdf"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    return render(
        request,
        "transfers/certificate.html",
        {
            "school": school,
            "form": form,
            "certificates": presenters.certificate_rows(certificates_for(school=school)[:20]),
        },
    )
