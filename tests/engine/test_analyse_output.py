"""Output formats: CSV (booleans true/false, empty where none) and JSON (booleans true/false,
null where the threshold was never met), and --output."""

from __future__ import annotations

import csv
import io

import pytest

from tests.engine.marks import (
    analyse_csv,
    analyse_json,
    mondays,
    pupil,
    run_analyse,
    week,
    write_marks,
)

FIELDS = [
    "upn",
    "possible_sessions",
    "present_sessions",
    "aea_sessions",
    "authorised_sessions",
    "unauthorised_sessions",
    "not_counted_sessions",
    "attendance_pct",
    "absence_pct",
    "persistent_absence",
    "severe_absence",
    "threshold_met_on",
    "threshold_met_session",
    "threshold_sessions_in_window",
    "late_before_close_sessions",
    "late_after_close_sessions",
    "threshold_occasions",
    "threshold_provisional",
    "threshold_occasion_sessions",
    "school_age_checked",
]
MET, NOT_MET, NOTHING_POSSIBLE = pupil(1), pupil(2), pupil(3)


@pytest.fixture(scope="module")
def marks(tmp_path_factory):
    first, second = mondays("2025-03-03", 2)
    # MET: a present week, then 10 G (Mon 10 - Fri 14 Mar 2025): 20 possible, 10 unauthorised
    #   -> 50.00 % / 50.00 %, PA and SA true, threshold met Fri 14 Mar 2025 PM, 10 in the window.
    rows = week(first, upn=MET) + week(second, ["G"] * 10, upn=MET)
    # NOT_MET: L on Mon 3 Mar AM, I on Tue 4 Mar AM, otherwise present, 2 weeks: 20 possible,
    #   1 authorised -> 5.00 % absence, 95.00 % attendance, flags false, never met, 0 in window.
    rows += week(first, "L . I . . . . . . .", upn=NOT_MET) + week(second, upn=NOT_MET)
    # NOTHING_POSSIBLE: only # -> 0 possible, no percentages, flags false.
    rows += week(first, ["#"] * 10, upn=NOTHING_POSSIBLE)
    return write_marks(tmp_path_factory.mktemp("output"), rows)


def test_csv_columns_and_values(marks):
    result = run_analyse(marks)
    assert result.returncode == 0, result.stderr
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert reader.fieldnames == FIELDS
    records = {row["upn"]: row for row in reader}
    assert records[MET] == {
        "upn": MET,
        "possible_sessions": "20",
        "present_sessions": "10",
        "aea_sessions": "0",
        "authorised_sessions": "0",
        "unauthorised_sessions": "10",
        "not_counted_sessions": "0",
        "attendance_pct": "50.00",
        "absence_pct": "50.00",
        "persistent_absence": "true",
        "severe_absence": "true",
        "threshold_met_on": "2025-03-14",
        "threshold_met_session": "PM",
        "threshold_sessions_in_window": "10",
        "late_before_close_sessions": "0",
        "late_after_close_sessions": "0",
        "threshold_occasions": "1",
        "threshold_provisional": "false",
        "threshold_occasion_sessions": "2025-03-10 AM to 2025-03-14 PM",
        "school_age_checked": "false",  # the file gives no dates of birth
    }
    assert records[NOT_MET] == {
        "upn": NOT_MET,
        "possible_sessions": "20",
        "present_sessions": "19",
        "aea_sessions": "0",
        "authorised_sessions": "1",
        "unauthorised_sessions": "0",
        "not_counted_sessions": "0",
        "attendance_pct": "95.00",
        "absence_pct": "5.00",
        "persistent_absence": "false",
        "severe_absence": "false",
        "threshold_met_on": "",
        "threshold_met_session": "",
        "threshold_sessions_in_window": "0",
        "late_before_close_sessions": "1",
        "late_after_close_sessions": "0",
        "threshold_occasions": "0",
        "threshold_provisional": "false",
        "threshold_occasion_sessions": "",
        "school_age_checked": "false",
    }
    assert records[NOTHING_POSSIBLE]["possible_sessions"] == "0"
    assert records[NOTHING_POSSIBLE]["attendance_pct"] == ""
    assert records[NOTHING_POSSIBLE]["absence_pct"] == ""


def test_json_types(marks):
    records = analyse_json(marks)
    met, not_met, nothing = records[MET], records[NOT_MET], records[NOTHING_POSSIBLE]
    assert list(met) == FIELDS
    # Booleans are JSON true/false, not strings.
    assert met["persistent_absence"] is True
    assert met["severe_absence"] is True
    assert not_met["persistent_absence"] is False
    assert not_met["severe_absence"] is False
    assert nothing["persistent_absence"] is False
    # Never met: null.
    assert not_met["threshold_met_on"] is None
    assert not_met["threshold_met_session"] is None
    assert met["threshold_met_on"] == "2025-03-14"
    assert met["threshold_met_session"] == "PM"
    # Counts are numbers, percentages numbers at 2 dp, null where nothing is possible.
    assert met["possible_sessions"] == 20
    assert met["threshold_sessions_in_window"] == 10
    assert met["absence_pct"] == 50.0
    assert not_met["attendance_pct"] == 95.0
    assert nothing["attendance_pct"] is None
    assert nothing["absence_pct"] is None


def test_json_and_csv_agree(marks):
    as_csv = analyse_csv(marks)
    as_json = analyse_json(marks)
    assert set(as_csv) == set(as_json)

    def text(value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            return f"{value:.2f}"
        return str(value)

    for upn, record in as_json.items():
        assert {k: text(v) for k, v in record.items()} == as_csv[upn]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_output_file_matches_standard_output(marks, tmp_path, fmt):
    on_screen = run_analyse(marks, "--format", fmt)
    assert on_screen.returncode == 0, on_screen.stderr
    target = tmp_path / f"figures.{fmt}"
    to_file = run_analyse(marks, "--format", fmt, "--output", str(target))
    assert to_file.returncode == 0, to_file.stderr
    assert to_file.stdout == ""
    assert target.read_text().strip() == on_screen.stdout.strip()


def test_parquet_output_keeps_types_and_agrees_with_json(marks, tmp_path):
    import datetime as dt

    import polars as pl

    target = tmp_path / "figures.parquet"
    result = run_analyse(marks, "--format", "parquet", "--output", str(target))
    assert result.returncode == 0, result.stderr
    frame = pl.read_parquet(target)
    assert frame.columns[: len(FIELDS)] == FIELDS
    assert frame.schema["persistent_absence"] == pl.Boolean
    assert frame.schema["threshold_met_on"] == pl.Date
    records = {row["upn"]: row for row in frame.to_dicts()}
    as_json = analyse_json(marks)
    for upn, record in as_json.items():
        met_on = records[upn].pop("threshold_met_on")
        expected_on = record.pop("threshold_met_on")
        assert met_on == (dt.date.fromisoformat(expected_on) if expected_on else None)
        assert {k: records[upn][k] for k in record} == record

    without_output = run_analyse(marks, "--format", "parquet")
    assert without_output.returncode != 0
    assert "--output" in without_output.stderr
