"""Read one profile file: its data, the line of every key, and clear syntax errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rollcall.policies.errors import Loc, PolicyError, Problem, dotted


@dataclass(frozen=True)
class YamlFile:
    path: Path
    data: dict[str, Any]
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int | None:
        """The line of ``loc``, or of the nearest enclosing key this file sets."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return None

    def sets(self, loc: Loc) -> bool:
        """Whether this file itself writes a value at ``loc`` (or at a list that holds it)."""
        current: Any = self.data
        for part in loc:
            if isinstance(current, list):
                return True  # lists are written whole, so every item is this file's
            if not (isinstance(current, dict) and part in current):
                return False
            current = current[part]
        return True


def read_yaml(path: Path) -> YamlFile:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError.single(path, "", f"cannot be read: {error}") from error

    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        column = f" at column {mark.column + 1}" if mark else ""
        message = f"YAML syntax error{column}: {error.problem or error.context}"
        raise PolicyError.single(path, "", message, line) from error
    except yaml.YAMLError as error:
        raise PolicyError.single(path, "", f"YAML syntax error: {error}") from error
    finally:
        loader.dispose()

    if node is None or not isinstance(data, dict):
        found = "nothing" if data is None else type(data).__name__
        raise PolicyError.single(path, "", f"should hold a mapping of profile keys, found {found}")

    lines: dict[Loc, int] = {}
    problems: list[Problem] = []
    _walk(node, (), lines, problems, path)
    if problems:
        raise PolicyError(problems)
    return YamlFile(path, data, lines)


def _walk(
    node: yaml.Node, loc: Loc, lines: dict[Loc, int], problems: list[Problem], path: Path
) -> None:
    """Record each key's line and refuse duplicate keys (YAML would keep the last silently)."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[object, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    Problem(
                        path,
                        dotted((*loc, key)) if key is not None else dotted(loc),
                        f"duplicate key (first written on line {seen[key]})",
                        line,
                    )
                )
                continue
            seen[key] = line
            if key is not None:
                lines[(*loc, key)] = line
                _walk(value_node, (*loc, key), lines, problems, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*loc, index)] = item.start_mark.line + 1
            _walk(item, (*loc, index), lines, problems, path)
