"""`rollcall worklist_summary`: recompute the database's summary of each child's open work.

The database keeps the summary the worklist ranks children by as worklist items, cases and
tasks change (`rollcall.casework.child_work`). Run this after restoring a backup taken with
triggers disabled, or to check it: it prints how many children's rows it had to change
(0 when the summary was right).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from rollcall.casework.child_work import child_work_rebuild
from rollcall.casework.models import ChildWorkSummary

_FIELDS = ("pupil_id", "school_id", "severe", "first_met", "has_case", "next_due", "first_date")


class Command(BaseCommand):
    help = "Recompute the summary of each child's open work that the worklist is ranked by."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            before = set(ChildWorkSummary.objects.values_list(*_FIELDS))
            child_work_rebuild()
            after = set(ChildWorkSummary.objects.values_list(*_FIELDS))
        changed = len({row[:2] for row in before ^ after})
        self.stdout.write(
            f"{len(after):,} children with open work; {changed:,} children's rows corrected"
        )
