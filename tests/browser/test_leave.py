"""The office records a parent's request for leave, the headteacher grants it, and the teacher
sees the code for it beside the child on the register, in a real browser."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from rollcall.pupils.models import Pupil
from rollcall.pupils.services import carer_create, carer_link_create
from rollcall.registers.models import LeaveDecision
from tests.browser.test_registers import school_today, sign_in  # noqa: F401 (a fixture)
from tests.registers.conftest import staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_leave_is_asked_for_granted_and_suggested_on_the_register(
    live_server,
    page,
    screenshot,
    school_today,  # noqa: F811
):
    day = school_today
    ada = Pupil.objects.get(legal_forename="Ada")
    mother = carer_create(actor=None, forename="Maya", surname="Ash")
    carer_link_create(
        actor=None,
        pupil=ada,
        carer=mother,
        relationship="mother",
        parental_responsibility=True,
        lives_with_pupil=True,
    )
    school = ada.enrolments.get().school
    staff("hana", "headteacher", school, "Hana", "Head")
    monday = day + dt.timedelta(days=5)  # SCHOOL_DAY is a Wednesday

    sign_in(page, live_server, "omar")
    page.goto(f"{live_server.url}/registers/")
    page.get_by_role("link", name="Leave of absence requests").click()
    page.get_by_role("button", name="Record a request").click()
    page.get_by_label("Which pupil is the request for?").select_option(label="Ada Ash")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Maya Ash").check()
    _fill_date(page, "First day of the leave", monday)
    page.get_by_role("group", name="First session").get_by_label("Morning").check()
    _fill_date(page, "Last day of the leave", monday)
    page.get_by_role("group", name="Last session").get_by_label("Afternoon").check()
    page.get_by_label("Why the parent asks for leave").fill("Her grandmother's funeral")
    _fill_date(page, "Date the school received the request", day)
    page.get_by_role("button", name="Record the request").click()
    expect(page.locator("main .govuk-tag").first).to_have_text("Awaiting the headteacher")
    assert "Decide on the request" not in page.locator("main").inner_text()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, "hana")
    page.goto(f"{live_server.url}/registers/leave/")
    page.get_by_role("link", name=f"{monday:%a %-d %b %Y} morning").click()
    page.get_by_role("button", name="Decide on the request").click()
    page.get_by_label("Granted").check()
    page.get_by_label("Reason for the decision").fill("A close family bereavement")
    _fill_date(page, "Date of the decision", day)
    screenshot("leave-decide")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("main .govuk-tag").first).to_have_text("Granted")
    assert "C \u2013 Leave granted: exceptional circumstances" in page.locator("main").inner_text()
    screenshot("leave-request")
    assert LeaveDecision.objects.get().decided_by.username == "hana"
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, "tina")
    group = ada.enrolments.get().registration_group
    page.goto(f"{live_server.url}/registers/{group.pk}/{monday.isoformat()}/PM")
    expect(page.get_by_label("Mark for Ada Ash")).to_have_value("C")
    expect(page.get_by_label("Mark for Bilal Birch")).to_have_value("")
    assert "Leave of absence granted to" in page.locator("main").inner_text()
    screenshot("register-with-leave")
