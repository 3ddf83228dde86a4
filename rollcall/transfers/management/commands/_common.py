"""Shared by the transfer commands: reading dates and files, and reporting refusals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from rollcall.organisations.models import School
from rollcall.transfers.problems import ImportRefused


def date_argument(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"dates must be in the form YYYY-MM-DD, got {value!r}") from None


def file_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None


def school_by_urn(urn: str) -> School:
    school = School.objects.filter(urn=urn).first()
    if school is None:
        raise CommandError(f"no school in rollcall has URN {urn}")
    return school


def acting_user(username: str) -> User:
    """The person a command acts as (`--by USERNAME`): it is held to their role, as on the web."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"--by {username}: no user has that username")
    if not user.is_active:
        raise CommandError(f"--by {username}: the account is deactivated")
    return user


def lock_override(options: dict[str, Any], user: User) -> bool:
    """`--override-lock`: an administrator's explicit override of the register lock, which
    needs a reason."""
    if not options["override_lock"]:
        return False
    if not user.is_superuser:
        raise CommandError(
            f"--override-lock: only an administrator may override the register lock, and "
            f"{user.username} is not one"
        )
    if not options["reason"].strip():
        raise CommandError("--override-lock needs --reason: say why the locked registers change")
    return True


def school_by_laestab(lea: str, estab: str) -> School:
    """The school with this LA number and establishment number (a CTF's DestSchool)."""
    school = School.objects.filter(local_authority__code=lea, establishment_number=estab).first()
    if school is None:
        raise CommandError(f"no school in rollcall has LAESTAB {lea}{estab}; give --school URN")
    return school


def refusal(command: BaseCommand, exc: ImportRefused) -> CommandError:
    """Print every problem, then the error that ends the command with a non-zero status."""
    for problem in exc.problems:
        command.stderr.write(str(problem))
    if exc.hint:
        command.stderr.write(exc.hint)
    return CommandError(exc.headline)


def write_output(command: BaseCommand, content: bytes, output: Path | None, what: str) -> None:
    if output is None:
        command.stdout.write(content.decode())
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(content)
    command.stderr.write(f"Wrote {what} to {output}")
