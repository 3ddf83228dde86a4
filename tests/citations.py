"""The sources docs/sources.md lists, and whether a citation names them.

A citation is a list of sources separated by semicolons: "REG24 reg 10 Table 3; WTISA; DFE-STATS".
Each one begins with the tag of a source listed in docs/sources.md (the first column of its
tables), followed by the provision: a section, regulation, paragraph or heading.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

SOURCES = Path(__file__).resolve().parent.parent / "docs" / "sources.md"
_ROW = re.compile(r"^\| ([^|]+?) \|")


@cache
def listed_tags() -> frozenset[str]:
    """The tag of every source docs/sources.md lists (a cell may give two spellings: "A, B")."""
    tags = set()
    for line in SOURCES.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match and match.group(1) != "Tag" and set(match.group(1)) - set("- "):
            tags.update(match.group(1).split(", "))
    return frozenset(tags)


def citation_parts(citation: str) -> list[str]:
    """The sources a citation names: split at semicolons outside parentheses."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(citation):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ";" and depth == 0:
            parts.append(citation[start:index])
            start = index + 1
    parts.append(citation[start:])
    return [" ".join(part.split()) for part in parts if part.strip()]


def unlisted(citation: str) -> list[str]:
    """The parts of a citation that do not begin with a tag docs/sources.md lists."""
    tags = listed_tags()
    return [
        part
        for part in citation_parts(citation)
        if not any(re.match(re.escape(tag) + r"(?![A-Za-z0-9])", part) for tag in tags)
    ]
