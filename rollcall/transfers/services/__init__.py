"""Writes for transfers. Each module holds one area; everything public is re-exported here."""

from rollcall.transfers.services.certificate_issue import certificate_issue
from rollcall.transfers.services.ctf_import import CtfImportResult, ctf_import
from rollcall.transfers.services.exports import ctf_export, marks_export
from rollcall.transfers.services.marks_import import MarksImportResult, marks_file_import

__all__ = [
    "CtfImportResult",
    "MarksImportResult",
    "certificate_issue",
    "ctf_export",
    "ctf_import",
    "marks_export",
    "marks_file_import",
]
