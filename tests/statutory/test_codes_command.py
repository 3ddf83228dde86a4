"""`rollcall codes`: what teachers and officers see when they ask what a code means."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(*args: str) -> str:
    out = StringIO()
    call_command("codes", *args, stdout=out)
    return out.getvalue()


def run_json(*args: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = json.loads(run(*args, "--format", "json"))
    return result


def test_json_lists_every_code_in_force_with_its_category() -> None:
    codes = {row["code"]: row for row in run_json("--on", "2025-01-15")}
    assert len(codes) == 34
    assert codes["J1"]["category"] == "authorised"
    assert codes["G"]["counts_for_threshold"] is True
    assert codes["Q"]["category"] == "not_counted"
    assert "J" not in codes and "H" not in codes
    for row in codes.values():
        assert {
            "code",
            "meaning",
            "category",
            "counts_for_threshold",
            "register_table",
            "in_force_from",
            "in_force_to",
            "citation",
            "legacy",
        } <= row.keys()


def test_on_2024_01_15_it_shows_the_legacy_set() -> None:
    codes = {row["code"]: row for row in run_json("--on", "2024-01-15")}
    assert codes["J"]["category"] == "aea"
    assert codes["H"]["category"] == "authorised"
    assert all(row["legacy"] for row in codes.values())
    assert not {"C1", "C2", "J1", "K", "Q", "Y1", "Y7"} & codes.keys()


def test_the_table_is_readable() -> None:
    output = run("--on", "2025-01-15")
    assert "Attendance codes in force on Wednesday 15 January 2025" in output
    lines = output.splitlines()
    header = next(line for line in lines if line.startswith("Code"))
    row = next(line for line in lines if line.startswith("C2 "))
    assert row.index("Authorised absence") == header.index("Category")
    assert "Leave granted: agreed part-time timetable" in row


def test_one_code_is_explained_in_every_era() -> None:
    output = run("X", "--on", "2021-01-04")
    assert output.count("X: ") == 4
    assert "coronavirus" in output
    assert "in force on 2021-01-04" in output
    assert "Not attending: circumstances related to coronavirus" in output.split("<-")[0]


def test_a_lower_case_code_is_understood() -> None:
    assert [row["code"] for row in run_json("c2")] == ["C2"]


def test_an_unknown_code_is_an_error() -> None:
    with pytest.raises(CommandError, match="'Q9' is not an attendance code"):
        run("Q9")


@pytest.mark.parametrize("value", ["15/01/2025", "20250115", "2025-02-30"])
def test_a_bad_date_is_an_error(value: str) -> None:
    with pytest.raises(
        CommandError, match=f"--on must be a date in the form YYYY-MM-DD, got '{value}'"
    ):
        run("--on", value)


def test_a_date_before_the_data_is_an_error() -> None:
    with pytest.raises(CommandError, match="from 2006-09-01 onwards"):
        run("--on", "2001-01-01")


def test_without_a_date_it_lists_todays_codes() -> None:
    assert run_json()  # today's date in Europe/London
