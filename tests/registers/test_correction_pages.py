"""Correcting marks through the pages: one mark with its history, and N codes in bulk."""

import datetime as dt
import re

import pytest

from rollcall.registers.models import Mark
from rollcall.registers.services import MarkInput, RegisterEntry, marks_bulk_record, register_take
from tests.conftest import set_clock
from tests.factories import make_pupil, make_school
from tests.registers.conftest import MONDAY, enrol_in, form_data, staff, url


@pytest.fixture
def taken(client, here, day):
    """The morning register, with Bilal marked N."""
    client.force_login(here["teacher"])
    client.post(url(here, day), form_data(here, codes={here["pupils"][1].upn: "N"}))
    client.logout()
    return Mark.objects.get(pupil=here["pupils"][1])


def test_an_officer_amends_a_mark_and_sees_its_history(client, here, taken):
    client.force_login(here["officer"])
    page = client.get(f"/registers/marks/{taken.pk}").content.decode()
    assert "History of this mark" in page
    assert "Recorded N" in page
    response = client.post(
        f"/registers/marks/{taken.pk}", {"new_code": "I", "reason": "Father rang: chickenpox"}
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Mark changed" in html
    assert "Tina Teach" in html  # who took the register
    assert "N to I (Illness" in html
    assert "Omar Office (omar), School attendance officer" in html
    assert "Father rang: chickenpox" in html
    taken.refresh_from_db()
    assert (taken.original_code, taken.code) == ("N", "I")


def test_a_change_without_a_reason_is_refused_with_a_message(client, here, taken):
    client.force_login(here["officer"])
    response = client.post(f"/registers/marks/{taken.pk}", {"new_code": "I", "reason": ""})
    html = response.content.decode()
    assert "The mark was not changed" in html
    assert "Give a reason for the amendment" in html
    assert Mark.objects.get(pk=taken.pk).code == "N"


def test_a_locked_register_refuses_an_officer_and_allows_the_headteacher(
    client, school, group, pupils, officer
):
    # A register from January 2025 locked long ago.
    register_take(
        actor=None,
        group=group,
        date=MONDAY,
        session="AM",
        entries=[RegisterEntry(upn=p.upn, code="N") for p in pupils],
        today=MONDAY,
    )
    mark = Mark.objects.filter(pupil=pupils[0]).get()
    client.force_login(officer)
    page = client.get(f"/registers/marks/{mark.pk}").content.decode()
    assert "only a headteacher can amend it now" in page
    response = client.post(f"/registers/marks/{mark.pk}", {"new_code": "I", "reason": "Late"})
    assert "only a headteacher can amend it now" in response.content.decode()
    assert Mark.objects.get(pk=mark.pk).code == "N"
    head = staff("head", "headteacher", school, "Helen", "Head")
    client.force_login(head)
    response = client.post(f"/registers/marks/{mark.pk}", {"new_code": "I", "reason": "GP note"})
    assert response.status_code == 302
    assert Mark.objects.get(pk=mark.pk).code == "I"


def test_the_pupils_history_links_to_each_mark(client, here, taken):
    client.force_login(here["officer"])
    bilal = here["pupils"][1]
    html = client.get(f"/registers/pupils/{here['school'].urn}/{bilal.pk}").content.decode()
    assert "Bilal Birch" in html
    assert f"/registers/marks/{taken.pk}" in html
    assert "Reason for absence not yet established" in html


def test_the_n_codes_page_lists_ns_with_deadlines_and_replaces_the_selected(
    client, here, taken, day
):
    client.force_login(here["officer"])
    html = client.get("/registers/n-codes").content.decode()
    assert "1 N code to replace" in html
    assert "Bilal Birch" in html
    assert "within 5 school days of the session" in html
    response = client.post(
        "/registers/n-codes",
        {"marks": [taken.pk], "new_code": "O", "reason": "No reason given after three calls"},
    )
    assert response.status_code == 302
    assert Mark.objects.get(pk=taken.pk).code == "O"
    html = client.get(response["Location"]).content.decode()
    assert "Replaced 1 N codes." in html
    assert "There are no N codes to replace" in html


def test_an_overdue_n_is_highlighted(client, school, group, pupils, officer):
    register_take(
        actor=None,
        group=group,
        date=MONDAY,
        session="AM",
        entries=[RegisterEntry(upn=p.upn, code="N" if p == pupils[0] else "/") for p in pupils],
        today=MONDAY,
    )
    client.force_login(officer)
    html = client.get("/registers/n-codes").content.decode()
    assert "1 N code to replace, 1 overdue" in html
    assert "govuk-tag--red" in html
    assert "Mon 20 Jan 2025" in html  # five school days after Monday 13 January


def test_the_n_form_needs_a_selection_code_and_reason(client, here, taken):
    client.force_login(here["officer"])
    response = client.post("/registers/n-codes", {"new_code": "", "reason": ""})
    html = response.content.decode()
    assert "No codes were changed" in html
    assert "Select at least one N code to replace" in html
    assert "Choose the code that replaces N" in html
    assert Mark.objects.get(pk=taken.pk).code == "N"


def test_another_schools_officer_can_neither_see_nor_correct_the_mark(client, here, taken):
    outsider = staff("far", "attendance_officer", make_school(name="Far School"))
    client.force_login(outsider)
    assert client.get(f"/registers/marks/{taken.pk}").status_code == 404
    response = client.post(
        "/registers/n-codes", {"marks": [taken.pk], "new_code": "O", "reason": "Never explained"}
    )
    assert "One of the selected marks is no longer an N" in response.content.decode()
    assert Mark.objects.get(pk=taken.pk).code == "N"


def _n_codes_on(school, pupils, days):
    marks_bulk_record(
        actor=None,
        school=school,
        marks=[MarkInput(upn=p.upn, date=d, session="AM", code="N") for d in days for p in pupils],
        source="register",
    )


def _boxes(html: str) -> int:
    return html.count('name="marks"')


def test_an_officer_sees_locked_n_codes_without_a_box_to_tick(
    client, school, group, pupils, officer, head, time_machine
):
    # Monday 13 January has locked by Thursday 30 January; Wednesday 29 January has not.
    set_clock(time_machine, dt.date(2025, 1, 30), hour=10)
    _n_codes_on(school, pupils, [MONDAY, dt.date(2025, 1, 29)])
    client.force_login(officer)
    html = client.get("/registers/n-codes").content.decode()
    assert "6 N codes to replace" in html
    assert _boxes(html) == 3  # only the open register's three
    assert html.count(">Locked<") == 3
    assert "only a headteacher can replace them now" in html
    client.force_login(head)
    assert _boxes(client.get("/registers/n-codes").content.decode()) == 6


def test_n_codes_are_filtered_and_paged_fifty_at_a_time(
    client, school, group, officer, time_machine
):
    set_clock(time_machine, dt.date(2025, 1, 21), hour=10)
    pupils = []
    for number in range(30):
        pupil = make_pupil(forename=f"Pupil{number:02}", surname="Paged")
        enrol_in(pupil, group)
        pupils.append(pupil)
    # Monday 13 January's Ns are overdue by Tuesday 21st; Monday 20th's are not.
    _n_codes_on(school, pupils, [MONDAY, dt.date(2025, 1, 20)])
    client.force_login(officer)
    first = client.get("/registers/n-codes").content.decode()
    assert "60 N codes to replace, 30 overdue (page 1 of 2, 50 shown)" in first
    assert _boxes(first) == 50
    assert "govuk-pagination" in first
    second = client.get("/registers/n-codes", {"page": "2"}).content.decode()
    assert _boxes(second) == 10
    overdue = client.get("/registers/n-codes", {"show": "overdue"}).content.decode()
    assert "60 N codes to replace, 30 overdue, 30 matching" in overdue
    assert _boxes(overdue) == 30 and "Tue 21 Jan 2025" not in overdue
    one = client.get("/registers/n-codes", {"pupil": "pupil07"}).content.decode()
    assert _boxes(one) == 2 and "Pupil07 Paged" in one and "Pupil08 Paged" not in one
    by_name = client.get("/registers/n-codes", {"sort": "pupil"}).content.decode()
    names = re.findall(r">(Pupil\d\d) Paged</a>", by_name)
    assert names[:4] == ["Pupil00", "Pupil00", "Pupil01", "Pupil01"]  # each pupil's Ns together
    # The filters stay with the form, so the office replaces what it is looking at.
    assert 'action="?school=' in one and "pupil=pupil07" in one
