"""The offences, their defences and the ESO rules, each with the subsection it comes from."""

from __future__ import annotations

from datetime import date

from rollcall.statutory import on

AFTER_2024 = date(2025, 1, 15)


def test_s444_1_is_strict_liability_with_a_level_3_fine() -> None:
    offence = on(AFTER_2024).offences[0]
    assert offence.section == "EA96 s444(1)"
    assert offence.strict_liability is True
    assert (offence.maximum.fine_level, offence.maximum.fine_pence) == (3, 100000)
    assert offence.maximum.imprisonment_months is None
    assert offence.warrant_possible is False


def test_s444_1a_needs_knowledge_and_carries_three_months() -> None:
    offence = next(o for o in on(AFTER_2024).offences if o.section == "EA96 s444(1A)")
    assert offence.strict_liability is False
    assert any("knew" in element for element in offence.elements)
    assert offence.maximum.fine_level == 4 and offence.maximum.imprisonment_months == 3
    assert offence.maximum.fine_and_imprisonment is True
    assert offence.warrant_possible is True
    assert "reasonable_justification" in offence.defences
    assert "(1B)" in offence.citation


def test_s443_is_failing_to_comply_with_a_school_attendance_order() -> None:
    offence = next(o for o in on(AFTER_2024).offences if o.section == "EA96 s443(1)")
    assert offence.maximum.fine_level == 3
    assert offence.defences == ("suitable_education_otherwise",)


def test_the_travel_defence_is_the_s508b_duty_not_walking_distance_alone() -> None:
    travel = next(d for d in on(AFTER_2024).defences if d.key == "travel_arrangements_not_made")
    assert "s508B" in travel.citation and "Sch 35B" in travel.citation
    assert "s444(3B)" in travel.citation or "s444(3A)-(3B)" in travel.citation
    assert "Distance alone" in travel.summary
    before = next(d for d in on(date(2007, 8, 31)).defences if d.key == travel.key)
    assert "s444(4)" in before.citation


def test_the_boarding_defence_is_for_independent_schools() -> None:
    boarding = next(
        d for d in on(AFTER_2024).defences if d.key == "boarding_or_nearer_school_not_arranged"
    )
    assert "independent school" in boarding.summary
    assert "s444(3D)" in boarding.citation


def test_sickness_is_s444_2a_and_y1_can_be_an_unavoidable_cause() -> None:
    keys = {defence.key for defence in on(AFTER_2024).defences_for("Y1")}
    assert keys == {"sickness_or_unavoidable_cause", "travel_arrangements_not_made"}
    sickness = on(AFTER_2024).defences[0]
    assert sickness.citation.startswith("EA96 s444(2A)")


def test_the_eso_rules_cite_schedule_3_paragraph_by_paragraph() -> None:
    orders = on(AFTER_2024).court_orders
    assert orders is not None
    eso = orders.education_supervision_order
    assert eso.ends_when_citation.startswith("CA89 Sch 3 para 15(6)")
    assert eso.extension_before_expiry.citation == "CA89 Sch 3 para 15(2)"
    assert eso.discharge.citation.startswith("CA89 Sch 3 para 17")
    assert eso.consider_before_prosecuting.citation.startswith("EA96 s447")
