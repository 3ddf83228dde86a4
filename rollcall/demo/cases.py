"""Cases for the demo: children at every stage of their school's pathway, opened from the
worklist the sweep filled, walked through the profile's stages by the demo's own officers
with made-up reasons, some tasks done, one case closed and one handed to the LA.

Everything goes through the casework services, so the demo's cases are valid by construction
and their chronology reads as a real one would.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from rollcall.analytics.models import WorklistItem
from rollcall.casework.models import Case, CaseTask
from rollcall.casework.selectors import case_figures
from rollcall.casework.services.cases import (
    case_close,
    case_move,
    case_note_add,
    case_open,
    case_task_done,
    owner_profile,
)
from rollcall.demo.casework_evidence import add_case_evidence, add_leave_requests
from rollcall.organisations.models import School
from rollcall.policies import load_profile
from rollcall.pupils.selectors import on_roll_on

# The schools whose demo staff run cases by hand, and the account that runs them.
RUN_BY = (("officer", "Hartwell High School"), ("head", "Castle Hill Academy"))
# Triggers a school acts on first: severe absence, then the threshold, then persistence.
PRIORITY = ("severe_absence", "national_threshold", "continuous_absence", "persistent_absence")

FORWARD = (
    "Attendance has kept falling since the last review: {pct}% this year.",
    "The family did not come to the meeting and has not replied to two letters.",
    "Support agreed at the meeting has not improved attendance; the pattern of Monday and "
    "Friday absence continues.",
    "Mother says the child is anxious about school; school nurse and SENCO consulted.",
)
NOTES = (
    ("Home visit: spoke to mother at the door", "fact"),
    ("Child seems withdrawn in class; possible anxiety", "opinion"),
    ("School nurse consulted about repeated illness absence", "fact"),
)


@dataclass(frozen=True)
class DemoCases:
    opened: int
    closed: int
    leave_requests: int = 0


def _week_before(day: dt.date, weeks: int) -> dt.date:
    moved = day - dt.timedelta(weeks=weeks)
    while moved.weekday() >= 5:
        moved -= dt.timedelta(days=1)
    return moved


def _candidates(school: School, on: dt.date) -> list[WorklistItem]:
    items = (
        WorklistItem.objects.filter(school=school, status=WorklistItem.Status.OPEN)
        .filter(pupil__enrolments__in=school.enrolments.filter(on_roll_on(on)))
        .select_related("pupil")
        .order_by("met_on", "id")
    )
    by_pupil: dict[int, WorklistItem] = {}
    for item in items:
        best = by_pupil.get(item.pupil_id)
        if best is None or _rank(item) < _rank(best):
            by_pupil[item.pupil_id] = item
    return sorted(by_pupil.values(), key=lambda item: (_rank(item), item.met_on, item.pk))


def _rank(item: WorklistItem) -> int:
    return PRIORITY.index(item.kind) if item.kind in PRIORITY else len(PRIORITY)


def _walk(
    *,
    actor: User,
    school: School,
    item: WorklistItem,
    stages: Sequence[str],
    first: str,
    target: int,
    today: dt.date,
    rng: random.Random,
) -> Case:
    """Open a case from `item` and move it, a fortnight at a time, to `stages[target]`."""
    start = stages.index(first) if first in stages else 0
    path = list(stages[start : target + 1]) if target >= start else [stages[target]]
    opened_on = _week_before(today, 2 * len(path) + 1)
    figures = case_figures(pupil=item.pupil, school=school, on=opened_on)
    case = case_open(
        actor=actor,
        pupil=item.pupil,
        school=school,
        owner=school,
        on=opened_on,
        rationale=(
            f"Attendance {figures['attendance_pct']}% this school year, "
            f"{figures['unauthorised']} unauthorised sessions; the absences fall on the same "
            "days most weeks."
        ),
        stage_key=path[0],
        lead=actor,
    )
    # The meetings, plans and panels behind the stages; a record a service refuses (a date
    # the school was shut) is left out with everything after it, never half-written.
    with contextlib.suppress(ValidationError), transaction.atomic():
        add_case_evidence(actor=actor, case=case, depth=target, today=today, rng=rng)
    day = opened_on
    for stage in path[1:]:
        day = day + dt.timedelta(weeks=2)
        for task in case.tasks.filter(status=CaseTask.Status.OPEN).order_by("id")[:1]:
            case_task_done(actor=actor, task=task, on=day, note="Done; see the letters file.")
        if rng.random() < 0.5:
            text, nature = rng.choice(NOTES)
            with contextlib.suppress(ValidationError):  # a note is never dated in the future
                case_note_add(actor=actor, case=case, on=day, summary=text, text="", nature=nature)
        pct = case_figures(pupil=case.pupil, school=school, on=day)["attendance_pct"]
        case = case_move(
            actor=actor,
            case=case,
            to_stage=stage,
            on=day,
            rationale=rng.choice(FORWARD).format(pct=pct if pct is not None else "—"),
        )
    return case


def load_demo_cases(*, today: dt.date, seed: int) -> DemoCases:
    """Cases at every stage at the demo schools whose staff have accounts, one closed."""
    rng = random.Random(seed)
    opened = closed = 0
    for username, school_name in RUN_BY:
        actor = User.objects.get(username=username)
        school = School.objects.get(name=school_name)
        profile = load_profile(owner_profile(school))
        stages = profile.stage_keys
        candidates = [
            item
            for item in _candidates(school, today)
            if not Case.objects.filter(pupil=item.pupil).exists()
        ]
        targets = [*range(len(stages)), 0]
        for index, (target, item) in enumerate(zip(targets, candidates, strict=False)):
            try:
                case = _walk(
                    actor=actor,
                    school=school,
                    item=item,
                    stages=stages,
                    first=profile.first_case_stage,
                    target=target,
                    today=today,
                    rng=rng,
                )
            except ValidationError:  # not yet on roll when the case would have opened
                continue
            opened += 1
            if index == len(stages):  # the extra case: improved and closed
                case_close(
                    actor=actor,
                    case=case,
                    outcome=Case.Outcome.IMPROVED,
                    on=today,
                    rationale="Attendance above 95 % for the last six weeks; family thanked.",
                )
                closed += 1
    head = User.objects.get(username="head")
    school = School.objects.get(name="Castle Hill Academy")
    pupils = [
        enrolment.pupil
        for enrolment in school.enrolments.filter(on_roll_on(today))
        .exclude(pupil__cases__isnull=False)
        .select_related("pupil")
        .order_by("pupil__legal_surname", "pupil__id")[:2]
    ]
    leave = add_leave_requests(head=head, school=school, pupils=pupils, today=today)
    return DemoCases(opened=opened, closed=closed, leave_requests=leave)
