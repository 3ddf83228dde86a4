"""The pupils CSV cannot carry a spreadsheet formula, and is never kept in a cache."""

from __future__ import annotations

import csv
import io

import pytest

from rollcall.pupils.models import Pupil
from tests.analytics.conftest import signed_in

pytestmark = pytest.mark.django_db

HARTWELL_HIGH = "990201"
URL = f"/analytics/schools/{HARTWELL_HIGH}/pupils.csv?flag=all"


def download(client) -> list[list[str]]:
    response = client.get(URL)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode(), newline="")))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_a_spreadsheet_could_run_starts_with_a_quote(client, demo, start):
    signed_in(client, "officer")
    upn = download(client)[1][1]
    # Names are trimmed when entered; a name can still reach the database by other routes.
    Pupil.objects.filter(upn=upn).update(preferred_forename=f"{start}cmd|' /C calc'!A0")
    row = next(row for row in download(client)[1:] if row[1] == upn)
    assert row[0].startswith(f"'{start}cmd|")


def test_the_csv_is_not_kept_by_the_browser_or_a_proxy(client, demo):
    signed_in(client, "officer")
    response = client.get(URL)
    assert response["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response["Content-Security-Policy"]
