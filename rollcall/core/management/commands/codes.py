"""`rollcall codes [CODE] [--on DATE] [--format table|json]`: what the attendance codes mean.

rollcall codes                       codes in force today
rollcall codes --on 2024-01-15       the codes in force on that day (the 2006 set)
rollcall codes C2                    what C2 means, in every era it has existed
rollcall codes --format json         the same, as JSON for scripts
"""

from __future__ import annotations

import json
import re
from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rollcall.core import clock
from rollcall.statutory import (
    AttendanceCode,
    BeforeStatutoryData,
    UnknownCode,
    code_history,
    codes_on,
)

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BAD_DATE = "--on must be a date in the form YYYY-MM-DD, got {value!r}"


def parse_on(value: str | None) -> date:
    """The --on date; without one, today in England."""
    if value is None:
        return clock.today()
    # date.fromisoformat also accepts forms like 20250115; users are told YYYY-MM-DD, so only that.
    if not ISO_DATE.match(value):
        raise CommandError(BAD_DATE.format(value=value))
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(BAD_DATE.format(value=value)) from None


def find_history(code: str) -> list[AttendanceCode]:
    """All eras of a code; 'c2' finds C2, but '/' and '\\' stay distinct."""
    try:
        return code_history(code)
    except UnknownCode:
        if code.upper() != code:
            try:
                return code_history(code.upper())
            except UnknownCode:
                pass
        raise CommandError(str(UnknownCode(code))) from None


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def format_period(entry: AttendanceCode) -> str:
    if entry.in_force_to is None:
        return f"from {long_date(entry.in_force_from)}"
    return f"{long_date(entry.in_force_from)} to {long_date(entry.in_force_to)}"


def codes_table(entries: list[AttendanceCode], on: date) -> str:
    rows = [("Code", "Meaning", "Category", "Counts toward threshold")]
    rows += [
        (
            entry.code + (" *" if entry.legacy else ""),
            entry.meaning,
            entry.category.label,
            "yes" if entry.counts_for_threshold else "no",
        )
        for entry in entries
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines = [f"Attendance codes in force on {on:%A} {long_date(on)}", ""]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[3]]).rstrip())
    if any(entry.legacy for entry in entries):
        lines += ["", "* meaning from rules no longer in force (before 19 August 2024)"]
    return "\n".join(lines)


def code_explanation(history: list[AttendanceCode], on: date) -> str:
    lines: list[str] = []
    for entry in history:
        marker = f"  <- in force on {on.isoformat()}" if entry.in_force_on(on) else ""
        lines += [
            f"{entry.code}: {entry.meaning}",
            f"  In force:       {format_period(entry)}{marker}",
            f"  Category:       {entry.category.label}",
            f"  Register table: {entry.register_table.value.replace('_', ' ')}",
            f"  Counts toward the penalty-notice threshold: "
            f"{'yes' if entry.counts_for_threshold else 'no'}",
            f"  {entry.description}",
            f"  Source: {entry.citation}",
            "",
        ]
    if not any(entry.in_force_on(on) for entry in history):
        lines.append(f"{history[0].code} is not an attendance code in force on {on.isoformat()}.")
    return "\n".join(lines).rstrip()


class Command(BaseCommand):
    help = "List the attendance codes in force on a date, or explain what one code means."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("code", nargs="?", help="a code to explain, for example C2")
        parser.add_argument(
            "--on",
            metavar="DATE",
            help="the date, as YYYY-MM-DD (default: today in England)",
        )
        parser.add_argument(
            "--format", choices=["table", "json"], default="table", help="output format"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = parse_on(options["on"])
        if options["code"]:
            entries = find_history(options["code"])
        else:
            try:
                entries = codes_on(on)
            except BeforeStatutoryData as error:
                raise CommandError(str(error)) from None
        if options["format"] == "json":
            self.stdout.write(
                json.dumps([entry.as_dict() for entry in entries], indent=2, ensure_ascii=False)
            )
        elif options["code"]:
            self.stdout.write(code_explanation(entries, on))
        else:
            self.stdout.write(codes_table(entries, on))
