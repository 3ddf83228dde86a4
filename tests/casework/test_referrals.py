"""Referrals to other services from a case: parents told first unless that would put the
child at greater risk, the answer recorded, all in the case's record."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from rollcall.casework.models import AgencyReferral, CaseEvent
from rollcall.casework.services.cases import case_open
from rollcall.casework.services.referrals import agency_referral_record, agency_response_record
from rollcall.pupils.models import Pupil
from tests.analytics.conftest import signed_in
from tests.conftest import set_clock

DAY = dt.date(2025, 1, 15)


@pytest.fixture
def case(time_machine, school, pupil, officer):
    set_clock(time_machine, DAY, 15)
    return case_open(
        actor=officer, pupil=pupil, school=school, owner=school, on=DAY, rationale="Concern"
    )


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_a_referral_without_telling_the_parents_needs_the_reason(case, officer):
    with pytest.raises(ValidationError) as refused:
        agency_referral_record(
            actor=officer,
            case=case,
            service="social_care",
            made_on=DAY,
            reason="Bruising seen",
            parents_told=False,
        )
    assert "would put the child at greater risk" in str(refused.value)
    made = agency_referral_record(
        actor=officer,
        case=case,
        service="social_care",
        made_on=DAY,
        reason="Bruising seen",
        parents_told=False,
        not_told_because="Father is the alleged source of harm",
    )
    agency_response_record(
        actor=officer,
        referral=made,
        received_on=DAY,
        response="Strategy discussion held",
        outcome="Section 47 enquiry",
    )
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["opened", "referral", "referral_response"]
    with pytest.raises(DatabaseError), transaction.atomic():
        AgencyReferral.objects.filter(pk=made.pk).update(reason="Rewritten")


def test_the_case_page_shows_welfare_and_referrals(client, case, officer, pupil):
    Pupil.objects.filter(pk=pupil.pk).update(
        child_in_need=True, social_worker_name="Dee Walker", social_worker_contact="01234 567890"
    )
    browser = signed_in(client, "officer")
    browser.post(
        f"/cases/{case.pk}/referral",
        {
            "service": "early_help",
            "made_on-day": "15",
            "made_on-month": "1",
            "made_on-year": "2025",
            "reason": "Family asked for help with mornings",
            "parents_told": "on",
            "family_consented": "on",
        },
    )
    page = _text(browser.get(f"/cases/{case.pk}"))
    assert "Child in need" in page
    assert "Social worker: Dee Walker, 01234 567890" in page
    assert "Early help (assessment or team around the family)" in page
    assert "Parents told first; the family consented" in page
    assert "Waiting" in page
    assert case.events.filter(kind=CaseEvent.Kind.REFERRAL).count() == 1
