"""`rollcall law school-age`: the first and last day of compulsory school age (EA96 s8, s579)."""

from __future__ import annotations

import pytest

from tests.statutory.law_cli import law, law_json


@pytest.mark.parametrize(
    ("dob", "starts_on", "ends_on"),
    [
        # 5th birthday 1 Sep 2015 -> the next prescribed day, 31 Dec; 16 on 1 Sep 2026, the day
        # the (default) school year begins -> the first leaving date after it, June 2027.
        ("2010-09-01", "2015-12-31", "2027-06-25"),
        # 5th birthday on a prescribed day (31 Aug); 16 after the June leaving date but before
        # the next school year -> leaves that June.
        ("2010-08-31", "2015-08-31", "2026-06-26"),
        # 16 on the leaving date itself -> leaves that day.
        ("2010-06-26", "2015-08-31", "2026-06-26"),
        # Spring birthday: the summer term, and the leaving date of the year the child turns 16.
        ("2011-03-31", "2016-03-31", "2027-06-25"),
        ("2011-04-01", "2016-08-31", "2027-06-25"),
        # Born 29 Feb: 5th birthday taken as 1 Mar 2017 -> 31 Mar.
        ("2012-02-29", "2017-03-31", "2028-06-30"),
    ],
)
def test_school_age_starts_and_ends(dob: str, starts_on: str, ends_on: str) -> None:
    answer = law_json("school-age", "--dob", dob)
    assert (answer["starts_on"], answer["ends_on"]) == (starts_on, ends_on)
    assert answer["date_of_birth"] == dob
    assert any("EA96 s8" in source["citation"] for source in answer["sources"])


def test_a_late_autumn_term_lets_a_1_september_birthday_leave_in_june() -> None:
    # s579: the school year begins with the school's first term after July. With term from
    # 3 September, a child who turns 16 on 1 September has done so before it begins.
    default = law_json("school-age", "--dob", "2010-09-01")
    late_term = law_json("school-age", "--dob", "2010-09-01", "--autumn-term-starts", "2026-09-03")
    assert default["ends_on"] == "2027-06-25"
    assert late_term["ends_on"] == "2026-06-26"
    assert late_term["autumn_term_starts"] == "2026-09-03"


def test_the_table_reads_as_sentences() -> None:
    output = law("school-age", "--dob", "2010-08-31")
    assert "Starts on         Monday 31 August 2015" in output
    assert "Ends on           Friday 26 June 2026 (at the end of that day)" in output
    assert "Sources:" in output
