"""Persistent and severe absence shares are statutory data, read for a date."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from rollcall.statutory import StatutoryDataError, code_on, load_statutory_data, on
from rollcall.statutory.loader import DATA_DIR
from tests.statutory.test_loader import edit


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    shutil.copytree(DATA_DIR, directory)
    return directory


def test_the_dfe_shares_are_in_force_today_and_in_the_oldest_year_rollcall_holds():
    for day in (date(2006, 9, 1), date(2015, 9, 1), date(2025, 3, 3)):
        measures = on(day).absence
        assert measures is not None
        assert (measures.persistent_percent, measures.severe_percent) == (10, 50)
        assert "DFE-STATS" in measures.citation


@pytest.mark.parametrize(
    ("absent", "possible", "persistent", "severe"),
    [
        (9, 100, False, False),
        (10, 100, True, False),
        (1, 10, True, False),
        (50, 100, True, True),
        (49, 100, True, False),
        (0, 0, False, False),
        (3, 6, True, True),
    ],
)
def test_the_share_is_compared_in_whole_numbers(absent, possible, persistent, severe):
    measures = on(date(2025, 3, 3)).absence
    assert measures is not None
    assert measures.persistent(absent=absent, possible=possible) is persistent
    assert measures.severe(absent=absent, possible=possible) is severe


def test_a_severe_share_below_the_persistent_one_is_refused(data_dir: Path):
    def lower(content):
        content["absence_measures"][0]["severe_percent"] = 5

    edit(data_dir, "absence_measures.yaml", lower)
    with pytest.raises(StatutoryDataError) as refused:
        load_statutory_data(data_dir)
    assert "absence_measures.yaml" in str(refused.value)
    assert "severe_percent must be higher" in str(refused.value)


def test_a_share_over_100_percent_is_refused(data_dir: Path):
    def too_high(content):
        content["absence_measures"][0]["persistent_percent"] = 110

    edit(data_dir, "absence_measures.yaml", too_high)
    with pytest.raises(StatutoryDataError, match="persistent_percent"):
        load_statutory_data(data_dir)


def test_the_age_rules_of_x_and_c2_start_with_the_2024_regulations():
    assert code_on("X", date(2024, 8, 19)).of_compulsory_school_age is False
    assert code_on("C2", date(2024, 8, 19)).of_compulsory_school_age is True
    assert code_on("X", date(2024, 8, 18)).of_compulsory_school_age is None
