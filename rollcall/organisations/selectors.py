"""Reads for schools and their calendars."""

from __future__ import annotations

from rollcall.organisations.calendar import ClosureDates, SchoolCalendar, TermDates, calendar_from
from rollcall.organisations.models import Closure, School


def school_calendar(*, school: School) -> SchoolCalendar:
    terms = [TermDates(t.name, t.starts_on, t.ends_on) for t in school.terms.all()]
    closures = [
        ClosureDates(c.starts_on, c.ends_on, c.sessions, c.reason, Closure.Reason(c.reason).label)
        for c in school.closures.all()
    ]
    return calendar_from(terms, closures)
