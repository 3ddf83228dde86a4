"""How each letter reached its parent, with the evidence each way needs (ESX 'How will you be
expected to send communications to parents'; PNR as applied by LA codes of conduct: service by
hand or by first-class post to the parent's usual or last known address). A letter to a school
goes the same ways, to the school's address as printed on it; by email to the school's recorded
address, with no consent to ask (that rule protects parents), and the same evidence kept:

- first-class post: posted when and by whom; deemed received on the day the profile's rule
  gives (the same statutory function as `rollcall law receipt`: by default the second working
  day after posting, bank holidays skipped);
- by hand: who handed it to whom, and when;
- email: only to the parent's own address, with their written consent to letters by email;
  the message id and the mail server's answer, with its time. A bounce reported later is
  recorded by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from email.utils import formataddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from rollcall.casework.documents import sha256_of, stored_path
from rollcall.casework.models import CaseEvent
from rollcall.casework.services.cases import case_event_record
from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label, audit_record
from rollcall.core.types import Actor
from rollcall.letters.mail import ServerAnswer, email_send
from rollcall.letters.models import Bounce, Letter, Sending
from rollcall.letters.selectors import (
    email_shared_with,
    letter_salutation,
    letter_school_name,
    long_date,
    postal_address,
)
from rollcall.policies import load_profile
from rollcall.statutory.calculator.receipt import ServedBy, deemed_receipt

NO_ADDRESS = "{parent} has no postal address recorded: a letter cannot be posted to them"
NO_EMAIL = "{parent} has no email address recorded"
NO_SCHOOL_EMAIL = (
    "{school} has no email address for letters recorded in rollcall: post the letter or hand "
    "it over"
)
NO_CONSENT = (
    "{parent} has not given written consent to letters by email: post the letter or hand it to them"
)
SHARED = (
    "{parent}'s email address {email} is also recorded for {others}: letters go only to a "
    "parent's own address"
)
NOT_ALLOWED = "{profile} does not send letters by {channel}"
FUTURE = "The date cannot be in the future"
BEFORE_LETTER = "The letter is dated {dated}: it cannot have been sent before that"


class LetterAltered(RuntimeError):
    """The stored PDF is missing or no longer matches the SHA-256 recorded when it was issued."""


def letter_pdf(letter: Letter) -> bytes:
    """The PDF as issued; LetterAltered if the stored file is gone or was changed."""
    try:
        data = stored_path(letter.sha256).read_bytes()
    except FileNotFoundError:
        raise LetterAltered(f"The PDF of letter {letter.reference} is missing") from None
    if sha256_of(data) != letter.sha256:
        raise LetterAltered(
            f"The stored PDF of letter {letter.reference} no longer matches its SHA-256"
        )
    return data


def _parent(letter: Letter) -> str:
    """The letter's recipient as messages name them: "Ms Jo Stone (Ada's mother)", or
    "The Headteacher, Riverside Primary School (Ada's school)"."""
    return f"{letter.recipient_name} ({letter.relationship})"


def _postal_address(letter: Letter) -> tuple[str, ...]:
    """A parent's address as recorded now; a school's as printed on its letter (a school
    written in by the officer has no other record)."""
    if letter.carer is None:
        return tuple(line for line in letter.address.splitlines() if line.strip())
    return postal_address(letter.carer)


def _school_email(letter: Letter) -> str:
    return letter.school.email.strip() if letter.school is not None else ""


def _channel_allowed(letter: Letter, channel: str) -> None:
    if letter.to_school:
        return  # the profile's channels are how letters must reach parents (ESX)
    correspondence = load_profile(letter.case.profile_key).correspondence
    allowed = {
        Sending.Channel.POST: "first_class_post",
        Sending.Channel.HAND: "hand_delivery_with_record",
        Sending.Channel.EMAIL: "email_with_written_consent",
    }[Sending.Channel(channel)]
    if correspondence is not None and allowed not in correspondence.channels:
        raise ValidationError(
            NOT_ALLOWED.format(
                profile=load_profile(letter.case.profile_key).name,
                channel=Sending.Channel(channel).label.lower(),
            )
        )


def _check_date(letter: Letter, day: dt.date, field: str) -> None:
    if day > clock.today():
        raise ValidationError({field: FUTURE})
    if day < letter.dated:
        raise ValidationError({field: BEFORE_LETTER.format(dated=long_date(letter.dated))})


def _record(
    *,
    actor: Actor,
    letter: Letter,
    verb: Verb,
    summary: str,
    on: dt.date,
    detail: str,
    **fields: object,
) -> Sending:
    event = case_event_record(
        case=letter.case,
        actor=actor,
        kind=CaseEvent.Kind.LETTER,
        on=on,
        summary=summary,
        rationale=detail,
        with_figures=False,
    )
    sending = Sending.objects.create(
        letter=letter,
        sent_on=on,
        recorded_at=clock.now(),
        recorded_by=actor,
        recorded_by_label=actor_label(actor),
        event=event,
        **fields,
    )
    audit_record(
        actor=actor,
        verb=verb,
        target=sending,
        summary=summary,
        school_urn=letter.case.school.urn,
        payload={
            "case": letter.case_id,
            "letter": letter.reference,
            "sha256": letter.sha256,
            "channel": sending.channel,
            "outcome": sending.outcome,
            "message_id": sending.message_id,
            "deemed_received_on": (
                sending.deemed_received_on.isoformat() if sending.deemed_received_on else None
            ),
        },
    )
    return sending


@transaction.atomic
def letter_post_record(
    *, actor: Actor, letter: Letter, posted_on: dt.date, posted_by: str
) -> Sending:
    """The letter went by first-class post to the parent's address on `posted_on`."""
    _channel_allowed(letter, Sending.Channel.POST)
    address = _postal_address(letter)
    if not address:
        raise ValidationError(NO_ADDRESS.format(parent=_parent(letter)))
    posted_by = posted_by.strip()
    if not posted_by:
        raise ValidationError({"posted_by": "Say who posted the letter"})
    _check_date(letter, posted_on, "posted_on")
    setting = load_profile(letter.case.profile_key).penalty_notices.deemed_receipt
    rule = setting.rule()
    received = deemed_receipt(posted_on, ServedBy.POST, rule)
    unit = "working" if rule.counting == "working_days" else "calendar"
    rule_text = f"{rule.days_after_posting} {unit} days after posting ({rule.source})"
    return _record(
        actor=actor,
        letter=letter,
        verb=Verb.LETTER_POST,
        summary=(
            f"Letter {letter.reference} posted first class to {_parent(letter)} on "
            f"{long_date(posted_on)}; deemed received {long_date(received)}"
        ),
        on=posted_on,
        detail=f"Posted by {posted_by} to {', '.join(address)}. Deemed receipt: {rule_text}.",
        channel=Sending.Channel.POST,
        outcome=Sending.Outcome.POSTED,
        sent_by_name=posted_by,
        sent_to="\n".join(address),
        deemed_received_on=received,
        deemed_receipt_rule=rule_text,
    )


@transaction.atomic
def letter_hand_record(
    *, actor: Actor, letter: Letter, handed_at: dt.datetime, handed_by: str, handed_to: str
) -> Sending:
    """Someone handed the letter over: who, to whom, when (ESX: evidence of which letter was
    handed to the parent, by whom, date and time)."""
    _channel_allowed(letter, Sending.Channel.HAND)
    handed_by, handed_to = handed_by.strip(), handed_to.strip()
    errors = {}
    if not handed_by:
        errors["handed_by"] = "Say who handed the letter over"
    if not handed_to:
        errors["handed_to"] = "Say who the letter was handed to"
    if errors:
        raise ValidationError(errors)
    if timezone.is_naive(handed_at):
        raise ValidationError({"handed_at": "The time needs a time zone"})
    day = timezone.localdate(handed_at)
    _check_date(letter, day, "handed_at")
    if handed_at > clock.now() + dt.timedelta(minutes=5):
        raise ValidationError({"handed_at": FUTURE})
    when = f"{timezone.localtime(handed_at):%-d %B %Y at %H:%M}"
    return _record(
        actor=actor,
        letter=letter,
        verb=Verb.LETTER_HAND,
        summary=(
            f"Letter {letter.reference} for {_parent(letter)} handed to {handed_to} by "
            f"{handed_by} on {when}"
        ),
        on=day,
        detail=f"Handed to {handed_to} by {handed_by} on {when}. Received that day.",
        channel=Sending.Channel.HAND,
        outcome=Sending.Outcome.HANDED,
        sent_at=handed_at,
        sent_by_name=handed_by,
        handed_to=handed_to,
        sent_to=handed_to,
        deemed_received_on=day,
        deemed_receipt_rule="by hand: received the same day",
    )


def email_refusal(letter: Letter) -> str:
    """Why this letter may not be emailed to its parent (or school), or '' if it may."""
    carer = letter.carer
    if carer is None:
        school = letter_school_name(letter)
        return "" if _school_email(letter) else NO_SCHOOL_EMAIL.format(school=school)
    parent = _parent(letter)
    if not carer.email.strip():
        return NO_EMAIL.format(parent=parent)
    if carer.email_letters_consent_on is None:
        return NO_CONSENT.format(parent=parent)
    others = email_shared_with(carer=carer)
    if others:
        return SHARED.format(
            parent=parent,
            email=carer.email,
            others=", ".join(other.full_name for other in others),
        )
    return ""


def letter_email_send(
    *, actor: Actor, letter: Letter, then: Callable[[Sending], None] | None = None
) -> Sending:
    """Email the letter's PDF to the parent's own address, with their written consent, and
    record the mail server's answer (accepted or refused) in the chronology either way; `then`
    runs in the same transaction as that record (a batch notes its parent was emailed)."""
    _channel_allowed(letter, Sending.Channel.EMAIL)
    refusal = email_refusal(letter)
    if refusal:
        raise ValidationError(refusal)
    pdf = letter_pdf(letter)
    carer = letter.carer
    child = letter.case.pupil.display_name
    body = (
        f"Dear {letter_salutation(letter)},\n\n"
        f"Please find attached a letter from {letter.organisation_label} about {child}.\n\n"
        f"Letter reference: {letter.reference}\n"
    )
    if carer is None:
        address = _school_email(letter)
    else:
        address = carer.email.strip()
        consented = carer.email_letters_consent_on
        assert consented is not None  # email_refusal checked it
        body += (
            f"You agreed on {long_date(consented)} to receive letters "
            "by email. If you would rather have letters by post, please tell us.\n"
        )
    message = EmailMessage(
        subject=f"{letter.title} ({child})",
        body=body,
        from_email=settings.ROLLCALL_LETTERS_FROM,
        to=[formataddr((letter.recipient_name, address))],
        reply_to=[settings.ROLLCALL_LETTERS_REPLY_TO] if settings.ROLLCALL_LETTERS_REPLY_TO else [],
    )
    message.attach(f"letter-{letter.reference}.pdf", pdf, "application/pdf")
    answer = email_send(message, domain=settings.ROLLCALL_LETTERS_MESSAGE_ID_DOMAIN or None)
    return _email_record(actor=actor, letter=letter, address=address, answer=answer, then=then)


@transaction.atomic
def _email_record(
    *,
    actor: Actor,
    letter: Letter,
    address: str,
    answer: ServerAnswer,
    then: Callable[[Sending], None] | None,
) -> Sending:
    when = f"{timezone.localtime(answer.at):%-d %B %Y at %H:%M:%S}"
    result = "accepted by the mail server" if answer.accepted else "refused"
    sending = _record(
        actor=actor,
        letter=letter,
        verb=Verb.LETTER_EMAIL,
        summary=(
            f"Letter {letter.reference} emailed to {_parent(letter)} at {address}: {result} "
            f"on {when}"
        ),
        on=timezone.localdate(answer.at),
        detail=f"Message-ID {answer.message_id}. Server's answer: {answer.reply or 'none given'}.",
        channel=Sending.Channel.EMAIL,
        outcome=Sending.Outcome.ACCEPTED if answer.accepted else Sending.Outcome.REFUSED,
        sent_at=answer.at,
        sent_to=address,
        message_id=answer.message_id,
        server_reply=answer.reply,
    )
    if then is not None:
        then(sending)
    return sending


@transaction.atomic
def letter_bounce_record(
    *, actor: Actor, sending: Sending, reported_on: dt.date, detail: str
) -> Bounce:
    """A bounce or non-delivery report that came back after the server accepted the email."""
    detail = detail.strip()
    if sending.channel != Sending.Channel.EMAIL:
        raise ValidationError("Only an email can bounce")
    if not detail:
        raise ValidationError({"detail": "Say what came back (the bounce message)"})
    if reported_on > clock.today():
        raise ValidationError({"reported_on": FUTURE})
    if reported_on < sending.sent_on:
        raise ValidationError({"reported_on": "A bounce cannot come before the email was sent"})
    letter = sending.letter
    summary = (
        f"Email of letter {letter.reference} to {_parent(letter)} bounced "
        f"(reported {long_date(reported_on)}): send it another way"
    )
    event = case_event_record(
        case=letter.case,
        actor=actor,
        kind=CaseEvent.Kind.LETTER,
        on=reported_on,
        summary=summary,
        rationale=detail,
        with_figures=False,
    )
    bounce = Bounce.objects.create(
        sending=sending,
        reported_on=reported_on,
        detail=detail,
        recorded_at=clock.now(),
        recorded_by=actor,
        recorded_by_label=actor_label(actor),
        event=event,
    )
    audit_record(
        actor=actor,
        verb=Verb.LETTER_BOUNCE,
        target=bounce,
        summary=summary,
        school_urn=letter.case.school.urn,
        payload={"case": letter.case_id, "letter": letter.reference, "sending": sending.pk},
    )
    return bounce
