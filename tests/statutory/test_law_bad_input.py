"""Bad input to `rollcall law` gets a message naming the option or element, and exit status 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from rollcall.cli import main
from tests.statutory.law_cli import law

OFFENCE = ("--offence-from", "2025-01-06", "--offence-to", "2025-02-14")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("school-age", "--dob", "2010-02-30"), "--dob is not a real date, got '2010-02-30'"),
        (("school-age", "--dob", "01/09/2010"), "--dob must be a date in the form YYYY-MM-DD"),
        (
            ("school-age", "--dob", "2010-09-01", "--autumn-term-starts", "2025-09-03"),
            "--autumn-term-starts: autumn_term_start must be the start of the autumn term in 2026",
        ),
        (("receipt", "--served-on", "2025-13-01"), "--served-on is not a real date"),
        (("receipt", "--served-on", "2025-04-17", "--profile", "nowhere"), "--profile: no profile"),
        (
            ("penalty-notice", "--issue-on", "2025-02-01", *OFFENCE),
            "--offence-to is after --issue-on",
        ),
        (
            (
                "penalty-notice",
                "--issue-on",
                "2025-03-03",
                "--offence-from",
                "2025-02-14",
                "--offence-to",
                "2025-01-06",
            ),
            "--offence-from is after --offence-to",
        ),
        (("receipt", "--served-on", "2001-01-01"), "rollcall holds the law from 2006-09-01"),
        (
            ("receipt", "--served-on", "2025-04-17", "--by", "pigeon"),
            "argument --by: invalid choice",
        ),
        (("eso", "--made-on", "2025-10-01"), "the following arguments are required: --dob"),
        (("sao", "--served-on", "2025-03-03", "--closed", "2025-04-01:2025-03-01"), "ends before"),
    ],
)
def test_bad_options_are_named(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError) as caught:
        law(*args)
    assert message in str(caught.value)
    assert caught.value.returncode == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON (line 1"),
        (json.dumps({"issued_on": "2024-10-01"}), "must be a JSON list"),
        (
            json.dumps(
                [{"issued_on": "2024-10-01", "outcome": "paid"}, {"issued_on": "2024-11-01"}]
            ),
            "earlier[1].outcome is missing",
        ),
        (
            json.dumps([{"issued_on": "2024-10-01", "outcome": "refunded"}]),
            "earlier[0].outcome must be one of paid, unpaid, withdrawn, convicted, acquitted,",
        ),
        (
            json.dumps([{"issued_on": "2024-02-30", "outcome": "paid"}]),
            "earlier[0].issued_on is not a real date",
        ),
        (
            json.dumps([{"issued_on": "2024-10-01", "outcome": "paid", "parent": "A"}]),
            "earlier[0] has unknown key(s) parent",
        ),
        (
            json.dumps([{"issued_on": "2025-04-01", "outcome": "paid"}]),
            "earlier[0].issued_on (2025-04-01) is after --issue-on",
        ),
    ],
)
def test_a_malformed_earlier_file_names_the_element(
    tmp_path: Path, content: str, message: str
) -> None:
    file = tmp_path / "earlier.json"
    file.write_text(content)
    with pytest.raises(CommandError) as caught:
        law("penalty-notice", "--issue-on", "2025-03-03", *OFFENCE, "--earlier", str(file))
    assert message in str(caught.value)
    assert str(file) in str(caught.value) or "after --issue-on" in str(caught.value)
    assert caught.value.returncode == 2


def test_the_rollcall_command_exits_2_on_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["law", "school-age", "--dob", "2010-02-30"])
    assert caught.value.code == 2
    assert "--dob is not a real date" in capsys.readouterr().err


def test_a_real_run_prints_json_and_a_real_bad_run_exits_2() -> None:
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    good = subprocess.run(
        [
            sys.executable,
            "-m",
            "rollcall",
            "law",
            "receipt",
            "--served-on",
            "2025-04-17",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["received_on"] == "2025-04-23"
    bad = subprocess.run(
        [sys.executable, "-m", "rollcall", "law", "receipt", "--served-on", "tomorrow"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert bad.returncode == 2
    assert "--served-on must be a date in the form YYYY-MM-DD, got 'tomorrow'" in bad.stderr
