"""Writes for the worklist: the sweep records new items, school staff close them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rollcall.analytics.models import WorklistItem, kind_label
from rollcall.analytics.selectors import (
    existing_items,
    open_threshold_items,
    pupils_by_upn,
    sweep_schools,
    withdrawn_items,
)
from rollcall.analytics.sweep import Candidate
from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label, audit_record
from rollcall.core.types import Actor
from rollcall.engine.triggers import PERSISTENT, SEVERE
from rollcall.statutory.years import school_year_start

NOTE_REQUIRED = "Say what was done: the note is the record of how the school responded"
NOTE_TOO_LONG = "Keep the note to {limit:,} characters or fewer (it has {length:,})"
ALREADY_DONE = "This item was already marked done on {when:%-d %B %Y} by {who}"
NOTE_LIMIT = 2000

KIND_LENGTH = WorklistItem._meta.get_field("kind").max_length or 80
DETAIL_LENGTH = WorklistItem._meta.get_field("detail").max_length or 500


WITHDRAWN_PROVISIONAL = (
    "Withdrawn: the threshold is no longer met at this session now that the N marks it "
    "counted have been replaced (WTISA, N code: N counts only until recoded)"
)
WITHDRAWN_AMENDED = (
    "Withdrawn: the threshold is no longer met at this session with the register marks as "
    "they now stand (marks it counted were amended)"
)


@dataclass(frozen=True)
class SweepResult:
    created: int
    already_listed: int
    by_school: dict[str, int]  # URN -> items created
    withdrawn: int = 0
    reopened: int = 0  # withdrawn items whose trigger holds again


def recurs_yearly(kind: str) -> bool:
    """Triggers dated by the sweep itself (year-to-date measures): listed once a school year,
    not again every night they still hold."""
    return kind in (PERSISTENT, SEVERE) or kind.startswith("attendance:")


def _problems(
    candidates: Sequence[Candidate], on: dt.date, schools: set[str], pupils: set[str]
) -> list[str]:
    problems = []
    for number, candidate in enumerate(candidates, start=1):
        where = f"trigger {number} ({candidate.kind or 'no kind'} for {candidate.upn})"
        if candidate.urn not in schools:
            problems.append(f"{where}: no school has URN {candidate.urn!r}")
        if candidate.upn not in pupils:
            problems.append(f"{where}: no pupil has UPN {candidate.upn!r}")
        if not candidate.kind or len(candidate.kind) > KIND_LENGTH:
            problems.append(f"{where}: the kind must be 1 to {KIND_LENGTH} characters")
        if candidate.met_on > on:
            problems.append(f"{where}: met on {candidate.met_on}, after the sweep date {on}")
        if len(candidate.detail) > DETAIL_LENGTH:
            problems.append(f"{where}: the detail is longer than {DETAIL_LENGTH} characters")
    return problems


@transaction.atomic
def worklist_items_record(
    *,
    actor: Actor,
    on: dt.date,
    candidates: Sequence[Candidate],
    thresholds_met: Collection[tuple[str, str, dt.date]] | None = None,
    since: dt.date | None = None,
) -> SweepResult:
    """Add an item for each trigger not listed before (open or done), and reopen a withdrawn
    one whose trigger holds again: all or nothing.

    Given `thresholds_met` (every threshold occasion the sweep found from `since` to `on`, as
    (UPN, kind, met on)), an open threshold item in that period that is no longer among them
    is withdrawn with the reason, and one no longer provisional is marked so."""
    schools = {urn: entry.school for urn, entry in sweep_schools().items()}
    pupils = pupils_by_upn(upns={c.upn for c in candidates})
    problems = _problems(candidates, on, set(schools), set(pupils))
    if problems:
        raise ValidationError(problems)
    listed = existing_items(pupil_ids={p.pk for p in pupils.values()})
    listed_this_year = {
        (pupil_id, kind, school_year_start(met_on))
        for pupil_id, kind, met_on in listed
        if recurs_yearly(kind)
    }
    withdrawn_before = withdrawn_items(pupil_ids={p.pk for p in pupils.values()})
    created: Counter[str] = Counter()
    already = reopened = 0
    now = clock.now()
    for candidate in sorted(candidates, key=lambda c: (c.urn, c.upn, c.kind, c.met_on)):
        pupil, school = pupils[candidate.upn], schools[candidate.urn]
        key = (pupil.pk, candidate.kind, candidate.met_on)
        year_key = (pupil.pk, candidate.kind, school_year_start(candidate.met_on))
        if key in withdrawn_before:
            _reopen(actor=actor, on=on, item=withdrawn_before.pop(key), candidate=candidate)
            reopened += 1
            continue
        if key in listed or (recurs_yearly(candidate.kind) and year_key in listed_this_year):
            already += 1
            continue
        item = WorklistItem.objects.create(
            school=school,
            pupil=pupil,
            kind=candidate.kind,
            met_on=candidate.met_on,
            detail=candidate.detail,
            found_on=on,
            created_at=now,
            provisional=candidate.provisional,
        )
        listed.add(key)
        listed_this_year.add(year_key)
        created[school.urn] += 1
        audit_record(
            actor=actor,
            verb=Verb.WORKLIST_ITEM_CREATE,
            target=item,
            summary=f"{kind_label(item.kind)} for {pupil.display_name} ({pupil.upn}) on "
            f"{item.met_on:%-d %B %Y}: {item.detail}",
            school_urn=school.urn,
            payload={"kind": item.kind, "met_on": str(item.met_on), "found_on": str(on)},
        )
    withdrawn = 0
    if thresholds_met is not None:
        withdrawn = _withdraw_or_confirm(
            actor=actor,
            on=on,
            since=since or school_year_start(on),
            still_met=set(thresholds_met),
            candidates=candidates,
        )
    return SweepResult(sum(created.values()), already, dict(created), withdrawn, reopened)


def _reopen(*, actor: Actor, on: dt.date, item: WorklistItem, candidate: Candidate) -> None:
    """A withdrawn item whose trigger holds again (the Ns are back, say) is work again: the
    same item, open, with what the sweep finds now; its withdrawal stays in the audit trail."""
    was = f"withdrawn on {item.withdrawn_on:%-d %B %Y}" if item.withdrawn_on else "withdrawn"
    item.status = WorklistItem.Status.OPEN
    item.withdrawn_on = None
    item.withdrawn_reason = ""
    item.detail = candidate.detail
    item.provisional = candidate.provisional
    item.found_on = on
    item.save(
        update_fields=[
            "status",
            "withdrawn_on",
            "withdrawn_reason",
            "detail",
            "provisional",
            "found_on",
        ]
    )
    audit_record(
        actor=actor,
        verb=Verb.WORKLIST_ITEM_REOPEN,
        target=item,
        summary=f"Reopened ({was}; the trigger holds again): {kind_label(item.kind)} for "
        f"{item.pupil.display_name} ({item.pupil.upn}) on {item.met_on:%-d %B %Y}: "
        f"{item.detail}",
        school_urn=item.school.urn,
        payload={"kind": item.kind, "met_on": str(item.met_on), "found_on": str(on)},
    )


def _withdraw_or_confirm(
    *,
    actor: Actor,
    on: dt.date,
    since: dt.date,
    still_met: set[tuple[str, str, dt.date]],
    candidates: Sequence[Candidate],
) -> int:
    definite = {(c.upn, c.kind, c.met_on) for c in candidates if not c.provisional}
    withdrawn = 0
    for item in open_threshold_items(since=since, until=on):
        key = (item.pupil.upn, item.kind, item.met_on)
        if key in still_met:
            if item.provisional and key in definite:
                item.provisional = False
                item.save(update_fields=["provisional"])
                audit_record(
                    actor=actor,
                    verb=Verb.WORKLIST_ITEM_CONFIRM,
                    target=item,
                    summary=f"No longer provisional: {kind_label(item.kind)} for "
                    f"{item.pupil.display_name} ({item.pupil.upn}) on {item.met_on:%-d %B %Y}",
                    school_urn=item.school.urn,
                    payload={"kind": item.kind, "met_on": str(item.met_on)},
                )
            continue
        item.status = WorklistItem.Status.WITHDRAWN
        item.withdrawn_on = on
        item.withdrawn_reason = WITHDRAWN_PROVISIONAL if item.provisional else WITHDRAWN_AMENDED
        item.save(update_fields=["status", "withdrawn_on", "withdrawn_reason"])
        withdrawn += 1
        audit_record(
            actor=actor,
            verb=Verb.WORKLIST_ITEM_WITHDRAW,
            target=item,
            summary=f"{kind_label(item.kind)} for {item.pupil.display_name} "
            f"({item.pupil.upn}) on {item.met_on:%-d %B %Y}. {item.withdrawn_reason}",
            school_urn=item.school.urn,
            payload={
                "kind": item.kind,
                "met_on": str(item.met_on),
                "reason": item.withdrawn_reason,
            },
        )
    return withdrawn


@transaction.atomic
def worklist_item_complete(*, actor: Actor, item: WorklistItem, note: str) -> WorklistItem:
    """Mark an item done, with a note of what was done about it."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": NOTE_REQUIRED})
    if len(note) > NOTE_LIMIT:
        raise ValidationError({"note": NOTE_TOO_LONG.format(limit=NOTE_LIMIT, length=len(note))})
    current = WorklistItem.objects.select_for_update().get(pk=item.pk)
    if current.status == WorklistItem.Status.DONE:
        when = timezone.localtime(current.done_at) if current.done_at else clock.now()
        raise ValidationError(ALREADY_DONE.format(when=when, who=current.done_by_label))
    current.status = WorklistItem.Status.DONE
    current.done_at = clock.now()
    current.done_by = actor
    current.done_by_label = actor_label(actor)
    current.note = note
    current.save(update_fields=["status", "done_at", "done_by", "done_by_label", "note"])
    audit_record(
        actor=actor,
        verb=Verb.WORKLIST_ITEM_COMPLETE,
        target=current,
        summary=f"Done: {kind_label(current.kind)} for {current.pupil.display_name} "
        f"({current.pupil.upn}). {note}",
        school_urn=current.school.urn,
        payload={"kind": current.kind, "met_on": str(current.met_on), "note": note},
    )
    return current
