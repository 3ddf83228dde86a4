"""The register pages: which registers are taken, and one group's register to take."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.forms import Form
from django.urls import reverse
from django.utils import timezone

from rollcall import statutory
from rollcall.organisations.calendar import SchoolCalendar
from rollcall.organisations.models import RegistrationGroup, School
from rollcall.organisations.selectors import school_calendar
from rollcall.pupils.models import Condition
from rollcall.registers.forms import (
    PickRegisterForm,
    RegisterForm,
    arrival_field,
    code_choices,
    code_field,
)
from rollcall.registers.models import LeaveDecision, Mark, TakenRegister
from rollcall.registers.presenters.common import (
    DASH,
    SESSION_NAMES,
    ErrorItem,
    Link,
    day_label,
    field_error,
    meaning,
    register_url,
    time_label,
)
from rollcall.registers.selectors import (
    OFFICE_ROLES,
    GroupRegisters,
    RegisterState,
    RosterRow,
    User,
    groups_for,
    present_code,
    register_states,
    schools_staffed_by,
)
from rollcall.registers.services import RegisterSaved
from rollcall.registers.services.register_taking import register_times

# ------------------------------------------------------------------------- the index


@dataclass(frozen=True)
class StateCell:
    text: str
    colour: str  # GOV.UK tag colour
    href: str
    link_text: str


def state_cell(state: RegisterState, url: str) -> StateCell:
    taken = state.taken
    if state.kind == "closed":
        return StateCell("Closed", "grey", "", "")
    if state.kind == "empty":
        return StateCell("No pupils", "grey", "", "")
    if taken is not None:
        when = f"{timezone.localtime(taken.taken_at):%H:%M}"
        return StateCell(f"Taken {when}", "green", url, "View or change")
    if state.kind == "marked":
        return StateCell("Marked", "green", url, "View or change")
    if state.kind == "partly":
        return StateCell(f"{state.marked} of {state.on_roll} marked", "yellow", url, "Finish")
    return StateCell("Not taken", "red", url, "Take register")


@dataclass(frozen=True)
class GroupLine:
    name: str
    year_group: str
    on_roll: int
    am: StateCell
    pm: StateCell
    missing: bool


@dataclass(frozen=True)
class SchoolRegisters:
    name: str
    urn: str
    closed_reason: str
    groups: list[GroupLine]
    missing_count: int
    # When the school did not meet on the day: the latest day it did, to offer instead.
    latest_school_day: Link | None = None


def school_registers(
    *,
    school: School,
    day: dt.date,
    groups: Sequence[GroupRegisters],
    only_missing: bool = False,
    calendar: SchoolCalendar | None = None,
) -> SchoolRegisters:
    lines = [
        GroupLine(
            name=g.group.name,
            year_group=g.group.year_group,
            on_roll=g.on_roll,
            am=state_cell(g.states["AM"], register_url(g.group, day, "AM")),
            pm=state_cell(g.states["PM"], register_url(g.group, day, "PM")),
            missing=g.missing,
        )
        for g in groups
        if g.missing or not only_missing
    ]
    closed = [g.states[s].closed_reason for g in groups[:1] for s in ("AM", "PM")]
    closed_reason = closed[0] if closed and all(closed) else ""
    latest = None
    if closed_reason and calendar is not None:
        latest_day = calendar.latest_school_day(day)
        if latest_day is not None:
            latest = Link(
                f"Registers for {day_label(latest_day)}, the latest school day",
                reverse("registers:index") + f"?date={latest_day.isoformat()}",
            )
    return SchoolRegisters(
        name=school.name,
        urn=school.urn,
        closed_reason=closed_reason,
        groups=lines,
        missing_count=sum(1 for g in groups for state in g.states.values() if state.missing),
        latest_school_day=latest,
    )


# ---------------------------------------------------------------------- the register


@dataclass(frozen=True)
class RegisterLine:
    pupil_name: str
    pupil_href: str
    notes: list[str]
    code_name: str
    arrival_name: str
    arrival: str
    error: str
    mark_href: str
    amended: bool
    chosen_text: str = ""  # the chosen code and its meaning, '' while unmarked


@dataclass(frozen=True)
class RegisterPage:
    title: str
    school_name: str
    group_name: str
    day_label: str
    session_name: str
    caption: str
    opens: str
    closes: str
    closed_reason: str
    taken_line: str
    locked_message: str
    lines: list[RegisterLine]
    form: RegisterForm  # what the teacher entered after a failed save, or what is saved
    needs_reason: bool
    errors: list[ErrorItem]
    present_code: str
    back_href: str
    other_session_href: str
    other_session_text: str
    counts: list[str] = field(default_factory=list)
    unmarked: int = 0  # pupils with no mark chosen yet
    notice: str = ""
    lock_note: str = ""  # locked, but open to this user with a reason
    latest: Link | None = None  # on a day with no register: the latest school day's

    @property
    def editable(self) -> bool:
        """Whether the user may change this register now: a closed one shows its marks only."""
        return not self.locked_message


def _arrival_text(school: School, session: str, mark: Mark | None) -> str:
    if mark is None or mark.minutes_late is None:
        return ""
    opens, _ = register_times(school, session)
    arrived = dt.datetime.combine(dt.date(2000, 1, 1), opens) + dt.timedelta(
        minutes=mark.minutes_late
    )
    return f"{arrived:%H:%M}"


def _notes(row: RosterRow) -> list[str]:
    notes = []
    if row.other_school is not None:
        notes.append(f"At {row.other_school.other_school} this session (dual registration)")
    elif row.dual_registered:
        notes.append("Dual registered")
    if row.part_time is not None:
        notes.append(f"Part-time timetable until {row.part_time.ends_on:%-d %B %Y}")
    if row.leave is not None:
        notes.append(leave_note(row.leave, row.leave_code))
    return notes


def leave_note(leave: LeaveDecision, code: str) -> str:
    """The hint beside a pupil on leave: the leave granted and the code for it."""
    until = f"{leave.last_day:%-d %B %Y}" if leave.last_day else ""
    use = f": {code} is proposed; change it if the pupil is here" if code else ""
    return f"Leave of absence granted to {until} ({SESSION_NAMES[leave.last_session]}){use}"


def register_page(
    *,
    school: School,
    group: RegistrationGroup,
    day: dt.date,
    session: str,
    rows: Sequence[RosterRow],
    codes: Sequence[statutory.AttendanceCode],
    taken: TakenRegister | None,
    closed_reason: str,
    locked_message: str,
    form: RegisterForm | None,
    problems: Mapping[str, list[str]],
    general_problems: Sequence[str],
    notice: str = "",
    lock_note: str = "",
    latest_day: dt.date | None = None,
    conditions: Mapping[int, Sequence[Condition]] | None = None,
) -> RegisterPage:
    """`problems` are the service's messages by UPN; `form` is the bound form after a failed
    save (so the page shows what the teacher entered), or None to show what is saved."""
    choices = code_choices(codes)
    if form is None:
        form = RegisterForm(
            rows=rows,
            codes=codes,
            initial={
                name: value
                for row in rows
                for name, value in (
                    (code_field(row), row.mark.code if row.mark else row.suggested_code),
                    (arrival_field(row), _arrival_text(school, session, row.mark)),
                )
            },
        )
    lines = []
    errors: list[ErrorItem] = [ErrorItem(text, "#register") for text in general_problems]
    for row in rows:
        name = row.pupil.display_name
        code_name, arrival_name = code_field(row), arrival_field(row)
        chosen = str(form[code_name].value() or "")
        arrival = str(form[arrival_name].value() or "")
        messages = [*(problems.get(row.pupil.upn, []))]
        messages += [field_error(form, code_name), field_error(form, arrival_name)]
        messages = [m for m in messages if m]
        errors.extend(
            ErrorItem(f"{name}: {m}" if name not in m else m, f"#{code_name}") for m in messages
        )
        lines.append(
            RegisterLine(
                pupil_name=name,
                pupil_href=reverse("casework:pupil", args=[school.urn, row.pupil.pk]),
                notes=_notes(row)
                + [
                    f"{condition.label} (from {condition.starts_on:%-d %B %Y})"
                    for condition in (conditions or {}).get(row.pupil.pk, [])
                ],
                code_name=code_name,
                arrival_name=arrival_name,
                chosen_text=next((text for value, text in choices if value == chosen), ""),
                arrival=arrival,
                error=" ".join(messages),
                mark_href=reverse("registers:mark", args=[row.mark.pk]) if row.mark else "",
                amended=bool(row.mark and getattr(row.mark, "amendment_count", 0)),
            )
        )
    if form.errors.get("reason"):
        errors.append(ErrorItem(field_error(form, "reason"), "#reason"))
    opens, closes = register_times(school, session)
    saved = [row.mark for row in rows if row.mark is not None]
    counts: dict[str, int] = {}
    for mark in saved:
        counts[mark.code] = counts.get(mark.code, 0) + 1
    taken_line = ""
    if taken is not None:
        taken_line = f"Taken by {taken.taken_by_label} on {time_label(taken.taken_at)}."
    elif saved:
        taken_line = f"{len(saved)} of {len(rows)} pupils already have a mark for this session."
    other = "PM" if session == "AM" else "AM"
    return RegisterPage(
        title=f"{group.name} {SESSION_NAMES[session]} register, {day:%-d %B %Y}",
        school_name=school.name,
        group_name=group.name,
        day_label=day_label(day),
        session_name=SESSION_NAMES[session],
        caption=f"{len(rows)} pupils on roll in {group.name}",
        opens=f"{opens:%H:%M}",
        closes=f"{closes:%H:%M}",
        closed_reason=closed_reason,
        taken_line=taken_line,
        locked_message=locked_message,
        lines=lines,
        form=form,
        needs_reason=bool(saved) or bool(lock_note and not locked_message),
        errors=errors,
        present_code=present_code(session),
        back_href=reverse("registers:index") + f"?date={day.isoformat()}",
        other_session_href=register_url(group, day, other),
        other_session_text=f"{SESSION_NAMES[other].capitalize()} register",
        counts=[
            f"{code} {DASH} {meaning(code, day)}: {count}"
            for code, count in sorted(counts.items(), key=lambda item: -item[1])
        ],
        unmarked=sum(1 for line in lines if not line.chosen_text),
        notice=notice,
        lock_note="" if locked_message else lock_note,
        latest=(
            Link(
                f"The {group.name} {SESSION_NAMES[session]} register for {day_label(latest_day)}",
                register_url(group, latest_day, session),
            )
            if closed_reason and latest_day is not None and latest_day != day
            else None
        ),
    )


def rest_present_notice(*, submitted: RegisterForm, filled: RegisterForm) -> str:
    """What "Mark the rest present" did: it fills in, it does not save."""
    count = sum(
        1
        for row in filled.rows
        if not submitted.data.get(code_field(row)) and filled.data.get(code_field(row))
    )
    if not count:
        return "Every pupil already had a mark chosen: nothing was filled in."
    pupils = "pupil" if count == 1 else "pupils"
    return (
        f"Marked the {count} {pupils} without a mark present. Nothing is saved yet: check the "
        "register, then save it."
    )


def saved_message(
    group: RegistrationGroup, day: dt.date, session: str, saved: RegisterSaved
) -> str:
    what = f"the {group.name} {SESSION_NAMES[session]} register for {day_label(day)}"
    if not (saved.created or saved.amended):
        return f"Nothing had changed in {what}; it was already saved."
    parts = [f"{saved.created} marks recorded"] if saved.created else []
    if saved.amended:
        parts.append(f"{saved.amended} changed (the originals are kept)")
    return f"Saved {what}: {', '.join(parts)}."


# ------------------------------------------------------------------ index and missing


@dataclass(frozen=True)
class IndexPage:
    day_label: str
    day_value: str
    day_form: Form
    schools: list[SchoolRegisters]
    pick_form: PickRegisterForm
    office_links: list[Link]


def _office_links(user: User, day: dt.date) -> list[Link]:
    if not schools_staffed_by(user=user, roles=OFFICE_ROLES).exists():
        return []
    query = f"?date={day.isoformat()}"
    return [
        Link("Registers not yet taken", reverse("registers:missing") + query),
        Link("Correct N codes", reverse("registers:n_codes")),
        Link("First-day follow-up", reverse("casework:follow_up") + query),
        Link("Leave of absence requests", reverse("registers:leave")),
    ]


def index_page(
    *,
    user: User,
    schools: Sequence[School],
    day: dt.date,
    now: dt.datetime,
    day_form: Form,
    pick_form: PickRegisterForm | None,
) -> IndexPage:
    if pick_form is None:
        # Before the afternoon register opens, the morning one is the one to take.
        late = day == now.date() and now.time() >= schools[0].pm_register_opens
        pick_form = PickRegisterForm(
            groups=groups_for(user=user), initial={"date": day, "session": "PM" if late else "AM"}
        )
    data = pick_form.data if pick_form.is_bound else {}
    return IndexPage(
        day_label=day_label(day),
        day_value=data.get("date", day.isoformat()),
        day_form=day_form,
        schools=[
            school_registers(
                school=school,
                day=day,
                groups=register_states(school=school, calendar=calendar, day=day),
                calendar=calendar,
            )
            for school, calendar in ((s, school_calendar(school=s)) for s in schools)
        ],
        pick_form=pick_form,
        office_links=_office_links(user, day),
    )


@dataclass(frozen=True)
class MissingPage:
    day_label: str
    day_value: str
    day_form: Form
    schools: list[SchoolRegisters]
    missing_count: int


def missing_page(*, schools: Sequence[School], day: dt.date, day_form: Form) -> MissingPage:
    found = [
        school_registers(
            school=school,
            day=day,
            groups=register_states(school=school, calendar=school_calendar(school=school), day=day),
            only_missing=True,
        )
        for school in schools
    ]
    return MissingPage(
        day_label=day_label(day),
        day_value=day.isoformat(),
        day_form=day_form,
        schools=found,
        missing_count=sum(s.missing_count for s in found),
    )
