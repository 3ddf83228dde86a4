"""Builders for marks files, and a runner for the real `rollcall analyse` command.

Every scenario writes a CSV (school_urn,upn,date,session,code) in tmp_path, runs
`rollcall analyse` on it with the arguments a user would type and reads the records back. The
command runs in this process, found and run by name as the console script does, with standard
output, standard error and the exit status captured as from a subprocess: a new process costs
1-3 seconds, the command itself a few milliseconds. tests/engine/test_analyse_process.py runs
the real `.venv/bin/rollcall` in a new process, and checks it answers as the runner here does.
Expected values in the tests are worked out by hand, with the arithmetic in comments, from the
codes and their categories (REG24 reg 10; DFE-STATS), DfE's attendance and absence rates
(DFE-STATS methodology) and the national threshold (WTISA national framework); docs/sources.md
gives their full titles.

Register notation used by the builders: a string of space-separated codes laid on consecutive
weekday sessions (Mon AM, Mon PM, Tue AM, ...). "." is a present mark: `/` in the morning and
`\\` in the afternoon.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import subprocess
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.management import ManagementUtility

from rollcall.statutory.upn import upn_make

REPO = Path(__file__).resolve().parents[2]
ROLLCALL = REPO / ".venv" / "bin" / "rollcall"
HEADER = "school_urn,upn,date,session,code"
SCHOOL = "100001"
OTHER_SCHOOL = "100002"
PRESENT = "."
ALL_PRESENT = " ".join([PRESENT] * 10)
ONE_DAY = dt.timedelta(days=1)

Row = tuple[str, str, str, str, str]


def pupil(serial: int) -> str:
    """A valid UPN (correct DfE check letter) for test pupil number `serial`."""
    return upn_make("989", "1234", 20, serial)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def mondays(first: str | dt.date, count: int) -> list[dt.date]:
    """`count` consecutive Mondays from `first` (which must be a Monday)."""
    start = day(first) if isinstance(first, str) else first
    assert start.weekday() == 0, f"{start} is not a Monday"
    return [start + dt.timedelta(weeks=k) for k in range(count)]


def codes_of(codes: str | Iterable[str]) -> list[str]:
    return codes.split() if isinstance(codes, str) else list(codes)


def mark(when: str | dt.date, session: str, code: str, *, upn: str, school: str = SCHOOL) -> Row:
    """One register mark; "." becomes / (AM) or \\ (PM)."""
    date = day(when) if isinstance(when, str) else when
    if code == PRESENT:
        code = "/" if session == "AM" else "\\"
    return (school, upn, date.isoformat(), session, code)


def sessions(
    first_day: str | dt.date, codes: str | Iterable[str], *, upn: str, school: str = SCHOOL
) -> list[Row]:
    """Codes on consecutive weekday sessions starting with first_day's AM session."""
    current = day(first_day) if isinstance(first_day, str) else first_day
    rows: list[Row] = []
    session = "AM"
    for code in codes_of(codes):
        while current.weekday() >= 5:  # registers are kept Monday to Friday here
            current += ONE_DAY
        rows.append(mark(current, session, code, upn=upn, school=school))
        if session == "AM":
            session = "PM"
        else:
            session, current = "AM", current + ONE_DAY
    return rows


def week(
    monday: str | dt.date,
    codes: str | Iterable[str] = ALL_PRESENT,
    *,
    upn: str,
    school: str = SCHOOL,
) -> list[Row]:
    """A full Monday-to-Friday week: exactly 10 codes, Mon AM .. Fri PM."""
    start = day(monday) if isinstance(monday, str) else monday
    listed = codes_of(codes)
    assert start.weekday() == 0, f"{start} is not a Monday"
    assert len(listed) == 10, f"a week has 10 sessions, got {len(listed)}"
    return sessions(start, listed, upn=upn, school=school)


def write_marks(directory: Path, rows: Iterable[Row], name: str = "marks.csv") -> Path:
    path = directory / name
    lines = [HEADER, *(",".join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def run_analyse(path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Run the command as `rollcall analyse PATH OPTIONS...` from the repository root, in this
    process: what it writes to standard output and standard error, and its exit status (1 for a
    refusal, 2 for arguments it cannot parse, 1 with the traceback for a crash), come back as
    from subprocess.run."""
    arguments = ["analyse", str(path), *options]
    stdout, stderr = io.StringIO(), io.StringIO()
    with (
        contextlib.chdir(REPO),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
    ):
        try:
            # What `rollcall analyse ...` does once Django is set up: find the command by name
            # and hand it the command line (it parses it, and turns a CommandError into a
            # message on standard error and exit status 1). Django is already set up here;
            # setting it up again would point the test process's logging at this capture.
            ManagementUtility(["rollcall", *arguments]).fetch_command("analyse").run_from_argv(
                ["rollcall", *arguments]
            )
            status = 0
        except SystemExit as stop:
            status = _exit_status(stop.code, stderr)
        except Exception:
            stderr.write(traceback.format_exc())
            status = 1
    return subprocess.CompletedProcess(
        [str(ROLLCALL), *arguments], status, stdout.getvalue(), stderr.getvalue()
    )


def _exit_status(code: object, stderr: io.StringIO) -> int:
    """The status a process would end with after sys.exit(code)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    stderr.write(f"{code}\n")  # sys.exit("message") prints the message and exits 1
    return 1


def run_analyse_process(path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Run the real installed command in a new process, exactly as a user does."""
    return subprocess.run(
        [str(ROLLCALL), "analyse", str(path), *options],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=300,
    )


def analyse_csv(path: Path, *options: str) -> dict[str, dict[str, str]]:
    """Records (CSV output) keyed by UPN; fails the test if the command fails."""
    result = run_analyse(path, *options)
    assert result.returncode == 0, f"analyse failed:\n{result.stderr}"
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    records = {row["upn"]: row for row in rows}
    assert len(records) == len(rows), "expected one record per pupil"
    return records


def analyse_json(path: Path, *options: str) -> dict[str, dict[str, Any]]:
    result = run_analyse(path, "--format", "json", *options)
    assert result.returncode == 0, f"analyse failed:\n{result.stderr}"
    rows = json.loads(result.stdout)
    records = {row["upn"]: row for row in rows}
    assert len(records) == len(rows), "expected one record per pupil"
    return records


def as_csv(value: object) -> str:
    """How the CSV output writes a value: booleans true/false, empty for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def expect(**fields: object) -> dict[str, str]:
    """Expected CSV fields, written with Python values (10, True, None, "12.50")."""
    return {name: as_csv(value) for name, value in fields.items()}


def pick(record: dict[str, str], expected: dict[str, str]) -> dict[str, str]:
    """The fields of `record` named in `expected` (so a failing assert shows a clean diff)."""
    return {name: record.get(name, "<missing>") for name in expected}


def no_threshold() -> dict[str, str]:
    return expect(threshold_met_on=None, threshold_met_session=None)


def weeks(
    monday_list: Iterable[str | dt.date],
    codes: str | Iterable[str] = ALL_PRESENT,
    *,
    upn: str,
    school: str = SCHOOL,
) -> list[Row]:
    """The same 10-session pattern in each of these weeks."""
    pattern = codes_of(codes)
    return [row for monday in monday_list for row in week(monday, pattern, upn=upn, school=school)]
