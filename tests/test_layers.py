"""Arrows point down (the layers: statutory and policies, the engine, the apps, the entry points):
a lower room never imports a higher one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROLLCALL = Path(__file__).resolve().parents[1] / "rollcall"


def _imports(package: str) -> dict[str, set[str]]:
    """Every rollcall module each module of `package` imports, by file."""
    found: dict[str, set[str]] = {}
    for path in (ROLLCALL / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[str(path.relative_to(ROLLCALL.parent))] = {
            n for n in names if n == "rollcall" or n.startswith("rollcall.")
        }
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("registers", ("rollcall.casework",)),
        ("core", ("rollcall.demo",)),
        ("statutory", ("rollcall.",)),  # the law is pure data and functions
        (
            "engine",
            tuple(
                f"rollcall.{app}"
                for app in (
                    "accounts",
                    "analytics",
                    "api",
                    "casework",
                    "core",
                    "demo",
                    "organisations",
                    "pupils",
                    "registers",
                    "transfers",
                    "web",
                )
            ),
        ),
    ],
)
def test_a_lower_room_never_imports_a_higher_one(package, forbidden):
    wrong = {
        module: sorted(
            name
            for name in names
            if name.startswith(forbidden)
            and not (package == "statutory" and name.startswith("rollcall.statutory"))
        )
        for module, names in _imports(package).items()
    }
    assert {module: names for module, names in wrong.items() if names} == {}
