"""Periods set by law for court orders and prosecutions (RULES §4.7, §5.2-§5.4)."""

from __future__ import annotations

from rollcall.statutory.base import Duration, Era, StatutoryModel, Text


class EducationSupervisionOrderRules(StatutoryModel):
    """CA89 s36, Sch 3 Part III."""

    duration: Duration
    extension: Duration  # each extension; may be extended more than once
    extension_application_earliest: Duration  # before expiry; an earliest date, not a deadline
    ends_when: tuple[Text, ...]
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
