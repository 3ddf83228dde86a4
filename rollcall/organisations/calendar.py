"""Which sessions a school meets: terms minus weekends, England bank holidays and closures.

Pure Python over plain values, so the register services and the engine can share it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rollcall.statutory.days import england_bank_holidays

AM = "AM"
PM = "PM"
SESSIONS = (AM, PM)


@dataclass(frozen=True)
class TermDates:
    name: str
    starts_on: dt.date
    ends_on: dt.date


@dataclass(frozen=True)
class ClosureDates:
    starts_on: dt.date
    ends_on: dt.date
    sessions: str  # "both", "AM" or "PM"
    reason: str
    reason_label: str


@dataclass(frozen=True)
class SessionStatus:
    open: bool
    reason: str  # why it is closed; empty when open

    def __bool__(self) -> bool:
        return self.open


@dataclass
class SchoolCalendar:
    terms: list[TermDates]
    closures: list[ClosureDates] = field(default_factory=list)

    def session_status(self, day: dt.date, session: str) -> SessionStatus:
        if session not in SESSIONS:
            raise ValueError(f"session must be AM or PM, got {session!r}")
        if day.weekday() >= 5:
            return SessionStatus(False, f"{day:%A %-d %B %Y} is a weekend")
        if not any(term.starts_on <= day <= term.ends_on for term in self.terms):
            return SessionStatus(False, f"{day:%-d %B %Y} is outside the school's term dates")
        bank_holiday = england_bank_holidays(day.year).get(day)
        if bank_holiday:
            return SessionStatus(False, f"{day:%-d %B %Y} is a bank holiday ({bank_holiday})")
        for closure in self.closures:
            if closure.starts_on <= day <= closure.ends_on and closure.sessions in (
                "both",
                session,
            ):
                return SessionStatus(
                    False, f"the school is closed on {day:%-d %B %Y} ({closure.reason_label})"
                )
        return SessionStatus(True, "")

    def is_open(self, day: dt.date, session: str) -> bool:
        return self.session_status(day, session).open

    def latest_school_day(self, on_or_before: dt.date, *, within_days: int = 120) -> dt.date | None:
        """The latest day on or before `on_or_before` when the school met, looking back at most
        `within_days` (a summer holiday is about 45); None if it did not meet in that time."""
        day = on_or_before
        for _ in range(within_days + 1):
            if any(self.is_open(day, session) for session in SESSIONS):
                return day
            day -= dt.timedelta(days=1)
        return None

    def sessions_between(self, first: dt.date, last: dt.date) -> Iterator[tuple[dt.date, str]]:
        """Every session the school meets from first to last inclusive, in order."""
        day = first
        while day <= last:
            for session in SESSIONS:
                if self.is_open(day, session):
                    yield day, session
            day += dt.timedelta(days=1)

    def school_days_between(self, first: dt.date, last: dt.date) -> list[dt.date]:
        return sorted({day for day, _ in self.sessions_between(first, last)})


def calendar_from(
    terms: Iterable[TermDates], closures: Iterable[ClosureDates] = ()
) -> SchoolCalendar:
    return SchoolCalendar(terms=sorted(terms, key=lambda t: t.starts_on), closures=list(closures))
