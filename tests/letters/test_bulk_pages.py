"""The letters-in-bulk pages: the preview names who gets what and who cannot be reached and
why; sending puts a run on the queue; the batch page shows its progress (refreshing itself)
while the worker runs it, and at the end the print file of the posted letters."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from rollcall.letters.models import Letter, LetterBatch
from rollcall.letters.services.bulk import (
    letter_batch_create,
    letter_batch_run,
    letter_batch_run_start,
)
from tests.analytics.conftest import person, signed_in
from tests.conftest import set_clock
from tests.letters.test_bulk import KIND, TODAY, _school_world
from tests.letters.test_pages import _text
from tests.letters.test_sending import smtp  # noqa: F401  (the SMTP server fixture)

pytestmark = pytest.mark.django_db(transaction=True)

QUERY = {
    "letter": "attendance_concern",
    "children": KIND,
    "met_from-day": "9",
    "met_from-month": "12",
    "met_from-year": "2024",
    "met_to-day": "13",
    "met_to-month": "12",
    "met_to-year": "2024",
    "period_from-day": "2",
    "period_from-month": "12",
    "period_from-year": "2024",
    "period_to-day": "13",
    "period_to-month": "12",
    "period_to-year": "2024",
}


def test_the_preview_page_lists_each_letter_and_who_cannot_be_reached_and_why(client, time_machine):
    set_clock(time_machine, TODAY, 9)
    world = _school_world()
    browser = signed_in(client, "officer")
    url = f"/letters/bulk/{world.school.urn}/"
    assert "Letters in bulk" in _text(browser.get("/"))  # in the service navigation
    assert browser.get("/letters/bulk/")["Location"] == url

    page = _text(browser.get(url, QUERY))

    assert "3 letters to the parents of 2 children: 2 by post and 1 by email" in page
    assert "Ada Stone Ms Jo Stone (Ada's mother) Email jo.stone@example.org" in page
    assert "Ben Moss Mrs Kim Moss (Ben's mother) First-class post 7 Elm Close, Testbury" in page
    assert "Who cannot be sent this letter, and why" in page
    assert (
        "Cy Hale: Held back, so that each parent is written to: Mr Max Hale (Cy's father) "
        "cannot be reached: no postal address is recorded, and no email address"
    ) in page
    assert "Dee Lowe: No open case at Riverside Primary School" in page
    assert "Eve Ng" not in page  # met the trigger a month ago: not in this week's list
    assert not LetterBatch.objects.exists()  # a preview writes nothing


def test_sending_queues_the_run_and_the_batch_page_shows_progress_then_the_print_file(
    client,
    time_machine,
    smtp,  # noqa: F811
):
    set_clock(time_machine, TODAY, 9)
    world = _school_world()
    browser = signed_in(client, "officer")
    url = f"/letters/bulk/{world.school.urn}/"
    query = "&".join(f"{key}={value}" for key, value in QUERY.items())

    sent = browser.post(f"{url}?{query}")
    batch = LetterBatch.objects.get()
    assert sent.status_code == 302 and sent["Location"].endswith(batch.reference)

    waiting = browser.get(sent["Location"])
    text = _text(waiting)
    assert "Waiting for the worker to start it" in text
    assert "0 of 4 steps done (0%)" in text  # 3 letters to issue and 1 email to send
    assert '<meta http-equiv="refresh" content="2">' in waiting.content.decode()
    assert not Letter.objects.exists()

    call_command(
        "db_worker", "--batch", "--queue-name", "letters", "--no-startup-delay", verbosity=0
    )

    done = browser.get(sent["Location"])
    text = _text(done)
    assert "Finished" in text and "4 of 4 steps done (100%)" in text
    assert "3 letters issued and 1 emailed in this run; 0 children not finished" in text
    assert "Print the 2 letters to post (one PDF, 2 pages, in order)" in text
    assert 'http-equiv="refresh"' not in done.content.decode()
    printed = browser.get(f"{sent['Location']}/print.pdf")
    reader = PdfReader(io.BytesIO(b"".join(printed.streaming_content)))
    assert len(reader.pages) == 2
    assert "Dear Mrs Moss" in reader.pages[0].extract_text()
    assert len(smtp.arrived) == 1


def test_only_the_schools_case_writers_may_send_letters_in_bulk(client, time_machine):
    set_clock(time_machine, TODAY, 9)
    world = _school_world()
    person("teacher", "teacher", school=world.school)
    browser = signed_in(client, "teacher")
    assert browser.get(f"/letters/bulk/{world.school.urn}/").status_code == 403
    assert browser.get("/letters/bulk/").status_code == 403


def test_the_batch_page_shows_how_far_a_run_has_got_while_it_runs(client, time_machine):
    set_clock(time_machine, TODAY, 9)
    world = _school_world()
    browser = signed_in(client, "officer")
    batch = letter_batch_create(
        actor=world.officer,
        school=world.school,
        letter_key="attendance_concern",
        list_kind=KIND,
        met_from=dt.date(2024, 12, 9),
        met_to=dt.date(2024, 12, 13),
        period_from=dt.date(2024, 12, 2),
        period_to=dt.date(2024, 12, 13),
        on=TODAY,
    )
    url = f"/letters/bulk/{world.school.urn}/{batch.reference}"
    seen = {}

    def look(done: int, total: int) -> None:
        # The page as the office sees it after each child's letters are recorded.
        response = browser.get(url)
        seen[done] = (_text(response), response.content.decode())

    run = letter_batch_run_start(actor=world.officer, batch=batch)
    letter_batch_run(run=run, progress=look)

    text, html = seen[1]  # Ben's one letter recorded; Ada's two and her mother's email to come
    assert "Running from the command line" in text
    assert "1 of 4 steps done (25%)" in text
    assert '<progress max="4" value="1"' in html
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "Print the" not in text
    assert "4 of 4 steps done (100%)" in _text(browser.get(url))
