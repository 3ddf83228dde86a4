import datetime as dt

from rollcall.organisations.calendar import ClosureDates, TermDates, calendar_from

CALENDAR = calendar_from(
    [TermDates("Summer 2025", dt.date(2025, 4, 22), dt.date(2025, 7, 22))],
    [
        ClosureDates(dt.date(2025, 6, 2), dt.date(2025, 6, 2), "both", "inset", "INSET day"),
        ClosureDates(dt.date(2025, 7, 3), dt.date(2025, 7, 3), "PM", "other_planned", "Sports day"),
    ],
)


def test_england_bank_holidays_come_from_the_library():
    status = CALENDAR.session_status(dt.date(2025, 5, 26), "AM")
    assert not status
    assert "Spring Bank Holiday" in status.reason


def test_inset_days_and_half_day_closures():
    assert not CALENDAR.is_open(dt.date(2025, 6, 2), "AM")
    assert CALENDAR.is_open(dt.date(2025, 7, 3), "AM")
    assert not CALENDAR.is_open(dt.date(2025, 7, 3), "PM")


def test_sessions_between_skips_weekends_and_holidays():
    sessions = list(CALENDAR.sessions_between(dt.date(2025, 5, 23), dt.date(2025, 5, 27)))
    # Fri 23 May, then Mon 26 May is a bank holiday, then Tue 27 May.
    assert sessions == [
        (dt.date(2025, 5, 23), "AM"),
        (dt.date(2025, 5, 23), "PM"),
        (dt.date(2025, 5, 27), "AM"),
        (dt.date(2025, 5, 27), "PM"),
    ]
