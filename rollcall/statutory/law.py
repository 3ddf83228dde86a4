"""`on(date)`: the law in force on one day, as one frozen snapshot."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from rollcall.statutory.absence import AbsenceMeasures
from rollcall.statutory.base import in_force_on, require_date
from rollcall.statutory.codes import AttendanceCode
from rollcall.statutory.court_orders import CourtOrderRules
from rollcall.statutory.defences import Defence
from rollcall.statutory.errors import BeforeStatutoryData
from rollcall.statutory.loader import statutory_data
from rollcall.statutory.offences import Offence
from rollcall.statutory.penalty_notices import PenaltyNoticeRules
from rollcall.statutory.registers import RegisterRules
from rollcall.statutory.school_age import SchoolAgeRules
from rollcall.statutory.threshold import ThresholdRules


@dataclass(frozen=True)
class Law:
    """What rollcall holds about the law on `date`. A topic is None when nothing was in force
    (no national threshold before 19 Aug 2024) or rollcall records nothing for that day."""

    date: date
    codes: Mapping[str, AttendanceCode]
    threshold: ThresholdRules | None
    penalty_notices: PenaltyNoticeRules | None
    registers: RegisterRules | None
    court_orders: CourtOrderRules | None
    defences: tuple[Defence, ...]
    school_age: SchoolAgeRules | None
    offences: tuple[Offence, ...] = ()
    absence: AbsenceMeasures | None = None  # persistent and severe absence (DFE-STATS)

    def defences_for(self, code: str) -> tuple[Defence, ...]:
        """The statutory defences a session with `code` may evidence (EA96 s444)."""
        return tuple(defence for defence in self.defences if code in defence.codes)


@functools.lru_cache(maxsize=2048)
def on(day: date) -> Law:
    """The law in force on `day`. Raises BeforeStatutoryData before rollcall's first date."""
    require_date(day, "on")
    data = statutory_data()
    if day < data.earliest_date:
        raise BeforeStatutoryData(day, data.earliest_date)
    codes = {entry.code: entry for entry in data.codes if entry.in_force_on(day)}
    defence_era = in_force_on(data.defences, day)
    defences: tuple[Defence, ...] = ()
    if defence_era is not None:
        # An era may name a code in force for only part of it (F ended 2013-08-31).
        defences = tuple(
            defence.model_copy(update={"codes": tuple(c for c in defence.codes if c in codes)})
            for defence in defence_era.defences
        )
    offence_era = in_force_on(data.offences, day)
    return Law(
        date=day,
        codes=MappingProxyType(codes),
        threshold=in_force_on(data.threshold, day),
        penalty_notices=in_force_on(data.penalty_notices, day),
        registers=in_force_on(data.registers, day),
        court_orders=in_force_on(data.court_orders, day),
        defences=defences,
        school_age=in_force_on(data.school_age, day),
        offences=offence_era.offences if offence_era is not None else (),
        absence=in_force_on(data.absence_measures, day),
    )
