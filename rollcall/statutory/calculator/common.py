"""Answers the law calculator gives, as plain data: dates in ISO form, keys in snake_case.

Each answer is a frozen dataclass; `as_json()` turns it into what `rollcall law --format json`
prints (docs/law.md lists every key).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from enum import Enum
from typing import Any


def json_ready(value: Any) -> Any:
    """Dates to ISO strings, enums to their values, dataclasses to dicts, tuples to lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: json_ready(getattr(value, field.name))
            for field in dataclasses.fields(value)
        }
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [json_ready(item) for item in value]
    if isinstance(value, dict):
        return {str(key): json_ready(item) for key, item in value.items()}
    return value


def pounds(pence: int) -> str:
    whole, part = divmod(pence, 100)
    return f"£{whole}" if part == 0 else f"£{whole}.{part:02d}"


@dataclasses.dataclass(frozen=True)
class Source:
    """What a figure rests on, and whether it was checked against the primary text."""

    citation: str
    verified: bool = True
