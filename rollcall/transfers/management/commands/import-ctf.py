"""`rollcall import-ctf FILE`: import a CTF (pupils, contacts, attendance at earlier schools)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rollcall.core import clock
from rollcall.transfers.ctf.reader import ctf_read
from rollcall.transfers.management.commands._common import (
    acting_user,
    date_argument,
    file_bytes,
    refusal,
    school_by_laestab,
    school_by_urn,
)
from rollcall.transfers.problems import ImportRefused
from rollcall.transfers.services import ctf_import


class Command(BaseCommand):
    help = (
        "Import a CTF: create or match its pupils by UPN, add their contacts, and keep their "
        "earlier schools' attendance as their history. All or nothing: a bad element refuses "
        "the file, naming the element."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CTF (.xml)")
        parser.add_argument(
            "--by",
            required=True,
            metavar="USERNAME",
            help="the person importing: the import is held to their role and the register lock",
        )
        parser.add_argument(
            "--school",
            help="URN of the school importing it (default: the CTF's destination school)",
        )
        parser.add_argument(
            "--admit-on",
            type=date_argument,
            help="admit pupils not already on roll at the school on this date (YYYY-MM-DD)",
        )
        parser.add_argument("--year-group", default="", help="year group for those admitted")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        data = file_bytes(path)
        user = acting_user(options["by"])
        urn = options["school"]
        try:
            if urn:
                school = school_by_urn(urn)
            else:
                destination = ctf_read(data, path.name).destination
                if destination is None:
                    raise CommandError(
                        "The CTF does not name its destination school; give --school URN"
                    )
                if destination.urn:
                    school = school_by_urn(destination.urn)
                else:
                    school = school_by_laestab(destination.lea, destination.estab)
            result = ctf_import(
                actor=user,
                data=data,
                name=path.name,
                school=school,
                today=clock.today(),
                admitted_on=options["admit_on"],
                year_group=options["year_group"],
            )
        except ImportRefused as exc:
            raise refusal(self, exc) from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        for note in result.notes:
            self.stdout.write(note)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {path.name}: {result.pupils_created} new pupil(s), "
                f"{result.pupils_matched} already known, {result.contacts_created} contact(s), "
                f"{result.marks_created:,} sessions of attendance at earlier schools kept and "
                f"{result.marks_unchanged:,} already held."
            )
        )
