"""The fields for superseded seed rules, Hackney's reading of Stage 2, court routes, panel
contracts, Notice to Improve periods and the N-code deadline are checked on load."""

from __future__ import annotations

from pathlib import Path

import pytest

from rollcall.policies import PolicyError, load_profile_file
from rollcall.policies.periods import Period

HEADER = """\
key: {key}
name: Test area
kind: local_authority
based_on: national
sources:
  - title: Test procedure
    tag: TST
"""

SUPERSEDED = """\
superseded:
  - key: old_fine
    seed_says: Paid within the first 21 days the amount is £60.
    seed_source: {seed_source}
    current_rule: £80 within 21 days, £160 within 28 days.
    source: PNR reg 4 as amended by SI 2024/210
    changed_in: {year}
"""

PANEL = """\
stages:
  - {{key: panel, name: Panel, description: The panel, source: TST 1}}
panels:
  sap:
    name: School attendance panel
    convened_by: school
    stage: panel
    goes_ahead_without_parents: true
{contract}
    source: TST 2
"""


def write(directory: Path, key: str, body: str) -> Path:
    path = directory / f"{key}.yaml"
    path.write_text(HEADER.format(key=key) + body, encoding="utf-8")
    return path


def error_for(path: Path) -> str:
    with pytest.raises(PolicyError) as caught:
        load_profile_file(path)
    return str(caught.value)


def test_it_accepts_a_superseded_rule_citing_its_seed_and_the_current_source(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "fine", SUPERSEDED.format(seed_source="TST §4", year=2024))

    [rule] = load_profile_file(path).superseded

    assert (rule.key, rule.changed_in, rule.seed_source) == ("old_fine", 2024, "TST §4")


def test_it_rejects_a_superseded_rule_changed_in_a_year_that_is_not_one(tmp_path: Path) -> None:
    path = write(tmp_path, "year", SUPERSEDED.format(seed_source="TST §4", year=24))

    assert error_for(path) == (
        "year.yaml: superseded.0.changed_in: should be a year such as 2024, got 24 (line 14)"
    )


def test_it_rejects_a_superseded_rule_without_the_current_rule(tmp_path: Path) -> None:
    body = SUPERSEDED.format(seed_source="TST §4", year=2024).replace(
        "    current_rule: £80 within 21 days, £160 within 28 days.\n", ""
    )

    message = error_for(write(tmp_path, "missing", body))

    assert message == "missing.yaml: superseded.0.current_rule: required key is missing (line 9)"


def test_it_rejects_a_superseded_rule_quoting_a_seed_the_profile_does_not_cite(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "tag", SUPERSEDED.format(seed_source="SEF §6.15", year=2024))

    assert error_for(path) == (
        "tag.yaml: superseded.0.seed_source: should start with the tag of one of this "
        "profile's sources (TST), got 'SEF §6.15' (line 11)"
    )


def test_it_rejects_a_citation_of_a_restatement_instead_of_the_source(tmp_path: Path) -> None:
    path = write(tmp_path, "secondary", SUPERSEDED.format(seed_source="TST §4", year=2024))
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "PNR reg 4 as amended by SI 2024/210", '"RULES 4.1"'
        ),
        encoding="utf-8",
    )

    assert error_for(path) == (
        "secondary.yaml: superseded.0.source: cite the seed section or the Act, regulation or "
        "guidance paragraph itself, not a restatement of it, got 'RULES 4.1' (line 13)"
    )


def test_it_rejects_the_single_justice_procedure_for_the_imprisonable_offence(
    tmp_path: Path,
) -> None:
    body = """\
prosecution:
  route:
    procedures: {s444_1: single_justice_procedure, s444_1a: single_justice_procedure}
    source: TST 5
"""
    message = error_for(write(tmp_path, "sjp", body))

    assert message.startswith(
        "sjp.yaml: prosecution.route.procedures: s444_1a: the Single Justice Procedure is only "
        "for offences not punishable with imprisonment (MCA 1980 s16A(1)(b))"
    )


def test_it_accepts_the_single_justice_procedure_for_s444_1_and_a_hearing_for_1a(
    tmp_path: Path,
) -> None:
    body = """\
prosecution:
  route:
    procedures: {s444_1: single_justice_procedure, s444_1a: magistrates_court_hearing}
    source: TST 5
"""
    route = load_profile_file(write(tmp_path, "sjp", body)).prosecution.route

    assert route is not None
    assert route.procedure_for("s444_1") == "single_justice_procedure"
    assert route.procedure_for("s444_1a") == "magistrates_court_hearing"


def test_it_rejects_an_unconditional_contract_at_a_panel(tmp_path: Path) -> None:
    body = PANEL.format(contract="    agrees_attendance_contract: true")

    assert error_for(write(tmp_path, "panel", body)) == (
        "panel.yaml: panels.sap.agrees_attendance_contract: unknown key "
        "'agrees_attendance_contract' (did you mean 'attendance_contract'?) (line 16)"
    )


def test_it_rejects_a_panel_whose_outcomes_name_a_contract_it_never_agrees(
    tmp_path: Path,
) -> None:
    body = PANEL.format(contract="    outcomes: [attendance_contract]")

    message = error_for(write(tmp_path, "outcome", body))

    assert message.startswith(
        "outcome.yaml: panels.sap.attendance_contract: the panel lists attendance_contract "
        "among its outcomes: say when it agrees one ('when_a_parent_attends')"
    )


def test_it_rejects_a_reading_without_the_words_it_reads(tmp_path: Path) -> None:
    body = """\
triggers:
  attendance:
    low: {label: Low, below_pct: 93, reading: decline is four weeks, source: TST 3}
"""
    assert error_for(write(tmp_path, "reading", body)) == (
        "reading.yaml: triggers.attendance.low: a reading needs the quote it reads "
        "(add quote: the seed's words) (line 10)"
    )


def test_it_rejects_a_count_back_without_its_school_weeks(tmp_path: Path) -> None:
    body = """\
triggers:
  attendance:
    low: {label: Low, below_pct: 90, measure: year_to_date_with_count_back, source: TST 3}
"""
    assert error_for(write(tmp_path, "countback", body)) == (
        "countback.yaml: triggers.attendance.low: school_weeks is needed when measure is "
        "year_to_date_with_count_back (line 10)"
    )


def test_it_rejects_a_decline_over_no_weeks(tmp_path: Path) -> None:
    body = """\
triggers:
  attendance:
    low: {label: Low, below_pct: 93, falling_over_school_weeks: 0, source: TST 3}
"""
    assert error_for(write(tmp_path, "falling", body)).startswith(
        "falling.yaml: triggers.attendance.low.falling_over_school_weeks: "
        "Input should be greater than 0"
    )


def test_it_rejects_a_notice_to_improve_period_in_school_days(tmp_path: Path) -> None:
    body = "notice_to_improve: {period: 30 school days, source: TST 2}\n"

    assert error_for(write(tmp_path, "days", body)) == (
        "days.yaml: notice_to_improve.period: must be in school weeks or weeks (WTISA), "
        "got '30 school days' (line 8)"
    )


def test_it_accepts_a_notice_to_improve_period_in_calendar_weeks(tmp_path: Path) -> None:
    body = "notice_to_improve: {period: 6 weeks, source: TST 2}\n"

    notice = load_profile_file(write(tmp_path, "weeks", body)).notice_to_improve

    assert notice.period == Period(amount=6, unit="weeks")
    assert not notice.in_school_weeks


def test_it_rejects_an_n_deadline_counted_from_an_unknown_day(tmp_path: Path) -> None:
    body = "registers:\n  n_code_deadline: {counted_from: the_mark, source: TST 6}\n"

    assert error_for(write(tmp_path, "ncode", body)) == (
        "ncode.yaml: registers.n_code_deadline.counted_from: Input should be 'day_after_mark' "
        "or 'mark_day', got 'the_mark' (line 9)"
    )


def test_an_n_deadline_that_counts_the_mark_day_is_kept(tmp_path: Path) -> None:
    body = "registers:\n  n_code_deadline: {counted_from: mark_day, source: TST 6}\n"

    deadline = load_profile_file(write(tmp_path, "ncode", body)).registers.n_code_deadline

    assert deadline is not None and deadline.counts_mark_day
