"""Writes for registers. Each module holds one area; everything public is re-exported here."""

from rollcall.registers.services.marks import (
    CLOSED_SESSION_CODES,
    AmendmentInput,
    BulkResult,
    MarkChecker,
    MarkInput,
    MarkProblem,
    MarksRejected,
    mark_amend,
    mark_record,
    marks_bulk_amend,
    marks_bulk_record,
)

__all__ = [
    "CLOSED_SESSION_CODES",
    "AmendmentInput",
    "BulkResult",
    "MarkChecker",
    "MarkInput",
    "MarkProblem",
    "MarksRejected",
    "mark_amend",
    "mark_record",
    "marks_bulk_amend",
    "marks_bulk_record",
]
