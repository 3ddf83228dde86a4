"""Plain-text tables for `rollcall law --format table`: one labelled line per figure, then the
sources. Dates are written out in full so an officer can read them aloud to a parent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rollcall.statutory.calculator.common import Source
from rollcall.statutory.calculator.orders import EsoAnswer, SaoAnswer
from rollcall.statutory.calculator.penalty_notice import Amount, PenaltyNoticeAnswer
from rollcall.statutory.calculator.prosecution import ProsecutionAnswer
from rollcall.statutory.calculator.receipt import ReceiptAnswer
from rollcall.statutory.calculator.school_age import SchoolAgeAnswer

Row = tuple[str, str]


def long_date(day: date | None) -> str:
    return "-" if day is None else f"{day:%A} {day.day} {day:%B %Y}"


def table(title: str, rows: Sequence[Row], sources: Sequence[Source]) -> str:
    width = max(len(label) for label, _ in rows)
    lines = [title, ""]
    lines += [f"{label.ljust(width)}  {value}" for label, value in rows]
    lines += ["", "Sources:"]
    lines += [
        f"  - {source.citation}" + ("" if source.verified else " [not verified]")
        for source in sources
    ]
    return "\n".join(lines)


def school_age_table(answer: SchoolAgeAnswer) -> str:
    term = answer.autumn_term_starts
    return table(
        f"Compulsory school age for a child born {long_date(answer.date_of_birth)}",
        [
            ("Starts on", long_date(answer.starts_on)),
            ("Ends on", f"{long_date(answer.ends_on)} (at the end of that day)"),
            ("Autumn term used", long_date(term) if term else "1 September (default)"),
        ],
        answer.sources,
    )


def receipt_table(answer: ReceiptAnswer) -> str:
    rows: list[Row] = [
        ("Served", f"{long_date(answer.served_on)} by {answer.served_by.value}"),
        ("Deemed received", f"{long_date(answer.received_on)} ({answer.deemed_receipt_rule})"),
    ]
    if answer.discount_period_days:
        rows.append(
            (
                f"Last day of the {answer.discount_period_days} days",
                long_date(answer.discount_period_ends_on),
            )
        )
    rows += [
        (
            f"Last day of the {answer.payment_period_days} days",
            long_date(answer.payment_period_ends_on),
        ),
        ("Proceedings may start on", long_date(answer.proceedings_may_start_on)),
    ]
    return table("Penalty notice: receipt and payment periods", rows, answer.sources)


def _amount(amount: Amount | None) -> str:
    return "-" if amount is None else f"{amount.amount} if paid within {amount.within_days} days"


def penalty_notice_table(answer: PenaltyNoticeAnswer) -> str:
    rows: list[Row] = [
        ("Notice", f"{answer.kind.value}, issued {long_date(answer.issue_on)}"),
        ("Offence", f"{answer.offence_from} to {answer.offence_to} (era from {answer.era_from})"),
        ("May be issued", "yes" if answer.may_issue else "no"),
    ]
    rows += [("Why not", reason) for reason in answer.reasons]
    if answer.may_issue_again_on:
        rows.append(("A notice may be issued again on", long_date(answer.may_issue_again_on)))
    rows += [("Other options", option) for option in answer.other_options]
    if answer.may_issue:
        if answer.notice_number:
            rows.append(("Notice in the three-year period", str(answer.notice_number)))
        if answer.flat_amount:
            rows.append(("Amount (flat)", _amount(answer.full)))
        else:
            rows += [("Amount", _amount(answer.discounted)), ("Or", _amount(answer.full))]
    rows.append(("Counting earlier notices", str(answer.counting_notices)))
    for notice in answer.earlier_notices:
        rows.append(
            (
                f"  issued {notice.issued_on} ({notice.outcome.value})",
                ("counts: " if notice.counts else "does not count: ") + notice.reason,
            )
        )
    return table("Penalty notice", rows, answer.sources)


def prosecution_table(answer: ProsecutionAnswer) -> str:
    return table(
        f"Prosecution time limit for an offence from {answer.offence_from} to {answer.offence_to}",
        [
            (
                "MCA80 s127: last day",
                f"{long_date(answer.statutory_last_day)} (six months from"
                f" {answer.statutory_counted_from}, that day excluded)",
            ),
            ("Local rule", answer.local_rule),
            ("Local rule: last day", long_date(answer.local_last_day)),
            ("Lay the information by", long_date(answer.last_day_to_lay_information)),
        ],
        answer.sources,
    )


def eso_table(answer: EsoAnswer) -> str:
    rows: list[Row] = [
        ("Made on", long_date(answer.made_on)),
        ("One year ends on", long_date(answer.one_year_ends_on)),
        ("Compulsory school age ends on", long_date(answer.compulsory_school_age_ends_on)),
        ("The order ends on", f"{long_date(answer.ends_on)} ({answer.end_reason})"),
    ]
    if answer.extension_possible:
        rows += [
            ("Apply to extend from", long_date(answer.extension_application_from)),
            ("Court must extend by", long_date(answer.extension_must_be_made_by)),
            ("One extension could run to", long_date(answer.extension_could_run_to)),
        ]
    else:
        rows.append(("Extension", "not possible: the order ends with compulsory school age"))
    rows += [
        ("Discharge", answer.discharge),
        ("Before prosecuting", answer.consider_before_prosecuting),
    ]
    return table("Education Supervision Order", rows, answer.sources)


def sao_table(answer: SaoAnswer) -> str:
    rows: list[Row] = [("Served on", long_date(answer.served_on))]
    for notice in answer.notices:
        period = notice.local_period or notice.statutory_period
        rows.append((notice.title, f"ends {long_date(notice.ends_on)} ({period})"))
    if any(notice.local_period and "school" in notice.local_period for notice in answer.notices):
        rows.append(("School days counted", answer.school_days))
    return table("School Attendance Order notices", rows, answer.sources)
