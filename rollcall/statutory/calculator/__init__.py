"""The law as a calculator: answers to the questions officers ask every day (`rollcall law`).

Pure functions over dates passed in; each answer cites its sources. docs/law.md describes the
command and every key of its JSON output.
"""

from rollcall.statutory.calculator import text
from rollcall.statutory.calculator.common import Source, json_ready
from rollcall.statutory.calculator.orders import EsoAnswer, SaoAnswer, eso_answer, sao_answer
from rollcall.statutory.calculator.penalty_notice import (
    EarlierNotice,
    NoticeKind,
    Outcome,
    PenaltyNoticeAnswer,
    penalty_notice_answer,
)
from rollcall.statutory.calculator.prosecution import ProsecutionAnswer, prosecution_answer
from rollcall.statutory.calculator.receipt import (
    DeemedReceiptRule,
    ReceiptAnswer,
    ServedBy,
    receipt_answer,
)
from rollcall.statutory.calculator.school_age import SchoolAgeAnswer, school_age_answer

__all__ = [
    "DeemedReceiptRule",
    "EarlierNotice",
    "EsoAnswer",
    "NoticeKind",
    "Outcome",
    "PenaltyNoticeAnswer",
    "ProsecutionAnswer",
    "ReceiptAnswer",
    "SaoAnswer",
    "SchoolAgeAnswer",
    "ServedBy",
    "Source",
    "eso_answer",
    "json_ready",
    "penalty_notice_answer",
    "prosecution_answer",
    "receipt_answer",
    "sao_answer",
    "school_age_answer",
    "text",
]
