"""A CTF's earlier schools: whose attendance becomes the pupil's history, and recording it.

Worked out before anything is written (`ctf_plan`), so a problem such as a UPN with another
date of birth refuses the file before any write. An earlier school's `YearData` is kept as the
pupil's attendance history (EarlierSchoolAttendance), named by LA and establishment number: it
needs no school in rollcall, no calendar and no enrolment, and it is not a register. Only a
school that keeps its registers in rollcall is left out, since rollcall holds the original.
Decisions: docs/ctf.md and docs/adr/0009-earlier-schools-attendance-history.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from rollcall.organisations.models import School
from rollcall.pupils.models import Enrolment, Pupil
from rollcall.registers.changes import marks_changed
from rollcall.transfers.ctf.marks_string import (
    NO_SESSION,
    SessionMark,
    session_totals,
    sessions_position,
)
from rollcall.transfers.ctf.reader import CtfDocument, PupilData, YearData
from rollcall.transfers.models import (
    CtfSchool,
    EarlierSchoolAttendance,
    EarlierSchoolMark,
    ImportBatch,
)
from rollcall.transfers.problems import Problem

NOT_IMPORTED_OWN_REGISTERS = (
    "{where}: attendance at {school} was not imported, because rollcall keeps that school's "
    "registers itself"
)
ADMITTED_DURING_HISTORY = (
    "is to be admitted on {admitted:%-d %B %Y}, but the CTF records sessions at {school} until "
    "{last:%-d %B %Y}; a pupil on two schools' rolls at once needs dual registration: admit "
    "the pupil from a later date"
)
SESSION_GIVEN_TWICE = (
    "gives {code!r} for {day:%A %-d %B %Y} {session} at LAESTAB {laestab}, but {other} gives "
    "{other_code!r}"
)


@dataclass(frozen=True)
class EarlierSchool:
    lea: str
    estab: str
    name: str
    urn: str  # "" when the CTF gives none

    @property
    def laestab(self) -> str:
        return f"{self.lea}{self.estab}"


@dataclass(frozen=True)
class HistoryEntry:
    upn: str
    year: YearData
    school: EarlierSchool

    def key(self) -> tuple[object, ...]:
        """What makes two YearData the same record: the same file imported again."""
        year = self.year
        sessions = tuple((start.isoformat(), text) for start, text in year.sessions)
        # With marks the totals follow from them; a YearData of totals alone is its totals.
        totals = () if sessions else tuple(sorted(year.stated.items()))
        return (self.school.laestab, year.year, sessions, totals)


@dataclass
class CtfPlan:
    """What the import will do, worked out before anything is written."""

    document: CtfDocument
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    existing_pupils: dict[str, Pupil] = field(default_factory=dict)


def _schools_run_here(document: CtfDocument) -> dict[str, School]:
    """Schools named in the CTF whose registers rollcall keeps, by LAESTAB. A school rollcall
    knows only from CTFs imported before (CtfSchool) keeps no registers of its own."""
    leas = {year.lea for pupil in document.pupils for year in pupil.years}
    estabs = {year.estab for pupil in document.pupils for year in pupil.years}
    schools = School.objects.filter(
        local_authority__code__in=leas, establishment_number__in=estabs
    ).select_related("local_authority")
    from_ctfs = set(CtfSchool.objects.values_list("school_id", flat=True))
    return {school.laestab: school for school in schools if school.pk not in from_ctfs}


def _known_by_laestab(document: CtfDocument) -> dict[str, School]:
    leas = {year.lea for pupil in document.pupils for year in pupil.years}
    schools = School.objects.filter(local_authority__code__in=leas).select_related(
        "local_authority"
    )
    return {school.laestab: school for school in schools}


def _earlier_school(year: YearData, document: CtfDocument, known: School | None) -> EarlierSchool:
    """The school a YearData is for: its own name, else the header's for the source school,
    else rollcall's; the URN from the header's SourceSchool, else from rollcall's records."""
    source = document.source
    is_source = year.laestab == source.laestab
    name = year.school_name or (source.name if is_source else "") or (known.name if known else "")
    urn = (source.urn if is_source else "") or (known.urn if known else "")
    return EarlierSchool(lea=year.lea, estab=year.estab, name=name, urn=urn)


def ctf_plan(document: CtfDocument, school: School, admitted_on: dt.date | None) -> CtfPlan:
    plan = CtfPlan(document, notes=list(document.notes))
    destination = document.destination
    if destination is not None and (
        destination.laestab != school.laestab or (destination.urn and destination.urn != school.urn)
    ):
        plan.problems.append(
            Problem(
                "CTfile/Header/DestSchool",
                f"the CTF is addressed to LAESTAB {destination.laestab}"
                + (f" (URN {destination.urn})" if destination.urn else "")
                + f", not to {school.name} ({school.laestab}); import it at that school",
            )
        )
    run_here = _schools_run_here(document)
    known = _known_by_laestab(document)
    for pupil in document.pupils:
        for year in pupil.years:
            if not year.marks and not year.sessions and not any(year.stated.values()):
                continue  # nothing to keep
            if year.laestab in run_here:
                own = run_here[year.laestab]
                plan.notes.append(NOT_IMPORTED_OWN_REGISTERS.format(where=year.where, school=own))
                continue
            earlier = _earlier_school(year, document, known.get(year.laestab))
            plan.history.append(HistoryEntry(pupil.upn, year, earlier))
        plan.problems += _sessions_given_twice(pupil)
    for pupil in document.pupils:
        existing = Pupil.objects.filter(upn=pupil.upn).first()
        if existing is None:
            continue
        plan.existing_pupils[pupil.upn] = existing
        if existing.date_of_birth != pupil.date_of_birth:
            plan.problems.append(
                Problem(
                    pupil.where,
                    f"UPN {pupil.upn} is already in rollcall with date of birth "
                    f"{existing.date_of_birth:%-d %B %Y}, but the CTF gives "
                    f"{pupil.date_of_birth:%-d %B %Y}; check the UPN",
                )
            )
    if admitted_on is not None:
        plan.problems += _admitted_during_history(plan, school, admitted_on)
    return plan


def _sessions_given_twice(pupil: PupilData) -> list[Problem]:
    """The same session at the same school given twice with different codes (two YearData or
    two AttendSessions that overlap): which is right cannot be told, so the file is refused."""
    problems = []
    seen: dict[tuple[str, dt.date, str], tuple[str, str]] = {}
    for year in pupil.years:
        for where, mark in year.marks:
            if mark.code == NO_SESSION:
                continue  # no session: never at odds with a mark (see sessions_of)
            key = (year.laestab, mark.date, mark.session)
            if key in seen and seen[key][1] != mark.code:
                other, other_code = seen[key]
                problems.append(
                    Problem(
                        where,
                        SESSION_GIVEN_TWICE.format(
                            code=mark.code,
                            day=mark.date,
                            session=mark.session,
                            laestab=year.laestab,
                            other=other,
                            other_code=other_code,
                        ),
                    )
                )
            seen.setdefault(key, (where, mark.code))
    return problems


def _admitted_during_history(plan: CtfPlan, school: School, admitted_on: dt.date) -> list[Problem]:
    problems = []
    for pupil in plan.document.pupils:
        existing = plan.existing_pupils.get(pupil.upn)
        if existing is not None and any(
            e.on_roll(admitted_on) for e in Enrolment.objects.filter(pupil=existing, school=school)
        ):
            continue  # already on roll: nobody is admitted
        spans = [
            (span[1], entry)
            for entry in plan.history
            if entry.upn == pupil.upn and (span := _span(entry.year)) is not None
        ]
        if not spans:
            continue
        last, last_entry = max(spans, key=lambda pair: pair[0])
        if last >= admitted_on:
            name = last_entry.school.name or f"LAESTAB {last_entry.school.laestab}"
            problems.append(
                Problem(
                    pupil.where,
                    ADMITTED_DURING_HISTORY.format(admitted=admitted_on, school=name, last=last),
                )
            )
    return problems


def history_new(plan: CtfPlan, pupils: dict[str, Pupil]) -> tuple[list[HistoryEntry], int]:
    """The entries not already held for their pupil (importing a file again adds nothing), and
    how many sessions the ones already held carry."""
    held: dict[int, set[tuple[object, ...]]] = defaultdict(set)
    for record in EarlierSchoolAttendance.objects.filter(
        pupil__in=[pupils[e.upn] for e in plan.history]
    ):
        held[record.pupil_id].add(_record_key(record))
    new, unchanged = [], 0
    for entry in plan.history:
        pupil = pupils[entry.upn]
        if entry.key() in held[pupil.pk]:
            unchanged += len(sessions_of(entry.year))
            continue
        held[pupil.pk].add(entry.key())
        new.append(entry)
    return new, unchanged


def _record_key(record: EarlierSchoolAttendance) -> tuple[object, ...]:
    stated = {
        "possible": record.sessions_possible,
        "attended": record.sessions_attended,
        "authorised": record.sessions_authorised,
        "unauthorised": record.sessions_unauthorised,
    }
    sessions = tuple((start, text) for start, text in record.attend_sessions)
    totals = () if sessions else tuple(sorted(stated.items()))
    return (record.laestab, record.year, sessions, totals)


def history_record(
    *, batch: ImportBatch, pupils: dict[str, Pupil], entries: list[HistoryEntry]
) -> int:
    """Store each entry with its decoded sessions; returns the number of sessions stored.
    The totals stored are those the file states; they agree with the marks (ctf.reader)."""
    stored = 0
    for entry in entries:
        year = entry.year
        marks = sessions_of(year)
        totals = session_totals((m.date, m.code) for m in marks) if year.sessions else {}
        span = _span(year)
        record = EarlierSchoolAttendance.objects.create(
            batch=batch,
            pupil=pupils[entry.upn],
            element=year.where[:300],
            la_code=entry.school.lea,
            establishment_number=entry.school.estab,
            school_name=entry.school.name[:200],
            urn=entry.school.urn,
            year=year.year,
            sessions_possible=_stated_or(year, totals, "possible"),
            sessions_attended=_stated_or(year, totals, "attended"),
            sessions_authorised=_stated_or(year, totals, "authorised"),
            sessions_unauthorised=_stated_or(year, totals, "unauthorised"),
            attend_sessions=[[start.isoformat(), text] for start, text in year.sessions],
            first_date=span[0] if span else None,
            last_date=span[1] if span else None,
        )
        EarlierSchoolMark.objects.bulk_create(
            EarlierSchoolMark(attendance=record, date=m.date, session=m.session, code=m.code)
            for m in marks
        )
        stored += len(marks)
    if stored:
        # The threshold counts them, and the analysis store keeps them beside the registers.
        marks_changed()
    return stored


def _span(year: YearData) -> tuple[dt.date, dt.date] | None:
    return sessions_position([mark for _, mark in year.marks])


def sessions_of(year: YearData) -> list[SessionMark]:
    """One mark a session: where two AttendSessions overlap, a mark stands over a `#` (no
    session); two marks that differ refuse the file first (_sessions_given_twice)."""
    by_session: dict[tuple[dt.date, str], SessionMark] = {}
    for _, mark in year.marks:
        key = (mark.date, mark.session)
        if key not in by_session or by_session[key].code == NO_SESSION:
            by_session[key] = mark
    return sorted(by_session.values(), key=lambda m: (m.date, m.session))


def _stated_or(year: YearData, totals: dict[str, int], key: str) -> int | None:
    stated = year.stated.get(key)
    return stated if stated is not None else totals.get(key)
