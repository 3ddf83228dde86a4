"""`rollcall law ...`: the law as a calculator. Thin: parse, call the pure functions in
`rollcall.statutory.calculator`, print. docs/law.md lists every option and JSON key.

rollcall law school-age --dob 2010-09-01
rollcall law receipt --served-on 2025-04-17 --by post
rollcall law penalty-notice --issue-on 2025-03-03 --offence-from 2025-01-06 --offence-to 2025-02-14
rollcall law prosecution --offence-from 2025-01-06 --offence-to 2025-02-14 --profile leeds-bramley
rollcall law eso --made-on 2025-10-01 --dob 2010-01-15
rollcall law sao --served-on 2025-12-19 --profile sefton

Bad input stops with a message naming the option or element, and exit status 2.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rollcall.policies import PolicyProfile, available_profiles, load_profile
from rollcall.statutory import BeforeStatutoryData
from rollcall.statutory.calculator import (
    EarlierNotice,
    NoticeKind,
    ServedBy,
    eso_answer,
    json_ready,
    penalty_notice_answer,
    prosecution_answer,
    receipt_answer,
    sao_answer,
    school_age_answer,
    text,
)
from rollcall.statutory.calculator.earlier_file import (
    EarlierFileError,
    parse_iso_date,
    read_earlier_file,
)
from rollcall.statutory.days import is_working_day

BAD_INPUT = 2


def bad_input(message: str) -> NoReturn:
    raise CommandError(message, returncode=BAD_INPUT)


class LawParser(CommandParser):
    """Usage errors exit with status 2, also when the command is called in-process."""

    def error(self, message: str) -> NoReturn:
        if self.called_from_command_line:
            super().error(message)  # argparse prints the usage and exits 2
        bad_input(f"Error: {message}")


def option_date(options: dict[str, Any], name: str) -> date | None:
    value = options[name.lstrip("-").replace("-", "_")]
    if value is None:
        return None
    try:
        return parse_iso_date(value, name)
    except EarlierFileError as error:
        bad_input(str(error))


def required_date(options: dict[str, Any], name: str) -> date:
    day = option_date(options, name)
    assert day is not None  # argparse enforces required options
    return day


def profile_from(options: dict[str, Any]) -> PolicyProfile:
    key = options["profile"]
    if key not in available_profiles():
        bad_input(f"--profile: no profile {key!r}; choose one of {', '.join(available_profiles())}")
    return load_profile(key)


def closed_ranges(values: list[str]) -> list[tuple[date, date]]:
    ranges = []
    for value in values:
        first, _, last = value.partition(":")
        try:
            start = parse_iso_date(first, "--closed")
            end = parse_iso_date(last or first, "--closed")
        except EarlierFileError:
            bad_input(f"--closed must be DATE or DATE:DATE in the form YYYY-MM-DD, got {value!r}")
        if end < start:
            bad_input(f"--closed {value}: the range ends before it starts")
        ranges.append((start, end))
    return ranges


def add_format(parser: ArgumentParser) -> None:
    parser.add_argument("--format", choices=["table", "json"], default="table")


def add_profile(parser: ArgumentParser) -> None:
    parser.add_argument("--profile", default="national", metavar="KEY", help="policy profile")


class Command(BaseCommand):
    help = "Answer everyday statutory questions: school age, receipt, penalty notices, time limits."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = LawParser  # so a usage error in-process also has status 2
        return parser

    def add_arguments(self, parser: ArgumentParser) -> None:
        subs = parser.add_subparsers(
            dest="question", required=True, metavar="QUESTION", parser_class=LawParser
        )
        age = subs.add_parser("school-age", help="when compulsory school age starts and ends")
        age.add_argument("--dob", required=True, metavar="DATE")
        age.add_argument("--autumn-term-starts", metavar="DATE")
        receipt = subs.add_parser("receipt", help="deemed receipt and payment periods")
        receipt.add_argument("--served-on", required=True, metavar="DATE")
        receipt.add_argument("--by", choices=[m.value for m in ServedBy], default="post")
        add_profile(receipt)
        notice = subs.add_parser("penalty-notice", help="may a notice be issued, and for how much")
        notice.add_argument("--issue-on", required=True, metavar="DATE")
        notice.add_argument("--offence-from", required=True, metavar="DATE")
        notice.add_argument("--offence-to", required=True, metavar="DATE")
        notice.add_argument("--kind", choices=[m.value for m in NoticeKind], default="attendance")
        notice.add_argument("--earlier", metavar="FILE", help="JSON list of earlier notices")
        notice.add_argument("--dob", metavar="DATE")
        add_profile(notice)
        prosecution = subs.add_parser("prosecution", help="the last day to lay an information")
        prosecution.add_argument("--offence-from", required=True, metavar="DATE")
        prosecution.add_argument("--offence-to", required=True, metavar="DATE")
        prosecution.add_argument("--first-absence", metavar="DATE")
        add_profile(prosecution)
        eso = subs.add_parser("eso", help="when an Education Supervision Order ends")
        eso.add_argument("--made-on", required=True, metavar="DATE")
        eso.add_argument("--dob", required=True, metavar="DATE")
        sao = subs.add_parser("sao", help="when School Attendance Order notice periods end")
        sao.add_argument("--served-on", required=True, metavar="DATE")
        sao.add_argument("--closed", action="append", default=[], metavar="DATE[:DATE]")
        add_profile(sao)
        for sub in (age, receipt, notice, prosecution, eso, sao):
            add_format(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        handlers: dict[str, Callable[[dict[str, Any]], tuple[object, str]]] = {
            "school-age": self.school_age,
            "receipt": self.receipt,
            "penalty-notice": self.penalty_notice,
            "prosecution": self.prosecution,
            "eso": self.eso,
            "sao": self.sao,
        }
        try:
            answer, table = handlers[options["question"]](options)
        except BeforeStatutoryData as error:
            bad_input(str(error))
        except ValueError as error:
            bad_input(str(error))
        if options["format"] == "json":
            self.stdout.write(json.dumps(json_ready(answer), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(table)

    def school_age(self, options: dict[str, Any]) -> tuple[object, str]:
        dob = required_date(options, "--dob")
        term = option_date(options, "--autumn-term-starts")
        try:
            answer = school_age_answer(dob, term)
        except ValueError as error:
            bad_input(f"--autumn-term-starts: {error}")
        return answer, text.school_age_table(answer)

    def receipt(self, options: dict[str, Any]) -> tuple[object, str]:
        rule = profile_from(options).penalty_notices.deemed_receipt.rule()
        answer = receipt_answer(
            served_on=required_date(options, "--served-on"),
            served_by=ServedBy(options["by"]),
            rule=rule,
        )
        return answer, text.receipt_table(answer)

    def penalty_notice(self, options: dict[str, Any]) -> tuple[object, str]:
        profile = profile_from(options)
        earlier: tuple[EarlierNotice, ...] = ()
        if options["earlier"]:
            try:
                earlier = read_earlier_file(Path(options["earlier"]))
            except EarlierFileError as error:
                bad_input(f"--earlier {options['earlier']}: {error}")
        answer = penalty_notice_answer(
            issue_on=required_date(options, "--issue-on"),
            offence_from=required_date(options, "--offence-from"),
            offence_to=required_date(options, "--offence-to"),
            kind=NoticeKind(options["kind"]),
            earlier=earlier,
            reading=profile.penalty_notices.three_year_limit.statutory_reading,
            date_of_birth=option_date(options, "--dob"),
        )
        return answer, text.penalty_notice_table(answer)

    def prosecution(self, options: dict[str, Any]) -> tuple[object, str]:
        limit = profile_from(options).prosecution.time_limit
        answer = prosecution_answer(
            offence_from=required_date(options, "--offence-from"),
            offence_to=required_date(options, "--offence-to"),
            counted_from=limit.counted_from,
            local_source=f"{options['profile']} profile: {limit.source}",
            first_absence=option_date(options, "--first-absence"),
        )
        return answer, text.prosecution_table(answer)

    def eso(self, options: dict[str, Any]) -> tuple[object, str]:
        answer = eso_answer(
            made_on=required_date(options, "--made-on"),
            date_of_birth=required_date(options, "--dob"),
        )
        return answer, text.eso_table(answer)

    def sao(self, options: dict[str, Any]) -> tuple[object, str]:
        profile = profile_from(options)
        closed = closed_ranges(options["closed"])
        local = profile.school_attendance_orders
        periods = {}
        source = None
        if local is not None:
            periods = {
                "s437_notice": (local.evidence_period.amount, local.evidence_period.unit),
                "s438_notice_of_intention": (
                    local.intention_period.amount,
                    local.intention_period.unit,
                ),
                "s439_school_notice": (
                    local.school_response_period.amount,
                    local.school_response_period.unit,
                ),
            }
            source = f"{options['profile']} profile: {local.source}"

        def is_school_day(day: date) -> bool:
            return is_working_day(day) and not any(a <= day <= b for a, b in closed)

        described = "weekdays that are not bank holidays in England"
        if closed:
            described += ", less " + ", ".join(
                f"{a}" if a == b else f"{a} to {b}" for a, b in closed
            )
        answer = sao_answer(
            served_on=required_date(options, "--served-on"),
            local_periods=periods,
            local_source=source,
            is_school_day=is_school_day,
            school_days=described,
        )
        return answer, text.sao_table(answer)
