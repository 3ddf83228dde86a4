import datetime as dt

import pytest
from django.utils import timezone

from rollcall.api.models import ApiToken
from rollcall.api.services import api_token_issue, api_token_revoke
from tests.api.conftest import ApiClient


def _pupil_url(pupil) -> str:
    return f"/api/pupils/{pupil.upn}"


def _assert_refused(response, reason: str) -> None:
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert reason in body["detail"]
    assert body["errors"] == []


def test_a_request_without_a_token_is_refused_with_json(pupil):
    response = ApiClient(None).get(_pupil_url(pupil))
    _assert_refused(response, "Authorization: Bearer")


def test_a_wrong_token_is_refused(pupil, officer_api):
    response = ApiClient("rc_not-a-real-token").get(_pupil_url(pupil))
    _assert_refused(response, "not recognised")


def test_a_basic_auth_header_is_not_taken_for_a_token(pupil):
    client = ApiClient(None)
    client.headers = {"Authorization": "Basic b2ZmaWNlcjpwYXNzd29yZA=="}
    _assert_refused(client.get(_pupil_url(pupil)), "Authorization: Bearer")


def test_a_revoked_token_is_refused(pupil, officer):
    issued = api_token_issue(actor=None, user=officer, name="Old laptop script")
    client = ApiClient(issued.secret)
    assert client.get(_pupil_url(pupil)).status_code == 200
    api_token_revoke(actor=officer, token=issued.token)
    _assert_refused(client.get(_pupil_url(pupil)), "revoked")


def test_an_expired_token_is_refused(pupil, officer):
    soon = timezone.now() + dt.timedelta(seconds=30)
    issued = api_token_issue(actor=None, user=officer, name="Short-lived", expires_at=soon)
    client = ApiClient(issued.secret)
    assert client.get(_pupil_url(pupil)).status_code == 200
    ApiToken.objects.filter(pk=issued.token.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    _assert_refused(client.get(_pupil_url(pupil)), "expired")


def test_a_token_of_a_deactivated_account_is_refused(pupil, officer):
    issued = api_token_issue(actor=None, user=officer, name="Script")
    officer.is_active = False
    officer.save()
    _assert_refused(ApiClient(issued.secret).get(_pupil_url(pupil)), "deactivated")


def test_using_a_token_notes_when_it_was_last_used(pupil, officer):
    issued = api_token_issue(actor=None, user=officer, name="Script")
    assert issued.token.last_used_at is None
    ApiClient(issued.secret).get(_pupil_url(pupil))
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


@pytest.mark.parametrize("path", ["/api/schools/100001/pupils", "/api/pupils/A123/figures"])
def test_every_endpoint_needs_a_token(db, path):
    assert ApiClient(None).get(path).status_code == 401
