"""No page builds the analysis store: pages read it as it is, say when figures are being
prepared or are behind the registers, and the worker brings it up to date."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from rollcall.analytics.tasks import store_refresh_request, store_refresh_task
from rollcall.registers.services import MarkInput, marks_bulk_record
from tests.analytics.conftest import person, record, signed_in, week
from tests.factories import enrol, make_pupil, make_school

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 17)


@pytest.fixture
def school():
    return make_school(name="Riverside Primary School")


@pytest.fixture
def pupil(school):
    made = make_pupil(forename="Amara", surname="Adams")
    enrol(made, school)
    return made


@pytest.fixture
def head(school):
    return person("head", "headteacher", school=school)


def refreshes_queued() -> int:
    return DBTaskResult.objects.filter(
        task_path=store_refresh_task.module_path, status="READY"
    ).count()


def run_worker() -> None:
    call_command(
        "db_worker", "--batch", "--queue-name", "analytics", "--no-startup-delay", verbosity=0
    )


def test_a_page_with_no_store_says_figures_are_being_prepared_and_builds_nothing(
    client, school, pupil, head
):
    record(school, pupil.upn, MONDAY, week())
    signed_in(client, "head")
    for path in (f"/analytics/schools/{school.urn}", f"/analytics/pupils/{pupil.upn}"):
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Figures are being prepared" in html
        assert "Amara Adams" not in html
    assert not settings.ROLLCALL_STORE_DIR.exists()
    # Both pages asked for the store to be brought up to date, once between them.
    assert refreshes_queued() == 1


# The worker commits as it goes, as in production.
@pytest.mark.django_db(transaction=True)
def test_after_the_worker_runs_the_figures_show(client, school, pupil, head):
    record(school, pupil.upn, MONDAY, week(". . . . . . . . O O"))
    signed_in(client, "head")
    client.get(f"/analytics/pupils/{pupil.upn}")
    run_worker()
    html = client.get(f"/analytics/pupils/{pupil.upn}").content.decode()
    assert "Figures are being prepared" not in html
    assert "Figures are as at" not in html
    assert "80.0%" in html  # 8 of 10 sessions attended
    assert refreshes_queued() == 0


# The worker commits as it goes, as in production.
@pytest.mark.django_db(transaction=True)
def test_marks_taken_since_show_a_note_until_the_worker_adds_them(client, school, pupil, head):
    record(school, pupil.upn, MONDAY, week())
    store_refresh_task.call()
    record(school, pupil.upn, MONDAY + dt.timedelta(weeks=1), week("O O O O O O O O O O"))
    signed_in(client, "head")
    html = client.get(f"/analytics/pupils/{pupil.upn}").content.decode()
    assert "marks taken or changed since are being added" in html
    assert "100.0%" in html  # the figures as the store has them: the first week only
    assert refreshes_queued() == 1
    run_worker()
    html = client.get(f"/analytics/pupils/{pupil.upn}").content.decode()
    assert "marks taken or changed since are being added" not in html
    assert "50.0%" in html


def test_a_register_save_queues_one_refresh_however_many_follow(
    school, pupil, django_capture_on_commit_callbacks
):
    for day in (MONDAY, MONDAY + dt.timedelta(days=1)):
        with django_capture_on_commit_callbacks(execute=True):
            marks_bulk_record(
                actor=None,
                school=school,
                marks=[MarkInput(upn=pupil.upn, date=day, session="AM", code="/")],
                source="import",
            )
    assert refreshes_queued() == 1


def test_a_process_that_found_a_refresh_waiting_looks_again_only_after_a_second(school):
    assert store_refresh_request(now=100.0)  # none waiting: one queued
    DBTaskResult.objects.filter(status="READY").update(status="RUNNING")  # the worker took it
    assert not store_refresh_request(now=100.6)  # within the second: not looked for
    assert refreshes_queued() == 0
    assert store_refresh_request(now=101.1)  # a second on: none waiting, so one queued
    assert not store_refresh_request(now=102.2)  # that one is still waiting
    assert refreshes_queued() == 1


def test_a_save_that_fails_queues_nothing(school, pupil, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):  # noqa: B017
        marks_bulk_record(
            actor=None,
            school=school,
            marks=[MarkInput(upn=pupil.upn, date=MONDAY, session="AM", code="not a code")],
            source="import",
        )
    assert refreshes_queued() == 0


def test_the_demo_load_leaves_the_figures_ready(client):
    out = StringIO()
    call_command("demo", "--pupils", "20", "--seed", "3", "--today", "2026-03-20", stdout=out)
    assert "Attendance figures prepared" in out.getvalue()
    assert (settings.ROLLCALL_STORE_DIR / "meta.json").exists()
