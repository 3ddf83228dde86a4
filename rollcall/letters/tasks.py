"""Background tasks for letters, run by `rollcall db_worker` from the database-backed queue
(django-tasks with its database backend; docs/operations.md)."""

from __future__ import annotations

from django_tasks import task

from rollcall.letters.models import LetterBatchRun
from rollcall.letters.services.bulk import letter_batch_run


@task(queue_name="letters")
def letter_batch_run_task(batch_id: int, number: int) -> dict[str, int]:
    """One run of a batch of letters; the batch page reads its progress from the records."""
    run = LetterBatchRun.objects.select_related("batch__school", "batch__requested_by").get(
        batch_id=batch_id, number=number
    )
    end = letter_batch_run(run=run)
    return {"issued": end.issued, "emailed": end.emailed, "refused": end.refused}
