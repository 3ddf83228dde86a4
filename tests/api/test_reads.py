import datetime as dt

import pytest

from rollcall.registers.services import MarkInput, mark_amend, mark_record, marks_bulk_record
from tests.api.conftest import ApiClient, token_for
from tests.factories import enrol, make_la, make_pupil, make_school

DAY = dt.date(2025, 1, 13)


@pytest.fixture
def week_of_marks(school, pupil, officer):
    codes = ["/", "\\", "L", "\\", "I", "I", "N", "N", "V", "#"]
    days = [DAY + dt.timedelta(days=n // 2) for n in range(10)]
    marks = [
        MarkInput(upn=pupil.upn, date=day, session=("AM", "PM")[n % 2], code=code)
        for n, (day, code) in enumerate(zip(days[:-1], codes[:-1], strict=True))
    ]
    marks_bulk_record(actor=None, school=school, marks=marks, source="import")


def test_pupils_on_roll_on_a_date_leave_out_those_who_had_left(officer_api, school, pupil):
    leaver = make_pupil(forename="Lee", surname="Aver")
    enrol(leaver, school, left_on=dt.date(2024, 12, 20))
    url = f"/api/schools/{school.urn}/pupils"
    before = officer_api.get(url, on="2024-12-02").json()
    after = officer_api.get(url, on="2025-01-13").json()
    assert sorted(p["upn"] for p in before["items"]) == sorted([pupil.upn, leaver.upn])
    assert [p["upn"] for p in after["items"]] == [pupil.upn]
    assert after["items"][0]["legal_surname"] == "Pupil"
    assert after["count"] == 1


def test_pupils_are_listed_a_page_at_a_time(officer_api, school, pupil):
    for n in range(4):
        enrol(make_pupil(surname=f"Zed{n}"), school)
    url = f"/api/schools/{school.urn}/pupils"
    first = officer_api.get(url, on="2025-01-13", page_size=2).json()
    last = officer_api.get(url, on="2025-01-13", page_size=2, page=3).json()
    assert (first["count"], first["pages"], len(first["items"])) == (5, 3, 2)
    assert [p["legal_surname"] for p in last["items"]] == ["Zed3"]


def test_a_bad_date_in_the_query_is_refused_in_the_same_shape(officer_api, school):
    response = officer_api.get(f"/api/schools/{school.urn}/pupils", on="13/01/2025")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "on"]


def test_a_pupil_with_flags_and_only_the_enrolments_the_user_may_see(officer_api, school):
    pupil = make_pupil(forename="Ada", looked_after=True, free_school_meals=True)
    enrol(pupil, school, registration="M")
    elsewhere = make_school(name="Far Away School", la=make_la("988", "Elsewhere"))
    enrol(pupil, elsewhere, registration="S", admitted_on=dt.date(2024, 9, 2))
    body = officer_api.get(f"/api/pupils/{pupil.upn}").json()
    assert (body["legal_forename"], body["date_of_birth"]) == ("Ada", "2016-05-04")
    assert body["flags"]["looked_after"] and body["flags"]["free_school_meals"]
    assert not body["flags"]["child_protection_plan"]
    assert [e["school_urn"] for e in body["enrolments"]] == [school.urn]


def test_another_schools_pupil_is_not_found(officer_api, other_pupil):
    for suffix in (
        "",
        "/marks?from=2025-01-01&to=2025-01-31",
        "/figures?from=2025-01-01&to=2025-01-31",
    ):
        response = officer_api.client.get(
            f"/api/pupils/{other_pupil.upn}{suffix}", headers=officer_api.headers
        )
        assert response.status_code == 404
        assert response.json()["detail"] == (
            f"No pupil with UPN {other_pupil.upn} that this token may see"
        )


def test_another_schools_pupil_list_is_not_found(officer_api, other_school):
    response = officer_api.get(f"/api/schools/{other_school.urn}/pupils")
    assert response.status_code == 404


def test_an_la_officer_sees_every_school_in_the_authority(la_api, school, pupil, other_pupil):
    assert la_api.get(f"/api/pupils/{pupil.upn}").status_code == 200
    assert la_api.get(f"/api/pupils/{other_pupil.upn}").status_code == 404


def test_a_malformed_upn_is_refused_with_the_reason(officer_api, db):
    response = officer_api.get("/api/pupils/A12345678901Z")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["path", "upn"]


def test_marks_in_a_range_show_the_original_code_and_each_amendment(
    officer_api, officer, school, pupil
):
    mark = mark_record(actor=officer, school=school, pupil=pupil, date=DAY, session="AM", code="N")
    mark_amend(actor=officer, mark=mark, new_code="M", reason="Appointment card seen")
    mark_record(actor=officer, school=school, pupil=pupil, date=DAY, session="PM", code="\\")
    mark_record(
        actor=officer,
        school=school,
        pupil=pupil,
        date=DAY + dt.timedelta(1),
        session="AM",
        code="/",
    )
    body = officer_api.get(f"/api/pupils/{pupil.upn}/marks", **{"from": DAY, "to": DAY}).json()
    assert body["count"] == 2
    am, pm = body["items"]
    assert (am["session"], am["original_code"], am["code"]) == ("AM", "N", "M")
    assert am["amendments"][0]["reason"] == "Appointment card seen"
    assert am["amendments"][0]["amended_by"] == "Olu Officer (officer)"
    assert (pm["code"], pm["amendments"]) == ("\\", [])


def test_a_range_that_ends_before_it_starts_is_refused(officer_api, pupil):
    response = officer_api.get(
        f"/api/pupils/{pupil.upn}/marks", **{"from": "2025-02-01", "to": "2025-01-01"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "to"]


def test_figures_count_sessions_by_category(officer_api, pupil, week_of_marks):
    body = officer_api.get(
        f"/api/pupils/{pupil.upn}/figures", **{"from": "2025-01-13", "to": "2025-01-17"}
    ).json()
    assert body == {
        "upn": pupil.upn,
        "start": "2025-01-13",
        "end": "2025-01-17",
        "possible": 9,
        "present": 4,
        "approved_educational_activity": 1,
        "authorised_absence": 2,
        "unauthorised_absence": 2,
        "not_counted": 0,
        "attendance_percent": 55.6,
    }


def test_figures_use_the_meaning_a_code_had_on_its_date(officer, school, pupil):
    # J was an approved educational activity until 18 August 2024 (REG06).
    marks = [
        MarkInput(upn=pupil.upn, date=dt.date(2024, 1, 15), session="AM", code="J"),
        MarkInput(upn=pupil.upn, date=dt.date(2025, 1, 13), session="AM", code="J1"),
    ]
    marks_bulk_record(actor=None, school=school, marks=marks, source="import")
    body = (
        ApiClient(token_for(officer))
        .get(f"/api/pupils/{pupil.upn}/figures", **{"from": "2024-01-01", "to": "2025-07-31"})
        .json()
    )
    assert (body["approved_educational_activity"], body["authorised_absence"]) == (1, 1)
    assert body["attendance_percent"] == 50.0


def test_figures_with_no_possible_sessions_have_no_percentage(officer_api, pupil):
    body = officer_api.get(
        f"/api/pupils/{pupil.upn}/figures", **{"from": "2025-01-13", "to": "2025-01-17"}
    ).json()
    assert (body["possible"], body["attendance_percent"]) == (0, None)
