"""`rollcall sweep` over the demo authority, and the worklist school staff work from."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q

from rollcall.analytics.figures.threshold import group_threshold, occasions_from
from rollcall.analytics.models import WorklistItem
from rollcall.analytics.source import (
    analysis_matrix,
    dates_of_birth_from_database,
    history_from_database,
    law_inputs,
)
from rollcall.casework.models import Case
from rollcall.core.models import AuditEvent
from rollcall.engine import national_threshold
from rollcall.engine.history import with_history
from rollcall.pupils.models import Enrolment
from tests.analytics.conftest import signed_in

pytestmark = pytest.mark.django_db

DEMO_END = dt.date(2026, 3, 20)


def sweep(*options: str) -> str:
    out = StringIO()
    call_command("sweep", *options, stdout=out)
    return out.getvalue()


def test_the_demo_has_been_swept_and_sweeping_again_lists_nothing_new(demo):
    count = WorklistItem.objects.count()
    assert count > 20  # the load ran the nightly sweep as of its load date
    again = sweep("--on", "2026-03-20")
    assert WorklistItem.objects.count() == count
    assert f"0 new worklist items, {count:,} already listed" in again
    current = Q(left_on__isnull=True) | Q(left_on__gte=DEMO_END)
    on_roll = set(
        Enrolment.objects.filter(current, admitted_on__lte=DEMO_END).values_list(
            "pupil_id", "school_id"
        )
    )
    for item in WorklistItem.objects.all():
        assert (item.pupil_id, item.school_id) in on_roll, item
    # Thresholds met this school year only; earlier ones are history.
    thresholds = WorklistItem.objects.filter(kind="national_threshold")
    assert thresholds.exists()
    assert all(item.met_on >= dt.date(2025, 9, 1) for item in thresholds)
    assert AuditEvent.objects.filter(verb="worklist_item.create").count() == count


def test_the_sweep_lists_exactly_the_thresholds_met_this_school_year(demo):
    # Every occasion this school year, counting earlier schools and compulsory school age only.
    matrix = with_history(analysis_matrix(), history_from_database())
    occasions = national_threshold(
        matrix,
        as_of=DEMO_END,
        since=dt.date(2025, 9, 1),
        school_age=dates_of_birth_from_database().school_age(matrix),
    ).occasions
    expected = {
        (str(matrix.pupils[p]), matrix.column_date(int(c)))
        for p, c in zip(occasions.pupil.tolist(), occasions.met_column.tolist(), strict=True)
    }
    listed = set(
        WorklistItem.objects.filter(kind="national_threshold").values_list("pupil__upn", "met_on")
    )
    on_roll = set(
        Enrolment.objects.filter(Q(left_on__isnull=True) | Q(left_on__gte=DEMO_END)).values_list(
            "pupil__upn", flat=True
        )
    )
    assert listed == {(upn, day) for upn, day in expected if upn in on_roll}


def test_the_pages_count_the_threshold_as_the_worklist_for_every_pupil(demo):
    # Each pupil alone (as the pupil page asks) and every pupil at once (as the authority page
    # does) give the sweep's occasions.
    matrix = analysis_matrix()
    law = law_inputs()
    listed = set(
        WorklistItem.objects.filter(kind="national_threshold").values_list("pupil__upn", "met_on")
    )
    everyone = group_threshold(matrix, np.arange(matrix.n_pupils), as_of=DEMO_END, law=law)
    assert everyone is not None
    occasions = everyone.result.occasions
    together = {
        (
            str(everyone.counted.pupils[occasions.pupil[k]]),
            everyone.counted.column_date(int(occasions.met_column[k])),
        )
        for k in occasions_from(everyone, dt.date(2025, 9, 1)).tolist()
    }
    assert listed <= together
    alone = set()
    for pupil in range(matrix.n_pupils):
        found = group_threshold(matrix, np.array([pupil]), as_of=DEMO_END, law=law)
        assert found is not None
        for k in occasions_from(found, dt.date(2025, 9, 1)).tolist():
            column = int(found.result.occasions.met_column[k])
            alone.add((str(found.counted.pupils[0]), found.counted.column_date(column)))
    assert alone == together


def test_the_sweep_refuses_a_bad_date_plainly(demo):
    count = WorklistItem.objects.count()
    with pytest.raises(CommandError, match="must be a date in the form YYYY-MM-DD"):
        sweep("--on", "20/03/2026")
    with pytest.raises(CommandError, match="--since 2026-04-01 is after --on 2026-03-20"):
        sweep("--on", "2026-03-20", "--since", "2026-04-01")
    assert WorklistItem.objects.count() == count


def test_staff_see_each_child_once_severely_absent_first_and_mark_an_item_done(client, demo):
    signed_in(client, "officer")
    html = client.get("/analytics/worklist").content.decode()
    mine = WorklistItem.objects.filter(school__urn="990201", status="open").order_by("met_on", "id")
    cases = Case.objects.filter(school__urn="990201").exclude(status="closed")
    children = {item.pupil_id for item in mine} | {case.pupil_id for case in cases}
    assert f"{len(children):,} children</caption>" in html
    assert "Castle Hill Academy" not in html
    # One line per child; every severely absent child above every other.
    rows = re.findall(r'<tr class="govuk-table__row[^"]*">(.*?)</tr>', html, re.S)[1:]
    severe = ["Severely absent" in row for row in rows]
    assert severe == sorted(severe, reverse=True)

    item = mine.first()
    page = client.get(f"/analytics/worklist/{item.pk}")
    assert "What was done?" in page.content.decode()
    refused = client.post(f"/analytics/worklist/{item.pk}", {"note": "   "})
    assert "Say what was done" in refused.content.decode()
    item.refresh_from_db()
    assert item.status == "open"

    done = client.post(f"/analytics/worklist/{item.pk}", {"note": "Phoned mother; plan agreed."})
    assert done.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.note, item.done_by.username) == (
        "done",
        "Phoned mother; plan agreed.",
        "officer",
    )
    event = AuditEvent.objects.get(verb="worklist_item.complete", object_id=str(item.pk))
    assert "Phoned mother" in event.summary
    # The child stays on the worklist while other triggers or a case remain.
    assert client.get(f"/analytics/worklist/{item.pk}").status_code == 200
    again = client.post(f"/analytics/worklist/{item.pk}", {"note": "Again"})
    assert "already marked done" in again.content.decode()


def test_other_schools_items_are_404_and_trust_leads_read_but_do_not_close(client, demo):
    castle_hill = WorklistItem.objects.filter(school__urn="990202").first()
    signed_in(client, "officer")
    assert client.get(f"/analytics/worklist/{castle_hill.pk}").status_code == 404
    assert client.post(f"/analytics/worklist/{castle_hill.pk}", {"note": "x"}).status_code == 404
    client.logout()
    signed_in(client, "trustlead")
    page = client.get(f"/analytics/worklist/{castle_hill.pk}").content.decode()
    assert "What was done?" not in page
    refused = client.post(f"/analytics/worklist/{castle_hill.pk}", {"note": "Looked at it"})
    assert refused.status_code == 403
    castle_hill.refresh_from_db()
    assert castle_hill.status == "open"
