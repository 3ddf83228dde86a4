"""`rollcall sweep [--on DATE]`: turn newly met triggers into worklist items for schools.

Run nightly from cron (docs/operations.md). Safe to run twice: a trigger already listed for a
pupil, open or done, is never listed again.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rollcall.analytics.selectors import SweepSchool, on_roll_pairs, sweep_schools
from rollcall.analytics.services import worklist_items_record
from rollcall.analytics.source import (
    analysis_matrix,
    dates_of_birth_from_database,
    history_from_database,
)
from rollcall.analytics.sweep import sweep_candidates
from rollcall.casework.services.cases import cases_open_from_worklist
from rollcall.core import clock
from rollcall.engine.store import StoreError
from rollcall.policies import PolicyError, load_profile


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a date in the form YYYY-MM-DD, got {value!r}"
        ) from None


class Command(BaseCommand):
    help = (
        "Find every attendance trigger met up to a date (the national threshold, 10 days' "
        "continuous absence, uncorrected N codes, persistent and severe absence and each "
        "school's local triggers) and add the new ones to the schools' worklists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", type=_date, help="the date to sweep up to (default: today)")
        parser.add_argument(
            "--since",
            type=_date,
            help="list thresholds met and holidays taken from this date (default: the start "
            "of the school year); earlier ones are history",
        )
        parser.add_argument(
            "--no-cases",
            dest="cases",
            action="store_false",
            help="record the worklist only; open no cases (triggers the policy says open one "
            "are opened by the next sweep)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = options["on"] or clock.today()
        since = options["since"]
        if since and since > on:
            raise CommandError(f"--since {since} is after --on {on}")
        schools = sweep_schools()
        self._check_profiles(schools)
        try:
            matrix = analysis_matrix()
        except StoreError as exc:
            raise CommandError(str(exc)) from None
        findings = sweep_candidates(
            matrix,
            on=on,
            profile_of={urn: entry.profile_key for urn, entry in schools.items()},
            on_roll=on_roll_pairs(on=on),
            since=since,
            history=history_from_database(),
            dates_of_birth=dates_of_birth_from_database(),
        )
        try:
            result = worklist_items_record(
                actor=None,
                on=on,
                candidates=findings.candidates,
                thresholds_met=findings.thresholds_met,
                since=findings.since,
            )
        except ValidationError as exc:
            raise CommandError("nothing was recorded:\n" + "\n".join(exc.messages)) from None
        self.stdout.write(
            f"Sweep to {on:%-d %B %Y}: {findings.triggers:,} triggers met "
            f"({findings.earlier:,} before {findings.since:%-d %B %Y}, "
            f"{findings.not_on_roll:,} for pupils no longer on that school's roll); "
            f"{result.created:,} new worklist items, {result.already_listed:,} already listed, "
            f"{result.withdrawn:,} withdrawn (no longer met), {result.reopened:,} reopened (met "
            "again)."
        )
        for urn, count in sorted(result.by_school.items()):
            self.stdout.write(f"  {schools[urn].school.name} (URN {urn}): {count:,} new")
        if not options["cases"]:
            return
        cases = cases_open_from_worklist(on=on)
        self.stdout.write(
            f"Cases: {cases.opened:,} opened by triggers that open one in the school's policy "
            f"profile; {cases.skipped:,} not opened (the child already has an open case there)."
        )

    def _check_profiles(self, schools: dict[str, SweepSchool]) -> None:
        """Every school's policy profile must load before anything is found or recorded."""
        problems = []
        for key in sorted({entry.profile_key for entry in schools.values()}):
            try:
                load_profile(key)
            except PolicyError as exc:
                names = sorted(e.school.name for e in schools.values() if e.profile_key == key)
                problems.append(f"policy profile {key!r} (used by {', '.join(names)}): {exc}")
        if problems:
            raise CommandError("nothing was recorded:\n" + "\n".join(problems))
