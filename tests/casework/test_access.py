"""Access beyond a case's owner: a school's office lets a named officer of its local authority
(Hackney's traded service) work the school's own cases for a period, as if working for the
school, and may end it early; and the LA's termly list of severely absent pupils."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from rollcall.casework.models import CaseAccessGrant, CaseAccessRevocation, CaseEvent
from rollcall.casework.selectors import acting_for, case_for, cases_visible_to
from rollcall.casework.services.access import case_access_grant, case_access_revoke
from rollcall.casework.services.cases import case_open
from rollcall.core.audit import Verb
from rollcall.core.models import AppendOnlyError, AuditEvent
from rollcall.pupils.models import Pupil
from tests.analytics.conftest import person, record, signed_in
from tests.conftest import set_clock
from tests.factories import enrol, make_la, make_pupil, make_school

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2025, 3, 10)  # a Monday in the spring term
END_OF_TERM = D(2025, 4, 4)


@pytest.fixture
def world(time_machine):
    set_clock(time_machine, TODAY, 10)
    school = make_school(name="Riverside Primary School")
    other = make_school(name="Hill Top Primary")
    pupil = make_pupil(forename="Ada", surname="Stone")
    enrol(pupil, school, admitted_on=D(2024, 9, 2))
    neighbour = make_pupil(forename="Cal", surname="Hill")
    enrol(neighbour, other, admitted_on=D(2024, 9, 2))
    head = person("head", "headteacher", school=school)
    other_officer = person("other", "attendance_officer", school=other)
    case = case_open(
        actor=head, pupil=pupil, school=school, owner=school, on=TODAY, rationale="Absent"
    )
    other_case = case_open(
        actor=other_officer,
        pupil=neighbour,
        school=other,
        owner=other,
        on=TODAY,
        rationale="Absent",
    )
    la = school.local_authority
    return {
        "school": school,
        "other": other,
        "case": case,
        "other_case": other_case,
        "head": head,
        "traded": person("traded", "la_officer", local_authority=la),
        "support": person("support", "la_business_support", local_authority=la),
        "analyst": person("analyst", "la_analyst", local_authority=la),
        "other_officer": other_officer,
    }


def _grant(world, who: str, starts_on=TODAY, ends_on=END_OF_TERM, reason="Traded service"):
    return case_access_grant(
        actor=world["head"],
        school=world["school"],
        grantee=world[who],
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
    )


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_with_access_in_force_the_officer_works_the_schools_cases_for_the_school(world):
    case, school = world["case"], world["school"]
    support = world["support"]
    # LA business support reads the LA's cases but writes none of a school's own.
    assert acting_for(user=support, case=case, on=TODAY) is None

    _grant(world, "support")
    assert acting_for(user=support, case=case, on=TODAY) == school
    assert acting_for(user=support, case=case, on=D(2025, 4, 4)) == school
    # An LA officer with access writes for the school, not as the LA's oversight.
    assert acting_for(user=world["traded"], case=case, on=TODAY) == school.local_authority
    _grant(world, "traded")
    assert acting_for(user=world["traded"], case=case, on=TODAY) == school


def test_access_not_started_or_ended_is_not_in_force(world):
    case = world["case"]
    analyst = world["analyst"]
    _grant(world, "analyst", starts_on=D(2025, 3, 17), ends_on=D(2025, 3, 21))
    for day in (TODAY, D(2025, 3, 22)):
        assert not cases_visible_to(user=analyst, on=day).exists()
        assert acting_for(user=analyst, case=case, on=day) is None
    for day in (D(2025, 3, 17), D(2025, 3, 21)):
        assert list(cases_visible_to(user=analyst, on=day)) == [case]
        assert acting_for(user=analyst, case=case, on=day) == world["school"]


def test_revoked_access_ends_that_day_and_the_record_keeps_both(world, time_machine):
    case, analyst = world["case"], world["analyst"]
    grant = _grant(world, "analyst")
    assert case_for(user=analyst, case_id=case.pk, on=TODAY) == case

    set_clock(time_machine, D(2025, 3, 12), 9)
    revocation = case_access_revoke(actor=world["head"], grant=grant, reason="Package ended")
    assert revocation.revoked_on == D(2025, 3, 12)
    assert case_for(user=analyst, case_id=case.pk, on=D(2025, 3, 12)) is None
    assert acting_for(user=analyst, case=case, on=D(2025, 3, 20)) is None
    # The day before, it was in force: the record says so still.
    assert case_for(user=analyst, case_id=case.pk, on=D(2025, 3, 11)) == case

    verbs = list(
        AuditEvent.objects.filter(
            object_type="casework.caseaccessgrant", object_id=str(grant.pk)
        ).values_list("verb", flat=True)
    )
    assert verbs == [Verb.CASE_ACCESS_GRANT, Verb.CASE_ACCESS_REVOKE]
    with pytest.raises(ValidationError, match="already revoked on 12 March 2025"):
        case_access_revoke(actor=world["head"], grant=grant, reason="Again")


def test_access_is_to_one_schools_cases_and_another_school_still_sees_nothing(world):
    _grant(world, "analyst")
    analyst = world["analyst"]
    assert list(cases_visible_to(user=analyst, on=TODAY)) == [world["case"]]
    assert case_for(user=analyst, case_id=world["other_case"].pk, on=TODAY) is None
    assert acting_for(user=analyst, case=world["other_case"], on=TODAY) is None

    other_officer = world["other_officer"]
    assert list(cases_visible_to(user=other_officer, on=TODAY)) == [world["other_case"]]
    assert case_for(user=other_officer, case_id=world["case"].pk, on=TODAY) is None
    assert acting_for(user=other_officer, case=world["case"], on=TODAY) is None


def test_access_ends_when_the_officer_no_longer_works_for_the_la(world):
    _grant(world, "analyst")
    world["analyst"].memberships.all().delete()
    assert not cases_visible_to(user=world["analyst"], on=TODAY).exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"reason": "  "}, "reason", "Say why the officer needs access"),
        ({"starts_on": D(2025, 3, 7)}, "starts_on", "Access cannot start before today"),
        ({"ends_on": D(2025, 3, 9)}, "ends_on", "The last day must be the same as or after"),
        ({"ends_on": D(2026, 3, 10)}, "ends_on", "Access lasts at most a year"),
    ],
)
def test_a_grant_without_a_reason_or_a_sensible_period_is_refused(world, change, field, message):
    arguments = {"starts_on": TODAY, "ends_on": D(2025, 4, 4), "reason": "Traded service"}
    with pytest.raises(ValidationError) as refusal:
        case_access_grant(
            actor=world["head"],
            school=world["school"],
            grantee=world["traded"],
            **(arguments | change),
        )
    assert message in refusal.value.message_dict[field][0]
    assert not CaseAccessGrant.objects.exists()
    assert not AuditEvent.objects.filter(verb=Verb.CASE_ACCESS_GRANT).exists()


def test_only_officers_of_the_schools_own_la_are_given_access_and_never_twice(world):
    stranger = person("stranger", "la_officer", local_authority=make_la("990", "Otherton"))
    with pytest.raises(ValidationError, match="does not work for Testshire County Council"):
        case_access_grant(
            actor=world["head"],
            school=world["school"],
            grantee=stranger,
            starts_on=TODAY,
            ends_on=D(2025, 4, 4),
            reason="Traded service",
        )
    _grant(world, "traded")
    with pytest.raises(ValidationError, match="already has access to Riverside Primary School"):
        _grant(world, "traded", starts_on=D(2025, 4, 1), ends_on=D(2025, 5, 1))
    assert CaseAccessGrant.objects.count() == 1


def test_grants_and_revocations_can_never_be_changed_or_deleted(world):
    grant = _grant(world, "traded")
    revocation = case_access_revoke(actor=world["head"], grant=grant, reason="Done")
    for row, model in ((grant, CaseAccessGrant), (revocation, CaseAccessRevocation)):
        with pytest.raises(AppendOnlyError):
            row.save()
        with pytest.raises(AppendOnlyError):
            row.delete()
        with pytest.raises(DatabaseError), transaction.atomic():
            model.objects.filter(pk=row.pk).update(reason="Rewritten")
        with pytest.raises(DatabaseError), transaction.atomic():
            model.objects.filter(pk=row.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseAccessGrant.objects.filter(pk=grant.pk).update(ends_on=D(2026, 1, 1))


def test_the_school_office_grants_lists_and_revokes_access_on_its_pages(client, world):
    browser = signed_in(client, "head")
    page = _text(browser.get("/cases/access"))
    assert "Access to the school's cases" in page
    assert "No one outside the school has been given access" in page

    form = _text(browser.get(f"/cases/access/{world['school'].urn}/new"))
    assert "Test traded (traded), LA attendance officer" in form
    refused = browser.post(f"/cases/access/{world['school'].urn}/new", {"grantee": ""})
    assert "Choose the officer" in _text(refused)
    done = browser.post(
        f"/cases/access/{world['school'].urn}/new",
        {
            "grantee": str(world["traded"].pk),
            "starts_on-day": "10",
            "starts_on-month": "3",
            "starts_on-year": "2025",
            "ends_on-day": "4",
            "ends_on-month": "4",
            "ends_on-year": "2025",
            "reason": "Traded service: stage 1 and 2 casework this term",
        },
    )
    assert done.status_code == 302
    grant = CaseAccessGrant.objects.get()
    listed = _text(browser.get(done["Location"]))
    assert "Test traded (traded)" in listed
    assert "10 March 2025 to 4 April 2025" in listed
    assert "In force" in listed

    # The officer writes on the school's case, for the school and under their own name.
    officer = signed_in(client, "traded")
    officer.post(
        f"/cases/{world['case'].pk}/note",
        {
            "occurred_on-day": "10",
            "occurred_on-month": "3",
            "occurred_on-year": "2025",
            "summary": "Home visit by the attendance service",
            "nature": "fact",
        },
    )
    note = world["case"].events.get(kind=CaseEvent.Kind.NOTE)
    assert note.organisation_label == "Riverside Primary School"
    assert note.recorded_by_label == "Test traded (traded)"

    browser = signed_in(client, "head")
    ended = browser.post(
        f"/cases/access/{world['school'].urn}/{grant.pk}/revoke", {"reason": "Package ended"}
    )
    assert ended.status_code == 302
    listed = _text(browser.get(ended["Location"]))
    assert "Revoked from 10 March 2025 by Test head (head): Package ended" in listed


def test_only_the_schools_office_reaches_its_access_pages(client, world):
    grant = _grant(world, "traded")
    urn = world["school"].urn
    person("teacher", "teacher", school=world["school"])
    assert signed_in(client, "teacher").get("/cases/access").status_code == 403
    for username in ("other", "traded"):
        browser = signed_in(client, username)
        assert browser.get(f"/cases/access/{urn}/new").status_code == 404
        revoke = f"/cases/access/{urn}/{grant.pk}/revoke"
        assert browser.post(revoke, {"reason": "x"}).status_code == 404
    assert not CaseAccessRevocation.objects.exists()


# ------------------------------------------------------------ the termly severe-absence list


def _rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_la_downloads_its_severely_absent_pupils_with_services_and_plans(client, world):
    school, other = world["school"], world["other"]
    ada = world["case"].pupil
    Pupil.objects.filter(pk=ada.pk).update(child_in_need=True, social_worker_name="=HYPERLINK(1)")
    record(school, ada.upn, D(2025, 3, 3), "O O / / O O / / G G")  # 6 of 10 missed
    cal = world["other_case"].pupil
    record(other, cal.upn, D(2025, 3, 3), "/ / / / / / / / O O")  # 2 of 10: not severe
    bea = make_pupil(forename="@Bea", surname="Lamb")
    enrol(bea, other, admitted_on=D(2024, 9, 2))
    record(other, bea.upn, D(2025, 3, 3), "I I I I I I / / / /")  # 6 of 10, no case
    elsewhere = make_school(name="Far Away School", la=make_la("990", "Otherton Council"))
    dan = make_pupil(forename="Dan", surname="Far")
    enrol(dan, elsewhere, admitted_on=D(2024, 9, 2))
    record(elsewhere, dan.upn, D(2025, 3, 3), "O O O O O O O O O O")

    browser = signed_in(client, "traded")
    assert "Severely absent pupils (termly list)" in _text(browser.get("/cases/"))
    page = browser.get("/cases/severe-absence")
    assert "Download the list (CSV)" in _text(page)
    got = browser.get("/cases/severe-absence", {"period": "term"})
    assert got["Content-Disposition"].startswith("attachment;")
    rows = _rows(got)
    assert [(row["school"], row["surname"]) for row in rows] == [
        ("Hill Top Primary", "Lamb"),
        ("Riverside Primary School", "Stone"),
    ]
    bea_row, ada_row = rows
    assert ada_row["period"] == "Spring term 2025 so far"
    assert (ada_row["from"], ada_row["to"]) == ("2025-01-01", "2025-03-10")
    assert (ada_row["possible_sessions"], ada_row["attendance_pct"]) == ("10", "40.0")
    assert ada_row["unauthorised_absences"] == "6"
    assert ada_row["social_worker"] == "'=HYPERLINK(1)"  # never run as a formula
    assert (ada_row["child_in_need"], ada_row["looked_after"]) == ("yes", "no")
    assert ada_row["case_run_by"] == "Riverside Primary School"
    assert ada_row["case_stage"] == "Listen and understand"
    assert ada_row["plan_summary"].startswith(
        "Riverside Primary School: Listen and understand since 10 March 2025; to do: "
    )
    assert int(ada_row["open_tasks"]) >= 1
    assert bea_row["forename"] == "'@Bea"
    assert bea_row["plan_summary"] == "No case open"
    assert AuditEvent.objects.filter(verb=Verb.SEVERE_ABSENCE_EXPORT).count() == 1

    # The school year so far counts the same marks here; last term had none.
    assert len(_rows(browser.get("/cases/severe-absence", {"period": "year"}))) == 2
    assert _rows(browser.get("/cases/severe-absence", {"period": "last_term"})) == []


def test_the_severe_absence_list_is_for_the_las_officers_only(client, world):
    for username in ("head", "analyst"):
        assert signed_in(client, username).get("/cases/severe-absence").status_code == 403
    assert not AuditEvent.objects.filter(verb=Verb.SEVERE_ABSENCE_EXPORT).exists()
