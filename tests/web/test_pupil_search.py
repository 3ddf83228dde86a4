"""Finding a pupil by name or UPN from any page, and moving between a pupil's records."""

from __future__ import annotations

import re

import pytest

from rollcall.accounts.services import membership_add, user_create
from tests.analytics.conftest import prepare_figures
from tests.factories import enrol, make_pupil, make_school


@pytest.fixture
def pupils(school):
    made = {}
    for forename, surname in (("Amara", "Adams"), ("Ben", "Adamson"), ("Cara", "Cole")):
        pupil = make_pupil(forename=forename, surname=surname)
        enrol(pupil, school)
        made[forename] = pupil
    elsewhere = make_pupil(forename="Amara", surname="Elsewhere")
    enrol(elsewhere, make_school(name="Far Away School"))
    made["elsewhere"] = elsewhere
    return made


def _names(html: str) -> list[str]:
    table = re.search(r"<table.*?</table>", html, re.S)
    if table is None:
        return []
    return re.findall(r'<th scope="row"[^>]*>\s*([^<]+?)\s*</th>', table.group(0))


def test_every_page_has_the_search_box(client, officer):
    client.force_login(officer)
    for path in ("/", "/registers/", "/analytics/", "/transfers/"):
        html = client.get(path, follow=True).content.decode()
        assert 'action="/pupils"' in html and 'name="q"' in html, path


def test_a_name_finds_the_pupils_at_the_users_schools_only(client, officer, pupils):
    client.force_login(officer)
    html = client.get("/pupils", {"q": "amara"}).content.decode()
    assert _names(html) == ["Amara Adams"]  # not the Amara at a school the officer cannot see
    assert "1 pupil matching ‘amara’" in html
    html = client.get("/pupils", {"q": "adam"}).content.decode()
    assert _names(html) == ["Amara Adams", "Ben Adamson"]
    html = client.get("/pupils", {"q": "ben adam"}).content.decode()
    assert _names(html) == ["Ben Adamson"]


def test_a_upn_finds_the_pupil_and_links_to_each_record(client, officer, pupils, school):
    cara = pupils["Cara"]
    client.force_login(officer)
    html = client.get("/pupils", {"q": cara.upn.lower()}).content.decode()
    assert _names(html) == ["Cara Cole"]
    assert f'href="/analytics/pupils/{cara.upn}"' in html
    assert f'href="/registers/pupils/{school.urn}/{cara.pk}"' in html
    assert f'href="/transfers/schools/{school.urn}/certificate?upn={cara.upn}"' in html
    # The pages link to each other, and the certificate form starts with the pupil chosen.
    prepare_figures()
    attendance = client.get(f"/analytics/pupils/{cara.upn}").content.decode()
    assert f'href="/registers/pupils/{school.urn}/{cara.pk}"' in attendance
    marks = client.get(f"/registers/pupils/{school.urn}/{cara.pk}").content.decode()
    assert f'href="/analytics/pupils/{cara.upn}"' in marks
    certificate = client.get(f"/transfers/schools/{school.urn}/certificate?upn={cara.upn}")
    assert re.search(rf'<option value="{cara.upn}"\s+selected', certificate.content.decode())


def test_nothing_found_says_so_and_how_to_search(client, officer, pupils):
    client.force_login(officer)
    html = client.get("/pupils", {"q": "Zebedee"}).content.decode()
    assert "No pupil at the schools you can see matches ‘Zebedee’" in html


def test_a_teacher_gets_no_link_to_pages_for_the_office(client, school, pupils):
    teacher = user_create(actor=None, username="t", password="a-long-test-password")
    membership_add(actor=None, user=teacher, role="teacher", school=school)
    client.force_login(teacher)
    html = client.get("/pupils", {"q": "cara"}).content.decode()
    assert "/registers/pupils/" in html  # a teacher keeps the register
    assert "/certificate" not in html  # certificates are for the office
