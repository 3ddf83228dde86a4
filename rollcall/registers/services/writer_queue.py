"""Register saves on SQLite wait for the write lock in a queue, not in SQLite's busy handler.

SQLite admits one writer at a time. A writer that finds the lock taken sleeps in SQLite's busy
handler for 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50 and then 100 milliseconds between tries,
so when a school's teachers all press Save at once most of them sleep long after the lock has
come free: with twenty saves of about 2 ms each, the unlucky ones waited 150-250 ms. An
exclusive `flock` on a file beside the database is a queue the kernel wakes at once when the
holder lets go, so register saves take it before starting their write transaction (ADR 0006).
So do API pushes and marks-file imports, whose write transactions last about a second: a save
that arrives meanwhile starts the moment they commit, and cannot run out of SQLite's 5-second
busy timeout behind two of them. Other writers meet SQLite's own lock as before, which stays
the guarantee of one writer at a time. PostgreSQL locks rows and needs none of this.
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation


@contextmanager
def writers_queue() -> Iterator[None]:
    """Hold the SQLite database's writers' queue (see the module docstring) for the block."""
    if (
        connection.vendor != "sqlite"
        or SQLiteCreation.is_in_memory_db(connection.settings_dict["NAME"])
        # Inside a caller's transaction the write lock may already be ours: queueing then
        # could wait on a save that is itself waiting for us.
        or connection.in_atomic_block
    ):
        yield
        return
    with queue_turn(f"{connection.settings_dict['NAME']}-writers.lock"):
        yield


# One register save at a time in each process on SQLite (savers_in_this_process).
_PROCESS_SAVERS = threading.Lock()


@contextmanager
def savers_in_this_process() -> Iterator[None]:
    """On SQLite, let one thread of this process save a register at a time, from its first
    read to its commit.

    Threads of one process share one interpreter, so two saves' Python only interleaves, each
    taking longer; and a save holding the writers' queue then waits for the interpreter behind
    the others' checks while every other saver waits for it. With twenty saves at once in one
    process, p95 was 88-100 ms with the checks run side by side and 54-57 ms taking turns.
    Across processes nothing changes: their checks still run side by side on the cores, and only
    the writes queue. PostgreSQL's saves wait on the server, not the interpreter: no turn."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with _PROCESS_SAVERS:
        yield


@contextmanager
def queue_turn(path: str) -> Iterator[None]:
    """Wait for, then hold, an exclusive lock on the file at `path`."""
    with open(path, "a") as queue:
        fcntl.flock(queue, fcntl.LOCK_EX)  # waits without holding the GIL
        try:
            yield
        finally:
            fcntl.flock(queue, fcntl.LOCK_UN)
