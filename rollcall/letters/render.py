"""A letter's PDF of record, rendered with WeasyPrint from the versioned layout in
templates/letters/ (like the attendance certificate). The content is plain data: the layout
holds no logic, and the same content always makes the same letter."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

# WeasyPrint reports each layout step at INFO, which is noise in rollcall's logs.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

LAYOUT = "letters/letter-3.html"
LAYOUT_VERSION = "letter-layout/3"


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
    relationship: str  # "Ada's mother"; to a school: "Ada's school"
    date: str
    heading: str
    paragraphs: tuple[str, ...]
    signed_by: str
    child: str
    copies: str  # "the school and the local authority officer", or ""
    salutation: str = ""  # "Ms Stone"; the full name where the parent has no title
    school: str = ""  # the school's name, on a letter to a school (to its headteacher)

    @property
    def sent_to(self) -> str:
        """The letter's last line: to whom it was sent, and as what."""
        return sent_to_sentence(
            recipient_name=self.recipient_name, relationship=self.relationship, school=self.school
        )


def sent_to_sentence(*, recipient_name: str, relationship: str, school: str = "") -> str:
    """ "It has been sent to you, Ms Jo Stone, as Ada's mother." To a school, the headteacher
    is written to by office: "It has been sent to the headteacher of Riverside Primary School,
    Ada's school." """
    if school:
        return f"It has been sent to the headteacher of {school}, {relationship}."
    return f"It has been sent to you, {recipient_name}, as {relationship}."


def salutation(*, title: str, forename: str, surname: str) -> str:
    """Who the letter greets: "Ms Stone" where the parent's (or headteacher's) title is known,
    otherwise their name as it is recorded ("Jo Stone")."""
    if title.strip():
        return f"{title.strip()} {surname.strip()}"
    return " ".join(part.strip() for part in (forename, surname) if part.strip())


def letter_render(content: LetterContent) -> bytes:
    """The letter as an A4 PDF."""
    from weasyprint import HTML

    html = HTML(string=render_to_string(LAYOUT, {"c": content}))
    return html.write_pdf(font_config=_fonts())


@functools.cache
def _fonts() -> Any:
    """One font configuration for every letter this process renders. WeasyPrint otherwise
    builds a new one (and Pango's font map behind it) for each document, which is a quarter of
    a one-page letter's time; the PDF's bytes are the same either way."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _renderer_start() -> None:
    """Each rendering process sets Django up once (templates and settings; no database)."""
    import django

    django.setup()


class Renderers:
    """A pool of processes rendering letters side by side, for a bulk run: WeasyPrint's layout
    of a letter takes about 50 ms of one core and holds the interpreter, so processes, not
    threads. Spawned (not forked), so no child shares the parent's database connection. With
    one process it renders in this one."""

    def __init__(self, processes: int | None = None) -> None:
        import os

        from django.conf import settings

        wanted = processes or settings.ROLLCALL_LETTER_RENDERERS or os.cpu_count() or 1
        self.processes = max(1, wanted)
        self._pool: Any = None

    def __enter__(self) -> Renderers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown()

    def _executor(self) -> Any:
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_renderer_start,
            )
        return self._pool

    def warm_up(self) -> None:
        """Start the processes now, while the first letters are prepared (each takes a few
        seconds to load Django and WeasyPrint)."""
        if self.processes > 1:
            pool = self._executor()
            for _ in range(self.processes):
                pool.submit(_ready)

    def submit(self, contents: Sequence[LetterContent]) -> Rendering:
        """Start rendering the letters; `result()` gives each PDF, in order."""
        if self.processes == 1 or len(contents) < 4:
            return Rendering(done=[letter_render(content) for content in contents])
        pool = self._executor()
        return Rendering(futures=[pool.submit(letter_render, content) for content in contents])

    def render(self, contents: Sequence[LetterContent]) -> list[bytes]:
        """Each letter's PDF, in order."""
        return self.submit(contents).result()


def _ready() -> bool:
    return True


class Rendering:
    """Letters being rendered: their PDFs, in order, once done."""

    def __init__(self, *, done: list[bytes] | None = None, futures: list[Any] | None = None):
        self._done = done
        self._futures = futures or []

    def result(self) -> list[bytes]:
        if self._done is None:
            self._done = [future.result() for future in self._futures]
        return self._done
