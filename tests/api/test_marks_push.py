import datetime as dt

import pytest

from rollcall.core.models import AuditEvent
from rollcall.registers.models import Mark, MarkAmendment
from tests.api.conftest import ApiClient, token_for
from tests.conftest import set_clock
from tests.factories import make_pupil

WEEK = [dt.date(2025, 1, 13) + dt.timedelta(days=n) for n in range(5)]  # Monday to Friday


@pytest.fixture(autouse=True)
def _pushed_on_the_friday(time_machine):
    # The MIS pushes the week's marks on its Friday afternoon, while the registers are open.
    set_clock(time_machine, WEEK[-1])


def _week(upn: str, code: str = "/") -> list[dict]:
    return [
        {"upn": upn, "date": day.isoformat(), "session": session, "code": code}
        for day in WEEK
        for session in ("AM", "PM")
    ]


def _url(school) -> str:
    return f"/api/schools/{school.urn}/marks"


def _locs(response) -> list[list]:
    return [error["loc"] for error in response.json()["errors"]]


def test_pushing_the_same_marks_twice_leaves_one_mark_per_session(officer_api, school, pupil):
    first = officer_api.post(_url(school), {"marks": _week(pupil.upn)})
    again = officer_api.post(_url(school), {"marks": _week(pupil.upn)})
    assert first.status_code == 200 and again.status_code == 200
    assert first.json() == {"created": 10, "unchanged": 0, "amended": 0}
    assert again.json() == {"created": 0, "unchanged": 10, "amended": 0}
    assert Mark.objects.count() == 10
    assert set(Mark.objects.values_list("source", flat=True)) == {"api"}


def test_the_push_is_recorded_as_the_tokens_user(officer_api, officer, school, pupil):
    officer_api.post(_url(school), {"marks": _week(pupil.upn)})
    assert {m.recorded_by for m in Mark.objects.all()} == {officer}
    event = AuditEvent.objects.get(verb="marks.bulk_record")
    assert (event.actor, event.school_urn, event.payload["created"]) == (officer, school.urn, 10)


def test_a_changed_code_without_a_reason_is_refused_naming_the_mark(officer_api, school, pupil):
    officer_api.post(_url(school), {"marks": _week(pupil.upn)})
    changed = _week(pupil.upn)
    changed[3]["code"] = "I"
    response = officer_api.post(_url(school), {"marks": changed})
    assert response.status_code == 422
    assert _locs(response) == [["body", "marks", 3, "code"], ["body", "amendment_reason"]]
    assert "already has /" in response.json()["errors"][0]["msg"]
    assert not MarkAmendment.objects.exists()
    assert set(Mark.objects.values_list("code", flat=True)) == {"/"}


def test_a_changed_code_with_a_reason_is_an_amendment_by_the_tokens_user(
    officer_api, officer, school, pupil
):
    officer_api.post(_url(school), {"marks": _week(pupil.upn, "N")})
    changed = _week(pupil.upn, "N")
    changed[0]["code"] = "I"
    response = officer_api.post(
        _url(school), {"marks": changed, "amendment_reason": "Parent phoned: unwell"}
    )
    assert response.json() == {"created": 0, "unchanged": 9, "amended": 1}
    amendment = MarkAmendment.objects.get()
    assert (amendment.previous_code, amendment.new_code) == ("N", "I")
    assert amendment.reason == "Parent phoned: unwell"
    assert amendment.amended_by == officer
    assert amendment.amended_by_label == "Olu Officer (officer)"
    mark = amendment.mark
    assert (mark.original_code, mark.code, mark.date, mark.session) == ("N", "I", WEEK[0], "AM")


def test_a_bad_row_refuses_the_whole_push_and_names_its_index(officer_api, school, pupil):
    marks = _week(pupil.upn)
    marks[7]["code"] = "ZZ"
    response = officer_api.post(_url(school), {"marks": marks})
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == [
        {"loc": ["body", "marks", 7, "code"], "msg": "'ZZ' is not an attendance code"}
    ]
    assert "nothing was stored" in body["detail"]
    assert not Mark.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("date", "13/01/2025", "date"),
        ("session", "am", "'AM' or 'PM'"),
        ("upn", "A12345678901Z", "UPN"),
        ("minutes_late", 12, "only given with L or U"),
        ("code", "H", "not an attendance code in force on 2025-01-14"),
    ],
)
def test_each_kind_of_bad_field_is_named(officer_api, school, pupil, field, value, reason):
    marks = _week(pupil.upn)
    marks[2][field] = value
    response = officer_api.post(_url(school), {"marks": marks})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["loc"] == ["body", "marks", 2, field]
    assert reason in error["msg"]
    assert not Mark.objects.exists()


def test_a_pupil_not_on_roll_and_a_weekend_are_named(officer_api, school, pupil, other_pupil):
    marks = _week(pupil.upn)
    marks[1]["upn"] = other_pupil.upn
    marks[4]["date"] = "2025-01-18"  # a Saturday
    response = officer_api.post(_url(school), {"marks": marks})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["loc"] for e in errors] == [["body", "marks", 1, "upn"], ["body", "marks", 4, "code"]]
    assert "is not on roll" in errors[0]["msg"]
    assert "weekend" in errors[1]["msg"]
    assert not Mark.objects.exists()


def test_minutes_late_are_kept_with_a_late_mark(officer_api, school, pupil):
    mark = {"upn": pupil.upn, "date": "2025-01-13", "session": "AM", "code": "L"}
    officer_api.post(_url(school), {"marks": [{**mark, "minutes_late": 12}]})
    assert Mark.objects.get().minutes_late == 12


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        (b'{"marks": [', ["body"]),
        ({"marks": []}, ["body", "marks"]),
        ({"amendment_reason": "x"}, ["body", "marks"]),
        ({"marks": [{"upn": "x"}]}, ["body", "marks", 0, "date"]),
    ],
)
def test_a_malformed_body_is_refused_in_the_same_shape(officer_api, school, body, loc):
    response = officer_api.post(_url(school), body)
    assert response.status_code == 422
    assert loc in _locs(response)


def test_an_la_officer_may_read_but_not_push(la_api, school, pupil):
    assert la_api.get(f"/api/pupils/{pupil.upn}").status_code == 200
    response = la_api.post(_url(school), {"marks": _week(pupil.upn)})
    assert response.status_code == 403
    assert "may read" in response.json()["detail"]
    assert not Mark.objects.exists()


def test_a_teacher_at_another_school_cannot_find_this_school(other_school, school, pupil):
    from rollcall.accounts.services import membership_add, user_create

    teacher = user_create(actor=None, username="elsewhere", password="a-long-test-password")
    membership_add(actor=None, user=teacher, role="teacher", school=other_school)
    response = ApiClient(token_for(teacher)).post(_url(school), {"marks": _week(pupil.upn)})
    assert response.status_code == 404
    assert not Mark.objects.exists()


def test_an_unknown_school_is_404(officer_api, pupil):
    response = officer_api.post("/api/schools/999999/marks", {"marks": _week(pupil.upn)})
    assert response.status_code == 404
    assert response.json() == {
        "detail": "No school with URN 999999 that this token may see",
        "errors": [],
    }


def test_a_body_larger_than_the_limit_is_refused_before_it_is_read(
    officer_api, school, monkeypatch
):
    monkeypatch.setattr("rollcall.api.endpoints.schools.MAX_BODY_BYTES", 100)
    pupil = make_pupil()
    response = officer_api.post(_url(school), {"marks": _week(pupil.upn)})
    assert response.status_code == 413
    assert "at most 100 bytes" in response.json()["detail"]
