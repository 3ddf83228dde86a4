"""The attendance pages of a 250,000-pupil local authority, over HTTP through gunicorn.

The authority is the one `benchmarks.casework_pages` makes on PostgreSQL (140 schools, 250,000
pupils and their enrolments, the worklist and the cases, all by COPY, in about two minutes),
in a database of its own. Its registers for the whole school year (every session of every term
day, about 95 million marks) are put straight into the analysis store, as the background job
would have left it, rather than into the database: loading a hundred million marks into
PostgreSQL takes a quarter of an hour and 20 GB, and no attendance page reads the marks table
(the figures come from the store; a page reads pupils, enrolments, welfare flags and the
worklist from the database). One pupil in twenty came with an earlier school's marks from a
CTF (the last eleven weeks of the previous school year, 1.4 million marks, in the database as
an import leaves them), which the threshold counts. The store says it has seen every mark,
amendment and earlier-school mark in the database, so the pages find it current, as they
would after the job ran.

Each page is requested REQUESTS times after two warm-up requests (one per worker) by
gunicorn with 2 sync workers, signed in as the LA's officer (every school) or one school's
attendance officer; the median and 95th percentile are printed. Target: the median of each
at most 300 ms. Then one pupil's page of the 3,000-pupil demo (SQLite, loaded to 20 March,
through gunicorn the same way) and the 250,000-pupil pupil's page to 19 March are requested in
turn, with the same demo loaded into PostgreSQL (rc_bench_analytics_demo), as the LA is, so each
meets the same load: a pupil's page must not grow with the LA.

The database (BENCH_ANALYTICS_LA_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
rc_bench_analytics_la) and the store and demo (var/bench/analytics-la) are kept between runs
and made again only when missing. BENCH_REQUESTS (default 30) sets the requests per page.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Any

from benchmarks.casework_pages import ROOT, SECRET, _free_port, _python
from benchmarks.casework_pages import _settings_env as _env

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/rc_bench_analytics_la"
WORK = ROOT / "var" / "bench" / "analytics-la"
# 2: pupils in UPN order; 3: characteristics prepared; 4: the schools' held days prepared;
# 5: earlier schools' marks from CTFs in the database, kept beside the store
STORE_VERSION = "analytics-la-5"
EARLIER_EVERY = 20  # one pupil in this many came with an earlier school's marks
DEMO_PUPILS = "3000"
DEMO_PG_URL = "postgres://postgres@127.0.0.1:5432/rc_bench_analytics_demo"


def main() -> None:
    from benchmarks._postgres import postgres_recreated
    from benchmarks.casework_pages import _marker

    url = os.environ.get("BENCH_ANALYTICS_LA_DATABASE_URL", DEFAULT_URL)
    requests = int(os.environ.get("BENCH_REQUESTS", "30"))
    la_dir, demo_dir = WORK / "la", WORK / "demo"
    env = _env(url, la_dir)
    if _marker(url) is None:
        if not postgres_recreated(url):
            print(f"PostgreSQL is not reachable at {url}: skipped")
            return
        shutil.rmtree(la_dir, ignore_errors=True)
        started = time.perf_counter()
        print(_python("from benchmarks.casework_pages import build; build()", env), end="")
        print(f"the authority made in {time.perf_counter() - started:.0f} s", flush=True)
    else:
        _python(
            "import django; django.setup(); from django.core.management import "
            "call_command; call_command('migrate', verbosity=0)",
            env,
        )
    print(_python("from benchmarks.analytics_pages_la import history; history()", env), end="")
    la_dir.mkdir(parents=True, exist_ok=True)
    marker = la_dir / "store-made.json"
    if not marker.exists() or json.loads(marker.read_text()).get("version") != STORE_VERSION:
        print(_python("from benchmarks.analytics_pages_la import store; store()", env), end="")
        marker.write_text(json.dumps({"version": STORE_VERSION}))
    demo_env = _env(f"sqlite:///{demo_dir}/rollcall.sqlite3", demo_dir)
    if not _ready(demo_dir):
        _load_demo(demo_env, demo_dir, "into SQLite")
    # The same demo on PostgreSQL, so one pupil's page can be compared like with like.
    demo_pg_dir = WORK / "demo-postgres"
    demo_pg_env = _env(DEMO_PG_URL, demo_pg_dir)
    if not _ready(demo_pg_dir) and postgres_recreated(DEMO_PG_URL):
        _load_demo(demo_pg_env, demo_pg_dir, "into PostgreSQL")
    who = json.loads(_python("from benchmarks.analytics_pages_la import sessions; sessions()", env))
    demo_who = json.loads(
        _python("from benchmarks.analytics_pages_la import sessions; sessions()", demo_env)
    )
    demo_pg_who = json.loads(
        _python("from benchmarks.analytics_pages_la import sessions; sessions()", demo_pg_env)
    )
    today = dt.date.today()
    march = dt.date(today.year + 1 if today.month >= 9 else today.year, 3, 19).isoformat()
    la_pages = [
        ("LA", "LA dashboard", "/analytics/"),
        ("LA", "schools CSV", "/analytics/schools.csv"),
        ("LA", "cohorts", "/analytics/cohorts"),
        ("LA", "cohorts, by year group and FSM", "/analytics/cohorts?by=year_group&flag=fsm"),
        ("LA", "a school (the largest)", f"/analytics/schools/{who['urn']}"),
        ("LA", "the school's pupils CSV", f"/analytics/schools/{who['urn']}/pupils.csv"),
        ("LA", "a pupil", f"/analytics/pupils/{who['upn']}"),
        # The same weeks of the year as the demo's pupil below (to its 20 March), to compare
        # like with like.
        ("LA", "a pupil, to 19 March", f"/analytics/pupils/{who['upn']}?as_of={march}"),
        ("LA", "a pupil with an earlier school", f"/analytics/pupils/{who['earlier_upn']}"),
        ("school", "its school", f"/analytics/schools/{who['own_urn']}"),
        ("school", "worklist", "/analytics/worklist"),
        ("school", "a pupil", f"/analytics/pupils/{who['own_upn']}"),
    ]
    print(f"gunicorn, 2 sync workers; {requests} requests a page after 2 warm-up requests")
    print(f"{'where':6} {'who':6} {'page':34} {'median':>8} {'p95':>8} {'KB':>6} {'load':>5}")
    _serve(env, who, la_pages, requests)
    _compare(
        (env, demo_env, demo_pg_env),
        (who, demo_who, demo_pg_who),
        (
            f"/analytics/pupils/{who['upn']}?as_of={march}",
            f"/analytics/pupils/{demo_who['upn']}",
            f"/analytics/pupils/{demo_pg_who['upn']}",
        ),
        requests,
    )


def _load_demo(env: dict[str, str], demo_dir: Path, where: str) -> None:
    """Load the demo afresh into the database and folder `env` names, and mark it ready."""
    shutil.rmtree(demo_dir, ignore_errors=True)
    demo_dir.mkdir(parents=True)
    started = time.perf_counter()
    _python("from benchmarks.analytics_pages_la import demo; demo()", env)
    (demo_dir / "ready").write_text(STORE_VERSION)
    print(f"the {DEMO_PUPILS}-pupil demo loaded {where} in {time.perf_counter() - started:.0f} s")


def _ready(demo_dir: Path) -> bool:
    """Whether the demo there was loaded, its store saved as this version of rollcall saves it."""
    try:
        return (demo_dir / "ready").read_text() == STORE_VERSION
    except FileNotFoundError:
        return False


# ------------------------------------------------------------------------------ the data


def store() -> None:
    """The whole school year's registers for every pupil in the database, as the store the
    background job would have built: each pupil at their school, every session of every term
    day, absent at their own rate (most pupils rarely, some often) with the codes schools use."""
    import django

    django.setup()
    import numpy as np

    from rollcall.analytics.source import store_save_from_database
    from rollcall.demo.terms import year_terms
    from rollcall.engine.codes import code_table
    from rollcall.engine.matrix import MarkMatrix
    from rollcall.organisations.models import School
    from rollcall.pupils.models import Enrolment

    started = time.perf_counter()
    today = dt.date.today()
    year = today.year if today.month >= 9 else today.year - 1
    days = [
        term.starts_on + dt.timedelta(days=k)
        for term in year_terms(year)
        for k in range((term.ends_on - term.starts_on).days + 1)
        if (term.starts_on + dt.timedelta(days=k)).weekday() < 5
    ]
    day_array = np.array(days, dtype="datetime64[D]")
    urns = np.array(sorted(School.objects.values_list("urn", flat=True)), dtype="U6")
    rows = list(
        # In UPN order, as a store built from the database holds them.
        Enrolment.objects.order_by("pupil__upn").values_list("pupil__upn", "school__urn").distinct()
    )
    upns = np.array([upn for upn, _ in rows], dtype="U13")
    row_school = np.searchsorted(urns, np.array([urn for _, urn in rows], dtype="U6"))
    codes = code_table()
    segments = codes.segment(day_array)
    assert len(set(segments.tolist())) == 1, "one meaning of each code all year"

    def code_id(code: str) -> int:
        return int(codes.encode(code, segments[:1])[0])

    present = np.array([code_id("/"), code_id("\\")], dtype=np.uint8)
    absent = np.array([code_id(c) for c in ("I", "M", "O", "G", "C", "E", "N")], dtype=np.uint8)
    absent_weights = np.array([0.42, 0.08, 0.2, 0.1, 0.08, 0.07, 0.05])
    late = code_id("L")
    rng = np.random.default_rng(2026)
    n, sessions = len(upns), 2 * len(days)
    ids = np.empty((n, sessions), dtype=np.uint8)
    rate = rng.beta(1.1, 13.0, size=n)  # mean about 8 %: about a fifth persistently absent
    for start in range(0, n, 20_000):
        block = slice(start, min(start + 20_000, n))
        draw = rng.random((block.stop - start, sessions))
        cells = np.broadcast_to(np.tile(present, len(days)), draw.shape).copy()
        away = draw < rate[block, None]
        cells[away] = rng.choice(absent, size=int(away.sum()), p=absent_weights)
        cells[(draw > 0.985) & ~away & (np.arange(sessions) % 2 == 0)] = late
        ids[block] = cells
    matrix = MarkMatrix(
        ids=ids,
        days=day_array,
        row_pupil=np.arange(n, dtype=np.int32),
        row_school=row_school.astype(np.int32),
        pupils=upns,
        schools=urns,
    )
    made = time.perf_counter()
    store_save_from_database(matrix)
    print(
        f"the store: {n:,} pupils x {sessions} sessions ({n * sessions / 1e6:.0f} million marks) "
        f"made in {made - started:.0f} s, saved with its figures in "
        f"{time.perf_counter() - made:.0f} s",
        flush=True,
    )


def history() -> None:
    """Earlier schools' marks, as CTFs bring them (once): one pupil in EARLIER_EVERY came with
    the last eleven weeks of the previous school year at one of 300 schools elsewhere, every
    session marked, about 6 % unauthorised absence. The threshold counts them (ADR 0009), so
    a page about a pupil or a school must not read them all."""
    import django

    django.setup()
    from django.db import connection

    from rollcall.transfers.models import EarlierSchoolMark

    if EarlierSchoolMark.objects.exists():
        return
    started = time.perf_counter()
    today = dt.date.today()
    year = today.year if today.month >= 9 else today.year - 1
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO transfers_importbatch (kind, file_name, sha256, rows, marks_created, "
            "marks_amended, marks_unchanged, pupils_created, reason, imported_at, "
            "imported_by_label) VALUES ('ctf', 'benchmark.xml', repeat('0', 64), 0, 0, 0, 0, "
            "0, '', now(), 'benchmark') RETURNING id"
        )
        batch = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO transfers_earlierschoolattendance (element, la_code, "
            "establishment_number, school_name, urn, attend_sessions, batch_id, pupil_id) "
            "SELECT 'CTfile/CTFpupilData/Pupil/Attendance/YearData', '999', "
            "lpad((id %% 300 + 2000)::text, 4, '0'), 'A school elsewhere', '', '[]'::jsonb, %s, id "
            "FROM pupils_pupil WHERE id %% %s = 0",
            [batch, EARLIER_EVERY],
        )
        cursor.execute(
            "INSERT INTO transfers_earlierschoolmark (attendance_id, date, session, code) "
            "SELECT a.id, d::date, s.session, "
            "CASE WHEN random() < 0.06 THEN 'O' ELSE '/' END "
            "FROM transfers_earlierschoolattendance a "
            "CROSS JOIN generate_series(%s::date, %s::date, '1 day') d "
            "CROSS JOIN (VALUES ('AM'), ('PM')) s(session) "
            "WHERE extract(isodow FROM d) < 6",
            [dt.date(year, 5, 4), dt.date(year, 7, 17)],
        )
        marks = cursor.rowcount
    print(
        f"earlier schools' marks: {marks:,} for one pupil in {EARLIER_EVERY}, "
        f"added in {time.perf_counter() - started:.0f} s",
        flush=True,
    )


def demo() -> None:
    """The demo authority, loaded as `make demo` loads it (the loader builds the store)."""
    import django

    django.setup()
    from django.core.management import call_command

    from rollcall.accounts.models import Role
    from rollcall.accounts.services import membership_add, user_create
    from rollcall.organisations.models import LocalAuthority

    call_command("migrate", verbosity=0)
    call_command(
        "demo",
        "--pupils",
        DEMO_PUPILS,
        "--seed",
        "2026",
        "--today",
        "2026-03-20",
        stdout=StringIO(),
    )
    la = LocalAuthority.objects.get()
    officer = user_create(actor=None, username="benchofficer", password=SECRET)
    membership_add(actor=None, user=officer, role=Role.LA_OFFICER, local_authority=la)


def sessions() -> None:
    """Sign the officers in (as the sign-in page would) and print their session keys, with the
    school and pupil each looks at: the LA's largest school and a pupil on roll there; the
    school officer's school and one of its pupils on roll."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db.models import Count
    from django.test import Client

    from rollcall.organisations.models import School
    from rollcall.pupils.models import Enrolment
    from rollcall.transfers.models import EarlierSchoolAttendance

    found: dict[str, Any] = {}
    for key, who in (("la", "laofficer"), ("la", "benchofficer"), ("school", "schoolofficer")):
        user = User.objects.filter(username=who).first()
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        found[key] = client.cookies["sessionid"].value
    largest = School.objects.annotate(n=Count("enrolments")).order_by("-n", "urn").first()
    assert largest is not None
    found["urn"] = largest.urn
    # A pupil on roll there now, so the page shows their whole year.
    on_roll = Enrolment.objects.filter(left_on__isnull=True)
    found["upn"] = on_roll.filter(school=largest).order_by("pupil__upn")[0].pupil.upn
    earlier = EarlierSchoolAttendance.objects.values("pupil")
    with_history = on_roll.filter(pupil__in=earlier).order_by("pupil__upn").first()
    found["earlier_upn"] = with_history.pupil.upn if with_history else found["upn"]
    office = User.objects.filter(username="schoolofficer").first()
    if office is not None:
        school = office.memberships.get().school
        assert school is not None
        found["own_urn"] = school.urn
        found["own_upn"] = on_roll.filter(school=school).order_by("-pupil__upn")[0].pupil.upn
    print(json.dumps(found))


# ------------------------------------------------------------------------------ the pages


@contextmanager
def _server(env: dict[str, str]) -> Iterator[str]:
    """gunicorn with 2 sync workers serving rollcall with these settings; yields its address."""
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "rollcall.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/sign-in", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _get(base: str, path: str, cookie: str) -> tuple[float, int]:
    """One request: its seconds and the size of the page, refusing any page without figures."""
    request = urllib.request.Request(base + path, headers={"Cookie": f"sessionid={cookie}"})  # noqa: S310
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        body = response.read()
        status = response.status
    seconds = time.perf_counter() - started
    text = body.decode(errors="replace")
    if status != 200 or "sign-in" in response.url:
        raise SystemExit(f"{path}: {status} {response.url}")
    if "Figures are being prepared" in text or "are being added" in text:
        raise SystemExit(f"{path}: the page did not find the store current")
    return seconds, len(body)


def _line(where: str, role: str, name: str, times: list[float], size: int, load: float) -> None:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"{where:6} {role:6} {name:34} {1000 * statistics.median(times):6.0f}ms "
        f"{1000 * p95:6.0f}ms {size / 1024:6.0f} {load:5.1f}",
        flush=True,
    )


def _serve(
    env: dict[str, str], who: dict[str, Any], pages: list[tuple[str, str, str]], requests: int
) -> None:
    with _server(env) as base:
        for role, name, path in pages:
            cookie = who["la" if role == "LA" else "school"]
            load = os.getloadavg()[0]
            times, size = [], 0
            for attempt in range(requests + 2):
                seconds, size = _get(base, path, cookie)
                if attempt >= 2:
                    times.append(seconds)
            _line("250k", role, name, times, size, load)


def _compare(
    envs: tuple[dict[str, str], ...],
    who: tuple[dict[str, Any], ...],
    paths: tuple[str, ...],
    requests: int,
) -> None:
    """One pupil's page at 250,000 pupils and on the demo (on SQLite, and on PostgreSQL like
    the LA), requested in turn, each first in turn, so that each meets the same load on a
    shared machine, over five times as many rounds as the other pages get, since the pages
    differ by milliseconds. The servers are started twice, in one order and then the other:
    two identical servers differ by a millisecond with the one started first the slower. Then
    the median over rounds of the LA's page less the demo's on PostgreSQL."""
    labels = (
        ("250k", "a pupil, to 19 March (in turn)"),
        ("demo", "a pupil, to 20 March (in turn)"),
        ("demo", "the same, the demo on PostgreSQL"),
    )
    load = os.getloadavg()[0]
    times: list[list[float]] = [[] for _ in envs]
    sizes = [0 for _ in envs]
    for order in (list(range(len(envs))), list(reversed(range(len(envs))))):
        with contextlib.ExitStack() as stack:
            bases = {k: stack.enter_context(_server(envs[k])) for k in order}
            for attempt in range(5 * requests // 2 + 2):
                # Each page goes first in turn, so none always follows the same one.
                for k in ((attempt + j) % len(envs) for j in range(len(envs))):
                    seconds, sizes[k] = _get(bases[k], paths[k], who[k]["la"])
                    if attempt >= 2:
                        times[k].append(seconds)
    for k, (where, name) in enumerate(labels[: len(envs)]):
        _line(where, "LA", name, times[k], sizes[k], load)
    if len(envs) == 3:
        gap = statistics.median(a - b for a, b in zip(times[0], times[2], strict=True))
        print(f"250k less the demo on PostgreSQL, round by round: median {1000 * gap:+.1f} ms")


if __name__ == "__main__":
    main()
