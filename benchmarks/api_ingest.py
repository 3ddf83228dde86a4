"""Bulk push of register marks through the REST API: marks per second, SQLite and PostgreSQL.

Loads one secondary school of the demo world (its pupils, families and enrolments, through the
services), then pushes that school's registers from September 2024 to the demo date (20 March
2026; about 550,000 marks), as an MIS would, to
POST /api/schools/{urn}/marks in requests of up to 100,000 marks, through Django's full request
handling (middleware, token authentication, JSON parsing, validation, COPY or SQLite's JSON
insert), after one warm-up request. Then
pushes the same year again, which must create nothing. Target: at least 50,000 marks a second.

BENCH_API_PUPILS (default 10,000) sets the size of the demo world, and so of the school.
BENCH_PG_URL (default
postgres://postgres@127.0.0.1:5432/bench_h5) names the PostgreSQL database, which is dropped and
created afresh; it is skipped if unreachable.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._postgres import postgres_recreated

ROOT = Path(__file__).resolve().parent.parent
SCHOOL_KEY = "hartwell-high"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bench_h5")


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        _in_subprocess(f"sqlite:///{directory}/bench.sqlite3", "SQLite")
    if postgres_recreated(PG_URL):
        _in_subprocess(PG_URL, "PostgreSQL")
    else:
        print(f"PostgreSQL at {PG_URL} is not reachable: skipped")


def _in_subprocess(url: str, label: str) -> None:
    # Django reads DATABASE_URL once, at start-up: one process per database.
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "rollcall.settings"}
    code = f"from benchmarks.api_ingest import run; run({label!r})"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


def run(label: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    school, secret, bodies = _load_school()
    total = sum(len(body["marks"]) for body in bodies)
    print(
        f"{label}: loaded {school.name} and built {total:,} marks in "
        f"{time.perf_counter() - started:.0f}s",
        flush=True,
    )
    encoded = [json.dumps(body, separators=(",", ":")).encode() for body in bodies]
    _parse_only(label, encoded, total)
    _warm_up(secret)
    first = _push_all(school.urn, secret, encoded)
    again = _push_all(school.urn, secret, encoded)
    created = sum(r["created"] for r in first.results)
    unchanged = sum(r["unchanged"] for r in again.results)
    assert created == total and unchanged == total, (created, unchanged, total)
    print(
        f"{label}: first push  {total:,} marks in {len(bodies)} requests, {first.seconds:.2f}s: "
        f"{total / first.seconds:,.0f} marks/s (slowest request {first.slowest:.2f}s; "
        f"this process's CPU {first.cpu:.2f}s)"
    )
    print(
        f"{label}: second push {total:,} marks unchanged, {again.seconds:.2f}s: "
        f"{total / again.seconds:,.0f} marks/s (CPU {again.cpu:.2f}s)"
    )


def _parse_only(label: str, encoded: list[bytes], total: int) -> None:
    """The API's own share: JSON parsing and checks, before the register service."""
    from rollcall.api.push import marks_push_read

    started = time.perf_counter()
    for data in encoded:
        marks_push_read(data)
    seconds = time.perf_counter() - started
    print(f"{label}: parse and check only: {seconds:.2f}s, {total / seconds:,.0f} marks/s")


def _warm_up(secret: str) -> None:
    """A server process imports its URLconf and views once, on its first request (about a
    second here); the figures are for the pushes after that, as a running server serves them."""
    from django.test import Client

    response = Client().get("/api/openapi.json", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200, response.status_code


@dataclasses.dataclass
class Pushed:
    seconds: float
    slowest: float
    cpu: float
    results: list[dict]


def _push_all(urn: str, secret: str, encoded: list[bytes]) -> Pushed:
    from django.test import Client

    client = Client()
    headers = {"Authorization": f"Bearer {secret}"}
    results, times = [], []
    cpu = time.process_time()
    for data in encoded:
        started = time.perf_counter()
        response = client.post(
            f"/api/schools/{urn}/marks", data=data, content_type="application/json", headers=headers
        )
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"push refused: {response.status_code} {response.content[:2000]!r}")
        results.append(response.json())
    cpu = time.process_time() - cpu
    return Pushed(seconds=sum(times), slowest=max(times), cpu=cpu, results=results)


def _load_school():
    from django.db import transaction

    from rollcall.api.push import MAX_MARKS
    from rollcall.api.services import api_integration_create
    from rollcall.demo import load
    from rollcall.demo.marks import world_marks
    from rollcall.demo.terms import demo_dates
    from rollcall.demo.world import build_world
    from rollcall.organisations.services import local_authority_create

    world = build_world(
        seed=1,
        pupils=int(os.environ.get("BENCH_API_PUPILS", "10000")),
        dates=demo_dates(dt.date(2026, 3, 20)),
    )
    enrolments = [e for e in world.enrolments if e.school_key == SCHOOL_KEY]
    upns = {e.upn for e in enrolments}
    world = dataclasses.replace(
        world,
        schools=[world.school(SCHOOL_KEY)],
        families=[f for f in world.families if any(c.upn in upns for c in f.children)],
        enrolments=enrolments,
    )
    with transaction.atomic():
        la = local_authority_create(actor=None, code=world.la_code, name=world.la_name)
        # The demo loader's own steps, without its marks: those are what the API pushes.
        school = load._load_schools(world, la, {})[SCHOOL_KEY]
        load._load_enrolments(world, {SCHOOL_KEY: school}, load._load_families(world))
        secret = api_integration_create(actor=None, school=school, name="Benchmark MIS").secret
    marks = []
    for em in world_marks(world):
        for day, is_pm, code in zip(
            em.dates.astype(str).tolist(), em.is_pm.tolist(), em.original.tolist(), strict=True
        ):
            marks.append(
                {"upn": em.upn, "date": day, "session": "PM" if is_pm else "AM", "code": code}
            )
    # An MIS sends its register in date order, a batch at a time.
    marks.sort(key=lambda mark: (mark["date"], mark["session"]))
    bodies = [{"marks": marks[i : i + MAX_MARKS]} for i in range(0, len(marks), MAX_MARKS)]
    return school, secret, bodies
