"""A profile based on another keeps what it does not change."""

from __future__ import annotations

from pathlib import Path

import pytest

from rollcall.policies import PolicyError, load_profile, load_profile_file
from rollcall.policies.periods import Period

HEADER = """\
key: {key}
name: Test area
kind: local_authority
based_on: {parent}
sources:
  - title: Test procedure
    tag: TST
"""


def write(directory: Path, key: str, body: str = "", parent: str = "national") -> Path:
    path = directory / f"{key}.yaml"
    path.write_text(HEADER.format(key=key, parent=parent) + body, encoding="utf-8")
    return path


def test_a_child_changing_one_value_keeps_the_parents_others(tmp_path: Path) -> None:
    body = "notice_to_improve:\n  period: 4 school weeks\n  source: TST 1\n"

    child = load_profile_file(write(tmp_path, "child", body))
    national = load_profile("national")

    assert child.notice_to_improve_period == Period(amount=4, unit="school_weeks")
    assert child.notice_to_improve.school_days_at_most == 20
    assert child.notice_to_improve.source == "TST 1"
    assert child.stages == national.stages
    assert child.threshold_codes == national.threshold_codes
    assert child.letters == national.letters
    assert child.penalty_notices == national.penalty_notices


def test_a_child_adds_a_letter_and_keeps_the_inherited_ones(tmp_path: Path) -> None:
    body = "letters:\n  panel_invitation: {title: Panel invitation, source: TST 2}\n"

    child = load_profile_file(write(tmp_path, "letters", body))

    assert list(child.letters)[-1] == "panel_invitation"
    assert set(load_profile("national").letters) < set(child.letters)


def test_a_child_removes_an_inherited_value_with_null(tmp_path: Path) -> None:
    child = load_profile_file(write(tmp_path, "drop", "letters:\n  meeting_notes: null\n"))

    assert "meeting_notes" not in child.letters
    assert "meeting_invitation" in child.letters


def test_a_child_that_lists_stages_replaces_all_of_them(tmp_path: Path) -> None:
    body = """\
stages:
  - {key: support, name: Support, description: School support, source: TST 3}
  - {key: legal, name: Legal, description: Legal action, source: TST 3}
"""
    child = load_profile_file(write(tmp_path, "stages", body))

    assert child.stage_keys == ("support", "legal")


def test_a_grandchild_inherits_through_its_parent(tmp_path: Path) -> None:
    write(tmp_path, "parent", "notice_to_improve: {period: 5 school weeks, source: TST 4}\n")
    grandchild = load_profile_file(
        write(
            tmp_path,
            "grandchild",
            "triggers:\n  threshold: {codes: [G, O, U], source: T 5}\n",
            "parent",
        )
    )

    assert grandchild.notice_to_improve_period == Period(amount=5, unit="school_weeks")
    assert grandchild.threshold_codes == ("G", "O", "U")
    assert grandchild.stages == load_profile("national").stages


def test_a_parent_next_to_the_file_wins_over_the_packaged_one(tmp_path: Path) -> None:
    write(tmp_path, "essex", "notice_to_improve: {period: 3 school weeks, source: TST 6}\n")

    child = load_profile_file(write(tmp_path, "child", parent="essex"))

    assert child.notice_to_improve_period == Period(amount=3, unit="school_weeks")


def test_a_child_of_a_packaged_local_profile_keeps_its_local_choices(tmp_path: Path) -> None:
    child = load_profile_file(write(tmp_path, "essex-school", parent="essex"))

    assert child.threshold_codes == ("G", "O", "U")
    assert child.holiday_variant == load_profile("essex").holiday_variant


def test_identity_and_sources_are_not_inherited(tmp_path: Path) -> None:
    child = load_profile_file(write(tmp_path, "own"))

    assert child.name == "Test area"
    assert [source.tag for source in child.sources] == ["TST"]


def test_an_override_without_its_own_source_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "uncited", "notice_to_improve:\n  period: 4 school weeks\n")

    with pytest.raises(PolicyError) as caught:
        load_profile_file(path)

    assert str(caught.value) == (
        "uncited.yaml: notice_to_improve.source: this part overrides inherited values, "
        "so give its own source (line 8)"
    )


def test_an_error_in_an_inherited_value_names_the_parent_file(tmp_path: Path) -> None:
    write(tmp_path, "parent", "notice_to_improve: {period: 9 school weeks, source: TST 7}\n")

    with pytest.raises(PolicyError) as caught:
        load_profile_file(write(tmp_path, "child", parent="parent"))

    assert str(caught.value).startswith("parent.yaml: notice_to_improve.period:")
