"""Importing a long-format marks file: all or nothing, every problem reported."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import polars as pl
from django.db import transaction

from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label, audit_record
from rollcall.core.progress import Progress
from rollcall.core.types import Actor
from rollcall.organisations.models import School
from rollcall.registers.models import Mark
from rollcall.registers.services import (
    MarkChecker,
    MarkColumns,
    MarksRejected,
    marks_bulk_record,
)
from rollcall.registers.services.writer_queue import writers_queue
from rollcall.transfers.marks_file import (
    CheckedMarks,
    MarksTable,
    marks_table_check,
    marks_table_read,
)
from rollcall.transfers.models import ImportBatch
from rollcall.transfers.problems import ImportRefused, RowProblem, rows_grouped
from rollcall.transfers.selectors import schools_for_transfers, upns_enrolled_at

SCHOOL_NOT_YOURS = "school_urn {urn} is not a school you can import marks for"
SCHOOL_UNKNOWN = "no school in rollcall has URN {urn}"
NEVER_ON_ROLL = "{upn} has never been on roll at {school}"
REASON_HINT = (
    "Some rows change marks already recorded. To record them as amendments, give the reason "
    "for the changes (the original marks are kept)."
)


@dataclass(frozen=True)
class MarksImportResult:
    batch: ImportBatch
    created: int
    amended: int
    unchanged: int


def _schools_allowed(actor: Actor) -> dict[str, School]:
    # rollcall itself and an administrator may import for any school (the register lock and
    # the roles that write registers still apply to an administrator).
    if actor is None or actor.is_superuser:
        schools = School.objects.all()
    else:
        schools = schools_for_transfers(user=actor)
    return {school.urn: school for school in schools}


def _columns(part: pl.DataFrame) -> MarkColumns:
    # `where` carries the row number so refusals from the register service map back to rows.
    return MarkColumns(
        upns=part["upn"].to_list(),
        dates=part["date"].to_list(),
        sessions=part["session"].to_list(),
        codes=part["code"].to_list(),
        where=[str(row) for row in part["row"].to_list()],
    )


def _by_school(
    checked: CheckedMarks, schools: dict[str, School]
) -> list[tuple[School, pl.DataFrame]]:
    parts = checked.clean.partition_by("school_urn", as_dict=True, maintain_order=True)
    return [(schools[str(key[0])], part) for key, part in parts.items()]


def _register_problems(
    table: MarksTable, checked: CheckedMarks, schools: dict[str, School]
) -> list[RowProblem]:
    """Rows already refused elsewhere may hide register problems (not on roll that day, the
    school closed); check the rest too, without writing, so the report is complete."""
    problems: list[RowProblem] = []
    for school, part in _by_school(checked, schools):
        checker = MarkChecker(school)
        for mark in _columns(part).inputs():
            reason = checker.problem(mark)
            if reason:
                problems.append(RowProblem(int(mark.where), reason))
    return problems


def marks_file_import(
    *,
    actor: Actor,
    data: bytes,
    name: str,
    reason: str = "",
    today: dt.date | None = None,
    override_lock: bool = False,
    progress: Progress | None = None,
) -> MarksImportResult:
    """Import a marks file. Marks already stored with the same code are left alone; a different
    code becomes an amendment with `reason` (required then); anything wrong refuses the file.
    Marks that add to or change a register follow the register lock on `today`, as the actor
    (rollcall.registers.services.lock); `override_lock` is an administrator's explicit override.
    `progress` is told the rows recorded so far and the rows to record, school by school.

    The file is read and its columns checked before the transaction starts: on SQLite a write
    transaction locks out every other writer (teachers saving registers) until it ends.
    """
    table = marks_table_read(data, name)
    allowed = _schools_allowed(actor)
    urns_in_file = set(table.frame["school_urn"].drop_nulls().unique().to_list())
    enrolled = upns_enrolled_at(schools=[allowed[u] for u in urns_in_file if u in allowed])

    def school_problem(urn: str) -> str:
        if urn in allowed:
            return ""
        return (SCHOOL_UNKNOWN if actor is None else SCHOOL_NOT_YOURS).format(urn=urn)

    def pupil_problem(urn: str, upn: str) -> str:
        if (urn, upn) in enrolled:
            return ""
        return NEVER_ON_ROLL.format(upn=upn, school=allowed[urn].name)

    checked = marks_table_check(table, school_problem=school_problem, pupil_problem=pupil_problem)
    if checked.problems:
        problems = checked.problems + _register_problems(table, checked, allowed)
        raise ImportRefused(name, rows_grouped(name, problems, table.has_lines))
    with writers_queue():
        return _marks_record(
            actor=actor,
            data=data,
            name=name,
            reason=reason,
            table=table,
            checked=checked,
            allowed=allowed,
            today=today,
            override_lock=override_lock,
            progress=progress,
        )


@transaction.atomic
def _marks_record(
    *,
    actor: Actor,
    data: bytes,
    name: str,
    reason: str,
    table: MarksTable,
    checked: CheckedMarks,
    allowed: dict[str, School],
    today: dt.date | None,
    override_lock: bool,
    progress: Progress | None = None,
) -> MarksImportResult:
    """Write a checked file, school by school, in one transaction. The register service checks
    each school's marks again (on roll that day, calendar, stored codes) before writing."""
    created = amended = unchanged = 0
    problems = []
    schools = []
    done, total = 0, checked.clean.height
    if progress is not None:
        progress(done, total)
    for school, part in _by_school(checked, allowed):
        schools.append(school)
        try:
            result = marks_bulk_record(
                actor=actor,
                school=school,
                marks=_columns(part),
                source=Mark.Source.IMPORT,
                today=today,
                amendment_reason=reason,
                override_lock=override_lock,
            )
        except MarksRejected as exc:
            problems += [RowProblem(int(p.where), p.reason) for p in exc.problems]
            continue
        created += result.created
        amended += result.amended
        unchanged += result.unchanged
        done += part.height
        if progress is not None:
            progress(done, total)
    if problems:
        # Raising here rolls back the schools already written: the file is all or nothing.
        hint = (
            REASON_HINT
            if not reason.strip() and any("amend it" in p.reason for p in problems)
            else ""
        )
        raise ImportRefused(name, rows_grouped(name, problems, table.has_lines), hint=hint)

    batch = ImportBatch.objects.create(
        kind=ImportBatch.Kind.MARKS,
        file_name=name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        rows=table.frame.height,
        marks_created=created,
        marks_amended=amended,
        marks_unchanged=unchanged,
        reason=reason.strip(),
        imported_at=clock.now(),
        imported_by=actor,
        imported_by_label=actor_label(actor),
    )
    batch.schools.set(schools)
    audit_record(
        actor=actor,
        verb=Verb.MARKS_IMPORT,
        target=batch,
        summary=(
            f"Imported {name}: {created:,} marks recorded, {amended:,} amended, "
            f"{unchanged:,} already recorded, at {len(schools)} school(s)"
        ),
        school_urn=schools[0].urn if len(schools) == 1 else "",
        payload={
            "file": name,
            "sha256": batch.sha256,
            "rows": batch.rows,
            "schools": [school.urn for school in schools],
            "created": created,
            "amended": amended,
            "unchanged": unchanged,
            "reason": batch.reason,
            "override_lock": override_lock,
        },
    )
    return MarksImportResult(batch=batch, created=created, amended=amended, unchanged=unchanged)
