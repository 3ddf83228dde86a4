"""Schools, staff and registers for the attendance pages, made through rollcall's services.

Register notation (as in tests/engine): space-separated codes laid on consecutive weekday
sessions from a Monday AM; "." is present (/ in the morning, \\ in the afternoon).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from rollcall.accounts.services import membership_add, user_create
from rollcall.analytics.tasks import store_refresh_task
from rollcall.registers.services import MarkInput, marks_bulk_record

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def _own_store(settings, tmp_path, request):
    # Each test reads its own analysis store, never the one a colleague's database built; with
    # the demo, a copy of the store its load built.
    settings.ROLLCALL_STORE_DIR = tmp_path / "store"
    if "demo" in request.fixturenames:
        shutil.copytree(request.getfixturevalue("demo_store"), settings.ROLLCALL_STORE_DIR)


def prepare_figures() -> None:
    """What the worker does after registers are saved: bring the analysis store up to date
    (the job itself, run here rather than queued: tests run inside a transaction that never
    commits, so a save's request for it never fires)."""
    store_refresh_task.call()


def person(username: str, role: str, **organisation: object) -> User:
    user = user_create(
        actor=None, username=username, password=PASSWORD, first_name="Test", last_name=username
    )
    membership_add(actor=None, user=user, role=role, **organisation)  # type: ignore[arg-type]
    return user


def sessions_from(monday: dt.date, codes: str) -> Iterator[tuple[dt.date, str, str]]:
    day, session = monday, "AM"
    for code in codes.split():
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        if code == ".":
            code = "/" if session == "AM" else "\\"
        yield day, session, code
        if session == "AM":
            session = "PM"
        else:
            session, day = "AM", day + dt.timedelta(days=1)


def record(school, upn: str, monday: dt.date, codes: str) -> None:
    """Marks for one pupil from a Monday morning, through the register service."""
    marks = [
        MarkInput(upn=upn, date=day, session=session, code=code)
        for day, session, code in sessions_from(monday, codes)
    ]
    marks_bulk_record(actor=None, school=school, marks=marks, source="import")


def week(codes: str = ". . . . . . . . . .") -> str:
    assert len(codes.split()) == 10, "a week is 10 sessions"
    return codes


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-store") / "store"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_store):
    """The 60-pupil demo authority as loaded on 20 March 2026 (the nightly sweep run), loaded
    once for a module and rolled back after it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = StringIO()
            # The load builds an analysis store: a private one, copied for each test.
            with override_settings(ROLLCALL_STORE_DIR=demo_store):
                call_command(
                    "demo", "--pupils", "60", "--seed", "7", "--today", "2026-03-20", stdout=out
                )
            found = re.search(r"Password for every demo account: (\S+)", out.getvalue())
            assert found, out.getvalue()
            yield found.group(1)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def signed_in(client, username: str):
    user = User.objects.get(username=username)
    client.force_login(user)
    return client
