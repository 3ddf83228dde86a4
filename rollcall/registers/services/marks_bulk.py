"""Writes for many marks at once: a push from a management information system, an imported
file, a Common Transfer File, the demo. All or nothing; a change is an amendment, never an
overwrite."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label, audit_record
from rollcall.core.types import Actor
from rollcall.organisations.models import School
from rollcall.pupils.models import Pupil
from rollcall.registers.bulk import marks_insert_frame
from rollcall.registers.changes import marks_changed
from rollcall.registers.models import Mark, MarkAmendment
from rollcall.registers.services.lock import Write, register_write_refusal, writer_roles
from rollcall.registers.services.mark_columns import (
    BulkPlan,
    MarkColumns,
    Stored,
    plan_fast,
)
from rollcall.registers.services.marks import (
    MARK_EXISTS,
    REASON_REQUIRED,
    MarkChecker,
    MarkInput,
    MarkProblem,
    MarksRejected,
    role_label,
)


@dataclass(frozen=True)
class BulkResult:
    created: int
    unchanged: int
    amended: int


def _stored_codes(school: School, dates: Iterable[dt.date]) -> Stored:
    """The marks already stored at the school over the span of these dates, by session: a
    nightly push reads one week's marks, not every year the school has kept."""
    dates = list(dates)
    if not dates:
        return {}
    stored = Mark.objects.filter(school=school, date__range=(min(dates), max(dates)))
    return {
        (upn, day, session): (mark_id, code)
        for mark_id, upn, day, session, code in stored.values_list(
            "id", "pupil__upn", "date", "session", "code"
        )
    }


@transaction.atomic
def marks_bulk_record(
    *,
    actor: Actor,
    school: School,
    marks: Iterable[MarkInput] | MarkColumns,
    source: str,
    today: dt.date | None = None,
    amendment_reason: str = "",
    override_lock: bool = False,
) -> BulkResult:
    """Record many marks for one school: all or nothing.

    Every mark is checked first and all problems are reported together. A session that already
    has the same code is left alone (so a repeated import changes nothing); one with a different
    code is amended with `amendment_reason`, which is then required. Marks that add to or change
    a register follow the register lock on `today` (rollcall.registers.services.lock). `today`
    is None only for history that is no register rollcall keeps (a CTF's earlier schools) and
    for rollcall's own loading (the demo): the lock does not apply to them.
    """
    columns = marks if isinstance(marks, MarkColumns) else MarkColumns.of(marks)
    checker = MarkChecker(school)
    stored = _stored_codes(school, columns.dates)
    plan = plan_fast(
        columns, checker=checker, stored=stored, amendment_reason=amendment_reason
    ) or _plan_careful(columns, checker=checker, stored=stored, amendment_reason=amendment_reason)
    if today is not None:
        _check_lock(
            columns,
            plan=plan,
            stored=stored,
            actor=actor,
            checker=checker,
            today=today,
            reason=amendment_reason,
            override=override_lock,
        )

    now = clock.now()
    # A push that only repeats what is stored has no new marks, and no need of pupil ids.
    pupil_ids = (
        dict(
            Pupil.objects.filter(enrolments__school=school)
            .order_by()
            .distinct()
            .values_list("upn", "id")
        )
        if plan.new.height
        else {}
    )
    marks_insert_frame(
        plan.new,
        school_id=school.pk,
        pupil_ids=pupil_ids,
        recorded_at=now,
        recorded_by_id=actor.pk if actor is not None else None,
        source=source,
    )
    label = actor_label(actor)
    role = role_label(actor, school)
    for mark_id, current, new_code in plan.amend:
        MarkAmendment.objects.create(
            mark_id=mark_id,
            previous_code=current,
            new_code=new_code,
            reason=amendment_reason.strip(),
            amended_at=now,
            amended_by=actor,
            amended_by_label=label,
            amended_by_role=role,
        )
        Mark.objects.filter(pk=mark_id).update(code=new_code)
    created, amended = plan.new.height, len(plan.amend)
    audit_record(
        actor=actor,
        verb=Verb.MARKS_BULK_RECORD,
        target=school,
        summary=(
            f"Recorded {created} marks and amended {amended} at {school.name} "
            f"({source}); {plan.unchanged} already recorded"
        ),
        school_urn=school.urn,
        payload={"created": created, "amended": amended, "unchanged": plan.unchanged},
    )
    if created or amended:
        marks_changed()
    return BulkResult(created=created, unchanged=plan.unchanged, amended=amended)


def _check_lock(
    columns: MarkColumns,
    *,
    plan: BulkPlan,
    stored: Stored,
    actor: Actor,
    checker: MarkChecker,
    today: dt.date,
    reason: str,
    override: bool,
) -> None:
    """Refuse the batch, naming each mark, if it adds to or changes a register closed to the
    actor. Marks that repeat what is stored change nothing and pass whatever the lock."""
    school = checker.school
    amended_ids = {mark_id for mark_id, _, _ in plan.amend}
    amended_days = {key[1] for key, (mark_id, _) in stored.items() if mark_id in amended_ids}
    writes = [(Write.TAKE, day) for day in set(plan.new["date"].to_list())]
    writes += [(Write.AMEND, day) for day in amended_days]
    refusals = {}
    roles = writer_roles(actor=actor, school=school) if writes else frozenset()
    for write, day in writes:
        refusal = register_write_refusal(
            actor=actor,
            school=school,
            calendar=checker.calendar,
            day=day,
            today=today,
            write=write,
            reason=reason,
            override=override,
            roles=roles,
        )
        if refusal:
            refusals[(write, day)] = refusal
    if not refusals:
        return
    problems = []
    for mark in columns.inputs():
        current = stored.get((mark.upn, mark.date, mark.session))
        write = Write.TAKE if current is None else Write.AMEND
        if current is not None and current[1] == mark.code:
            continue
        refused = refusals.get((write, mark.date))
        if refused:
            problems.append(MarkProblem(mark.where, refused))
    raise MarksRejected(problems)


def _plan_careful(
    columns: MarkColumns, *, checker: MarkChecker, stored: Stored, amendment_reason: str
) -> BulkPlan:
    """Mark by mark: raises MarksRejected naming every problem, or returns the plan."""
    school = checker.school
    problems: list[MarkProblem] = []
    seen: dict[tuple[str, dt.date, str], str] = {}
    to_create: list[MarkInput] = []
    to_amend: list[tuple[int, str, str]] = []
    unchanged = 0
    for mark in columns.inputs():
        problem = checker.problem(mark)
        if problem:
            problems.append(MarkProblem(mark.where, problem))
            continue
        key = (mark.upn, mark.date, mark.session)
        if key in seen:
            if seen[key] != mark.code:
                problems.append(
                    MarkProblem(
                        mark.where,
                        f"{mark.upn} {mark.date} {mark.session} is given twice, as {seen[key]} "
                        f"and {mark.code}",
                    )
                )
            continue
        seen[key] = mark.code
        if key in stored:
            mark_id, current = stored[key]
            if current == mark.code:
                unchanged += 1
            elif not amendment_reason.strip():
                problems.append(
                    MarkProblem(
                        mark.where,
                        MARK_EXISTS.format(
                            upn=mark.upn,
                            code=current,
                            day=mark.date,
                            session=mark.session,
                            school=school.name,
                        ),
                    )
                )
            else:
                to_amend.append((mark_id, current, mark.code))
        else:
            to_create.append(mark)
    if problems:
        raise MarksRejected(problems)
    new = MarkColumns.of(to_create).frame().drop("row")
    return BulkPlan(new=new, amend=to_amend, unchanged=unchanged)


@dataclass(frozen=True)
class AmendmentInput:
    upn: str
    date: dt.date
    session: str
    new_code: str
    reason: str
    where: str = ""
    amended_at: dt.datetime | None = None  # when history is loaded; otherwise now


@transaction.atomic
def marks_bulk_amend(*, actor: Actor, school: School, amendments: Iterable[AmendmentInput]) -> int:
    """Amend many marks at one school (for example, correcting N codes): all or nothing.

    Each amendment keeps the previous code, the new code, who, when and why.
    """
    amendments = list(amendments)
    checker = MarkChecker(school)
    current = _stored_codes(school, [a.date for a in amendments])
    problems: list[MarkProblem] = []
    planned: list[tuple[int, str, AmendmentInput]] = []
    for item in amendments:
        key = (item.upn, item.date, item.session)
        if key not in current:
            problems.append(
                MarkProblem(item.where, f"{item.upn} has no mark for {item.date} {item.session}")
            )
            continue
        if not item.reason.strip():
            problems.append(MarkProblem(item.where, REASON_REQUIRED))
            continue
        mark_id, code = current[key]
        if code == item.new_code:
            continue
        problem = checker.problem(
            MarkInput(upn=item.upn, date=item.date, session=item.session, code=item.new_code)
        )
        if problem:
            problems.append(MarkProblem(item.where, problem))
            continue
        planned.append((mark_id, code, item))
        current[key] = (mark_id, item.new_code)
    if problems:
        raise MarksRejected(problems)
    now = clock.now()
    user = actor
    label = actor_label(actor)
    role = role_label(actor, school)
    MarkAmendment.objects.bulk_create(
        [
            MarkAmendment(
                mark_id=mark_id,
                previous_code=previous,
                new_code=item.new_code,
                reason=item.reason.strip(),
                amended_at=item.amended_at or now,
                amended_by=user,
                amended_by_label=label,
                amended_by_role=role,
            )
            for mark_id, previous, item in planned
        ],
        batch_size=5000,
    )
    by_code: dict[str, list[int]] = {}
    for mark_id, _, item in planned:
        by_code.setdefault(item.new_code, []).append(mark_id)
    for code, ids in by_code.items():
        for start in range(0, len(ids), 900):
            Mark.objects.filter(pk__in=ids[start : start + 900]).update(code=code)
    audit_record(
        actor=actor,
        verb=Verb.MARKS_BULK_AMEND,
        target=school,
        summary=f"Amended {len(planned)} marks at {school.name}",
        school_urn=school.urn,
        payload={"amended": len(planned)},
    )
    if planned:
        marks_changed()
    return len(planned)
