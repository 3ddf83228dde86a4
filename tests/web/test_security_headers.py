"""Every answer carries a Content-Security-Policy and is never cached; cookies are Secure."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from rollcall.web.security import content_security_policy
from tests.api.conftest import ApiClient, token_for

PASSWORD = "a-long-test-password"


def policy(response) -> dict[str, str]:
    directives = (d.strip() for d in response["Content-Security-Policy"].split(";"))
    return dict(d.split(" ", 1) for d in directives if d)


def test_a_page_allows_only_rollcalls_own_scripts_and_the_one_with_its_nonce(client, officer):
    client.force_login(officer)
    response = client.get("/")
    assert response.status_code == 200
    rules = policy(response)
    nonce = re.fullmatch(r"'self' 'nonce-([\w-]+)'", rules["script-src"]).group(1)
    assert rules["style-src"] == "'self'"
    assert (rules["object-src"], rules["base-uri"], rules["frame-ancestors"]) == (
        "'none'",
        "'none'",
        "'none'",
    )
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [f' nonce="{nonce}"']  # GOV.UK Frontend's js-enabled script
    assert " style=" not in html


def test_each_answer_has_its_own_nonce(client, db):
    first, second = client.get("/sign-in"), client.get("/sign-in")
    assert policy(first)["script-src"] != policy(second)["script-src"]


def test_the_policy_text(db):
    assert content_security_policy("abc") == (
        "default-src 'self'; script-src 'self' 'nonce-abc'; style-src 'self'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


@pytest.mark.parametrize("path", ["/", "/sign-in", "/registers/", "/analytics/"])
def test_pages_are_never_cached(client, officer, path):
    client.force_login(officer)
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Content-Security-Policy" in response


def test_api_answers_and_api_errors_are_never_cached(officer, school, pupil):
    api = ApiClient(token_for(officer))
    for response in (
        api.get(f"/api/schools/{school.urn}/pupils", on="2025-01-13"),
        api.get(f"/api/pupils/{pupil.upn}"),
        api.get(f"/api/schools/{school.urn}/pupils", on="0"),
        ApiClient(None).get(f"/api/pupils/{pupil.upn}"),
    ):
        assert response["Cache-Control"] == "no-store"
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"


def test_the_api_documentation_runs_under_the_policy(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert policy(response)["script-src"].startswith("'self' 'nonce-")
    assert not re.search(
        r"<script(?![^>]*\b(src=|type=\"application/json\"))", response.content.decode()
    )


def test_sign_in_cookies_are_secure_http_only_and_same_site(db, officer):
    client = Client()
    client.get("/sign-in")
    csrf = client.cookies["csrftoken"]
    assert (csrf["secure"], csrf["httponly"], csrf["samesite"]) == (True, True, "Lax")
    response = client.post("/sign-in", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert (session["secure"], session["httponly"], session["samesite"]) == (True, True, "Lax")
