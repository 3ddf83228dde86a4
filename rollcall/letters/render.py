"""A letter's PDF of record, rendered with WeasyPrint from the versioned layout in
templates/letters/ (like the attendance certificate). The content is plain data: the layout
holds no logic, and the same content always makes the same letter."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.template.loader import render_to_string

# WeasyPrint reports each layout step at INFO, which is noise in rollcall's logs.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

LAYOUT = "letters/letter-1.html"
LAYOUT_VERSION = "letter-layout/1"


@dataclass(frozen=True)
class LetterContent:
    reference: str
    title: str
    template_version: str
    layout_version: str
    organisation: str
    sender_address: tuple[str, ...]
    recipient_name: str
    recipient_address: tuple[str, ...]
    relationship: str  # "his mother", "a parent with parental responsibility"
    date: str
    heading: str
    paragraphs: tuple[str, ...]
    signed_by: str
    child: str
    copies: str  # "the school and the local authority officer", or ""


def letter_render(content: LetterContent) -> bytes:
    """The letter as an A4 PDF."""
    from weasyprint import HTML

    return HTML(string=render_to_string(LAYOUT, {"c": content})).write_pdf()
