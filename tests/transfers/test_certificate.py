"""The attendance certificate PDF: what a court reads, and the record rollcall keeps of it."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from pypdf import PdfReader

from rollcall.core.models import AuditEvent
from rollcall.organisations.services import closure_create
from rollcall.registers.models import Mark
from rollcall.registers.services import MarkInput, mark_amend, marks_bulk_record
from rollcall.transfers.certificates import TEMPLATE_VERSION
from rollcall.transfers.models import Certificate
from rollcall.transfers.services import certificate_issue

FIRST = dt.date(2025, 1, 6)
LAST = dt.date(2025, 1, 17)
NOW = dt.datetime(2025, 1, 20, 9, 30, tzinfo=dt.UTC)


def _pages(pdf: bytes, *, layout: bool) -> list[str]:
    """Each page's text as pypdf extracts it; `layout` keeps the columns where they stand."""
    mode = "layout" if layout else "plain"
    return [page.extract_text(extraction_mode=mode) for page in PdfReader(BytesIO(pdf)).pages]


def _pdf_text(pdf: bytes) -> str:
    """The PDF's text with pages split by form feeds and runs of white space made one space."""
    return "\f".join(" ".join(page.split()) for page in _pages(pdf, layout=False))


def _layout_lines(pdf: bytes) -> list[str]:
    return [line for page in _pages(pdf, layout=True) for line in page.splitlines()]


def _summary_rows(pdf: bytes) -> dict[str, list[str]]:
    """The summary table's rows as laid out on the page: label -> the cells after it (the
    table's own columns only: a gap of four or more spaces ends them)."""
    rows = {}
    for line in _layout_lines(pdf):
        for label in SUMMARY_LABELS:
            if line.strip().startswith(label):
                rest = line.strip()[len(label) :].strip()
                cells = re.split(r"\s{4,}", rest)[:2] if rest else []
                rows.setdefault(label, [c for c in cells if re.fullmatch(r"[\d.]+%?", c)])
    return rows


def _layout_line(pdf: bytes, start: str) -> list[str]:
    """The first line of the page as laid out that starts with `start`, split into its
    columns (a gap of two or more spaces)."""
    for line in _layout_lines(pdf):
        if line.strip().startswith(start):
            return re.split(r"\s{2,}", line.strip())
    return []


SUMMARY_LABELS = (
    "Present",
    "Approved educational activity",
    "Authorised absence",
    "Unauthorised absence",
    "Possible sessions",
)


@pytest.fixture
def register(pupil, school, head):
    """Two weeks: present, except N on Tuesday 7th (amended to G), I on Thursday 16th AM and
    an INSET day on Friday 17th."""
    closure_create(actor=None, school=school, starts_on=LAST, ends_on=LAST, reason="inset")
    marks = []
    for offset in range(11):
        day = FIRST + dt.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        am = {dt.date(2025, 1, 7): "N", dt.date(2025, 1, 16): "I"}.get(day, "/")
        marks += [
            MarkInput(upn=pupil.upn, date=day, session="AM", code=am),
            MarkInput(upn=pupil.upn, date=day, session="PM", code="\\"),
        ]
    marks_bulk_record(actor=None, school=school, marks=marks, source="register")
    mark = Mark.objects.get(date=dt.date(2025, 1, 7), session="AM")
    mark_amend(actor=head, mark=mark, new_code="G", reason="Family holiday, leave refused")
    return marks


def test_the_certificate_shows_the_pupil_every_total_and_the_signature_block(
    register, pupil, school, head
):
    certificate, pdf = certificate_issue(
        actor=head, school=school, pupil=pupil, first=FIRST, last=LAST, generated_at=NOW
    )
    assert pdf.startswith(b"%PDF-")
    text = _pdf_text(pdf)
    assert "Certificate of attendance" in text
    assert "Test Pupil" in text and pupil.upn in text and "4 May 2016" in text
    assert school.name in text and school.urn in text
    assert "1 Test Lane" in text and "Testbury" in text and "TE1 1ST" in text  # its address
    assert "6 January 2025 to 17 January 2025" in text
    # 18 possible sessions: 16 present, 1 authorised (I), 1 unauthorised (G, was N).
    # Each row of the summary table, read line by line from the page as laid out (the
    # attendance box beside the table is further to the right on some of these lines).
    rows = _summary_rows(pdf)
    assert rows["Present"] == ["16", "88.9%"]
    assert rows["Approved educational activity"] == ["0", "0.0%"]
    assert rows["Authorised absence"] == ["1", "5.6%"]
    assert rows["Unauthorised absence"] == ["1", "5.6%"]
    assert rows["Possible sessions"] == ["18"]
    assert "of 18 possible sessions" in text
    # The amendment: original, new, who (name and position), and why.
    amendment = _layout_line(pdf, "Tue 7 Jan")
    # (Where the session and the name wrap depends on the fonts installed.)
    assert amendment[0].startswith("Tue 7 Jan") and amendment[1:3] == ["N", "G"]
    assert amendment[3].startswith("Head Tester (head), Headteacher")
    assert "2025 AM" in text and "senior attendance champion" in text
    assert "Family holiday, leave refused" in text
    assert "G Holiday not granted by the school Unauthorised absence" in text
    assert "Headteacher's name" in text and "Signature" in text and "Date" in text
    assert "Head Tester" in text  # the headteacher's name is filled in
    assert "Page 1 of" in text
    assert certificate.reference in text

    assert certificate.sha256 == hashlib.sha256(pdf).hexdigest()
    assert certificate.template_version == TEMPLATE_VERSION
    assert (certificate.first_date, certificate.last_date) == (FIRST, LAST)
    event = AuditEvent.objects.get(verb="certificate.issue")
    assert event.payload["sha256"] == certificate.sha256
    assert event.actor == head


def test_the_school_and_pupil_are_on_every_page(register, pupil, school, head):
    _, pdf = certificate_issue(
        actor=head,
        school=school,
        pupil=pupil,
        first=dt.date(2024, 9, 2),
        last=dt.date(2025, 7, 18),
        generated_at=NOW,
    )
    pages = _pdf_text(pdf).split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert school.name in page and pupil.upn in page
        assert f"Page {number} of {len(pages)}" in page


def test_a_period_when_the_pupil_was_not_on_roll_is_refused(pupil, school, head):
    with pytest.raises(ValidationError, match="was not on roll"):
        certificate_issue(
            actor=head,
            school=school,
            pupil=pupil,
            first=dt.date(2020, 1, 1),
            last=dt.date(2020, 2, 1),
            generated_at=NOW,
        )
    assert not Certificate.objects.exists()


def test_an_officer_cannot_issue_a_certificate_for_another_school(pupil, school, other_officer):
    with pytest.raises(PermissionDenied):
        certificate_issue(
            actor=other_officer,
            school=school,
            pupil=pupil,
            first=FIRST,
            last=LAST,
            generated_at=NOW,
        )


def test_the_certificate_command_writes_the_pdf(register, pupil, school, tmp_path):
    path = tmp_path / "certificate.pdf"
    out = StringIO()
    call_command(
        "certificate",
        "--upn",
        pupil.upn,
        "--school",
        school.urn,
        "--from",
        "2025-01-06",
        "--to",
        "2025-01-17",
        "--output",
        str(path),
        stdout=out,
    )
    certificate = Certificate.objects.get()
    assert certificate.sha256 in out.getvalue()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == certificate.sha256
