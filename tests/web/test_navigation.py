"""Every area the navigation offers opens for the person it is offered to."""

from __future__ import annotations

import re

import pytest

from rollcall.accounts.services import membership_add, user_create
from rollcall.organisations.services import trust_create
from tests.factories import make_la, make_school

ROLES = {
    "teacher": "school",
    "attendance_officer": "school",
    "headteacher": "school",
    "trust_lead": "trust",
    "la_officer": "local_authority",
    "la_business_support": "local_authority",
    "la_analyst": "local_authority",
}


def _nav_links(html: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav[^>]*class="[^"]*service-navigation.*?</nav>', html, re.S).group(0)
    return re.findall(r'href="([^"]+)"[^>]*>\s*([^<]+?)\s*<', nav)


@pytest.mark.parametrize("role", [*ROLES, "administrator"])
def test_every_area_in_the_navigation_opens(client, db, role):
    la = make_la()
    trust = trust_create(actor=None, name="Test Trust")
    make_school(la=la, trust=trust)
    user = user_create(
        actor=None,
        username=role,
        password="a-long-test-password",
        is_superuser=role == "administrator",
    )
    if role != "administrator":
        where = {"school": make_school(la=la), "trust": trust, "local_authority": la}[ROLES[role]]
        membership_add(actor=None, user=user, role=role, **{ROLES[role]: where})
    client.force_login(user)
    links = _nav_links(client.get("/").content.decode())
    assert links, "the navigation offers something"
    for href, text in links:
        assert client.get(href, follow=True).status_code == 200, f"{role}: {text} ({href})"
    if role == "administrator":
        assert [text for _, text in links if text in ("Registers", "First-day follow-up")] == []
