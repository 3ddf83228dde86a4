"""The whole authority's figures prepared with the store are the figures worked out afresh:
each page reads the same either way, at the store's date, and other dates still work. The
schools' held days saved with it give a pupil's threshold the same school weeks."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import numpy as np
import pytest
from django.conf import settings
from django.contrib.auth.models import User

from rollcall.analytics.figures.matrices import submatrix
from rollcall.analytics.figures.threshold import SavedLaw
from rollcall.analytics.models import WorklistItem
from rollcall.analytics.selectors import characteristics, cohort_characteristics
from rollcall.analytics.source import store_reading
from rollcall.engine.threshold import ThresholdRule, school_calendar
from tests.analytics.conftest import signed_in

pytestmark = pytest.mark.django_db

PAGES = (
    "/analytics/",
    "/analytics/schools.csv",
    "/analytics/cohorts",
    "/analytics/cohorts?by=year_group&by=free_school_meals",
    "/analytics/schools/990201",
    "/analytics/schools/990201/pupils.csv",
    # Another date: worked out in the request either way, from what was saved with the store
    # or from the database.
    "/analytics/?as_of=2026-01-16",
    "/analytics/schools.csv?as_of=2026-01-16",
)


def forget_prepared() -> None:
    """Take away what was prepared with the store, as a store saved before rollcall prepared
    anything would be. Its meta.json is written again, as a save would, so that the web
    process opens the store afresh rather than keeping what it read."""
    store = settings.ROLLCALL_STORE_DIR
    shutil.rmtree(store / "prepared")
    (store / "meta.json").write_text((store / "meta.json").read_text())
    assert store_reading().prepared is None
    assert store_reading().saved_law is None


def _pupil_pages() -> tuple[str, ...]:
    """The pages of pupils who met the national threshold, to the store's date and earlier:
    their threshold windows are made of their schools' weeks."""
    upns = sorted(
        WorklistItem.objects.filter(kind="national_threshold")
        .values_list("pupil__upn", flat=True)
        .distinct()
    )[:4]
    assert len(upns) == 4
    return tuple(
        f"/analytics/pupils/{upn}{query}"
        for upn in upns
        for query in ("", "?as_of=2026-01-16", "?as_of=2025-07-18")
    )


def _pages(client, paths) -> dict[str, str]:
    # Each response has its own script nonce and form token; everything else must be the same.
    return {
        path: re.sub(r'(nonce|value)="[A-Za-z0-9_-]{20,}"', "", client.get(path).content.decode())
        for path in paths
    }


def test_the_pages_read_the_same_with_the_prepared_figures_as_without(client, demo):
    signed_in(client, "laofficer")
    prepared = settings.ROLLCALL_STORE_DIR / "prepared"
    assert (prepared / "meta.json").exists()
    assert (prepared / "held_days.npy").exists()
    paths = PAGES + _pupil_pages()
    with_them = _pages(client, paths)
    forget_prepared()
    worked_out = _pages(client, paths)
    for path in paths:
        assert with_them[path] == worked_out[path], path
    assert "Hartwell High School" in with_them["/analytics/"]
    assert "school weeks" in with_them[paths[-3]]


def test_held_days_give_every_school_the_calendar_worked_out_from_its_rows(demo):
    matrix = store_reading().matrix
    saved = store_reading().saved_law
    assert matrix is not None and saved is not None
    urns = matrix.schools.astype(str).tolist()
    days = [dt.date(2025, 9, 1), dt.date(2025, 12, 19), dt.date(2026, 2, 13), dt.date(2026, 3, 20)]
    for on in days:
        assert saved.applies(matrix, on)
        rule = ThresholdRule.national(matrix, on)
        for chosen in ([urns[0]], urns[1:3], urns):
            rows = np.flatnonzero(np.isin(urns, chosen)[matrix.row_school])
            expected = school_calendar(submatrix(matrix, rows), as_of=on, rule=rule)
            found = saved.calendar(matrix, as_of=on, urns=chosen, earlier=[])
            assert found.keys() == expected.keys(), (on, chosen)
            assert sum(len(weeks) for weeks in found.values()) > 0
            for urn, weeks in expected.items():
                assert np.array_equal(found[urn], weeks), (on, urn)


def test_held_days_made_under_other_codes_or_for_another_matrix_do_not_apply(demo):
    matrix = store_reading().matrix
    saved = store_reading().saved_law
    assert matrix is not None and saved is not None
    on = dt.date(2026, 3, 20)
    assert saved.applies(matrix, on)
    other_codes = SavedLaw(saved.held, ~saved.school_week_session, None, saved.earlier_held)
    assert not other_codes.applies(matrix, on)
    shorter = SavedLaw(saved.held[:, :-1], saved.school_week_session, None, saved.earlier_held)
    assert not shorter.applies(matrix, on)


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
