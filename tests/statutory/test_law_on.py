"""`on(date)`: the law in force on a day (threshold, penalty notices, court orders, registers)."""

from __future__ import annotations

from datetime import date

import pytest

from rollcall.statutory import BeforeStatutoryData, TimeUnit, on


def test_there_is_no_national_threshold_before_19_august_2024() -> None:
    assert on(date(2024, 8, 18)).threshold is None


def test_the_threshold_is_10_sessions_of_g_n_o_u_in_10_school_weeks() -> None:
    threshold = on(date(2024, 8, 19)).threshold
    assert threshold is not None
    assert (threshold.sessions, threshold.school_weeks) == (10, 10)
    assert set(threshold.codes) == {"G", "N", "O", "U"}
    assert threshold.provisional_codes == ("N",)  # WTISA: N counts until it is recoded
    assert not threshold.transition.windows_combine_earlier_sessions
    assert threshold.transition.reset_on == date(2024, 8, 19)
    assert set(threshold.school_week.non_school_week_codes) == {"#", "Y4"}
    assert threshold.citation.startswith("WTISA national framework")


@pytest.mark.parametrize(
    ("day", "first_discounted", "first_full", "second_discounted", "second_full"),
    [
        (date(2024, 8, 18), (6000, 21), (12000, 28), (6000, 21), (12000, 28)),
        (date(2024, 8, 19), (8000, 21), (16000, 28), None, (16000, 28)),
    ],
)
def test_penalty_amounts_either_side_of_19_august_2024(
    day: date,
    first_discounted: tuple[int, int],
    first_full: tuple[int, int],
    second_discounted: tuple[int, int] | None,
    second_full: tuple[int, int],
) -> None:
    notices = on(day).penalty_notices
    assert notices is not None
    first, second = notices.first_notice, notices.second_notice
    assert first.discounted is not None
    assert (first.discounted.amount_pence, first.discounted.within_days) == first_discounted
    assert (first.full.amount_pence, first.full.within_days) == first_full
    if second_discounted is None:
        assert second.discounted is None  # the second notice has no discounted rate
    else:
        assert second.discounted is not None
        assert (second.discounted.amount_pence, second.discounted.within_days) == second_discounted
    assert (second.full.amount_pence, second.full.within_days) == second_full


def test_the_exclusion_notice_stays_at_60_and_120_and_never_counts() -> None:
    notices = on(date(2025, 1, 15)).penalty_notices
    assert notices is not None and notices.limit is not None
    exclusion = notices.exclusion_notice
    assert exclusion.discounted is not None
    assert (exclusion.discounted.amount_text, exclusion.full.amount_text) == ("£60", "£120")
    outcomes = {row.outcome: row.counts for row in notices.limit.counting_outcomes}
    assert outcomes["exclusion_notice_s105"] is False
    assert outcomes["issued_for_absence_before_2024_08_19"] is False
    assert outcomes["withdrawn"] is False
    assert outcomes["paid_within_21_days"] is True
    assert outcomes["issued_by_another_local_authority"] is True


def test_the_limit_is_two_notices_per_parent_per_pupil_in_three_years_from_2024() -> None:
    assert on(date(2024, 8, 18)).penalty_notices.limit is None  # type: ignore[union-attr]
    limit = on(date(2024, 8, 19)).penalty_notices.limit  # type: ignore[union-attr]
    assert limit is not None
    assert (limit.notices, limit.period_years) == (2, 3)


def test_deemed_receipt_defaults_to_two_working_days_with_calendar_days_as_an_option() -> None:
    notices = on(date(2025, 1, 15)).penalty_notices
    assert notices is not None
    receipt = notices.deemed_receipt
    assert (receipt.default.amount, receipt.default.unit) == (2, TimeUnit.WORKING_DAYS)
    assert [(d.amount, d.unit) for d in receipt.alternatives] == [(2, TimeUnit.DAYS)]


def test_a_notice_to_improve_period_is_between_3_and_6_weeks() -> None:
    notices = on(date(2025, 1, 15)).penalty_notices
    assert notices is not None and notices.notice_to_improve is not None
    nti = notices.notice_to_improve
    assert (nti.shortest.amount, nti.longest.amount, nti.longest.unit) == (3, 6, TimeUnit.WEEKS)


@pytest.mark.parametrize(
    ("day", "early", "full", "verified"),
    [
        # PNR 2004, then PNR 2007 as made: £50 within 28 days, £100 within 42 days.
        (date(2006, 9, 1), (5000, 28), (10000, 42), False),
        (date(2012, 8, 31), (5000, 28), (10000, 42), True),
        # The 2012 amendment: £60 / £120, still 28 / 42 days (DfE archived page only).
        (date(2012, 9, 1), (6000, 28), (12000, 42), False),
        # SI 2013/757: the periods shorten to 21 / 28 days.
        (date(2013, 9, 1), (6000, 21), (12000, 28), True),
    ],
)
def test_penalty_amounts_before_2024(
    day: date, early: tuple[int, int], full: tuple[int, int], verified: bool
) -> None:
    notices = on(day).penalty_notices
    assert notices is not None and notices.first_notice.discounted is not None
    first = notices.first_notice
    assert (first.discounted.amount_pence, first.discounted.within_days) == early
    assert (first.full.amount_pence, first.full.within_days) == full
    assert notices.verified is verified
    assert notices.limit is None


def test_no_exclusion_notice_before_september_2007() -> None:
    assert on(date(2007, 8, 31)).penalty_notices.exclusion_notice is None  # type: ignore[union-attr]
    assert on(date(2007, 9, 1)).penalty_notices.exclusion_notice is not None  # type: ignore[union-attr]


def test_register_duties_from_2024() -> None:
    registers = on(date(2025, 1, 15)).registers
    assert registers is not None
    assert str(registers.register_closing_limit) == "at most 30 minutes after the register opens"
    assert (registers.n_code_correction.amount, registers.n_code_correction.unit) == (
        5,
        TimeUnit.SCHOOL_DAYS,
    )
    assert registers.continuous_absence_notification.amount == 10
    assert registers.ground_i_deletion.continuous_absence.amount == 20
    assert registers.ground_i_deletion.codes == ("G", "N", "O")
    assert (registers.retention.amount, registers.retention.unit) == (6, TimeUnit.YEARS)
    assert registers.new_admission_notification.amount == 5
    assert "REG24 reg 7" in registers.retention.citation


def test_court_order_periods() -> None:
    orders = on(date(2025, 1, 15)).court_orders
    assert orders is not None
    eso = orders.education_supervision_order
    assert (eso.duration.amount, eso.duration.unit) == (1, TimeUnit.YEARS)
    assert eso.extension.amount == 3
    assert (
        str(eso.extension_application_earliest) == "at most 3 months before the order would expire"
    )
    sao = orders.school_attendance_order
    assert str(sao.s437_notice_period) == "at least 15 days beginning with the day of service"
    assert sao.s438_notice_of_intention_period.amount == 15
    assert sao.s439_direction_request_period.amount == 15
    assert (
        orders.parenting_order.requirements.amount,
        orders.parenting_order.programme.amount,
    ) == (
        12,
        3,
    )
    assert (orders.prosecution.time_limit.amount, orders.prosecution.time_limit.unit) == (
        6,
        TimeUnit.MONTHS,
    )
    assert "MCA80 s127" in orders.prosecution.citation


@pytest.mark.parametrize("code", ["Y1", "Y7", "Q"])
def test_defence_codes_named_by_essex_map_to_a_defence(code: str) -> None:
    assert on(date(2025, 1, 15)).defences_for(code)


def test_a_defence_lists_only_codes_in_force_that_day() -> None:
    def leave_codes(day: date) -> set[str]:
        law = on(day)
        return {c for d in law.defences if d.key == "leave_of_absence" for c in d.codes}

    assert "F" in leave_codes(date(2013, 8, 31))
    assert "F" not in leave_codes(date(2013, 9, 1))
    assert "H" in leave_codes(date(2024, 8, 18))
    assert leave_codes(date(2024, 8, 19)) == {"C1", "M", "J1", "S", "C2", "C"}


def test_the_snapshot_has_one_entry_per_code_in_force() -> None:
    law = on(date(2025, 1, 15))
    assert law.date == date(2025, 1, 15)
    assert "J1" in law.codes and "J" not in law.codes
    assert law.codes["J1"].category.value == "authorised"
    assert "H" in on(date(2024, 1, 15)).codes


def test_the_law_is_not_held_before_september_2006() -> None:
    with pytest.raises(BeforeStatutoryData, match="from 2006-09-01 onwards"):
        on(date(2006, 8, 31))
    assert on(date(2006, 9, 1)).codes
