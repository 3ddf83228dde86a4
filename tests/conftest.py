from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User

from rollcall.accounts.services import membership_add, user_create
from rollcall.analytics.tasks import store_refresh_forget
from tests.factories import enrol, make_pupil, make_school


@pytest.fixture
def school(db):
    return make_school()


@pytest.fixture
def pupil(db, school):
    pupil = make_pupil()
    enrol(pupil, school)
    return pupil


@pytest.fixture
def officer(db, school) -> User:
    user = user_create(
        actor=None,
        username="officer",
        password="a-long-test-password",
        first_name="Olu",
        last_name="Officer",
    )
    membership_add(actor=None, user=user, role="attendance_officer", school=school)
    return user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 is deliberately slow; tests sign in many times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_analysis_store(settings, tmp_path):
    # Each test's database gets its own analysis store, never the developer's var/store; and
    # its own queue, so a refresh queued by an earlier test (rolled back) is not taken as one
    # still waiting.
    settings.ROLLCALL_STORE_DIR = tmp_path / "analysis-store"
    settings.ROLLCALL_DOCUMENTS_DIR = tmp_path / "documents"
    store_refresh_forget()


@pytest.fixture(scope="session", autouse=True)
def _suite_clock():
    """ROLLCALL_TEST_CLOCK=2026-12-25T10:00 runs the whole suite as if on that day (a bank
    holiday, a Saturday ...): no test may depend on the day it runs, and this checks it."""
    when = os.environ.get("ROLLCALL_TEST_CLOCK")
    if not when:
        yield
        return
    start = dt.datetime.fromisoformat(when)
    if start.tzinfo is None:
        start = start.replace(tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(start, tick=True):
        yield


LONDON = ZoneInfo("Europe/London")


def set_clock(time_machine, day: dt.date, hour: int = 16, minute: int = 0) -> None:
    """Stand the clock at `hour`:`minute` on `day` in England for the rest of the test."""
    time_machine.move_to(
        dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON), tick=False
    )
