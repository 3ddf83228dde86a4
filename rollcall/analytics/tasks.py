"""Bringing the analysis store up to date in the background, run by `rollcall db_worker` from
the database-backed queue (django-tasks; docs/operations.md). Pages never build the store: they
read it as it is and ask for this job when the registers have moved on (ADR 0021)."""

from __future__ import annotations

import time

from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from rollcall.analytics.source import analysis_matrix

QUEUE = "analytics"


@task(queue_name=QUEUE)
def store_refresh_task() -> dict[str, int]:
    """Add the marks taken or amended since the store was saved (or build it afresh)."""
    matrix = analysis_matrix()
    return {"pupils": matrix.n_pupils, "days": len(matrix.days)}


# A process that found or queued a waiting refresh this recently does not look again.
RECHECK_SECONDS = 1.0
_waiting_seen_at: list[float] = []  # time.monotonic() of the last look that found one waiting


def store_refresh_request(*, now: float | None = None) -> bool:
    """Queue one refresh unless one is already waiting to start: a hundred register saves in a
    minute need one refresh after them, not a hundred. One that is running may have read the
    registers before the latest save, so it does not count. True if one was queued.

    Within RECHECK_SECONDS of finding or queuing one, this process does not look again: with
    twenty teachers saving at once, the look was a tenth of a save's time on PostgreSQL and put
    the slowest saves over their target (docs/benchmarks.md). A save that skips the look is
    in the refresh that was waiting, unless it had started by then; those marks are added by
    the next save's refresh, or the first page to find the store behind asks for one."""
    moment = time.monotonic() if now is None else now
    if _waiting_seen_at and 0 <= moment - _waiting_seen_at[0] < RECHECK_SECONDS:
        return False
    waiting = DBTaskResult.objects.filter(
        task_path=store_refresh_task.module_path, status=TaskResultStatus.READY
    ).exists()
    if not waiting:
        store_refresh_task.enqueue()
    _waiting_seen_at[:] = [moment]
    return not waiting


def store_refresh_forget() -> None:
    """Look again at the next request (tests, whose queued refreshes are rolled back)."""
    _waiting_seen_at.clear()
