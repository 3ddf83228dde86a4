"""`rollcall certificate --upn UPN --school URN --from DATE --to DATE --output PATH`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rollcall.core import clock
from rollcall.statutory.upn import InvalidUPN, upn_validate
from rollcall.transfers.management.commands._common import date_argument, school_by_urn
from rollcall.transfers.selectors import pupil_ever_at
from rollcall.transfers.services import certificate_issue


class Command(BaseCommand):
    help = (
        "Make a pupil's attendance certificate (PDF) for a period, ready for the headteacher "
        "to sign. Its SHA-256 and template version are recorded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--upn", required=True)
        parser.add_argument("--school", required=True, help="the school's URN")
        parser.add_argument("--from", dest="first", type=date_argument, required=True)
        parser.add_argument("--to", dest="last", type=date_argument, required=True)
        parser.add_argument("--output", type=Path, required=True, help="the PDF to write")

    def handle(self, *args: Any, **options: Any) -> None:
        school = school_by_urn(options["school"])
        try:
            upn = upn_validate(options["upn"])
        except InvalidUPN as exc:
            raise CommandError(str(exc)) from None
        pupil = pupil_ever_at(school=school, upn=upn)
        if pupil is None:
            raise CommandError(f"{upn} has never been on roll at {school.name}")
        try:
            certificate, pdf = certificate_issue(
                actor=None,
                school=school,
                pupil=pupil,
                first=options["first"],
                last=options["last"],
                generated_at=clock.now(),
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        output: Path = options["output"]
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(pdf)
        self.stdout.write(
            f"Wrote certificate {certificate.reference} to {output} "
            f"(SHA-256 {certificate.sha256}, {certificate.template_version})"
        )
