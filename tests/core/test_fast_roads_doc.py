"""docs/fast-roads.md names real functions and real tests, so the list cannot quietly rot."""

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TABLE = (ROOT / "docs" / "fast-roads.md").read_text()
FUNCTION = re.compile(r"`(rollcall(?:\.\w+)+):(\w+)`")
TEST = re.compile(r"`(tests/[\w/]+\.py)?::(test_\w+)`")


def _rows() -> list[str]:
    return [line for line in TABLE.splitlines() if line.startswith("| ") and "`" in line]


def test_the_table_lists_every_pair():
    assert len(_rows()) >= 6
    for row in _rows():
        assert len(FUNCTION.findall(row)) >= 2, row
        assert TEST.search(row), row


def test_every_road_named_is_a_function_that_exists():
    for module, name in FUNCTION.findall(TABLE):
        assert callable(getattr(importlib.import_module(module), name, None)), f"{module}:{name}"


def test_every_test_named_exists():
    for row in _rows():
        path = None
        for file, name in TEST.findall(row):
            path = file or path
            assert path, row
            assert f"def {name}(" in (ROOT / path).read_text(), f"{path}::{name}"
