"""What the demo's cases hold beyond their stages: a meeting with the family and the support
agreed, a support plan and its review, an attendance contract where a parent came, a
return-to-school conversation, a panel where the profile holds one; and leave requests the
headteacher decided. Made-up words, through the same services an officer uses, so each record
is valid by construction and reads as a real one would."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from rollcall.casework.meeting_selectors import case_parents
from rollcall.casework.models import Case
from rollcall.casework.services.contracts import (
    attendance_contract_agree,
    support_plan_set,
    target_review,
)
from rollcall.casework.services.conversations import return_conversation_record
from rollcall.casework.services.meetings import SupportItem, meeting_arrange, meeting_record
from rollcall.casework.services.panels import case_panels, panel_refer
from rollcall.letters.catalogue import latest_wording
from rollcall.letters.services.drafts import letter_draft_create, letters_issue
from rollcall.letters.services.sending import letter_post_record
from rollcall.organisations.models import School
from rollcall.organisations.selectors import school_calendar
from rollcall.policies import load_profile
from rollcall.policies.periods import Period
from rollcall.pupils.models import Pupil
from rollcall.registers.models import LeaveDecision, LeaveResponse, Mark
from rollcall.registers.services.leave import (
    leave_decide,
    leave_request_record,
    leave_response_record,
)

# The first letter of concern each profile sends, by its key in the profile's `letters`.
FIRST_LETTERS = ("attendance_concern", "attendance_concern_1")
ABSENT = ("I", "O", "N", "G", "U", "M")
VOICES = (
    "I get a stomach ache on Sunday nights thinking about maths.",
    "Nobody sits with me at lunch since my friend moved.",
    "I have to take my little brother to nursery when mum is on early shifts.",
    "The bus is always full and the driver won't stop.",
)
BARRIERS = (["mental_health"], ["bullying"], ["caring", "family"], ["transport"])
SUPPORT = (
    ("A daily check-in with the pastoral lead at 8.40", "Pastoral lead"),
    ("A lunchtime club place, three days a week", "Head of year"),
    ("Referral to the young carers' service", "Designated safeguarding lead"),
    ("Ask the transport team about a bus pass", "Attendance officer"),
)


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _last_absence(case: Case, before: dt.date) -> dt.date | None:
    mark = (
        Mark.objects.filter(pupil=case.pupil, school=case.school, code__in=ABSENT, date__lt=before)
        .order_by("-date")
        .first()
    )
    return mark.date if mark is not None else None


def add_case_evidence(
    *, actor: User, case: Case, depth: int, today: dt.date, rng: random.Random
) -> None:
    """A meeting a week after the case opened and what followed it; deeper cases (further along
    their pathway) get more: a contract, a review, a panel."""
    parents = case_parents(case=case)
    opened_on = case.opened_on
    if not parents:
        return
    with contextlib.suppress(ValidationError), transaction.atomic():
        _first_letter(actor=actor, case=case)
    pick = rng.randrange(len(VOICES))
    meeting_day = _weekday(opened_on + dt.timedelta(days=7))
    if meeting_day >= today:
        return
    came = [parents[0].carer_id] if rng.random() < 0.75 else []
    meeting = meeting_arrange(
        actor=actor,
        case=case,
        kind="attendance",
        on=meeting_day,
        at=dt.time(rng.choice((8, 9, 15)), 30),
        venue=case.school.name,
        invited_on=opened_on,
        parent_ids=[link.carer_id for link in parents],
        alternatives_offered="A home visit, or a phone call after 5pm",
    )
    what, owner = SUPPORT[pick]
    meeting_record(
        actor=actor,
        meeting=meeting,
        held_on=meeting_day,
        minutes="Attendance this year and its pattern shared with the family; barriers "
        "discussed; support agreed below.",
        parent_ids_present=came,
        parents_absent_note=""
        if came
        else "No reply to the letter or two calls; a home visit offered for next week.",
        pupil_present=True,
        child_voice=VOICES[pick],
        barriers=BARRIERS[pick],
        support=[SupportItem(what, owner, min(meeting_day + dt.timedelta(days=14), today))],
    )
    plan = support_plan_set(
        actor=actor,
        case=case,
        meeting=meeting,
        starts_on=meeting_day,
        target_pct=Decimal(95),
        support_offered=what,
        family_actions="Bring the child in on time; call the office on the first day of any "
        "absence.",
        review_on=meeting_day + dt.timedelta(weeks=4),
    )
    review_day = _weekday(meeting_day + dt.timedelta(weeks=4))
    if review_day < today:
        target_review(
            actor=actor,
            plan=plan,
            reviewed_on=review_day,
            outcome="continue" if depth < 2 else "escalate",
            note="Reviewed with the pastoral lead against the plan's target.",
        )
    absence = _last_absence(case, today)
    if absence is not None and absence >= opened_on:
        back = _weekday(absence + dt.timedelta(days=1))
        if back <= today:
            return_conversation_record(
                actor=actor,
                case=case,
                held_on=back,
                absence_from=absence,
                absence_to=absence,
                held_with="pupil_and_parent" if came else "pupil",
                held_by="Pastoral lead",
                what_was_said=VOICES[(pick + 1) % len(VOICES)],
                next_steps="Keep the daily check-in; tell the form tutor.",
            )
    if depth >= 2 and came:
        attendance_contract_agree(
            actor=actor,
            case=case,
            meeting=meeting,
            starts_on=meeting_day,
            target_pct=Decimal(95),
            school_support=what,
            la_support="The attendance officer calls the family every fortnight.",
            parent_actions="Bring the child to school by 8.45 every day; call the office by "
            "9am on the first day of any absence.",
            pupil_actions="Go to the daily check-in.",
            period=Period.model_validate("12 weeks"),
        )
    _panel(actor=actor, case=case, depth=depth, today=today, rng=rng)


def _first_letter(*, actor: User, case: Case) -> None:
    """The profile's first letter of concern, to each parent, posted the day the case opened,
    with the figures of the four weeks before."""
    profile = load_profile(case.profile_key)
    key = next(
        (k for k in FIRST_LETTERS if profile.letters.get(k) is not None and latest_wording(k)),
        None,
    )
    if key is None:
        return
    opened_on = case.opened_on
    draft = letter_draft_create(
        actor=actor,
        case=case,
        letter_key=key,
        acting_for=case.school,
        on=opened_on,
        period_from=opened_on - dt.timedelta(weeks=4),
        period_to=opened_on - dt.timedelta(days=1),
    )
    for letter in letters_issue(actor=actor, draft=draft, on=opened_on):
        letter_post_record(
            actor=actor, letter=letter, posted_on=opened_on, posted_by="The school office"
        )


def _panel(*, actor: User, case: Case, depth: int, today: dt.date, rng: random.Random) -> None:
    panels = case_panels(case)
    if not panels:
        return
    key, panel = next(iter(panels.items()))
    if depth < load_profile(case.profile_key).stage_keys.index(panel.stage):
        return
    referred_on = _weekday(case.opened_on + dt.timedelta(weeks=3))
    panel_day = _weekday(referred_on + dt.timedelta(weeks=2))
    if panel_day >= today:
        return
    referral = panel_refer(
        actor=actor,
        case=case,
        panel_key=key,
        categories=list(panel.referral_criteria)[:1],
        reason="The support plan's target was not met and the family has not engaged with "
        "the support offered.",
        referred_on=referred_on,
    )
    parents = case_parents(case=case)
    pupil = case.pupil
    meeting = meeting_arrange(
        actor=actor,
        case=case,
        kind="panel",
        on=panel_day,
        at=dt.time(14, 0),
        venue=case.school.name,
        invited_on=referred_on,
        parent_ids=[link.carer_id for link in parents],
        alternatives_offered="Another afternoon that week, or by video call",
        panel_referral=referral,
        social_worker_invited=bool(pupil.looked_after and pupil.social_worker_name),
    )
    came = [parents[0].carer_id] if rng.random() < 0.5 else []
    outcomes = [o for o in panel.outcomes if came or o != "attendance_contract"][:1]
    meeting_record(
        actor=actor,
        meeting=meeting,
        held_on=panel_day,
        minutes="The school presented its summary and the attendance certificate; the family's "
        "view was heard.",
        parent_ids_present=came,
        parents_absent_note="" if came else "Neither parent came; the panel went ahead.",
        members_present="Chair\nHead of year\nAttendance governor",
        panel_outcomes=outcomes,
        decision="Targets for the next six weeks; the family told that legal action may "
        "follow if attendance does not improve.",
    )


LEAVE = (
    ("granted", "A grandparent's funeral abroad; the family leaves on the morning of the day"),
    ("refused", "A family holiday booked before the new term's dates were published"),
)


def add_leave_requests(
    *, head: User, school: School, pupils: Sequence[Pupil], today: dt.date
) -> int:
    """Two requests decided by the headteacher, each parent told: leave is granted only in
    exceptional circumstances."""
    made = 0
    calendar = school_calendar(school=school)
    for (outcome, reason), pupil in zip(LEAVE, pupils, strict=False):
        links = list(pupil.carer_links.select_related("carer").order_by("contact_priority"))
        if not links:
            continue
        first = today + dt.timedelta(weeks=2 + made)
        while calendar.reaches(first) and not (
            calendar.is_school_day(first) and calendar.is_school_day(first + dt.timedelta(days=1))
        ):
            first += dt.timedelta(days=1)
        last = first + dt.timedelta(days=1)
        try:
            request = leave_request_record(
                actor=head,
                school=school,
                pupil=pupil,
                carer=links[0].carer,
                first_day=first,
                first_session="AM",
                last_day=last,
                last_session="PM",
                reason=reason,
                received_on=today,
                today=today,
            )
            leave_decide(
                actor=head,
                request=request,
                outcome=outcome,
                rationale="Exceptional: a close family bereavement"
                if outcome == LeaveDecision.Outcome.GRANTED
                else "Not exceptional: a holiday can be taken in the school holidays",
                decided_on=today,
                today=today,
            )
            for link in links:
                leave_response_record(
                    actor=head,
                    request=request,
                    carer=link.carer,
                    channel=LeaveResponse.Channel.HAND,
                    told_on=today,
                    warned_of_penalty=outcome == "refused",
                    today=today,
                )
        except ValidationError:
            continue
        made += 1
    return made
