"""The morning worklist and the case list of a large local authority, and the night's cases.

A local authority of 140 schools and 250,000 pupils on PostgreSQL, with about 95,000 open
worklist items (the sweep's mix: persistent and severe absence, the national threshold's
occasions, uncorrected N codes, continuous absence, holidays, local thresholds) for some
46,000 children, and 20,000 open or referred cases (plus 3,000 closed) with their events and
2 to 6 tasks each, some overdue. The pages need no register marks, so none are made: the rows
go in by COPY, people made up from the demo's names (`rollcall.demo.names`).

Pages are timed as a user meets them: HTTP requests to gunicorn (2 sync workers) serving
`rollcall.wsgi`, signed in as the LA's attendance officer (every school) and as one school's
attendance officer. Each page is requested REQUESTS times after two warm-up requests (one per
worker); the median, 95th percentile, the web workers' CPU time per request and the 1-minute
load average are printed. Target: the median of each at most 300 ms.

Then the night's cases: a copy of the database in which one trust's 20 schools have moved to
the Peterborough Diocese profile (its second letter opens a case) and that night's sweep has
listed NIGHT_ITEMS new second-letter items. `cases_open_from_worklist` (the case step of
`rollcall sweep`) runs as a whole process, twice: target at most 30 s, and the second run opens
nothing. (`rollcall sweep` itself would first withdraw every item, since there are no marks.)

The database (BENCH_CASES_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
rc_bench_cases) is kept between runs: a marker table says which version of this data it holds,
and it is made again only when DATA_VERSION changes or the marker is missing (about two
minutes). BENCH_REQUESTS (default 30) sets the requests per page, BENCH_NIGHT_ITEMS (default
3,000) the night's new items.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/rc_bench_cases"
DATA_VERSION = "casework-2"  # 2: the summaries of open work (casework 0017)
MARKER = "bench_casework_dataset"
SCHOOLS = 140
TRUST_SCHOOLS = 20  # every seventh school: the trust that moves profile on the night
PUPILS = 250_000
WORKLIST_CHILDREN = 46_000
ACTIVE_CASES = 20_000
CLOSED_CASES = 3_000
SECRET = "benchmark-only-secret-key-not-for-any-real-service-0123456789"  # noqa: S105


def _settings_env(url: str, data_dir: str | Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "rollcall.settings",
        "ROLLCALL_DATA_DIR": str(data_dir),
        "SECRET_KEY": SECRET,
        "SECURE_COOKIES": "false",
        "DEBUG": "false",
        "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }


def _python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return done.stdout


def main() -> None:
    from benchmarks._postgres import postgres_recreated

    url = os.environ.get("BENCH_CASES_DATABASE_URL", DEFAULT_URL)
    requests = int(os.environ.get("BENCH_REQUESTS", "30"))
    night_items = int(os.environ.get("BENCH_NIGHT_ITEMS", "3000"))
    with tempfile.TemporaryDirectory() as data_dir:
        env = _settings_env(url, data_dir)
        made = _marker(url)
        if made is None:
            if not postgres_recreated(url):
                print(f"PostgreSQL is not reachable at {url}: skipped")
                return
            started = time.perf_counter()
            print(_python("from benchmarks.casework_pages import build; build()", env), end="")
            print(f"data made in {time.perf_counter() - started:.0f} s", flush=True)
            made = _marker(url)
            assert made is not None
        else:
            # Migrations added since the data was made (new indexes) are applied to it.
            _python(
                "import django; django.setup(); from django.core.management import "
                "call_command; call_command('migrate', verbosity=0)",
                env,
            )
            print(f"data kept from {made['made_on']} ({made['seconds']:.0f} s to make)")
        print(_python("from benchmarks.casework_pages import describe; describe()", env), end="")
        parts = os.environ.get("BENCH_CASES_PARTS", "pages,night").split(",")
        if "pages" in parts:
            who = json.loads(
                _python("from benchmarks.casework_pages import sessions; sessions()", env)
            )
            _pages(env, who, requests, url)
        if "night" in parts:
            _night(url, data_dir, night_items)


def _marker(url: str) -> dict[str, Any] | None:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            row = conn.execute(f"SELECT made FROM {MARKER} WHERE version = %s", [DATA_VERSION])  # noqa: S608
            found = row.fetchone()
    except psycopg.Error:
        return None
    return found[0] if found else None


# ------------------------------------------------------------------------------ the data


def _copy(model: Any, rows: list[dict[str, Any]]) -> None:
    """COPY rows into the model's table; fields not given take the model's defaults."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(f'"{f.column}"' for f in fields)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                values = []
                for f in fields:
                    value = row.get(f.attname, defaults[f.attname])
                    if isinstance(value, dict | list):
                        value = json.dumps(value)
                    values.append(value)
                copy.write_row(values)
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
            f'(SELECT max(id) FROM "{table}"))'
        )


def build() -> None:
    """Make the authority in the (empty) database the settings name, and mark it made."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    today = dt.date.today()
    with transaction.atomic():
        counts = _build(today)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE {MARKER} (version text PRIMARY KEY, made jsonb)")
            made = {
                "made_on": today.isoformat(),
                "seconds": time.perf_counter() - started,
                **counts,
            }
            cursor.execute(
                f"INSERT INTO {MARKER} VALUES (%s, %s)",  # noqa: S608
                [DATA_VERSION, json.dumps(made)],
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _build(today: dt.date) -> dict[str, int]:
    from django.db import connection
    from django.utils import timezone

    from rollcall.accounts.models import Role
    from rollcall.accounts.services import membership_add, user_create
    from rollcall.analytics.models import WorklistItem
    from rollcall.casework.child_work import child_work_rebuild
    from rollcall.casework.models import Case, CaseEvent, CaseTask
    from rollcall.demo import names
    from rollcall.demo.terms import year_terms
    from rollcall.organisations.models import LocalAuthority, School, Term, Trust
    from rollcall.policies import load_profile
    from rollcall.pupils.models import Enrolment, Pupil
    from rollcall.statutory.upn import upn_make

    rng = random.Random(2026)
    year = today.year if today.month >= 9 else today.year - 1  # the school year's first
    year_start = dt.date(year, 9, 2)
    la = LocalAuthority.objects.create(
        code="988", name="Benchmark Borough Council", policy_profile="national"
    )
    trust = Trust.objects.create(name="Fenland Diocese Academies Trust", policy_profile="national")
    schools = []
    for number in range(SCHOOLS):
        secondary = number % 7 in (1, 4)  # 40 secondaries, 100 primaries
        in_trust = number % 7 == 0
        schools.append(
            School(
                urn=f"98{number:04d}",
                name=f"Benchmark {'Secondary' if secondary else 'Primary'} School No. {number + 1}",
                local_authority=la,
                establishment_number=f"{(4000 if secondary else 2000) + number:04d}",
                trust=trust if in_trust else None,
                phase="secondary" if secondary else "primary",
                kind="academy" if in_trust else "maintained",
            )
        )
    School.objects.bulk_create(schools)
    Term.objects.bulk_create(
        Term(school=school, name=term.name, starts_on=term.starts_on, ends_on=term.ends_on)
        for school in schools
        for y in (year - 1, year, year + 1)
        for term in year_terms(y)
    )
    primaries = [s for s in schools if s.phase == "primary"]
    secondaries = [s for s in schools if s.phase == "secondary"]

    pupils: list[dict[str, Any]] = []
    enrolments: list[dict[str, Any]] = []
    school_of: list[School] = []
    serials: dict[tuple[str, int], int] = {}
    for pid in range(1, PUPILS + 1):
        secondary = rng.random() < 0.42
        school = rng.choice(secondaries if secondary else primaries)
        nc_year = rng.randint(7, 11) if secondary else rng.randint(0, 6)
        born = dt.date(year - 5 - nc_year, 9, 1) + dt.timedelta(days=rng.randrange(365))
        issued = year - nc_year
        key = (school.establishment_number, issued)
        serials[key] = serials.get(key, 0) + 1
        female = rng.random() < 0.5
        pupils.append(
            {
                "id": pid,
                "upn": upn_make(la.code, school.establishment_number, issued, serials[key]),
                "legal_forename": rng.choice(
                    names.FEMALE_FORENAMES if female else names.MALE_FORENAMES
                ),
                "legal_surname": rng.choice(names.SURNAMES),
                "date_of_birth": born,
                "sex": "F" if female else "M",
                "free_school_meals": rng.random() < 0.24,
                "looked_after": rng.random() < 0.01,
                "child_in_need": rng.random() < 0.03,
                "child_protection_plan": rng.random() < 0.01,
            }
        )
        enrolments.append(
            {
                "id": pid,
                "pupil_id": pid,
                "school_id": school.pk,
                "admitted_on": dt.date(year - (nc_year - 7 if secondary else nc_year), 9, 2),
                "year_group": "R" if nc_year == 0 else str(nc_year),
            }
        )
        school_of.append(school)
    _copy(Pupil, pupils)
    _copy(Enrolment, enrolments)

    # The worklist: what the sweep would have listed since the school year began.
    now = timezone.now()
    days = (today - dt.timedelta(days=1) - (year_start + dt.timedelta(days=14))).days

    def met() -> dt.date:
        return year_start + dt.timedelta(days=14 + rng.randrange(max(days, 1)))

    items: list[dict[str, Any]] = []
    seen: set[tuple[int, str, dt.date]] = set()

    def item(pid: int, kind: str, *, provisional: bool = False, done: bool = False) -> None:
        on = met()
        if (pid, kind, on) in seen:
            return
        seen.add((pid, kind, on))
        school = school_of[pid - 1]
        items.append(
            {
                "id": len(items) + 1,
                "school_id": school.pk,
                "pupil_id": pid,
                "kind": kind,
                "met_on": on,
                "detail": f"Made for the benchmark ({kind.replace('_', ' ')})",
                "found_on": on + dt.timedelta(days=1),
                "created_at": now,
                "status": "done" if done else "open",
                "provisional": provisional,
                "done_at": now if done else None,
                "done_by_label": "Benchmark" if done else "",
                "note": "Letter sent" if done else "",
            }
        )

    children = rng.sample(range(1, PUPILS + 1), WORKLIST_CHILDREN)
    for pid in children:
        item(pid, "persistent_absence")
    for pid in children[:5_000]:
        item(pid, "severe_absence")
    for pid in rng.sample(children, 15_000):
        for _ in range(rng.choice((1, 1, 2))):
            item(pid, "national_threshold", provisional=rng.random() < 0.1)
    for pid in rng.sample(children, 8_000):
        for _ in range(rng.choice((1, 2))):
            item(pid, "uncorrected_n")
    for kind, number in (("continuous_absence", 3_000), ("holiday_variant", 4_000)):
        for pid in rng.sample(children, number):
            item(pid, kind)
    for pid in rng.sample(children, 3_000):
        item(pid, "local_threshold")
    for pid in rng.sample(children, 10_000):
        item(pid, "persistent_absence", done=True)
    # The summaries of open work (rollcall.casework.child_work) are made once at the end, from
    # analysed tables, rather than by their triggers during each COPY.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
    _copy(WorklistItem, items)
    first_item: dict[int, dict[str, Any]] = {}
    for row in items:
        if row["status"] == "open":
            first_item.setdefault(row["pupil_id"], row)

    # Cases: mostly children on the worklist, a few others; some handed to the LA.
    profile = load_profile("national")
    stages = [key for key in profile.stage_keys if profile.casework.work_for(key) is not None]
    others = list(set(range(1, PUPILS + 1)) - set(children))
    with_case = rng.sample(children, 17_000) + rng.sample(others, ACTIVE_CASES - 17_000)
    closed = rng.sample(others, CLOSED_CASES)
    cases: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []
    for number, pid in enumerate(with_case + closed, start=1):
        school = school_of[pid - 1]
        is_closed = number > ACTIVE_CASES
        referred = not is_closed and rng.random() < 0.12
        opened = year_start + dt.timedelta(
            days=7 + rng.randrange(max((today - year_start).days - 7, 1))
        )
        opened_at = timezone.make_aware(dt.datetime.combine(opened, dt.time(9, 30)))
        stage = rng.choice(stages[2:] if referred else stages)
        source = first_item.get(pid)
        cases.append(
            {
                "id": number,
                "pupil_id": pid,
                "school_id": school.pk,
                "owner_school_id": None if referred else school.pk,
                "owner_local_authority_id": la.pk if referred else None,
                "owner_key": f"local_authority:{la.pk}" if referred else f"school:{school.pk}",
                "referred_by_school_id": school.pk if referred else None,
                "profile_key": "national",
                "status": "closed" if is_closed else "referred" if referred else "open",
                "stage_key": stage,
                "stage_entered_on": opened,
                "opened_on": opened,
                "opened_at": opened_at,
                "opened_by_label": "Benchmark officer",
                "opened_from_kind": source["kind"] if source else "",
                "opened_from_item": source["id"] if source else None,
                "closed_on": today if is_closed else None,
                "outcome": "improved" if is_closed else "",
            }
        )
        org_key = f"school:{school.pk}"
        events.append(
            {
                "id": len(events) + 1,
                "case_id": number,
                "kind": "opened",
                "occurred_on": opened,
                "recorded_at": opened_at,
                "recorded_by_label": "Benchmark officer",
                "organisation_key": org_key,
                "organisation_label": school.name,
                "to_stage": stage,
                "summary": "Case opened",
                "rationale": "Attendance below 90% this school year",
                "figures": {
                    "as_of": opened.isoformat(),
                    "attendance_pct": 84.2,
                    "unauthorised": 12,
                },
            }
        )
        for step in range(rng.randrange(4)):
            events.append(
                {
                    "id": len(events) + 1,
                    "case_id": number,
                    "kind": "note",
                    "occurred_on": opened + dt.timedelta(days=step + 1),
                    "recorded_at": opened_at + dt.timedelta(days=step + 1),
                    "recorded_by_label": "Benchmark officer",
                    "organisation_key": org_key,
                    "organisation_label": school.name,
                    "summary": "Spoke to the family",
                }
            )
        overdue_case = rng.random() < 0.3
        for task_number in range(rng.randint(2, 6)):
            status = "open" if task_number < 2 or rng.random() < 0.5 else "done"
            if is_closed:
                status = "cancelled"
            if overdue_case and task_number == 0:
                due = today - dt.timedelta(days=rng.randint(1, 40))
            elif rng.random() < 0.02:
                due = today
            else:
                due = today + dt.timedelta(days=rng.randint(1, 60))
            tasks.append(
                {
                    "id": len(tasks) + 1,
                    "case_id": number,
                    "stage_key": stage,
                    "key": f"task_{task_number}",
                    "label": f"Step {task_number + 1} the stage expects",
                    "counted_from": opened,
                    "period": "4 school weeks",
                    "due_on": None if rng.random() < 0.03 else due,
                    "source": "WTISA",
                    "created_at": opened_at,
                    "status": status,
                    "closed_at": None if status == "open" else now,
                    "closed_by_label": "" if status == "open" else "Benchmark officer",
                }
            )
    _copy(Case, cases)
    _copy(CaseEvent, events)
    _copy(CaseTask, tasks)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = origin")
        cursor.execute("ANALYZE")
    child_work_rebuild()

    officer = user_create(actor=None, username="laofficer", password=SECRET)
    membership_add(actor=None, user=officer, role=Role.LA_OFFICER, local_authority=la)
    per_school = Counter(row["school_id"] for row in cases)
    busiest = max(schools, key=lambda s: per_school[s.pk])
    office = user_create(actor=None, username="schoolofficer", password=SECRET)
    membership_add(actor=None, user=office, role=Role.ATTENDANCE_OFFICER, school=busiest)
    print(
        f"made {len(schools)} schools, {len(pupils):,} pupils, {len(items):,} worklist items, "
        f"{len(cases):,} cases, {len(events):,} case events, {len(tasks):,} case tasks"
    )
    return {
        "schools": len(schools),
        "pupils": len(pupils),
        "items": len(items),
        "cases": len(cases),
        "events": len(events),
        "tasks": len(tasks),
    }


def describe() -> None:
    import django

    django.setup()
    from rollcall.analytics.models import WorklistItem
    from rollcall.casework.models import Case, CaseEvent, CaseTask
    from rollcall.pupils.models import Pupil

    open_items = WorklistItem.objects.filter(status="open")
    print(
        f"{Pupil.objects.count():,} pupils; {open_items.count():,} open worklist items for "
        f"{open_items.values('pupil_id').distinct().count():,} children; "
        f"{Case.objects.exclude(status='closed').count():,} open or referred cases "
        f"({Case.objects.filter(status='closed').count():,} closed), "
        f"{CaseEvent.objects.count():,} case events, {CaseTask.objects.count():,} case tasks "
        f"({CaseTask.objects.filter(status='open', due_on__lt=dt.date.today()).count():,} "
        "open and overdue)",
        flush=True,
    )


def sessions() -> None:
    """Sign the two officers in (as the sign-in page would) and print their session keys."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client

    from rollcall.casework.models import Case

    found: dict[str, Any] = {}
    for who in ("laofficer", "schoolofficer"):
        client = Client()
        client.force_login(User.objects.get(username=who))
        found[who] = client.cookies["sessionid"].value
    office = User.objects.get(username="schoolofficer").memberships.get()
    assert office.school is not None
    found["own_urn"] = office.school.urn
    found["other_urn"] = (
        Case.objects.exclude(school=office.school).values_list("school__urn", flat=True).first()
    )
    print(json.dumps(found))


# ------------------------------------------------------------------------------ the pages


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user and system) each live process has used."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except FileNotFoundError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return found


def _cpu_seconds(pids: list[int]) -> float:
    return sum(_cpu_by_pid(pids).values())


def _backends(url: str) -> list[int]:
    """The PostgreSQL server processes serving the web workers (same machine)."""
    import psycopg

    name = url.rpartition("/")[2]
    with psycopg.connect(url.rpartition("/")[0] + "/postgres", autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return [row[0] for row in rows]


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    return found


def _pages(env: dict[str, str], who: dict[str, Any], requests: int, url: str) -> None:
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
            "300",
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
        workers = _children(server.pid)
        own, other = who["own_urn"], who["other_urn"]
        pages = [
            ("LA", "worklist, first page", "/analytics/worklist"),
            ("LA", "worklist, page 400", "/analytics/worklist?page=400"),
            ("LA", "worklist, one school", f"/analytics/worklist?school={other}"),
            ("LA", "worklist, overdue", "/analytics/worklist?view=overdue"),
            ("LA", "worklist, severely absent, page 20", "/analytics/worklist?view=severe&page=20"),
            ("LA", "cases", "/cases/"),
            ("LA", "cases, page 200", "/cases/?page=200"),
            ("LA", "cases, one school, overdue", f"/cases/?school={other}&overdue=1"),
            ("LA", "cases, severely absent", "/cases/?flag=severe"),
            ("LA", "cases, by child's name", "/cases/?sort=child"),
            ("LA", "cases, closed", "/cases/?status=closed"),
            ("school", "worklist, first page", "/analytics/worklist"),
            ("school", "worklist, page 5", "/analytics/worklist?page=5"),
            ("school", "cases", "/cases/"),
            ("school", "cases, overdue", "/cases/?overdue=1"),
        ]
        print(
            f"gunicorn, 2 sync workers; {requests} requests a page after 2 warm-up requests; "
            f"the school officer's school is URN {own}"
        )
        print(
            f"{'who':6} {'page':38} {'median':>8} {'p95':>8} {'web CPU':>8} {'db CPU':>8} "
            f"{'KB':>6} {'load':>5}"
        )
        for role, name, path in pages:
            cookie = who["laofficer" if role == "LA" else "schoolofficer"]
            load = os.getloadavg()[0]
            times = []
            size = 0
            cpu_before = 0.0
            db_before: dict[int, float] = {}
            for attempt in range(requests + 2):
                if attempt == 2:
                    cpu_before = _cpu_seconds(workers)
                    db_before = _cpu_by_pid(_backends(url))
                request = urllib.request.Request(  # noqa: S310
                    base + path, headers={"Cookie": f"sessionid={cookie}"}
                )
                started = time.perf_counter()
                with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
                    body = response.read()
                    status = response.status
                final_url = response.url
                seconds = time.perf_counter() - started
                if status != 200 or "sign-in" in final_url:
                    raise SystemExit(f"{path}: {status} {final_url}")
                size = len(body)
                if attempt >= 2:
                    times.append(seconds)
            cpu = (_cpu_seconds(workers) - cpu_before) / requests
            db_after = _cpu_by_pid(_backends(url))
            db_cpu = sum(cpu - db_before.get(pid, 0.0) for pid, cpu in db_after.items()) / requests
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            print(
                f"{role:6} {name:38} {1000 * statistics.median(times):6.0f}ms {1000 * p95:6.0f}ms "
                f"{1000 * cpu:6.0f}ms {1000 * db_cpu:6.0f}ms {size / 1024:6.0f} {load:5.1f}",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


# ------------------------------------------------------------------------------ the night


def _night(url: str, data_dir: str, night_items: int) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    copy_name = f"{name}_night"
    copy_url = f"{base}/{copy_name}"
    started = time.perf_counter()
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{copy_name}" TEMPLATE "{name}"')
    print(f"the night: a copy of the database made in {time.perf_counter() - started:.0f} s")
    env = _settings_env(copy_url, data_dir)
    try:
        print(
            _python(
                f"from benchmarks.casework_pages import night_before; night_before({night_items})",
                env,
            ),
            end="",
        )
        for attempt in ("first", "second"):
            load = os.getloadavg()[0]
            started = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, "-c", "from benchmarks.casework_pages import night; night()"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )
            assert process.stdout is not None
            output = process.stdout.read()
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
            if status:
                raise SystemExit(f"the night's case opening failed: {status}")
            print(
                f"cases_open_from_worklist ({attempt} run): process {seconds:.1f} s wall, "
                f"{usage.ru_utime + usage.ru_stime:.1f} s CPU, load {load:.1f}; {output.strip()}",
                flush=True,
            )
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)')


def night_before(night_items: int) -> None:
    """The trust's schools move to a profile whose second letter opens a case, and that
    night's sweep lists `night_items` new second-letter items at them."""
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from benchmarks.casework_pages import _copy
    from rollcall.analytics.models import WorklistItem
    from rollcall.organisations.models import Trust
    from rollcall.pupils.models import Enrolment

    rng = random.Random(6)
    today = dt.date.today()
    trust = Trust.objects.get()
    trust.policy_profile = "peterborough-diocese-trust"
    trust.save()
    pairs = list(Enrolment.objects.filter(school__trust=trust).values_list("pupil_id", "school_id"))
    now = timezone.now()
    first = (WorklistItem.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    rows = [
        {
            "id": first + number,
            "school_id": school_id,
            "pupil_id": pupil_id,
            "kind": "attendance:letter_2",
            "met_on": today - dt.timedelta(days=1),
            "detail": "Attendance below the trust's second-letter level",
            "found_on": today,
            "created_at": now,
        }
        for number, (pupil_id, school_id) in enumerate(rng.sample(pairs, night_items))
    ]
    _copy(WorklistItem, rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"the night: {trust.name} ({trust.academies.count()} schools) moved to the "
        f"peterborough-diocese-trust profile; {len(rows):,} new 'second letter' items"
    )


def night() -> None:
    import django

    django.setup()
    from rollcall.casework.services.cases import cases_open_from_worklist

    started = time.perf_counter()
    cpu = time.process_time()
    result = cases_open_from_worklist(on=dt.date.today())
    print(
        f"{result.opened:,} opened, {result.skipped:,} skipped; the call "
        f"{time.perf_counter() - started:.1f} s "
        f"({time.process_time() - cpu:.1f} s CPU)"
    )
