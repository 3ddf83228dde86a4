"""Fail if a view, API or presenter module queries children's records directly.

Reads of pupils, marks, families, chronologies and worklists go through selectors scoped to the
user's organisation (ADR 0001); this guard keeps it that way. In an entry-point module
(any module or package under rollcall/ whose name starts with views, api or presenters) it flags:

- ``Model.objects`` (or ``_default_manager`` / ``_base_manager``) for a sensitive model;
- ``get_object_or_404(Model, ...)`` or ``get_list_or_404(Model, ...)`` for a sensitive model,
  which queries the whole table as surely as ``Model.objects`` does.

``get_object_or_404(selector(user=...), pk=...)`` is allowed: the selector has already scoped
the queryset to what the user may see, and the shortcut only turns "not there" into a 404.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

SENSITIVE = (
    "Pupil",
    "Mark",
    "MarkAmendment",
    "Enrolment",
    "Carer",
    "CarerLink",
    "Family",
    "ChronologyEntry",
    "WorklistItem",
    "Case",
    "CaseEvent",
    "CaseTask",
    "CaseDocument",
    "CaseAccessGrant",
    "CaseAccessRevocation",
    "ChildWorkSummary",
    "CaseConsent",
    "LeaveRequest",
    "LeaveDecision",
    "LeaveResponse",
    "HomeVisit",
    "ChecklistMark",
    "AgencyReferral",
    "AgencyResponse",
    "Condition",
    "CaseMeeting",
    "MeetingRecord",
    "SupportPlan",
    "AttendanceContract",
    "PanelReferral",
    "ReturnConversation",
    "LetterDraft",
    "Letter",
    "Sending",
    "Bounce",
    "LetterBatch",
    "LetterBatchItem",
    "LetterBatchLetter",
    "LetterBatchEmail",
    "LetterBatchRun",
    "LetterBatchRefusal",
    "LetterBatchRunEnd",
)
MANAGER = re.compile(rf"\b({'|'.join(SENSITIVE)})\.(objects|_default_manager|_base_manager)\b")
SHORTCUTS = ("get_object_or_404", "get_list_or_404")
ENTRY_POINTS = ("views", "api", "presenters")


def _called_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _model_named(node: ast.expr) -> str:
    """The model a shortcut's first argument names directly (``Pupil``, ``models.Pupil``)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def problems_in(source: str) -> list[tuple[int, str]]:
    """(line number, reason) for each direct query of a sensitive model in one module."""
    problems = []
    for number, line in enumerate(source.splitlines(), start=1):
        found = MANAGER.search(line)
        if found:
            problems.append((number, f"{found.group(0)} queries {found.group(1)} directly"))
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _called_name(node) in SHORTCUTS and node.args:
            model = _model_named(node.args[0])
            if model in SENSITIVE:
                shortcut = _called_name(node)
                problems.append((node.lineno, f"{shortcut}({model}, ...) queries {model} directly"))
    return sorted(problems)


def entry_point_modules(root: Path) -> list[Path]:
    return [
        path
        for path in sorted(root.rglob("*.py"))
        if any(part.startswith(ENTRY_POINTS) for part in path.relative_to(root).parts)
    ]


def main() -> int:
    root = Path(__file__).resolve().parent.parent / "rollcall"
    failures = []
    for path in entry_point_modules(root):
        for number, reason in problems_in(path.read_text()):
            failures.append(f"{path.relative_to(root.parent)}:{number}: {reason}")
    if failures:
        print("Entry points must read children's records through scoped selectors:")
        print("\n".join(failures))
        return 1
    print("check_views: no direct queries of sensitive models in views, API or presenters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
