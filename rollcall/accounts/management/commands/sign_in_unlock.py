"""`rollcall sign_in_unlock`: end a sign-in lockout now, instead of at the end of its cool-off.

rollcall sign_in_unlock priya [--by admin]
rollcall sign_in_unlock --ip 203.0.113.7
rollcall sign_in_unlock --list

Unlocking is written to the audit log (`--by` names who did it).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rollcall.accounts.services import sign_in_unlock


class Command(BaseCommand):
    help = "End sign-in lockouts for usernames or addresses, or list recorded failed sign-ins."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("usernames", nargs="*", help="usernames to unlock")
        parser.add_argument(
            "--ip", action="append", default=[], dest="addresses", help="an address to unlock"
        )
        parser.add_argument("--by", help="username of the person unlocking, for the audit log")
        parser.add_argument("--list", action="store_true", help="list failed sign-ins recorded")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self._list()
            return
        actor = None
        if options.get("by"):
            actor = User.objects.filter(username=options["by"]).first()
            if actor is None:
                raise CommandError(f"--by: there is no user called {options['by']!r}")
        try:
            count = sign_in_unlock(
                actor=actor, usernames=options["usernames"], ip_addresses=options["addresses"]
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        unlocked = ", ".join([*options["usernames"], *options["addresses"]])
        self.stdout.write(f"Unlocked sign-in for {unlocked} ({count} record(s) of failures).")

    def _list(self) -> None:
        limit = settings.AXES_FAILURE_LIMIT
        for attempt in AccessAttempt.objects.order_by("-attempt_time"):
            when = f"{timezone.localtime(attempt.attempt_time):%Y-%m-%d %H:%M}"
            self.stdout.write(
                f"{attempt.username}\t{attempt.ip_address}\t{attempt.failures_since_start} "
                f"failed, last at {when}\t(locks at {limit})"
            )
