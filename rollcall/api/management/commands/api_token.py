"""`rollcall api_token ...`: issue, list and revoke REST API tokens.

rollcall api_token issue --user priya --name "Attendance reports script" [--expires 2027-07-31]
rollcall api_token integration --school 100001 --name "SIMS register push" [--expires DATE]
rollcall api_token list [--user priya]
rollcall api_token revoke rc_AbCd1234

A token is printed once, when it is issued; rollcall keeps only its SHA-256 digest. An
integration gets its own service account, a member of the school, which cannot sign in.
"""

from __future__ import annotations

import datetime as dt
import re
from argparse import ArgumentParser
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rollcall.api.models import ApiToken
from rollcall.api.services import (
    IssuedToken,
    api_integration_create,
    api_token_issue,
    api_token_revoke,
)
from rollcall.core import clock
from rollcall.organisations.models import School

LONDON = ZoneInfo("Europe/London")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def expiry(value: str | None) -> dt.datetime | None:
    """--expires DATE: the token works to the end of that day in England."""
    if value is None:
        return None
    try:
        if not ISO_DATE.match(value):
            raise ValueError(value)
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--expires must be a date as YYYY-MM-DD, got {value!r}") from None
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON)


def _user(username: str, option: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"{option}: there is no user called {username!r}")
    return user


def _messages(exc: ValidationError) -> str:
    return "; ".join(exc.messages)


class Command(BaseCommand):
    help = "Issue, list and revoke REST API tokens."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        issue = actions.add_parser("issue", help="a token acting as an existing user")
        issue.add_argument("--user", required=True, help="username the token acts as")
        issue.add_argument("--name", required=True, help="what the token is for")
        issue.add_argument("--expires", help="last day the token works (YYYY-MM-DD)")
        issue.add_argument("--by", help="username of the person issuing it, for the audit log")
        integration = actions.add_parser(
            "integration", help="a service account at one school and its token, for an MIS"
        )
        integration.add_argument("--school", required=True, help="the school's URN")
        integration.add_argument("--name", required=True, help="e.g. 'SIMS register push'")
        integration.add_argument("--expires", help="last day the token works (YYYY-MM-DD)")
        integration.add_argument("--by", help="username of the person issuing it")
        listing = actions.add_parser("list", help="tokens, newest first")
        listing.add_argument("--user", help="only this user's tokens")
        revoke = actions.add_parser("revoke", help="stop a token working")
        revoke.add_argument("token", help="the token's prefix (e.g. rc_AbCd1234) or its id")
        revoke.add_argument("--by", help="username of the person revoking it")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        actor = _user(options["by"], "--by") if options.get("by") else None
        try:
            if action == "issue":
                issued = api_token_issue(
                    actor=actor,
                    user=_user(options["user"], "--user"),
                    name=options["name"],
                    expires_at=expiry(options["expires"]),
                )
                self._show(issued)
            elif action == "integration":
                school = School.objects.filter(urn=options["school"]).first()
                if school is None:
                    raise CommandError(f"--school: there is no school with URN {options['school']}")
                issued = api_integration_create(
                    actor=actor,
                    school=school,
                    name=options["name"],
                    expires_at=expiry(options["expires"]),
                )
                self._show(issued)
            elif action == "list":
                self._list(options.get("user"))
            else:
                token = self._find(options["token"])
                api_token_revoke(actor=actor, token=token)
                self.stdout.write(f"Revoked {token.name} ({token.prefix}…) of {token.user}.")
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None

    def _show(self, issued: IssuedToken) -> None:
        token = issued.token
        expires = (
            f"until {timezone.localtime(token.expires_at):%-d %B %Y %H:%M}"
            if token.expires_at
            else "until revoked"
        )
        self.stdout.write(f"Issued {token.name} for {token.user.username}, {expires}.")
        self.stdout.write("Copy the token now; it is not shown again:")
        self.stdout.write(issued.secret)

    def _list(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user")
        if username:
            tokens = tokens.filter(user=_user(username, "--user"))
        now = clock.now()
        for token in tokens:
            state = token.refusal(now) or "active"
            used = (
                f"{timezone.localtime(token.last_used_at):%Y-%m-%d %H:%M}"
                if token.last_used_at
                else "never"
            )
            self.stdout.write(
                f"{token.id}\t{token.prefix}…\t{token.name}\t{token.user.username}\t"
                f"last used {used}\t{state}"
            )

    def _find(self, reference: str) -> ApiToken:
        tokens = ApiToken.objects.select_related("user")
        matches = list(
            tokens.filter(pk=int(reference))
            if reference.isdigit()
            else tokens.filter(prefix=reference.rstrip("…"))
        )
        if len(matches) != 1:
            found = "no token" if not matches else f"{len(matches)} tokens"
            raise CommandError(f"{found} matches {reference!r}; see `rollcall api_token list`")
        return matches[0]
