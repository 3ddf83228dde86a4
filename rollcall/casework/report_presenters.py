"""The local authority's termly severe-absence list as a spreadsheet: one row per pupil and
school, with the services involved and a summary of each plan. Every cell a person typed is
neutralised so a spreadsheet never runs it as a formula."""

from __future__ import annotations

from rollcall.analytics.presenters.pupil_list import safe_cell
from rollcall.casework.models import Case, CaseTask
from rollcall.casework.severe_absence import Period, SeverelyAbsent
from rollcall.policies import load_profile

HEAD = [
    "school_urn",
    "school",
    "upn",
    "surname",
    "forename",
    "year_group",
    "period",
    "from",
    "to",
    "possible_sessions",
    "attendance_pct",
    "authorised_absences",
    "unauthorised_absences",
    "social_worker",
    "child_in_need",
    "child_protection_plan",
    "looked_after",
    "case_run_by",
    "case_stage",
    "lead_practitioner",
    "open_tasks",
    "plan_summary",
]


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _stage(case: Case) -> str:
    try:
        return load_profile(case.profile_key).stage(case.stage_key).name
    except KeyError:
        return case.stage_key


def _task(task: CaseTask) -> str:
    due = f"due {task.due_on:%-d %B %Y}" if task.due_on else "no date yet"
    return f"{task.label} ({due})"


def _plan(case: Case, tasks: list[CaseTask]) -> str:
    ordered = sorted(tasks, key=lambda task: (task.due_on is None, task.due_on, task.pk))
    steps = "; ".join(_task(task) for task in ordered) or "nothing open"
    return (
        f"{case.owner.name}: {_stage(case)} since {case.stage_entered_on:%-d %B %Y}; to do: {steps}"
    )


def severe_absence_rows(lines: list[SeverelyAbsent], period: Period) -> list[list[str]]:
    rows = []
    for line in lines:
        figures = line.figures
        welfare = line.welfare
        cases = line.cases
        rows.append(
            [
                line.school.urn,
                safe_cell(line.school.name),
                line.pupil.upn,
                safe_cell(line.pupil.legal_surname),
                safe_cell(line.pupil.legal_forename),
                safe_cell(line.year_group),
                safe_cell(period.name),
                period.first.isoformat(),
                period.last.isoformat(),
                str(figures.possible),
                f"{figures.attendance_percent:.1f}"
                if figures.attendance_percent is not None
                else "",
                str(figures.authorised_absence),
                str(figures.unauthorised_absence),
                safe_cell(welfare.social_worker),
                _yes(welfare.child_in_need),
                _yes(welfare.child_protection_plan),
                _yes(welfare.looked_after),
                safe_cell(" | ".join(case.owner.name for case in cases)),
                safe_cell(" | ".join(_stage(case) for case in cases)),
                safe_cell(" | ".join(case.lead_practitioner_label for case in cases)),
                str(sum(len(line.open_tasks.get(case.pk, [])) for case in cases)),
                safe_cell(
                    " | ".join(_plan(case, line.open_tasks.get(case.pk, [])) for case in cases)
                    or "No case open"
                ),
            ]
        )
    return rows
