"""Repeated wrong passwords pause sign-in for a while (ASVS 2.2.1), and say so."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from rollcall.accounts.services import user_create
from rollcall.core.models import AuditEvent
from tests.api.conftest import ApiClient, token_for

PASSWORD = "a-long-test-password"
START = dt.datetime(2025, 1, 13, 9, 0, tzinfo=ZoneInfo("Europe/London"))
PAUSED = "Sign-in is paused after too many wrong passwords for this username or from this network"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def sign_in(client: Client, username: str, password: str, address: str = "192.0.2.10"):
    return client.post(
        "/sign-in", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(client: Client, username: str, times: int, address: str = "192.0.2.10") -> None:
    for _ in range(times):
        sign_in(client, username, "not-the-password", address)


def test_thirty_wrong_passwords_pause_sign_in_even_with_the_right_one(client, officer, clock):
    fail(client, "officer", 30)
    response = sign_in(client, "officer", PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    html = response.content.decode()
    assert "Sign-in is paused" in html
    assert f"{PAUSED}. Try again after 09:15, or ask your rollcall administrator" in html
    assert response["Retry-After"] == "900"


def test_a_few_wrong_passwords_do_not_stop_the_right_one(client, officer, clock):
    fail(client, "officer", 9)
    response = sign_in(client, "officer", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_the_pause_ends_by_itself_however_long_someone_keeps_guessing(client, officer, clock):
    fail(client, "officer", 10)
    for minute in range(1, 15):
        clock.move_to(START + dt.timedelta(minutes=minute))
        fail(client, "officer", 3)
        assert sign_in(client, "officer", PASSWORD).status_code == 429
    clock.move_to(START + dt.timedelta(minutes=15, seconds=1))
    assert sign_in(client, "officer", PASSWORD).status_code == 302
    assert signed_in(client)


def test_many_usernames_tried_from_one_address_pause_that_address(client, officer, clock):
    for n in range(10):
        fail(client, f"guess{n}", 1, address="198.51.100.7")
    assert sign_in(client, "officer", PASSWORD, address="198.51.100.7").status_code == 429
    elsewhere = Client()
    assert sign_in(elsewhere, "officer", PASSWORD, address="192.0.2.99").status_code == 302


def test_a_lockout_is_audited_once(client, officer, clock):
    fail(client, "officer", 30)
    events = AuditEvent.objects.filter(verb="sign_in.lock_out")
    assert events.count() == 1
    event = events.get()
    assert event.object_id == str(officer.pk)
    assert event.payload == {
        "username": "officer",
        "ip_address": "192.0.2.10",
        "failures": 10,
        "lockout_minutes": 15,
    }


def test_an_administrator_unlocks_with_a_command(client, officer, clock):
    admin = user_create(actor=None, username="root", password=PASSWORD, is_superuser=True)
    fail(client, "officer", 30)
    out = StringIO()
    call_command("sign_in_unlock", "officer", "--by", "root", stdout=out)
    assert "Unlocked sign-in for officer" in out.getvalue()
    assert sign_in(client, "officer", PASSWORD).status_code == 302
    event = AuditEvent.objects.get(verb="sign_in.unlock")
    assert (event.actor, event.object_id) == (admin, str(officer.pk))


def test_unlocking_someone_who_is_not_locked_says_so(officer):
    with pytest.raises(CommandError, match="nothing to unlock"):
        call_command("sign_in_unlock", "officer")


def test_an_administrator_unlocks_in_the_django_admin(client, officer, clock):
    admin = user_create(actor=None, username="root", password=PASSWORD, is_superuser=True)
    fail(client, "officer", 30)
    staff = Client()
    staff.force_login(admin)
    listing = staff.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "officer" in listing.content.decode()
    from axes.models import AccessAttempt

    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    response = staff.post(
        "/admin/axes/accessattempt/", {"action": "unlock", "_selected_action": ids}, follow=True
    )
    assert "Unlocked sign-in for officer" in response.content.decode()
    assert sign_in(client, "officer", PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(verb="sign_in.unlock", actor=admin).count() == 1


def test_api_tokens_keep_working_while_their_user_cannot_sign_in(client, officer, school, clock):
    fail(client, "officer", 30)
    api = ApiClient(token_for(officer))
    response = api.get(f"/api/schools/{school.urn}/pupils", on="2025-01-13")
    assert response.status_code == 200
