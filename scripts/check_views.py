"""Fail if a view, API or presenter module queries children's records directly.

Reads of pupils, marks, families and cases go through selectors scoped to the user's
organisation (DESIGN.md); this guard keeps it that way.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

SENSITIVE = ("Pupil", "Mark", "MarkAmendment", "Enrolment", "Carer", "CarerLink", "Family")
PATTERN = re.compile(rf"\b({'|'.join(SENSITIVE)})\.objects\b")
ENTRY_POINTS = ("views", "api", "presenters")


def main() -> int:
    root = Path(__file__).resolve().parent.parent / "rollcall"
    failures = []
    for path in sorted(root.rglob("*.py")):
        if not any(part.startswith(ENTRY_POINTS) for part in path.relative_to(root).parts):
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if PATTERN.search(line):
                failures.append(f"{path.relative_to(root.parent)}:{number}: {line.strip()}")
    if failures:
        print("Entry points must read children's records through scoped selectors:")
        print("\n".join(failures))
        return 1
    print("check_views: no direct queries of sensitive models in views, API or presenters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
