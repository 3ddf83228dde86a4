"""Signing in and the home page each role sees."""

import re
from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture
def demo_password(db):
    out = StringIO()
    call_command("demo", "--pupils", "60", "--seed", "3", "--today", "2026-03-20", stdout=out)
    return re.search(r"Password for every demo account: (\S+)", out.getvalue()).group(1)


def _sign_in(client, username, password):
    response = client.post("/sign-in", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client.get("/")


def test_anonymous_visitors_see_the_sign_in_form(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "Sign in to rollcall" in response.content.decode()
    assert 'action="/sign-in"' in response.content.decode()
    page = client.get("/sign-in")
    assert page.status_code == 200
    assert "Sign in to rollcall" in page.content.decode()


def test_a_wrong_password_shows_an_error(client, demo_password):
    response = client.post("/sign-in", {"username": "teacher", "password": "wrong"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_a_teacher_sees_only_their_school(client, demo_password):
    html = _sign_in(client, "teacher", demo_password).content.decode()
    assert "Hartwell Primary School" in html
    assert "Castle Hill Academy" not in html
    assert "Teacher, Hartwell Primary School" in html


def test_a_trust_lead_sees_the_trusts_academies(client, demo_password):
    html = _sign_in(client, "trustlead", demo_password).content.decode()
    assert "St Anne&#39;s CofE Primary School" in html
    assert "Castle Hill Academy" in html
    assert "Hartwell High School" not in html


def test_an_la_officer_sees_every_school_in_the_area(client, demo_password):
    html = _sign_in(client, "laofficer", demo_password).content.decode()
    for name in (
        "Hartwell High School",
        "Castle Hill Academy",
        "Meadowbank Primary Academy",
        "Hartwell Learning Centre",
    ):
        assert name in html


def test_the_admin_is_for_superusers_only(client, demo_password):
    _sign_in(client, "teacher", demo_password)
    assert client.get("/admin/").status_code == 302
    client.post("/sign-out")
    _sign_in(client, "admin", demo_password)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/registers/mark/").status_code == 200


def test_pages_use_rollcalls_own_name_not_govuk_branding(client, demo_password):
    html = _sign_in(client, "teacher", demo_password).content.decode()
    assert "<title>Home \u2013 rollcall</title>" in html
    assert "govuk-header__logotype" not in html  # no crown
    assert "GOV.UK" not in html
