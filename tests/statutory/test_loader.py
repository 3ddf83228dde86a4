"""A malformed data file stops the program with a message naming the file and the key."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from rollcall.statutory import StatutoryDataError, load_statutory_data, statutory_data
from rollcall.statutory.loader import DATA_DIR


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    shutil.copytree(DATA_DIR, directory)
    return directory


def edit(directory: Path, file_name: str, change: Callable[[Any], None]) -> None:
    path = directory / file_name
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")


def code_entry(content: Any, code: str) -> dict[str, Any]:
    entry: dict[str, Any] = next(e for e in content["codes"] if e["code"] == code)
    return entry


def load_error(directory: Path) -> StatutoryDataError:
    with pytest.raises(StatutoryDataError) as raised:
        load_statutory_data(directory)
    return raised.value


def test_the_shipped_data_loads_once() -> None:
    assert statutory_data() is statutory_data()
    assert load_statutory_data(DATA_DIR).codes == statutory_data().codes


def test_an_unknown_category_names_the_file_the_entry_and_the_key(data_dir: Path) -> None:
    edit(data_dir, "codes.yaml", lambda c: code_entry(c, "J1").update(category="absent"))
    error = load_error(data_dir)
    assert error.file_name == "codes.yaml"
    assert "(code 'J1').category" in error.key
    assert str(error).startswith("codes.yaml: codes[")
    assert "'present'" in error.problem  # says what would have been accepted


def test_a_missing_citation_names_the_key(data_dir: Path) -> None:
    edit(data_dir, "threshold.yaml", lambda c: c["threshold"][0].pop("citation"))
    error = load_error(data_dir)
    assert error.file_name == "threshold.yaml"
    assert error.key == "threshold[0] (from 2024-08-19).citation"
    assert "Field required" in error.problem


def test_a_misspelt_key_is_not_ignored(data_dir: Path) -> None:
    edit(data_dir, "registers.yaml", lambda c: c["registers"][0].update(retension={"amount": 6}))
    error = load_error(data_dir)
    assert (error.file_name, error.key) == (
        "registers.yaml",
        "registers[0] (from 2024-08-19).retension",
    )


def test_a_number_where_a_date_belongs_is_refused(data_dir: Path) -> None:
    edit(data_dir, "codes.yaml", lambda c: code_entry(c, "C2").update({"from": 20240819}))
    error = load_error(data_dir)
    assert error.key.endswith("(code 'C2').from")


def test_an_era_that_ends_before_it_starts_is_refused(data_dir: Path) -> None:
    edit(data_dir, "codes.yaml", lambda c: code_entry(c, "F").update(to=date(2005, 1, 1)))
    error = load_error(data_dir)
    assert "(code 'F')" in error.key
    assert "before 'from'" in error.problem


def test_two_meanings_of_one_code_on_the_same_day_are_refused(data_dir: Path) -> None:
    edit(data_dir, "codes.yaml", lambda c: code_entry(c, "H").update(to=date(2024, 8, 19)))
    edit(data_dir, "codes.yaml", lambda c: c["codes"].append({**code_entry(c, "C"), "code": "H"}))
    error = load_error(data_dir)
    assert error.file_name == "codes.yaml"
    assert "(code 'H')" in error.key
    assert "overlaps" in error.problem


def test_threshold_codes_must_agree_with_the_code_table(data_dir: Path) -> None:
    edit(data_dir, "threshold.yaml", lambda c: c["threshold"][0].update(codes=["G", "O", "U"]))
    error = load_error(data_dir)
    assert (error.file_name, error.key) == (
        "threshold.yaml",
        "threshold[0] (from 2024-08-19).codes",
    )
    assert "codes.yaml marks ['G', 'N', 'O', 'U']" in error.problem


def test_a_defence_naming_a_code_that_never_existed_is_refused(data_dir: Path) -> None:
    def add_code(content: Any) -> None:
        content["defences"][1]["defences"][0]["codes"].append("Y9")

    edit(data_dir, "defences.yaml", add_code)
    error = load_error(data_dir)
    assert error.file_name == "defences.yaml"
    assert "(key 'sickness_or_unavoidable_cause').codes" in error.key
    assert "'Y9'" in error.problem


def test_broken_yaml_names_the_file_and_line(data_dir: Path) -> None:
    (data_dir / "school_age.yaml").write_text(
        "school_age:\n  - from: [2006-09-01\n", encoding="utf-8"
    )
    error = load_error(data_dir)
    assert error.file_name == "school_age.yaml"
    assert error.key.startswith("line ")


def test_a_missing_file_is_named(data_dir: Path) -> None:
    (data_dir / "court_orders.yaml").unlink()
    error = load_error(data_dir)
    assert error.file_name == "court_orders.yaml"
    assert "not found" in error.problem
