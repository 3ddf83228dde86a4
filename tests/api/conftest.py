"""Tokens and a client that sends them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from rollcall.accounts.services import membership_add, user_create
from rollcall.api.services import api_token_issue
from tests.factories import enrol, make_la, make_pupil, make_school


class ApiClient:
    """Django's test client with a bearer token, speaking JSON."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **query: Any):
        return self.client.get(path, query, headers=self.headers)

    def post(self, path: str, body: Any):
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        return self.client.post(
            path, data=data, content_type="application/json", headers=self.headers
        )


def token_for(user, name: str = "Test script") -> str:
    return api_token_issue(actor=None, user=user, name=name).secret


@pytest.fixture
def officer_api(officer) -> ApiClient:
    return ApiClient(token_for(officer))


@pytest.fixture
def la_officer(db, school):
    user = user_create(
        actor=None, username="laofficer", password="a-long-test-password", first_name="Lia"
    )
    membership_add(actor=None, user=user, role="la_officer", local_authority=make_la())
    return user


@pytest.fixture
def la_api(la_officer) -> ApiClient:
    return ApiClient(token_for(la_officer))


@pytest.fixture
def other_school(db):
    return make_school(name="Other Academy", la=make_la("988", "Elsewhere Council"))


@pytest.fixture
def other_pupil(other_school):
    pupil = make_pupil(forename="Olive", surname="Elsewhere")
    enrol(pupil, other_school)
    return pupil
