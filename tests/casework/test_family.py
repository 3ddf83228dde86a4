"""The family on a case: the child's parents (EA96 s576) with their contacts, brothers and sisters
at other schools seen as far as the user may see them, consent to share information recorded
for good, and the home local authority of a cross-border case."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from rollcall.casework.models import Case, CaseConsent, CaseEvent
from rollcall.casework.services import chronology_entry_add
from rollcall.casework.services.cases import case_open
from rollcall.casework.services.family import case_consent_record
from rollcall.core.audit import Verb
from rollcall.core.models import AppendOnlyError, AuditEvent
from rollcall.policies import load_profile
from rollcall.pupils.services import carer_create, carer_link_create, family_create
from tests.analytics.conftest import person, record, signed_in
from tests.conftest import set_clock
from tests.factories import enrol, make_la, make_pupil, make_school

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2025, 3, 10)
MONDAY = D(2025, 3, 3)
REFUSED = (DatabaseError, IntegrityError)


def _link(pupil, carer, relationship, *, responsibility=True, lives_with=True):
    carer_link_create(
        actor=None,
        pupil=pupil,
        carer=carer,
        relationship=relationship,
        parental_responsibility=responsibility,
        lives_with_pupil=lives_with,
    )


def _contact(officer, pupil, school, carer, reason, hour):
    chronology_entry_add(
        actor=officer,
        pupil=pupil,
        school=school,
        kind="phone_call",
        outcome="reason_given",
        reason=reason,
        carer=carer,
        occurred_at=dt.datetime(2025, 3, 4, hour, tzinfo=dt.UTC),
    )


@pytest.fixture
def family(time_machine):
    """Ada at Riverside (her case), her brother Ben at Hartwell High in the same authority (40 %
    attendance, a case of his own), and her half-brother Cal, who shares only their father, at
    a school in another authority."""
    set_clock(time_machine, TODAY, 9, 30)
    la = make_la()
    elsewhere = make_la("990", "Otherton Council")
    riverside = make_school(name="Riverside Primary School", la=la)
    hartwell = make_school(name="Hartwell High School", la=la, phase="secondary")
    faraway = make_school(name="Faraway Academy", la=elsewhere)
    household = family_create(actor=None, reference="F-1")
    ada = make_pupil(forename="Ada", surname="Stone", date_of_birth=D(2015, 1, 10))
    ben = make_pupil(forename="Ben", surname="Stone", date_of_birth=D(2012, 6, 1))
    cal = make_pupil(forename="Cal", surname="Reed", date_of_birth=D(2013, 2, 2))
    for child in (ada, ben):
        type(child).objects.filter(pk=child.pk).update(family=household)
        child.refresh_from_db()
    enrol(ada, riverside, admitted_on=D(2024, 9, 2))
    enrol(ben, hartwell, admitted_on=D(2024, 9, 2))
    enrol(cal, faraway, admitted_on=D(2024, 9, 2))
    record(hartwell, ben.upn, MONDAY, "O O / \\ O O / \\ G G")
    record(riverside, ada.upn, MONDAY, "O O / \\ / \\ / \\ / \\")

    mother = carer_create(
        actor=None, forename="Jo", surname="Stone", family=household, mobile_phone="07700 900123"
    )
    father = carer_create(actor=None, forename="Sam", surname="Reed", email="sam@example.org")
    step = carer_create(actor=None, forename="Pat", surname="Grey")
    _link(ada, mother, "mother")
    _link(ben, mother, "mother")
    _link(ada, father, "father", responsibility=False, lives_with=False)
    _link(cal, father, "father")
    _link(ada, step, "step_parent", responsibility=False, lives_with=False)

    officer = person("officer", "attendance_officer", school=riverside)
    other = person("hartwell", "attendance_officer", school=hartwell)
    person("la", "la_officer", local_authority=la)
    _contact(officer, ada, riverside, mother, "Ada had a migraine", 9)
    _contact(other, ben, hartwell, mother, "Ben would not get up", 10)

    case = case_open(
        actor=officer,
        pupil=ada,
        school=riverside,
        owner=riverside,
        on=TODAY,
        rationale="Two days off unexplained",
        stage_key="listen_and_understand",
    )
    bens = case_open(
        actor=other,
        pupil=ben,
        school=hartwell,
        owner=hartwell,
        on=TODAY,
        rationale="Attendance 40 %",
        stage_key="facilitate_support",
    )
    return {
        "case": case,
        "bens": bens,
        "ben": ben,
        "cal": cal,
        "mother": mother,
        "father": father,
        "step": step,
        "officer": officer,
        "elsewhere": elsewhere,
    }


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _family_part(response) -> str:
    html = response.content.decode()
    return html[html.index('id="family"') : html.index('id="chronology"')]


def test_the_case_lists_each_parent_with_contact_details_and_the_schools_own_contacts(
    client, family
):
    page = signed_in(client, "officer").get(f"/cases/{family['case'].pk}")
    text = _text(page)
    assert "Jo Stone · Mother" in text
    assert "Mobile: 07700 900123" in text
    # A father who neither lives with her nor is said to hold parental responsibility is still
    # her parent (EA96 s576: natural parents); a step-parent with neither is not.
    assert "Sam Reed · Father" in text
    assert "sam@example.org" in text
    assert "Pat Grey · " not in text
    assert "not parents in law: Pat Grey (step-parent)" in text
    assert "Ada had a migraine" in text
    assert "Ben would not get up" not in text  # Hartwell's contact with the same mother


def test_a_school_sees_a_brothers_school_case_stage_and_band_and_nothing_else(client, family):
    bens = family["bens"]
    page = signed_in(client, "officer").get(f"/cases/{family['case'].pk}")
    assert page.status_code == 200
    part = _family_part(page)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part))
    stage = load_profile(bens.profile_key).stage("facilitate_support").name
    assert "A brother or sister" in text
    assert "Hartwell High School" in text
    assert f"Open case at the {stage} stage" in text
    assert "Persistently absent: attendance 90% or below" in text
    assert "Faraway Academy" in text  # Cal, through their father
    assert "Shares a parent: Sam Reed" in text
    # Nothing more of Hartwell's or Faraway's records.
    assert "Ben" not in text and "Cal" not in text
    assert family["ben"].upn not in part
    assert "40.0%" not in text and "40%" not in text
    assert f"/cases/{bens.pk}" not in part
    assert "/analytics/pupils/" not in part
    assert "Hartwell High School" not in text.split("Brothers and sisters")[0]  # no contacts


def test_the_la_sees_the_brothers_attendance_and_case_and_every_schools_contacts(client, family):
    bens = family["bens"]
    page = signed_in(client, "la").get(f"/cases/{family['case'].pk}")
    part = _family_part(page)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part))
    assert "Ben Stone" in text
    assert f'href="/analytics/pupils/{family["ben"].upn}"' in part
    assert "40.0% this school year" in text
    assert f'href="/cases/{bens.pk}"' in part
    assert "Ben would not get up" in text and "About Ben Stone" in text
    assert "Ada had a migraine" in text
    # Cal's school is in another authority: the LA sees him only as a school does.
    assert "Cal Reed" not in text
    assert "Faraway Academy" in text


def test_consent_recorded_on_its_page_is_listed_and_in_the_chronology(client, family):
    case, mother = family["case"], family["mother"]
    browser = signed_in(client, "officer")
    url = f"/cases/{case.pk}/consent"
    form = _text(browser.get(url))
    assert "Jo Stone (mother)" in form and "Sam Reed (father)" in form
    assert "Pat Grey" not in form

    refused = browser.post(
        url,
        {"party": "agency", "decision": "given", "covers": "", **_date("decided_on", TODAY)},
    )
    assert refused.status_code == 200
    assert "Name the agency that decided" in _text(refused)
    assert "Say what the consent covers" in _text(refused)
    assert not CaseConsent.objects.exists()

    done = browser.post(
        url,
        {
            "party": str(mother.pk),
            "decision": "given",
            "covers": "Attendance and case notes with the Family Support Team",
            "note": "Signed form scanned to the school's file",
            **_date("decided_on", D(2025, 3, 7)),
        },
    )
    assert done.status_code == 302
    page = _text(browser.get(f"/cases/{case.pk}"))
    assert "Consent to share information given by Jo Stone (mother)" in page
    assert "Given on 7 March 2025: Attendance and case notes with the Family Support Team" in page
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.CONSENT)
    assert event.recorded_by_label.startswith("Test officer")
    assert AuditEvent.objects.filter(verb=Verb.CASE_CONSENT_RECORD).count() == 1


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def test_a_consent_cannot_be_changed_or_deleted_and_a_withdrawal_is_a_new_record(family):
    case, mother = family["case"], family["mother"]
    given = case_consent_record(
        actor=family["officer"],
        case=case,
        carer=mother,
        decision="given",
        decided_on=D(2025, 3, 3),
        covers="Attendance with the school nurse",
    )
    given.decision = "refused"
    with pytest.raises(AppendOnlyError):
        given.save()
    with pytest.raises(AppendOnlyError):
        given.delete()
    for sql in (
        "UPDATE casework_caseconsent SET decision = 'refused'",
        "DELETE FROM casework_caseconsent",
    ):
        with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    case_consent_record(
        actor=family["officer"],
        case=case,
        carer=mother,
        decision="withdrawn",
        decided_on=D(2025, 3, 7),
        covers="Attendance with the school nurse",
    )
    assert list(CaseConsent.objects.values_list("decision", flat=True)) == ["given", "withdrawn"]


def test_consent_is_refused_from_an_adult_who_is_not_a_parent(family):
    with pytest.raises(ValidationError) as refusal:
        case_consent_record(
            actor=family["officer"],
            case=family["case"],
            carer=family["step"],
            decision="given",
            decided_on=TODAY,
            covers="Everything",
        )
    assert "Pat Grey is not one of Ada Stone's parents on record" in str(refusal.value)
    assert not CaseConsent.objects.exists()


def test_an_agency_consents_and_another_school_cannot_reach_the_page(client, family):
    case = family["case"]
    assert signed_in(client, "hartwell").get(f"/cases/{case.pk}/consent").status_code == 404
    browser = signed_in(client, "la")
    done = browser.post(
        f"/cases/{case.pk}/consent",
        {
            "party": "agency",
            "agency": "  Family   Support Team ",
            "decision": "refused",
            "covers": "Sharing the case with the Early Help Hub",
            **_date("decided_on", TODAY),
        },
    )
    assert done.status_code == 302
    consent = CaseConsent.objects.get()
    assert (consent.agency, consent.carer, consent.organisation_label) == (
        "Family Support Team",
        None,
        "Testshire County Council",
    )


def test_the_home_local_authority_is_set_with_a_reason_and_shown(client, family):
    case, elsewhere = family["case"], family["elsewhere"]
    browser = signed_in(client, "officer")
    url = f"/cases/{case.pk}/home-local-authority"
    assert "Otherton Council" in _text(browser.get(url))
    refused = browser.post(url, {"local_authority": str(elsewhere.pk), "rationale": ""})
    assert "Say why: the reason is part of the record a court may read" in _text(refused)
    assert Case.objects.get(pk=case.pk).home_local_authority is None

    done = browser.post(
        url, {"local_authority": str(elsewhere.pk), "rationale": "The family moved to Otherton"}
    )
    assert done.status_code == 302
    page = _text(browser.get(f"/cases/{case.pk}"))
    assert "Home local authority (consulted) Otherton Council" in page
    assert "Otherton Council: consulted; Testshire County Council enforces" in page
    assert "Home local authority set to Otherton Council" in page  # the chronology
    assert AuditEvent.objects.filter(verb=Verb.CASE_HOME_LA_SET).count() == 1

    again = browser.post(url, {"local_authority": str(elsewhere.pk), "rationale": "Again"})
    assert "already Otherton Council" in _text(again)
    back = browser.post(url, {"local_authority": "", "rationale": "Moved back"})
    assert back.status_code == 302
    assert Case.objects.get(pk=case.pk).home_local_authority is None
