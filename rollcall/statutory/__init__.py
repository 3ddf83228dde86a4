"""The law as dated data (sources: docs/sources.md; ADR 0002).

Every attendance code, figure and period rollcall applies is read from the YAML files in
`data/`, each value with the dates it was in force and its citation. Ask for the law on a date:

    from rollcall.statutory import on, code_on
    law = on(date(2025, 1, 15))
    law.threshold.sessions            # 10
    code_on("J", date(2024, 1, 15))   # interview, approved educational activity (legacy)

Pure Python: no Django, and no function here ever takes today's date itself.
"""

from rollcall.statutory.absence import AbsenceMeasures
from rollcall.statutory.base import Bound, Duration, TimeUnit
from rollcall.statutory.codes import AttendanceCode, Category, RegisterTable
from rollcall.statutory.court_orders import CourtOrderRules
from rollcall.statutory.defences import Defence
from rollcall.statutory.errors import BeforeStatutoryData, StatutoryDataError, UnknownCode
from rollcall.statutory.law import Law, on
from rollcall.statutory.loader import StatutoryData, load_statutory_data, statutory_data
from rollcall.statutory.lookup import all_code_eras, code_history, code_on, codes_on
from rollcall.statutory.penalty_notices import (
    Charge,
    LimitReading,
    Payment,
    PenaltyNoticeRules,
    limit_period_start,
)
from rollcall.statutory.registers import RegisterRules
from rollcall.statutory.school_age import (
    compulsory_school_age_end,
    compulsory_school_age_start,
    school_leaving_date,
)
from rollcall.statutory.threshold import ThresholdRules

__all__ = [
    "AbsenceMeasures",
    "AttendanceCode",
    "BeforeStatutoryData",
    "Bound",
    "Category",
    "Charge",
    "CourtOrderRules",
    "Defence",
    "Duration",
    "Law",
    "LimitReading",
    "Payment",
    "PenaltyNoticeRules",
    "RegisterRules",
    "RegisterTable",
    "StatutoryData",
    "StatutoryDataError",
    "ThresholdRules",
    "TimeUnit",
    "UnknownCode",
    "all_code_eras",
    "code_history",
    "code_on",
    "codes_on",
    "compulsory_school_age_end",
    "compulsory_school_age_start",
    "limit_period_start",
    "load_statutory_data",
    "on",
    "school_leaving_date",
    "statutory_data",
]
