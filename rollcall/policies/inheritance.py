"""How a profile inherits from the profile it is ``based_on``.

Rules, in the order a reader needs them:
- key, name, kind, based_on and sources belong to each file and are never inherited;
- a mapping merges key by key, the child winning (so a child can change one letter's
  title or one penalty-notice choice and keep the rest);
- a list (stages, codes, review points) is replaced whole: order matters, so a child
  that lists stages lists all of them;
- writing ``null`` removes an inherited value (its default then applies);
- a child that changes any value of a part carrying a ``source`` must cite its own
  source there, so no value is ever shown with someone else's citation;
- the parts of ``casework`` that name stages (first_stage, transfer, stage_work) belong to
  the stages they name: a child that lists its own stages inherits none of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rollcall.policies.errors import Loc, Problem, dotted
from rollcall.policies.yamlfile import YamlFile

OWN_KEYS = ("key", "name", "kind", "based_on", "sources")
STAGE_BOUND = ("first_stage", "transfer", "stage_work")


def merge_chain(chain: Sequence[YamlFile]) -> tuple[dict[str, Any], list[Problem]]:
    """Merge ``chain`` (the file first, then its parent, grandparent …) into one mapping."""
    *children, root = chain
    merged = dict(root.data)
    problems: list[Problem] = []
    for child in reversed(children):
        inherited = {k: v for k, v in merged.items() if k not in OWN_KEYS}
        if "stages" in child.data and isinstance(inherited.get("casework"), dict):
            inherited["casework"] = {
                k: v for k, v in inherited["casework"].items() if k not in STAGE_BOUND
            }
        merged = _merge(inherited, child.data, (), child, problems)
    return merged, problems


def _merge(
    parent: dict[str, Any],
    child: dict[str, Any],
    loc: Loc,
    child_file: YamlFile,
    problems: list[Problem],
) -> dict[str, Any]:
    if "source" in parent and child and "source" not in child:
        problems.append(
            Problem(
                child_file.path,
                dotted((*loc, "source")),
                "this part overrides inherited values, so give its own source",
                child_file.line_of(loc),
            )
        )
    merged = dict(parent)
    for key, value in child.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(parent.get(key), dict):
            merged[key] = _merge(parent[key], value, (*loc, key), child_file, problems)
        else:
            merged[key] = value
    return merged


def origin(chain: Sequence[YamlFile], loc: Loc) -> YamlFile:
    """The file in ``chain`` that wrote the value at ``loc`` (the first file if none did)."""
    if loc and loc[0] in OWN_KEYS:
        return chain[0]
    for file in chain:
        if file.sets(loc):
            return file
    return chain[0]
