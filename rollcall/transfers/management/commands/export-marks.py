"""`rollcall export-marks --school URN`: a school's marks as long-format CSV."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rollcall.transfers.management.commands._common import date_argument, school_by_urn
from rollcall.transfers.services import marks_export


class Command(BaseCommand):
    help = (
        "Write a school's register marks (the code now in force) as CSV with the columns "
        "school_urn,upn,date,session,code, the format import-marks reads."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="the school's URN")
        parser.add_argument("--from", dest="first", type=date_argument, help="first date")
        parser.add_argument("--to", dest="last", type=date_argument, help="last date")
        parser.add_argument("--output", type=Path, help="where to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        school = school_by_urn(options["school"])
        try:
            chunks = marks_export(
                actor=None, school=school, first=options["first"], last=options["last"]
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        output: Path | None = options["output"]
        if output is None:
            for chunk in chunks:
                sys.stdout.buffer.write(chunk)
            sys.stdout.flush()
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        self.stderr.write(f"Wrote {school.name}'s marks to {output}")
