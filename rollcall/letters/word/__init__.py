"""A Word copy of a letter (docxtpl), for other uses: it is not the record. The letter of record
is the PDF rollcall keeps by its SHA-256; the copy says so in its first line and its title.
The template, `letter-copy-2.docx`, holds the layout (version 2 greets the parent by title and
surname, as the PDF does since letter-layout/2); the text is the letter's as issued."""

from __future__ import annotations

import io
from pathlib import Path

from rollcall.letters.models import Letter
from rollcall.letters.render import sent_to_sentence
from rollcall.letters.selectors import (
    letter_salutation,
    letter_school_name,
    long_date,
    school_address,
)

TEMPLATE = Path(__file__).with_name("letter-copy-2.docx")
NOTICE = (
    "Word copy of letter {reference}, for other uses. This is not the letter of record: the "
    "record is the PDF kept by rollcall (SHA-256 {sha256}), as sent on {dated}."
)


def letter_word_copy(letter: Letter) -> bytes:
    """The letter as an editable Word document."""
    from docxtpl import DocxTemplate

    document = DocxTemplate(str(TEMPLATE))
    fields = letter.draft.fields if letter.draft_id else {}
    document.render(
        {
            "notice": NOTICE.format(
                reference=letter.reference, sha256=letter.sha256, dated=long_date(letter.dated)
            ),
            "organisation": letter.organisation_label,
            "sender_address": list(school_address(letter.case.school))
            if letter.organisation_label == letter.case.school.name
            else [],
            "recipient_name": letter.recipient_name,
            "salutation": letter_salutation(letter),
            "recipient_address": [line for line in letter.address.splitlines() if line.strip()],
            "date": long_date(letter.dated),
            "heading": letter.heading,
            "paragraphs": list(letter.paragraphs),
            "signed_by": str(fields.get("contact_name", letter.issued_by_label)),
            "about": (
                f"This letter is about {letter.case.pupil.display_name}. "
                + sent_to_sentence(
                    recipient_name=letter.recipient_name,
                    relationship=letter.relationship,
                    school=letter_school_name(letter),
                )
            ),
        }
    )
    document.docx.core_properties.title = (
        f"Word copy of letter {letter.reference}: not the letter of record"
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
