"""Look up attendance codes by date. The date is always passed in: rule code never takes today."""

from __future__ import annotations

from datetime import date

from rollcall.statutory.base import require_date
from rollcall.statutory.codes import AttendanceCode
from rollcall.statutory.errors import BeforeStatutoryData, UnknownCode
from rollcall.statutory.loader import statutory_data


def code_on(code: str, on: date) -> AttendanceCode:
    """The meaning of `code` on date `on`. Raises UnknownCode if it was not a code that day."""
    require_date(on, "on")
    data = statutory_data()
    history = data.code_histories.get(code)
    if history is None:
        raise UnknownCode(code)
    for entry in history:
        if entry.in_force_on(on):
            return entry
    raise UnknownCode(code, on, data.earliest_date)


def codes_on(on: date) -> list[AttendanceCode]:
    """Every code in force on `on`, one entry per code, in the order the regulations list them."""
    require_date(on, "on")
    data = statutory_data()
    if on < data.earliest_date:
        raise BeforeStatutoryData(on, data.earliest_date)
    return [entry for entry in data.codes if entry.in_force_on(on)]


def code_history(code: str) -> list[AttendanceCode]:
    """Every meaning `code` has had, oldest first. Raises UnknownCode for a code never defined."""
    history = statutory_data().code_histories.get(code)
    if history is None:
        raise UnknownCode(code)
    return list(history)


def all_code_eras() -> list[AttendanceCode]:
    """Every entry in the code table, for building vectorised (code, date) -> category lookups."""
    return list(statutory_data().codes)
