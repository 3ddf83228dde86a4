"""The nightly sweep opens the cases the profile says it opens by itself, once."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from rollcall.analytics.models import WorklistItem
from rollcall.casework.models import Case, CaseEvent
from rollcall.casework.services.cases import case_close
from rollcall.organisations.models import School
from tests.analytics.conftest import record
from tests.factories import enrol, make_pupil, make_school

pytestmark = pytest.mark.django_db

D = dt.date
MONDAY = D(2025, 3, 3)


def sweep(on: str) -> str:
    out = StringIO()
    call_command("sweep", "--on", on, stdout=out)
    return out.getvalue()


def _school(profile: str) -> School:
    school = make_school(name="Riverside Academy")
    School.objects.filter(pk=school.pk).update(policy_profile=profile)
    school.refresh_from_db()
    return school


def _absent_child(school: School, name: str):
    pupil = make_pupil(forename=name, surname="Lee", date_of_birth=D(2015, 1, 10))
    enrol(pupil, school, admitted_on=MONDAY)
    record(school, pupil.upn, MONDAY, "O O / / O O / / / /")  # 60 % this week
    return pupil


def test_a_trigger_that_opens_a_case_opens_one_and_a_second_sweep_opens_nothing():
    school = _school("peterborough-diocese-trust")
    pupil = _absent_child(school, "Ada")
    out = sweep("2025-03-07")
    assert WorklistItem.objects.filter(pupil=pupil, kind="attendance:letter_2").exists()
    [case] = Case.objects.filter(pupil=pupil)
    # The trust's below-90 % trigger puts the case at its Listen and understand stage.
    assert (case.stage_key, case.owner, case.opened_from_kind) == (
        "listen_and_understand",
        school,
        "attendance:letter_2",
    )
    opened = case.events.get(kind=CaseEvent.Kind.OPENED)
    assert opened.recorded_by is None
    assert opened.recorded_by_label == "rollcall (system)"
    assert "Opened by the nightly sweep" in opened.rationale
    assert {task.key for task in case.tasks.all()} == {"letter_below_90", "meeting_targets"}
    assert "Cases: 1 opened" in out

    again = sweep("2025-03-07")
    assert Case.objects.count() == 1
    assert "Cases: 0 opened" in again


def test_a_trigger_that_only_proposes_opens_no_case():
    school = _school("national")
    _absent_child(school, "Bea")
    sweep("2025-03-07")
    assert WorklistItem.objects.filter(kind="persistent_absence").exists()
    assert not Case.objects.exists()


def test_a_closed_case_is_not_reopened_by_the_item_that_opened_it():
    school = _school("peterborough-diocese-trust")
    pupil = _absent_child(school, "Cy")
    sweep("2025-03-07")
    case = Case.objects.get(pupil=pupil)
    case_close(actor=None, case=case, outcome="improved", on=D(2025, 3, 7), rationale="Better")
    sweep("2025-03-07")
    assert Case.objects.filter(pupil=pupil).count() == 1


def test_the_sweep_writes_each_case_as_opening_it_by_hand_would(time_machine):
    """Cases the sweep opens together have the same case, event, tasks and audit event as
    one opened on its own, and children off roll or with a case already are passed over."""
    from rollcall.casework.services.cases import case_open, cases_open_from_worklist
    from rollcall.core.models import AuditEvent
    from tests.conftest import set_clock

    set_clock(time_machine, D(2025, 3, 10), 21, 0)
    school = _school("peterborough-diocese-trust")
    children = [_absent_child(school, name) for name in ("Ada", "Bea", "Cy", "Dee")]
    call_command("sweep", "--on", "2025-03-07", "--no-cases", stdout=StringIO())
    ada, bea, cy, dee = children
    # Cy has left; Dee's school already runs a case for her.
    cy.enrolments.update(left_on=D(2025, 3, 6))
    item = WorklistItem.objects.get(pupil=dee, kind="attendance:letter_2")
    case_open(
        actor=None,
        pupil=dee,
        school=school,
        owner=school,
        on=D(2025, 3, 10),
        stage_key="listen_and_understand",
        rationale=f"Opened by the nightly sweep: x. {item.detail}",
    )
    result = cases_open_from_worklist(on=D(2025, 3, 10))
    assert (result.opened, result.skipped) == (2, 2)
    # Bea's case opened by hand from her item, as the sweep would have: the same rows.
    by_hand = WorklistItem.objects.get(pupil=bea, kind="attendance:letter_2")
    swept = Case.objects.get(pupil=ada)

    def shape(case: Case) -> dict[str, object]:
        event = case.events.get()
        audit = AuditEvent.objects.get(object_type="casework.case", object_id=str(case.pk))
        return {
            "case": {
                field: getattr(case, field)
                for field in (
                    "school_id",
                    "owner_key",
                    "owner_school_id",
                    "profile_key",
                    "status",
                    "stage_key",
                    "opened_on",
                    "opened_by_label",
                    "opened_from_kind",
                )
            },
            "event": (
                event.kind,
                event.recorded_by_label,
                event.organisation_key,
                event.to_stage,
                event.summary,
                sorted(event.figures),
            ),
            "tasks": sorted(
                (t.key, t.label, t.due_on, t.period, t.source) for t in case.tasks.all()
            ),
            "audit": (audit.verb, audit.actor_label, audit.school_urn, sorted(audit.payload)),
        }

    source = WorklistItem.objects.get(pk=swept.opened_from_item)
    assert swept.events.get().rationale == (
        "Opened by the nightly sweep: Attendance below the local trigger (letter 2) "
        f"(met on {source.met_on:%-d %B %Y}). {source.detail}"
    )
    bea_case = Case.objects.get(pupil=bea)
    Case.objects.filter(pk=bea_case.pk).update(
        status="closed", closed_on=D(2025, 3, 10), outcome="improved"
    )
    again = case_open(
        actor=None,
        pupil=bea,
        school=school,
        owner=school,
        on=D(2025, 3, 10),
        stage_key="listen_and_understand",
        rationale="By hand",
        opened_from_kind=by_hand.kind,
    )
    assert shape(swept) == shape(bea_case) == shape(again)
    assert not Case.objects.filter(pupil=cy).exists()
    assert Case.objects.filter(pupil=dee).count() == 1
