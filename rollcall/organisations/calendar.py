"""Which sessions a school meets: terms minus weekends, England bank holidays and closures.

Pure Python over plain values, so the register services and the engine can share it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from rollcall.statutory.days import add_months, england_bank_holidays, is_working_day

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

    def is_school_day(self, day: dt.date) -> bool:
        return any(self.is_open(day, session) for session in SESSIONS)

    def reaches(self, day: dt.date) -> bool:
        """Whether the school's term dates have been entered as far as `day`."""
        return any(term.ends_on >= day for term in self.terms)

    def period_end(self, start: dt.date, amount: int, unit: str) -> dt.date | None:
        """The day a period of `amount` `unit`s counted from `start` ends: a review "in 4
        weeks" from 3 March falls on 31 March.

        Calendar units (days, weeks, months) and working days ignore the school's terms.
        School days and school weeks are the school's own: the 10th day after `start` on
        which the school met; the same weekday in the 4th week after `start`'s in which the
        school met at least once, so a half term inside the period moves the end a week later
        (a day the school is shut moves to its next school day). None when the school's term
        dates do not reach that far yet.
        """
        if amount <= 0:
            raise ValueError(
                f"a period must be at least one {unit.removesuffix('s')}, got {amount}"
            )
        if unit == "days":
            return start + dt.timedelta(days=amount)
        if unit == "weeks":
            return start + dt.timedelta(weeks=amount)
        if unit == "months":
            return add_months(start, amount)
        if unit == "working_days":
            return _nth_after(start, amount, is_working_day, limit=None)
        if unit == "school_days":
            return _nth_after(start, amount, self.is_school_day, limit=self._last_term_day())
        if unit == "school_weeks":
            monday = start - dt.timedelta(days=start.weekday())
            found = 0
            last = self._last_term_day()
            while found < amount:
                monday += dt.timedelta(weeks=1)
                if last is None or monday > last:
                    return None
                week = (monday + dt.timedelta(days=offset) for offset in range(5))
                if any(self.is_school_day(day) for day in week):
                    found += 1
            due = monday + dt.timedelta(days=min(start.weekday(), 4))
            if self.is_school_day(due):
                return due
            return _nth_after(due, 1, self.is_school_day, limit=last)
        raise ValueError(f"cannot count a period in {unit!r}")

    def _last_term_day(self) -> dt.date | None:
        return max((term.ends_on for term in self.terms), default=None)


def _nth_after(
    start: dt.date, count: int, counts: Callable[[dt.date], bool], *, limit: dt.date | None
) -> dt.date | None:
    """The `count`-th day after `start` for which `counts` is true; None past `limit`."""
    day = start
    found = 0
    while found < count:
        day += dt.timedelta(days=1)
        if limit is not None and day > limit:
            return None
        if counts(day):
            found += 1
    return day


def calendar_from(
    terms: Iterable[TermDates], closures: Iterable[ClosureDates] = ()
) -> SchoolCalendar:
    return SchoolCalendar(terms=sorted(terms, key=lambda t: t.starts_on), closures=list(closures))
