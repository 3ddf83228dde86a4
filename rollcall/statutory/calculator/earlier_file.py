"""Read the `--earlier FILE` of `rollcall law penalty-notice`: a JSON list of earlier notices.

    [{"issued_on": "2024-10-01", "outcome": "paid"},
     {"issued_on": "2025-02-03", "outcome": "withdrawn", "kind": "attendance",
      "offence_to": "2025-01-24"}]

Every problem names the element (`earlier[1].outcome`) and says what was expected.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from rollcall.statutory.calculator.penalty_notice import EarlierNotice, NoticeKind, Outcome

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
KEYS = {"issued_on", "outcome", "kind", "offence_to"}


class EarlierFileError(ValueError):
    pass


def parse_iso_date(value: object, where: str) -> date:
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise EarlierFileError(f"{where} must be a date in the form YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise EarlierFileError(f"{where} is not a real date, got {value!r}") from None


def _choice(value: object, where: str, choices: type[Outcome] | type[NoticeKind]) -> Any:
    allowed = [member.value for member in choices]
    if value not in allowed:
        raise EarlierFileError(f"{where} must be one of {', '.join(allowed)}, got {value!r}")
    return choices(value)


def earlier_notices_from_json(raw: object) -> tuple[EarlierNotice, ...]:
    if not isinstance(raw, list):
        raise EarlierFileError("must be a JSON list of earlier notices, [] if there are none")
    notices = []
    for index, item in enumerate(raw):
        where = f"earlier[{index}]"
        if not isinstance(item, dict):
            raise EarlierFileError(f"{where} must be an object with issued_on and outcome")
        unknown = sorted(set(item) - KEYS)
        if unknown:
            expected = ", ".join(sorted(KEYS))
            raise EarlierFileError(
                f"{where} has unknown key(s) {', '.join(unknown)}; expected {expected}"
            )
        for key in ("issued_on", "outcome"):
            if key not in item:
                raise EarlierFileError(f"{where}.{key} is missing")
        offence_to = item.get("offence_to")
        notices.append(
            EarlierNotice(
                issued_on=parse_iso_date(item["issued_on"], f"{where}.issued_on"),
                outcome=_choice(item["outcome"], f"{where}.outcome", Outcome),
                kind=_choice(item.get("kind", "attendance"), f"{where}.kind", NoticeKind),
                offence_to=(
                    None
                    if offence_to is None
                    else parse_iso_date(offence_to, f"{where}.offence_to")
                ),
            )
        )
    return tuple(notices)


def read_earlier_file(path: Path) -> tuple[EarlierNotice, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise EarlierFileError(f"cannot be read: {error.strerror or error}") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise EarlierFileError(
            f"is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    return earlier_notices_from_json(raw)
