"""`rollcall demo`: build the demo local authority, or write its marks to a file.

The demo is built for the day it is loaded (`--today`, default today): its terms run through
the current school year, its registers cover about 18 months up to the latest school day, whose
registers are partly taken, and the nightly sweep has run, so every page has work on it.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rollcall.analytics.source import analysis_matrix
from rollcall.casework.services.cases import cases_open_from_worklist
from rollcall.core import clock
from rollcall.demo.cases import load_demo_cases
from rollcall.demo.files import write_marks_file
from rollcall.demo.load import load_world
from rollcall.demo.terms import DemoDates, demo_dates
from rollcall.demo.world import build_world
from rollcall.organisations.models import School
from rollcall.policies import available_profiles
from rollcall.statutory.years import school_year_start


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"dates must be in the form YYYY-MM-DD, got {value!r}") from None


def _time(value: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--time must be in the form HH:MM, got {value!r}") from None


class Command(BaseCommand):
    help = (
        "Load a made-up local authority (schools, trusts, families, pupils and about 18 months "
        "of registers up to the latest school day), or with --marks-file write its marks to "
        "CSV/Parquet."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="same seed, same demo")
        parser.add_argument("--pupils", type=int, default=3000, help="about how many pupils")
        parser.add_argument(
            "--reset", action="store_true", help="empty the database first (destroys its data)"
        )
        parser.add_argument(
            "--today",
            type=_date,
            help="the day the demo is loaded on, YYYY-MM-DD (default: today); same seed and "
            "day, same demo",
        )
        parser.add_argument(
            "--time",
            type=_time,
            help="the time of day it is loaded at, HH:MM (default: now when --today is not "
            "given, else the end of the day); before 13:15 no afternoon register is taken yet",
        )
        parser.add_argument(
            "--no-sweep",
            dest="sweep",
            action="store_false",
            help="leave the worklist empty, as before the nightly sweep has run",
        )
        parser.add_argument(
            "--profile",
            choices=available_profiles(),
            help="run the whole authority (its trusts too) under this policy profile "
            "(default: national, with one trust under its own)",
        )
        parser.add_argument(
            "--marks-file",
            type=Path,
            help="write long-format marks here instead (.csv or .parquet)",
        )
        parser.add_argument("--from", dest="first", type=_date, help="first date in the marks file")
        parser.add_argument("--to", dest="last", type=_date, help="last date in the marks file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["pupils"] < 10:
            raise CommandError("--pupils must be at least 10")
        started = time.perf_counter()
        dates = self._dates(options["today"], options["time"])
        world = build_world(seed=options["seed"], pupils=options["pupils"], dates=dates)
        if options["marks_file"]:
            rows = write_marks_file(
                world, options["marks_file"], first=options["first"], last=options["last"]
            )
            self.stdout.write(
                f"Wrote {rows:,} marks for {len(world.pupils):,} pupils to {options['marks_file']} "
                f"in {time.perf_counter() - started:.1f}s"
            )
            return
        if School.objects.exists():
            if not options["reset"]:
                raise CommandError(
                    "The database already holds schools. Run `rollcall demo --reset` to replace "
                    "everything in it with the demo (this deletes its data)."
                )
            call_command("flush", interactive=False, verbosity=0)
        self.stdout.write(
            f"Building the demo local authority (seed {options['seed']}) for "
            f"{dates.today:%A %-d %B %Y} …"
        )
        summary = load_world(
            world,
            profile=options["profile"],
            progress=lambda message: self.stdout.write(f"  {message}"),
        )
        if options["sweep"]:
            # The nightly sweep, as of the load date; events count from the start of the
            # latest school day's school year (the default when the load date is in term).
            since = school_year_start(dates.latest)
            call_command(
                "sweep",
                "--on",
                dates.today.isoformat(),
                "--since",
                since.isoformat(),
                "--no-cases",
                stdout=self.stdout,
            )
            # The demo's officers have worked some cases for weeks; then the sweep opens the
            # cases its policy opens by itself.
            cases = load_demo_cases(today=dates.today, seed=options["seed"])
            opened = cases_open_from_worklist(on=dates.today)
            self.stdout.write(
                f"  {cases.opened} cases walked through their stages by the demo's officers "
                f"({cases.closed} closed); {opened.opened} opened by the sweep where the policy "
                f"opens one; {cases.leave_requests} leave requests decided by the headteacher"
            )
        # The attendance pages read the analysis store and never build it: build it now, so
        # the first page is as quick as the rest (the sweep may have built it before the
        # cases added marks; this adds them).
        store_started = time.perf_counter()
        analysis_matrix()
        self.stdout.write(
            f"  Attendance figures prepared in {time.perf_counter() - store_started:.0f}s"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {summary.schools} schools, {summary.pupils:,} pupils, "
                f"{summary.marks:,} register marks and {summary.amendments:,} amendments "
                f"in {time.perf_counter() - started:.0f}s: registers from "
                f"{dates.first:%-d %B %Y} to {dates.latest:%A %-d %B %Y}, some of that day's "
                "still to take."
            )
        )
        self.stdout.write("")
        self.stdout.write("Sign in with any of these accounts:")
        width = max(len(a.username) for a in summary.accounts)
        for account in summary.accounts:
            self.stdout.write(
                f"  {account.username:<{width}}  {account.role} — {account.organisation}"
            )
        self.stdout.write(f"Password for every demo account: {summary.password}")

    @staticmethod
    def _dates(today: dt.date | None, at: dt.time | None) -> DemoDates:
        if today is None:
            now = clock.local_now()  # the clock, read once
            return demo_dates(now.date(), at or now.time().replace(tzinfo=None))
        return demo_dates(today, at or dt.time(23, 59))
