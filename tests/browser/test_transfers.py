"""Imports, exports and a certificate in a real browser (rollcall.transfers)."""

from __future__ import annotations

import pytest

from rollcall.registers.models import Mark
from rollcall.transfers.services import marks_file_import
from tests.transfers import ctf_sample
from tests.transfers.conftest import PASSWORD, WEEK, make_user, marks_csv, week_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user):
    page.goto(live_server.url + "/sign-in")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")


def _file(name: str, data: bytes, mime: str) -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


def test_an_officer_imports_marks_after_fixing_a_refused_file(
    live_server, page, screenshot, officer, pupil, school, clock_in_the_past
):
    clock_in_the_past(WEEK[-1])  # the week's file is imported on its Friday
    _sign_in(page, live_server, officer)
    page.get_by_role("link", name="Imports and exports").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Imports and exports"
    screenshot("transfers-index")

    page.get_by_role("link", name="Import a marks file").click()
    rows = week_rows(school, pupil)
    rows[2] = (school.urn, pupil.upn, "2025-01-14", "Morning", "/")
    rows[7] = (school.urn, pupil.upn, "2025-01-16", "PM", "ZZ")
    page.get_by_label("Marks file").set_input_files(_file("week.csv", marks_csv(rows), "text/csv"))
    page.get_by_role("button", name="Check and import").click()
    summary = page.locator(".govuk-error-summary")
    assert "week.csv has 2 problems. Nothing from week.csv was saved." in summary.inner_text()
    table = page.get_by_role("table", name="Problems found")
    assert "week.csv row 3 (line 4)" in table.inner_text()
    assert "week.csv row 8 (line 9)" in table.inner_text()
    assert page.title().startswith("Error: ")
    screenshot("transfers-marks-refused")
    assert not Mark.objects.exists()

    good = marks_csv(week_rows(school, pupil))
    page.get_by_label("Marks file").set_input_files(_file("week.csv", good, "text/csv"))
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_url(f"{live_server.url}/transfers/imports/*")
    assert "10 marks recorded" in page.locator(".govuk-summary-list").inner_text()
    screenshot("transfers-import-result")


def test_a_headteacher_downloads_a_certificate_and_sees_a_ctf_refusal(
    live_server, page, screenshot, pupil, school
):
    head = make_user("head", "headteacher", school=school)
    marks_file_import(actor=None, data=marks_csv(week_rows(school, pupil)), name="m.csv")
    _sign_in(page, live_server, head)
    page.goto(f"{live_server.url}/transfers/schools/{school.urn}/certificate")
    first = page.get_by_role("group", name="First day of the period")
    first.get_by_label("Day").fill("31")
    first.get_by_label("Month").fill("2")
    page.get_by_role("button", name="Download the certificate (PDF)").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.inner_text().splitlines()[-2:] == [
        "Select the pupil",
        "The first day of the period must be a real date",
    ]
    assert page.title().startswith("Error: ")
    assert page.locator("#upn-error").inner_text().split() == ["Error:", "Select", "the", "pupil"]
    assert first.get_by_label("Day").input_value() == "31"  # what was typed is kept
    screenshot("transfers-certificate-errors")
    summary.get_by_role("link", name="The first day of the period must be a real date").click()
    assert page.evaluate("document.activeElement.id") == "first-day"

    page.get_by_label("Pupil", exact=True).select_option(pupil.upn)
    first.get_by_label("Day").fill("13")
    first.get_by_label("Month").fill("1")
    first.get_by_label("Year").fill("2025")
    last = page.get_by_role("group", name="Last day of the period")
    last.get_by_label("Day").fill("17")
    last.get_by_label("Month").fill("1")
    last.get_by_label("Year").fill("2025")
    screenshot("transfers-certificate-form")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the certificate (PDF)").click()
    assert download.value.suggested_filename.startswith(f"attendance-certificate-{pupil.upn}-")
    assert download.value.suggested_filename.endswith(".pdf")

    page.goto(f"{live_server.url}/transfers/ctf/import")
    bad = ctf_sample.ctf(
        school, pupils=ctf_sample.pupil_xml(years=ctf_sample.year_data(marks="/\\/"))
    )
    page.get_by_label("CTF file").set_input_files(_file("riverside.xml", bad, "application/xml"))
    group = page.get_by_role("group", name="Date the pupils join the school")
    group.get_by_label("Day").fill("6")
    group.get_by_label("Month").fill("1")
    group.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Check and import").click()
    problems = page.get_by_role("table", name="Problems found").inner_text()
    assert "YearData[1]/AttendSessions/AttendanceMarks" in problems
    assert "holds 3 sessions, an odd number" in problems
    screenshot("transfers-ctf-refused")
