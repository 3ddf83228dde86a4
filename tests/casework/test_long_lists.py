"""The worklist and the case list of many children: the database ranks, counts and pages
them, in the same order as the children ranked one by one, and the case download has them
all."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import random
import re

import pytest

from rollcall.analytics.models import WorklistItem
from rollcall.casework.models import Case, CaseTask
from rollcall.casework.selectors import case_rows
from rollcall.casework.worklist import PER_PAGE, children_page, children_to_act_on
from rollcall.organisations.models import School
from rollcall.pupils.services import pupil_create
from rollcall.statutory.upn import upn_make
from tests.analytics.conftest import person, signed_in
from tests.conftest import set_clock
from tests.factories import enrol, make_la, make_school

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2025, 3, 10)
_serials = itertools.count()
KINDS = ("persistent_absence", "severe_absence", "national_threshold", "uncorrected_n")


def _child_with_work(rng: random.Random, school: School, number: int) -> None:
    serial = next(_serials)
    pupil = pupil_create(
        actor=None,
        upn=upn_make("989", f"{5000 + serial // 900:04d}", 21, serial % 900 + 1),
        legal_forename=f"Child{number:03d}",
        legal_surname="Lee",
        date_of_birth=D(2016, 5, 4),
        sex="F",
    )
    enrol(pupil, school, admitted_on=D(2024, 9, 2))
    for kind in rng.sample(KINDS, rng.randint(0, 2)):
        for _ in range(rng.randint(1, 2)):
            WorklistItem.objects.get_or_create(
                school=school,
                pupil=pupil,
                kind=kind,
                met_on=D(2025, 1, 6) + dt.timedelta(days=rng.randrange(40)),
                defaults={
                    "detail": "Met",
                    "found_on": TODAY,
                    "created_at": dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
                },
            )
    has_items = WorklistItem.objects.filter(pupil=pupil).exists()
    owners = ["school"] if rng.random() < 0.6 or not has_items else []
    if owners and rng.random() < 0.2:
        owners.append("la")  # two active cases for one child: the school's and the LA's
    for owner in owners:
        case = Case.objects.create(
            pupil=pupil,
            school=school,
            owner_school=school if owner == "school" else None,
            owner_local_authority=school.local_authority if owner == "la" else None,
            owner_key=f"school:{school.pk}"
            if owner == "school"
            else f"local_authority:{school.local_authority_id}",
            profile_key="national",
            stage_key=rng.choice(("listen_and_understand", "enforce")),
            stage_entered_on=D(2025, 1, 6),
            opened_on=D(2025, 1, 6) + dt.timedelta(days=rng.randrange(30)),
            opened_at=dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC)
            + dt.timedelta(minutes=number * 2 + len(owner)),
            opened_by_label="Officer",
        )
        for task in range(rng.randint(0, 3)):
            due = rng.choice((None, TODAY, TODAY - dt.timedelta(days=rng.randint(1, 9))))
            CaseTask.objects.create(
                case=case,
                stage_key=case.stage_key,
                key=f"t{task}",
                label=f"Task {task}",
                counted_from=D(2025, 1, 6),
                due_on=due or TODAY + dt.timedelta(days=rng.randint(1, 30)),
                source="WTISA",
                created_at=case.opened_at,
                status=rng.choice(("open", "open", "done")),
            )


@pytest.fixture
def many(time_machine):
    return many_children(time_machine)


def many_children(time_machine) -> list[School]:
    """Two schools of an LA with 130 children between them, each with a random mix of open
    triggers, cases (a school's, sometimes the LA's too) and tasks due before, on or after
    TODAY; an LA officer and one school's attendance officer."""
    set_clock(time_machine, TODAY, 9, 30)
    rng = random.Random(13)
    la = make_la()
    schools = [make_school(name=f"School {letter}", la=la) for letter in "AB"]
    for number in range(130):
        _child_with_work(rng, schools[number % 2], number)
    person("laofficer", "la_officer", local_authority=la)
    person("officer", "attendance_officer", school=schools[0])
    return schools


def _keys(children) -> list[tuple[int, int]]:
    return [(child.pupil_id, child.school_id) for child in children]


KEEP = {
    "all": lambda child: True,
    "overdue": lambda child: child.overdue > 0,
    "today": lambda child: child.due_today > 0,
    "new": lambda child: child.case_id is None,
    "severe": lambda child: child.severe,
}


@pytest.mark.parametrize("username", ["laofficer", "officer"])
@pytest.mark.parametrize("view", sorted(KEEP))
def test_the_database_ranks_and_counts_the_children_as_they_rank_one_by_one(many, username, view):
    from django.contrib.auth.models import User

    user = User.objects.get(username=username)
    everyone = children_to_act_on(user=user, today=TODAY)
    expected = [child for child in everyone if KEEP[view](child)]
    pages = []
    number = 1
    while True:
        page = children_page(user=user, query={"view": view, "page": str(number)}, today=TODAY)
        pages.append(page)
        if "next" not in page.pagination:
            break
        number += 1
    shown = [
        (line.upn, line.next_due, line.overdue, line.case_text) for p in pages for line in p.lines
    ]
    pupils = {child.pupil_id: child for child in everyone}
    assert len(shown) == len(expected) == pages[0].total
    assert [line.upn for p in pages for line in p.lines] == [
        _upn(pupils[child.pupil_id].pupil_id) for child in expected
    ]
    assert pages[0].counts == {
        "children": len(everyone),
        "overdue": sum(1 for child in everyone if child.overdue),
        "today": sum(1 for child in everyone if child.due_today),
        "new": sum(1 for child in everyone if child.case_id is None),
        "severe": sum(1 for child in everyone if child.severe),
    }
    if user.username == "laofficer":
        assert {row["name"]: row["children"] for row in pages[0].by_school} == {
            "School A": sum(1 for c in everyone if c.school_id == many[0].pk),
            "School B": sum(1 for c in everyone if c.school_id == many[1].pk),
        }
    assert all(len(p.lines) == PER_PAGE for p in pages[:-1])


def _upn(pupil_id: int) -> str:
    from rollcall.pupils.models import Pupil

    return Pupil.objects.get(pk=pupil_id).upn


def test_a_page_past_the_end_shows_the_last_and_a_word_shows_the_first(many):
    from django.contrib.auth.models import User

    user = User.objects.get(username="laofficer")
    last = children_page(user=user, query={"page": "999"}, today=TODAY)
    first = children_page(user=user, query={"page": "two"}, today=TODAY)
    everyone = children_to_act_on(user=user, today=TODAY)
    assert len(last.lines) == len(everyone) % PER_PAGE or PER_PAGE
    assert last.lines[-1].upn == _upn(everyone[-1].pupil_id)
    assert first.lines[0].upn == _upn(everyone[0].pupil_id)


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_case_list_shows_fifty_a_page_in_order_and_downloads_them_all(client, many):
    from django.contrib.auth.models import User

    browser = signed_in(client, "laofficer")
    rows = case_rows(user=User.objects.get(username="laofficer"), today=TODAY)
    assert len(rows) > 50
    first = _text(browser.get("/cases/"))
    assert f"{len(rows)} cases" in first
    names = re.findall(r"Child\d{3} Lee", first)
    for number in range(2, (len(rows) + 49) // 50 + 1):
        names += re.findall(r"Child\d{3} Lee", _text(browser.get(f"/cases/?page={number}")))
    assert names == [row.case.pupil.display_name for row in rows]
    download = browser.get("/cases/?format=csv")
    lines = list(csv.reader(io.StringIO(download.content.decode())))
    assert [line[0] for line in lines[1:]] == [row.case.pupil.display_name for row in rows]
    overdue = _text(browser.get("/cases/?overdue=1&sort=child"))
    expected = [
        row.case.pupil.display_name
        for row in case_rows(
            user=User.objects.get(username="laofficer"),
            today=TODAY,
            overdue_only=True,
            sort="child",
        )
    ]
    assert f"{len(expected)} cases" in overdue
    assert re.findall(r"Child\d{3} Lee", overdue) == expected[:50]
