"""The packaged profiles load and carry each area's local choices."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date

import pytest

from rollcall.policies import (
    PolicyProfile,
    available_profiles,
    load_profile,
    load_profiles_from,
)
from rollcall.policies.loading import PACKAGED_DIR

EXPECTED = [
    "national",
    "essex",
    "hackney",
    "leeds-bramley",
    "peterborough-diocese-trust",
    "sefton",
]


def test_available_profiles_lists_national_first_then_the_five_seeds() -> None:
    assert available_profiles() == EXPECTED


@pytest.mark.parametrize("key", EXPECTED)
def test_every_packaged_profile_loads(key: str) -> None:
    profile = load_profile(key)

    assert isinstance(profile, PolicyProfile)
    assert profile.key == key
    assert profile.stages
    assert 3 <= profile.notice_to_improve_school_weeks <= 6


def test_load_profiles_from_the_packaged_directory_gives_the_same_profiles() -> None:
    profiles = load_profiles_from(PACKAGED_DIR)

    assert list(profiles) == EXPECTED
    assert profiles["essex"] == load_profile("essex")


def test_load_profile_is_cached() -> None:
    assert load_profile("hackney") is load_profile("hackney")


@pytest.mark.parametrize("key", EXPECTED[1:])
def test_local_profiles_are_based_on_national_and_cite_their_seed(key: str) -> None:
    profile = load_profile(key)

    assert profile.based_on == "national"
    seeds = [source.seed for source in profile.sources if source.seed]
    assert len(seeds) == 1
    assert re.fullmatch(r"00[0-4]_[0-9a-f]{16}\.txt", seeds[0])


def test_national_defaults() -> None:
    national = load_profile("national")

    assert national.kind == "national"
    assert national.based_on is None
    assert [stage.name for stage in national.stages] == [
        "Expect",
        "Monitor",
        "Listen and understand",
        "Facilitate support",
        "Formalise support",
        "Enforce",
    ]
    assert national.threshold_codes == ("G", "N", "O", "U")
    assert national.holiday_variant is None
    assert national.notice_to_improve_school_weeks == 6
    assert national.notice_to_improve.max_school_days is None
    assert national.notice_to_improve.school_days_at_most == 30
    assert national.attendance_triggers == ()
    assert national.penalty_notices.deemed_receipt.counting == "working_days"
    assert national.penalty_notices.deemed_receipt.days_after_posting == 2
    assert national.penalty_notices.three_year_limit.reading == "regulations"
    assert national.penalty_notices.la_agreement_before_issue is None
    assert national.prosecution.time_limit.counted_from == "offence"
    assert "notice_to_improve" in national.letters


def test_essex_omits_n_and_needs_ten_consecutive_g_for_a_holiday_notice() -> None:
    essex = load_profile("essex")

    assert essex.threshold_codes == ("G", "O", "U")
    holiday = essex.holiday_variant
    assert holiday is not None
    assert (holiday.code, holiday.sessions, holiday.consecutive) == ("G", 10, True)


def test_essex_local_penalty_notice_choices() -> None:
    essex = load_profile("essex")
    notices = essex.penalty_notices

    assert notices.la_agreement_before_issue is not None
    assert notices.la_agreement_before_issue.required_from == date(2024, 8, 19)
    cap = notices.local_caps["exclusion_public_place"]
    assert (cap.max_notices, cap.per, str(cap.within)) == (2, "parent_per_child", "12 months")
    assert essex.notice_to_improve.la_template_required
    assert essex.notice_to_improve.max_school_days == 30
    assert essex.notice_to_improve_school_weeks == 6


def test_essex_keeps_the_national_stages() -> None:
    assert load_profile("essex").stages == load_profile("national").stages


def test_trust_letters_at_96_and_90_percent() -> None:
    trust = load_profile("peterborough-diocese-trust")

    triggers = trust.attendance_triggers
    assert [(t.key, t.below_pct) for t in triggers] == [("letter_1", 96.0), ("letter_2", 90.0)]
    assert [t.letter for t in triggers] == ["attendance_concern_1", "attendance_concern_2"]
    assert all(t.measure == "year_to_date" for t in triggers)
    assert trust.kind == "trust"


def test_trust_registers_contract_and_inherited_stages() -> None:
    trust = load_profile("peterborough-diocese-trust")

    assert trust.registers.closing is not None
    assert trust.registers.closing.minutes == 30
    assert trust.registers.medical_evidence is not None
    assert trust.registers.medical_evidence.required_below_pct == 90
    assert [str(p) for p in trust.reviews["academy_contract"].at] == ["6 weeks"]
    assert trust.stage_keys == load_profile("national").stage_keys
    # The trust replaces the single national concern letter with letters 1 and 2.
    assert "attendance_concern" not in trust.letters


def test_hackney_has_three_stages_and_a_12_school_week_look_back() -> None:
    hackney = load_profile("hackney")

    assert hackney.stage_keys == ("prevention", "early_help_support", "statutory_intervention")
    band = hackney.stage("prevention").attendance_band
    assert band is not None
    assert (band.at_least_pct, band.up_to_pct) == (93, 100)
    look_back = hackney.triggers.attendance["below_90_last_12_school_weeks"]
    assert look_back.below_pct == 90
    assert look_back.measure == "rolling_school_weeks"
    assert look_back.school_weeks == 12
    assert look_back.crosses_academic_years


def test_hackney_reviews_and_prosecution_route() -> None:
    hackney = load_profile("hackney")

    assert [str(p) for p in hackney.reviews["plan_review"].at] == ["4 weeks"]
    route = hackney.prosecution.route
    assert route is not None
    assert route.procedure == "single_justice_procedure"
    assert hackney.prosecution.pace_warning is not None
    assert hackney.prosecution.pace_warning.letter in hackney.letters


def test_leeds_has_six_stages_in_order() -> None:
    leeds = load_profile("leeds-bramley")

    assert leeds.kind == "school_cluster"
    assert leeds.stage_keys == (
        "school_intervention",
        "support_request",
        "school_attendance_panel",
        "case_transfer",
        "legal_proceedings",
        "beyond_statutory",
    )


def test_leeds_fast_track_and_legal_timings() -> None:
    leeds = load_profile("leeds-bramley")

    fast_track = leeds.fast_track
    assert fast_track is not None
    assert str(fast_track.monitoring_period) == "20 school days"
    assert str(fast_track.final_period) == "20 school days"
    assert fast_track.on_early_end_stage == "support_request"
    case_laid = leeds.prosecution.case_laid
    assert case_laid is not None
    assert (str(case_laid.within.shortest), str(case_laid.within.longest)) == (
        "6 weeks",
        "8 weeks",
    )
    assert leeds.prosecution.time_limit.counted_from == "first_unauthorised_absence"


def test_sefton_panel_contract_and_eso_practice() -> None:
    sefton = load_profile("sefton")

    assert sefton.threshold_codes == ("G", "O", "U")
    invitation = sefton.letters["panel_invitation"]
    assert str(invitation.send_before_meeting) == "10 days"
    assert sefton.panels["school_attendance_panel"].invitation_letter == "panel_invitation"
    assert [str(p) for p in sefton.reviews["panel_targets"].at] == ["12 weeks"]
    eso_reviews = sefton.reviews["education_supervision_order"].at
    assert [str(p) for p in eso_reviews] == ["6 weeks", "3 months", "6 months", "9 months"]
    eso = sefton.education_supervision_orders
    assert eso is not None
    assert str(eso.supervisor_contact_every) == "14 days"


def test_importing_policies_does_not_import_django() -> None:
    code = (
        "import sys, rollcall.policies as p; p.load_profile('essex'); "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "False"
