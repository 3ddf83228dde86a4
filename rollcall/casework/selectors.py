"""Reads for the first-day follow-up of unexplained absence and for the pupil's chronology."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, F, Min, Prefetch, Q, QuerySet
from django.urls import reverse

from rollcall.accounts.models import Membership, Role
from rollcall.accounts.selectors import memberships_of
from rollcall.analytics.models import WorklistItem
from rollcall.casework.access import schools_granted_to
from rollcall.casework.models import (
    AgencyReferral,
    Case,
    CaseEvent,
    CaseTask,
    ChildWorkSummary,
    ChronologyEntry,
)
from rollcall.core import clock
from rollcall.engine.sessions import session_figures, severe_absence
from rollcall.organisations.models import LocalAuthority, School, Trust
from rollcall.organisations.selectors import school_calendar
from rollcall.policies import load_profile
from rollcall.pupils.models import CarerLink, Condition, Enrolment, Pupil
from rollcall.pupils.selectors import (
    WelfareFlags,
    conditions_in_force,
    on_roll_on,
    pupils_with_visible_welfare,
    welfare_flags,
)
from rollcall.registers.models import Mark
from rollcall.registers.selectors import OFFICE_ROLES, User, schools_staffed_by
from rollcall.statutory.years import school_year_start

# Severe absence: missing at least half of possible sessions (DFE-STATS).


def follow_up_schools(*, user: User) -> QuerySet[School]:
    """Schools whose first-day follow-up the user runs: where they are an attendance officer
    or headteacher."""
    return schools_staffed_by(user=user, roles=OFFICE_ROLES).order_by("name")


@dataclass(frozen=True)
class AbsenceSoFar:
    possible: int
    absent: int
    before: dt.date  # the day being chased: the measures in force then

    @property
    def percent(self) -> float:
        return 100 * self.absent / self.possible if self.possible else 0.0

    @property
    def severe(self) -> bool:
        return severe_absence(absent=self.absent, possible=self.possible, on=self.before)


def absence_so_far(
    *, school: School, pupil_ids: list[int], day: dt.date
) -> dict[int, AbsenceSoFar]:
    """Each pupil's possible and absent sessions at the school this academic year, before `day`
    (so the day being chased does not decide whether the pattern before it is severe)."""
    marks: dict[int, list[tuple[dt.date, str]]] = {pid: [] for pid in pupil_ids}
    rows = Mark.objects.filter(
        school=school, pupil_id__in=pupil_ids, date__gte=school_year_start(day), date__lt=day
    ).values_list("pupil_id", "date", "code")
    for pupil_id, date, code in rows:
        marks[pupil_id].append((date, code))
    counted = {pid: session_figures(pupil_marks) for pid, pupil_marks in marks.items()}
    return {pid: AbsenceSoFar(f.possible, f.absent, day) for pid, f in counted.items()}


@dataclass(frozen=True)
class FollowUpPupil:
    pupil: Pupil
    enrolment: Enrolment | None
    marks: dict[str, Mark]  # the day's marks by session
    carer_links: list[CarerLink]
    absence: AbsenceSoFar
    contacts: list[ChronologyEntry]  # following up the day's absence, oldest first
    welfare: WelfareFlags | None  # None once the pupil has left the school (pupils.selectors)
    # Conditions on recording the pupil's absence in force that day (medical evidence …).
    conditions: list[Condition] = field(default_factory=list)

    @property
    def chase_first(self) -> bool:
        """WTISA: pupils with a social worker, looked-after children, those on a child
        protection plan and the severely absent are followed up first."""
        welfare = self.welfare
        return (
            bool(
                welfare
                and (
                    welfare.has_social_worker
                    or welfare.looked_after
                    or welfare.child_protection_plan
                )
            )
            or self.absence.severe
        )


def follow_up_list(
    *, school: School, day: dt.date, today: dt.date | None = None
) -> list[FollowUpPupil]:
    """Pupils marked N at the school on the day, morning or afternoon (including those whose N
    has since been replaced, so the office sees what was resolved), those to chase first first.
    Welfare flags are today's, for pupils still on roll today (`today`, or else the day)."""
    day_marks = Mark.objects.filter(school=school, date=day)
    pupil_ids = sorted(
        set(day_marks.filter(Q(code="N") | Q(original_code="N")).values_list("pupil_id", flat=True))
    )
    if not pupil_ids:
        return []
    marks: dict[int, dict[str, Mark]] = {}
    for mark in day_marks.filter(pupil_id__in=pupil_ids):
        marks.setdefault(mark.pupil_id, {})[mark.session] = mark
    pupils = Pupil.objects.filter(pk__in=pupil_ids).prefetch_related(
        Prefetch(
            "carer_links",
            queryset=CarerLink.objects.select_related("carer").order_by("contact_priority", "id"),
        )
    )
    enrolments = {
        e.pupil_id: e
        for e in Enrolment.objects.filter(
            on_roll_on(day), school=school, pupil_id__in=pupil_ids
        ).select_related("registration_group")
    }
    contacts: dict[int, list[ChronologyEntry]] = {}
    for entry in contacts_on(school=school, pupil_ids=pupil_ids, day=day):
        contacts.setdefault(entry.pupil_id, []).append(entry)
    absence = absence_so_far(school=school, pupil_ids=pupil_ids, day=day)
    welfare_shown = pupils_with_visible_welfare(
        schools=[school], pupil_ids=pupil_ids, on=today or day
    )
    conditions = conditions_in_force(school=school, pupil_ids=pupil_ids, on=day)
    rows = [
        FollowUpPupil(
            pupil=pupil,
            enrolment=enrolments.get(pupil.pk),
            marks=marks.get(pupil.pk, {}),
            carer_links=list(pupil.carer_links.all()),
            absence=absence[pupil.pk],
            contacts=contacts.get(pupil.pk, []),
            welfare=welfare_flags(pupil) if pupil.pk in welfare_shown else None,
            conditions=conditions.get(pupil.pk, []),
        )
        for pupil in pupils
    ]
    rows.sort(
        key=lambda row: (not row.chase_first, row.pupil.legal_surname, row.pupil.legal_forename)
    )
    return rows


def contacts_on(*, school: School, pupil_ids: list[int], day: dt.date) -> list[ChronologyEntry]:
    """Contacts that follow up the day's absences, whenever they were made (entries written
    before contacts named their absence followed up the day they were made on)."""
    return list(
        ChronologyEntry.objects.filter(
            Q(absence_date=day) | Q(absence_date__isnull=True, occurred_at__date=day),
            school=school,
            pupil_id__in=pupil_ids,
        ).order_by("occurred_at", "id")
    )


def chronology_for(*, pupil: Pupil, school: School) -> list[ChronologyEntry]:
    """The pupil's chronology at the school, newest first."""
    return list(
        ChronologyEntry.objects.filter(pupil=pupil, school=school).order_by("-occurred_at", "-id")
    )


def follow_up_pupil(*, school: School, pupil_id: int) -> Pupil | None:
    """A pupil the office at `school` may record a contact for: one who has been on roll there."""
    return (
        Pupil.objects.filter(pk=pupil_id, enrolments__school=school)
        .prefetch_related("carer_links__carer")
        .distinct()
        .first()
    )


# ------------------------------------------------------------------------------ cases


def case_organisation_key(organisation: School | Trust | LocalAuthority) -> str:
    """ "school:12", "trust:3" or "local_authority:1": who runs or wrote something."""
    if isinstance(organisation, School):
        return f"school:{organisation.pk}"
    if isinstance(organisation, Trust):
        return f"trust:{organisation.pk}"
    return f"local_authority:{organisation.pk}"


def case_figures(*, pupil: Pupil, school: School, on: dt.date) -> dict[str, object]:
    """The child's figures at the school this school year up to `on`, as a case records them
    at each step: attendance %, possible and unauthorised sessions, and the national
    threshold if met this year (from the sweep's worklist, so the two never disagree)."""
    first = school_year_start(on)
    marks = Mark.objects.filter(
        school=school, pupil=pupil, date__gte=first, date__lte=on
    ).values_list("date", "code")
    figures = session_figures(marks)
    threshold = (
        WorklistItem.objects.filter(
            pupil=pupil, kind="national_threshold", met_on__gte=first, met_on__lte=on
        )
        .exclude(status=WorklistItem.Status.WITHDRAWN)
        .order_by("-met_on")
        .first()
    )
    return {
        "as_of": on.isoformat(),
        "from": first.isoformat(),
        "possible": figures.possible,
        "attendance_pct": figures.attendance_percent,
        "unauthorised": figures.unauthorised_absence,
        "authorised": figures.authorised_absence,
        "persistent": figures.persistent,
        "severe": figures.severe,
        "threshold_met_on": threshold.met_on.isoformat() if threshold else None,
        "threshold_provisional": bool(threshold and threshold.provisional),
    }


CASE_READERS = frozenset({Role.ATTENDANCE_OFFICER, Role.HEADTEACHER})
CASE_LA_ROLES = frozenset({Role.LA_OFFICER, Role.LA_BUSINESS_SUPPORT})


def cases_visible_to(*, user: User, on: dt.date | None = None) -> QuerySet[Case]:
    """Cases the user may read: a school's office sees its pupils' cases (including those the
    LA took over); a trust lead the trust's academies'; an LA officer every case at a school in
    the LA's area; someone the school granted access in force `on` (today when not given) the
    school's cases. Teachers and analysts see none otherwise."""
    condition = Q(school_id__in=schools_granted_to(user=user, on=on or clock.today()))
    for membership in memberships_of(user=user):
        if membership.school_id and membership.role in CASE_READERS:
            condition |= Q(school_id=membership.school_id)
        elif membership.trust_id and membership.role == Role.TRUST_LEAD:
            condition |= Q(school__trust_id=membership.trust_id) | Q(
                owner_trust_id=membership.trust_id
            )
        elif membership.local_authority_id and membership.role in CASE_LA_ROLES:
            condition |= Q(school__local_authority_id=membership.local_authority_id)
    return Case.objects.filter(condition).select_related(
        "pupil", "school", "owner_school", "owner_trust", "owner_local_authority"
    )


def case_schools_of(*, user: User, on: dt.date | None = None) -> set[int] | None:
    """The schools (ids) whose every case `cases_visible_to` gives the user, when those are
    all the cases it gives them; None when it gives them cases some other way (a trust lead
    reads the cases the trust runs, wherever they are)."""
    schools = set(schools_granted_to(user=user, on=on or clock.today()))
    authorities = []
    for membership in memberships_of(user=user):
        if membership.school_id and membership.role in CASE_READERS:
            schools.add(membership.school_id)
        elif membership.trust_id and membership.role == Role.TRUST_LEAD:
            return None
        elif membership.local_authority_id and membership.role in CASE_LA_ROLES:
            authorities.append(membership.local_authority_id)
    if authorities:
        schools.update(
            School.objects.filter(local_authority_id__in=authorities).values_list("pk", flat=True)
        )
    return schools


def case_for(*, user: User, case_id: int, on: dt.date | None = None) -> Case | None:
    return cases_visible_to(user=user, on=on).filter(pk=case_id).first()


def acting_for(
    *, user: User, case: Case, on: dt.date | None = None
) -> School | Trust | LocalAuthority | None:
    """The organisation the user writes to the case for, or None if they may only read it.

    The organisation running the case writes it; someone the owning school granted access in
    force `on` (today when not given) writes it for the school; the school that referred it goes
    on writing where the profile says schools stay involved; an LA officer may write any case
    at a school in the LA's area (the LA's oversight: it can take a case over)."""
    if case.owner_school_id and case.owner_school_id in schools_granted_to(
        user=user, on=on or clock.today()
    ):
        return case.owner_school
    for membership in memberships_of(user=user):
        school_office = bool(membership.school_id) and membership.role in CASE_READERS
        if school_office and membership.school_id == case.owner_school_id:
            return membership.school
        if (
            school_office
            and membership.school_id == case.referred_by_school_id
            and _school_keeps_working(case)
        ):
            return membership.school
        if membership.role == Role.TRUST_LEAD and membership.trust_id == case.owner_trust_id:
            return membership.trust
        if (
            membership.role == Role.LA_OFFICER
            and membership.local_authority_id == case.school.local_authority_id
        ):
            return membership.local_authority
    return None


def _school_keeps_working(case: Case) -> bool:
    transfer = load_profile(case.profile_key).casework.transfer
    return transfer is not None and transfer.school_keeps_working


def active_case(*, pupil: Pupil, owner_key: str) -> Case | None:
    return (
        Case.objects.filter(pupil=pupil, owner_key=owner_key)
        .exclude(status=Case.Status.CLOSED)
        .first()
    )


def case_events(*, case: Case) -> list[CaseEvent]:
    return list(case.events.order_by("recorded_at", "id"))


def case_tasks(*, case: Case) -> list[CaseTask]:
    return list(case.tasks.order_by("status", F("due_on").asc(nulls_last=True), "id"))


@dataclass(frozen=True)
class CaseWeek:
    monday: dt.date
    possible: int
    attended: int

    @property
    def attendance_pct(self) -> float | None:
        return 100.0 * self.attended / self.possible if self.possible else None


def case_weeks(*, case: Case, first: dt.date, last: dt.date) -> list[CaseWeek]:
    """The child's attendance at the case's school for each week the school met, from the
    week of `first` to the week of `last` (counted by the engine's categories)."""
    calendar = school_calendar(school=case.school)
    first_monday = first - dt.timedelta(days=first.weekday())
    by_week: dict[dt.date, list[tuple[dt.date, str]]] = {}
    for day in calendar.school_days_between(first_monday, last):
        by_week.setdefault(day - dt.timedelta(days=day.weekday()), [])
    rows = Mark.objects.filter(
        school=case.school, pupil=case.pupil, date__gte=first_monday, date__lte=last
    ).values_list("date", "code")
    for day, code in rows:
        by_week.setdefault(day - dt.timedelta(days=day.weekday()), []).append((day, code))
    weeks = []
    for monday in sorted(by_week):
        figures = session_figures(by_week[monday])
        weeks.append(
            CaseWeek(
                monday,
                figures.possible,
                figures.present + figures.approved_educational_activity,
            )
        )
    return weeks


def case_contacts(*, case: Case) -> list[ChronologyEntry]:
    """The school's contacts with the family since the school year the case opened in."""
    return list(
        ChronologyEntry.objects.filter(
            pupil=case.pupil,
            school=case.school,
            occurred_at__date__gte=school_year_start(case.opened_on),
        ).order_by("occurred_at", "id")
    )


def opening_organisation(*, user: User, school: School) -> School | Trust | LocalAuthority | None:
    """The organisation a user opens a case for, for a child at `school`: the school's own
    office, the trust of an academy, or the school's LA; None if they may not."""
    return opening_organisations(user=user, schools=[school])[school.pk]


def opening_organisations(
    *, user: User, schools: Iterable[School]
) -> dict[int, School | Trust | LocalAuthority | None]:
    """`opening_organisation` for each of the schools (by id), reading the user's memberships
    once."""
    memberships = list(memberships_of(user=user))
    return {school.pk: _opening(memberships, school) for school in schools}


def _opening(
    memberships: list[Membership], school: School
) -> School | Trust | LocalAuthority | None:
    for membership in memberships:
        if membership.school_id == school.pk and membership.role in CASE_READERS:
            return membership.school
    for membership in memberships:
        if membership.role == Role.TRUST_LEAD and membership.trust_id == school.trust_id:
            return membership.trust
        if (
            membership.role == Role.LA_OFFICER
            and membership.local_authority_id == school.local_authority_id
        ):
            return membership.local_authority
    return None


def case_pupil(*, school: School, pupil_id: int, on: dt.date) -> Pupil | None:
    """A child on roll at the school on the day, for opening a case."""
    return Pupil.objects.filter(
        pk=pupil_id, enrolments__in=Enrolment.objects.filter(on_roll_on(on), school=school)
    ).first()


@dataclass(frozen=True)
class CaseRow:
    case: Case
    next_due: dt.date | None
    open_tasks: int
    overdue: int


def case_rows(
    *,
    user: User,
    today: dt.date,
    status: str = "active",
    stage: str = "",
    urn: str = "",
    overdue_only: bool = False,
    profile: str = "",
    flag: str = "",
    sort: str = "due",
) -> list[CaseRow]:
    """The cases the user may read, with their next due task and overdue count.

    `flag`: severe (an open severe-absence trigger), looked_after, child_in_need or
    child_protection_plan. `sort`: due (overdue first, then the next task due), opened,
    child or school."""
    return case_rows_of(
        case_rows_query(
            user=user,
            today=today,
            status=status,
            stage=stage,
            urn=urn,
            overdue_only=overdue_only,
            profile=profile,
            flag=flag,
            sort=sort,
        )
    )


def case_rows_of(cases: Iterable[Case]) -> list[CaseRow]:
    """Cases from `case_rows_query` as rows."""
    return [
        CaseRow(case, case.next_due, case.open_tasks, case.overdue)  # type: ignore[attr-defined]
        for case in cases
    ]


def case_rows_query(
    *,
    user: User,
    today: dt.date,
    status: str = "active",
    stage: str = "",
    urn: str = "",
    overdue_only: bool = False,
    profile: str = "",
    flag: str = "",
    sort: str = "due",
) -> QuerySet[Case]:
    """`case_rows` as a query, in order, each case annotated with `next_due`, `open_tasks` and
    `overdue`: the database pages through it (ties are broken by the case's id)."""
    cases = case_rows_filtered(
        user=user,
        today=today,
        status=status,
        stage=stage,
        urn=urn,
        overdue_only=overdue_only,
        profile=profile,
        flag=flag,
    )
    open_tasks = Q(tasks__status=CaseTask.Status.OPEN)
    cases = cases.annotate(
        next_due=Min("tasks__due_on", filter=open_tasks),
        open_tasks=Count("tasks", filter=open_tasks),
        overdue=Count("tasks", filter=open_tasks & Q(tasks__due_on__lt=today)),
    )
    return cases.order_by(*CASE_ORDER.get(sort, CASE_ORDER["due"]), "id")


def case_rows_filtered(
    *,
    user: User,
    today: dt.date,
    status: str = "active",
    stage: str = "",
    urn: str = "",
    overdue_only: bool = False,
    profile: str = "",
    flag: str = "",
) -> QuerySet[Case]:
    """The cases `case_rows` finds, unordered and without their task figures (to count)."""
    cases = cases_visible_to(user=user)
    if status == "active":
        cases = cases.exclude(status=Case.Status.CLOSED)
    elif status in Case.Status.values:
        cases = cases.filter(status=status)
    if stage:
        cases = cases.filter(stage_key=stage)
    if urn:
        cases = cases.filter(school__urn=urn)
    if profile:
        cases = cases.filter(profile_key=profile)
    if flag in CASE_FLAGS:
        cases = cases.filter(CASE_FLAGS[flag])
    if overdue_only:  # an open task past its date
        cases = cases.filter(
            pk__in=CaseTask.objects.filter(status=CaseTask.Status.OPEN, due_on__lt=today).values(
                "case_id"
            )
        )
    return cases.order_by()


@dataclass(frozen=True)
class CaseListSummary:
    active: int
    overdue: int  # active cases with an open task past its date
    closed: int
    stages: list[tuple[str, str]]  # (profile, stage) pairs the cases are at
    schools: list[tuple[str, str]]  # (URN, name) of the cases' schools
    profiles: list[str]
    # Cases by (profile, stage, school URN, status).
    counted: dict[tuple[str, str, str, str], int] = field(default_factory=dict)

    def total(self, *, status: str, stage: str, urn: str, profile: str) -> int:
        """How many cases `case_rows_filtered` finds with these filters (and no others)."""
        return sum(
            count
            for (profile_key, stage_key, school_urn, case_status), count in self.counted.items()
            if (case_status != Case.Status.CLOSED if status == "active" else True)
            and (case_status == status if status in Case.Status.values else True)
            and (not stage or stage_key == stage)
            and (not urn or school_urn == urn)
            and (not profile or profile_key == profile)
        )


def case_list_summary(*, user: User, today: dt.date) -> CaseListSummary:
    """What the case list's filters and counts need, over every case the user may read,
    counted by the database in one grouped query."""
    cases = cases_visible_to(user=user).order_by()
    # An open task past its date: the case's earliest open task is (CaseNextDue).
    groups = list(
        cases.values_list("profile_key", "stage_key", "school__urn", "school__name", "status")
        .annotate(count=Count("id"), overdue=Count("id", filter=Q(due_summary__next_due__lt=today)))
        .order_by()
    )
    return CaseListSummary(
        active=sum(row[5] for row in groups if row[4] != Case.Status.CLOSED),
        overdue=sum(row[6] for row in groups if row[4] != Case.Status.CLOSED),
        closed=sum(row[5] for row in groups if row[4] == Case.Status.CLOSED),
        stages=sorted({(row[0], row[1]) for row in groups}),
        schools=sorted({(row[2], row[3]) for row in groups}),
        profiles=sorted({row[0] for row in groups}),
        counted={(row[0], row[1], row[2], row[4]): row[5] for row in groups},
    )


CASE_FLAGS = {
    # An open severe-absence trigger at any school (the summary of each child's open work).
    "severe": Q(pupil_id__in=ChildWorkSummary.objects.filter(severe=True).values("pupil_id")),
    "looked_after": Q(pupil__looked_after=True),
    "child_in_need": Q(pupil__child_in_need=True),
    "child_protection_plan": Q(pupil__child_protection_plan=True),
}
CASE_ORDER = {
    "due": ("-overdue", F("next_due").asc(nulls_last=True), "opened_at"),
    "opened": ("-opened_at",),
    "child": ("pupil__legal_surname", "pupil__legal_forename", "id"),
    "school": ("school__name", "pupil__legal_surname", "id"),
}


def case_task_for(*, case: Case, task_id: int) -> CaseTask | None:
    return case.tasks.filter(pk=task_id).first()


@dataclass(frozen=True)
class CaseLink:
    text: str
    href: str


def case_links(
    *, user: User, pupil: Pupil, school: School, item_id: int | None = None
) -> list[CaseLink]:
    """For a page about a child at a school: the child's active cases the user may read, and
    a link to open one where the user may open one and runs none for the child yet (from the
    worklist item `item_id`, whose trigger then says the stage and the reason)."""
    links = [
        CaseLink(
            f"See the case run by {case.owner.name} ({_stage_name(case)})",
            reverse("cases:detail", args=[case.pk]),
        )
        for case in cases_visible_to(user=user)
        .filter(pupil=pupil)
        .exclude(status=Case.Status.CLOSED)
    ]
    owner = opening_organisation(user=user, school=school)
    if (
        owner is not None
        and active_case(pupil=pupil, owner_key=case_organisation_key(owner)) is None
    ):
        links.append(
            CaseLink(
                "Open a case",
                reverse("cases:new")
                + "?"
                + urlencode(
                    {"school": school.urn, "pupil": pupil.pk}
                    | ({"item": item_id} if item_id else {})
                ),
            )
        )
    return links


def _stage_name(case: Case) -> str:
    return load_profile(case.profile_key).stage(case.stage_key).name


@dataclass(frozen=True)
class TasksDue:
    due: int  # open tasks due today or earlier, on active cases the user may write
    overdue: int


def case_tasks_due(*, user: User, today: dt.date) -> TasksDue:
    """Open tasks due by today on the active cases the user may read and their organisation
    runs (for the home page)."""
    keys = []
    for membership in memberships_of(user=user):
        if membership.school_id and membership.role in CASE_READERS:
            keys.append(f"school:{membership.school_id}")
        elif membership.trust_id and membership.role == Role.TRUST_LEAD:
            keys.append(f"trust:{membership.trust_id}")
        elif membership.local_authority_id and membership.role == Role.LA_OFFICER:
            keys.append(f"local_authority:{membership.local_authority_id}")
    tasks = CaseTask.objects.filter(
        case__in=cases_visible_to(user=user)
        .filter(owner_key__in=keys)
        .exclude(status=Case.Status.CLOSED),
        status=CaseTask.Status.OPEN,
        due_on__lte=today,
    )
    counts = tasks.aggregate(due=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
    return TasksDue(counts["due"], counts["overdue"])


def case_referral_for(*, case: Case, referral_id: int) -> AgencyReferral | None:
    return case.referrals.filter(pk=referral_id).first()


def case_referrals(*, case: Case) -> list[AgencyReferral]:
    return list(case.referrals.prefetch_related("responses").order_by("made_on", "id"))
