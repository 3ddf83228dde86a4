"""Writes for casework: the chronology of contacts, and cases with their stages and tasks."""

from rollcall.casework.services.chronology import (
    REASON_NEEDED,
    chronology_entry_add,
    contact_summary,
)

__all__ = ["REASON_NEEDED", "chronology_entry_add", "contact_summary"]
