"""The real `rollcall analyse` process, as a user runs it: a good run, a refused file and its exit
status, and JSON output. The other engine tests run the command in the test process
(marks.run_analyse); these check that the real process answers exactly as that runner does."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess

from tests.engine.marks import (
    HEADER,
    REPO,
    ROLLCALL,
    expect,
    mondays,
    pick,
    pupil,
    run_analyse,
    run_analyse_process,
    week,
    write_marks,
)

ABSENT, PRESENT_ALL = pupil(1), pupil(2)


def _marks(tmp_path):
    first, second = mondays("2025-03-03", 2)
    # ABSENT: a present week, then 10 G: 20 possible, 10 unauthorised -> 50.00 %, PA and SA,
    #   threshold met Fri 14 Mar 2025 PM (10 unauthorised sessions in the window, WTISA).
    # PRESENT_ALL: two present weeks: 20 possible, 100.00 %, nothing met.
    rows = week(first, upn=ABSENT) + week(second, ["G"] * 10, upn=ABSENT)
    rows += week(first, upn=PRESENT_ALL) + week(second, upn=PRESENT_ALL)
    return write_marks(tmp_path, rows)


def test_a_good_run_writes_csv_records_and_exits_0(tmp_path):
    marks = _marks(tmp_path)
    result = run_analyse_process(marks)
    assert result.returncode == 0, result.stderr
    records = {row["upn"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    wanted = expect(
        possible_sessions=20,
        unauthorised_sessions=10,
        attendance_pct="50.00",
        persistent_absence=True,
        severe_absence=True,
        threshold_met_on="2025-03-14",
        threshold_met_session="PM",
    )
    assert pick(records[ABSENT], wanted) == wanted
    assert records[PRESENT_ALL]["attendance_pct"] == "100.00"
    assert result.stdout == run_analyse(marks).stdout


def test_a_refused_file_exits_1_naming_the_line_and_writes_nothing(tmp_path):
    marks = tmp_path / "marks.csv"
    marks.write_text(
        f"{HEADER}\n100001,{ABSENT},2025-01-13,AM,/\n100001,{ABSENT},2025-01-13,PM,A\n"
    )
    result = run_analyse_process(marks)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    assert result.stdout == ""
    assert "marks.csv line 3" in result.stderr and "'A'" in result.stderr, result.stderr
    in_process = run_analyse(marks)
    assert (in_process.returncode, in_process.stdout) == (1, "")
    assert in_process.stderr.strip() in result.stderr


def test_json_output_has_typed_values(tmp_path):
    marks = _marks(tmp_path)
    result = run_analyse_process(marks, "--format", "json")
    assert result.returncode == 0, result.stderr
    records = {row["upn"]: row for row in json.loads(result.stdout)}
    assert records[ABSENT]["persistent_absence"] is True
    assert records[ABSENT]["possible_sessions"] == 20
    assert records[PRESENT_ALL]["threshold_met_on"] is None
    assert json.loads(run_analyse(marks, "--format", "json").stdout) == json.loads(result.stdout)


def _on_a_terminal(*command: str) -> bytes:
    """What a person at a terminal sees of a command (its stdout and stderr both on a pty)."""
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [str(ROLLCALL), *command], stdout=secondary, stderr=secondary, cwd=REPO
    )
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the command has ended and closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(primary)
    assert process.wait(timeout=300) == 0, seen
    return seen


def test_on_a_terminal_progress_is_shown_and_piped_it_is_not(tmp_path):
    marks = _marks(tmp_path)
    seen = _on_a_terminal("analyse", str(marks), "--output", str(tmp_path / "out.csv"))
    assert b"Reading marks.csv" in seen
    assert b"rows/s" in seen  # rows read and the rate
    assert (tmp_path / "out.csv").read_text().startswith("upn,")

    piped = run_analyse_process(marks)
    assert piped.returncode == 0
    assert "Reading" not in piped.stderr and "rows/s" not in piped.stderr
