"""Bad input stops `rollcall analyse` with a non-zero exit, a message naming the file's line
(the header is line 1) and the reason, and no records written."""

from __future__ import annotations

import re

import pytest

from tests.engine.marks import HEADER, analyse_csv, expect, pick, pupil, run_analyse

FIRST, SECOND = pupil(1), pupil(2)
WRONG_CHECK_LETTER = ("A" if FIRST[0] != "A" else "B") + FIRST[1:]

# A valid file; each case replaces one line (the line number counts the header as line 1).
GOOD_LINES = {
    2: f"100001,{FIRST},2025-01-13,AM,/",
    3: f"100001,{FIRST},2025-01-13,PM,\\",
    4: f"100001,{FIRST},2025-01-14,AM,G",
    5: f"100001,{SECOND},2025-01-13,AM,/",
    6: f"100001,{SECOND},2025-01-13,PM,I",
    7: f"100001,{SECOND},2025-01-14,AM,/",
}

# case: (line number, bad line, words the reason must contain)
BAD_LINES = {
    "unknown code": (4, f"100001,{FIRST},2025-01-14,AM,A", ["'A'"]),
    "non-statutory MIS mark": (3, f"100001,{FIRST},2025-01-13,PM,-", ["'-'"]),
    "empty code": (7, f"100001,{SECOND},2025-01-14,AM,", ["code"]),
    "J1 before 19 Aug 2024": (3, f"100001,{FIRST},2024-01-15,PM,J1", ["J1", "2024-01-15"]),
    "J after 18 Aug 2024": (5, f"100001,{SECOND},2025-01-15,AM,J", ["'J'", "2025-01-15"]),
    "H after 18 Aug 2024": (6, f"100001,{SECOND},2024-09-09,PM,H", ["'H'", "2024-09-09"]),
    "K before 19 Aug 2024": (2, f"100001,{FIRST},2024-01-15,AM,K", ["'K'", "2024-01-15"]),
    "30 February": (6, f"100001,{SECOND},2025-02-30,PM,I", ["date"]),
    "month 13": (4, f"100001,{FIRST},2025-13-01,AM,G", ["date"]),
    "day-month-year date": (3, f"100001,{FIRST},13/01/2025,PM,\\", ["date"]),
    "session not AM/PM": (4, f"100001,{FIRST},2025-01-14,EV,G", ["session"]),
    "wrong UPN check letter": (5, f"100001,{WRONG_CHECK_LETTER},2025-01-13,AM,/", ["check letter"]),
    "UPN too short": (2, "100001,A12345,2025-01-13,AM,/", ["UPN"]),
    "URN not six digits": (7, f"10001,{SECOND},2025-01-14,AM,/", ["school_urn"]),
}


def lines_named(stderr: str) -> set[int]:
    return {int(n) for n in re.findall(r"marks\.csv line (\d+)", stderr)}


def write_lines(tmp_path, lines: list[str]):
    path = tmp_path / "marks.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def assert_refused(tmp_path, path, *, lines: set[int], words: list[str]) -> str:
    """Non-zero exit, message naming exactly these lines and the reason, nothing written."""
    result = run_analyse(path)
    assert "Traceback" not in result.stderr, "a crash, not a refusal:\n" + result.stderr
    assert result.returncode != 0
    assert result.stdout == "", "no records may be written"
    assert lines_named(result.stderr) == lines, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    # With --output the file must not be created either.
    output = tmp_path / "figures.csv"
    again = run_analyse(path, "--output", str(output))
    assert again.returncode != 0
    assert not output.exists()
    return result.stderr


@pytest.mark.parametrize("case", list(BAD_LINES))
def test_bad_line_is_refused_naming_the_line(tmp_path, case):
    number, bad, words = BAD_LINES[case]
    lines = [HEADER, *(bad if n == number else line for n, line in GOOD_LINES.items())]
    assert_refused(tmp_path, write_lines(tmp_path, lines), lines={number}, words=words)


def test_the_good_file_is_accepted(tmp_path):
    # Control for the cases above: the unchanged file analyses cleanly.
    # Pupil 1: / \ G -> 3 possible, 1 unauthorised; pupil 2: / I / -> 3 possible, 1 authorised.
    records = analyse_csv(write_lines(tmp_path, [HEADER, *GOOD_LINES.values()]))
    assert pick(records[FIRST], expect(possible_sessions=3, unauthorised_sessions=1)) == expect(
        possible_sessions=3, unauthorised_sessions=1
    )
    assert pick(records[SECOND], expect(possible_sessions=3, authorised_sessions=1)) == expect(
        possible_sessions=3, authorised_sessions=1
    )


def test_every_bad_line_is_named(tmp_path):
    # Two problems, lines 3 and 7: both are reported.
    lines = [HEADER, *GOOD_LINES.values()]
    lines[2] = f"100001,{FIRST},2025-01-13,PM,A"  # line 3
    lines[6] = f"100001,{SECOND},2025-02-30,AM,/"  # line 7
    assert_refused(tmp_path, write_lines(tmp_path, lines), lines={3, 7}, words=["'A'", "date"])


def test_same_session_twice_with_different_codes(tmp_path):
    # Line 8 repeats pupil 1's Mon 13 Jan 2025 PM at school 100001 (line 3 says \) with G.
    lines = [HEADER, *GOOD_LINES.values(), f"100001,{FIRST},2025-01-13,PM,G"]
    result = run_analyse(write_lines(tmp_path, lines))
    assert "Traceback" not in result.stderr, "a crash, not a refusal:\n" + result.stderr
    assert result.returncode != 0
    assert result.stdout == ""
    named = lines_named(result.stderr)
    assert 8 in named, result.stderr
    assert named <= {3, 8}, result.stderr


def test_same_mark_repeated_identically_is_fine_and_counted_once(tmp_path):
    # Lines 2 and 4 are repeated word for word: still 3 possible sessions for pupil 1 (/ \ G),
    # 1 unauthorised -> 33.33 %.
    lines = [HEADER, *GOOD_LINES.values(), GOOD_LINES[2], GOOD_LINES[4]]
    expected = expect(
        possible_sessions=3, present_sessions=2, unauthorised_sessions=1, absence_pct="33.33"
    )
    assert pick(analyse_csv(write_lines(tmp_path, lines))[FIRST], expected) == expected


def test_same_session_at_two_schools_is_not_a_conflict(tmp_path):
    # Dual registration: school 100001 records D, school 100002 the real mark, for the same
    # session. Pupil 1: Mon 13 Jan AM D at 100001 and / at 100002; PM \ at 100001
    # -> 2 possible, 1 not counted.
    lines = [
        HEADER,
        f"100001,{FIRST},2025-01-13,AM,D",
        f"100002,{FIRST},2025-01-13,AM,/",
        f"100001,{FIRST},2025-01-13,PM,\\",
    ]
    expected = expect(possible_sessions=2, present_sessions=2, not_counted_sessions=1)
    assert pick(analyse_csv(write_lines(tmp_path, lines))[FIRST], expected) == expected


def test_wrong_header(tmp_path):
    lines = [HEADER.replace("school_urn", "school"), *GOOD_LINES.values()]
    result = run_analyse(write_lines(tmp_path, lines))
    assert "Traceback" not in result.stderr, "a crash, not a refusal:\n" + result.stderr
    assert result.returncode != 0
    assert result.stdout == ""
    # The header is line 1; the message names it (as "line 1" or as "header") and the columns.
    assert "marks.csv line 1" in result.stderr or "marks.csv header" in result.stderr
    assert "school_urn" in result.stderr
    assert lines_named(result.stderr) <= {1}


def test_a_windows_crlf_file_is_accepted(tmp_path):
    # MIS exports often end lines with CRLF; the codes must not pick up the \r.
    path = tmp_path / "marks.csv"
    path.write_bytes(("\r\n".join([HEADER, *GOOD_LINES.values()]) + "\r\n").encode())
    expected = expect(possible_sessions=3, unauthorised_sessions=1)
    assert pick(analyse_csv(path)[FIRST], expected) == expected


def test_missing_field_names_the_line(tmp_path):
    lines = [HEADER, *GOOD_LINES.values()]
    # Regression: this used to pass pyarrow's parse error through with no line number.
    lines[2] = f"100001,{FIRST},2025-01-13,PM"  # line 3: the code column is missing
    message = assert_refused(tmp_path, write_lines(tmp_path, lines), lines={3}, words=[])
    assert "field" in message or "column" in message, message


def test_line_number_counts_blank_lines(tmp_path):
    # Line 3 is blank; the bad code is on line 5 and must be reported as line 5 (regression: the
    # blank line used to be skipped when counting, giving "line 4").
    lines = [HEADER, GOOD_LINES[2], "", GOOD_LINES[3], f"100001,{FIRST},2025-01-14,AM,A"]
    assert_refused(tmp_path, write_lines(tmp_path, lines), lines={5}, words=["'A'"])


def test_from_after_to_is_refused(tmp_path):
    path = write_lines(tmp_path, [HEADER, *GOOD_LINES.values()])
    result = run_analyse(path, "--from", "2025-02-01", "--to", "2025-01-31")
    assert "Traceback" not in result.stderr, "a crash, not a refusal:\n" + result.stderr
    assert result.returncode != 0
    assert result.stdout == ""
    assert "2025-02-01" in result.stderr
    assert "2025-01-31" in result.stderr
