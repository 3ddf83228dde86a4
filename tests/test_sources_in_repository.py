"""The repository cites only what a reader can find: no file points to documents outside it.

Code, data, tests and documents cite the primary source itself (docs/sources.md), and name
only documents in the repository. The strings are built in pieces so that this file does not
match itself.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHECKED = ("rollcall", "tests", "docs", "benchmarks", "scripts")
OUTSIDE = (
    "RULES" + " §",  # the restatement of the law the data was first written from
    "RULES" + ".md",
    "DESIGN" + ".md",
    "/work" + "/shared",
    "../" + "shared",
)


def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--", *CHECKED],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [REPO / name for name in listed.split("\0") if name]


def pointers_outside(text: str) -> list[tuple[int, str]]:
    """(line number, string) for every line that names something outside the repository."""
    return [
        (number, needle)
        for number, line in enumerate(text.splitlines(), 1)
        for needle in OUTSIDE
        if needle in line
    ]


def test_no_tracked_file_points_outside_the_repository() -> None:
    files = tracked_files()
    assert any(path.name == "sources.md" for path in files)

    found = []
    for path in files:
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found += [
            f"{path.relative_to(REPO)}:{number}: {needle}"
            for number, needle in pointers_outside(text)
        ]
    assert not found, "\n".join(found)


def test_the_check_finds_each_kind_of_pointer() -> None:
    text = "\n".join(
        [
            "ok: REG24 reg 10(2) Table 1",
            "RULES" + " §3 item 5",
            "see " + "RULES" + ".md",
            "the targets of " + "DESIGN" + ".md",
            "/work" + "/shared/seeds/000.txt",
        ]
    )
    assert [number for number, _ in pointers_outside(text)] == [2, 3, 4, 5]
