"""What every area's pages share: a plain refusal, a service's refusal shown on its form, and
the day a page is about."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

DATE_ERRORS = {"invalid": "Enter a real date, for example 23/03/2026"}


class DayForm(forms.Form):
    date = forms.DateField(required=False, error_messages=DATE_ERRORS)


def refused(request: HttpRequest, message: str) -> HttpResponse:
    """403 with the reason in plain words."""
    return render(request, "refused.html", {"message": message}, status=403)


def add_errors(form: forms.Form, refusal: ValidationError) -> None:
    """Show a service's refusal next to the field it names, or above the form."""
    if hasattr(refusal, "error_dict"):
        for name, errors in refusal.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, refusal)


def chosen_day(request: HttpRequest, today: dt.date) -> tuple[dt.date, DayForm]:
    """The day in the page's `date` parameter, or `today`; with the form that read it."""
    form = DayForm(request.GET)
    day = form.cleaned_data.get("date") if form.is_valid() else None
    return day or today, form
