"""Attendance codes by date (REG24 reg 10; REG06; DfE code guidance; DFE-STATS)."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from rollcall.statutory import (
    AttendanceCode,
    Category,
    UnknownCode,
    all_code_eras,
    code_history,
    code_on,
    codes_on,
)
from tests.citations import citation_parts, unlisted

AFTER_2024 = date(2025, 1, 15)
BEFORE_2024 = date(2024, 1, 15)


def categories_on(day: date) -> dict[Category, set[str]]:
    grouped: dict[Category, set[str]] = {category: set() for category in Category}
    for entry in codes_on(day):
        grouped[entry.category].add(entry.code)
    return grouped


def test_2024_categories_are_exactly_those_of_dfe_statistics() -> None:
    # DFE-STATS, checked arithmetically against DfE's published year-to-date file.
    assert categories_on(AFTER_2024) == {
        Category.PRESENT: {"/", "\\", "L"},
        Category.AEA: {"K", "V", "P", "W", "B"},
        Category.AUTHORISED: {"C1", "M", "J1", "S", "C2", "C", "T", "E", "I", "R"},
        Category.UNAUTHORISED: {"G", "N", "O", "U"},
        Category.NOT_COUNTED: {"D", "X", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Q", "Z", "#"},
    }


def test_pre_2024_categories_follow_the_legacy_table() -> None:
    assert categories_on(BEFORE_2024) == {
        Category.PRESENT: {"/", "\\", "L"},
        Category.AEA: {"B", "J", "P", "V", "W"},
        Category.AUTHORISED: {"C", "E", "H", "I", "M", "R", "S", "T"},
        Category.UNAUTHORISED: {"G", "N", "O", "U"},
        Category.NOT_COUNTED: {"D", "X", "Y", "Z", "#"},
    }


@pytest.mark.parametrize(
    ("code", "on", "category"),
    [
        ("J", BEFORE_2024, Category.AEA),  # interview counted as attendance before 2024
        ("J1", AFTER_2024, Category.AUTHORISED),  # and as authorised absence after
        ("H", BEFORE_2024, Category.AUTHORISED),
        ("L", AFTER_2024, Category.PRESENT),
        ("D", AFTER_2024, Category.NOT_COUNTED),
        ("Q", AFTER_2024, Category.NOT_COUNTED),  # DFE-STATS groups Q with D, Y1-Y7, Z and #
        ("X", date(2021, 1, 4), Category.NOT_COUNTED),  # Covid meaning, still not counted
    ],
)
def test_a_code_means_what_it_meant_on_the_day(code: str, on: date, category: Category) -> None:
    assert code_on(code, on).category is category


def test_j_is_not_a_code_after_19_august_2024() -> None:
    with pytest.raises(UnknownCode, match=r"'J' is not an attendance code in force on 2025-01-15"):
        code_on("J", AFTER_2024)


def test_j1_did_not_exist_before_19_august_2024() -> None:
    with pytest.raises(UnknownCode, match=r"'J1' is not an attendance code in force on 2024-01-15"):
        code_on("J1", BEFORE_2024)


def test_a_code_never_defined_is_named_without_a_date() -> None:
    with pytest.raises(UnknownCode) as raised:
        code_on("Q9", AFTER_2024)
    assert str(raised.value) == "'Q9' is not an attendance code"
    with pytest.raises(UnknownCode):
        code_history("Q9")


def test_a_date_before_the_data_is_explained() -> None:
    with pytest.raises(UnknownCode, match="statutory data begins on 2006-09-01"):
        code_on("/", date(2005, 1, 1))


def test_the_2024_codes_start_on_19_august_2024() -> None:
    new_codes = {"K", "C1", "C2", "J1", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7"}
    removed_codes = {"H", "J", "Y"}
    last_old_day = {entry.code for entry in codes_on(date(2024, 8, 18))}
    first_new_day = {entry.code for entry in codes_on(date(2024, 8, 19))}
    assert new_codes.isdisjoint(last_old_day)
    assert removed_codes <= last_old_day
    assert new_codes <= first_new_day
    assert removed_codes.isdisjoint(first_new_day)
    assert all(entry.legacy for entry in codes_on(date(2024, 8, 18)))
    assert not any(entry.legacy for entry in codes_on(date(2024, 8, 19)))


def test_f_was_withdrawn_after_31_august_2013() -> None:
    assert code_on("F", date(2013, 8, 31)).category is Category.AUTHORISED
    assert "SI 2013/756" in code_on("F", date(2013, 8, 31)).citation
    with pytest.raises(UnknownCode):
        code_on("F", date(2013, 9, 1))


def test_x_could_mean_coronavirus_absence_in_the_2020_21_and_2021_22_school_years() -> None:
    # SI 2020/816 (2020-21), extended by SI 2021/852 (2021-22); the DfE stopped advising its
    # use in April 2022, but a mark from May 2022 may still record it (ADR 0011).
    assert "coronavirus" not in code_on("X", date(2020, 8, 31)).meaning
    assert "coronavirus" in code_on("X", date(2020, 9, 1)).meaning
    assert "coronavirus" in code_on("X", date(2022, 5, 9)).meaning
    assert "SI 2021/852" in code_on("X", date(2022, 8, 31)).citation
    assert "coronavirus" not in code_on("X", date(2022, 9, 1)).meaning
    assert [entry.in_force_from for entry in code_history("X")] == [
        date(2006, 9, 1),
        date(2020, 9, 1),
        date(2022, 9, 1),
        date(2024, 8, 19),
    ]


def test_only_g_n_o_u_count_for_the_threshold_and_only_from_2024() -> None:
    counting = {entry.code for entry in codes_on(AFTER_2024) if entry.counts_for_threshold}
    assert counting == {"G", "N", "O", "U"}
    assert not any(entry.counts_for_threshold for entry in codes_on(BEFORE_2024))


def test_exactly_one_meaning_per_code_on_every_day_from_2006_to_2027() -> None:
    eras = all_code_eras()
    day = date(2006, 9, 1)
    while day <= date(2027, 12, 31):
        in_force = Counter(entry.code for entry in eras if entry.in_force_on(day))
        repeated = [code for code, count in in_force.items() if count > 1]
        assert not repeated, f"{repeated} have more than one meaning on {day}"
        assert [entry.code for entry in codes_on(day)] == list(in_force)
        day += timedelta(days=1)


def test_history_is_oldest_first_and_eras_do_not_touch() -> None:
    for code in {entry.code for entry in all_code_eras()}:
        history = code_history(code)
        for earlier, later in itertools.pairwise(history):
            assert earlier.in_force_to is not None
            assert earlier.in_force_to < later.in_force_from


def test_every_entry_cites_listed_sources_and_says_what_it_means() -> None:
    for entry in all_code_eras():
        assert citation_parts(entry.citation), entry
        assert not unlisted(entry.citation), f"{entry.code} from {entry.in_force_from}"
        assert entry.meaning.strip() and len(entry.meaning) <= 70
        assert entry.legacy == (entry.in_force_to is not None)


def test_possible_and_attendance_follow_the_category() -> None:
    assert code_on("L", AFTER_2024).is_attendance
    assert code_on("K", AFTER_2024).is_attendance
    assert not code_on("J1", AFTER_2024).is_attendance
    assert code_on("J1", AFTER_2024).is_possible
    assert not code_on("Y7", AFTER_2024).is_possible


def test_codes_are_frozen() -> None:
    entry = code_on("N", AFTER_2024)
    assert isinstance(entry, AttendanceCode)
    with pytest.raises(ValueError, match="frozen"):
        entry.meaning = "changed"  # type: ignore[misc]


def test_a_datetime_is_refused_so_no_time_zone_is_guessed() -> None:
    with pytest.raises(TypeError):
        code_on("N", datetime(2025, 1, 15, 9, 0))
