"""The attendance pages in a real browser, with the demo authority: what an officer sees each
morning. Screenshots go to var/screenshots."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _own_store(settings, tmp_path):
    settings.ROLLCALL_STORE_DIR = tmp_path / "store"


@pytest.fixture
def demo_password():
    out = StringIO()
    call_command("demo", "--pupils", "60", "--seed", "4", "--today", "2026-03-20", stdout=out)
    return re.search(r"Password for every demo account: (\S+)", out.getvalue()).group(1)


def sign_in(page, live_server, username, password):
    page.goto(live_server.url + "/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")


def test_a_headteacher_goes_from_the_school_dashboard_to_a_pupil(
    live_server, page, screenshot, demo_password
):
    sign_in(page, live_server, "head", demo_password)
    page.get_by_role("link", name="Attendance").click()
    page.wait_for_url(re.compile(r".*/analytics/schools/990202"))
    assert page.get_by_role("heading", level=1).inner_text() == "Castle Hill Academy"
    page.get_by_label("Pupils to list").select_option("threshold")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r".*flag=threshold.*"))
    table = page.locator("#pupil-table")
    assert table.locator("tbody tr").count() > 0
    header = page.locator("#pupil-table th", has_text="Unauthorised")
    header.get_by_role("link").click()
    page.wait_for_url(re.compile(r".*sort=unauthorised.*"))
    assert (
        page.locator("#pupil-table th[aria-sort=ascending]").inner_text().startswith("Unauthorised")
    )
    screenshot("analytics-school")

    table.locator("tbody tr").last.get_by_role("link").click()
    page.wait_for_url(re.compile(r".*/analytics/pupils/\w+"))
    assert page.locator("#threshold-status").inner_text().startswith("Met on ")
    for chart in ("weekly-attendance", "register-calendar"):
        svg = page.locator(f"svg#{chart}")
        assert svg.get_attribute("role") == "img"
        assert svg.bounding_box()["width"] > 600
    assert "when the threshold was met" in page.locator("svg#weekly-attendance").text_content()
    page.get_by_text("Show the chart's data as a table").first.click()
    assert page.get_by_role("table").first.is_visible()
    screenshot("analytics-pupil")


def test_an_la_officer_compares_schools_and_cohorts(live_server, page, screenshot, demo_password):
    sign_in(page, live_server, "laofficer", demo_password)
    page.get_by_role("link", name="Attendance").click()
    page.wait_for_url(live_server.url + "/analytics/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hartwell Borough Council"
    bars = page.locator("svg#persistent-absence-by-school")
    assert bars.get_attribute("role") == "img"
    assert "LA " in bars.text_content()
    screenshot("analytics-authority")

    page.get_by_role("link", name=re.compile("Compare groups of pupils")).click()
    page.get_by_label("Group pupils by").select_option("sen_provision")
    page.get_by_label("Then by").select_option("free_school_meals")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(re.compile(r".*by=sen_provision.*"))
    caption = page.locator("caption").first.inner_text()
    assert caption.startswith("Absence by SEN provision and free school meals")
    assert page.locator("svg#persistent-absence-by-cohort").is_visible()
    screenshot("analytics-cohorts")

    page.goto(live_server.url + "/analytics/worklist")
    assert page.get_by_role("heading", level=1).inner_text() == "Worklist"
    screenshot("analytics-worklist")
