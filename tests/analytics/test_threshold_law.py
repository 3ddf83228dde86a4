"""The sweep applies the law to the threshold: compulsory school age (EA96 s8, s444A), N as
provisional until replaced (WTISA, "N code"), and withdrawal, on the record, of an item whose
trigger no longer holds."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from rollcall.analytics.models import WorklistItem
from rollcall.core.models import AuditEvent
from rollcall.registers.models import Mark
from rollcall.registers.services.marks import mark_amend
from tests.analytics.conftest import person, record, signed_in
from tests.factories import enrol, make_pupil, make_school

pytestmark = pytest.mark.django_db

D = dt.date
MONDAY = D(2025, 3, 3)


def sweep(on: str) -> str:
    out = StringIO()
    call_command("sweep", "--on", on, stdout=out)
    return out.getvalue()


@pytest.fixture
def school():
    return make_school(name="Riverside Primary School")


def _pupil(school, forename: str, born: dt.date):
    made = make_pupil(forename=forename, surname="Lee", date_of_birth=born)
    enrol(made, school, admitted_on=D(2024, 9, 2))
    return made


def test_only_the_child_of_compulsory_school_age_is_work(school):
    reception = _pupil(school, "Ria", D(2020, 6, 1))  # five in June 2025: not yet of CSA
    year_12 = _pupil(school, "Tom", D(2007, 12, 1))  # CSA ended 28 June 2024
    year_5 = _pupil(school, "Fay", D(2014, 12, 1))
    for pupil in (reception, year_12, year_5):
        record(school, pupil.upn, MONDAY, "G G G G G G G G G G")
    sweep("2025-03-07")
    listed = WorklistItem.objects.filter(kind="national_threshold")
    assert [item.pupil for item in listed] == [year_5]
    # Persistent absence still covers every pupil.
    persistent = WorklistItem.objects.filter(kind__in=("persistent_absence", "severe_absence"))
    assert {item.pupil for item in persistent} == {reception, year_12, year_5}


def test_a_threshold_met_through_n_is_withdrawn_when_the_ns_become_i(client, school):
    pupil = _pupil(school, "Nia", D(2016, 1, 10))
    record(school, pupil.upn, MONDAY, "G G G G G G G G N N")
    sweep("2025-03-07")
    item = WorklistItem.objects.get(kind="national_threshold")
    assert (item.met_on, item.provisional, item.status) == (D(2025, 3, 7), True, "open")
    assert "PROVISIONAL until the N marks are replaced" in item.detail
    assert "7 March 2025 AM, 7 March 2025 PM" in item.detail
    person("officer", "attendance_officer", school=school)
    page = signed_in(client, "officer").get(f"/analytics/worklist/{item.pk}").content.decode()
    assert "Met only through N marks" in page

    for mark in Mark.objects.filter(pupil=pupil, code="N"):
        mark_amend(actor=None, mark=mark, new_code="I", reason="Parent rang: illness")
    out = sweep("2025-03-10")
    item.refresh_from_db()
    assert item.status == "withdrawn"
    assert item.withdrawn_on == D(2025, 3, 10)
    assert "N marks it counted have been replaced" in item.withdrawn_reason
    assert "1 withdrawn" in out
    assert AuditEvent.objects.filter(verb="worklist_item.withdraw").count() == 1
    assert WorklistItem.objects.count() == WorklistItem.objects.filter(pk=item.pk).count() + (
        WorklistItem.objects.exclude(kind="national_threshold").count()
    )
    page = signed_in(client, "officer").get(f"/analytics/worklist/{item.pk}").content.decode()
    assert "Withdrawn" in page and "10 March 2025" in page


def test_a_provisional_threshold_confirmed_when_the_ns_become_g(school):
    pupil = _pupil(school, "Gus", D(2016, 1, 10))
    record(school, pupil.upn, MONDAY, "G G G G G G G G N N")
    sweep("2025-03-07")
    for mark in Mark.objects.filter(pupil=pupil, code="N"):
        mark_amend(actor=None, mark=mark, new_code="G", reason="Holiday, not agreed")
    sweep("2025-03-10")
    item = WorklistItem.objects.get(kind="national_threshold")
    assert (item.status, item.provisional) == ("open", False)


def test_a_withdrawn_item_is_reopened_when_the_ns_are_back(school):
    pupil = _pupil(school, "Noor", D(2016, 1, 10))
    record(school, pupil.upn, MONDAY, "G G G G G G G G N N")
    sweep("2025-03-07")
    for mark in Mark.objects.filter(pupil=pupil, code="N"):
        mark_amend(actor=None, mark=mark, new_code="I", reason="Parent rang: illness")
    sweep("2025-03-10")
    item = WorklistItem.objects.get(kind="national_threshold")
    assert item.status == "withdrawn"

    # The school learns the illness was not true: the sessions are unexplained again.
    for mark in Mark.objects.filter(pupil=pupil, code="I"):
        mark_amend(actor=None, mark=mark, new_code="N", reason="No evidence of illness")
    out = sweep("2025-03-11")
    item.refresh_from_db()
    assert (item.status, item.provisional, item.met_on) == ("open", True, D(2025, 3, 7))
    assert (item.withdrawn_on, item.withdrawn_reason) == (None, "")
    assert "1 reopened" in out
    assert WorklistItem.objects.filter(kind="national_threshold").count() == 1
    reopened = AuditEvent.objects.get(verb="worklist_item.reopen")
    assert "withdrawn on 10 March 2025" in reopened.summary
    # The withdrawal stays on the record.
    assert AuditEvent.objects.filter(verb="worklist_item.withdraw").count() == 1
    assert "0 reopened" in sweep("2025-03-11")


def test_after_a_withdrawal_new_absence_raises_the_threshold_again(school):
    pupil = _pupil(school, "Ada", D(2016, 1, 10))
    record(school, pupil.upn, MONDAY, "G G G G G G G G N N")
    sweep("2025-03-07")
    for mark in Mark.objects.filter(pupil=pupil, code="N"):
        mark_amend(actor=None, mark=mark, new_code="I", reason="Parent rang: illness")
    sweep("2025-03-10")
    record(school, pupil.upn, D(2025, 3, 10), "G G . . . . . . . .")
    sweep("2025-03-14")
    items = WorklistItem.objects.filter(kind="national_threshold").order_by("met_on")
    assert [(i.met_on, i.status, i.provisional) for i in items] == [
        (D(2025, 3, 7), "withdrawn", True),
        (D(2025, 3, 10), "open", False),  # the 8 G and Monday's 2 G
    ]
