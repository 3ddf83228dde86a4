"""The clock, read in one place.

Entry points (views, API endpoints, management commands) read today's date or the current
time here once and pass it down; services, selectors, presenters and the rules below them take
the date as an argument and never read the clock themselves. Tests fix the clock with
`time-machine`, which moves what these functions return.

The one exception is the moment a record is written (`recorded_at`, an audit event's
`occurred_at`): that is the time the database row came to exist, and the services that write
rows stamp it from `now()` here.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The current time, aware, in UTC."""
    return timezone.now()


def local_now() -> dt.datetime:
    """The current time in the service's time zone (Europe/London)."""
    return timezone.localtime(now())


def today() -> dt.date:
    """Today's date in the service's time zone (Europe/London): the day a register is for."""
    return timezone.localdate(now())
