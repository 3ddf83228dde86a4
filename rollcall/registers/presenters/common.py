"""Helpers shared by the register pages: dates, links and choices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from rollcall import statutory
from rollcall.organisations.models import RegistrationGroup
from rollcall.web.forms import ErrorItem, error_items, field_error

__all__ = ["ErrorItem", "error_items", "field_error"]

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


@dataclass(frozen=True)
class Option:
    value: str
    text: str
    selected: bool

    @property
    def item(self) -> dict[str, object]:
        """As an item for the GOV.UK select macro (a page's filters, which are no form)."""
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
