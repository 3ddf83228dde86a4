"""Leave of absence: a parent's request, the headteacher's decision and the response to each
parent; granted leave suggested on the register; refused leave taken anyway counted as the
threshold counts every G (REG24 reg 11; WTISA)."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.template.loader import render_to_string

from rollcall.analytics.models import WorklistItem
from rollcall.core.models import AppendOnlyError, AuditEvent
from rollcall.organisations.models import School
from rollcall.organisations.services import registration_group_create
from rollcall.pupils.services import carer_create, carer_link_create
from rollcall.registers.leave_selectors import leave_requests_for
from rollcall.registers.models import LeaveDecision, LeaveRequest, LeaveResponse, Mark
from rollcall.registers.presenters.leave import pupil_leave
from rollcall.registers.services import (
    leave_decide,
    leave_request_record,
    leave_response_record,
    mark_record,
)
from tests.analytics.conftest import record
from tests.factories import enrol, make_pupil, make_school
from tests.registers.conftest import enrol_in, staff, url

D = dt.date
TODAY = D(2025, 1, 15)  # the `day` fixture: a Wednesday in term, 09:30
NEXT_MONDAY = D(2025, 1, 20)
NEXT_TUESDAY = D(2025, 1, 21)
REFUSED = (DatabaseError, IntegrityError)


def _parents(pupil, *, father_lives_with_child: bool = False):
    mother = carer_create(actor=None, forename="Maya", surname="Ash")
    father = carer_create(actor=None, forename="Dan", surname="Ash")
    carer_link_create(
        actor=None,
        pupil=pupil,
        carer=mother,
        relationship="mother",
        parental_responsibility=True,
        lives_with_pupil=True,
    )
    carer_link_create(
        actor=None,
        pupil=pupil,
        carer=father,
        relationship="father",
        parental_responsibility=True,
        lives_with_pupil=father_lives_with_child,
        contact_priority=2,
    )
    return mother, father


@pytest.fixture
def leave(here):
    """Ada's mother asks today for leave from next Monday morning to Tuesday morning."""
    ada = here["pupils"][0]
    mother, father = _parents(ada)
    here["head"] = staff("hana", "headteacher", here["school"], "Hana", "Head")
    here["mother"], here["father"] = mother, father
    here["request"] = leave_request_record(
        actor=here["officer"],
        school=here["school"],
        pupil=ada,
        carer=mother,
        first_day=NEXT_MONDAY,
        first_session="AM",
        last_day=NEXT_TUESDAY,
        last_session="AM",
        reason="Funeral of the children's grandmother in Lagos",
        received_on=TODAY,
        today=TODAY,
    )
    return here


def _decide(here, outcome="granted", actor=None, **dates):
    return leave_decide(
        actor=actor or here["head"],
        request=here["request"],
        outcome=outcome,
        rationale="A close family bereavement abroad: exceptional circumstances",
        decided_on=TODAY,
        today=TODAY,
        **dates,
    )


def _selected(html: str, pupil) -> str:
    select = re.search(rf'<select[^>]*id="code-{pupil.pk}".*?</select>', html, re.S).group(0)
    chosen = re.search(r'<option value="([^"]*)"\s+selected', select)
    return chosen.group(1) if chosen else ""


def _row(html: str, pupil) -> str:
    """The pupil's row of the register table."""
    start = html.index(f'id="code-{pupil.pk}"')
    return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]


# ------------------------------------------------------------------------ the register


def test_granted_leave_shows_on_the_register_with_its_code_for_those_sessions_only(client, leave):
    _decide(leave)
    ada, bilal, _ = leave["pupils"]
    client.force_login(leave["teacher"])
    for day, session in ((NEXT_MONDAY, "AM"), (NEXT_MONDAY, "PM"), (NEXT_TUESDAY, "AM")):
        html = client.get(url(leave, day, session)).content.decode()
        assert "Leave of absence granted to 21 January 2025 (morning)" in _row(html, ada)
        assert "C is proposed; change it if the pupil is here" in _row(html, ada)
        assert _selected(html, ada) == "C"
        assert _selected(html, bilal) == ""
        assert "Leave of absence" not in _row(html, bilal)
    for day, session in ((TODAY, "PM"), (D(2025, 1, 17), "PM"), (NEXT_TUESDAY, "PM")):
        html = client.get(url(leave, day, session)).content.decode()
        assert "Leave of absence" not in html
        assert _selected(html, ada) == ""
    # A suggestion, not a mark: the register is still taken by the teacher.
    assert not Mark.objects.exists()


def test_the_head_may_grant_fewer_sessions_than_asked_for(client, leave):
    _decide(
        leave, first_day=NEXT_MONDAY, first_session="AM", last_day=NEXT_MONDAY, last_session="AM"
    )
    ada = leave["pupils"][0]
    client.force_login(leave["teacher"])
    assert _selected(client.get(url(leave, NEXT_MONDAY, "AM")).content.decode(), ada) == "C"
    assert _selected(client.get(url(leave, NEXT_MONDAY, "PM")).content.decode(), ada) == ""
    with pytest.raises(ValidationError, match="must fall within the leave asked for"):
        leave_decide(
            actor=leave["head"],
            request=leave_request_record(
                actor=leave["officer"],
                school=leave["school"],
                pupil=ada,
                carer=leave["mother"],
                first_day=D(2025, 2, 3),
                first_session="AM",
                last_day=D(2025, 2, 3),
                last_session="PM",
                reason="Hospital appointment in another city",
                received_on=TODAY,
                today=TODAY,
            ),
            outcome="granted",
            rationale="Specialist appointment",
            decided_on=TODAY,
            today=TODAY,
            first_day=D(2025, 2, 4),
            first_session="AM",
            last_day=D(2025, 2, 4),
            last_session="PM",
        )


def test_refused_leave_is_not_suggested_on_the_register(client, leave):
    _decide(leave, outcome="refused")
    client.force_login(leave["teacher"])
    html = client.get(url(leave, NEXT_MONDAY, "AM")).content.decode()
    assert "Leave of absence" not in html
    assert _selected(html, leave["pupils"][0]) == ""


# ---------------------------------------------------------- refused leave taken anyway


@pytest.fixture
def store(settings, tmp_path):
    settings.ROLLCALL_STORE_DIR = tmp_path / "store"


def test_refused_leave_taken_as_g_counts_towards_the_threshold(client, db, store):
    school = make_school(name="Riverside Primary School")
    pupil = make_pupil(forename="Gus", surname="Lee", date_of_birth=D(2016, 1, 10))
    enrol(pupil, school, admitted_on=D(2024, 9, 2))
    mother, _ = _parents(pupil)
    officer = staff("omar", "attendance_officer", school)
    head = staff("hana", "headteacher", school)
    request = leave_request_record(
        actor=officer,
        school=school,
        pupil=pupil,
        carer=mother,
        first_day=D(2025, 3, 3),
        first_session="AM",
        last_day=D(2025, 3, 7),
        last_session="PM",
        reason="Family holiday: flights are cheaper in term time",
        received_on=D(2025, 2, 10),
        today=D(2025, 2, 10),
    )
    leave_decide(
        actor=head,
        request=request,
        outcome="refused",
        rationale="A holiday is not an exceptional circumstance",
        decided_on=D(2025, 2, 11),
        today=D(2025, 2, 11),
    )
    leave_response_record(
        actor=officer,
        request=request,
        carer=mother,
        channel="first_class_post",
        told_on=D(2025, 2, 12),
        warned_of_penalty=True,
        today=D(2025, 2, 12),
    )
    (found,) = leave_requests_for(pupil=pupil, school=school)
    assert not found.taken_without_leave

    record(school, pupil.upn, D(2025, 3, 3), "G G G G G G G G G G")
    out = StringIO()
    call_command("sweep", "--on", "2025-03-07", stdout=out)
    item = WorklistItem.objects.get(kind="national_threshold", pupil=pupil)
    assert (item.met_on, item.provisional) == (D(2025, 3, 7), False)

    (found,) = leave_requests_for(pupil=pupil, school=school)
    assert found.taken_without_leave
    assert dict(found.absent_codes) == {"G": 10}
    client.force_login(officer)
    html = client.get(f"/registers/leave/requests/{request.pk}").content.decode()
    assert "Refused, and taken" in html
    assert "G in 10 sessions" in html
    assert "counts towards the national threshold" in html
    assert html.count("Away without leave") == 10
    listed = client.get("/registers/leave/").content.decode()
    assert "Refused, and taken" in listed and "Away: G in 10 sessions" in listed
    # Hackney writes to the parents that the absence is treated as an unauthorised holiday.
    assert "treated as an unauthorised holiday" not in html
    School.objects.filter(pk=school.pk).update(policy_profile="hackney")
    html = client.get(f"/registers/leave/requests/{request.pk}").content.decode()
    assert "treated as an unauthorised holiday and will be referred" in html


def test_absence_beyond_the_leave_granted_shows_on_the_request(client, leave):
    _decide(
        leave, first_day=NEXT_MONDAY, first_session="AM", last_day=NEXT_MONDAY, last_session="PM"
    )
    ada = leave["pupils"][0]
    for session in ("AM", "PM"):
        mark_record(
            actor=None,
            school=leave["school"],
            pupil=ada,
            date=NEXT_MONDAY,
            session=session,
            code="C",
        )
    mark_record(
        actor=None, school=leave["school"], pupil=ada, date=NEXT_TUESDAY, session="AM", code="G"
    )
    (found,) = leave_requests_for(pupil=ada, school=leave["school"])
    assert dict(found.absent_codes) == {"G": 1}
    client.force_login(leave["officer"])
    html = client.get(f"/registers/leave/requests/{leave['request'].pk}").content.decode()
    assert "Granted, away beyond it" in html
    assert html.count("Away without leave") == 1
    assert "C \u2013 Leave granted: exceptional circumstances" in html


# ------------------------------------------------------------------ who may decide


def test_only_the_headteacher_decides(client, leave):
    request = leave["request"]
    for someone in (leave["officer"], leave["teacher"], None):
        with pytest.raises(ValidationError, match="Only the headteacher decides"):
            _decide(leave, actor=someone) if someone else leave_decide(
                actor=None,
                request=request,
                outcome="granted",
                rationale="x",
                decided_on=TODAY,
                today=TODAY,
            )
    other_school = make_school(name="Other Primary School")
    elsewhere = staff("head2", "headteacher", other_school)
    with pytest.raises(ValidationError, match="Only the headteacher decides"):
        _decide(leave, actor=elsewhere)
    assert not LeaveDecision.objects.exists()

    client.force_login(leave["officer"])
    decide = f"/registers/leave/requests/{request.pk}/decide"
    assert client.get(decide).status_code == 403
    assert client.post(decide, {"outcome": "granted"}).status_code == 403
    page = client.get(f"/registers/leave/requests/{request.pk}").content.decode()
    assert "Decide on the request" not in page
    client.force_login(leave["teacher"])
    assert client.get(decide).status_code == 403
    assert client.get("/registers/leave/").status_code == 403

    client.force_login(leave["head"])
    page = client.get(f"/registers/leave/requests/{request.pk}").content.decode()
    assert "Decide on the request" in page
    form = client.get(decide).content.decode()
    assert "Funeral of the children&#39;s grandmother in Lagos" in form
    assert "Reason for the decision" in form
    refused = client.post(decide, {"outcome": "granted"}).content.decode()
    assert "Give the reason for the decision" in refused
    response = client.post(
        decide,
        {
            "outcome": "refused",
            "rationale": "Not exceptional: the funeral is after half term",
            "decided_on-day": "15",
            "decided_on-month": "1",
            "decided_on-year": "2025",
        },
    )
    assert response.status_code == 302
    decision = LeaveDecision.objects.get()
    assert (decision.outcome, decision.decided_by) == ("refused", leave["head"])
    assert decision.decided_by_label == "Hana Head (hana)"
    with pytest.raises(ValidationError, match="a decision stands"):
        _decide(leave)


def test_a_decision_needs_a_reason_and_leave_is_granted_only_as_the_law_allows(leave):
    with pytest.raises(ValidationError, match="Give the reason"):
        leave_decide(
            actor=leave["head"],
            request=leave["request"],
            outcome="granted",
            rationale="  ",
            decided_on=TODAY,
            today=TODAY,
        )
    ada = leave["pupils"][0]
    late = leave_request_record(
        actor=leave["officer"],
        school=leave["school"],
        pupil=ada,
        carer=leave["mother"],
        first_day=D(2025, 1, 13),
        first_session="AM",
        last_day=D(2025, 1, 14),
        last_session="PM",
        reason="We were away at a wedding",
        received_on=TODAY,
        today=TODAY,
    )
    from_father = leave_request_record(
        actor=leave["officer"],
        school=leave["school"],
        pupil=ada,
        carer=leave["father"],
        first_day=D(2025, 2, 3),
        first_session="AM",
        last_day=D(2025, 2, 3),
        last_session="PM",
        reason="A day with his family",
        received_on=TODAY,
        today=TODAY,
    )
    for request, message in (
        (late, "request made in advance"),
        (from_father, "Dan Ash does not live with Ada Ash"),
    ):
        with pytest.raises(ValidationError, match=message):
            leave_decide(
                actor=leave["head"],
                request=request,
                outcome="granted",
                rationale="Exceptional",
                decided_on=TODAY,
                today=TODAY,
            )
        # Refusing is always possible: every request gets a clear answer.
        leave_decide(
            actor=leave["head"],
            request=request,
            outcome="refused",
            rationale="Not exceptional",
            decided_on=TODAY,
            today=TODAY,
        )


# --------------------------------------------------------------- the office's pages


def test_the_office_records_a_request_and_each_parents_response(client, leave):
    ada = leave["pupils"][0]
    client.force_login(leave["officer"])
    index = client.get("/registers/").content.decode()
    assert "Leave of absence requests" in index
    page = client.get(f"/registers/leave/{leave['school'].urn}/new").content.decode()
    assert "Which pupil is the request for?" in page and "Bilal Birch" in page
    picked = client.get(f"/registers/leave/{leave['school'].urn}/new", {"pupil": ada.pk})
    assert picked.status_code == 302
    form_url = picked["Location"]
    page = client.get(form_url).content.decode()
    assert "Maya Ash" in page and "Dan Ash" in page
    data = {
        "carer": leave["mother"].pk,
        "first_day-day": "3",
        "first_day-month": "2",
        "first_day-year": "2025",
        "first_session": "AM",
        "last_day-day": "31",
        "last_day-month": "1",
        "last_day-year": "2025",
        "last_session": "PM",
        "reason": "Her brother's graduation abroad",
        "received_on-day": "15",
        "received_on-month": "1",
        "received_on-year": "2025",
    }
    refused = client.post(form_url, data).content.decode()
    assert "is before the first" in refused
    assert LeaveRequest.objects.count() == 1
    data |= {"last_day-day": "4", "last_day-month": "2"}
    saved = client.post(form_url, data)
    assert saved.status_code == 302
    made = LeaveRequest.objects.get(reason="Her brother's graduation abroad")
    assert (made.requested_by, made.recorded_by) == (leave["mother"], leave["officer"])

    _decide(leave, outcome="refused")
    respond = f"/registers/leave/requests/{leave['request'].pk}/respond"
    emailed = {
        "carer": leave["father"].pk,
        "channel": "email_with_written_consent",
        "told_on-day": "15",
        "told_on-month": "1",
        "told_on-year": "2025",
        "warned_of_penalty": "on",
    }
    page = client.post(respond, emailed).content.decode()
    assert "has not given written consent to letters by email" in page
    assert client.post(respond, emailed | {"channel": "first_class_post"}).status_code == 302
    page = client.get(f"/registers/leave/requests/{leave['request'].pk}").content.decode()
    assert "Letter by first-class post" in page
    assert "Not yet told: Maya Ash." in page
    listed = client.get("/registers/leave/").content.decode()
    assert "1 of 2 parents told" in listed
    assert "Awaiting the headteacher" in listed  # the second request
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="leave_request").values_list("verb", flat=True)
    )
    assert verbs.count("leave_request.record") == 2
    assert verbs.count("leave_request.decide") == 1
    assert verbs.count("leave_request.respond") == 1


def test_essex_accepts_a_response_only_in_writing_and_names_its_letter(client, leave):
    School.objects.filter(pk=leave["school"].pk).update(policy_profile="essex")
    leave["request"].school.refresh_from_db()
    _decide(leave, outcome="refused")
    with pytest.raises(ValidationError, match="accepts a response as evidence only by letter"):
        leave_response_record(
            actor=leave["officer"],
            request=leave["request"],
            carer=leave["mother"],
            channel="spoken",
            told_on=TODAY,
            warned_of_penalty=True,
            today=TODAY,
        )
    client.force_login(leave["officer"])
    html = client.get(f"/registers/leave/requests/{leave['request'].pk}").content.decode()
    assert "Response to a request for leave in term time (to each parent" in html


def test_a_parent_cannot_be_told_before_the_decision(leave):
    with pytest.raises(ValidationError, match="has not decided this request yet"):
        leave_response_record(
            actor=leave["officer"],
            request=leave["request"],
            carer=leave["mother"],
            channel="first_class_post",
            told_on=TODAY,
            warned_of_penalty=False,
            today=TODAY,
        )


# ------------------------------------------------------------------------ evidence


def _refused(sql: str) -> str:
    with pytest.raises(REFUSED) as refusal, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    return str(refusal.value)


def test_leave_records_cannot_be_changed_or_deleted(leave):
    decision = _decide(leave)
    response = leave_response_record(
        actor=leave["officer"],
        request=leave["request"],
        carer=leave["mother"],
        channel="hand_delivery_with_record",
        told_on=TODAY,
        warned_of_penalty=False,
        today=TODAY,
        note="Handed to her at the gate by Omar",
    )
    for row in (leave["request"], decision, response):
        with pytest.raises(AppendOnlyError):
            row.save()
        with pytest.raises(AppendOnlyError):
            row.delete()
    for table, column in (
        ("registers_leaverequest", "reason = 'changed'"),
        ("registers_leavedecision", "outcome = 'refused'"),
        ("registers_leaveresponse", "told_on = '2025-01-01'"),
    ):
        assert "evidence" in _refused(f"UPDATE {table} SET {column}")
        assert "evidence" in _refused(f"DELETE FROM {table}")
    assert LeaveDecision.objects.get().outcome == "granted"
    assert LeaveResponse.objects.get().told_on == TODAY
    assert LeaveRequest.objects.get().reason.startswith("Funeral")


# ------------------------------------------------------------------------- scope


def test_another_school_sees_nothing(client, leave):
    other = make_school(name="Hilltop Primary School", terms=((D(2024, 9, 1), D(2025, 7, 20)),))
    group = registration_group_create(actor=None, school=other, name="5H", year_group="5")
    theirs = make_pupil(forename="Tom", surname="Hill")
    enrol_in(theirs, group)
    officer = staff("olga", "attendance_officer", other)
    head = staff("hugh", "headteacher", other)
    request = leave["request"]
    client.force_login(officer)
    listed = client.get("/registers/leave/").content.decode()
    assert "Hilltop Primary School" in listed
    assert "Ada Ash" not in listed and "No requests for leave of absence" in listed
    for path in ("", "/decide", "/respond"):
        assert client.get(f"/registers/leave/requests/{request.pk}{path}").status_code == 404
    assert client.get(f"/registers/leave/{leave['school'].urn}/new").status_code == 404
    ada = leave["pupils"][0]
    assert client.get(f"/registers/leave/{other.urn}/new/{ada.pk}").status_code == 404
    assert client.get(f"/registers/leave/?school={leave['school'].urn}").status_code == 404
    client.force_login(head)
    assert client.get(f"/registers/leave/requests/{request.pk}/decide").status_code == 404
    with pytest.raises(ValidationError, match="not an attendance officer or the headteacher"):
        leave_request_record(
            actor=officer,
            school=leave["school"],
            pupil=ada,
            carer=leave["mother"],
            first_day=NEXT_MONDAY,
            first_session="AM",
            last_day=NEXT_MONDAY,
            last_session="PM",
            reason="x",
            received_on=TODAY,
            today=TODAY,
        )
    with pytest.raises(ValidationError, match="is not on roll at Hilltop"):
        leave_request_record(
            actor=officer,
            school=other,
            pupil=ada,
            carer=leave["mother"],
            first_day=NEXT_MONDAY,
            first_session="AM",
            last_day=NEXT_MONDAY,
            last_session="PM",
            reason="x",
            received_on=TODAY,
            today=TODAY,
        )


def test_the_case_page_part_lists_a_childs_requests(leave):
    _decide(leave)
    ada = leave["pupils"][0]
    html = render_to_string(
        "registers/_leave_requests.html",
        {"leave": pupil_leave(pupil=ada, school=leave["school"]), "leave_show_pupil": False},
    )
    assert "Mon 20 Jan 2025 morning to Tue 21 Jan 2025 morning" in html
    assert "Granted" in html and "0 of 2 parents told" in html
    assert f"/registers/leave/{leave['school'].urn}/new/{ada.pk}" in html
    other = pupil_leave(pupil=leave["pupils"][1], school=leave["school"])
    assert other.lines == []
