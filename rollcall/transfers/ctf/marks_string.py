"""The CTF `AttendanceMarks` string (RULES §8.1; decisions in docs/adr/0005).

The string starts on `AttendanceStartDate` and holds two sessions for every calendar date,
morning then afternoon, weekends and holidays included. `#` is a session the pupil did not have
(school closed, weekend, not on roll). Every other mark is an attendance code in force that day.

Two-character codes (C1, C2, J1, Y1-Y7 since 19 Aug 2024) are written as their two characters.
That cannot be ambiguous: no code is a lone digit, so a letter followed by a digit is always
one two-character code. This is rollcall's convention pending the DfE CTF 25 specification
(RULES §10.13); a reader that assumes one character per session would misread such a string,
and the SessionsPossible totals written alongside let an importer notice that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rollcall import statutory

NO_SESSION = "#"
SESSIONS = ("AM", "PM")


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
    for number, (code, character) in enumerate(tokens, start=1):
        if code == NO_SESSION:
            continue
        day = start + dt.timedelta(days=(number - 1) // 2)
        session = SESSIONS[(number - 1) % 2]
        try:
            statutory.code_on(code, day)
        except statutory.UnknownCode as exc:
            problems.append(MarksStringProblem(_where(number, character, day, session), str(exc)))
            continue
        marks.append(SessionMark(day, session, code, number, character))
    return marks, problems


def marks_encode(marks: Iterable[tuple[dt.date, str, str]], first: dt.date, last: dt.date) -> str:
    """The string for `first` to `last` inclusive from (date, session, code) marks."""
    by_session = {(day, session): code for day, session, code in marks}
    parts: list[str] = []
    day = first
    while day <= last:
        for session in SESSIONS:
            parts.append(by_session.get((day, session), NO_SESSION))
        day += dt.timedelta(days=1)
    return "".join(parts)


def sessions_position(marks: Sequence[SessionMark]) -> tuple[dt.date, dt.date] | None:
    """The first and last dates with a session, or None for a string of only `#`."""
    if not marks:
        return None
    return marks[0].date, marks[-1].date
