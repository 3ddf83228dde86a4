"""Reading a bulk push of register marks from an MIS, fast enough for a school's year at once.

pydantic-core parses and checks the shape of the whole JSON body in compiled code, into plain
dicts (no model object per mark); then each distinct UPN and (code, date) is checked once, and
only a refused push goes back over the marks to name each bad one. The register service then
checks enrolments and the school calendar before anything is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal, NotRequired

import pydantic
from pydantic import Field, Strict, TypeAdapter
from typing_extensions import TypedDict

from rollcall import statutory
from rollcall.api.errors import Loc, invalid
from rollcall.organisations.models import School
from rollcall.registers.services import MarkChecker, MarkColumns, MarkProblem
from rollcall.statutory.upn import InvalidUPN, upn_validate

MAX_MARKS = 100_000
# 100,000 marks take about 8 MB of compact JSON; leave room for pretty-printed bodies.
MAX_BODY_BYTES = 32 * 1024 * 1024
LATE_CODES = frozenset({"L", "U"})
AMENDMENT_REASON_REQUIRED = (
    "Give an amendment_reason: this push changes codes already recorded, and every change to a "
    "register is kept with who made it and why (REG24 reg 6)"
)
MINUTES_LATE_ONLY_IF_LATE = "minutes_late is only given with L or U (late), not with {code}"


class MarkRow(TypedDict):
    """One register session for one pupil."""

    upn: Annotated[str, Strict(), Field(min_length=1, max_length=20, examples=["V989123420001"])]
    date: Annotated[dt.date, Strict(), Field(description="YYYY-MM-DD", examples=["2025-01-13"])]
    session: Annotated[Literal["AM", "PM"], Field(examples=["AM"])]
    code: Annotated[
        str,
        Strict(),
        Field(min_length=1, max_length=2, description="National attendance code", examples=["/"]),
    ]
    minutes_late: NotRequired[
        Annotated[int, Strict(), Field(ge=0, le=300, description="With L or U only")] | None
    ]


class MarksPushBody(TypedDict):
    """Marks for one school. A session already recorded with the same code is left alone; a
    different code is recorded as an amendment, which needs `amendment_reason`."""

    marks: Annotated[list[MarkRow], Field(min_length=1, max_length=MAX_MARKS)]
    amendment_reason: NotRequired[
        Annotated[
            str,
            Strict(),
            Field(
                max_length=500,
                description="Why codes already recorded are changed; required if any are",
                examples=["Absence reasons confirmed by the office"],
            ),
        ]
    ]


PUSH_BODY = TypeAdapter(MarksPushBody)


@dataclass(frozen=True)
class MarksPush:
    marks: MarkColumns  # in the order sent: row i is the body's marks[i]
    amendment_reason: str


def marks_push_read(body: bytes) -> MarksPush:
    """Parse and check a push body, or raise a 422 ApiError listing every problem by index."""
    try:
        data = PUSH_BODY.validate_json(body)
    except pydantic.ValidationError as exc:
        raise invalid(
            [(("body", *e["loc"]), e["msg"]) for e in exc.errors(include_url=False)], "push"
        ) from None
    marks, errors = _marks_from_rows(data["marks"])
    if errors:
        raise invalid(errors, "push")
    return MarksPush(marks=marks, amendment_reason=data.get("amendment_reason", "").strip())


def _marks_from_rows(rows: list[Any]) -> tuple[MarkColumns, list[tuple[Loc, str]]]:
    # Column by column, checking each distinct UPN and (code, date) once: a school's year has
    # ~500,000 marks but ~1,500 UPNs and ~40 codes a day.
    upns = [row["upn"] for row in rows]
    days = [row["date"] for row in rows]
    codes = [row["code"] for row in rows]
    minutes = [row.get("minutes_late") for row in rows]
    canonical: dict[str, str] = {}
    bad_upns: dict[str, str] = {}
    for sent in set(upns):
        try:
            canonical[sent] = upn_validate(sent)
        except InvalidUPN as exc:
            bad_upns[sent] = str(exc)
    code_problems = {key: _code_problem(*key) for key in set(zip(codes, days, strict=True))}
    bad_codes = {key for key, problem in code_problems.items() if problem}
    late_given = {code for code, late in zip(codes, minutes, strict=True) if late is not None}
    if bad_upns or bad_codes or late_given - LATE_CODES:
        empty = MarkColumns(upns=[], dates=[], sessions=[], codes=[])
        return empty, _row_errors(upns, days, codes, minutes, bad_upns, code_problems)
    if any(sent != upn for sent, upn in canonical.items()):
        upns = [canonical[sent] for sent in upns]
    sessions = [row["session"] for row in rows]
    late = minutes if late_given else None
    return MarkColumns(upns=upns, dates=days, sessions=sessions, codes=codes, minutes_late=late), []


def _row_errors(
    upns: list[str],
    days: list[dt.date],
    codes: list[str],
    minutes: list[int | None],
    bad_upns: dict[str, str],
    code_problems: dict[tuple[str, dt.date], str],
) -> list[tuple[Loc, str]]:
    errors: list[tuple[Loc, str]] = []
    for index, (upn, day, code, late) in enumerate(zip(upns, days, codes, minutes, strict=True)):
        if upn in bad_upns:
            errors.append((("body", "marks", index, "upn"), bad_upns[upn]))
        if code_problems[(code, day)]:
            errors.append((("body", "marks", index, "code"), code_problems[(code, day)]))
        if late is not None and code not in LATE_CODES:
            message = MINUTES_LATE_ONLY_IF_LATE.format(code=code)
            errors.append((("body", "marks", index, "minutes_late"), message))
    return errors


def _code_problem(code: str, day: dt.date) -> str:
    try:
        statutory.code_on(code, day)
    except statutory.UnknownCode as exc:
        return str(exc)
    return ""


def push_body_json_schema() -> dict[str, Any]:
    """The body's JSON Schema for the OpenAPI document, with its definitions inlined."""
    schema = PUSH_BODY.json_schema()
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref", "")
            if reference.startswith("#/$defs/"):
                return inline(definitions[reference.removeprefix("#/$defs/")])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return inline(schema)


def push_refusal(
    *, school: School, push: MarksPush, problems: list[MarkProblem]
) -> list[tuple[Loc, str]]:
    """Field errors for the problems the register service found, each at its mark's index.

    A mark that would change a recorded code without a reason is placed on its `code`, and the
    missing `amendment_reason` is named too; a pupil not on roll on the date is placed on `upn`.
    """
    refused = [push.marks.at(int(problem.where)) for problem in problems]
    recorded: dict[tuple[str, dt.date, str], str] = {}
    if refused:
        days = [mark.date for mark in refused]
        recorded = {
            (upn, day, session): code
            for upn, day, session, code in school.marks.filter(
                date__range=(min(days), max(days)), pupil__upn__in={m.upn for m in refused}
            ).values_list("pupil__upn", "date", "session", "code")
        }
    checker = MarkChecker(school)
    errors: list[tuple[Loc, str]] = []
    needs_reason = False
    for problem, mark in zip(problems, refused, strict=True):
        current = recorded.get((mark.upn, mark.date, mark.session))
        if current is not None and current != mark.code and not push.amendment_reason:
            needs_reason = True
            field = "code"
        elif not checker.on_roll(mark.upn, mark.date):
            field = "upn"
        else:
            field = "code"
        errors.append((("body", "marks", int(problem.where), field), problem.reason))
    errors.sort(key=lambda error: error[0][2])  # in the order the marks were sent
    if needs_reason:
        errors.append((("body", "amendment_reason"), AMENDMENT_REASON_REQUIRED))
    return errors
