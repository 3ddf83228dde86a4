"""Letters as the case page and the letter pages show them: plain data, no logic in templates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from rollcall.casework.models import Case
from rollcall.letters.catalogue import latest_wording
from rollcall.letters.models import Letter, LetterDraft, Sending
from rollcall.letters.selectors import (
    case_drafts,
    case_letters,
    draft_addressee,
    email_shared_with,
    letter_recipients,
    long_date,
    postal_address,
    schools_in_area,
)
from rollcall.letters.services.sending import email_refusal
from rollcall.policies import load_profile


@dataclass(frozen=True)
class SendingLine:
    text: str
    bounce_href: str = ""
    bounces: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LetterLine:
    reference: str
    title: str
    to: str
    dated: str
    version: str
    sha256: str
    pdf_href: str
    word_href: str
    sendings: list[SendingLine]
    actions: list[dict[str, str]]
    email_refused: str


@dataclass(frozen=True)
class LettersSection:
    may_write: bool
    prepare_href: str
    drafts: list[dict[str, str]]
    letters: list[LetterLine]


def _sending_text(sending: Sending) -> str:
    if sending.channel == Sending.Channel.POST:
        received = (
            f"; deemed received {long_date(sending.deemed_received_on)}"
            if sending.deemed_received_on
            else ""
        )
        posted = long_date(sending.sent_on)
        return f"Posted first class on {posted} by {sending.sent_by_name}{received}"
    if sending.channel == Sending.Channel.HAND:
        at = timezone.localtime(sending.sent_at) if sending.sent_at else None
        when = f"{at:%-d %B %Y at %H:%M}" if at else long_date(sending.sent_on)
        return f"Handed to {sending.handed_to} by {sending.sent_by_name} on {when}"
    at = timezone.localtime(sending.sent_at) if sending.sent_at else None
    when = f"{at:%-d %B %Y at %H:%M}" if at else long_date(sending.sent_on)
    return (
        f"Emailed to {sending.sent_to} on {when}: {sending.get_outcome_display().lower()} "
        f"({sending.server_reply or 'no reply'}); Message-ID {sending.message_id}"
    )


def _channels_done(letter: Letter) -> set[str]:
    """The ways this letter has already reached the parent: posted, handed over, or emailed and
    accepted with no bounce reported. The page does not offer them again."""
    return {
        sending.channel
        for sending in letter.sendings.all()
        if sending.outcome != Sending.Outcome.REFUSED and not sending.bounces.all()
    }


def _letter_line(case: Case, letter: Letter, may_write: bool) -> LetterLine:
    args = [case.pk, letter.pk]
    actions = []
    if may_write:
        done = _channels_done(letter)
        actions = [
            {"text": text, "href": reverse(f"letters:{channel}", args=args)}
            for channel, text in (
                (Sending.Channel.POST, "Record posting"),
                (Sending.Channel.HAND, "Record hand delivery"),
                (Sending.Channel.EMAIL, "Send by email"),
            )
            if channel not in done
        ]
    sendings = [
        SendingLine(
            text=_sending_text(sending),
            bounce_href=(
                reverse("letters:bounce", args=[*args, sending.pk])
                if may_write
                and sending.channel == Sending.Channel.EMAIL
                and sending.outcome == Sending.Outcome.ACCEPTED
                else ""
            ),
            bounces=[
                f"Bounced (reported {long_date(bounce.reported_on)}): {bounce.detail}"
                for bounce in sending.bounces.all()
            ],
        )
        for sending in letter.sendings.all()
    ]
    return LetterLine(
        reference=letter.reference,
        title=letter.title,
        to=f"{letter.recipient_name} ({letter.relationship})",
        dated=long_date(letter.dated),
        version=letter.template_version,
        sha256=letter.sha256,
        pdf_href=reverse("letters:pdf", args=args),
        word_href=reverse("letters:word", args=args),
        sendings=sendings,
        actions=actions,
        email_refused=email_refusal(letter),
    )


def letters_section(*, case: Case, may_write: bool) -> LettersSection:
    drafts = [
        {
            "text": f"{draft.title} (prepared {long_date(timezone.localdate(draft.created_at))})",
            "href": reverse("letters:draft", args=[case.pk, draft.pk]),
        }
        for draft in case_drafts(case=case)
    ]
    return LettersSection(
        may_write=may_write and case.active,
        prepare_href=reverse("letters:prepare", args=[case.pk]),
        drafts=drafts,
        letters=[_letter_line(case, letter, may_write) for letter in case_letters(case=case)],
    )


def letter_choices(*, case: Case) -> list[tuple[str, str]]:
    """The profile's letters that rollcall has wording for, to parents or to a school."""
    profile = load_profile(case.profile_key)
    return [
        (key, f"{entry.title} ({entry.source})")
        for key, entry in profile.letters.items()
        if latest_wording(key) is not None
    ]


def school_choices(*, case: Case) -> list[tuple[str, str]]:
    """The schools in the case's area a letter to a school may be addressed to."""
    return [
        (str(school.pk), f"{school.name} (URN {school.urn})")
        for school in schools_in_area(case=case)
    ]


_COPY_NAMES = {"school": "the school", "local_authority_officer": "the LA attendance officer"}


@dataclass(frozen=True)
class RecipientLine:
    name: str
    address: str
    email: str
    problem: str
    preview_href: str


@dataclass(frozen=True)
class DraftPage:
    draft: LetterDraft
    heading: str
    paragraphs: list[dict[str, object]]
    recipients: list[RecipientLine]
    copies: str
    timing: str = ""
    to_school: bool = False


def _school_line(draft: LetterDraft) -> RecipientLine:
    addressee = draft_addressee(draft)
    address = ", ".join((addressee.name, *addressee.address)) if addressee.address else ""
    return RecipientLine(
        name=f"{addressee.headteacher}, {addressee.name} ({addressee.relationship})",
        address=address or "No postal address",
        email=(
            f"{addressee.email} (the school's address for letters)"
            if addressee.email
            else "No email address for letters"
        ),
        problem="" if address or addressee.email else "Cannot be sent this letter",
        preview_href=reverse("letters:preview_school", args=[draft.case_id, draft.pk]),
    )


def draft_page(*, draft: LetterDraft) -> DraftPage:
    case = draft.case
    entry = load_profile(case.profile_key).letters[draft.letter_key]
    recipients = [_school_line(draft)] if entry.to == "school" else []
    for link in letter_recipients(case=case, entry=entry) if entry.to != "school" else []:
        carer = link.carer
        address = ", ".join(postal_address(carer))
        shared = email_shared_with(carer=carer)
        if carer.email and carer.email_letters_consent_on and not shared:
            email = f"{carer.email} (written consent {long_date(carer.email_letters_consent_on)})"
        elif carer.email and shared:
            email = f"{carer.email} is shared: letters cannot be emailed to it"
        elif carer.email:
            email = f"{carer.email}: no written consent to letters by email"
        else:
            email = "No email address"
        problem = "" if address or "written consent" in email else "Cannot be sent this letter"
        recipients.append(
            RecipientLine(
                name=f"{carer.full_name} ({link.get_relationship_display().lower()})",
                address=address or "No postal address",
                email=email,
                problem=problem,
                preview_href=reverse("letters:preview", args=[case.pk, draft.pk, link.pk]),
            )
        )
    timing = ""
    if entry.send_before_meeting is not None and draft.meeting is not None:
        period = entry.send_before_meeting
        if period.unit in ("days", "weeks"):
            days = period.amount * (7 if period.unit == "weeks" else 1)
            send_by = draft.meeting.on - dt.timedelta(days=days)
            timing = (
                f"This letter goes out about {period} before the meeting ({entry.source}): "
                f"by {long_date(send_by)} for the meeting on {long_date(draft.meeting.on)}."
            )
    return DraftPage(
        timing=timing,
        draft=draft,
        heading=draft.heading,
        paragraphs=[
            {"number": number, "text": p["text"], "editable": p["editable"]}
            for number, p in enumerate(draft.paragraphs, 1)
        ],
        recipients=recipients,
        copies=" and ".join(_COPY_NAMES[who] for who in entry.copies),
        to_school=entry.to == "school",
    )
