"""Documents on a case: which files a case accepts (told by their content, not their name),
where each is kept, and reading one back only if it is still the file that was recorded.

A document is kept under `ROLLCALL_DOCUMENTS_DIR` at `<first two hex digits>/<SHA-256>`: the
name is the hash, so the same file received twice is stored once, and a file that no longer
matches its name has been changed since it was received.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from rollcall.casework.models import Case, CaseDocument


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str  # "a PDF"
    extensions: tuple[str, ...]


PDF = FileType("application/pdf", "a PDF", (".pdf",))
PNG = FileType("image/png", "a PNG image", (".png",))
JPEG = FileType("image/jpeg", "a JPEG image", (".jpg", ".jpeg"))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "a Word document",
    (".docx",),
)
DOC = FileType("application/msword", "a Word 97-2003 document", (".doc",))
TEXT = FileType("text/plain", "plain text", (".txt",))
ACCEPTED = (PDF, PNG, JPEG, DOCX, DOC, TEXT)
EXTENSIONS = tuple(extension for kind in ACCEPTED for extension in kind.extensions)

EMPTY = "The selected file is empty"
TOO_BIG = "The selected file must be smaller than {limit} MB"
UNNAMED_TYPE = "The file's name must end in " + ", ".join(EXTENSIONS)
NOT_ACCEPTED = (
    "The selected file must be a PDF, a PNG or JPEG image, a Word document or plain text: "
    "the content of {name} is none of these"
)
MISNAMED = "{name} is named as {named} but its content is {found}"

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of Word 97-2003 files
WORD_STREAM = "WordDocument".encode("utf-16-le")
TEXT_CONTROLS = {9, 10, 12, 13}  # tab, line feed, form feed, carriage return


def file_type_of(data: bytes) -> FileType | None:
    """What the bytes are, from their signature ("magic bytes"); None if not a kind accepted."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return DOCX if _is_word_package(data) else None
    if data.startswith(OLE2):
        return DOC if WORD_STREAM in data else None
    return TEXT if _is_text(data) else None


def _is_word_package(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def _is_text(data: bytes) -> bool:
    """UTF-8 (or Windows-1252, as older letters are saved) with no control characters but
    tabs, line and page breaks: never a binary file with a .txt name."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not any(ord(char) < 32 and ord(char) not in TEXT_CONTROLS for char in text)
    return False


def size_limit() -> int:
    return int(settings.ROLLCALL_DOCUMENT_MAX_MB) * 1024 * 1024


def document_problem(*, name: str, size: int | None) -> str | None:
    """Why a file cannot be taken before reading it all (empty, too big, a name rollcall
    does not take), or None."""
    if not size:
        return EMPTY
    if size > size_limit():
        return TOO_BIG.format(limit=settings.ROLLCALL_DOCUMENT_MAX_MB)
    if not name.lower().endswith(EXTENSIONS):
        return UNNAMED_TYPE
    return None


def checked_file_type(*, name: str, data: bytes) -> FileType:
    """The file's type from its content, which its name must agree with; ValueError with the
    reason otherwise."""
    problem = document_problem(name=name, size=len(data))
    if problem:
        raise ValueError(problem)
    found = file_type_of(data)
    if found is None:
        raise ValueError(NOT_ACCEPTED.format(name=name))
    if not name.lower().endswith(found.extensions):
        named = next(kind for kind in ACCEPTED if name.lower().endswith(kind.extensions))
        raise ValueError(MISNAMED.format(name=name, named=named.label, found=found.label))
    return found


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_path(sha256: str) -> Path:
    return Path(settings.ROLLCALL_DOCUMENTS_DIR) / sha256[:2] / sha256


def store(data: bytes) -> str:
    """Keep the bytes under their hash (written whole, then moved into place, so no reader ever
    sees half a file) and return the hash."""
    sha256 = sha256_of(data)
    path = stored_path(sha256)
    if path.exists() and sha256_of(path.read_bytes()) == sha256:
        return sha256
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{sha256}.{uuid.uuid4().hex}.part")
    with open(partial, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    partial.chmod(0o440)
    os.replace(partial, path)
    return sha256


class DocumentAltered(RuntimeError):
    """The stored file is missing or no longer matches the hash recorded when it came in."""


def document_bytes(document: CaseDocument) -> bytes:
    """The document as received; DocumentAltered if the stored file is gone or was changed."""
    path = stored_path(document.sha256)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocumentAltered(
            f"The file for {document.original_name} is missing from the document store"
        ) from None
    if sha256_of(data) != document.sha256:
        raise DocumentAltered(
            f"The stored file for {document.original_name} no longer matches the SHA-256 "
            "recorded when it was received"
        )
    return data


def case_documents(*, case: Case) -> list[CaseDocument]:
    """The case's documents, newest received first."""
    return list(case.documents.order_by("-received_on", "-id"))


def case_document_for(*, case: Case, document_id: int) -> CaseDocument | None:
    """A document of this case (the case itself read through `case_for`, scoped to the user)."""
    return case.documents.filter(pk=document_id).first()
