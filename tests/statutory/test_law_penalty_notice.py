"""`rollcall law penalty-notice`: may it be issued, how much, which earlier notices count.

The limit as the regulations read it (PNR as amended by SI 2024/210): no notice
where two counting notices were issued in the three years ending with the new issue date.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.statutory.law_cli import law, law_json

OFFENCE = ("--offence-from", "2025-01-06", "--offence-to", "2025-02-14")


def notice(tmp_path: Path, issue_on: str, earlier: list[dict[str, str]], *extra: str) -> Any:
    file = tmp_path / "earlier.json"
    file.write_text(json.dumps(earlier))
    return law_json("penalty-notice", "--issue-on", issue_on, *extra, "--earlier", str(file))


def test_a_first_notice_costs_80_within_21_days_or_160_within_28() -> None:
    answer = law_json("penalty-notice", "--issue-on", "2025-03-03", *OFFENCE)
    assert answer["may_issue"] is True
    assert answer["notice_number"] == 1
    assert answer["discounted"] == {"amount_pence": 8000, "amount": "£80", "within_days": 21}
    assert answer["full"] == {"amount_pence": 16000, "amount": "£160", "within_days": 28}
    assert answer["flat_amount"] is False
    assert answer["era_from"] == "2024-08-19"


def test_a_second_notice_within_three_years_is_160_flat(tmp_path: Path) -> None:
    answer = notice(
        tmp_path, "2025-03-03", [{"issued_on": "2024-10-01", "outcome": "paid"}], *OFFENCE
    )
    assert answer["may_issue"] is True
    assert answer["notice_number"] == 2
    assert answer["discounted"] is None
    assert answer["full"]["amount_pence"] == 16000
    assert answer["flat_amount"] is True
    assert answer["earlier_notices"][0]["counts"] is True


TWO_COUNTING = [
    {"issued_on": "2024-09-02", "outcome": "paid"},
    {"issued_on": "2025-01-10", "outcome": "convicted"},
]
LATER_OFFENCE = ("--offence-from", "2027-06-01", "--offence-to", "2027-06-20")


def test_a_third_notice_is_refused_up_to_the_day_before_the_anniversary(tmp_path: Path) -> None:
    answer = notice(tmp_path, "2027-09-01", TWO_COUNTING, *LATER_OFFENCE)
    assert answer["may_issue"] is False
    assert answer["counting_notices"] == 2
    assert "the limit is 2" in answer["reasons"][0]
    assert answer["may_issue_again_on"] == "2027-09-02"
    assert answer["full"] is None and answer["discounted"] is None
    assert any("prosecution" in option for option in answer["other_options"])


def test_on_the_anniversary_the_first_notice_drops_out(tmp_path: Path) -> None:
    # The period of three years ending with 2 Sep 2027 begins on 3 Sep 2024.
    answer = notice(tmp_path, "2027-09-02", TWO_COUNTING, *LATER_OFFENCE)
    assert answer["may_issue"] is True
    assert answer["limit_period_starts_on"] == "2024-09-03"
    assert [n["counts"] for n in answer["earlier_notices"]] == [False, True]
    assert answer["notice_number"] == 2 and answer["flat_amount"] is True


@pytest.mark.parametrize(
    ("outcome", "counts"),
    [
        ("paid", True),
        ("unpaid", True),
        ("pending", True),
        ("convicted", True),
        ("withdrawn", False),
        ("acquitted", False),
    ],
)
def test_which_outcomes_count(tmp_path: Path, outcome: str, counts: bool) -> None:
    earlier = [
        {"issued_on": "2024-10-01", "outcome": "paid"},
        {"issued_on": "2024-12-02", "outcome": outcome},
    ]
    answer = notice(tmp_path, "2025-03-03", earlier, *OFFENCE)
    assert answer["may_issue"] is not counts
    assert answer["earlier_notices"][1]["counts"] is counts


def test_notices_for_absence_before_19_august_2024_never_count(tmp_path: Path) -> None:
    earlier = [
        # Issued after the change, but for absence in July 2024 (transition).
        {"issued_on": "2024-09-10", "outcome": "paid", "offence_to": "2024-07-19"},
        # Issued before the change: necessarily for earlier absence.
        {"issued_on": "2024-06-03", "outcome": "paid"},
        {"issued_on": "2024-11-04", "outcome": "paid", "offence_to": "2024-10-18"},
    ]
    answer = notice(tmp_path, "2025-03-03", earlier, *OFFENCE)
    assert answer["may_issue"] is True
    assert [n["counts"] for n in answer["earlier_notices"]] == [False, False, True]
    assert "19 August 2024" in answer["earlier_notices"][0]["reason"]


def test_suspension_notices_never_count(tmp_path: Path) -> None:
    earlier = [
        {"issued_on": "2024-10-01", "outcome": "paid", "kind": "suspension"},
        {"issued_on": "2024-12-02", "outcome": "paid"},
    ]
    answer = notice(tmp_path, "2025-03-03", earlier, *OFFENCE)
    assert answer["may_issue"] is True
    assert answer["notice_number"] == 2


def test_a_transitional_notice_takes_the_2013_amounts_and_no_limit(tmp_path: Path) -> None:
    # The era follows the last day of the offence: absence in July 2024, issued in September.
    answer = notice(
        tmp_path,
        "2024-09-10",
        [*TWO_COUNTING[:1], {"issued_on": "2024-09-03", "outcome": "paid"}],
        "--offence-from",
        "2024-07-01",
        "--offence-to",
        "2024-07-19",
    )
    assert answer["may_issue"] is True
    assert answer["era_from"] == "2013-09-01"
    assert answer["notice_number"] is None
    assert (
        answer["discounted"]["amount_pence"] == 6000 and answer["discounted"]["within_days"] == 21
    )
    assert answer["full"]["amount_pence"] == 12000 and answer["full"]["within_days"] == 28
    assert answer["counting_notices"] == 0


def test_a_suspension_notice_is_60_or_120_and_not_limited(tmp_path: Path) -> None:
    answer = notice(
        tmp_path,
        "2025-01-20",
        TWO_COUNTING,
        "--kind",
        "suspension",
        "--offence-from",
        "2025-01-13",
        "--offence-to",
        "2025-01-15",
    )
    assert answer["may_issue"] is True
    assert (answer["discounted"]["amount_pence"], answer["full"]["amount_pence"]) == (6000, 12000)


def test_before_september_2013_a_notice_was_payable_within_28_or_42_days() -> None:
    answer = law_json(
        "penalty-notice",
        "--issue-on",
        "2012-11-01",
        "--offence-from",
        "2012-09-10",
        "--offence-to",
        "2012-10-05",
    )
    assert answer["discounted"] == {"amount_pence": 6000, "amount": "£60", "within_days": 28}
    assert answer["full"] == {"amount_pence": 12000, "amount": "£120", "within_days": 42}
    assert answer["sources"][0]["verified"] is False  # the 2012 amounts: DfE's archived page


def test_a_child_not_of_compulsory_school_age_during_the_offence_is_refused() -> None:
    # Born 15 June 2020: compulsory school age starts on 31 August 2025.
    answer = law_json(
        "penalty-notice",
        "--issue-on",
        "2025-07-21",
        "--dob",
        "2020-06-15",
        "--offence-from",
        "2025-06-02",
        "--offence-to",
        "2025-07-11",
    )
    assert answer["may_issue"] is False
    assert "not of compulsory school age" in answer["reasons"][0]
    of_age = law_json(
        "penalty-notice",
        "--issue-on",
        "2025-10-20",
        "--dob",
        "2020-06-15",
        "--offence-from",
        "2025-09-08",
        "--offence-to",
        "2025-10-10",
    )
    assert of_age["may_issue"] is True


def test_the_table_says_why_not_and_when_again(tmp_path: Path) -> None:
    file = tmp_path / "earlier.json"
    file.write_text(json.dumps(TWO_COUNTING))
    output = law(
        "penalty-notice", "--issue-on", "2027-09-01", *LATER_OFFENCE, "--earlier", str(file)
    )
    assert "May be issued                    no" in output
    assert "A notice may be issued again on  Thursday 2 September 2027" in output
