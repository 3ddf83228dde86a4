"""The packaged profiles load and carry each area's local choices."""

from __future__ import annotations

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
from rollcall.policies.periods import Period
from tests.citations import listed_tags

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
    period = profile.notice_to_improve_period
    assert period.unit in ("school_weeks", "weeks")
    assert 3 <= period.amount <= 6


def test_load_profiles_from_the_packaged_directory_gives_the_same_profiles() -> None:
    profiles = load_profiles_from(PACKAGED_DIR)

    assert list(profiles) == EXPECTED
    assert profiles["essex"] == load_profile("essex")


def test_load_profile_is_cached() -> None:
    assert load_profile("hackney") is load_profile("hackney")


@pytest.mark.parametrize("key", EXPECTED[1:])
def test_local_profiles_are_based_on_national_and_name_the_document_they_implement(
    key: str,
) -> None:
    profile = load_profile(key)

    assert profile.based_on == "national"
    (document,) = profile.sources
    assert document.title and document.publisher
    assert document.tag in listed_tags()


@pytest.mark.parametrize("key", EXPECTED)
def test_every_source_a_profile_cites_is_listed_in_the_sources_page(key: str) -> None:
    for source in load_profile(key).sources:
        assert source.tag in listed_tags(), f"{key}: {source.tag} is not in docs/sources.md"


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
    assert national.notice_to_improve_period == Period(amount=6, unit="school_weeks")
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
    # The seed fixes 6 school weeks and gives no cap in days.
    assert essex.notice_to_improve.max_school_days is None
    assert essex.notice_to_improve_period == Period(amount=6, unit="school_weeks")


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


def test_hackney_has_three_stages_and_a_12_school_week_count_back() -> None:
    hackney = load_profile("hackney")

    assert hackney.stage_keys == ("prevention", "early_help_support", "statutory_intervention")
    band = hackney.stage("prevention").attendance_band
    assert band is not None
    assert (band.at_least_pct, band.up_to_pct) == (93, 100)
    below_90 = hackney.triggers.attendance["below_90"]
    assert below_90.below_pct == 90
    assert below_90.falling_over_school_weeks is None
    assert below_90.measure == "year_to_date_with_count_back"
    assert below_90.school_weeks == 12
    assert below_90.crosses_academic_years
    assert below_90.quote is not None and "count back 12 school weeks" in below_90.quote


def test_hackney_stage_2_starts_below_93_and_declining_or_below_90() -> None:
    hackney = load_profile("hackney")

    declining = hackney.triggers.attendance["declining_below_93"]
    assert declining.below_pct == 93
    assert declining.falling_over_school_weeks == 4
    assert declining.measure == "year_to_date_with_count_back"
    assert declining.quote is not None
    assert "continues to decline over a period of time" in declining.quote
    assert declining.reading is not None
    assert hackney.stage("early_help_support").entry_triggers == (
        "declining_below_93",
        "below_90",
    )


def test_hackney_reviews_and_prosecution_route() -> None:
    hackney = load_profile("hackney")

    assert [str(p) for p in hackney.reviews["plan_review"].at] == ["4 weeks"]
    route = hackney.prosecution.route
    assert route is not None
    assert route.procedure_for("s444_1") == "single_justice_procedure"
    # MCA 1980 s16A: never for the imprisonable s444(1A).
    assert route.procedure_for("s444_1a") == "magistrates_court_hearing"
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

    # G, O, U was one Sefton school's practice, not the council's: the national codes apply.
    assert sefton.threshold_codes == ("G", "N", "O", "U")
    panel = sefton.panels["school_attendance_panel"]
    assert panel.goes_ahead_without_parents
    assert panel.attendance_contract == "when_a_parent_attends"
    invitation = sefton.letters["panel_invitation"]
    assert str(invitation.send_before_meeting) == "10 days"
    assert sefton.panels["school_attendance_panel"].invitation_letter == "panel_invitation"
    assert [str(p) for p in sefton.reviews["panel_targets"].at] == ["12 weeks"]
    eso_reviews = sefton.reviews["education_supervision_order"].at
    assert [str(p) for p in eso_reviews] == ["6 weeks", "3 months", "6 months", "9 months"]
    eso = sefton.education_supervision_orders
    assert eso is not None
    assert str(eso.supervisor_contact_every) == "14 days"


def test_leeds_panel_goes_ahead_without_parents_but_agrees_contracts_only_with_one() -> None:
    panel = load_profile("leeds-bramley").panels["school_attendance_panel"]

    assert panel.goes_ahead_without_parents
    assert panel.attendance_contract == "when_a_parent_attends"


SUPERSEDED = {
    "national": [],
    "essex": [],
    "peterborough-diocese-trust": [],
    "hackney": [
        ("contract_agreed_without_parent", 2024),
        ("penalty_notice_amounts", 2024),
        ("penalty_notice_warning_letter", 2024),
    ],
    "leeds-bramley": [
        ("no_support_during_fast_track", 2024),
        ("conditional_discharge_12_months", 2020),
        ("parenting_order_extendable_to_3_years", 1998),
    ],
    "sefton": [("contract_sent_to_absent_parent", 2024)],
}


@pytest.mark.parametrize("key", EXPECTED)
def test_every_profile_lists_its_seeds_out_of_date_rules(key: str) -> None:
    profile = load_profile(key)

    assert [(rule.key, rule.changed_in) for rule in profile.superseded] == SUPERSEDED[key]
    tags = {source.tag for source in profile.sources}
    for rule in profile.superseded:
        assert rule.seed_source.split()[0] in tags
        assert rule.seed_says and rule.current_rule and rule.source


@pytest.mark.parametrize("key", EXPECTED)
def test_every_profile_counts_the_n_deadline_from_the_day_after_the_mark(key: str) -> None:
    deadline = load_profile(key).registers.n_code_deadline

    assert deadline is not None
    assert deadline.counted_from == "day_after_mark"
    assert "Working together to improve school attendance" in " ".join(deadline.source.split())


def test_no_packaged_value_cites_a_restatement_instead_of_its_source() -> None:
    for path in PACKAGED_DIR.glob("*.yaml"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "source:" in line:
                assert "RULES" not in line, f"{path.name} line {number}"


def test_importing_policies_does_not_import_django() -> None:
    code = (
        "import sys, rollcall.policies as p; p.load_profile('essex'); "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "False"
