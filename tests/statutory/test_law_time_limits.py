"""`rollcall law prosecution`, `eso` and `sao`: the last day for each step.

MCA80 s127 (six calendar months, the day itself excluded); CA89 Sch 3 para 15 (ESO); EA96
s437-s439 (15 days beginning with the day of service; Sefton's 15 school days).
"""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from tests.statutory.law_cli import law, law_json


@pytest.mark.parametrize(
    ("offence_from", "offence_to", "last_day"),
    [
        ("2025-01-06", "2025-02-14", "2025-07-06"),
        # No 31 February: the month's last day.
        ("2025-08-31", "2025-09-30", "2026-02-28"),
        ("2027-08-31", "2027-09-30", "2028-02-29"),
    ],
)
def test_information_must_be_laid_within_six_calendar_months(
    offence_from: str, offence_to: str, last_day: str
) -> None:
    answer = law_json("prosecution", "--offence-from", offence_from, "--offence-to", offence_to)
    assert answer["statutory_last_day"] == last_day
    assert answer["last_day_to_lay_information"] == last_day
    assert "MCA80 s127" in answer["sources"][0]["citation"]


def test_leeds_counts_from_the_first_unauthorised_absence() -> None:
    answer = law_json(
        "prosecution",
        "--offence-from",
        "2025-01-06",
        "--offence-to",
        "2025-02-14",
        "--profile",
        "leeds-bramley",
        "--first-absence",
        "2024-12-16",
    )
    assert answer["statutory_last_day"] == "2025-07-06"
    assert answer["local_last_day"] == "2025-06-16"
    assert answer["last_day_to_lay_information"] == "2025-06-16"
    assert "first unauthorised absence" in answer["local_rule"]


def test_an_eso_lasts_a_year_and_may_be_extended_in_its_last_three_months() -> None:
    answer = law_json("eso", "--made-on", "2025-03-10", "--dob", "2012-05-01")
    assert answer["one_year_ends_on"] == "2026-03-09"
    assert answer["ends_on"] == "2026-03-09"
    assert answer["ends_early"] is False
    assert answer["extension_application_from"] == "2025-12-09"
    assert answer["extension_must_be_made_by"] == "2026-03-09"
    # Three years at most, and never past compulsory school age (ends 30 June 2028).
    assert answer["extension_could_run_to"] == "2028-06-30"
    cited = " ".join(source["citation"] for source in answer["sources"])
    assert "para 15(6)" in cited and "para 17" in cited and "s447" in cited


def test_an_eso_ends_early_when_compulsory_school_age_ends() -> None:
    answer = law_json("eso", "--made-on", "2025-10-01", "--dob", "2010-01-15")
    assert answer["one_year_ends_on"] == "2026-09-30"
    assert answer["compulsory_school_age_ends_on"] == "2026-06-26"
    assert answer["ends_on"] == "2026-06-26"
    assert answer["ends_early"] is True
    assert answer["extension_possible"] is False
    assert answer["extension_application_from"] is None


def test_no_eso_for_a_child_past_school_age() -> None:
    with pytest.raises(CommandError, match="--made-on: an ESO can be made only") as caught:
        law("eso", "--made-on", "2026-07-01", "--dob", "2010-01-15")
    assert caught.value.returncode == 2


def test_sao_notices_run_15_days_counting_the_day_of_service() -> None:
    answer = law_json("sao", "--served-on", "2025-03-03")
    ends = {notice["key"]: notice["ends_on"] for notice in answer["notices"]}
    assert ends == {
        "s437_notice": "2025-03-17",
        "s438_notice_of_intention": "2025-03-17",
        "s439_school_notice": "2025-03-17",
    }


def test_sefton_gives_15_school_days_for_the_s437_notice() -> None:
    answer = law_json("sao", "--served-on", "2025-12-19", "--profile", "sefton")
    s437 = answer["notices"][0]
    assert s437["statutory_ends_on"] == "2026-01-02"
    assert s437["local_period"] == "15 school days"
    # Weekdays less Christmas Day, Boxing Day and New Year's Day.
    assert s437["ends_on"] == "2026-01-13"
    closed = law_json(
        "sao",
        "--served-on",
        "2025-12-19",
        "--profile",
        "sefton",
        "--closed",
        "2025-12-22:2026-01-02",
    )
    assert closed["notices"][0]["ends_on"] == "2026-01-22"
    assert closed["notices"][1]["ends_on"] == "2026-01-02"  # 15 calendar days, holidays or not
