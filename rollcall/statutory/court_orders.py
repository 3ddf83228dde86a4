"""Periods set by law for court orders and prosecutions.

CA89 Sch 3; EA96 s437-s443, s447; CDA98 s8-s9; MCA80 s127.
"""

from __future__ import annotations

from rollcall.statutory.base import Duration, Era, StatutoryModel, Text


class Rule(StatutoryModel):
    """One rule stated in words, with where it comes from."""

    rule: Text
    citation: Text


class EducationSupervisionOrderRules(StatutoryModel):
    """CA89 s36, Sch 3 Part III (paras 12-18)."""

    duration: Duration  # para 15(1)
    extension: Duration  # para 15(4)-(5): each extension; may be extended more than once
    extension_application_earliest: Duration  # para 15(3): an earliest date, not a deadline
    extension_before_expiry: Rule  # para 15(2): the court must extend before the order expires
    ends_when: tuple[Text, ...]  # para 15(6)
    ends_when_citation: Text
    discharge: Rule  # para 17
    consider_before_prosecuting: Rule  # EA96 s447(1): a gate before s443/s444 proceedings
    citation: Text


class SchoolAttendanceOrderRules(StatutoryModel):
    """EA96 s437-s443."""

    s437_notice_period: Duration
    s438_notice_of_intention_period: Duration
    s439_direction_request_period: Duration
    citation: Text


class ParentingOrderRules(StatutoryModel):
    """CDA98 s8-s9: on conviction under EA96 s443/s444."""

    requirements: Duration
    programme: Duration
    citation: Text


class ProsecutionRules(StatutoryModel):
    """MCA80 s127: information laid within 6 months of the offence."""

    time_limit: Duration
    citation: Text


class CourtOrderRules(Era):
    education_supervision_order: EducationSupervisionOrderRules
    school_attendance_order: SchoolAttendanceOrderRules
    parenting_order: ParentingOrderRules
    prosecution: ProsecutionRules


class CourtOrdersFile(StatutoryModel):
    court_orders: tuple[CourtOrderRules, ...]
