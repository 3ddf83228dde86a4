"""Casework pages: the first-day follow-up of unexplained absence, and a pupil's record at a
school (register marks beside the chronology of contacts).

Casework reads registers; registers never import casework. Every read goes through selectors
scoped to the schools where the user works; anything else is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from rollcall.casework.forms import ContactForm
from rollcall.casework.presenters import chronology_lines, follow_up_page
from rollcall.casework.selectors import follow_up_pupil, follow_up_schools
from rollcall.casework.services import chronology_entry_add
from rollcall.core import clock
from rollcall.organisations.selectors import school_calendar
from rollcall.registers import presenters as registers_present
from rollcall.registers.selectors import pupil_at, schools_staffed_by
from rollcall.web.forms import add_errors
from rollcall.web.pages import chosen_day, refused
from rollcall.web.pupil_links import MARKS, pupil_record_links

OFFICE_ONLY = (
    "This page is for a school's attendance officers and headteachers. Ask your school's "
    "attendance officer if you need something changed."
)


@require_http_methods(["GET", "POST"])
@login_required
def follow_up(request: HttpRequest) -> HttpResponse:
    schools = list(follow_up_schools(user=request.user))
    if not schools:
        return refused(request, OFFICE_ONLY)
    today = clock.today()
    day, day_form = chosen_day(request, today)
    if not request.GET.get("date"):
        # With no day chosen: the latest day any of the user's schools met (today on a school
        # day), so a Monday morning or a weekend opens on the absences still to chase.
        latest = [school_calendar(school=s).latest_school_day(day) for s in schools]
        day = max((d for d in latest if d is not None), default=day)
    bound: ContactForm | None = None
    if request.method == "POST":
        school = next((s for s in schools if s.urn == request.POST.get("school")), None)
        if school is None:
            raise Http404("No such school among yours")
        found = follow_up_pupil(school=school, pupil_id=_int(request.POST.get("pupil")))
        if found is None:
            raise Http404("No such pupil at your school")
        bound = ContactForm(request.POST, pupil_id=found.pk, carers=list(found.carer_links.all()))
        if bound.is_valid():
            data = bound.cleaned_data
            links = {link.carer_id: link.carer for link in found.carer_links.all()}
            try:
                entry = chronology_entry_add(
                    actor=request.user,  # type: ignore[arg-type]
                    pupil=found,
                    school=school,
                    kind=data["kind"],
                    outcome=data["outcome"],
                    occurred_at=clock.now(),
                    absence_date=day,
                    carer=links.get(data["carer"]) if data["carer"] else None,
                    reason=data["reason"],
                    note=data["note"],
                    words=data["words"],
                )
            except ValidationError as refusal:
                add_errors(bound, refusal)
            else:
                messages.success(request, f"Recorded for {found.display_name}: {entry.summary}.")
                return redirect(f"{request.path}?date={day.isoformat()}#pupil-{found.pk}")
    page = follow_up_page(schools=schools, day=day, day_form=day_form, bound=bound, today=today)
    return render(request, "casework/follow_up.html", {"page": page})


@require_GET
@login_required
def pupil(request: HttpRequest, urn: str, pupil_id: int) -> HttpResponse:
    school = get_object_or_404(schools_staffed_by(user=request.user), urn=urn)
    found = pupil_at(user=request.user, pupil_id=pupil_id, school=school)
    if found is None:
        raise Http404("No such pupil at your school")
    page = registers_present.pupil_page(pupil=found, school=school, everything="all" in request.GET)
    context = {
        "page": page,
        "chronology": chronology_lines(pupil=found, school=school),
        "links": pupil_record_links(user=request.user, pupil=found, school=school, current=MARKS),
    }
    return render(request, "registers/pupil.html", context)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404("No such pupil") from None
