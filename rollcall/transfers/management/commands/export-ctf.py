"""`rollcall export-ctf --upn UPN --school URN`: a leaver's CTF with their attendance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rollcall.core import clock
from rollcall.statutory.upn import InvalidUPN, upn_validate
from rollcall.transfers.management.commands._common import school_by_urn, write_output
from rollcall.transfers.selectors import pupil_ever_at
from rollcall.transfers.services import ctf_export


class Command(BaseCommand):
    help = "Write a Common Transfer File for one pupil leaving a school, with their attendance."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--upn", required=True)
        parser.add_argument("--school", required=True, help="URN of the school they are leaving")
        parser.add_argument("--dest-urn", help="URN of the school they are going to, if known")
        parser.add_argument(
            "--output", type=Path, help="where to write it (default: standard output)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school = school_by_urn(options["school"])
        try:
            upn = upn_validate(options["upn"])
        except InvalidUPN as exc:
            raise CommandError(str(exc)) from None
        pupil = pupil_ever_at(school=school, upn=upn)
        if pupil is None:
            raise CommandError(f"{upn} has never been on roll at {school.name}")
        destination = school_by_urn(options["dest_urn"]) if options["dest_urn"] else None
        try:
            name, content = ctf_export(
                actor=None,
                school=school,
                pupil=pupil,
                destination=destination,
                generated_at=clock.now(),
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        write_output(self, content, options["output"], f"the CTF ({name})")
