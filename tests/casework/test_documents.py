"""Documents on a case: a doctor's note or a psychologist's report uploaded as evidence, kept
with its SHA-256, listed on the case and in its chronology, never changed, and given back only
to those who may read the case; files that are empty, too big or not what they say are refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction

from rollcall.casework.models import Case, CaseDocument, CaseEvent
from rollcall.casework.services.cases import case_open
from rollcall.core.audit import Verb
from rollcall.core.models import AppendOnlyError, AuditEvent
from tests.analytics.conftest import person, signed_in
from tests.conftest import set_clock
from tests.factories import enrol, make_la, make_pupil, make_school

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 3, 10)
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32)
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64) + "WordDocument".encode("utf-16-le")


def _docx(*, word: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        if word:
            package.writestr("word/document.xml", "<w:document/>")
        else:
            package.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.fixture
def world(time_machine, settings, tmp_path):
    set_clock(time_machine, TODAY, 10)
    school = make_school(name="Riverside Primary School")
    pupil = make_pupil(forename="Ada", surname="Stone")
    enrol(pupil, school, admitted_on=dt.date(2024, 9, 2))
    officer = person("officer", "attendance_officer", school=school)
    case = case_open(
        actor=officer, pupil=pupil, school=school, owner=school, on=TODAY, rationale="Absent"
    )
    return school, case, officer


def _upload(client, case: Case, name: str, content: bytes, **fields: str):
    data = {
        "kind": "medical",
        "received_on-day": "7",
        "received_on-month": "3",
        "received_on-year": "2025",
        "description": "GP letter about asthma",
        "file": SimpleUploadedFile(name, content),
    } | fields
    return client.post(f"/cases/{case.pk}/documents/new", data)


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def _stored_files(settings) -> list:
    root = settings.ROLLCALL_DOCUMENTS_DIR
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_a_document_is_kept_with_its_hash_listed_and_entered_in_the_chronology(
    client, world, settings
):
    _school, case, _officer = world
    browser = signed_in(client, "officer")
    assert "Add a document" in _text(browser.get(f"/cases/{case.pk}"))
    form = browser.get(f"/cases/{case.pk}/documents/new").content.decode()
    assert 'enctype="multipart/form-data"' in form
    assert "smaller than 20 MB" in form

    done = _upload(browser, case, "gp-letter.pdf", PDF)
    assert done.status_code == 302 and done["Location"] == f"/cases/{case.pk}"

    document = CaseDocument.objects.get()
    sha256 = hashlib.sha256(PDF).hexdigest()
    assert document.sha256 == sha256
    assert (document.original_name, document.size) == ("gp-letter.pdf", len(PDF))
    assert (document.content_type, document.kind) == ("application/pdf", "medical")
    assert document.received_on == dt.date(2025, 3, 7)
    assert document.recorded_by_label == "Test officer (officer)"
    stored = settings.ROLLCALL_DOCUMENTS_DIR / sha256[:2] / sha256
    assert stored.read_bytes() == PDF

    event = document.event
    assert event.kind == CaseEvent.Kind.DOCUMENT and event.case == case
    assert event.summary == "Medical note or evidence: GP letter about asthma"
    assert sha256 in event.rationale
    audit = AuditEvent.objects.get(verb=Verb.CASE_DOCUMENT_ADD)
    assert audit.payload["sha256"] == sha256

    shown = _text(browser.get(f"/cases/{case.pk}"))
    assert "gp-letter.pdf" in shown
    assert f"SHA-256 {sha256}" in shown
    assert "Document received" in shown  # the chronology's entry
    assert "7 March 2025" in shown


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.png", PNG),
        ("photo.JPG", JPEG),
        ("report.docx", _docx()),
        ("old-letter.doc", DOC),
        ("note.txt", "Ada was at the dentist on Monday — Mrs Stone".encode()),
    ],
)
def test_images_word_documents_and_plain_text_are_taken_too(client, world, name, content):
    _school, case, _officer = world
    done = _upload(signed_in(client, "officer"), case, name, content)
    assert done.status_code == 302
    assert CaseDocument.objects.get().original_name == name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.pdf", b"", "The selected file is empty"),
        ("program.exe", b"MZ\x90\x00", "The file's name must end in .pdf"),
        (
            "report.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00",
            "The selected file must be a PDF, a PNG or JPEG image, a Word document or plain "
            "text: the content of report.pdf is none of these",
        ),
        ("report.pdf", PNG, "report.pdf is named as a PDF but its content is a PNG image"),
        ("letter.docx", _docx(word=False), "the content of letter.docx is none of these"),
        ("notes.txt", b"plain words\x00\x01\x02 then binary", "notes.txt is none of these"),
        ("page.txt", PDF, "page.txt is named as plain text but its content is a PDF"),
    ],
)
def test_a_file_that_is_empty_or_not_what_it_says_is_refused_and_nothing_is_kept(
    client, world, settings, name, content, message
):
    _school, case, _officer = world
    refused = _upload(signed_in(client, "officer"), case, name, content)
    assert refused.status_code == 200
    assert "There is a problem" in _text(refused)
    assert message in _text(refused)
    assert not CaseDocument.objects.exists()
    assert not case.events.filter(kind=CaseEvent.Kind.DOCUMENT).exists()
    assert _stored_files(settings) == []


def test_a_file_over_the_size_limit_is_refused(client, world, settings):
    _school, case, _officer = world
    settings.ROLLCALL_DOCUMENT_MAX_MB = 1
    big = b"%PDF-1.7\n" + bytes(1024 * 1024)
    refused = _upload(signed_in(client, "officer"), case, "scan.pdf", big)
    assert "The selected file must be smaller than 1 MB" in _text(refused)
    assert not CaseDocument.objects.exists()
    assert _stored_files(settings) == []


def test_a_date_received_in_the_future_and_no_kind_are_refused(client, world):
    _school, case, _officer = world
    refused = _upload(
        signed_in(client, "officer"), case, "a.pdf", PDF, kind="", **{"received_on-day": "11"}
    )
    shown = _text(refused)
    assert "Choose what kind of document this is" in shown
    refused = _upload(signed_in(client, "officer"), case, "a.pdf", PDF, **{"received_on-day": "11"})
    assert "The date it was received cannot be in the future" in _text(refused)
    assert not CaseDocument.objects.exists()


def test_documents_can_never_be_changed_or_deleted(client, world):
    _school, case, _officer = world
    _upload(signed_in(client, "officer"), case, "gp-letter.pdf", PDF)
    document = CaseDocument.objects.get()
    document.description = "Rewritten"
    with pytest.raises(AppendOnlyError):
        document.save()
    with pytest.raises(AppendOnlyError):
        document.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseDocument.objects.filter(pk=document.pk).update(sha256="0" * 64)
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseDocument.objects.filter(pk=document.pk).delete()
    assert CaseDocument.objects.get().sha256 == hashlib.sha256(PDF).hexdigest()


def test_the_document_downloads_as_an_attachment_only_for_those_who_may_read_the_case(
    client, world
):
    school, case, _officer = world
    _upload(signed_in(client, "officer"), case, "Dr Patel's letter.pdf", PDF)
    document = CaseDocument.objects.get()
    address = f"/cases/{case.pk}/documents/{document.pk}"

    got = client.get(address)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF
    assert got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"].startswith("attachment;")
    assert "letter.pdf" in got["Content-Disposition"]
    assert got["X-Content-Type-Options"] == "nosniff"

    # The LA reads every case at its schools, so it may read the document too.
    person("la", "la_officer", local_authority=school.local_authority)
    assert signed_in(client, "la").get(address).status_code == 200

    # Another school's office, another LA's officer and a teacher at the school see nothing.
    person("other", "attendance_officer", school=make_school(name="Hill Top Primary"))
    person("elsewhere", "la_officer", local_authority=make_la("990", "Otherton Council"))
    person("teacher", "teacher", school=school)
    for username in ("other", "elsewhere", "teacher"):
        assert signed_in(client, username).get(address).status_code == 404
    assert signed_in(client, "other").post(f"/cases/{case.pk}/documents/new").status_code == 404


def test_a_stored_file_changed_behind_rollcalls_back_is_not_given_out(client, world, settings):
    _school, case, _officer = world
    browser = signed_in(client, "officer")
    _upload(browser, case, "gp-letter.pdf", PDF)
    document = CaseDocument.objects.get()
    stored = settings.ROLLCALL_DOCUMENTS_DIR / document.sha256[:2] / document.sha256
    stored.chmod(0o640)
    stored.write_bytes(PDF.replace(b"1.7", b"1.4"))
    got = browser.get(f"/cases/{case.pk}/documents/{document.pk}")
    assert got.status_code == 500
    assert "no longer matches the SHA-256 recorded when it was received" in _text(got)


def test_the_same_file_received_twice_is_two_entries_and_one_stored_file(client, world, settings):
    _school, case, _officer = world
    browser = signed_in(client, "officer")
    _upload(browser, case, "gp-letter.pdf", PDF)
    _upload(browser, case, "gp-letter-copy.pdf", PDF, kind="doctor")
    assert CaseDocument.objects.count() == 2
    assert len(_stored_files(settings)) == 1
