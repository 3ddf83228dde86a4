"""Writes for registers. Each module holds one area; everything public is re-exported here."""

from rollcall.registers.services.mark_columns import MarkColumns
from rollcall.registers.services.marks import (
    CLOSED_SESSION_CODES,
    MarkChecker,
    MarkInput,
    MarkProblem,
    MarksRejected,
    mark_amend,
    mark_record,
)
from rollcall.registers.services.marks_bulk import (
    AmendmentInput,
    BulkResult,
    marks_bulk_amend,
    marks_bulk_record,
)

__all__ = [
    "CLOSED_SESSION_CODES",
    "AmendmentInput",
    "BulkResult",
    "MarkChecker",
    "MarkColumns",
    "MarkInput",
    "MarkProblem",
    "MarksRejected",
    "mark_amend",
    "mark_record",
    "marks_bulk_amend",
    "marks_bulk_record",
]
from rollcall.registers.services.arrangements import (
    other_school_sessions_set,
    other_school_sessions_validate,
    part_time_timetable_save,
    part_time_timetable_validate,
)
from rollcall.registers.services.corrections import mark_correct, n_codes_correct
from rollcall.registers.services.leave import (
    leave_decide,
    leave_request_record,
    leave_response_record,
)
from rollcall.registers.services.lock import (
    Write,
    register_closed_to,
    register_lock_note,
    register_write_refusal,
)
from rollcall.registers.services.register_taking import (
    RegisterEntry,
    RegisterProblem,
    RegisterSaved,
    arrival_code,
    register_take,
)

__all__ += [
    "RegisterEntry",
    "RegisterProblem",
    "RegisterSaved",
    "Write",
    "arrival_code",
    "leave_decide",
    "leave_request_record",
    "leave_response_record",
    "mark_correct",
    "n_codes_correct",
    "other_school_sessions_set",
    "other_school_sessions_validate",
    "part_time_timetable_save",
    "part_time_timetable_validate",
    "register_closed_to",
    "register_lock_note",
    "register_take",
    "register_write_refusal",
]
