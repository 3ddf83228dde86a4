"""The attendance pages and the nightly sweep with the 3,000-pupil demo authority.

Loads the demo (`rollcall demo`, about 2 million marks) into a fresh SQLite database in a
temporary directory, builds the analysis store once, then times each page through Django's
full request handling (middleware, session, selectors, engine, templates) as an LA officer
would load it: the LA dashboard, the largest school's dashboard and its CSV, a pupil page, the
cohort page and the worklist. Each page is loaded REPEAT times after one warm-up; the median and
slowest are printed. Then
`rollcall sweep` runs twice (the second must create nothing).

BENCH_ANALYTICS_PUPILS (default 3,000) sets the size of the demo; BENCH_ANALYTICS_DATA names a
directory holding a demo already loaded (rollcall.sqlite3) to skip the minute of loading.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEAT = 7


def main() -> None:
    given = os.environ.get("BENCH_ANALYTICS_DATA")
    if given:
        _in_subprocess(Path(given), load=False)
        return
    with tempfile.TemporaryDirectory() as directory:
        _in_subprocess(Path(directory), load=True)


def _in_subprocess(directory: Path, *, load: bool) -> None:
    # Django reads its settings once, at start-up: one process per database.
    env = {
        **os.environ,
        "ROLLCALL_DATA_DIR": str(directory),
        "DATABASE_URL": f"sqlite:///{directory}/rollcall.sqlite3",
        "DJANGO_SETTINGS_MODULE": "rollcall.settings",
    }
    code = f"from benchmarks.analytics_pages import run; run(load={load!r})"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


def run(*, load: bool) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if load:
        pupils = os.environ.get("BENCH_ANALYTICS_PUPILS", "3000")
        started = time.perf_counter()
        # As loaded on 20 March 2026, before the nightly sweep: the sweep is timed below.
        call_command(
            "demo",
            "--pupils",
            pupils,
            "--seed",
            "2026",
            "--today",
            "2026-03-20",
            "--no-sweep",
            stdout=StringIO(),
        )
        print(f"loaded the {pupils}-pupil demo in {time.perf_counter() - started:.0f}s", flush=True)
    _store(change=load)
    _pages()
    _sweep()


def _store(*, change: bool) -> None:
    from rollcall.analytics.source import analysis_matrix
    from rollcall.registers.models import Mark
    from rollcall.registers.services import mark_amend

    started = time.perf_counter()
    matrix = analysis_matrix()
    built = time.perf_counter() - started
    started = time.perf_counter()
    analysis_matrix()
    loaded = time.perf_counter() - started
    print(
        f"analysis store: {Mark.objects.count():,} marks, {matrix.n_pupils:,} pupils; built from "
        f"the database in {built:.1f}s (after any register change), then loaded in "
        f"{1000 * loaded:.0f} ms (checks the registers' version)"
    )
    if not change:  # a demo someone else loaded is not ours to amend
        return
    for number, mark in enumerate(Mark.objects.filter(code="N").order_by("-date")[:3], start=1):
        mark_amend(actor=None, mark=mark, new_code="I", reason="Illness reported late")
        started = time.perf_counter()
        analysis_matrix()
        updated = time.perf_counter() - started
        print(
            f"after amendment {number}, brought up to date in {1000 * updated:.0f} ms "
            f"(the marks added or amended since, laid over the store)"
        )


def _pages() -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    from rollcall.pupils.models import Enrolment

    school = (
        Enrolment.objects.filter(left_on__isnull=True)
        .values_list("school__urn", flat=True)
        .order_by()
    )
    counts: dict[str, int] = {}
    for urn in school:
        counts[urn] = counts.get(urn, 0) + 1
    largest = max(counts, key=counts.__getitem__)
    upn = (
        Enrolment.objects.filter(school__urn=largest, left_on__isnull=True)
        .values_list("pupil__upn", flat=True)
        .first()
    )
    print(f"largest school {largest}: {counts[largest]:,} pupils on roll")
    la = Client()
    la.force_login(User.objects.get(username="laofficer"))
    pages = [
        ("LA dashboard", la, "/analytics/"),
        ("school dashboard, pupils with a concern", la, f"/analytics/schools/{largest}"),
        ("school dashboard, every pupil", la, f"/analytics/schools/{largest}?flag=all"),
        ("school CSV, every pupil", la, f"/analytics/schools/{largest}/pupils.csv?flag=all"),
        ("pupil page", la, f"/analytics/pupils/{upn}"),
        (
            "cohorts: year group x FSM",
            la,
            "/analytics/cohorts?by=year_group&then=free_school_meals",
        ),
        ("worklist", la, "/analytics/worklist"),
    ]
    for name, client, path in pages:
        times = []
        size = 0
        for attempt in range(REPEAT + 1):
            started = time.perf_counter()
            response = client.get(path)
            seconds = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code}")
            size = len(response.content)
            if attempt:
                times.append(seconds)
        print(
            f"{name:42} median {1000 * statistics.median(times):5.0f} ms, slowest "
            f"{1000 * max(times):5.0f} ms ({size / 1024:,.0f} KB)"
        )


def _sweep() -> None:
    from django.core.management import call_command

    for attempt in ("first", "second"):
        out = StringIO()
        started = time.perf_counter()
        call_command("sweep", "--on", "2026-03-20", stdout=out)
        seconds = time.perf_counter() - started
        print(f"sweep ({attempt} run) in {seconds:.1f}s: {out.getvalue().splitlines()[0]}")
