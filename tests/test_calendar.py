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


AUTUMN = calendar_from(
    [
        TermDates("Autumn 1", dt.date(2025, 9, 3), dt.date(2025, 10, 24)),
        TermDates("Autumn 2", dt.date(2025, 11, 3), dt.date(2025, 12, 19)),
    ],
    [ClosureDates(dt.date(2025, 11, 12), dt.date(2025, 11, 12), "both", "inset", "INSET day")],
)


def test_periods_in_school_units_skip_the_half_term_and_closures():
    start = dt.date(2025, 10, 8)  # a Wednesday, 2 weeks before half term
    # Calendar units ignore the school's terms.
    assert AUTUMN.period_end(start, 4, "weeks") == dt.date(2025, 11, 5)
    assert AUTUMN.period_end(start, 4, "days") == dt.date(2025, 10, 12)
    assert AUTUMN.period_end(start, 1, "months") == dt.date(2025, 11, 8)
    # The half term (27-31 October) is not a school week: 4 school weeks end a week later,
    # and the INSET day on Wednesday 12 November moves the end to the next school day.
    assert AUTUMN.period_end(start, 4, "school_weeks") == dt.date(2025, 11, 13)
    assert AUTUMN.period_end(start, 3, "school_weeks") == dt.date(2025, 11, 5)
    # 12 school days: 12 days to 24 October, skipping the half term and the INSET day.
    assert AUTUMN.period_end(start, 12, "school_days") == dt.date(2025, 10, 24)
    assert AUTUMN.period_end(start, 16, "school_days") == dt.date(2025, 11, 6)
    assert AUTUMN.period_end(start, 19, "school_days") == dt.date(2025, 11, 11)
    assert AUTUMN.period_end(start, 20, "school_days") == dt.date(2025, 11, 13)
    # Beyond the last term entered there is no answer yet.
    assert AUTUMN.period_end(start, 60, "school_days") is None
    assert AUTUMN.period_end(start, 12, "school_weeks") is None
