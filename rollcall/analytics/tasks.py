"""Bringing the analysis store up to date in the background, run by `rollcall db_worker` from
the database-backed queue (django-tasks; docs/operations.md). Pages never build the store: they
read it as it is and ask for this job when the registers have moved on (ADR 0021)."""

from __future__ import annotations

from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from rollcall.analytics.source import analysis_matrix

QUEUE = "analytics"


@task(queue_name=QUEUE)
def store_refresh_task() -> dict[str, int]:
    """Add the marks taken or amended since the store was saved (or build it afresh)."""
    matrix = analysis_matrix()
    return {"pupils": matrix.n_pupils, "days": len(matrix.days)}


def store_refresh_request() -> bool:
    """Queue one refresh unless one is already waiting to start: a hundred register saves in a
    minute need one refresh after them, not a hundred. One that is running may have read the
    registers before the latest save, so it does not count. True if one was queued."""
    waiting = DBTaskResult.objects.filter(
        task_path=store_refresh_task.module_path, status=TaskResultStatus.READY
    ).exists()
    if waiting:
        return False
    store_refresh_task.enqueue()
    return True
