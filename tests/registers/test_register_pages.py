"""Taking a register through the pages, as a teacher does."""

import datetime as dt
import re

from rollcall.organisations.services import registration_group_create
from rollcall.registers.models import Mark, MarkAmendment, TakenRegister
from tests.factories import make_pupil, make_school
from tests.registers.conftest import clock_at, enrol_in, form_data, staff, url


def test_signing_in_is_needed(client, db):
    response = client.get("/registers/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in")


def test_the_index_shows_each_groups_register_for_the_day(client, here, day):
    client.force_login(here["teacher"])
    html = client.get(f"/registers/?date={day.isoformat()}").content.decode()
    assert "Larkspur Primary School: registers for" in html
    assert "4C" in html
    assert html.count("Not taken") == 2
    assert url(here, day) in html


def test_picking_a_group_date_and_session_opens_that_register(client, here, day):
    client.force_login(here["teacher"])
    response = client.get(
        "/registers/open",
        {"group": here["group"].pk, "date": day.isoformat(), "session": "PM"},
    )
    assert response.status_code == 302
    assert response["Location"] == url(here, day, "PM")
    response = client.get("/registers/open", {"date": day.isoformat(), "session": "PM"})
    assert "Choose a group" in response.content.decode()


def _selected(html: str, pupil) -> str:
    select = re.search(rf'<select[^>]*id="code-{pupil.pk}".*?</select>', html, re.S).group(0)
    chosen = re.search(r'<option value="([^"]*)"\s+selected', select)
    return chosen.group(1) if chosen else ""


def test_a_new_register_opens_with_every_pupil_unmarked(client, here, day):
    client.force_login(here["teacher"])
    html = client.get(url(here, day)).content.decode()
    assert "3 pupils on roll in 4C" in html
    assert [_selected(html, pupil) for pupil in here["pupils"]] == ["", "", ""]
    assert "Not marked yet" in html
    assert "3 pupils have no mark yet" in html
    # Every code in force that day is offered with its meaning.
    assert "N \u2013 Reason for absence not yet established" in html
    assert "C2 \u2013" in html


def test_a_teacher_takes_the_register_and_a_late_arrival_after_the_close_is_u(client, here, day):
    ada, bilal, cleo = here["pupils"]
    client.force_login(here["teacher"])
    response = client.post(
        url(here, day),
        form_data(here, codes={bilal.upn: "N"}, arrivals={ada.upn: "09:25", cleo.upn: "09:05"}),
    )
    assert response.status_code == 302
    codes = dict(Mark.objects.values_list("pupil__legal_forename", "code"))
    assert codes == {"Ada": "U", "Bilal": "N", "Cleo": "L"}
    assert TakenRegister.objects.get().taken_by == here["teacher"]
    html = client.get(response["Location"]).content.decode()
    assert "Saved the 4C morning register" in html
    assert "Taken by Tina Teach (tina)" in html
    assert 'value="09:25"' in html


def test_saving_an_untouched_register_marks_nobody_present(client, here, day):
    client.force_login(here["teacher"])
    data = {f"code-{p.pk}": "" for p in here["pupils"]} | {"reason": ""}
    html = client.post(url(here, day), data).content.decode()
    assert "The register was not saved" in html
    for name in ("Ada Ash", "Bilal Birch", "Cleo Cedar"):
        assert f"Choose a mark for {name}" in html
    assert not Mark.objects.exists()


def test_mark_the_rest_present_fills_only_the_empty_marks_and_saves_nothing(client, here, day):
    ada, bilal, cleo = here["pupils"]
    client.force_login(here["teacher"])
    data = {f"code-{ada.pk}": "", f"code-{bilal.pk}": "N", f"code-{cleo.pk}": "L"}
    data[f"arrived-{cleo.pk}"] = "09:05"
    response = client.post(url(here, day), data | {"action": "rest-present"})
    html = response.content.decode()
    assert response.status_code == 200
    assert [_selected(html, p) for p in (ada, bilal, cleo)] == ["/", "N", "L"]
    assert 'value="09:05"' in html  # what the teacher typed stays
    assert "Marked the 1 pupil without a mark present. Nothing is saved yet" in html
    assert not Mark.objects.exists()


def test_a_bad_line_saves_nothing_and_says_which_pupil(client, here, day):
    client.force_login(here["teacher"])
    data = form_data(here)
    del data[f"code-{here['pupils'][2].pk}"]
    data[f"arrived-{here['pupils'][0].pk}"] = "quarter past"
    response = client.post(url(here, day), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "The register was not saved" in html
    assert "Choose a mark for Cleo Cedar" in html
    assert "Enter Ada Ash&#39;s arrival time" in html
    assert not Mark.objects.exists()


def test_changing_a_saved_mark_needs_a_reason_and_keeps_the_original(client, here, day):
    bilal = here["pupils"][1]
    client.force_login(here["teacher"])
    client.post(url(here, day), form_data(here, codes={bilal.upn: "N"}))
    response = client.post(url(here, day), form_data(here))
    assert "Bilal Birch: already has N saved; give a reason" in response.content.decode()
    assert Mark.objects.get(pupil=bilal).code == "N"
    response = client.post(url(here, day), form_data(here, reason="Walked in at 8:45"))
    assert response.status_code == 302
    mark = Mark.objects.get(pupil=bilal)
    assert (mark.original_code, mark.code) == ("N", "/")
    assert MarkAmendment.objects.get().reason == "Walked in at 8:45"


def test_staff_of_another_school_get_not_found(client, here, day):
    client.force_login(here["teacher"])
    client.post(url(here, day), form_data(here))
    mark = Mark.objects.first()
    other = make_school(name="Other School", terms=((day, day),))
    outsider = staff("outsider", "attendance_officer", other)
    client.force_login(outsider)
    assert client.get(url(here, day)).status_code == 404
    assert client.post(url(here, day), form_data(here)).status_code == 404
    assert client.get(f"/registers/marks/{mark.pk}").status_code == 404
    pupil = here["pupils"][0]
    school = here["school"]
    assert client.get(f"/registers/pupils/{school.urn}/{pupil.pk}").status_code == 404
    assert Mark.objects.count() == 3


def test_a_user_with_no_school_role_is_told_why(client, db):
    from rollcall.accounts.services import user_create

    user = user_create(actor=None, username="nobody", password="a-long-test-password")
    client.force_login(user)
    response = client.get("/registers/")
    assert response.status_code == 403
    assert "no role at a school" in response.content.decode()


def test_office_pages_refuse_teachers_plainly(client, here):
    client.force_login(here["teacher"])
    for page in ("/registers/missing", "/registers/n-codes", "/registers/follow-up"):
        response = client.get(page)
        assert response.status_code == 403
        assert (
            "for a school&#39;s attendance officers and headteachers" in response.content.decode()
        )


def test_the_office_sees_which_registers_are_missing(client, here, day):
    second = registration_group_create(actor=None, school=here["school"], name="5D")
    enrol_in(make_pupil(forename="Dan", surname="Dove"), second, admitted_on=day)
    client.force_login(here["teacher"])
    client.post(url(here, day), form_data(here))
    client.force_login(here["officer"])
    html = client.get(f"/registers/missing?date={day.isoformat()}").content.decode()
    assert "3 registers not yet taken" in html
    assert _cell("4C", html)  # its afternoon register is still to take
    assert _cell("5D", html)
    client.force_login(here["teacher"])
    client.post(url(here, day, "PM"), form_data(here, session="PM"), follow=True)
    client.force_login(here["officer"])
    html = client.get(f"/registers/missing?date={day.isoformat()}").content.decode()
    assert "2 registers not yet taken" in html
    assert not _cell("4C", html)


def _cell(text: str, html: str) -> bool:
    """Whether `text` is the whole text of an element (not, say, part of a form's token)."""
    return re.search(rf">\s*{re.escape(text)}\s*<", html) is not None


def test_on_a_day_with_no_school_the_pages_say_so_and_offer_the_latest_school_day(
    client, here, day, time_machine
):
    saturday = day + dt.timedelta(days=3)  # Saturday 18 January 2025
    time_machine.move_to(clock_at(saturday, 10), tick=False)
    client.force_login(here["teacher"])
    html = client.get("/registers/").content.decode()
    assert "No registers on Saturday 18 January 2025" in html and "is a weekend" in html
    assert 'href="/registers/?date=2025-01-17"' in html
    assert "Registers for Friday 17 January 2025, the latest school day" in html
    html = client.get(url(here, saturday)).content.decode()
    assert "There is no register to take" in html
    assert f'href="{url(here, day + dt.timedelta(days=2))}"' in html
    assert "The 4C morning register for Friday 17 January 2025" in html
