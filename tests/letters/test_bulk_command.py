"""rollcall letters-bulk: the preview on the command line names who cannot be reached and
sends nothing; --send makes and runs the batch, printing only its summary when piped; the
same batch run again sends nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from rollcall.letters.models import Letter, LetterBatch
from tests.conftest import set_clock
from tests.letters.test_bulk import KIND, TODAY, _school_world
from tests.letters.test_sending import smtp  # noqa: F401  (the SMTP server fixture)

pytestmark = pytest.mark.django_db(transaction=True)

ARGS = [
    "--by", "officer", "--letter", "attendance_concern", "--list", KIND,
    "--met-from", "2024-12-09", "--met-to", "2024-12-13",
    "--period-from", "2024-12-02", "--period-to", "2024-12-13",
]  # fmt: skip


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command("letters-bulk", *args, stdout=out)
    return out.getvalue()


def test_the_preview_names_who_cannot_be_reached_and_sends_nothing(time_machine):
    set_clock(time_machine, TODAY, 9)
    world = _school_world()
    out = _command("--school", world.school.urn, *ARGS)
    assert "3 letters (2 by post, 1 by email)" in out
    assert "Mr Max Hale (Cy's father) cannot be reached: no postal address" in out
    assert "Nothing sent" in out and not LetterBatch.objects.exists()


def test_send_runs_the_batch_quietly_when_piped_and_again_sends_nothing(
    time_machine,
    smtp,  # noqa: F811
    tmp_path,
):
    set_clock(time_machine, TODAY, 9)
    world = _school_world()
    printed = tmp_path / "print.pdf"
    out = _command("--school", world.school.urn, *ARGS, "--send", "--print-to", str(printed))
    batch = LetterBatch.objects.get()
    assert f"{batch.reference} run 1: 3 letters issued, 1 emailed, 0 children not finished" in out
    assert "2 letters to post (2 pages)" in out
    assert "━" not in out  # no progress bar when the output is not a terminal
    assert len(PdfReader(printed).pages) == 2

    again = _command("--school", world.school.urn, "--by", "officer", "--batch", batch.reference)
    assert f"{batch.reference} run 2: 0 letters issued, 0 emailed" in again
    assert Letter.objects.count() == 3 and len(smtp.arrived) == 1
