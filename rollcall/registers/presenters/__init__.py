"""Turn registers, marks and their histories into what the pages show; templates hold no logic."""

from rollcall.registers.presenters.common import register_url
from rollcall.registers.presenters.corrections import (
    NFilters,
    mark_page,
    n_codes_page,
    pupil_page,
)
from rollcall.registers.presenters.taking import (
    index_page,
    missing_page,
    register_page,
    rest_present_notice,
    saved_message,
)

__all__ = [
    "NFilters",
    "index_page",
    "mark_page",
    "missing_page",
    "n_codes_page",
    "pupil_page",
    "register_page",
    "register_url",
    "rest_present_notice",
    "saved_message",
]
