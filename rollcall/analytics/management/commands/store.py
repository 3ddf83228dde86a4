"""`rollcall store`: the analysis store that `rollcall analyse` and the dashboards read."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rollcall.analytics.source import analysis_matrix, store_directory
from rollcall.core.progress import on_terminal, progress_bar
from rollcall.engine import MarksInputError, read_marks
from rollcall.engine.store import store_info, store_save


class Command(BaseCommand):
    help = (
        "Show, rebuild or load rollcall's analysis store (a columnar copy of the registers). "
        "`rebuild` re-reads the database; `import FILE` loads a long-format marks file "
        "(school_urn,upn,date,session,code) instead, for analysing data held elsewhere."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("info", "rebuild", "import"))
        parser.add_argument("file", nargs="?", type=Path, help="marks file for `import`")
        parser.add_argument("--store", type=Path, help="store directory (default: the setting)")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = options["store"] or store_directory()
        started = time.perf_counter()
        if options["action"] == "info":
            info = store_info(directory)
            if info is None:
                self.stdout.write(f"No analysis store at {directory} yet.")
                return
            for key, value in info.meta.items():
                if key != "codes":
                    self.stdout.write(f"{key}: {value}")
            return
        if options["action"] == "rebuild":
            if options["store"]:
                raise CommandError("rebuild always writes the configured store")
            matrix = analysis_matrix(rebuild=True)
        else:
            if not options["file"]:
                raise CommandError("import needs the marks file to load")
            shown = on_terminal(self.stdout, self.stderr)
            try:
                with progress_bar(f"Reading {options['file'].name}", shown=shown) as progress:
                    matrix = read_marks(options["file"], progress)
            except MarksInputError as exc:
                raise CommandError(f"nothing was loaded:\n{exc}") from None
            store_save(matrix, directory, meta={"source": str(options["file"])})
        self.stdout.write(
            f"Analysis store at {directory}: {matrix.n_pupils:,} pupils, {len(matrix.days):,} "
            f"days, {time.perf_counter() - started:.1f}s"
        )
