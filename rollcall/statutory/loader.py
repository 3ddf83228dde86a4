"""Read and validate the statutory data files, once.

`load_statutory_data(directory)` reads every file and checks them against each other; any problem
raises StatutoryDataError naming the file and the key. `statutory_data()` is the cached load of
the files shipped in `rollcall/statutory/data/`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from rollcall.statutory.absence import AbsenceFile, AbsenceMeasures
from rollcall.statutory.checks import check_statutory_data
from rollcall.statutory.codes import AttendanceCode, CodesFile
from rollcall.statutory.court_orders import CourtOrderRules, CourtOrdersFile
from rollcall.statutory.defences import DefenceRules, DefencesFile
from rollcall.statutory.errors import StatutoryDataError
from rollcall.statutory.offences import OffenceRules, OffencesFile
from rollcall.statutory.penalty_notices import PenaltyNoticeRules, PenaltyNoticesFile
from rollcall.statutory.registers import RegisterRules, RegistersFile
from rollcall.statutory.school_age import SchoolAgeFile, SchoolAgeRules
from rollcall.statutory.threshold import ThresholdFile, ThresholdRules

DATA_DIR = Path(__file__).resolve().with_name("data")

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class StatutoryData:
    """Everything in the data files, validated. Each tuple is in file order."""

    codes: tuple[AttendanceCode, ...]
    threshold: tuple[ThresholdRules, ...]
    penalty_notices: tuple[PenaltyNoticeRules, ...]
    registers: tuple[RegisterRules, ...]
    court_orders: tuple[CourtOrderRules, ...]
    defences: tuple[DefenceRules, ...]
    school_age: tuple[SchoolAgeRules, ...]
    offences: tuple[OffenceRules, ...]
    absence_measures: tuple[AbsenceMeasures, ...]

    @functools.cached_property
    def code_histories(self) -> Mapping[str, tuple[AttendanceCode, ...]]:
        """Every era of each code, oldest first."""
        histories: dict[str, list[AttendanceCode]] = {}
        for entry in self.codes:
            histories.setdefault(entry.code, []).append(entry)
        return {
            code: tuple(sorted(eras, key=lambda era: era.in_force_from))
            for code, eras in histories.items()
        }

    @property
    def earliest_date(self) -> date:
        """The first day rollcall holds the law for."""
        return min(entry.in_force_from for entry in self.codes)


def read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StatutoryDataError(path.name, "", f"file not found in {path.parent}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        raise StatutoryDataError(path.name, where, f"not valid YAML: {error}") from None


def _identify(item: Any) -> str:
    """A human handle for a list item, so '[12]' also says which code or era it is."""
    if not isinstance(item, Mapping):
        return ""
    for key in ("code", "key", "outcome", "from"):
        if key in item:
            return f" ({key} {item[key]!s})" if key == "from" else f" ({key} {item[key]!r})"
    return ""


def describe_location(raw: Any, location: Sequence[int | str]) -> str:
    """('codes', 3, 'category') -> "codes[3] (code 'J1').category"."""
    text = ""
    node = raw
    for part in location:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            text += f"[{part}]{_identify(item)}"
            node = item
        else:
            text += f".{part}" if text else str(part)
            node = node.get(part) if isinstance(node, Mapping) else None
    return text


def validate_file(path: Path, model: type[ModelT]) -> ModelT:
    """Read one data file and validate it against `model`."""
    raw = read_yaml(path)
    if not isinstance(raw, Mapping):
        expected = ", ".join(repr(name) for name in model.model_fields)
        raise StatutoryDataError(path.name, "", f"must be a mapping with the key {expected}")
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        key = describe_location(raw, first["loc"])
        problem = first["msg"].removeprefix("Value error, ")
        others = error.error_count() - 1
        if others:
            problem += f" (and {others} more problem{'s' if others > 1 else ''} in this file)"
        raise StatutoryDataError(path.name, key, problem) from None


def load_statutory_data(directory: Path = DATA_DIR) -> StatutoryData:
    """Load and cross-check every statutory data file in `directory`."""
    directory = Path(directory)
    data = StatutoryData(
        codes=validate_file(directory / "codes.yaml", CodesFile).codes,
        threshold=validate_file(directory / "threshold.yaml", ThresholdFile).threshold,
        penalty_notices=validate_file(
            directory / "penalty_notices.yaml", PenaltyNoticesFile
        ).penalty_notices,
        registers=validate_file(directory / "registers.yaml", RegistersFile).registers,
        court_orders=validate_file(directory / "court_orders.yaml", CourtOrdersFile).court_orders,
        defences=validate_file(directory / "defences.yaml", DefencesFile).defences,
        school_age=validate_file(directory / "school_age.yaml", SchoolAgeFile).school_age,
        offences=validate_file(directory / "offences.yaml", OffencesFile).offences,
        absence_measures=validate_file(
            directory / "absence_measures.yaml", AbsenceFile
        ).absence_measures,
    )
    check_statutory_data(data)
    return data


@functools.cache
def statutory_data() -> StatutoryData:
    """The shipped data, loaded on first use and kept for the life of the process."""
    return load_statutory_data(DATA_DIR)
