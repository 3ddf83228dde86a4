"""Signing in to the demo in a real browser."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_password():
    out = StringIO()
    call_command("demo", "--pupils", "60", "--seed", "4", "--today", "2026-03-20", stdout=out)
    return re.search(r"Password for every demo account: (\S+)", out.getvalue()).group(1)


def test_an_la_officer_signs_in_and_sees_the_authoritys_schools(
    live_server, page, screenshot, demo_password
):
    page.goto(live_server.url + "/")
    assert page.title() == "Sign in \u2013 rollcall"
    page.get_by_label("Username").fill("laofficer")
    page.get_by_label("Password").fill(demo_password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Hartwell Borough Council (989): 8 schools"
    table = page.get_by_role("table")
    assert "Castle Hill Academy" in table.inner_text()
    # rollcall's stylesheet loaded: headings use the system font, not GOV.UK's typeface.
    font = heading.evaluate("element => getComputedStyle(element).fontFamily")
    assert font.startswith("system-ui")
    screenshot("home-la-officer")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/sign-in"))


def test_a_wrong_password_is_explained_in_an_error_summary(
    live_server, page, screenshot, demo_password
):
    page.goto(live_server.url + "/sign-in")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter a correct username and password" in summary.inner_text()
    assert page.title().startswith("Error: ")
    screenshot("sign-in-error")
