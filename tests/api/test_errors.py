"""Every API error is JSON in the API's shape, with a field-level reason for a bad query."""

from __future__ import annotations

import pytest

PAGE_MAX = "9223372036854775807"


def test_a_huge_page_number_is_refused_with_a_reason(officer_api, school, pupil):
    response = officer_api.get(f"/api/schools/{school.urn}/pupils", page=PAGE_MAX)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["errors"][0]["loc"] == ["query", "page"]
    assert "less than or equal to 1000000" in body["errors"][0]["msg"]


def test_a_huge_page_number_of_a_pupils_marks_is_refused(officer_api, pupil):
    response = officer_api.get(
        f"/api/pupils/{pupil.upn}/marks",
        **{"from": "2025-01-01", "to": "2025-01-31"},
        page=PAGE_MAX,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "page"]


def test_a_page_past_the_last_is_an_empty_list(officer_api, school, pupil):
    body = officer_api.get(
        f"/api/schools/{school.urn}/pupils", on="2025-01-13", page=1000000
    ).json()
    assert (body["count"], body["items"]) == (1, [])


@pytest.mark.parametrize("value", ["0", "1736726400", "20250113", "2025-1-13", "13/01/2025"])
def test_a_date_must_be_written_year_month_day(officer_api, school, value):
    response = officer_api.get(f"/api/schools/{school.urn}/pupils", on=value)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["loc"] == ["query", "on"]
    assert error["msg"] == f"'{value}' is not a date: give it as YYYY-MM-DD, e.g. 2025-01-13"


def test_a_date_that_is_not_in_the_calendar_is_refused(officer_api, school):
    response = officer_api.get(f"/api/schools/{school.urn}/pupils", on="2025-02-30")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"loc": ["query", "on"], "msg": "'2025-02-30' is not a date in the calendar"}
    ]


@pytest.mark.parametrize("endpoint", ["marks", "figures"])
def test_the_dates_of_a_pupils_period_must_be_dates(officer_api, pupil, endpoint):
    response = officer_api.get(f"/api/pupils/{pupil.upn}/{endpoint}", **{"from": "0", "to": "1"})
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == [["query", "from"], ["query", "to"]]


def test_a_refused_read_does_not_talk_of_storing(officer_api, school):
    body = officer_api.get(f"/api/schools/{school.urn}/pupils", on="0").json()
    assert body["detail"] == "The request was refused: 1 problem"


def test_a_method_an_address_does_not_take_is_answered_in_json(officer_api, school):
    response = officer_api.post(f"/api/schools/{school.urn}/pupils", {})
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {
        "detail": f"POST is not allowed at /api/schools/{school.urn}/pupils; it takes GET",
        "errors": [],
    }


@pytest.mark.urls("tests.api.failing_urls")
@pytest.mark.parametrize("path", ["/api/failing/endpoint", "/api/failing-view"])
def test_an_unexpected_failure_is_answered_in_json(officer_api, path, caplog):
    response = officer_api.get(path)
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"].startswith("Something went wrong in rollcall")
    assert "a bug" in caplog.text  # the cause is logged for the operator, not shown
    assert "a bug" not in response.content.decode()
