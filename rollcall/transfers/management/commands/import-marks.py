"""`rollcall import-marks FILE`: import a long-format marks file (CSV or Parquet)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rollcall.core import clock
from rollcall.core.progress import on_terminal, progress_bar
from rollcall.transfers.management.commands._common import (
    acting_user,
    file_bytes,
    lock_override,
    refusal,
)
from rollcall.transfers.problems import ImportRefused
from rollcall.transfers.services import marks_file_import


class Command(BaseCommand):
    help = (
        "Import register marks from a CSV or Parquet file with exactly the columns "
        "school_urn,upn,date,session,code. All or nothing: every problem is listed by row "
        "(data rows count from 1; in a CSV, row n is on line n+1) and nothing is saved."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a .csv or .parquet file")
        parser.add_argument(
            "--by",
            required=True,
            metavar="USERNAME",
            help="the person importing: the import is held to their role and the register lock",
        )
        parser.add_argument(
            "--reason",
            default="",
            help="why marks already recorded are being changed (needed if any are)",
        )
        parser.add_argument(
            "--override-lock",
            action="store_true",
            help="an administrator's explicit override of the register lock (needs --reason)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        started = time.perf_counter()
        user = acting_user(options["by"])
        override = lock_override(options, user)
        shown = on_terminal(self.stdout, self.stderr)
        try:
            with progress_bar(f"Recording {path.name}", shown=shown) as progress:
                result = marks_file_import(
                    actor=user,
                    data=file_bytes(path),
                    name=path.name,
                    reason=options["reason"],
                    today=clock.today(),
                    override_lock=override,
                    progress=progress,
                )
        except ImportRefused as exc:
            raise refusal(self, exc) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {path.name}: {result.created:,} marks recorded, {result.amended:,} "
                f"amended, {result.unchanged:,} already recorded "
                f"({time.perf_counter() - started:.1f}s)."
            )
        )
