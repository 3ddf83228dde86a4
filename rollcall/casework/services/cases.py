"""Writes for cases: open, move between the profile's stages, hand to the LA, close, reopen,
tasks done, notes. Each write is one transaction with its case event and its audit event.

Stages, the work they expect and when the LA takes over come from the policy profile the case
follows (`rollcall.policies.casework`); the code knows only a case's statuses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from rollcall.analytics.models import WorklistItem, kind_label
from rollcall.casework.checklist import (
    checklist_items,
    held_in_record,
    held_on_checklist,
    missing_for_referral,
    referral_stage,
)
from rollcall.casework.models import Case, CaseEvent, CaseTask, ChecklistMark
from rollcall.casework.selectors import case_figures, case_organisation_key
from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label, audit_record
from rollcall.core.types import Actor
from rollcall.organisations.calendar import SchoolCalendar
from rollcall.organisations.models import LocalAuthority, School, Trust
from rollcall.organisations.selectors import school_calendar
from rollcall.policies import PolicyProfile, load_profile
from rollcall.policies.casework import ExpectedAction
from rollcall.policies.periods import Period
from rollcall.pupils.models import Condition, Enrolment, Pupil
from rollcall.pupils.selectors import on_roll_on
from rollcall.pupils.services import condition_set

Owner = School | Trust | LocalAuthority

RATIONALE_NEEDED = "Say why: the reason is part of the record a court may read"
REVIEW_KEY = "review"


def owner_profile(owner: Owner) -> str:
    """The profile an organisation's cases follow."""
    if isinstance(owner, School):
        return owner.effective_policy_profile
    return owner.policy_profile


def _organisation_label(owner: Owner) -> str:
    return owner.name


def _need_rationale(rationale: str) -> str:
    rationale = rationale.strip()
    if not rationale:
        raise ValidationError({"rationale": RATIONALE_NEEDED})
    return rationale


def _event(
    *,
    case: Case,
    actor: Actor,
    kind: str,
    on: dt.date,
    summary: str,
    acting_for: Owner | None = None,
    rationale: str = "",
    from_stage: str = "",
    to_stage: str = "",
    nature: str = CaseEvent.Nature.FACT,
    with_figures: bool = True,
    save: bool = True,
) -> CaseEvent:
    organisation = acting_for or case.owner
    event = CaseEvent(
        case=case,
        kind=kind,
        nature=nature,
        occurred_on=on,
        recorded_at=clock.now(),
        recorded_by=actor,
        recorded_by_label=actor_label(actor),
        organisation_key=case_organisation_key(organisation),
        organisation_label=_organisation_label(organisation),
        from_stage=from_stage,
        to_stage=to_stage,
        summary=summary[:500],
        rationale=rationale,
        figures=case_figures(pupil=case.pupil, school=case.school, on=on) if with_figures else {},
    )
    if save:
        event.save()
    return event


# For the other casework services that write to a case's chronology.
case_event_record = _event


def _audit(case: Case, actor: Actor, verb: Verb, summary: str, **payload: object) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=case,
        summary=summary,
        school_urn=case.school.urn,
        payload={"pupil": case.pupil.upn, "stage": case.stage_key, **payload},
    )


@dataclass(frozen=True)
class Due:
    on: dt.date | None
    period: str
    undated_reason: str


def due_after(
    calendar: SchoolCalendar,
    start: dt.date,
    period: Period | None,
    *,
    on_a_school_day: bool = False,
) -> Due:
    """When something given `period` from `start` ends on the school's calendar. With
    `on_a_school_day` (a task someone at the school must do), a period in calendar units that
    ends on a day the school is shut (a weekend, a holiday) falls due on the next school day."""
    if period is None:
        return Due(None, "", "The profile sets no date for this")
    day = calendar.period_end(start, period.amount, period.unit)
    if day is None:
        return Due(None, str(period), "The school's term dates do not reach that far yet")
    shut = not calendar.is_school_day(day)
    if on_a_school_day and period.unit in ("days", "weeks", "months") and shut:
        following = calendar.period_end(day, 1, "school_days") if calendar.reaches(day) else None
        if following is not None:
            return Due(following, f"{period}, due on the next school day", "")
    return Due(day, str(period), "")


def _add_task(
    case: Case,
    calendar: SchoolCalendar,
    *,
    key: str,
    label: str,
    period: Period | None,
    source: str,
    on: dt.date,
    save: bool = True,
) -> CaseTask:
    due = due_after(calendar, on, period, on_a_school_day=True)
    task = CaseTask(
        case=case,
        stage_key=case.stage_key,
        key=key,
        label=label,
        counted_from=on,
        period=due.period,
        due_on=due.on,
        undated_reason=due.undated_reason,
        source=source,
        created_at=clock.now(),
    )
    if save:
        task.save()
    return task


def _stage_tasks(
    case: Case,
    profile: PolicyProfile,
    on: dt.date,
    *,
    save: bool = True,
    calendar: SchoolCalendar | None = None,
) -> list[CaseTask]:
    """The tasks the case's stage expects, dated on the school's calendar (with `save`
    False, made but not yet saved)."""
    work = profile.casework.work_for(case.stage_key)
    if work is None:
        return []
    calendar = calendar or school_calendar(school=case.school)
    actions: Iterable[ExpectedAction] = work.actions
    tasks = [
        _add_task(
            case,
            calendar,
            key=action.key,
            label=action.label,
            period=action.due,
            source=action.source,
            on=on,
            save=save,
        )
        for action in actions
    ]
    if work.review_every is not None:
        tasks.append(_review_task(case, calendar, profile, on, save=save))
    return tasks


def _review_task(
    case: Case, calendar: SchoolCalendar, profile: PolicyProfile, on: dt.date, save: bool = True
) -> CaseTask:
    work = profile.casework.work_for(case.stage_key)
    assert work is not None and work.review_every is not None
    stage = profile.stage(case.stage_key)
    return _add_task(
        case,
        calendar,
        key=REVIEW_KEY,
        label=f"Review the case at the {stage.name} stage (every {work.review_every})",
        period=work.review_every,
        source=work.review_source or profile.casework.source,
        on=on,
        save=save,
    )


def _close_open_tasks(case: Case, actor: Actor, why: str) -> int:
    return CaseTask.objects.filter(case=case, status=CaseTask.Status.OPEN).update(
        status=CaseTask.Status.CANCELLED,
        closed_at=clock.now(),
        closed_by_label=actor_label(actor),
        note=why,
    )


def _stage_key(profile: PolicyProfile, stage_key: str | None) -> str:
    key = stage_key or profile.first_case_stage
    if key not in profile.stage_keys:
        raise ValidationError(
            {
                "stage": f"{profile.name} has no stage {key!r}; its stages are "
                + ", ".join(stage.name for stage in profile.stages)
            }
        )
    return key


def _apply_owner(case: Case, owner: Owner) -> None:
    case.owner_school = owner if isinstance(owner, School) else None
    case.owner_trust = owner if isinstance(owner, Trust) else None
    case.owner_local_authority = owner if isinstance(owner, LocalAuthority) else None
    case.owner_key = case_organisation_key(owner)


@transaction.atomic
def case_open(
    *,
    actor: Actor,
    pupil: Pupil,
    school: School,
    owner: Owner,
    on: dt.date,
    rationale: str,
    stage_key: str | None = None,
    lead: Actor = None,
    home_local_authority: LocalAuthority | None = None,
    opened_from_kind: str = "",
    opened_from_item: int | None = None,
) -> Case:
    """Open a case for a child at `school`, run by `owner` under the owner's profile, at
    `stage_key` (the profile's first stage if not given)."""
    rationale = _need_rationale(rationale)
    if not pupil.enrolments.filter(on_roll_on(on), school=school).exists():
        raise ValidationError(
            {"pupil": f"{pupil.display_name} is not on roll at {school.name} on {on:%-d %B %Y}"}
        )
    profile = load_profile(owner_profile(owner))
    key = _stage_key(profile, stage_key)
    case = Case(
        pupil=pupil,
        school=school,
        profile_key=profile.key,
        stage_key=key,
        stage_entered_on=on,
        lead_practitioner=lead,
        lead_practitioner_label=actor_label(lead) if lead is not None else "",
        home_local_authority=(
            home_local_authority
            if home_local_authority and home_local_authority != school.local_authority
            else None
        ),
        opened_on=on,
        opened_at=clock.now(),
        opened_by_label=actor_label(actor),
        opened_from_kind=opened_from_kind,
        opened_from_item=opened_from_item,
    )
    _apply_owner(case, owner)
    if (
        Case.objects.filter(pupil=pupil, owner_key=case.owner_key)
        .exclude(status=Case.Status.CLOSED)
        .exists()
    ):
        raise ValidationError(
            {"pupil": f"{pupil.display_name} already has an open case run by {owner.name}"}
        )
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as error:  # opened by someone else a moment ago
        raise ValidationError(
            {"pupil": f"{pupil.display_name} already has an open case run by {owner.name}"}
        ) from error
    stage = profile.stage(key)
    _event(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.OPENED,
        on=on,
        summary=f"Case opened at the {stage.name} stage ({profile.name})",
        rationale=rationale,
        to_stage=key,
    )
    tasks = _stage_tasks(case, profile, on)
    _audit(case, actor, Verb.CASE_OPEN, f"Case opened for {pupil.display_name}", tasks=len(tasks))
    return case


@transaction.atomic
def case_move(
    *,
    actor: Actor,
    case: Case,
    to_stage: str,
    on: dt.date,
    rationale: str,
    held: Sequence[str] = (),
    acting_for: Owner | None = None,
) -> Case:
    """Move an active case to another of its profile's stages, forward or back. Moving into
    the profile's transfer stage hands a school's case to the local authority.

    Moving forward from a stage that lists what must be held before the case moves on
    (`required_before_next`, e.g. Leeds' SENCO check before a panel) needs each of them
    confirmed in `held`; they are written into the record of the move. Stepping back needs
    none."""
    rationale = _need_rationale(rationale)
    case = Case.objects.select_for_update().select_related("school", "pupil").get(pk=case.pk)
    if not case.active:
        raise ValidationError({"stage": "The case is closed: reopen it before moving it"})
    profile = load_profile(case.profile_key)
    key = _stage_key(profile, to_stage)
    if key == case.stage_key:
        raise ValidationError(
            {"stage": f"The case is already at the {profile.stage(key).name} stage"}
        )
    before = profile.stage(case.stage_key)
    after = profile.stage(key)
    forward = profile.stage_keys.index(key) > profile.stage_keys.index(case.stage_key)
    marked = held_on_checklist(case=case) | held_in_record(case=case, on=on)
    if key == referral_stage(profile) and case.owner_school is not None:
        # Referral to the LA for legal action: the evidence checklist must be complete.
        missing_items = [
            item for item in missing_for_referral(case=case, on=on) if item.key not in held
        ]
        if missing_items:
            raise ValidationError(
                {
                    "stage": "The case cannot be referred to the local authority until the "
                    "referral checklist is complete. Missing: "
                    + "; ".join(item.label for item in missing_items)
                }
            )
    if forward and before.required_before_next:
        missing = [
            text
            for item, text in before.required_before_next.items()
            if item not in held and item not in marked
        ]
        if missing:
            raise ValidationError(
                {
                    "held": f"Before the case moves on from {before.name}, confirm what is held: "
                    + "; ".join(missing)
                }
            )
        rationale += "\n\nHeld before moving on: " + "; ".join(before.required_before_next.values())
    _close_open_tasks(case, actor, f"The case moved to the {after.name} stage")
    case.stage_key = key
    case.stage_entered_on = on
    transfer = profile.casework.transfer
    hand_over = (
        transfer is not None
        and key == transfer.to_local_authority_at
        and case.owner_school is not None
    )
    if hand_over:
        case.referred_by_school = case.owner_school
        _apply_owner(case, case.school.local_authority)
        case.status = Case.Status.REFERRED
    case.save()
    direction = "on" if forward else "back"
    _event(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.STAGE_CHANGED,
        on=on,
        summary=f"Moved {direction} from {before.name} to {after.name}",
        rationale=rationale,
        from_stage=before.key,
        to_stage=key,
        acting_for=acting_for,
    )
    if hand_over:
        _event(
            case=case,
            actor=actor,
            kind=CaseEvent.Kind.TRANSFERRED,
            on=on,
            summary=f"Taken over by {case.school.local_authority.name}",
            rationale=rationale.split("\n\nHeld before moving on: ")[0],
            acting_for=acting_for,
            with_figures=False,
        )
    _stage_tasks(case, profile, on)
    _audit(case, actor, Verb.CASE_MOVE, f"Case moved from {before.name} to {after.name}", to=key)
    return case


@transaction.atomic
def case_close(
    *,
    actor: Actor,
    case: Case,
    outcome: str,
    on: dt.date,
    rationale: str,
    acting_for: Owner | None = None,
) -> Case:
    rationale = _need_rationale(rationale)
    if outcome not in Case.Outcome.values:
        raise ValidationError(
            {"outcome": "Choose an outcome: " + ", ".join(Case.Outcome.labels).lower()}
        )
    case = Case.objects.select_for_update().select_related("school", "pupil").get(pk=case.pk)
    if not case.active:
        raise ValidationError({"outcome": "The case is already closed"})
    _close_open_tasks(case, actor, "The case was closed")
    case.status = Case.Status.CLOSED
    case.closed_on = on
    case.outcome = outcome
    case.save()
    label = Case.Outcome(outcome).label
    _event(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.CLOSED,
        on=on,
        summary=f"Case closed: {label.lower()}",
        rationale=rationale,
        acting_for=acting_for,
    )
    _audit(case, actor, Verb.CASE_CLOSE, f"Case closed: {label.lower()}", outcome=outcome)
    return case


@transaction.atomic
def case_reopen(
    *,
    actor: Actor,
    case: Case,
    on: dt.date,
    rationale: str,
    stage_key: str | None = None,
    acting_for: Owner | None = None,
) -> Case:
    """Reopen a closed case when attendance falls again, its history intact (Leeds' case
    closure and restart), at `stage_key` or the stage it closed at."""
    rationale = _need_rationale(rationale)
    case = Case.objects.select_for_update().select_related("school", "pupil").get(pk=case.pk)
    if case.active:
        raise ValidationError({"rationale": "The case is already open"})
    if (
        Case.objects.filter(pupil=case.pupil, owner_key=case.owner_key)
        .exclude(status=Case.Status.CLOSED)
        .exists()
    ):
        raise ValidationError(
            {
                "rationale": f"{case.pupil.display_name} already has another open case run by "
                f"{case.owner.name}: work on that one"
            }
        )
    profile = load_profile(case.profile_key)
    key = _stage_key(profile, stage_key or case.stage_key)
    previous = case.stage_key
    case.status = Case.Status.REFERRED if case.referred_by_school_id else Case.Status.OPEN
    case.closed_on = None
    case.outcome = ""
    case.stage_key = key
    case.stage_entered_on = on
    case.save()
    _event(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.REOPENED,
        on=on,
        summary=f"Case reopened at the {profile.stage(key).name} stage",
        rationale=rationale,
        from_stage=previous,
        to_stage=key,
        acting_for=acting_for,
    )
    _stage_tasks(case, profile, on)
    _audit(case, actor, Verb.CASE_REOPEN, "Case reopened", to=key)
    return case


@transaction.atomic
def case_task_done(
    *, actor: Actor, task: CaseTask, on: dt.date, note: str, acting_for: Owner | None = None
) -> CaseTask:
    """Mark a task done with a note of what was done; a review done sets the next review."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Write down what was done"})
    task = CaseTask.objects.select_for_update().select_related("case__school").get(pk=task.pk)
    if task.status != CaseTask.Status.OPEN:
        raise ValidationError({"note": f"This task is already {task.get_status_display().lower()}"})
    task.status = CaseTask.Status.DONE
    task.closed_at = clock.now()
    task.closed_by_label = actor_label(actor)
    task.note = note
    task.save()
    case = task.case
    _event(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.TASK_DONE,
        on=on,
        summary=f"Done: {task.label}",
        rationale=note,
        acting_for=acting_for,
        with_figures=task.key == REVIEW_KEY,
    )
    if task.key == REVIEW_KEY and case.active:
        profile = load_profile(case.profile_key)
        work = profile.casework.work_for(case.stage_key)
        if work is not None and work.review_every is not None:
            _review_task(case, school_calendar(school=case.school), profile, on)
    _audit(case, actor, Verb.CASE_TASK_DONE, f"Task done: {task.label}", task=task.key)
    return task


@transaction.atomic
def case_note_add(
    *,
    actor: Actor,
    case: Case,
    on: dt.date,
    summary: str,
    text: str,
    nature: str,
    consultation: bool = False,
    acting_for: Owner | None = None,
) -> CaseEvent:
    """A note on the case: a fact or a professional's opinion, or a consultation with
    another agency (each its own entry)."""
    summary = summary.strip()
    errors: dict[str, str] = {}
    if not summary:
        errors["summary"] = "Give the note a one-line summary"
    if nature not in CaseEvent.Nature.values:
        errors["nature"] = "Say whether this records fact or a professional opinion"
    if on > clock.today():
        errors["on"] = "The date cannot be in the future"
    if errors:
        raise ValidationError(errors)
    event = _event(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.CONSULTATION if consultation else CaseEvent.Kind.NOTE,
        on=on,
        summary=summary,
        rationale=text.strip(),
        nature=nature,
        acting_for=acting_for,
        with_figures=False,
    )
    _audit(case, actor, Verb.CASE_NOTE_ADD, f"Case note: {summary}")
    return event


@dataclass(frozen=True)
class CasesFromSweep:
    opened: int
    skipped: int  # the child already has an active case at the school, or left the roll


def cases_open_from_worklist(*, on: dt.date) -> CasesFromSweep:
    """Open a case for each open worklist item whose trigger, in the school's profile, opens
    one by itself (`casework.triggers: open`), unless the child already has an active case at
    that school. Safe to run twice: an item opens at most one case, ever."""
    used = Case.objects.filter(opened_from_item__isnull=False).values("opened_from_item")
    waiting = WorklistItem.objects.filter(status=WorklistItem.Status.OPEN, met_on__lte=on).exclude(
        pk__in=used
    )
    # Only the kinds some waiting item's school profile opens a case for are read one by one;
    # each school is read once, with its calendar, for all its cases.
    schools = {
        school.pk: school
        for school in School.objects.filter(pk__in=waiting.values("school_id"))
        .select_related("trust", "local_authority")
        .prefetch_related("terms", "closures")
    }
    profiles: dict[str, PolicyProfile] = {}
    for school in schools.values():
        key = school.effective_policy_profile
        profiles.setdefault(key, load_profile(key))
    opening = {
        kind
        for profile in profiles.values()
        for kind, action in profile.casework.triggers.items()
        if action == "open"
    }
    opened = skipped = 0
    busy = set(Case.objects.exclude(status=Case.Status.CLOSED).values_list("pupil_id", "school_id"))
    items = (
        waiting.filter(kind__in=sorted(opening)).select_related("pupil").order_by("met_on", "id")
    )
    # A hundred cases a transaction: each case is still its own savepoint, and a case a
    # failure left unopened is opened by the next sweep.
    chosen = []
    for item in items:
        school = schools[item.school_id]
        profile = profiles[school.effective_policy_profile]
        if profile.casework.triggers.get(item.kind) == "open":
            chosen.append((item, school, profile))
    calendars: dict[int, SchoolCalendar] = {}
    for start in range(0, len(chosen), SWEEP_BATCH):
        batch = chosen[start : start + SWEEP_BATCH]
        try:
            with transaction.atomic():
                done, missed, now_busy = _open_batch(batch, on, busy, calendars)
        except IntegrityError:  # a case opened by someone else meanwhile: one at a time
            done = missed = 0
            now_busy = set()
            for item, school, profile in batch:
                pair = (item.pupil_id, item.school_id)
                if pair in busy or pair in now_busy:
                    missed += 1
                elif _open_from_item(item, school, profile, on):
                    now_busy.add(pair)
                    done += 1
                else:
                    missed += 1
        busy |= now_busy
        opened += done
        skipped += missed
    return CasesFromSweep(opened=opened, skipped=skipped)


SWEEP_BATCH = 100


def _sweep_rationale(item: WorklistItem) -> str:
    return (
        f"Opened by the nightly sweep: {kind_label(item.kind)} "
        f"(met on {item.met_on:%-d %B %Y}). {item.detail}"
    )


def _trigger_stage(item: WorklistItem, profile: PolicyProfile) -> str | None:
    if item.kind.startswith("attendance:"):
        trigger = profile.triggers.attendance.get(item.kind.partition(":")[2])
        return trigger.stage if trigger is not None else None
    return None


def _open_from_item(
    item: WorklistItem, school: School, profile: PolicyProfile, on: dt.date
) -> bool:
    try:
        case_open(
            actor=None,
            pupil=item.pupil,
            school=school,
            owner=school,
            on=on,
            stage_key=_trigger_stage(item, profile),
            rationale=_sweep_rationale(item),
            opened_from_kind=item.kind,
            opened_from_item=item.pk,
        )
    except ValidationError:
        return False
    return True


def _open_batch(
    batch: list[tuple[WorklistItem, School, PolicyProfile]],
    on: dt.date,
    busy: set[tuple[int, int]],
    calendars: dict[int, SchoolCalendar],
) -> tuple[int, int, set[tuple[int, int]]]:
    """`case_open` for each item, run by its school, the rows written together: the same
    case, opening event (with the child's figures), tasks and audit event for each, and the
    same refusals (not on roll, no such stage, an open case already)."""
    pupil_ids = {item.pupil_id for item, _, _ in batch}
    on_roll = set(
        Enrolment.objects.filter(on_roll_on(on), pupil_id__in=pupil_ids).values_list(
            "pupil_id", "school_id"
        )
    )
    active = set(
        Case.objects.filter(pupil_id__in=pupil_ids)
        .exclude(status=Case.Status.CLOSED)
        .values_list("pupil_id", "owner_key")
    )
    now_busy: set[tuple[int, int]] = set()
    skipped = 0
    planned: list[tuple[Case, WorklistItem, School, PolicyProfile, str]] = []
    for item, school, profile in batch:
        pair = (item.pupil_id, item.school_id)
        if pair in busy or pair in now_busy or pair not in on_roll:
            skipped += 1
            continue
        try:
            key = _stage_key(profile, _trigger_stage(item, profile))
        except ValidationError:
            skipped += 1
            continue
        if (item.pupil_id, case_organisation_key(school)) in active:
            skipped += 1
            continue
        case = Case(
            pupil=item.pupil,
            school=school,
            profile_key=profile.key,
            stage_key=key,
            stage_entered_on=on,
            lead_practitioner=None,
            lead_practitioner_label="",
            home_local_authority=None,
            opened_on=on,
            opened_at=clock.now(),
            opened_by_label=actor_label(None),
            opened_from_kind=item.kind,
            opened_from_item=item.pk,
        )
        _apply_owner(case, school)
        planned.append((case, item, school, profile, key))
        now_busy.add(pair)
    Case.objects.bulk_create([case for case, *_ in planned])
    events: list[CaseEvent] = []
    tasks: list[CaseTask] = []
    task_counts: list[int] = []
    for case, item, school, profile, key in planned:
        events.append(
            _event(
                case=case,
                actor=None,
                kind=CaseEvent.Kind.OPENED,
                on=on,
                summary=f"Case opened at the {profile.stage(key).name} stage ({profile.name})",
                rationale=_need_rationale(_sweep_rationale(item)),
                to_stage=key,
                save=False,
            )
        )
        if school.pk not in calendars:
            calendars[school.pk] = school_calendar(school=school)
        made = _stage_tasks(case, profile, on, save=False, calendar=calendars[school.pk])
        tasks += made
        task_counts.append(len(made))
    CaseEvent.objects.bulk_create(events)
    CaseTask.objects.bulk_create(tasks)
    for (case, *_), count in zip(planned, task_counts, strict=True):
        _audit(
            case, None, Verb.CASE_OPEN, f"Case opened for {case.pupil.display_name}", tasks=count
        )
    return len(planned), skipped, now_busy


@transaction.atomic
def case_fast_track_start(
    *, actor: Actor, case: Case, on: dt.date, rationale: str, acting_for: Owner | None = None
) -> list[CaseTask]:
    """Put the family on the profile's Fast Track (Leeds/Bramley): a monitoring period, then
    a final period, each ending in a decision the case's tasks hold."""
    rationale = _need_rationale(rationale)
    profile = load_profile(case.profile_key)
    fast_track = profile.fast_track
    if fast_track is None:
        raise ValidationError({"rationale": f"{profile.name} has no Fast Track"})
    if not case.active:
        raise ValidationError({"rationale": "The case is closed: reopen it first"})
    if case.tasks.filter(key__startswith="fast_track_", status=CaseTask.Status.OPEN).exists():
        raise ValidationError({"rationale": "The family is already on the Fast Track"})
    calendar = school_calendar(school=case.school)
    first = _add_task(
        case,
        calendar,
        key="fast_track_monitoring",
        label=(
            f"Fast Track: end of the {fast_track.monitoring_period} of monitoring; send the "
            "second letter if there is no noticeable improvement"
        ),
        period=fast_track.monitoring_period,
        source=fast_track.source,
        on=on,
    )
    tasks = [first]
    if first.due_on is not None:
        tasks.append(
            _add_task(
                case,
                calendar,
                key="fast_track_final",
                label=(
                    f"Fast Track: end of the final {fast_track.final_period}; further "
                    "unauthorised absence leads to a School Attendance Panel"
                ),
                period=fast_track.final_period,
                source=fast_track.source,
                on=first.due_on,
            )
        )
    _event(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.NOTE,
        on=on,
        summary=f"Fast Track started: {fast_track.monitoring_period} of monitoring, then "
        f"{fast_track.final_period}",
        rationale=rationale,
        acting_for=acting_for,
    )
    _audit(case, actor, Verb.CASE_FAST_TRACK_START, "Fast Track started")
    return tasks


@transaction.atomic
def checklist_mark(
    *,
    actor: Actor,
    case: Case,
    item: str,
    note: str,
    held: bool = True,
    on: dt.date,
    acting_for: Owner | None = None,
) -> ChecklistMark:
    """Mark an item of the referral checklist held (with a note of where the evidence is),
    or withdraw a mark made in error. Marks are never changed; the latest stands."""
    labels = {key: label for key, label, _ in checklist_items(load_profile(case.profile_key))}
    if item not in labels:
        raise ValidationError({"item": "Choose an item of this case's referral checklist"})
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say where the evidence is, or why the item is withdrawn"})
    organisation = acting_for or case.owner
    mark = ChecklistMark.objects.create(
        case=case,
        item=item,
        held=held,
        note=note,
        recorded_at=clock.now(),
        recorded_by=actor,
        recorded_by_label=actor_label(actor),
        organisation_label=organisation.name,
    )
    what = "held" if held else "no longer marked held"
    _event(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.CHECKLIST,
        on=on,
        summary=f"Referral checklist: {labels[item]} — {what}",
        rationale=note,
        acting_for=acting_for,
        with_figures=False,
    )
    _audit(case, actor, Verb.CHECKLIST_MARK, f"Checklist item {what}: {labels[item]}", item=item)
    return mark


@transaction.atomic
def case_condition_set(
    *,
    actor: Actor,
    case: Case,
    kind: str,
    starts_on: dt.date,
    reason: str,
    ends_on: dt.date | None = None,
    text: str = "",
    acting_for: Owner | None = None,
) -> Condition:
    """Set a condition on recording the child's absence at the case's school (shown to whoever
    codes the absences), and write it into the case's record."""
    condition = condition_set(
        actor=actor,
        pupil=case.pupil,
        school=case.school,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        text=text,
    )
    until = f" until {ends_on:%-d %B %Y}" if ends_on else ""
    _event(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.NOTE,
        on=clock.today(),
        summary=f"Condition set: {condition.label}, from {starts_on:%-d %B %Y}{until}",
        rationale=reason.strip(),
        acting_for=acting_for,
        with_figures=False,
    )
    return condition
