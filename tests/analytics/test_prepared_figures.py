"""The whole authority's figures prepared with the store are the figures worked out afresh:
each page reads the same either way, at the store's date, and other dates still work."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from rollcall.analytics.selectors import characteristics, cohort_characteristics
from tests.analytics.conftest import signed_in

pytestmark = pytest.mark.django_db

PAGES = (
    "/analytics/",
    "/analytics/schools.csv",
    "/analytics/cohorts",
    "/analytics/cohorts?by=year_group&by=free_school_meals",
    "/analytics/schools/990201",
    "/analytics/schools/990201/pupils.csv",
)


def _pages(client) -> dict[str, str]:
    # Each response has its own script nonce and form token; everything else must be the same.
    return {
        path: re.sub(r'(nonce|value)="[A-Za-z0-9_-]{20,}"', "", client.get(path).content.decode())
        for path in PAGES
    }


def test_the_pages_read_the_same_with_the_prepared_figures_as_without(client, demo):
    signed_in(client, "laofficer")
    prepared = settings.ROLLCALL_STORE_DIR / "prepared"
    assert (prepared / "meta.json").exists()
    with_them = _pages(client)
    shutil.rmtree(prepared)
    worked_out = _pages(client)
    for path in PAGES:
        assert with_them[path] == worked_out[path], path
    assert "Hartwell High School" in with_them["/analytics/"]


def test_another_date_is_worked_out_from_the_registers(client, demo):
    signed_in(client, "laofficer")
    html = client.get("/analytics/?as_of=2026-01-16").content.decode()
    assert "Figures from 1 September 2025 to 16 January 2026" in html


@pytest.mark.parametrize("username", ["laofficer", "head"])
@pytest.mark.parametrize("on", ["2026-03-20", "2025-07-18", "2025-09-01"])
def test_cohort_characteristics_read_as_columns_are_those_read_row_by_row(demo, username, on):
    user = User.objects.get(username=username)
    day = dt.date.fromisoformat(on)
    careful = characteristics(user=user, on=day).sort(["upn", "school_urn"])
    fast = cohort_characteristics(user=user, on=day).sort(["upn", "school_urn"])
    assert careful.height > 0
    assert fast.equals(careful)
