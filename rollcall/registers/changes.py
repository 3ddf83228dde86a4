"""Telling whoever keeps a copy of the registers that marks changed.

The analysis store (rollcall.analytics) is a columnar copy of the marks, brought up to date in
the background. Registers sit below analytics and know nothing of it: a service that records or
amends marks calls `marks_changed()`, and analytics, when it starts, registers what to do then
(queue a refresh). Listeners run after the transaction commits, so a save that is rolled back
asks for nothing, and a listener's failure cannot undo a save.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)

Listener = Callable[[], object]
LISTENERS: dict[str, Listener] = {}


def on_marks_changed(name: str, listener: Listener) -> None:
    LISTENERS[name] = listener


def marks_changed() -> None:
    """Call inside the transaction that recorded or amended marks."""
    transaction.on_commit(_tell_listeners)


def _tell_listeners() -> None:
    for name, listener in LISTENERS.items():
        try:
            listener()
        except Exception:
            # The marks are saved; a copy that is not refreshed now is refreshed by the next
            # save or the next page that finds it behind.
            logger.exception("could not tell %s that marks changed", name)
