"""Letters in bulk: 1,000 single-page letters rendered and recorded by the task worker.

A school of LETTERS / 2 children, each with an open case and two parents at two addresses, on
SQLite in a fresh data folder (its own database and document store). The school's attendance
officer asks for one letter ("Letter raising a concern about attendance", figures from 2 to 13
December 2024) to every parent of every child with an open case: LETTERS letters, all by
first-class post. The batch is made and queued as the page makes it; then `rollcall db_worker
--batch` runs it as a whole process, as in production (rendering in a pool of processes, one
per core), while this benchmark reads its progress from the database every second, as the
batch page does, and prints it. The time is the worker process's, from start to exit: every
letter drafted, rendered, stored by its SHA-256 and recorded with its chronology entry and
audit event, and the print file of all LETTERS letters made. Then every letter's stored PDF is
checked against its hash and the print file's pages are counted.

Target: at least 20 letters a second on two cores. The 1-minute load average is printed before
and after (the machine is shared), and the CPU time the worker and its rendering processes used,
with the rate two cores of their own would give at that cost. BENCH_LETTERS (default 1,000)
sets the number of letters.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LETTERS = int(os.environ.get("BENCH_LETTERS", "1000"))
ON = dt.date(2024, 12, 16)
TARGET = 20.0


def _env(data_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {
        "ROLLCALL_DATA_DIR": data_dir,
        "DJANGO_SETTINGS_MODULE": "rollcall.settings",
        "PYTHONPATH": str(ROOT),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    return env


def _setup() -> None:
    """In the data folder: the database, the school, its children, parents and cases, and the
    batch queued (run as `python -m benchmarks.letters_bulk setup`)."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import time_machine

    from rollcall.accounts.services import membership_add, user_create
    from rollcall.casework.services.cases import case_open
    from rollcall.letters.services.bulk import letter_batch_create, letter_batch_queue
    from rollcall.pupils.services import carer_create, carer_link_create
    from tests.factories import enrol, make_pupil, make_school

    with time_machine.travel(dt.datetime(2024, 12, 16, 9, tzinfo=dt.UTC), tick=True):
        school = make_school(name="Riverside Primary School")
        officer = user_create(
            actor=None,
            username="officer",
            password="a-long-bench-password",  # noqa: S106
            first_name="Pat",
        )
        membership_add(actor=None, user=officer, role="attendance_officer", school=school)
        for number in range(LETTERS // 2):
            pupil = make_pupil(forename=f"Child{number}", surname=f"Family{number}")
            enrol(pupil, school, admitted_on=dt.date(2024, 9, 2))
            for parent, (relationship, street) in enumerate(
                (("mother", "Mill Road"), ("father", "Quay Street"))
            ):
                carer = carer_create(
                    actor=None,
                    forename=("Jo", "Sam")[parent],
                    surname=f"Family{number}",
                    address_line_1=f"{number + 1} {street}",
                    town="Testbury",
                    postcode="TE1 4MR",
                )
                carer_link_create(
                    actor=None,
                    pupil=pupil,
                    carer=carer,
                    relationship=relationship,
                    parental_responsibility=True,
                    lives_with_pupil=parent == 0,
                    contact_priority=parent + 1,
                )
            case_open(
                actor=officer, pupil=pupil, school=school, owner=school, on=ON, rationale="Absence"
            )
        batch = letter_batch_create(
            actor=officer,
            school=school,
            letter_key="attendance_concern",
            list_kind="open_cases",
            met_from=None,
            met_to=None,
            period_from=dt.date(2024, 12, 2),
            period_to=dt.date(2024, 12, 13),
            on=ON,
        )
        letter_batch_queue(actor=officer, batch=batch)
    print(batch.reference, batch.items.count())


def _progress(reference: str) -> tuple[int, int]:
    from rollcall.letters.models import LetterBatch
    from rollcall.letters.selectors import batch_progress

    progress = batch_progress(batch=LetterBatch.objects.get(reference=reference))
    return progress.done, progress.steps


def _check(reference: str) -> str:
    import io

    from pypdf import PdfReader

    from rollcall.letters.models import LetterBatch
    from rollcall.letters.selectors import batch_progress
    from rollcall.letters.services.bulk import batch_posted_letters, batch_print_pdf
    from rollcall.letters.services.sending import letter_pdf

    batch = LetterBatch.objects.get(reference=reference)
    letters = batch_posted_letters(batch=batch)
    for letter in letters:
        letter_pdf(letter)  # raises if a stored PDF does not match its hash
    single = sum(
        1 for letter in letters if len(PdfReader(io.BytesIO(letter_pdf(letter))).pages) == 1
    )
    end = batch_progress(batch=batch).end
    assert end is not None
    pages = len(PdfReader(io.BytesIO(batch_print_pdf(end=end))).pages)
    return (
        f"{len(letters)} letters recorded, each stored PDF matching its SHA-256; "
        f"{single} of them one page; print file {pages} pages"
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="rollcall-bench-letters-") as data_dir:
        env = _env(data_dir)
        python = sys.executable
        started = time.perf_counter()
        setup = subprocess.run(
            [python, "-m", "benchmarks.letters_bulk", "setup"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        reference, items = setup.stdout.split()[-2:]
        print(
            f"letters_bulk: {items} letters queued as batch {reference} "
            f"(setup {time.perf_counter() - started:.0f} s)"
        )
        os.environ.update(env)
        import django

        django.setup()
        load_before = os.getloadavg()[0]
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker_started = time.perf_counter()
        worker = subprocess.Popen(
            [
                str(Path(python).with_name("rollcall")),
                "db_worker",
                "--batch",
                "--queue-name",
                "letters",
                "--no-startup-delay",
                "--no-reload",
                "--verbosity",
                "0",
            ],
            env=env,
            cwd=ROOT,
        )
        seen: list[tuple[float, int]] = []
        while worker.poll() is None:
            time.sleep(1)
            done, steps = _progress(reference)
            at = time.perf_counter() - worker_started
            seen.append((at, done))
            print(f"  progress at {at:5.1f} s: {done} of {steps} letters")
        seconds = time.perf_counter() - worker_started
        load_after = os.getloadavg()[0]
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # The worker's CPU time and its rendering processes' (waited for, so counted).
        cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (
            cpu_before.ru_utime + cpu_before.ru_stime
        )
        if worker.returncode != 0:
            raise SystemExit(f"the worker failed ({worker.returncode})")
        rate = int(items) / seconds
        verdict = "meets" if rate >= TARGET else "MISSES"
        print(f"  {_check(reference)}")
        print(
            f"  worker process: {seconds:.1f} s for {items} letters = {rate:.1f} letters a "
            f"second ({verdict} the target of {TARGET:.0f}); progress seen at "
            f"{sum(1 for _, done in seen if 0 < done < int(items))} moments between the first "
            f"and the last letter; {os.cpu_count()} cores; load average "
            f"{load_before:.2f} before, {load_after:.2f} after"
        )
        print(
            f"  CPU time of the worker and its rendering processes: {cpu:.1f} s, "
            f"{1000 * cpu / int(items):.0f} ms a letter: {2 * int(items) / cpu:.1f} letters a "
            "second if two cores were this run's alone"
        )


if __name__ == "__main__":
    if sys.argv[1:] == ["setup"]:
        _setup()
    else:
        main()
