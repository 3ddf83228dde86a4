"""The CTF `AttendanceMarks` string (structure and sources in docs/ctf.md; decisions in ADR 0005).

The string starts on `AttendanceStartDate` and holds two sessions for every calendar date,
morning then afternoon, weekends and holidays included. `#` is a session the pupil did not have
(school closed, weekend, not on roll); on a weekday it is read as the planned-closure code `#`,
so a closure exported from a register comes back. `-` is a
session the school held but recorded no mark for: nothing is read for it. Every other mark is an
attendance code in force that day.

Two-character codes (C1, C2, J1, Y1-Y7 since 19 Aug 2024) are written as their two characters.
That cannot be ambiguous: no code is a lone digit, so a letter followed by a digit is always
one two-character code. This is rollcall's convention pending the DfE CTF 25 specification
(not yet read); a reader that assumes one character per session would misread such a string,
and the SessionsPossible totals written alongside let an importer notice that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from rollcall import statutory

NO_SESSION = "#"
NO_MARK = "-"  # a session held without a mark recorded (MIS files write it; not a national code)
SESSIONS = ("AM", "PM")
TOTALS = ("possible", "attended", "authorised", "unauthorised")


@dataclass(frozen=True)
class SessionMark:
    date: dt.date
    session: str
    code: str
    position: int  # 1-based session number in the string
    character: int  # 1-based character where the mark starts


@dataclass(frozen=True)
class MarksStringProblem:
    position: str  # "session 15 (character 16, Tuesday 3 September 2024 PM)"
    reason: str

    def __str__(self) -> str:
        return f"{self.position}: {self.reason}" if self.position else self.reason


def _tokens(text: str) -> tuple[list[tuple[str, int]], list[MarksStringProblem]]:
    tokens: list[tuple[str, int]] = []
    problems: list[MarksStringProblem] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isdigit():
            problems.append(
                MarksStringProblem(
                    f"character {index + 1}",
                    f"'{char}' is a digit on its own; a digit only follows a letter (C1, Y4)",
                )
            )
            index += 1
            continue
        if char.isspace():
            problems.append(MarksStringProblem(f"character {index + 1}", "a space is not a mark"))
            index += 1
            continue
        if char.isalpha() and index + 1 < len(text) and text[index + 1].isdigit():
            tokens.append((text[index : index + 2], index + 1))
            index += 2
        else:
            tokens.append((char, index + 1))
            index += 1
    return tokens, problems


def _where(number: int, character: int, day: dt.date, session: str) -> str:
    return f"session {number} (character {character}, {day:%A %-d %B %Y} {session})"


def marks_decode(text: str, start: dt.date) -> tuple[list[SessionMark], list[MarksStringProblem]]:
    """The marks in the string (sessions marked `#` are left out), and every problem found."""
    tokens, problems = _tokens(text.strip())
    if len(tokens) % 2:
        problems.append(
            MarksStringProblem(
                "",
                f"holds {len(tokens)} sessions, an odd number; every date has a morning and an "
                "afternoon mark",
            )
        )
    marks: list[SessionMark] = []
    closed: list[SessionMark] = []
    for number, (code, character) in enumerate(tokens, start=1):
        if code == NO_MARK:
            continue
        day = start + dt.timedelta(days=(number - 1) // 2)
        session = SESSIONS[(number - 1) % 2]
        if code == NO_SESSION:
            if day.weekday() < 5:
                closed.append(SessionMark(day, session, code, number, character))
            continue
        try:
            statutory.code_on(code, day)
        except statutory.UnknownCode as exc:
            problems.append(MarksStringProblem(_where(number, character, day, session), str(exc)))
            continue
        marks.append(SessionMark(day, session, code, number, character))
    return _with_closures(marks, closed), problems


def _with_closures(marks: list[SessionMark], closed: list[SessionMark]) -> list[SessionMark]:
    """The marks with each weekday `#`: the planned-closure code, which a register holds for an
    INSET day and exports as `#`. A weekend is never a session, so a weekend `#` is nothing.
    A weekday `#` that only pads the string (before the pupil joined, say) reads the same; it
    counts as no session in every figure, as the code `#` does."""
    inside = [mark for mark in closed if _closure_code_on(mark.date)]
    return sorted(marks + inside, key=lambda mark: mark.position) if inside else marks


def _closure_code_on(day: dt.date) -> bool:
    try:
        statutory.code_on(NO_SESSION, day)
    except statutory.UnknownCode:
        return False
    return True


def unmarked_sessions(text: str) -> int:
    """Sessions written `-`: held, but with no mark recorded."""
    return text.count(NO_MARK)


def session_totals(marks: Iterable[tuple[dt.date, str]]) -> dict[str, int]:
    """Sessions possible, attended, authorised and unauthorised from (date, code) marks, by
    each code's statistical category on its own date (DFE-STATS). The CTF's
    SessionsPossible, SessionsAttended, SessionsAuthorised and SessionsUnauthorised."""
    counts = dict.fromkeys(TOTALS, 0)
    for day, code in marks:
        category = statutory.code_on(code, day).category
        if category is statutory.Category.NOT_COUNTED:
            continue
        counts["possible"] += 1
        if category in (statutory.Category.PRESENT, statutory.Category.AEA):
            counts["attended"] += 1
        elif category is statutory.Category.AUTHORISED:
            counts["authorised"] += 1
        else:
            counts["unauthorised"] += 1
    return counts


def marks_encode(
    marks: Iterable[tuple[dt.date, str, str]],
    first: dt.date,
    last: dt.date,
    unmarked: Collection[tuple[dt.date, str]] = (),
) -> str:
    """The string for `first` to `last` inclusive from (date, session, code) marks; sessions in
    `unmarked` (held, but with no mark) are written `-`, every other session without a mark
    `#`."""
    by_session = {(day, session): code for day, session, code in marks}
    parts: list[str] = []
    day = first
    while day <= last:
        for session in SESSIONS:
            empty = NO_MARK if (day, session) in unmarked else NO_SESSION
            parts.append(by_session.get((day, session), empty))
        day += dt.timedelta(days=1)
    return "".join(parts)


def sessions_position(marks: Sequence[SessionMark]) -> tuple[dt.date, dt.date] | None:
    """The first and last dates with a session (a mark other than `#`), or None for none."""
    held = [mark for mark in marks if mark.code != NO_SESSION]
    if not held:
        return None
    return held[0].date, held[-1].date
