"""A mark's school, pupil and recorder must exist, and stay: the database checks it once per
statement with triggers instead of foreign keys (registers 0004, ADR 0008)."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from rollcall.accounts.services import user_create
from rollcall.registers.bulk import marks_insert
from rollcall.registers.models import Mark
from tests.factories import enrol, make_pupil, make_school
from tests.registers.conftest import MONDAY

NO_SUCH_ID = 2_000_000_000  # fits every id column, including auth_user's 32-bit one
AT = dt.datetime(2025, 1, 13, 8, 55, tzinfo=dt.UTC)
WEEK = [MONDAY + dt.timedelta(days=n) for n in range(5)]

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no parent-side guard: Django empties SQLite tables with DELETE",
)


def _week(school_id, pupil_id, recorded_by_id):
    """marks_insert's rows (bulk.COLUMNS order) for a week of sessions."""
    return [
        (school_id, pupil_id, day, session, "/", "/", None, AT, recorded_by_id, "api")
        for day in WEEK
        for session in ("AM", "PM")
    ]


def test_a_batch_of_good_marks_goes_in(school, pupil, officer):
    rows = _week(school.pk, pupil.pk, officer.pk)
    rows[-1] = (*rows[-1][:8], None, "api")  # a mark without a recorder is allowed
    marks_insert(rows)
    assert Mark.objects.filter(school=school, pupil=pupil).count() == 10
    assert Mark.objects.filter(recorded_by=officer).count() == 9


@pytest.mark.parametrize("column", ["school_id", "pupil_id", "recorded_by_id"])
def test_a_batch_naming_a_missing_school_pupil_or_recorder_writes_nothing(
    school, pupil, officer, column
):
    rows = _week(school.pk, pupil.pk, officer.pk)
    # One bad mark in the middle of good ones.
    ids = {"school_id": school.pk, "pupil_id": pupil.pk, "recorded_by_id": officer.pk}
    ids[column] = NO_SUCH_ID
    rows[4] = (ids["school_id"], ids["pupil_id"], *rows[4][2:8], ids["recorded_by_id"], "api")
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        marks_insert(rows)
    if connection.vendor == "postgresql":
        assert f"registers_mark.{column} {NO_SUCH_ID}" in str(caught.value)
    assert Mark.objects.count() == 0


@pytest.fixture
def mark(school, pupil, officer):
    marks_insert(_week(school.pk, pupil.pk, officer.pk)[:1])
    return Mark.objects.get()


@pytest.fixture
def elsewhere(db):
    """Another school, pupil and user that exist, for a mark to be moved to."""
    other_school = make_school(name="Other Test School")
    other_pupil = make_pupil(forename="Other")
    enrol(other_pupil, other_school)
    other_user = user_create(actor=None, username="other", password="a-long-test-password")
    return {"school": other_school, "pupil": other_pupil, "recorded_by": other_user}


@pytest.mark.parametrize("field", ["school", "pupil", "recorded_by"])
def test_a_mark_never_moves_to_another_school_pupil_or_recorder(mark, elsewhere, field):
    before = (mark.school_id, mark.pupil_id, mark.recorded_by_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        Mark.objects.filter(pk=mark.pk).update(**{field: elsewhere[field]})
    mark.refresh_from_db()
    assert (mark.school_id, mark.pupil_id, mark.recorded_by_id) == before


def test_a_mark_does_not_lose_its_recorder(mark):
    with pytest.raises(IntegrityError), transaction.atomic():
        Mark.objects.filter(pk=mark.pk).update(recorded_by=None)
    mark.refresh_from_db()
    assert mark.recorded_by_id is not None


def test_a_marks_code_can_still_be_amended(mark):
    Mark.objects.filter(pk=mark.pk).update(code="I")
    mark.refresh_from_db()
    assert (mark.original_code, mark.code) == ("/", "I")


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@postgresql_only
@pytest.mark.parametrize(
    "table, instance",
    [("organisations_school", "school"), ("pupils_pupil", "pupil"), ("auth_user", "officer")],
)
def test_a_school_pupil_or_user_that_marks_refer_to_is_kept(mark, table, instance, request):
    # Other tables' foreign keys are deferred to COMMIT, which a test never reaches: the
    # refusal here comes from the trigger.
    row = request.getfixturevalue(instance)
    with pytest.raises(IntegrityError, match="register marks refer to it"), transaction.atomic():
        _raw(f"DELETE FROM {table} WHERE id = %s", [row.pk])
    with pytest.raises(IntegrityError, match="register marks refer to it"), transaction.atomic():
        _raw(f"UPDATE {table} SET id = %s WHERE id = %s", [NO_SUCH_ID, row.pk])
    assert type(row).objects.filter(pk=row.pk).exists()


@postgresql_only
def test_a_user_no_mark_refers_to_can_be_deleted(mark, elsewhere):
    unused = elsewhere["recorded_by"]
    _raw("DELETE FROM auth_user WHERE id = %s", [unused.pk])
    assert not type(unused).objects.filter(pk=unused.pk).exists()
