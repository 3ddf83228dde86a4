"""Building blocks shared by the profile models: strict base class, keys, percentages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, StringConstraints
from pydantic_core import PydanticCustomError


class Part(BaseModel):
    """Every piece of a profile: unknown keys are errors, values never change once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


def _check_key(value: str) -> str:
    if not _KEY.match(value):
        raise PydanticCustomError(
            "key",
            "must be lower-case letters, digits and underscores, starting with a letter, got {got}",
            {"got": repr(value)},
        )
    return value


def _check_percentage(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError(
            "percentage", "should be a number, got {got}", {"got": repr(value)}
        )
    return value


def _percentage_in_range(value: float) -> float:
    if not 0 <= value <= 100:
        raise PydanticCustomError(
            "percentage", "must be a percentage from 0 to 100, got {got}", {"got": f"{value:g}"}
        )
    return value


_SECONDARY = re.compile(r"\bRULES\b")


def _primary_source(value: str) -> str:
    # A restatement of the law is not a source: a profile cites the provision itself.
    if _SECONDARY.search(value):
        raise PydanticCustomError(
            "citation",
            "cite the seed section or the Act, regulation or guidance paragraph itself, "
            "not a restatement of it, got {got}",
            {"got": repr(value)},
        )
    return value


def _check_year(value: int) -> int:
    if not 1870 <= value <= 2100:
        raise PydanticCustomError(
            "year", "should be a year such as 2024, got {got}", {"got": repr(value)}
        )
    return value


def _date_as_text(value: Any) -> Any:
    # YAML reads 2024-07-01 as a date; a source may also be dated "2022-11" or "2023".
    return value.isoformat() if isinstance(value, date) else value


Key = Annotated[str, AfterValidator(_check_key)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# Where a value comes from: seed tag and section ("SEF §6.8", "HAC 'Stage 2'"), or the Act,
# regulation or guidance paragraph ("MCA 1980 s16A(1)(b)").
Citation = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3), AfterValidator(_primary_source)
]
Year = Annotated[int, AfterValidator(_check_year)]
Percentage = Annotated[
    float, BeforeValidator(_check_percentage), AfterValidator(_percentage_in_range)
]
PartialDate = Annotated[
    str,
    BeforeValidator(_date_as_text),
    StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$"),
]

T = TypeVar("T")


def _keys_into_items(value: Any) -> Any:
    """Give each item of a named mapping its name as ``key``.

    An item that also writes a different ``key`` keeps it, and the profile check reports
    the mismatch (see ``profile._named_items``).
    """
    if not isinstance(value, dict):
        return value
    return {
        name: {"key": name, **item} if isinstance(item, dict) else item
        for name, item in value.items()
    }


# Named items written as a YAML mapping ("letters: {panel_invitation: {...}}").
# A child profile merges into its parent's mapping item by item.
NamedMap = Annotated[Mapping[str, T], BeforeValidator(_keys_into_items)]
