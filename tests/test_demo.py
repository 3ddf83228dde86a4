"""The demo local authority: believable, deterministic, and loaded through the services."""

import datetime as dt
import hashlib
import itertools
import re
from io import StringIO

import pyarrow.parquet as pq
import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db.models import Q

from rollcall.analytics.models import WorklistItem
from rollcall.analytics.selectors import year_group_on as year_group_shown
from rollcall.casework.models import MeetingRecord, SupportPlan
from rollcall.casework.selectors import follow_up_list
from rollcall.demo.marks import world_marks
from rollcall.demo.terms import demo_dates, is_school_day
from rollcall.demo.world import build_world
from rollcall.letters.models import Sending
from rollcall.organisations.models import School
from rollcall.organisations.selectors import school_calendar
from rollcall.pupils.models import Enrolment, Pupil
from rollcall.pupils.services import YEAR_GROUPS
from rollcall.registers.models import (
    LeaveDecision,
    Mark,
    MarkAmendment,
    OtherSchoolSessions,
    PartTimeTimetable,
    weekday_session_field,
)
from rollcall.registers.selectors import n_codes_outstanding, register_locked, register_states
from rollcall.statutory.school_age import compulsory_school_age_end
from rollcall.statutory.years import national_curriculum_year as year_group_from_birth


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
    # The officers' cases hold meetings with the family and what followed; the headteacher
    # has decided leave requests, each parent told.
    assert MeetingRecord.objects.filter(meeting__kind="attendance").exists()
    assert SupportPlan.objects.exists()
    # Each parent was written to when the case opened, the letter posted with its evidence.
    assert Sending.objects.filter(outcome="posted", deemed_received_on__isnull=False).exists()
    decided = LeaveDecision.objects.values_list("outcome", flat=True)
    assert sorted(decided) == ["granted", "refused"]
    assert "2 leave requests decided by the headteacher" in text
    # Every school has a made-up headteacher and an address for letters, so a letter to a
    # school greets its head and can be emailed.
    for school in School.objects.all():
        assert school.headteacher_title in ("Mr", "Mrs") and school.headteacher_surname
        assert school.email.startswith("office@") and school.email.endswith(".hartwell.example")
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


# ----------------------------------------------------------- a demo live on the day it is loaded


@pytest.mark.parametrize(
    ("today", "latest"),
    [
        (dt.date(2026, 12, 2), dt.date(2026, 12, 2)),  # a Wednesday in term: that day
        (dt.date(2026, 12, 5), dt.date(2026, 12, 4)),  # a Saturday: the Friday before
        (dt.date(2026, 12, 25), dt.date(2026, 12, 18)),  # Christmas Day: the end of term
        (dt.date(2026, 8, 10), dt.date(2026, 7, 21)),  # the summer holiday: the last day
        (dt.date(2027, 4, 2), dt.date(2027, 3, 19)),  # Good Friday 2027, in the Easter break
    ],
)
def test_the_latest_school_day_is_the_load_date_or_the_school_day_before_it(today, latest):
    dates = demo_dates(today)
    assert dates.latest == latest
    assert dates.today == today
    # About 18 months of history, from the start of a term.
    assert 540 <= (latest - dates.first).days <= 600
    assert any(term.starts_on == dates.first for term in dates.all_terms)
    # The calendar runs to the end of the school year the load date is in.
    assert dates.all_terms[-1].ends_on >= today or today.month == 8


def test_every_school_year_has_six_half_terms_with_plausible_holidays():
    for year in range(2024, 2040):
        terms = demo_dates(dt.date(year + 1, 8, 31)).terms[year]
        assert len(terms) == 6
        assert dt.date(year, 9, 1) < terms[0].starts_on <= dt.date(year, 9, 7)
        assert terms[-1].ends_on.month == 7 and 15 <= terms[-1].ends_on.day <= 21
        for earlier, later in itertools.pairwise(terms):
            gap = (later.starts_on - earlier.ends_on).days
            assert 3 <= gap <= 24, (earlier, later)  # a half-term week to a fortnight's holiday
        days = sum(
            1
            for term in terms
            for n in range((term.ends_on - term.starts_on).days + 1)
            if is_school_day(term.starts_on + dt.timedelta(days=n), terms)
        )
        assert 185 <= days <= 200, (year, days)  # 190 teaching days and the INSET days


def _load(today: str, time: str = "") -> str:
    out = StringIO()
    extra = ("--time", time) if time else ()
    call_command("demo", "--pupils", "150", "--seed", "9", "--today", today, *extra, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "time", "latest"),
    [
        ("2026-12-05", "", dt.date(2026, 12, 4)),  # a Saturday
        ("2026-12-25", "", dt.date(2026, 12, 18)),  # a bank holiday in the Christmas break
        ("2026-12-02", "11:00", dt.date(2026, 12, 2)),  # a Wednesday morning in term
        ("2026-08-10", "", dt.date(2026, 7, 21)),  # the summer holiday
    ],
)
def test_the_demo_has_todays_work_waiting_on_any_day_it_is_loaded(today, time, latest):
    out = _load(today, time)
    day = dt.date.fromisoformat(today)
    assert f"to {latest:%A %-d %B %Y}, some of that day's still to take" in out
    assert Mark.objects.order_by("-date").first().date == latest
    states, follow_ups, outstanding = [], [], []
    for school in School.objects.all():
        calendar = school_calendar(school=school)
        for group in register_states(school=school, calendar=calendar, day=latest):
            states += [(session, state.kind) for session, state in group.states.items()]
        follow_ups += follow_up_list(school=school, day=latest)
        outstanding += n_codes_outstanding(school=school, calendar=calendar, today=day)
        # Registers lock after the school's lock period; the latest day's are open to staff.
        assert not register_locked(calendar=calendar, school=school, day=latest, today=day)
        assert register_locked(
            calendar=calendar, school=school, day=latest - dt.timedelta(days=60), today=day
        )
    # Some groups' registers for the day are taken, some not yet.
    assert ("AM", "marked") in states and ("AM", "not_taken") in states
    if time:  # before the afternoon register opens nobody has taken it
        assert {kind for session, kind in states if session == "PM"} <= {"not_taken", "empty"}
    else:
        assert ("PM", "marked") in states and ("PM", "not_taken") in states
    # The day's absences wait as N for the office's first-day calls, within the time allowed.
    assert follow_ups
    latest_n = [row for row in outstanding if row.mark.date == latest]
    assert latest_n and not any(row.overdue for row in latest_n)
    assert WorklistItem.objects.exists()  # the nightly sweep has run


def _summary(html: str, key: str) -> str:
    found = re.search(rf"{key}\s*</dt>\s*<dd[^>]*>\s*([^<]*?)\s*</dd>", html)
    assert found, key
    return found.group(1)


@pytest.mark.django_db
@pytest.mark.parametrize("today", ["2026-12-05", "2026-08-10"])
def test_year_groups_agree_with_dates_of_birth_and_groups_follow_them(client, today):
    _load(today)
    day = dt.date.fromisoformat(today)
    on_roll = Enrolment.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gte=day), admitted_on__lte=day
    ).select_related("pupil", "registration_group", "school")
    pupils_by_group_year: dict[str, int] = {}
    for enrolment in on_roll:
        from_birth = year_group_from_birth(enrolment.pupil.date_of_birth, day)
        # The pupil pages, lists and cohorts move the year group recorded on admission on
        # a year for each school year since.
        shown = year_group_shown(enrolment.year_group, enrolment.admitted_on, day)
        assert shown == from_birth, (enrolment, enrolment.pupil.date_of_birth)
        group = enrolment.registration_group
        if enrolment.school.phase == "ap":
            assert group.name == "Main" and group.year_group == ""
            continue
        # A pupil in 9B is in Year 9.
        assert group.year_group == from_birth and group.name[:-1] == from_birth, enrolment
        pupils_by_group_year[from_birth] = pupils_by_group_year.get(from_birth, 0) + 1
    # The register's page for a pupil who joined years ago says the year they are in now.
    client.force_login(User.objects.get(username="officer"))  # Hartwell High School
    joined_earlier = [
        e
        for e in on_roll
        if e.school.urn == "990201" and e.admitted_on < dt.date(day.year - 1, 9, 1)
    ]
    assert joined_earlier
    for enrolment in joined_earlier[:10]:
        html = client.get(f"/registers/pupils/990201/{enrolment.pupil_id}").content.decode()
        year = year_group_from_birth(enrolment.pupil.date_of_birth, day)
        assert _summary(html, "Year group") == year
        assert _summary(html, "Registration group")[:-1] == year
    # Every year group from Reception to Year 11 has pupils, and nobody is in a group of
    # another year (Year 7 groups are not crowded with last year's Year 7).
    assert sorted(pupils_by_group_year, key=YEAR_GROUPS.index) == list(
        ("R", *(str(n) for n in range(1, 12)))
    )


@pytest.mark.parametrize("day", [dt.date(2026, 12, 5), dt.date(2026, 3, 20)])
def test_no_part_time_timetable_outlasts_compulsory_school_age(day):
    # C2 is only for a child of compulsory school age (REG24 reg 10): a Year 11 pupil's
    # timetable ends on their school leaving date, or the demo could not be loaded.
    world = build_world(seed=2026, pupils=3000, dates=demo_dates(day))
    timetables = [
        (child.date_of_birth, child.profile.part_time_to)
        for child in world.pupils
        if child.profile.part_time_to is not None
    ]
    assert timetables
    assert all(ends <= compulsory_school_age_end(born) for born, ends in timetables)
