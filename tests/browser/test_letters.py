"""An officer prepares a letter on a case in a real browser, rewords a paragraph, issues one
letter to each parent, and records that one was posted; the case page then lists both letters
with how each was sent and the deemed date of receipt. Screenshots go to var/screenshots."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from rollcall.letters.models import Letter
from tests.browser.test_registers import sign_in
from tests.letters.world import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ON = dt.date(2024, 12, 16)


def _fill_date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_letter_is_prepared_reworded_issued_to_each_parent_and_posted(
    live_server, page, screenshot, clock_in_the_past
):
    clock_in_the_past(ON, 10)
    world = make_world()
    sign_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/cases/{world.case.pk}")
    page.get_by_role("button", name="Prepare a letter").click()
    page.get_by_label("Letter raising a concern about attendance", exact=False).check()
    _fill_date(page, "Figures from", dt.date(2024, 12, 2))
    _fill_date(page, "Figures to", dt.date(2024, 12, 13))
    page.get_by_role("button", name="Prepare the letter").click()

    expect(page.locator("h1")).to_have_text("Letter raising a concern about attendance")
    page.get_by_label("Paragraph 3").fill("We know this term has been hard. We want to help.")
    screenshot("letters-draft")
    page.get_by_role("button", name="Issue to each parent").click()
    expect(page.locator("#letters")).to_be_visible()
    assert Letter.objects.count() == 2
    screenshot("letters-issued")
    father = Letter.objects.get(recipient_name="Mr Sam Reed")

    page.locator(f'a[href$="/letters/{father.pk}/post"]').click()
    _fill_date(page, "When was it posted first class?", ON)
    page.get_by_label("Who posted it?").fill("Pat Office")
    page.get_by_role("button", name="Record the posting").click()
    main = page.locator("main").inner_text()
    assert "Posted first class on 16 December 2024 by Pat Office" in main
    assert "deemed received 18 December 2024" in main
    assert "Not sent yet" in main  # the mother's letter
    screenshot("letters-case")
