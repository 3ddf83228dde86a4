"""Helpers shared by the register pages: dates, links and form errors as plain text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.forms import Form
from django.urls import reverse
from django.utils import timezone

from rollcall import statutory
from rollcall.organisations.models import RegistrationGroup
from rollcall.web.forms import ErrorItem, error_summary, field_error

__all__ = ["ErrorItem", "field_error", "form_errors"]

SESSION_NAMES = {"AM": "morning", "PM": "afternoon"}
DASH = "\u2013"  # between a code and its meaning


def day_label(day: dt.date) -> str:
    return f"{day:%A %-d %B %Y}"


def time_label(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y at %H:%M}"


def register_url(group: RegistrationGroup | int, day: dt.date, session: str) -> str:
    group_id = group if isinstance(group, int) else group.pk
    return reverse("registers:register", args=[group_id, day.isoformat(), session])


def meaning(code: str, day: dt.date) -> str:
    entry = statutory.on(day).codes.get(code)
    return entry.meaning if entry else "not a code in force on this date"


def form_errors(form: Form, ids: Mapping[str, str] | None = None) -> list[ErrorItem]:
    """The error summary for a form (rollcall.web.forms)."""
    return error_summary(form, anchors=ids)


@dataclass(frozen=True)
class Option:
    value: str
    text: str
    selected: bool

    @property
    def item(self) -> dict[str, object]:
        """As an item for the GOV.UK select, radios and checkboxes macros."""
        return {
            "value": self.value,
            "text": self.text,
            "selected": self.selected,
            "checked": self.selected,
        }


@dataclass(frozen=True)
class Link:
    text: str
    href: str
