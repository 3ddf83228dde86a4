"""The profile's casework part: which triggers open cases, each stage's work and clocks, the
transfer to the LA. A malformed one is refused naming the file, the key and the line."""

from __future__ import annotations

from pathlib import Path

from rollcall.policies import load_profile, load_profile_file
from tests.policies.test_malformed_profiles import error_for, write

OWN_STAGES = """\
stages:
  - {key: support, name: Support, description: School support, source: TST 1}
  - {key: legal, name: Legal, description: LA legal action, source: TST 2}
"""


def test_every_packaged_profile_says_what_each_stage_expects_with_sources() -> None:
    for key in (
        "national",
        "essex",
        "hackney",
        "leeds-bramley",
        "peterborough-diocese-trust",
        "sefton",
    ):
        profile = load_profile(key)
        work = profile.casework
        assert profile.first_case_stage in profile.stage_keys
        assert work.transfer is not None
        assert work.transfer.to_local_authority_at in profile.stage_keys
        assert work.stage_work, key
        for stage_work in work.stage_work:
            assert stage_work.stage in profile.stage_keys
            for action in stage_work.actions:
                assert action.source.split()[0] in {"WTISA", "EA96", "HAC", "LEE", "SEF", "MAT"}


def test_triggers_that_open_cases_are_local_choices() -> None:
    assert set(load_profile("national").casework.triggers.values()) == {"propose"}
    hackney = load_profile("hackney").casework.triggers
    assert hackney["attendance:below_90"] == "open"
    assert hackney["national_threshold"] == "propose"  # inherited
    assert (
        load_profile("peterborough-diocese-trust").casework.triggers["attendance:letter_2"]
        == "open"
    )


def test_a_child_with_its_own_stages_inherits_no_stage_work(tmp_path: Path) -> None:
    profile = load_profile_file(write(tmp_path, "own", OWN_STAGES))
    assert profile.casework.stage_work == ()
    assert profile.casework.transfer is None
    assert profile.first_case_stage == "support"
    assert profile.casework.triggers["severe_absence"] == "propose"


def test_stage_work_for_a_stage_the_profile_lacks_is_refused(tmp_path: Path) -> None:
    body = (
        OWN_STAGES
        + """\
casework:
  first_stage: suport
  stage_work:
    - stage: legal
      actions:
        - {key: lay, label: Lay the information, due: 3 months, source: TST 3}
    - stage: panel
  source: TST 4
"""
    )
    message = error_for(write(tmp_path, "bad", body))
    assert (
        "bad.yaml: casework.first_stage: no stage 'suport' in this profile (did you mean "
        "'support'?)" in message
    )
    assert "casework.stage_work.1.stage: no stage 'panel' in this profile" in message


def test_an_unknown_trigger_or_period_is_refused(tmp_path: Path) -> None:
    body = """\
casework:
  triggers:
    severe_absense: open
  source: TST 5
"""
    message = error_for(write(tmp_path, "typo", body))
    assert "typo.yaml: casework.triggers.severe_absense" in message
    assert "'attendance:KEY'" in message
    body = """\
casework:
  triggers:
    "attendance:below_80": open
  source: TST 5
"""
    message = error_for(write(tmp_path, "unknown", body))
    assert "casework.triggers.attendance:below_80: no attendance trigger 'below_80'" in message

    body = (
        OWN_STAGES
        + """\
casework:
  stage_work:
    - stage: legal
      review_every: 2 fortnights
      review_source: TST 6
  source: TST 7
"""
    )
    message = error_for(write(tmp_path, "period", body))
    assert "period.yaml: casework.stage_work.0.review_every" in message
    assert "'6 weeks', '20 school days'" in message
