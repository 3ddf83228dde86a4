"""The worklist services: all-or-nothing, never twice, and a note for every item closed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from rollcall.analytics.models import WorklistItem
from rollcall.analytics.services import worklist_item_complete, worklist_items_record
from rollcall.analytics.sweep import Candidate
from rollcall.core.models import AuditEvent

pytestmark = pytest.mark.django_db

ON = dt.date(2025, 3, 21)


def candidate(pupil, school, kind="national_threshold", met_on=dt.date(2025, 3, 12)):
    return Candidate(pupil.upn, school.urn, kind, met_on, "10 sessions within 10 school weeks")


def test_one_bad_trigger_refuses_them_all_and_names_it(pupil, school):
    good = candidate(pupil, school)
    bad = Candidate("A123456789012", school.urn, "national_threshold", ON, "detail")
    late = candidate(pupil, school, met_on=ON + dt.timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        worklist_items_record(actor=None, on=ON, candidates=[good, bad, late])
    assert refused.value.messages == [
        "trigger 2 (national_threshold for A123456789012): no pupil has UPN 'A123456789012'",
        f"trigger 3 (national_threshold for {pupil.upn}): met on 2025-03-22, after the sweep "
        "date 2025-03-21",
    ]
    assert not WorklistItem.objects.exists()
    assert not AuditEvent.objects.filter(verb="worklist_item.create").exists()


def test_a_trigger_already_listed_open_or_done_is_not_listed_again(pupil, school, officer):
    first = worklist_items_record(actor=None, on=ON, candidates=[candidate(pupil, school)])
    assert (first.created, first.already_listed, first.by_school) == (1, 0, {school.urn: 1})
    item = WorklistItem.objects.get()
    worklist_item_complete(actor=officer, item=item, note="Penalty notice considered")
    again = worklist_items_record(actor=None, on=ON, candidates=[candidate(pupil, school)] * 2)
    assert (again.created, again.already_listed) == (0, 2)
    assert WorklistItem.objects.count() == 1
    event = AuditEvent.objects.get(verb="worklist_item.create")
    assert event.actor_label == "rollcall (system)"
    assert event.school_urn == school.urn


def test_year_to_date_triggers_are_listed_once_each_school_year(pupil, school):
    persistent = [
        candidate(pupil, school, "persistent_absence", dt.date(2025, 1, 17)),
        candidate(pupil, school, "persistent_absence", dt.date(2025, 2, 14)),
        candidate(pupil, school, "persistent_absence", dt.date(2025, 9, 19)),
    ]
    for one in persistent:
        worklist_items_record(actor=None, on=one.met_on, candidates=[one])
    assert list(WorklistItem.objects.values_list("met_on", flat=True)) == [
        dt.date(2025, 1, 17),
        dt.date(2025, 9, 19),
    ]


def test_closing_an_item_needs_a_note_and_happens_once(pupil, school, officer):
    worklist_items_record(actor=None, on=ON, candidates=[candidate(pupil, school)])
    item = WorklistItem.objects.get()
    with pytest.raises(ValidationError) as refused:
        worklist_item_complete(actor=officer, item=item, note="  ")
    assert refused.value.message_dict == {
        "note": ["Say what was done: the note is the record of how the school responded"]
    }
    with pytest.raises(ValidationError, match="2,000 characters or fewer"):
        worklist_item_complete(actor=officer, item=item, note="x" * 2001)
    done = worklist_item_complete(actor=officer, item=item, note="Met parents; plan agreed")
    assert (done.status, done.done_by_label, done.note) == (
        "done",
        "Olu Officer (officer)",
        "Met parents; plan agreed",
    )
    with pytest.raises(ValidationError, match=r"already marked done on .* by Olu Officer"):
        worklist_item_complete(actor=officer, item=item, note="Again")
    assert AuditEvent.objects.filter(verb="worklist_item.complete").count() == 1
