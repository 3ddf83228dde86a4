"""The AttendanceMarks string: two sessions a date, # for none (a closure on a weekday between
sessions), - for a session without a mark, two-character codes whole."""

from __future__ import annotations

import datetime as dt

from rollcall.transfers.ctf.marks_string import (
    marks_decode,
    marks_encode,
    sessions_position,
    unmarked_sessions,
)

MONDAY = dt.date(2024, 9, 2)


def test_two_character_codes_are_read_whole_and_each_session_gets_its_date():
    marks, problems = marks_decode("/\\C1Y2--L\\", MONDAY)
    assert problems == []
    assert [(m.date, m.session, m.code, m.position, m.character) for m in marks] == [
        (MONDAY, "AM", "/", 1, 1),
        (MONDAY, "PM", "\\", 2, 2),
        (dt.date(2024, 9, 3), "AM", "C1", 3, 3),
        (dt.date(2024, 9, 3), "PM", "Y2", 4, 5),
        (dt.date(2024, 9, 5), "AM", "L", 7, 9),
        (dt.date(2024, 9, 5), "PM", "\\", 8, 10),
    ]


def test_a_weekday_hash_is_the_planned_closure_code_and_a_weekend_hash_is_nothing():
    # From Friday 30 August: Friday closed, the weekend, Monday closed, Tuesday present.
    friday = dt.date(2024, 8, 30)
    marks, problems = marks_decode("##" + "####" + "##" + "/\\", friday)
    assert problems == []
    assert [(m.date, m.session, m.code) for m in marks] == [
        (friday, "AM", "#"),
        (friday, "PM", "#"),
        (dt.date(2024, 9, 2), "AM", "#"),
        (dt.date(2024, 9, 2), "PM", "#"),
        (dt.date(2024, 9, 3), "AM", "/"),
        (dt.date(2024, 9, 3), "PM", "\\"),
    ]
    assert sessions_position(marks) == (dt.date(2024, 9, 3), dt.date(2024, 9, 3))
    marks, _ = marks_decode("/\\" + "##" + "/\\", MONDAY)
    assert [(m.date, m.session, m.code) for m in marks] == [
        (MONDAY, "AM", "/"),
        (MONDAY, "PM", "\\"),
        (dt.date(2024, 9, 3), "AM", "#"),
        (dt.date(2024, 9, 3), "PM", "#"),
        (dt.date(2024, 9, 4), "AM", "/"),
        (dt.date(2024, 9, 4), "PM", "\\"),
    ]
    weekend, _ = marks_decode("/\\" + "####" + "/\\", dt.date(2024, 9, 6))
    assert [m.code for m in weekend] == ["/", "\\", "/", "\\"]


def test_encoding_writes_every_date_and_reads_back_the_same_marks():
    marks = [
        (MONDAY, "AM", "/"),
        (MONDAY, "PM", "J1"),
        (dt.date(2024, 9, 4), "PM", "Y7"),
    ]
    unmarked = {(dt.date(2024, 9, 3), "AM"), (dt.date(2024, 9, 3), "PM")}
    text = marks_encode(marks, MONDAY, dt.date(2024, 9, 4), unmarked=unmarked)
    assert text == "/J1--#Y7"  # Tuesday held without marks, Wednesday AM no session
    decoded, problems = marks_decode(text, MONDAY)
    assert problems == []
    assert [(m.date, m.session, m.code) for m in decoded] == [
        *marks[:2],
        (dt.date(2024, 9, 4), "AM", "#"),  # a weekday between sessions: a closure
        marks[2],
    ]


def test_legacy_codes_are_read_with_their_meaning_on_the_date():
    marks, problems = marks_decode("HJ", dt.date(2024, 7, 1))
    assert problems == []
    assert [m.code for m in marks] == ["H", "J"]
    _, problems = marks_decode("HJ", dt.date(2024, 9, 2))
    assert [str(p) for p in problems] == [
        "session 1 (character 1, Monday 2 September 2024 AM): 'H' is not an attendance code "
        "in force on 2024-09-02",
        "session 2 (character 2, Monday 2 September 2024 PM): 'J' is not an attendance code "
        "in force on 2024-09-02",
    ]


def test_a_lone_digit_a_space_and_an_odd_count_are_each_named():
    _, problems = marks_decode("/\\ 1/", MONDAY)
    assert [str(p) for p in problems] == [
        "character 3: a space is not a mark",
        "character 4: '1' is a digit on its own; a digit only follows a letter (C1, Y4)",
        "holds 3 sessions, an odd number; every date has a morning and an afternoon mark",
    ]


def test_a_dash_is_a_session_without_a_mark_and_other_non_statutory_marks_are_refused():
    marks, problems = marks_decode("-/", MONDAY)
    assert problems == []
    assert [(m.date, m.session, m.code) for m in marks] == [(MONDAY, "PM", "/")]
    assert unmarked_sessions("-/--") == 3
    _, problems = marks_decode("@/", MONDAY)
    assert [str(p) for p in problems] == [
        "session 1 (character 1, Monday 2 September 2024 AM): '@' is not an attendance code"
    ]
