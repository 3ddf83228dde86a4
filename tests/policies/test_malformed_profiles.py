"""A malformed profile is refused with a message naming the file, the key and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from rollcall.policies import PolicyError, load_profile_file, load_profiles_from

HEADER = """\
key: {key}
name: Test area
kind: local_authority
based_on: national
sources:
  - title: Test procedure
    tag: TST
"""


def write(directory: Path, key: str, body: str = "", header: str = HEADER) -> Path:
    path = directory / f"{key}.yaml"
    path.write_text(header.format(key=key) + body, encoding="utf-8")
    return path


def error_for(path: Path) -> str:
    with pytest.raises(PolicyError) as caught:
        load_profile_file(path)
    return str(caught.value)


def test_it_accepts_a_minimal_child_of_national(tmp_path: Path) -> None:
    profile = load_profile_file(write(tmp_path, "minimal"))

    assert profile.key == "minimal"


def test_it_rejects_an_unknown_key_and_suggests_the_right_one(tmp_path: Path) -> None:
    path = write(tmp_path, "typo", "notice_to_improve:\n  perod: 5 weeks\n  source: TST 1\n")

    message = error_for(path)

    assert (
        "typo.yaml: notice_to_improve.perod: unknown key 'perod' (did you mean 'period'?) (line 9)"
    ) in message


def test_it_rejects_an_unknown_top_level_key(tmp_path: Path) -> None:
    message = error_for(write(tmp_path, "extra", "favourite_colour: blue\n"))

    assert "extra.yaml: favourite_colour: unknown key 'favourite_colour'; allowed here:" in message


def test_it_rejects_a_notice_to_improve_of_8_weeks(tmp_path: Path) -> None:
    body = "notice_to_improve:\n  period: 8 school weeks\n  source: TST 2\n"
    path = write(tmp_path, "essex", body)

    message = error_for(path)

    assert message == (
        "essex.yaml: notice_to_improve.period: must be between 3 and 6 weeks "
        "(national range, WTISA), got '8 school weeks' (line 9)"
    )


def test_it_rejects_a_notice_to_improve_of_2_weeks(tmp_path: Path) -> None:
    body = "notice_to_improve:\n  period: 2 school weeks\n  source: TST 2\n"
    path = write(tmp_path, "short", body)

    assert "must be between 3 and 6" in error_for(path)


def test_it_rejects_a_percentage_of_120(tmp_path: Path) -> None:
    body = """\
triggers:
  attendance:
    letter_1:
      label: Letter one
      below_pct: 120
      source: TST 3
"""
    message = error_for(write(tmp_path, "pct", body))

    assert message == (
        "pct.yaml: triggers.attendance.letter_1.below_pct: "
        "must be a percentage from 0 to 100, got 120 (line 12)"
    )


def test_it_rejects_a_percentage_written_as_text(tmp_path: Path) -> None:
    body = """\
triggers:
  attendance:
    letter_1: {label: Letter one, below_pct: "96%", source: TST 3}
"""
    message = error_for(write(tmp_path, "hackney", body))

    assert (
        "hackney.yaml: triggers.attendance.letter_1.below_pct: Input should be a valid number"
        in (message)
    )
    assert "got '96%'" in message


def test_it_rejects_a_duplicate_stage_key(tmp_path: Path) -> None:
    body = """\
stages:
  - {key: panel, name: Panel, description: First panel, source: TST 4}
  - {key: legal, name: Legal, description: Legal action, source: TST 4}
  - {key: panel, name: Second panel, description: Again, source: TST 4}
"""
    message = error_for(write(tmp_path, "dupstage", body))

    assert message == (
        "dupstage.yaml: stages.2.key: duplicate stage key 'panel' "
        "(already used at stages.0.key) (line 11)"
    )


def test_it_rejects_based_on_a_profile_that_does_not_exist(tmp_path: Path) -> None:
    path = write(tmp_path, "orphan", header=HEADER.replace("national", "atlantis"))

    message = error_for(path)

    assert message.startswith("orphan.yaml: based_on: no profile 'atlantis' (looked for")
    assert message.endswith("(line 4)")


def test_it_rejects_an_inheritance_loop(tmp_path: Path) -> None:
    write(tmp_path, "loop-a", header=HEADER.replace("national", "loop-b"))
    write(tmp_path, "loop-b", header=HEADER.replace("national", "loop-a"))

    message = error_for(tmp_path / "loop-a.yaml")

    assert message == "loop-b.yaml: based_on: inheritance loop: loop-a -> loop-b -> loop-a (line 4)"


def test_it_rejects_a_profile_based_on_itself(tmp_path: Path) -> None:
    path = write(tmp_path, "selfish", header=HEADER.replace("national", "selfish"))

    assert "selfish.yaml: based_on: inheritance loop: selfish -> selfish" in error_for(path)


def test_it_reports_a_yaml_syntax_error_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("key: broken\nname: [unclosed\nkind: trust\n", encoding="utf-8")

    message = error_for(path)

    assert message.startswith("broken.yaml: line 3: YAML syntax error at column 5:")


def test_it_rejects_a_key_written_twice(tmp_path: Path) -> None:
    path = write(tmp_path, "twice", "name: Written again\n")

    assert error_for(path) == "twice.yaml: name: duplicate key (first written on line 2) (line 8)"


def test_it_rejects_a_key_that_does_not_match_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "essex.yaml"
    path.write_text(HEADER.format(key="esex"), encoding="utf-8")

    assert (
        error_for(path) == "essex.yaml: key: must match the file name 'essex', got 'esex' (line 1)"
    )


def test_it_rejects_a_threshold_code_outside_g_n_o_u(tmp_path: Path) -> None:
    body = "triggers:\n  threshold:\n    codes: [G, I]\n    source: TST 5\n"

    message = error_for(write(tmp_path, "codes", body))

    assert "codes.yaml: triggers.threshold.codes.1: Input should be 'G', 'N', 'O' or 'U'" in message


def test_it_rejects_a_review_interval_that_is_not_positive(tmp_path: Path) -> None:
    body = """\
reviews:
  plan:
    label: Plan review
    subject: attendance_plan
    at: [0 weeks]
    source: TST 6
"""
    message = error_for(write(tmp_path, "zero", body))

    assert "zero.yaml: reviews.plan.at.0: must be a positive length of time, got '0 weeks'" in (
        message
    )


def test_it_rejects_a_reference_to_a_letter_that_does_not_exist(tmp_path: Path) -> None:
    body = """\
triggers:
  attendance:
    low:
      label: Low attendance
      below_pct: 90
      letter: attendence_concern
      source: TST 7
"""
    message = error_for(write(tmp_path, "ref", body))

    assert (
        "ref.yaml: triggers.attendance.low.letter: no letter 'attendence_concern' in this "
        "profile (did you mean 'attendance_concern'?)"
    ) in message


def test_it_rejects_an_unknown_entry_trigger(tmp_path: Path) -> None:
    body = """\
stages:
  - key: only
    name: Only stage
    description: The one stage
    entry_triggers: [no_improvment]
    source: TST 8
"""
    message = error_for(write(tmp_path, "event", body))

    assert "event.yaml: stages.0.entry_triggers.0: no event or attendance trigger" in message
    assert "(did you mean 'no_improvement'?)" in message


def test_it_rejects_a_notice_to_improve_cap_longer_than_its_weeks(tmp_path: Path) -> None:
    body = "notice_to_improve: {period: 4 school weeks, max_school_days: 30, source: TST 2}\n"

    message = error_for(write(tmp_path, "cap", body))

    assert message == (
        "cap.yaml: notice_to_improve: max_school_days (30) is more than 4 school weeks "
        "can hold (20) (line 8)"
    )


def test_it_rejects_an_item_whose_key_differs_from_its_name(tmp_path: Path) -> None:
    body = "letters:\n  panel: {key: panels, title: Panel invitation, source: TST 2}\n"

    message = error_for(write(tmp_path, "named", body))

    assert message == (
        "named.yaml: letters.panel.key: remove 'key: panels': an item's key is the name it "
        "is listed under (line 9)"
    )


def test_it_rejects_a_register_closing_later_than_30_minutes(tmp_path: Path) -> None:
    body = """\
registers:
  closing: {minutes: 45, measured_from: session_start, source: TST 9}
"""
    message = error_for(write(tmp_path, "late", body))

    assert "late.yaml: registers.closing.minutes: must be at most 30 minutes (WTISA), got 45" in (
        message
    )


def test_it_lists_every_problem_in_a_file_at_once(tmp_path: Path) -> None:
    body = """\
notice_to_improve: {period: 8 school weeks, source: TST 2}
favourite_colour: blue
"""
    with pytest.raises(PolicyError) as caught:
        load_profile_file(write(tmp_path, "many", body))

    error = caught.value
    assert [problem.path for problem in error.problems] == [
        "notice_to_improve.period",
        "favourite_colour",
    ]
    assert all(problem.file.name == "many.yaml" for problem in error.problems)


def test_load_profiles_from_reports_every_bad_file(tmp_path: Path) -> None:
    write(tmp_path, "good")
    write(tmp_path, "bad-nti", "notice_to_improve: {period: 8 school weeks, source: TST 2}\n")
    write(tmp_path, "bad-key", "favourite_colour: blue\n")

    with pytest.raises(PolicyError) as caught:
        load_profiles_from(tmp_path)

    files = sorted({problem.file.name for problem in caught.value.problems})
    assert files == ["bad-key.yaml", "bad-nti.yaml"]


def test_load_profiles_from_returns_the_profiles_of_a_valid_directory(tmp_path: Path) -> None:
    write(tmp_path, "one")
    write(tmp_path, "two", header=HEADER.replace("national", "one"))

    profiles = load_profiles_from(tmp_path)

    assert sorted(profiles) == ["one", "two"]
    assert profiles["two"].based_on == "one"
