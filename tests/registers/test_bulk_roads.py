"""The two roads of a bulk write agree: the fast road (checks over columns) writes a batch only
when the careful road (mark by mark) would write the same, and refuses nothing the careful road
would accept. And what the fast road's inserts store reads back exactly as given."""

import datetime as dt
import random

import pytest

from rollcall.accounts.services import membership_add
from rollcall.organisations.services import closure_create
from rollcall.registers.models import Mark
from rollcall.registers.services import (
    MarkChecker,
    MarkColumns,
    MarkInput,
    MarksRejected,
    marks_bulk_record,
)
from rollcall.registers.services.mark_columns import plan_fast
from rollcall.registers.services.marks_bulk import _plan_careful, _stored_codes
from tests.factories import enrol, make_pupil, make_school

MONDAY = dt.date(2025, 1, 13)
DAYS = [MONDAY + dt.timedelta(days=n) for n in range(7)]  # Monday to Sunday
INSET = MONDAY + dt.timedelta(days=2)  # Wednesday: closed for training
CODES = ["/", "\\", "L", "U", "I", "M", "N", "B", "#", "Y4", "C2", "ZZ"]


@pytest.fixture
def world(db):
    school = make_school(name="Roads Primary School")
    closure_create(actor=None, school=school, starts_on=INSET, ends_on=INSET, reason="inset")
    stays, leaves, joins = make_pupil(), make_pupil(), make_pupil()
    enrol(stays, school)
    enrol(leaves, school, left_on=MONDAY + dt.timedelta(days=1))
    enrol(joins, school, admitted_on=MONDAY + dt.timedelta(days=3))
    stranger = make_pupil()  # on roll elsewhere, never here
    enrol(stranger, make_school(name="Elsewhere Primary School"))
    # Monday is already recorded for the two pupils on roll then.
    marks_bulk_record(
        actor=None,
        school=school,
        marks=[
            MarkInput(upn=p.upn, date=MONDAY, session=s, code="/")
            for p in (stays, leaves)
            for s in ("AM", "PM")
        ],
        source="import",
    )
    return school, [stays.upn, leaves.upn, joins.upn, stranger.upn]


def _random_batch(rng: random.Random, upns: list[str]) -> MarkColumns:
    stays, leaves, joins, _ = upns
    plausible = [
        *((stays, day) for day in (DAYS[0], DAYS[1], DAYS[3], DAYS[4])),
        *((leaves, day) for day in (DAYS[0], DAYS[1])),
        *((joins, day) for day in (DAYS[3], DAYS[4])),
    ]
    size = rng.randint(1, 8)
    # Mostly marks that could be right, so that many batches are wholly good; the rest may be
    # anything: off roll, a closed day, a weekend, a code that is not one.
    pupil_days = [
        rng.choice(plausible) if rng.random() < 0.93 else (rng.choice(upns), rng.choice(DAYS))
        for _ in range(size)
    ]
    return MarkColumns(
        upns=[upn for upn, _ in pupil_days],
        dates=[day for _, day in pupil_days],
        sessions=[rng.choice(["AM", "PM"] if rng.random() < 0.98 else ["EV"]) for _ in range(size)],
        codes=[rng.choice(CODES[:2] if rng.random() < 0.9 else CODES) for _ in range(size)],
        minutes_late=[rng.choice([None, 5]) for _ in range(size)],
    )


def _comparable(plan):
    new = plan.new.sort("upn", "date", "session").rows()
    return new, sorted(plan.amend), plan.unchanged


def test_the_fast_road_accepts_exactly_what_the_careful_road_accepts(world):
    school, upns = world
    checker = MarkChecker(school)
    outcomes = {"written": 0, "refused": 0}
    for seed in range(400):
        rng = random.Random(seed)
        columns = _random_batch(rng, upns)
        reason = rng.choice(["", "Codes confirmed by the office"])
        stored = _stored_codes(school, columns.dates)
        fast = plan_fast(columns, checker=checker, stored=stored, amendment_reason=reason)
        try:
            careful = _plan_careful(
                columns, checker=checker, stored=stored, amendment_reason=reason
            )
        except MarksRejected:
            assert fast is None, f"seed {seed}: the fast road would write a refused batch"
            outcomes["refused"] += 1
            continue
        assert fast is not None, f"seed {seed}: the fast road refused a good batch"
        assert _comparable(fast) == _comparable(careful), f"seed {seed}"
        outcomes["written"] += 1
    # Both kinds of batch were tried often enough to mean something.
    assert min(outcomes.values()) >= 50, outcomes


def test_a_refused_batch_names_every_bad_mark_and_writes_nothing(world):
    school, (stays, leaves, joins, stranger) = world
    before = Mark.objects.count()
    columns = MarkColumns(
        upns=[stays, leaves, joins, stays, stranger],
        dates=[DAYS[1], DAYS[3], DAYS[3], INSET, DAYS[1]],
        sessions=["AM", "AM", "PM", "AM", "AM"],
        codes=["/", "/", "/", "/", "/"],
    )
    with pytest.raises(MarksRejected) as refused:
        marks_bulk_record(actor=None, school=school, marks=columns, source="api")
    assert [problem.where for problem in refused.value.problems] == ["1", "3", "4"]
    assert "not on roll" in refused.value.problems[0].reason
    assert "closed" in refused.value.problems[1].reason
    assert Mark.objects.count() == before


def test_every_field_of_a_bulk_written_mark_reads_back_as_given(world, officer):
    school, (stays, _, joins, _) = world
    membership_add(actor=None, user=officer, role="attendance_officer", school=school)
    loaded_at = dt.datetime(2025, 1, 17, 9, 5, 30, 250000, tzinfo=dt.UTC)
    columns = MarkColumns(
        upns=[joins, joins, stays],
        dates=[DAYS[3], DAYS[3], DAYS[4]],
        sessions=["AM", "PM", "AM"],
        codes=["L", "/", "U"],
        minutes_late=[12, None, 40],
        recorded_at=[loaded_at, None, None],
    )
    result = marks_bulk_record(
        actor=officer, school=school, marks=columns, source="api", today=DAYS[4]
    )
    assert (result.created, result.unchanged, result.amended) == (3, 0, 0)
    marks = {
        (m.pupil.upn, m.date, m.session): m
        for m in Mark.objects.filter(school=school, date__gte=DAYS[3]).select_related("pupil")
    }
    late = marks[(joins, DAYS[3], "AM")]
    assert (late.code, late.original_code, late.minutes_late) == ("L", "L", 12)
    assert late.recorded_at == loaded_at
    assert (late.recorded_by, late.source, late.school) == (officer, "api", school)
    present = marks[(joins, DAYS[3], "PM")]
    assert (present.code, present.minutes_late) == ("/", None)
    assert present.recorded_at > loaded_at  # no time given: when it was written
    assert marks[(stays, DAYS[4], "AM")].minutes_late == 40
    # The dates are stored as dates: a range filter finds exactly these.
    assert Mark.objects.filter(school=school, date__range=(DAYS[3], DAYS[3])).count() == 2
