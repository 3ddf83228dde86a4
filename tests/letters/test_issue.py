"""A letter on a case goes to each parent separately, at their own address, with the child's
figures from the registers; the officer may reword the editable paragraphs; what is issued is
a PDF of record kept under its SHA-256 and entered in the case's chronology."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError

from rollcall.casework.documents import stored_path
from rollcall.casework.models import CaseEvent
from rollcall.core.audit import Verb
from rollcall.core.models import AuditEvent
from rollcall.letters.catalogue import latest_wording
from rollcall.letters.models import Letter
from rollcall.letters.services.drafts import (
    letter_draft_create,
    letter_draft_edit,
    letter_preview,
    letters_issue,
)
from rollcall.pupils.models import Carer
from tests.conftest import set_clock
from tests.letters.world import FIRST, LAST, make_world, pdf_page_png, pdf_text

pytestmark = pytest.mark.django_db
ON = dt.date(2024, 12, 16)


@pytest.fixture
def world(time_machine):
    set_clock(time_machine, ON, 10)
    return make_world()


def _draft(world, key="attendance_concern", **extra):
    return letter_draft_create(
        actor=world.officer,
        case=world.case,
        letter_key=key,
        acting_for=world.school,
        on=ON,
        period_from=FIRST,
        period_to=LAST,
        **extra,
    )


def test_two_parents_at_two_addresses_get_two_letters_each_to_them_alone(world, tmp_path):
    letters = letters_issue(actor=world.officer, draft=_draft(world), on=ON)

    assert [letter.recipient_name for letter in letters] == ["Ms Jo Stone", "Mr Sam Reed"]
    mother, father = (pdf_text(stored_path(letter.sha256).read_bytes()) for letter in letters)
    assert "Dear Ms Stone" in mother and "4 Mill Road" in mother and "TE1 4MR" in mother
    assert "Sam Reed" not in mother and "Mill Road" not in father
    assert "Dear Mr Reed" in father and "9 Quay Street" in father
    for text in (mother, father):
        assert "parents of" not in text.lower()
        # The figures from the registers over the stated period: 15 of 20 sessions.
        assert "From 2 December 2024 to 13 December 2024, Ada attended 15 of 20 sessions" in text
        assert "(75.0%)" in text and "5 sessions were missed" in text
        assert "16 December 2024" in text  # the letter's date
        assert "Riverside Primary School" in text and "1 Test Lane" in text
        assert "attendance_concern/1" in text  # the wording version, in the footer
    assert "as Ada's mother" in mother and "as Ada's father" in father
    page = pdf_page_png(stored_path(letters[0].sha256).read_bytes(), tmp_path)
    assert abs(page.height / page.width - 297 / 210) < 0.01  # an A4 page
    assert 0.005 < page.ink < 0.2  # printed text on white, neither blank nor a black box


def test_a_letter_of_record_is_kept_by_its_hash_with_its_wording_and_in_the_chronology(world):
    letter = letters_issue(actor=world.officer, draft=_draft(world), on=ON)[0]

    pdf = stored_path(letter.sha256).read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == letter.sha256 and letter.size == len(pdf)
    wording = latest_wording("attendance_concern")
    assert wording is not None
    assert (letter.template_version, letter.template_sha256) == (
        "attendance_concern/1",
        wording.sha256,
    )
    event = letter.event
    assert event.kind == CaseEvent.Kind.LETTER and event.case == world.case
    assert letter.reference in event.summary and "Ms Jo Stone" in event.summary
    assert letter.sha256 in event.rationale
    issued = AuditEvent.objects.get(verb=Verb.LETTER_ISSUE)
    assert [item["sha256"] for item in issued.payload["letters"]] == [
        x.sha256 for x in Letter.objects.order_by("id")
    ]


def test_the_officer_rewords_an_editable_paragraph_and_the_pdf_says_it(world):
    draft = _draft(world)
    texts = [p["text"] for p in draft.paragraphs]
    texts[2] = "We know Ada has had a hard term. We would like to help."
    letter_draft_edit(actor=world.officer, draft=draft, texts=texts)

    letter = letters_issue(actor=world.officer, draft=draft, on=ON)[0]
    text = pdf_text(stored_path(letter.sha256).read_bytes())
    assert "We know Ada has had a hard term." in text
    assert letter.paragraphs[2] == texts[2]
    assert AuditEvent.objects.filter(verb=Verb.LETTER_DRAFT_EDIT).count() == 1


def test_the_fixed_wording_cannot_be_reworded(world):
    draft = _draft(world)
    texts = [p["text"] for p in draft.paragraphs]
    fixed = next(n for n, p in enumerate(draft.paragraphs) if not p["editable"])
    texts[fixed] = "School is optional."
    with pytest.raises(ValidationError) as refusal:
        letter_draft_edit(actor=world.officer, draft=draft, texts=texts)
    assert "fixed wording" in str(refusal.value)


def test_a_gap_the_record_could_not_fill_must_be_written_in_before_issuing(world):
    # No support is recorded on the case yet: the Notice to Improve shows the gap.
    draft = _draft(world, key="notice_to_improve")
    support = next(p for p in draft.paragraphs if p["name"] == "support_given")
    assert support["text"] == "The support we have offered so far: [not recorded]."
    with pytest.raises(ValidationError) as refusal:
        letters_issue(actor=world.officer, draft=draft, on=ON)
    assert "still reads [not recorded]" in str(refusal.value)
    assert not Letter.objects.exists()


def test_the_notice_to_improve_states_the_profiles_period_and_when_it_ends(world):
    draft = _draft(world, key="notice_to_improve")
    improve = next(p for p in draft.paragraphs if p["name"] == "improve")
    # national profile: 6 school weeks from Mon 16 Dec 2024, the Christmas holiday not counted.
    assert "This notice gives you 6 school weeks, until" in improve["text"]
    assert "2025" in improve["text"]


def test_a_parent_who_cannot_be_reached_is_named_with_what_is_missing(world):
    Carer.objects.filter(pk=world.father.pk).update(address_line_1="", town="", postcode="")
    with pytest.raises(ValidationError) as refusal:
        letters_issue(actor=world.officer, draft=_draft(world), on=ON)
    message = str(refusal.value)
    assert "Mr Sam Reed (father) cannot be sent this letter" in message
    assert "no postal address" in message and "written consent" in message
    assert not Letter.objects.exists()


def test_a_parent_reachable_only_by_email_with_consent_gets_a_letter(world):
    Carer.objects.filter(pk=world.mother.pk).update(address_line_1="", town="", postcode="")
    letters = letters_issue(actor=world.officer, draft=_draft(world), on=ON)
    text = pdf_text(stored_path(letters[0].sha256).read_bytes())
    assert "jo.stone@example.org" in text


def test_a_draft_is_issued_once(world):
    draft = _draft(world)
    letters_issue(actor=world.officer, draft=draft, on=ON)
    with pytest.raises(ValidationError):
        letters_issue(actor=world.officer, draft=draft, on=ON)
    assert Letter.objects.count() == 2


def test_a_letter_not_in_the_profile_is_refused(world):
    with pytest.raises(ValidationError) as refusal:
        _draft(world, key="attendance_concern_1")  # the trust's letter, not the national one
    assert "is not among the letters" in str(refusal.value)


def test_a_preview_is_the_parents_letter_marked_preview_and_records_nothing(world):
    draft = _draft(world)
    link = world.pupil.carer_links.get(carer=world.father)
    text = pdf_text(letter_preview(draft=draft, link=link, on=ON))
    assert "Letter PREVIEW" in text and "Dear Mr Reed" in text
    assert not Letter.objects.exists()


def test_a_parent_with_no_title_is_greeted_by_name_and_one_with_a_title_by_surname(world):
    mother = world.case.pupil.carer_links.get(carer__surname="Stone").carer
    mother.title = ""
    mother.save()

    letters = letters_issue(actor=world.officer, draft=_draft(world), on=ON)

    texts = [pdf_text(stored_path(letter.sha256).read_bytes()) for letter in letters]
    assert "Dear Jo Stone," in texts[0] and "Dear Mr Reed," in texts[1]
    assert all(letter.layout_version == "letter-layout/3" for letter in letters)


def test_the_same_letter_renders_to_the_same_bytes_whatever_was_rendered_before(world):
    from rollcall.letters.render import letter_render
    from rollcall.letters.services.drafts import letters_prepare

    mother, father = letters_prepare(draft=_draft(world), on=ON).contents

    first = letter_render(mother)
    letter_render(father)
    assert letter_render(mother) == first
