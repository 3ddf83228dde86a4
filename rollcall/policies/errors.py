"""PolicyError and the plain-English messages it carries.

Every message names the file and the key path, so a local-authority officer who
edits a profile can find the line: ``essex.yaml: notice_to_improve.school_weeks:
must be between 3 and 6 (national range, WTISA), got 8 (line 41)``.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

Loc = tuple[str | int, ...]


def dotted(loc: Loc) -> str:
    return ".".join(str(part) for part in loc)


@dataclass(frozen=True)
class Problem:
    file: Path
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        if self.path:
            where = f" (line {self.line})" if self.line else ""
            return f"{self.file.name}: {self.path}: {self.message}{where}"
        if self.line:
            return f"{self.file.name}: line {self.line}: {self.message}"
        return f"{self.file.name}: {self.message}"


class PolicyError(ValueError):
    """A profile could not be read or is not valid; ``problems`` lists every reason found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @classmethod
    def single(cls, file: Path, path: str, message: str, line: int | None = None) -> PolicyError:
        return cls([Problem(file, path, message, line)])


def describe(error: ValidationError, root: type[BaseModel]) -> list[tuple[Loc, str]]:
    """Turn pydantic's errors into (key path, message) pairs worded for profile authors."""
    described: list[tuple[Loc, str]] = []
    for item in error.errors():
        loc: Loc = tuple(item["loc"])
        kind = item["type"]
        if kind == "policy_check":
            described.extend(item["ctx"]["problems"])
        elif kind == "extra_forbidden":
            described.append((loc, _unknown_key(root, loc)))
        elif kind == "missing":
            described.append((loc, "required key is missing"))
        else:
            described.append((loc, _with_input(item)))
    return described


def _with_input(item: Mapping[str, Any]) -> str:
    message = str(item["msg"]).removeprefix("Value error, ")
    value = item.get("input")
    # pydantic's own messages (they carry a "url") do not quote the bad value; ours do.
    if "url" in item and isinstance(value, str | int | float | bool):
        message = f"{message}, got {value!r}"
    return message


def _unknown_key(root: type[BaseModel], loc: Loc) -> str:
    name = str(loc[-1])
    allowed = _keys_allowed_at(root, loc[:-1])
    close = difflib.get_close_matches(name, allowed, n=1)
    if close:
        return f"unknown key {name!r} (did you mean {close[0]!r}?)"
    if allowed:
        return f"unknown key {name!r}; allowed here: {', '.join(allowed)}"
    return f"unknown key {name!r}"


def _keys_allowed_at(root: type[BaseModel], loc: Loc) -> list[str]:
    """The keys the model accepts at ``loc`` (following lists and named mappings)."""
    current: Any = root
    in_named_map = False
    for part in loc:
        current = _strip(current)
        origin = get_origin(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return []
            current, in_named_map = field.annotation, False
        elif origin in (tuple, list):
            current = get_args(current)[0]
        elif origin in (dict, Mapping):
            current, in_named_map = get_args(current)[1], True
        else:
            return []
    current = _strip(current)
    if not (isinstance(current, type) and issubclass(current, BaseModel)):
        return []
    # Items of a named mapping get their key from the mapping; authors never write it.
    return [name for name in current.model_fields if not (in_named_map and name == "key")]


def _strip(annotation: Any) -> Any:
    """Remove Annotated[...] and "| None" wrappers."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation
