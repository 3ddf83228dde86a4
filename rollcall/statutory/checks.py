"""Checks that span data files: eras never overlap, and every code a rule names exists then.

Each failure raises StatutoryDataError naming the file and the key, like a malformed file does.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from rollcall.statutory.base import Dated
from rollcall.statutory.errors import StatutoryDataError

if TYPE_CHECKING:
    from rollcall.statutory.loader import StatutoryData


def _era_key(topic: str, index: int, era: Dated) -> str:
    return f"{topic}[{index}] (from {era.in_force_from.isoformat()})"


def _overlap(first: Dated, second: Dated) -> bool:
    """True when the two periods share at least one day."""
    return (first.in_force_to is None or second.in_force_from <= first.in_force_to) and (
        second.in_force_to is None or first.in_force_from <= second.in_force_to
    )


def check_eras_do_not_overlap(file_name: str, topic: str, eras: Sequence[Dated]) -> None:
    """Exactly one era is in force on any date: `on(date)` must never have to choose."""
    ordered = sorted(enumerate(eras), key=lambda pair: pair[1].in_force_from)
    for (_, earlier), (index, later) in itertools.pairwise(ordered):
        if _overlap(earlier, later):
            raise StatutoryDataError(
                file_name,
                _era_key(topic, index, later),
                f"overlaps the era from {earlier.in_force_from.isoformat()}",
            )


def _codes_in_force(data: StatutoryData, on: date) -> set[str]:
    return {entry.code for entry in data.codes if entry.in_force_on(on)}


def _check_codes(data: StatutoryData) -> None:
    for code, history in data.code_histories.items():
        for earlier, later in itertools.pairwise(history):
            if _overlap(earlier, later):
                index = data.codes.index(later)
                raise StatutoryDataError(
                    "codes.yaml",
                    f"codes[{index}] (code {code!r})",
                    f"overlaps the {code!r} entry in force from {earlier.in_force_from.isoformat()}"
                    " (a code may have only one meaning on any date)",
                )


def _require_codes(
    file_name: str, key: str, named: Sequence[str], in_force: set[str], on: date
) -> None:
    missing = [code for code in named if code not in in_force]
    if missing:
        raise StatutoryDataError(
            file_name, key, f"names {missing} which are not codes in force on {on.isoformat()}"
        )


def _check_threshold(data: StatutoryData) -> None:
    for index, era in enumerate(data.threshold):
        key = _era_key("threshold", index, era)
        start = era.in_force_from
        in_force = _codes_in_force(data, start)
        _require_codes("threshold.yaml", f"{key}.codes", era.codes, in_force, start)
        _require_codes(
            "threshold.yaml",
            f"{key}.school_week.non_school_week_codes",
            era.school_week.non_school_week_codes,
            in_force,
            start,
        )
        flagged = {e.code for e in data.codes if e.in_force_on(start) and e.counts_for_threshold}
        if set(era.codes) != flagged:
            raise StatutoryDataError(
                "threshold.yaml",
                f"{key}.codes",
                f"lists {sorted(era.codes)} but codes.yaml marks {sorted(flagged)} as counting"
                f" for the threshold on {start.isoformat()}",
            )
        if not set(era.provisional_codes) <= set(era.codes):
            raise StatutoryDataError(
                "threshold.yaml", f"{key}.provisional_codes", "must be a subset of codes"
            )
    for index, entry in enumerate(data.codes):
        if entry.counts_for_threshold and not any(
            era.in_force_on(entry.in_force_from) for era in data.threshold
        ):
            raise StatutoryDataError(
                "codes.yaml",
                f"codes[{index}] (code {entry.code!r}).counts_for_threshold",
                f"is true but no threshold is in force on {entry.in_force_from.isoformat()}",
            )


def _check_registers(data: StatutoryData) -> None:
    for index, era in enumerate(data.registers):
        start = era.in_force_from
        _require_codes(
            "registers.yaml",
            f"{_era_key('registers', index, era)}.ground_i_deletion.codes",
            era.ground_i_deletion.codes,
            _codes_in_force(data, start),
            start,
        )
        leave = era.leave_of_absence
        _require_codes(
            "registers.yaml",
            f"{_era_key('registers', index, era)}.leave_of_absence",
            (leave.granted_code, leave.not_granted_code),
            _codes_in_force(data, start),
            start,
        )


def _check_defences(data: StatutoryData) -> None:
    """A defence may name a code in force for only part of its era (F ended in 2013)."""
    for index, era in enumerate(data.defences):
        for position, defence in enumerate(era.defences):
            for code in defence.codes:
                history = data.code_histories.get(code, ())
                if not any(_overlap(entry, era) for entry in history):
                    raise StatutoryDataError(
                        "defences.yaml",
                        f"{_era_key('defences', index, era)}.defences[{position}]"
                        f" (key {defence.key!r}).codes",
                        f"names {code!r}, which is not a code in force at any time in this era",
                    )


def _check_offences(data: StatutoryData) -> None:
    """An offence names a defence of defences.yaml, or one stated in its own note."""
    for index, era in enumerate(data.offences):
        known = {
            defence.key
            for defence_era in data.defences
            if _overlap(defence_era, era)
            for defence in defence_era.defences
        }
        for position, offence in enumerate(era.offences):
            for key in offence.defences:
                if key not in known and key not in (offence.note or ""):
                    raise StatutoryDataError(
                        "offences.yaml",
                        f"{_era_key('offences', index, era)}.offences[{position}]"
                        f" (key {offence.key!r}).defences",
                        f"names {key!r}, which is neither a defence in defences.yaml nor"
                        " explained in the offence's note",
                    )


def check_statutory_data(data: StatutoryData) -> None:
    _check_codes(data)
    for file_name, topic, eras in (
        ("threshold.yaml", "threshold", data.threshold),
        ("penalty_notices.yaml", "penalty_notices", data.penalty_notices),
        ("registers.yaml", "registers", data.registers),
        ("court_orders.yaml", "court_orders", data.court_orders),
        ("defences.yaml", "defences", data.defences),
        ("school_age.yaml", "school_age", data.school_age),
        ("offences.yaml", "offences", data.offences),
        ("absence_measures.yaml", "absence_measures", data.absence_measures),
    ):
        check_eras_do_not_overlap(file_name, topic, eras)
    _check_threshold(data)
    _check_registers(data)
    _check_defences(data)
    _check_offences(data)
