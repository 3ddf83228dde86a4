"""The demo local authority: believable, deterministic, and loaded through the services."""

import datetime as dt
import hashlib
import re
from io import StringIO

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

from rollcall.demo.marks import world_marks
from rollcall.demo.terms import demo_dates
from rollcall.demo.world import build_world
from rollcall.pupils.models import Enrolment, Pupil
from rollcall.registers.models import (
    Mark,
    MarkAmendment,
    OtherSchoolSessions,
    PartTimeTimetable,
    weekday_session_field,
)


def _digest(world):
    digest = hashlib.sha256()
    for em in world_marks(world):
        digest.update(em.upn.encode())
        digest.update("".join(em.codes.tolist()).encode())
    return digest.hexdigest()


MARCH = demo_dates(dt.date(2026, 3, 20))


def test_the_same_seed_and_day_give_the_same_demo_and_another_seed_or_day_does_not():
    def world(seed, day=MARCH):
        return build_world(seed=seed, pupils=80, dates=day)

    assert _digest(world(5)) == _digest(world(5))
    assert _digest(world(5)) != _digest(world(6))
    assert _digest(world(5)) != _digest(world(5, demo_dates(dt.date(2026, 3, 19))))


def test_the_world_has_the_patterns_an_officer_expects():
    world = build_world(seed=2026, pupils=3000, dates=MARCH)
    codes = {}
    for em in world_marks(world):
        for code in em.codes.tolist():
            codes[code] = codes.get(code, 0) + 1
    total = sum(codes.values())
    for code in (
        "/",
        "\\",
        "L",
        "U",
        "I",
        "M",
        "N",
        "O",
        "G",
        "C2",
        "E",
        "R",
        "V",
        "W",
        "D",
        "#",
        "Y4",
    ):
        assert codes.get(code, 0) > 0, f"no {code} marks in the demo"
    absent = sum(codes.get(c, 0) for c in ("I", "M", "N", "O", "G", "C2", "E", "R"))
    possible = total - sum(codes.get(c, 0) for c in ("D", "#", "Y4"))
    assert 0.04 < absent / possible < 0.10  # England runs at about 6-7 % absence
    kinds = [p.profile.kind for p in world.pupils]
    assert 0.10 < kinds.count("persistent") / len(kinds) < 0.30
    assert kinds.count("severe") > 10
    movers = {e.upn for e in world.enrolments if e.leaving_reason.startswith("Ground A")}
    assert movers
    assert {e.registration for e in world.enrolments} == {"C", "M", "S"}
    sibling_schools = [
        {e.school_key for c in f.children for e in world.enrolments if e.upn == c.upn}
        for f in world.families[:300]
        if len(f.children) > 1
    ]
    assert any(len(schools) > 1 for schools in sibling_schools)


@pytest.mark.django_db(transaction=False)
def test_rollcall_demo_loads_a_small_authority_and_prints_sign_in_details():
    out = StringIO()
    call_command("demo", "--pupils", "60", "--seed", "11", "--today", "2026-03-20", stdout=out)
    text = out.getvalue()
    assert re.search(r"Password for every demo account: \S+", text)
    assert "laofficer" in text and "teacher" in text
    assert Pupil.objects.count() >= 60
    assert Mark.objects.count() > 60 * 300
    assert MarkAmendment.objects.filter(previous_code="N").exists()
    assert Enrolment.objects.filter(registration="S").exists()  # dual registration
    first = Mark.objects.order_by("date").first()
    assert first.date >= dt.date(2024, 9, 2)
    assert Mark.objects.order_by("-date").first().date <= dt.date(2026, 3, 20)
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", "--pupils", "60", "--today", "2026-03-20", stdout=StringIO())


def test_the_generator_writes_long_format_marks_files(tmp_path):
    out = StringIO()
    path = tmp_path / "marks.parquet"
    call_command(
        "demo",
        "--pupils",
        "40",
        "--today",
        "2025-08-31",
        "--marks-file",
        str(path),
        "--from",
        "2024-09-01",
        "--to",
        "2025-07-31",
        stdout=out,
    )
    table = pq.read_table(path)
    assert table.column_names == ["school_urn", "upn", "date", "session", "code"]
    assert table.num_rows > 40 * 300
    dates = table.column("date").to_pylist()
    assert min(dates) >= dt.date(2024, 9, 1) and max(dates) <= dt.date(2025, 7, 31)
    assert set(table.column("session").to_pylist()) == {"AM", "PM"}
    csv_path = tmp_path / "marks.csv"
    call_command(
        "demo",
        "--pupils",
        "40",
        "--today",
        "2026-03-20",
        "--marks-file",
        str(csv_path),
        stdout=StringIO(),
    )
    assert csv_path.read_text().splitlines()[0] == '"school_urn","upn","date","session","code"'


@pytest.mark.django_db
def test_the_demo_records_the_agreements_behind_its_c2_and_d_marks():
    call_command(
        "demo", "--pupils", "100", "--seed", "1", "--today", "2026-03-20", stdout=StringIO()
    )
    assert PartTimeTimetable.objects.exists() and OtherSchoolSessions.objects.count() >= 2

    def enrolment(mark: Mark) -> Enrolment:
        return Enrolment.objects.get(pupil=mark.pupil_id, school=mark.school_id)

    part_time = Mark.objects.filter(code="C2")
    assert part_time.exists()
    for mark in part_time:
        timetable = enrolment(mark).part_time_timetables.get(
            starts_on__lte=mark.date, ends_on__gte=mark.date
        )
        assert getattr(timetable, weekday_session_field(mark.date, mark.session))
    at_other_school = Mark.objects.filter(code="D")
    assert at_other_school.exists()
    for mark in at_other_school:
        pattern = OtherSchoolSessions.objects.get(enrolment=enrolment(mark))
        assert getattr(pattern, weekday_session_field(mark.date, mark.session))
