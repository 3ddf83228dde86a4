"""Each letter reaches its parent by a channel with evidence: first-class post with the deemed
date of receipt from the statutory calculator, by hand (who, to whom, when), or email to the
parent's own address with their written consent, through a real SMTP server whose answer is
recorded; a letter that cannot go a way is refused, naming the parent and what is missing."""

from __future__ import annotations

import datetime as dt
import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.core.exceptions import ValidationError

from rollcall.casework.models import CaseEvent
from rollcall.core.audit import Verb
from rollcall.core.models import AuditEvent
from rollcall.letters.models import Sending
from rollcall.letters.services.drafts import letter_draft_create, letters_issue
from rollcall.letters.services.sending import (
    letter_bounce_record,
    letter_email_send,
    letter_hand_record,
    letter_post_record,
)
from rollcall.pupils.models import Carer
from rollcall.pupils.services import carer_create
from tests.conftest import LONDON, set_clock
from tests.letters.world import FIRST, LAST, make_world, pdf_text

pytestmark = pytest.mark.django_db


class Mailbox:
    """An SMTP server's handler: keeps what arrives, refuses one address, and refuses every
    message for now while `refuse` is set."""

    def __init__(self) -> None:
        self.arrived: list = []
        self.refuse = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 4.3.0 Try again later"
        self.arrived.append(envelope)
        return "250 2.0.0 Ok: queued as Q1234"


@pytest.fixture
def smtp(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.ROLLCALL_LETTERS_FROM = "Riverside attendance <attendance@riverside.example>"
    settings.ROLLCALL_LETTERS_MESSAGE_ID_DOMAIN = "rollcall.riverside.example"
    yield mailbox
    controller.stop()


def _issued(world, on: dt.date):
    draft = letter_draft_create(
        actor=world.officer,
        case=world.case,
        letter_key="attendance_concern",
        acting_for=world.school,
        on=on,
        period_from=min(FIRST, on - dt.timedelta(days=14)),
        period_to=min(LAST, on),
    )
    return letters_issue(actor=world.officer, draft=draft, on=on)


@pytest.mark.parametrize(
    ("posted", "received"),
    [
        # Friday before Christmas: Monday 23rd is the 1st working day, Tuesday 24th the 2nd.
        (dt.date(2024, 12, 20), dt.date(2024, 12, 24)),
        (dt.date(2024, 10, 1), dt.date(2024, 10, 3)),
    ],
)
def test_a_posted_letter_is_deemed_received_on_the_second_working_day(
    time_machine, posted, received
):
    set_clock(time_machine, posted, 9)
    world = make_world(opened=posted)
    letter = _issued(world, posted)[1]
    set_clock(time_machine, dt.date(2025, 1, 10), 9)

    sending = letter_post_record(
        actor=world.officer, letter=letter, posted_on=posted, posted_by="Pat Office"
    )
    assert sending.deemed_received_on == received
    assert sending.sent_to == "Flat 2, 9 Quay Street\nPortbury\nPB2 9QS"
    event = sending.event
    assert event.kind == CaseEvent.Kind.LETTER
    assert f"deemed received {received:%-d %B %Y}" in event.summary
    assert "Posted by Pat Office" in event.rationale
    assert "2 working days after posting" in sending.deemed_receipt_rule


def test_hand_delivery_records_who_handed_it_to_whom_and_when(time_machine):
    set_clock(time_machine, dt.date(2024, 12, 16), 16)
    world = make_world()
    letter = _issued(world, dt.date(2024, 12, 16))[0]
    at = dt.datetime(2024, 12, 16, 15, 20, tzinfo=LONDON)
    sending = letter_hand_record(
        actor=world.officer,
        letter=letter,
        handed_at=at,
        handed_by="Pat Office",
        handed_to="Ms Jo Stone, at the school gate",
    )
    assert (sending.sent_by_name, sending.handed_to) == (
        "Pat Office",
        "Ms Jo Stone, at the school gate",
    )
    assert sending.deemed_received_on == dt.date(2024, 12, 16)
    assert (
        "handed to Ms Jo Stone, at the school gate by Pat Office on 16 December 2024 at 15:20"
        in (sending.event.summary)
    )


def test_email_with_consent_arrives_at_the_smtp_server_and_its_id_is_in_the_chronology(
    time_machine, smtp
):
    set_clock(time_machine, dt.date(2024, 12, 16), 11)
    world = make_world()
    mother_letter = _issued(world, dt.date(2024, 12, 16))[0]

    sending = letter_email_send(actor=world.officer, letter=mother_letter)

    assert sending.outcome == Sending.Outcome.ACCEPTED
    assert sending.server_reply == "250 2.0.0 Ok: queued as Q1234"
    assert sending.message_id.endswith("@rollcall.riverside.example>")
    assert sending.sent_to == "jo.stone@example.org"
    [envelope] = smtp.arrived
    assert envelope.rcpt_tos == ["jo.stone@example.org"]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert message["Message-ID"].strip() == sending.message_id
    assert "Dear Ms Stone" in message.get_body(("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    pdf = attachment.get_content()
    assert attachment.get_filename() == f"letter-{mother_letter.reference}.pdf"
    assert "Dear Ms Stone" in pdf_text(pdf)
    event = sending.event
    assert sending.message_id in event.rationale and "accepted" in event.summary
    assert AuditEvent.objects.get(verb=Verb.LETTER_EMAIL).payload["message_id"] == (
        sending.message_id
    )


def test_email_to_a_parent_without_consent_is_refused_and_nothing_is_sent(time_machine, smtp):
    set_clock(time_machine, dt.date(2024, 12, 16), 11)
    world = make_world()
    Carer.objects.filter(pk=world.father.pk).update(email="sam.reed@example.org")
    father_letter = _issued(world, dt.date(2024, 12, 16))[1]
    with pytest.raises(ValidationError) as refusal:
        letter_email_send(actor=world.officer, letter=father_letter)
    assert "Mr Sam Reed (Ada's father) has not given written consent" in str(refusal.value)
    assert smtp.arrived == [] and not Sending.objects.exists()


def test_email_to_a_shared_address_is_refused(time_machine, smtp):
    set_clock(time_machine, dt.date(2024, 12, 16), 11)
    world = make_world()
    carer_create(actor=None, forename="Ben", surname="Stone", email="JO.STONE@example.org")
    letter = _issued(world, dt.date(2024, 12, 16))[0]
    with pytest.raises(ValidationError) as refusal:
        letter_email_send(actor=world.officer, letter=letter)
    assert "is also recorded for Ben Stone" in str(refusal.value)
    assert smtp.arrived == []


def test_a_refusal_by_the_server_is_recorded_with_its_answer_and_a_bounce_later_by_hand(
    time_machine, smtp
):
    set_clock(time_machine, dt.date(2024, 12, 16), 11)
    world = make_world()
    Carer.objects.filter(pk=world.mother.pk).update(email="nobody@example.org")
    letter = _issued(world, dt.date(2024, 12, 16))[0]
    refused = letter_email_send(actor=world.officer, letter=letter)
    assert refused.outcome == Sending.Outcome.REFUSED
    assert refused.server_reply.startswith("550 5.1.1")
    assert "refused" in refused.event.summary and smtp.arrived == []

    Carer.objects.filter(pk=world.mother.pk).update(email="jo.stone@example.org")
    letter.carer.refresh_from_db()
    accepted = letter_email_send(actor=world.officer, letter=letter)
    set_clock(time_machine, dt.date(2024, 12, 17), 9)
    bounce = letter_bounce_record(
        actor=world.officer,
        sending=accepted,
        reported_on=dt.date(2024, 12, 17),
        detail="Mailbox full (552) reported by the parent's provider",
    )
    assert "bounced" in bounce.event.summary and "send it another way" in bounce.event.summary


def test_post_to_a_parent_without_an_address_is_refused_naming_them(time_machine):
    set_clock(time_machine, dt.date(2024, 12, 16), 11)
    world = make_world()
    letter = _issued(world, dt.date(2024, 12, 16))[0]
    Carer.objects.filter(pk=world.mother.pk).update(address_line_1="", town="", postcode="")
    letter.carer.refresh_from_db()
    with pytest.raises(ValidationError) as refusal:
        letter_post_record(
            actor=world.officer, letter=letter, posted_on=dt.date(2024, 12, 16), posted_by="Pat"
        )
    assert "Ms Jo Stone (Ada's mother) has no postal address" in str(refusal.value)
