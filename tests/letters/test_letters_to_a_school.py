"""The letters a profile sends to a school, not to the parents: Sefton's s439 notice to the school
a School Attendance Order is to name (EA96 s439), chosen from the schools in the area or written
in, and Leeds's case-closure letter to the child's school. Each is one letter, to the
headteacher at the school's address, kept and sent like any letter of record."""

from __future__ import annotations

import datetime as dt
import email
import io
from email import policy

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from rollcall.casework.documents import stored_path
from rollcall.casework.models import CaseEvent
from rollcall.letters.models import Letter, Sending
from rollcall.letters.services.drafts import (
    letter_draft_create,
    letter_draft_edit,
    letter_preview,
    letters_issue,
)
from rollcall.letters.services.sending import (
    email_refusal,
    letter_email_send,
    letter_hand_record,
    letter_post_record,
)
from rollcall.letters.word import letter_word_copy
from rollcall.organisations.services import school_create
from tests.conftest import LONDON, set_clock
from tests.factories import make_la
from tests.letters.test_sending import smtp  # noqa: F401 (the fixture)
from tests.letters.world import make_world, pdf_page_png, pdf_text

pytestmark = pytest.mark.django_db
ON = dt.date(2024, 12, 16)  # a Monday
PARENTS = ("Jo Stone", "Sam Reed", "Mill Road", "Quay Street", "TE1 4MR", "PB2 9QS")


def _seaforth(world, **extra):
    """Another school in the child's local authority, where the order will send Ada."""
    return school_create(
        actor=None,
        urn="104321",
        name="Seaforth Park Primary School",
        local_authority=world.school.local_authority,
        establishment_number="2345",
        phase="primary",
        address_line_1="12 Park Road",
        town="Seaforth",
        postcode="L21 3TX",
        on=ON,
        **extra,
    )


def _draft(world, key, **addressee):
    return letter_draft_create(
        actor=world.officer,
        case=world.case,
        letter_key=key,
        acting_for=world.school,
        on=ON,
        **addressee,
    )


def _text(letter: Letter) -> str:
    return pdf_text(stored_path(letter.sha256).read_bytes())


@pytest.fixture
def sefton(time_machine):
    set_clock(time_machine, ON, 10)
    return make_world("sefton")


def test_the_s439_notice_goes_to_the_headteacher_of_the_school_the_order_names(sefton, tmp_path):
    school = _seaforth(
        sefton,
        headteacher_title="Mrs",
        headteacher_forename="Amina",
        headteacher_surname="Khan",
    )
    draft = _draft(sefton, "s439_school_notice", school=school)
    assert "[not recorded]" not in str(draft.paragraphs)  # the school chosen names itself

    (letter,) = letters_issue(actor=sefton.officer, draft=draft, on=ON)

    text = _text(letter)
    assert "Mrs Amina Khan, Headteacher Seaforth Park Primary School 12 Park Road" in text
    assert "Seaforth L21 3TX" in text
    assert "Dear Mrs Khan," in text
    assert "The local authority intends to name Seaforth Park Primary School in a School" in text
    assert "notice to the governing body and the headteacher under section 439" in text
    assert "Within 15 days, beginning with the day you receive this notice" in text
    assert (
        "It has been sent to the headteacher of Seaforth Park Primary School, the school to be "
        "named in Ada's School Attendance Order." in text
    )
    assert not any(parent in text for parent in PARENTS)
    assert "parents of" not in text.lower() and "sent to you" not in text
    assert "letter-layout/3" in text
    assert (letter.carer, letter.school, letter.layout_version) == (
        None,
        school,
        "letter-layout/3",
    )
    assert letter.recipient_name == "Mrs Amina Khan, Headteacher, Seaforth Park Primary School"
    assert letter.address == "Seaforth Park Primary School\n12 Park Road\nSeaforth\nL21 3TX"
    assert Letter.objects.count() == 1  # one letter, not one a parent
    event = letter.event
    assert event.kind == CaseEvent.Kind.LETTER and event.case == sefton.case
    assert f"letter {letter.reference} to Mrs Amina Khan, Headteacher, Seaforth" in event.summary
    page = pdf_page_png(stored_path(letter.sha256).read_bytes(), tmp_path)
    assert abs(page.height / page.width - 297 / 210) < 0.01  # an A4 page
    assert 0.005 < page.ink < 0.2  # printed text on white


def test_posting_the_school_letter_is_recorded_and_deemed_received_as_a_parents_would_be(
    sefton,
):
    school = _seaforth(sefton)
    (to_school,) = letters_issue(
        actor=sefton.officer, draft=_draft(sefton, "s439_school_notice", school=school), on=ON
    )
    to_mother = letters_issue(actor=sefton.officer, draft=_draft(sefton, "sao1_notice"), on=ON)[0]

    posted = letter_post_record(
        actor=sefton.officer, letter=to_school, posted_on=ON, posted_by="Pat Office"
    )
    parent = letter_post_record(
        actor=sefton.officer, letter=to_mother, posted_on=ON, posted_by="Pat Office"
    )

    assert posted.deemed_received_on == parent.deemed_received_on == dt.date(2024, 12, 18)
    assert posted.sent_to == "Seaforth Park Primary School\n12 Park Road\nSeaforth\nL21 3TX"
    assert "posted first class to The Headteacher, Seaforth Park Primary School" in (
        posted.event.summary
    )
    assert "deemed received 18 December 2024" in posted.event.summary


def test_a_school_outside_rollcall_is_written_in_and_greeted_as_headteacher(sefton):
    draft = _draft(
        sefton,
        "s439_school_notice",
        school_name="St Mary's Catholic Primary School",
        school_address="Crosby Road North\n  Waterloo\nL22 4QF\n",
    )
    (letter,) = letters_issue(actor=sefton.officer, draft=draft, on=ON)

    text = _text(letter)
    assert "The Headteacher St Mary's Catholic Primary School Crosby Road North Waterloo" in text
    assert "Dear Headteacher," in text
    assert "intends to name St Mary's Catholic Primary School" in text
    assert letter.school is None and letter.carer is None
    # No email is recorded for a school written in: post it or hand it over.
    assert "has no email address for letters recorded in rollcall" in email_refusal(letter)
    handed = letter_hand_record(
        actor=sefton.officer,
        letter=letter,
        handed_at=dt.datetime(2024, 12, 16, 10, 0, tzinfo=LONDON),
        handed_by="Lee Officer",
        handed_to="Mrs Doyle, school office",
    )
    assert handed.deemed_received_on == ON
    assert "handed to Mrs Doyle, school office by Lee Officer" in handed.event.summary


@pytest.mark.parametrize(
    ("addressee", "field", "message"),
    [
        ({}, "school", "Choose the school the School Attendance Order is to name"),
        ({"school_name": "St Mary's"}, "school_address", "Write in the school's postal address"),
        ({"school_address": "Crosby Road"}, "school_name", "Write in the school's name"),
        ("outside", "school", "is not a school in Testshire County Council"),
        ("both", "school", "Choose a school from the list or write one in, not both"),
    ],
)
def test_the_s439_notice_needs_one_school_in_the_area_or_written_in(
    sefton, addressee, field, message
):
    if addressee == "outside":
        addressee = {"school": _other_area_school()}
    elif addressee == "both":
        addressee = {"school": _seaforth(sefton), "school_name": "St Mary's"}
    with pytest.raises(ValidationError) as refusal:
        _draft(sefton, "s439_school_notice", **addressee)
    assert message in " ".join(refusal.value.message_dict[field])


def _other_area_school():
    return school_create(
        actor=None,
        urn="204321",
        name="Otherton Primary School",
        local_authority=make_la("990", "Otherton Council"),
        establishment_number="2001",
        phase="primary",
        on=ON,
    )


def test_a_school_in_rollcall_with_no_address_or_email_cannot_be_sent_the_notice(sefton):
    school = school_create(
        actor=None,
        urn="104322",
        name="Litherland Moss Primary School",
        local_authority=sefton.school.local_authority,
        establishment_number="2346",
        phase="primary",
        on=ON,
    )
    draft = _draft(sefton, "s439_school_notice", school=school)
    with pytest.raises(ValidationError) as refusal:
        letters_issue(actor=sefton.officer, draft=draft, on=ON)
    assert "Litherland Moss Primary School cannot be sent this letter" in str(refusal.value)
    assert not Letter.objects.exists()


@pytest.fixture
def leeds(time_machine):
    set_clock(time_machine, ON, 10)
    return make_world("leeds-bramley")


def test_leeds_case_closure_goes_to_the_childs_school_with_the_courts_outcome(leeds):
    draft = _draft(leeds, "case_closure")
    assert draft.school == leeds.school
    texts = [p["text"] for p in draft.paragraphs]
    texts[0] = texts[0].replace("[not recorded]", "a fine of £200 and a parenting order")
    draft = letter_draft_edit(actor=leeds.officer, draft=draft, texts=texts)
    preview = pdf_text(letter_preview(draft=draft, link=None, on=ON))
    assert "Letter PREVIEW" in preview and "Dear Headteacher," in preview

    (letter,) = letters_issue(actor=leeds.officer, draft=draft, on=ON)

    text = _text(letter)
    assert "The Headteacher Riverside Primary School 1 Test Lane Testbury TE1 1ST" in text
    assert "Dear Headteacher," in text
    assert "The outcome: a fine of £200 and a parenting order." in text
    assert "The local authority has now closed Ada's case." in text
    assert "sent to the headteacher of Riverside Primary School, Ada's school." in text
    assert not any(parent in text for parent in PARENTS)
    word = "\n".join(p.text for p in Document(io.BytesIO(letter_word_copy(letter))).paragraphs)
    assert "Dear Headteacher," in word and "Jo Stone" not in word
    assert "sent to the headteacher of Riverside Primary School, Ada's school." in word
    posted = letter_post_record(
        actor=leeds.officer, letter=letter, posted_on=ON, posted_by="Pat Office"
    )
    assert posted.sent_to.startswith("Riverside Primary School\n1 Test Lane")
    assert posted.deemed_received_on == dt.date(2024, 12, 18)


def test_the_case_closure_cannot_be_addressed_to_another_school(leeds):
    with pytest.raises(ValidationError) as refusal:
        _draft(leeds, "case_closure", school=_seaforth(leeds))
    assert "goes to Riverside Primary School, the child's school" in str(refusal.value)


def test_a_school_letter_is_emailed_to_the_schools_recorded_address_with_its_message_id(
    leeds,
    smtp,  # noqa: F811
):
    leeds.school.email = "office@riverside.example"
    leeds.school.headteacher_title, leeds.school.headteacher_surname = "Mr", "Okafor"
    leeds.school.save()
    draft = _draft(leeds, "case_closure")
    texts = [p["text"].replace("[not recorded]", "a fine of £200") for p in draft.paragraphs]
    draft = letter_draft_edit(actor=leeds.officer, draft=draft, texts=texts)
    (letter,) = letters_issue(actor=leeds.officer, draft=draft, on=ON)
    assert email_refusal(letter) == ""  # no parent's consent is asked of a school

    sending = letter_email_send(actor=leeds.officer, letter=letter)

    assert sending.outcome == Sending.Outcome.ACCEPTED
    assert sending.sent_to == "office@riverside.example"
    assert sending.message_id and sending.server_reply.startswith("250")
    (arrived,) = smtp.arrived
    assert arrived.rcpt_tos == ["office@riverside.example"]
    message = email.message_from_bytes(arrived.content, policy=policy.default)
    assert message["Message-ID"].strip() == sending.message_id  # a long id is folded
    body = message.get_body(("plain",)).get_content()
    assert body.startswith("Dear Mr Okafor,") and "consent" not in body
    (attachment,) = message.iter_attachments()
    assert "Dear Mr Okafor," in pdf_text(attachment.get_content())
    assert sending.message_id in sending.event.rationale


def test_a_letter_to_parents_cannot_be_addressed_to_a_school(sefton):
    with pytest.raises(ValidationError) as refusal:
        _draft(sefton, "sao1_notice", school=sefton.school)
    assert "goes to the parents, not to a school" in str(refusal.value)
