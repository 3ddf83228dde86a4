"""A letter's Word copy opens in Word (python-docx reads it), holds the letter's text, and says
in its first line and its title that it is not the letter of record; the case page offers it as
such."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from rollcall.letters.services.drafts import letter_draft_create, letters_issue
from tests.analytics.conftest import signed_in
from tests.conftest import set_clock
from tests.letters.test_pages import _text
from tests.letters.world import FIRST, LAST, make_world

pytestmark = pytest.mark.django_db
ON = dt.date(2024, 12, 16)


def test_the_word_copy_opens_holds_the_letters_text_and_says_it_is_not_the_record(
    client, time_machine
):
    set_clock(time_machine, ON, 10)
    world = make_world()
    draft = letter_draft_create(
        actor=world.officer,
        case=world.case,
        letter_key="attendance_concern",
        acting_for=world.school,
        on=ON,
        period_from=FIRST,
        period_to=LAST,
    )
    letter = letters_issue(actor=world.officer, draft=draft, on=ON)[1]
    browser = signed_in(client, "officer")

    case_page = _text(browser.get(f"/cases/{world.case.pk}"))
    assert "Word copy for other uses (not the record: the PDF is)" in case_page
    response = browser.get(f"/cases/{world.case.pk}/letters/{letter.pk}.docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "not-the-record" in response["Content-Disposition"]

    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    lines = [paragraph.text for paragraph in document.paragraphs if paragraph.text.strip()]
    assert lines[0].startswith(f"Word copy of letter {letter.reference}, for other uses.")
    assert "This is not the letter of record" in lines[0] and letter.sha256 in lines[0]
    assert "not the letter of record" in document.core_properties.title
    assert "Dear Mr Reed," in lines
    assert "Flat 2, 9 Quay Street" in lines and "PB2 9QS" in lines
    assert letter.heading in lines
    for paragraph in letter.paragraphs:
        assert paragraph in lines
    assert "attended 15 of 20 sessions (75.0%)" in " ".join(lines)
