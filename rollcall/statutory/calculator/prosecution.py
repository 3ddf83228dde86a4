"""`rollcall law prosecution`: the last day to lay an information (MCA80 s127).

Six calendar months "from the time when the offence was committed": the day itself is excluded
and the period ends on the corresponding date six months later, or on the last day of that
month when it has no such date. For an offence over a period, rollcall counts from its first
day (the safe reading: every day relied on is then in time); a profile may count from the first
unauthorised absence relied on (LEE), which is earlier still when given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from rollcall.statutory.calculator.common import Source
from rollcall.statutory.days import add_months
from rollcall.statutory.law import on

CountedFrom = Literal["offence", "first_unauthorised_absence"]


@dataclass(frozen=True)
class ProsecutionAnswer:
    offence_from: date
    offence_to: date
    statutory_counted_from: date
    statutory_last_day: date  # MCA80 s127
    local_rule: str
    local_counted_from: date
    local_last_day: date
    last_day_to_lay_information: date  # the earlier of the two
    sources: tuple[Source, ...]


def prosecution_answer(
    *,
    offence_from: date,
    offence_to: date,
    counted_from: CountedFrom = "offence",
    local_source: str = "MCA80 s127",
    first_absence: date | None = None,
) -> ProsecutionAnswer:
    if offence_from > offence_to:
        raise ValueError("--offence-from is after --offence-to")
    if first_absence is not None and first_absence > offence_to:
        raise ValueError("--first-absence is after --offence-to")
    orders = on(offence_from).court_orders
    assert orders is not None
    months = orders.prosecution.time_limit.amount
    statutory = add_months(offence_from, months)
    if counted_from == "first_unauthorised_absence":
        local_from = first_absence or offence_from
        rule = "counted from the first unauthorised absence relied on"
    else:
        local_from = offence_from
        rule = "counted from the offence (its first day)"
    local = add_months(local_from, months)
    return ProsecutionAnswer(
        offence_from=offence_from,
        offence_to=offence_to,
        statutory_counted_from=offence_from,
        statutory_last_day=statutory,
        local_rule=rule,
        local_counted_from=local_from,
        local_last_day=local,
        last_day_to_lay_information=min(statutory, local),
        sources=(
            Source(orders.prosecution.citation),
            Source(
                "Interpretation Act 1978 Sch 1 ('month' = calendar month); corresponding date rule"
            ),
            Source(local_source),
        ),
    )
