"""The register lock holds on every road that writes marks: the register page, the API, a marks
file, the command line. A locked register is amended, or taken late, by a headteacher with a
reason, or by an administrator's explicit override; refusals name the lock."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rollcall.accounts.services import user_create
from rollcall.api.services import api_integration_create
from rollcall.core.models import AuditEvent
from rollcall.registers.models import Mark, MarkAmendment
from rollcall.registers.services import MarkInput, MarksRejected, marks_bulk_record
from rollcall.transfers.problems import ImportRefused
from rollcall.transfers.services import marks_file_import
from tests.api.conftest import ApiClient, token_for
from tests.conftest import set_clock
from tests.registers.conftest import take

MONDAY = dt.date(2025, 1, 27)  # a week of the spring term in tests.factories
LATER = dt.date(2025, 3, 10)  # weeks later: that Monday's registers locked long ago
OPEN = dt.date(2025, 1, 29)  # two days later: still open


@pytest.fixture
def locked_week(school, pupils):
    """Monday's morning register, marked present for everyone; the clock stands weeks later."""
    marks_bulk_record(
        actor=None,
        school=school,
        marks=[MarkInput(upn=p.upn, date=MONDAY, session="AM", code="/") for p in pupils],
        source="register",
    )
    return pupils


def _push(client, school, upn, code, day=MONDAY, reason=""):
    body = {"marks": [{"upn": upn, "date": day.isoformat(), "session": "AM", "code": code}]}
    if reason:
        body["amendment_reason"] = reason
    return client.post(f"/api/schools/{school.urn}/marks", body)


def _code(pupil, day=MONDAY) -> str:
    return Mark.objects.get(pupil=pupil, date=day, session="AM").code


def test_a_teachers_api_token_cannot_amend_a_locked_mark(
    time_machine, school, locked_week, teacher
):
    set_clock(time_machine, LATER)
    response = _push(ApiClient(token_for(teacher)), school, locked_week[0].upn, "O", reason="x")
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["loc"] == ["body", "marks", 0, "code"]
    assert "The register for Monday 27 January 2025 locked after" in error["msg"]
    assert "only a headteacher can amend it now" in error["msg"]
    assert _code(locked_week[0]) == "/" and not MarkAmendment.objects.exists()


def test_a_headteachers_token_amends_a_locked_mark_with_a_reason(
    time_machine, school, locked_week, head
):
    set_clock(time_machine, LATER)
    api = ApiClient(token_for(head))
    response = _push(api, school, locked_week[0].upn, "M", reason="Hospital letter seen")
    assert response.status_code == 200, response.json()
    assert response.json()["amended"] == 1
    assert _code(locked_week[0]) == "M"


def test_the_mis_integration_writes_open_registers_and_never_locked_ones(
    time_machine, school, locked_week
):
    set_clock(time_machine, OPEN)
    integration = api_integration_create(actor=None, school=school, name="SIMS push")
    api = ApiClient(integration.secret)
    assert (
        _push(api, school, locked_week[0].upn, "I", reason="Ill: mother phoned").status_code == 200
    )
    set_clock(time_machine, LATER)
    refused = _push(api, school, locked_week[1].upn, "I", reason="Ill: mother phoned")
    assert refused.status_code == 422
    assert "only a headteacher can amend it now" in refused.json()["errors"][0]["msg"]
    # Nor may it fill in a register that was never taken, once it has locked.
    tuesday = MONDAY + dt.timedelta(days=1)
    late = _push(api, school, locked_week[1].upn, "/", day=tuesday)
    assert late.status_code == 422
    assert "was never taken; only a headteacher can take it now" in late.json()["errors"][0]["msg"]
    assert (_code(locked_week[0]), _code(locked_week[1])) == ("I", "/")
    # Repeating what is stored changes nothing, so the nightly push of a past week still passes.
    assert _push(api, school, locked_week[2].upn, "/").status_code == 200


def test_an_officers_marks_file_cannot_change_a_locked_register(school, locked_week, officer):
    data = f"school_urn,upn,date,session,code\n{school.urn},{locked_week[0].upn},{MONDAY},AM,O\n"
    with pytest.raises(ImportRefused) as refused:
        marks_file_import(
            actor=officer, data=data.encode(), name="fix.csv", reason="Late letter", today=LATER
        )
    assert "row 1 (line 2): The register for Monday 27 January 2025 locked after" in str(
        refused.value.problems[0]
    )
    assert _code(locked_week[0]) == "/"


def test_the_command_line_acts_as_a_named_user_held_to_their_role(
    time_machine, tmp_path, school, locked_week, officer
):
    set_clock(time_machine, LATER)
    path = tmp_path / "fix.csv"
    path.write_text(
        f"school_urn,upn,date,session,code\n{school.urn},{locked_week[0].upn},{MONDAY},AM,O\n"
    )
    with pytest.raises(CommandError, match="the following arguments are required: --by"):
        call_command("import-marks", str(path), "--reason", "Late letter")
    errors = StringIO()
    with pytest.raises(CommandError, match=r"Nothing from fix\.csv was saved"):
        call_command(
            "import-marks", str(path), "--by", "officer", "--reason", "Late letter", stderr=errors
        )
    assert "only a headteacher can amend it now" in errors.getvalue()
    assert _code(locked_week[0]) == "/"


def test_an_administrator_overrides_the_lock_only_explicitly_with_a_reason(
    time_machine, tmp_path, school, locked_week
):
    set_clock(time_machine, LATER)
    user_create(actor=None, username="admin", password="a-long-test-password", is_superuser=True)
    path = tmp_path / "fix.csv"
    path.write_text(
        f"school_urn,upn,date,session,code\n{school.urn},{locked_week[0].upn},{MONDAY},AM,O\n"
    )
    errors = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import-marks", str(path), "--by", "admin", "--reason", "MIS move", stderr=errors
        )
    assert "an administrator may change it only by an explicit override" in errors.getvalue()
    with pytest.raises(CommandError, match="--override-lock needs --reason"):
        call_command("import-marks", str(path), "--by", "admin", "--override-lock")
    call_command(
        "import-marks",
        str(path),
        "--by",
        "admin",
        "--override-lock",
        "--reason",
        "Registers restored after the MIS move",
        stdout=StringIO(),
    )
    assert _code(locked_week[0]) == "O"
    event = AuditEvent.objects.get(verb="marks.import")
    assert event.payload["override_lock"] is True
    assert event.payload["reason"] == "Registers restored after the MIS move"


def test_only_an_administrator_may_override(time_machine, tmp_path, school, locked_week, head):
    set_clock(time_machine, LATER)
    path = tmp_path / "fix.csv"
    path.write_text(
        f"school_urn,upn,date,session,code\n{school.urn},{locked_week[0].upn},{MONDAY},AM,O\n"
    )
    with pytest.raises(CommandError, match="only an administrator may override the register lock"):
        call_command("import-marks", str(path), "--by", "head", "--override-lock", "--reason", "x")


def test_a_register_never_taken_is_taken_after_the_lock_only_by_a_headteacher_with_a_reason(
    group, pupils, teacher, head
):
    never_taken = MONDAY + dt.timedelta(days=1)
    codes = dict.fromkeys(pupils, "/")
    with pytest.raises(MarksRejected) as refused:
        take(group, pupils, teacher, codes, day=never_taken, today=LATER)
    assert "was never taken; only a headteacher can take it now, with a reason" in str(
        refused.value.problems[0]
    )
    with pytest.raises(MarksRejected) as refused:
        take(group, pupils, head, codes, day=never_taken, today=LATER)
    assert "give a reason for taking it now" in str(refused.value.problems[0])
    assert not Mark.objects.filter(date=never_taken).exists()
    take(group, pupils, head, codes, day=never_taken, today=LATER, reason="Paper register found")
    assert Mark.objects.filter(date=never_taken).count() == 3
