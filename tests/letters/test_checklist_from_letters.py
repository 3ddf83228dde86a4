"""The referral checklist reads letters of record: a Notice to Improve that reached a parent
holds its item, naming the letter, the parent, how and when it went and when it is deemed
received; a letter only issued, not yet sent, does not."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.casework.checklist import NOTICE_TO_IMPROVE, referral_checklist
from rollcall.letters.services.drafts import (
    letter_draft_create,
    letter_draft_edit,
    letters_issue,
)
from rollcall.letters.services.sending import letter_post_record
from tests.conftest import set_clock
from tests.letters.world import FIRST, LAST, make_world

pytestmark = pytest.mark.django_db
ON = dt.date(2024, 12, 16)


def _item(world, key: str, on: dt.date):
    return next(i for i in referral_checklist(case=world.case, on=on) if i.key == key)


def test_a_notice_to_improve_posted_to_a_parent_holds_the_checklist_item(time_machine):
    set_clock(time_machine, ON, 9)
    world = make_world()
    assert _item(world, NOTICE_TO_IMPROVE, ON).state == "missing"

    draft = letter_draft_create(
        actor=world.officer,
        case=world.case,
        letter_key="notice_to_improve",
        acting_for=world.school,
        on=ON,
        period_from=FIRST,
        period_to=LAST,
    )
    texts = [p["text"] for p in draft.paragraphs]
    texts[2] = "The support we have offered so far: a daily check-in and a home visit."
    draft = letter_draft_edit(actor=world.officer, draft=draft, texts=texts)
    letters = letters_issue(actor=world.officer, draft=draft, on=ON)
    assert _item(world, NOTICE_TO_IMPROVE, ON).state == "missing"  # issued, not yet sent

    letter_post_record(actor=world.officer, letter=letters[0], posted_on=ON, posted_by="Pat Office")
    item = _item(world, NOTICE_TO_IMPROVE, ON)
    assert item.state == "held"
    assert item.how.startswith("From the record: Notice to Improve")
    assert f"({letters[0].reference}) to {letters[0].recipient_name}" in item.how
    assert "first-class post on 16 December 2024, deemed received 18 December 2024" in item.how
    # Read as the record stood the day before it was posted, the item was still missing.
    assert _item(world, NOTICE_TO_IMPROVE, ON - dt.timedelta(days=1)).state == "missing"
