"""What every area's pages share: a plain refusal and the day a page is about."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rollcall.web.forms import DatePickerField, GovukForm

DATE_ERRORS = {"invalid": "Enter a real date, for example 23/03/2026"}


class DayForm(GovukForm):
    date = DatePickerField(label="Date", required=False, error_messages=DATE_ERRORS)


def refused(request: HttpRequest, message: str) -> HttpResponse:
    """403 with the reason in plain words."""
    return render(request, "refused.html", {"message": message}, status=403)


def chosen_day(request: HttpRequest, today: dt.date) -> tuple[dt.date, DayForm]:
    """The day in the page's `date` parameter, or `today`; with the form that read it."""
    form = DayForm(request.GET)
    day = form.cleaned_data.get("date") if form.is_valid() else None
    return day or today, form
