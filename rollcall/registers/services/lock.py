"""Who may write a school's register, and until when: the one rule every road that writes marks
follows (the register page, the N-code correction, an API push, a marks file, a CTF and the
command line).

A school's staff take and correct its registers (School Attendance (Pupil Registration)
(England) Regulations 2024, reg 10: the school keeps the register; reg 6: an amendment keeps the
original entry, who made it, when and why). A register stays open to them for
`school.register_lock_days` school days after its date; then it locks:

- amending a locked register, or taking one that was never taken, is a headteacher's (the
  senior attendance champion's) job, with a reason;
- a school's MIS integration account writes what the school's MIS recorded while the register
  is open, and nothing once it has locked: a late change goes through a person;
- trust and local authority roles read registers and never write them;
- an administrator may write a locked register only by an explicit override with a reason
  (`rollcall import-marks --override-lock`), which the audit records;
- rollcall itself (actor None: the demo's generator) is not held to the lock.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from rollcall.accounts.models import SCHOOL_ROLES, Role
from rollcall.core.types import Actor
from rollcall.organisations.calendar import SchoolCalendar
from rollcall.organisations.models import School
from rollcall.registers.selectors import register_open_until

# Roles that write a school's registers: its staff and its MIS integration account.
REGISTER_WRITERS = frozenset({*SCHOOL_ROLES, Role.MIS_INTEGRATION})
SENIOR = Role.HEADTEACHER


class Write(StrEnum):
    TAKE = "take"  # marks for sessions that have none yet
    AMEND = "amend"  # a different code for a session already marked


NOT_A_WRITER = (
    "{user} has no role at {school} that writes its registers: only the school's staff and its "
    "MIS integration record marks (trust and local authority roles read registers)"
)
LOCKED = (
    "The register for {day:%A %-d %B %Y} locked after {open_until:%A %-d %B %Y} "
    "({days} school days)"
)
LOCKED_AMEND = LOCKED + "; only a headteacher can amend it now"
LOCKED_TAKE = LOCKED + " and was never taken; only a headteacher can take it now, with a reason"
LOCKED_REASON = LOCKED + "; give a reason for {what} it now (it is kept with the record)"
LOCKED_ADMIN = (
    LOCKED + "; an administrator may change it only by an explicit override with a reason"
)


def writer_roles(*, actor: Actor, school: School) -> frozenset[str]:
    """The roles at `school` through which `actor` writes its registers (none for rollcall
    itself or an administrator). Read once for a batch of writes, not once per mark."""
    if actor is None or actor.is_superuser:
        return frozenset()
    return frozenset(
        actor.memberships.filter(school=school, role__in=REGISTER_WRITERS).values_list(
            "role", flat=True
        )
    )


def _lock_facts(
    *, school: School, calendar: SchoolCalendar, day: dt.date, today: dt.date
) -> dict[str, object] | None:
    """The facts of the lock when the register for `day` has locked by `today`, else None."""
    open_until = register_open_until(calendar=calendar, school=school, day=day)
    if open_until is None or today <= open_until:
        return None
    return {"day": day, "open_until": open_until, "days": school.register_lock_days}


def register_closed_to(
    *,
    actor: Actor,
    school: School,
    calendar: SchoolCalendar,
    day: dt.date,
    today: dt.date,
    write: Write = Write.AMEND,
    override: bool = False,
    roles: frozenset[str] | None = None,
) -> str:
    """Why the register for `day` is closed to `actor` on `today` whatever reason they give, or
    '': pages show a closed register's marks without controls, and say why. `roles` are the
    actor's `writer_roles`, when the caller has read them already."""
    if actor is None:
        return ""
    roles = writer_roles(actor=actor, school=school) if roles is None else roles
    if not actor.is_superuser and not roles:
        return NOT_A_WRITER.format(user=actor, school=school.name)
    facts = _lock_facts(school=school, calendar=calendar, day=day, today=today)
    if facts is None:
        return ""
    if actor.is_superuser:
        return "" if override else LOCKED_ADMIN.format(**facts)
    if SENIOR not in roles:
        return (LOCKED_AMEND if write is Write.AMEND else LOCKED_TAKE).format(**facts)
    return ""


def register_write_refusal(
    *,
    actor: Actor,
    school: School,
    calendar: SchoolCalendar,
    day: dt.date,
    today: dt.date,
    write: Write,
    reason: str = "",
    override: bool = False,
    roles: frozenset[str] | None = None,
) -> str:
    """Why `actor` may not make this `write` to the school's register for `day` on `today`, or
    '' if they may: the register is closed to them, or it has locked and no reason is given.
    `override` is an administrator's explicit override of the lock."""
    closed = register_closed_to(
        actor=actor,
        school=school,
        calendar=calendar,
        day=day,
        today=today,
        write=write,
        override=override,
        roles=roles,
    )
    if closed or actor is None:
        return closed
    facts = _lock_facts(school=school, calendar=calendar, day=day, today=today)
    if facts is not None and not reason.strip():
        what = "amending" if write is Write.AMEND else "taking"
        return LOCKED_REASON.format(what=what, **facts)
    return ""


def register_lock_note(
    *, school: School, calendar: SchoolCalendar, day: dt.date, today: dt.date
) -> str:
    """For someone the lock lets through: that the register has locked and a reason is needed."""
    facts = _lock_facts(school=school, calendar=calendar, day=day, today=today)
    if facts is None:
        return ""
    return (
        f"This register locked after {facts['open_until']:%A %-d %B %Y}. You can still change it "
        "or fill it in, with a reason that is kept with the record"
    )
