"""Every value in the statutory data cites sources that docs/sources.md lists."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.citations import citation_parts, listed_tags, unlisted

DATA = Path(__file__).resolve().parents[2] / "rollcall" / "statutory" / "data"


def citations(node: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("citation") and isinstance(value, str):
                yield f"{where}.{key}", value
            else:
                yield from citations(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from citations(value, f"{where}[{index}]")


@pytest.mark.parametrize("path", sorted(DATA.glob("*.yaml")), ids=lambda path: path.name)
def test_each_citation_names_only_listed_sources(path: Path) -> None:
    found = list(citations(yaml.safe_load(path.read_text(encoding="utf-8")), path.stem))

    assert found
    for where, citation in found:
        assert citation_parts(citation), where
        assert not unlisted(citation), f"{where}: {citation!r}"


def test_the_list_of_sources_has_the_acts_regulations_guidance_and_seeds() -> None:
    assert {"EA96", "REG24", "REG06", "PNR", "WTISA", "DFE-STATS", "ESX", "SEF"} <= listed_tags()


def test_a_citation_is_split_only_between_sources() -> None:
    assert citation_parts("REG24 reg 10 Table 3; DFE-STATS (Q; CONFIDENCE: medium)") == [
        "REG24 reg 10 Table 3",
        "DFE-STATS (Q; CONFIDENCE: medium)",
    ]
    assert unlisted("EA96 s444(3); Somebody's summary") == ["Somebody's summary"]
    assert unlisted("EA96s444") == ["EA96s444"]
