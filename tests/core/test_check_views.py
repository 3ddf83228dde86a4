"""The view guard (scripts/check_views.py) flags direct reads of children's records in entry
points and lets selector-scoped reads through."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_views.py"
spec = importlib.util.spec_from_file_location("check_views", SCRIPT)
assert spec and spec.loader
check_views = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_views)


@pytest.mark.parametrize(
    "line",
    [
        "entries = ChronologyEntry.objects.filter(pupil=pupil)",
        "item = WorklistItem.objects.get(pk=item_id)",
        "pupil = Pupil._default_manager.get(upn=upn)",
        "pupil = get_object_or_404(Pupil, upn=upn)",
        "item = shortcuts.get_object_or_404(models.WorklistItem, pk=item_id)",
        "entries = get_list_or_404(ChronologyEntry, pupil=pupil)",
    ],
)
def test_it_flags_a_direct_query_of_a_sensitive_model(line):
    problems = check_views.problems_in(line + "\n")
    assert [number for number, _ in problems] == [1]


@pytest.mark.parametrize(
    "line",
    [
        "group = get_object_or_404(groups_for(user=request.user), pk=group_id)",
        "school = get_object_or_404(School, urn=urn)",
        "status = WorklistItem.Status.OPEN",
        "kinds = ChronologyEntry.Kind.choices",
    ],
)
def test_it_allows_selector_scoped_reads_and_model_constants(line):
    assert check_views.problems_in(line + "\n") == []


def test_rollcalls_entry_points_pass_the_guard():
    root = SCRIPT.parent.parent / "rollcall"
    modules = check_views.entry_point_modules(root)
    assert any(path.name == "views.py" for path in modules)
    assert {str(path): check_views.problems_in(path.read_text()) for path in modules} == {
        str(path): [] for path in modules
    }
