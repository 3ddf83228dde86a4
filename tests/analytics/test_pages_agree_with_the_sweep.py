"""The attendance pages count the national threshold as the sweep does for the worklist: only
sessions of compulsory school age (EA96 s8, s444A), school weeks from the schools' calendars
(ADR 0012), every occasion counted afresh, N provisional until replaced (WTISA, "N code").
Each case here is one the pages once counted differently from the worklist."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from rollcall.analytics.models import WorklistItem
from tests.analytics.conftest import person, record, signed_in
from tests.factories import enrol, make_la, make_pupil, make_school

pytestmark = pytest.mark.django_db

D = dt.date
PRESENT_WEEK = ". . . . . . . . . ."


def sweep(on: str) -> None:
    call_command("sweep", "--on", on, stdout=StringIO())


def present_all_term(school, upn: str) -> None:
    """A pupil marked present every session from 6 January to 28 March 2025 (the spring
    half-term, 17 to 21 February, left out): the school was open every one of those weeks."""
    record(school, upn, D(2025, 1, 6), " ".join([PRESENT_WEEK] * 6))
    record(school, upn, D(2025, 2, 24), " ".join([PRESENT_WEEK] * 5))


def pupil_page(client, upn: str, as_of: str) -> str:
    return client.get(f"/analytics/pupils/{upn}?as_of={as_of}").content.decode()


def school_list(client, urn: str, as_of: str) -> str:
    return client.get(f"/analytics/schools/{urn}?as_of={as_of}&flag=all").content.decode()


def national_items(pupil) -> list[tuple[dt.date, bool]]:
    items = WorklistItem.objects.filter(kind="national_threshold", pupil=pupil)
    return [(item.met_on, item.provisional) for item in items.order_by("met_on")]


@pytest.fixture
def school():
    return make_school(name="Riverside Primary School")


def test_a_reception_child_under_five_meets_it_neither_on_the_page_nor_the_worklist(client, school):
    reception = make_pupil(forename="Ria", date_of_birth=D(2020, 6, 1))  # four in March 2025
    year_5 = make_pupil(forename="Fay", date_of_birth=D(2014, 12, 1))
    for pupil in (reception, year_5):
        enrol(pupil, school, admitted_on=D(2024, 9, 2))
        record(school, pupil.upn, D(2025, 3, 3), "G G G G G G G G G G")
    sweep("2025-03-07")
    person("officer", "attendance_officer", school=school)
    client = signed_in(client, "officer")

    assert national_items(reception) == []
    page = pupil_page(client, reception.upn, "2025-03-07")
    assert 'id="threshold-status">Not met<' in page
    assert "Sessions before 31 August 2025, when compulsory school age begins" in page

    assert national_items(year_5) == [(D(2025, 3, 7), False)]
    page = pupil_page(client, year_5.upn, "2025-03-07")
    assert 'id="threshold-status">Met on Friday 7 March 2025, afternoon session<' in page
    assert "Occasion 1: from Monday 3 March 2025 morning to Friday 7 March 2025 afternoon" in page

    listed = school_list(client, school.urn, "2025-03-07")
    assert listed.count("Met 7 Mar 2025") == 1  # Fay, not Ria


def test_weeks_the_schools_were_open_while_the_pupil_had_no_mark_count(client):
    """Five G in the week of 6 January at Hill Primary, which the pupil then left; five more in
    the week of 24 March at Riverside, which admitted them that Monday. Both schools were open
    every week between, so the ten sessions are 11 school weeks apart: not the threshold,
    though the pupil's own marks fall in only two weeks."""
    la = make_la()
    hill = make_school(name="Hill Primary School", la=la)
    riverside = make_school(name="Riverside Primary School", la=la)
    for here in (hill, riverside):
        classmate = make_pupil(forename="Cal")
        enrol(classmate, here, admitted_on=D(2024, 9, 2))
        present_all_term(here, classmate.upn)
    mover = make_pupil(forename="Mo", date_of_birth=D(2015, 2, 1))
    enrol(mover, hill, admitted_on=D(2024, 9, 2), left_on=D(2025, 1, 10))
    enrol(mover, riverside, admitted_on=D(2025, 3, 24))
    record(hill, mover.upn, D(2025, 1, 6), "G G G G G . . . . .")
    record(riverside, mover.upn, D(2025, 3, 24), "G G G G G . . . . .")
    sweep("2025-03-28")
    person("officer", "attendance_officer", school=riverside)
    client = signed_in(client, "officer")

    assert national_items(mover) == []
    page = pupil_page(client, mover.upn, "2025-03-28")
    assert 'id="threshold-status">Not met<' in page
    assert "Now: 5 unauthorised sessions in the 10 school weeks" in page
    assert "Met " not in school_list(client, riverside.urn, "2025-03-28").split("<tbody")[1]


def test_every_occasion_and_its_provisional_sessions_are_on_the_page_as_on_the_worklist(
    client, school
):
    pupil = make_pupil(forename="Nia", date_of_birth=D(2016, 1, 10))
    enrol(pupil, school, admitted_on=D(2024, 9, 2))
    record(school, pupil.upn, D(2025, 3, 3), "G G G G G G G G N N")
    record(school, pupil.upn, D(2025, 3, 10), "G G G G G G G G G G")
    sweep("2025-03-14")
    person("officer", "attendance_officer", school=school)
    client = signed_in(client, "officer")

    assert national_items(pupil) == [(D(2025, 3, 7), True), (D(2025, 3, 14), False)]
    page = pupil_page(client, pupil.upn, "2025-03-14")
    assert 'id="threshold-status">Met on Friday 7 March 2025, afternoon session (provisional)<' in (
        page
    )
    first = page.index("Occasion 1: from Monday 3 March 2025 morning to Friday 7 March 2025")
    assert "Provisional: met only through N marks still to be replaced" in page[first:]
    assert "7 March 2025 morning, 7 March 2025 afternoon" in page[first:]
    second = page.index("Occasion 2: from Monday 10 March 2025 morning to Friday 14 March 2025")
    assert "Provisional" not in page[second : page.index("</p>", second)]

    listed = school_list(client, school.urn, "2025-03-14")
    assert "Met 7 Mar 2025 (provisional: N), 2 occasions" in listed
    assert "Threshold met (provisional)" in listed
