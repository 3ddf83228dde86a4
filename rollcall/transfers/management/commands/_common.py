"""Shared by the transfer commands: reading dates and files, and reporting refusals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

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
