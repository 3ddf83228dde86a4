"""rollcall letters-bulk: letters in bulk from the command line.

    rollcall letters-bulk --school 100002 --by officer --letter attendance_concern \\
        --list persistent_absence --met-from 2024-12-09 --met-to 2024-12-13 \\
        --period-from 2024-09-02 --period-to 2024-12-13            # the preview only
    rollcall letters-bulk ... --send [--print-to letters.pdf]      # make the batch and run it
    rollcall letters-bulk --school 100002 --by officer --batch LB-28C9WSZS  # run it again

(`--batch` takes the reference `--send` printed, such as LB-28C9WSZS.)

The preview says who gets which letter by which channel and who cannot be reached and why.
`--send` makes the batch and runs it in this process, with a progress bar on a terminal and
nothing but the summary when the output is piped. Running a batch again sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rollcall.core import clock
from rollcall.core.progress import on_terminal, progress_bar
from rollcall.letters.bulk_plan import EVERY_OPEN_CASE, batch_plan
from rollcall.letters.models import LetterBatch
from rollcall.letters.services.bulk import (
    batch_print_pdf,
    letter_batch_create,
    letter_batch_run,
    letter_batch_run_start,
)
from rollcall.organisations.models import School


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class Command(BaseCommand):
    help = "Preview and send one letter to every parent of the children in a list at a school"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="The school's URN")
        parser.add_argument("--by", required=True, help="The username sending the letters")
        parser.add_argument("--letter", help="The letter's key (attendance_concern, ...)")
        parser.add_argument(
            "--list",
            default=EVERY_OPEN_CASE,
            help=f"A trigger kind the sweep finds, or {EVERY_OPEN_CASE} (the default)",
        )
        parser.add_argument("--met-from", type=_date, help="First day the trigger was met")
        parser.add_argument("--met-to", type=_date, help="Last day the trigger was met")
        parser.add_argument("--period-from", type=_date, help="The letters' figures from")
        parser.add_argument("--period-to", type=_date, help="The letters' figures to")
        parser.add_argument("--send", action="store_true", help="Make the batch and run it")
        parser.add_argument("--batch", help="Run an existing batch again (its reference)")
        parser.add_argument("--print-to", type=Path, help="Write the print file here")
        parser.add_argument(
            "--renderers", type=int, default=None, help="Processes rendering letters"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(urn=options["school"]).first()
        if school is None:
            raise CommandError(f"No school with URN {options['school']}")
        user = get_user_model().objects.filter(username=options["by"]).first()
        if user is None:
            raise CommandError(f"No user {options['by']}")
        if options["batch"]:
            batch = LetterBatch.objects.filter(school=school, reference=options["batch"]).first()
            if batch is None:
                raise CommandError(f"No batch {options['batch']} at {school.name}")
            self._run(batch, user, options)
            return
        if not options["letter"]:
            raise CommandError("Give --letter, or --batch to run a batch again")
        arguments = {
            "school": school,
            "letter_key": options["letter"],
            "list_kind": options["list"],
            "met_from": options["met_from"],
            "met_to": options["met_to"],
            "period_from": options["period_from"],
            "period_to": options["period_to"],
            "on": clock.today(),
        }
        try:
            if not options["send"]:
                self._preview(batch_plan(user=user, **arguments))
                return
            batch = letter_batch_create(actor=user, **arguments)
        except ValidationError as refusal:
            raise CommandError("; ".join(refusal.messages)) from None
        self.stdout.write(f"Batch {batch.reference}: {batch.items.count()} letters")
        self._run(batch, user, options)

    def _preview(self, plan: Any) -> None:
        out = self.stdout
        out.write(f"{plan.title}: {plan.list_label}")
        out.write(f"{len(plan.letters)} letters ({plan.by_post} by post, {plan.by_email} by email)")
        for letter in plan.letters:
            to = letter.sent_to.replace("\n", ", ")
            out.write(
                f"  {letter.child}\t{letter.parent} ({letter.relationship})\t{letter.channel}\t{to}"
            )
        if plan.left_out:
            out.write(f"{len(plan.left_out)} children get no letter:")
            for left in plan.left_out:
                out.write(f"  {left.child}: {left.reason}")
        out.write("Nothing sent: add --send to send these letters.")

    def _run(self, batch: LetterBatch, user: Any, options: dict[str, Any]) -> None:
        run = letter_batch_run_start(actor=user, batch=batch)
        shown = on_terminal(self.stdout, sys.stderr)
        with progress_bar(f"Letters {batch.reference}", shown=shown, unit=" letters") as bar:
            end = letter_batch_run(run=run, renderers=options["renderers"], progress=bar)
        self.stdout.write(
            f"{batch.reference} run {run.number}: {end.issued} letters issued, {end.emailed} "
            f"emailed, {end.refused} children not finished; {end.print_letters} letters to post "
            f"({end.print_pages} pages)"
        )
        for refusal in run.refusals.all():
            self.stdout.write(f"  not finished: {refusal.reason}")
        if options["print_to"] and end.print_sha256:
            options["print_to"].write_bytes(batch_print_pdf(end=end))
            self.stdout.write(f"Print file: {options['print_to']}")
