"""A teacher takes a register in a real browser; an attendance officer then corrects a mark."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from rollcall.organisations.services import registration_group_create
from rollcall.registers.models import Mark
from tests.factories import make_pupil, make_school
from tests.registers.conftest import SCHOOL_DAY, enrol_in, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
NAMES = (
    ("Ada", "Ash"),
    ("Bilal", "Birch"),
    ("Cleo", "Cedar"),
    ("Dev", "Dale"),
    ("Esme", "Elm"),
)


@pytest.fixture
def school_today(clock_in_the_past):
    day = SCHOOL_DAY
    clock_in_the_past(day, hour=9)
    school = make_school(
        name="Larkspur Primary School",
        terms=((day - dt.timedelta(days=120), day + dt.timedelta(days=120)),),
    )
    group = registration_group_create(actor=None, school=school, name="4C", year_group="4")
    for forename, surname in NAMES:
        enrol_in(
            make_pupil(forename=forename, surname=surname),
            group,
            admitted_on=day - dt.timedelta(days=200),
        )
    staff("tina", "teacher", school, "Tina", "Teach")
    staff("omar", "attendance_officer", school, "Omar", "Office")
    return day


def sign_in(page, live_server, username):
    page.goto(live_server.url + "/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")


def test_a_teacher_takes_a_register_and_an_officer_corrects_a_mark(
    live_server, page, screenshot, school_today
):
    day = school_today
    sign_in(page, live_server, "tina")
    page.get_by_role("link", name="Registers").click()
    page.get_by_label("Group").select_option(label="4C")
    page.get_by_label("Date", exact=True).fill(day.isoformat())
    page.get_by_label("Morning").check()
    screenshot("registers-index")
    page.get_by_role("button", name="Open register").click()
    assert page.get_by_role("heading", level=1).inner_text() == "4C morning register"
    table = page.get_by_role("table")
    assert "5 pupils on roll in 4C" in table.inner_text()

    # Nobody is marked yet. Bilal is absent, reason unknown; Cleo came at 09:25, after the
    # register closed at 09:10; the teacher then marks the rest present, checks, and saves.
    assert page.get_by_label("Mark for Ada Ash").input_value() == ""
    # The page's script is ready once it shows its keyboard shortcuts.
    expect(page.locator("[data-register-shortcuts]")).to_be_visible()
    page.get_by_label("Mark for Bilal Birch").select_option("N")
    page.get_by_label("Cleo Cedar arrived at").fill("09:25")
    page.get_by_label("Cleo Cedar arrived at").press("Tab")
    # The page works out U at once: she came after the register closed.
    expect(page.get_by_label("Mark for Cleo Cedar")).to_have_value("U")
    page.get_by_role("button", name="Mark the rest present").click()
    notice = page.locator(".govuk-notification-banner")
    assert "Marked the 3 pupils without a mark present. Nothing is saved yet" in notice.inner_text()
    assert not Mark.objects.exists()
    assert page.get_by_label("Mark for Ada Ash").input_value() == "/"
    assert page.get_by_label("Mark for Bilal Birch").input_value() == "N"
    screenshot("register-filled")
    page.get_by_role("button", name="Save register").click()
    banner = page.locator(".govuk-notification-banner")
    assert "Saved the 4C morning register" in banner.inner_text()
    assert "5 marks recorded" in banner.inner_text()
    assert page.get_by_label("Mark for Cleo Cedar").input_value() == "U"
    assert page.get_by_label("Cleo Cedar arrived at").input_value() == "09:25"
    assert "Taken by Tina Teach (tina)" in page.locator("main").inner_text()
    screenshot("register-saved")
    codes = dict(Mark.objects.values_list("pupil__legal_forename", "code"))
    assert codes == {"Ada": "/", "Bilal": "N", "Cleo": "U", "Dev": "/", "Esme": "/"}

    # Changing a saved mark without a reason is refused, and nothing is saved.
    page.get_by_label("Mark for Dev Dale").select_option("N")
    page.get_by_role("button", name="Save register").click()
    summary = page.locator(".govuk-error-summary")
    assert "The register was not saved" in summary.inner_text()
    assert "Dev Dale: already has / saved; give a reason" in summary.inner_text()
    screenshot("register-refused")
    assert Mark.objects.get(pupil__legal_forename="Dev").code == "/"
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/sign-in"))

    # The attendance officer hears from Bilal's father and corrects the N.
    sign_in(page, live_server, "omar")
    page.goto(f"{live_server.url}/registers/?date={day.isoformat()}")
    page.get_by_role("link", name="View or change (4C, morning)").click()
    page.get_by_role("link", name="History of Bilal Birch\u2019s mark").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Mark and its history"
    page.get_by_label("New code").select_option("I")
    page.get_by_label("Reason for the change").fill("Father rang at 9:40: chickenpox")
    page.get_by_role("button", name="Save change").click()
    assert "Mark changed" in page.locator(".govuk-notification-banner").inner_text()
    history = page.get_by_role("table", name="History of this mark")
    rows = history.locator("tbody tr")
    assert rows.count() == 2
    assert "Tina Teach" in rows.nth(0).inner_text()
    assert "Recorded N" in rows.nth(0).inner_text()
    second = rows.nth(1).inner_text()
    assert "Omar Office (omar), School attendance officer" in second
    assert "N to I" in second
    assert "Father rang at 9:40: chickenpox" in second
    screenshot("mark-history")
    mark = Mark.objects.get(pupil__legal_forename="Bilal")
    assert (mark.original_code, mark.code) == ("N", "I")
