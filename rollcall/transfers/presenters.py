"""Turn forms, records and refusals into plain data for the transfer pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from rollcall.organisations.models import School
from rollcall.pupils.models import Pupil
from rollcall.transfers.models import Certificate, ImportBatch
from rollcall.transfers.problems import ImportRefused

PROBLEMS_SHOWN = 1000  # the command line lists every one


@dataclass(frozen=True)
class ProblemList:
    headline: str
    hint: str
    count: int
    rows: list[list[dict[str, object]]]  # GOV.UK table rows: where, reason
    not_shown: int


@dataclass(frozen=True)
class BatchRow:
    link: SafeString
    kind: str
    file_name: str
    imported: str
    by: str
    summary: str


def _breakable_path(where: str) -> SafeString:
    # An element path has no spaces; let it wrap after each "/" rather than widen the table.
    return mark_safe(str(escape(where)).replace("/", "/<wbr>"))


def problem_list(exc: ImportRefused) -> ProblemList:
    rows: list[list[dict[str, object]]] = [
        [{"html": _breakable_path(p.where)}, {"text": p.reason}]
        for p in exc.problems[:PROBLEMS_SHOWN]
    ]
    return ProblemList(
        headline=exc.headline,
        hint=exc.hint,
        count=len(exc.problems),
        rows=rows,
        not_shown=max(0, len(exc.problems) - PROBLEMS_SHOWN),
    )


def school_rows(schools: Iterable[School]) -> list[list[dict[str, object]]]:
    """Rows for the table of schools: name, URN and what the user can do for each."""
    rows: list[list[dict[str, object]]] = []
    for school in schools:
        links = format_html_join(
            "",
            '<li><a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden">'
            " for {}</span></a></li>",
            (
                (reverse(f"transfers:{name}", args=[school.urn]), text, school.name)
                for name, text in (
                    ("marks_export", "Export marks (CSV)"),
                    ("ctf_export", "CTF for a pupil leaving"),
                    ("certificate", "Attendance certificate"),
                )
            ),
        )
        rows.append(
            [
                {"text": school.name},
                {"text": school.urn},
                {
                    "html": format_html(
                        '<ul class="govuk-list govuk-!-margin-bottom-0">{}</ul>', links
                    )
                },
            ]
        )
    return rows


def _local(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%-d %b %Y %H:%M}"


def batch_summary(batch: ImportBatch) -> str:
    if batch.kind == ImportBatch.Kind.CTF:
        return (
            f"{batch.rows} pupil(s), {batch.pupils_created} new, {batch.marks_created:,} "
            f"sessions at earlier schools kept, {batch.marks_unchanged:,} already held"
        )
    parts = [f"{batch.marks_created:,} marks recorded"]
    if batch.marks_amended:
        parts.append(f"{batch.marks_amended:,} amended")
    parts.append(f"{batch.marks_unchanged:,} already recorded")
    return ", ".join(parts)


def batch_rows(batches: Iterable[ImportBatch]) -> list[BatchRow]:
    return [
        BatchRow(
            link=format_html(
                '<a class="govuk-link" href="{}">{}</a>',
                reverse("transfers:import_detail", args=[batch.pk]),
                batch.file_name,
            ),
            kind=batch.get_kind_display(),
            file_name=batch.file_name,
            imported=_local(batch.imported_at),
            by=batch.imported_by_label,
            summary=batch_summary(batch),
        )
        for batch in batches
    ]


def batch_details(batch: ImportBatch) -> list[dict[str, dict[str, str]]]:
    """Rows for a GOV.UK summary list."""
    rows = [
        ("File", batch.file_name),
        ("Kind", batch.get_kind_display()),
        ("Imported", f"{_local(batch.imported_at)} by {batch.imported_by_label}"),
        ("For", ", ".join(f"{s.name} ({s.urn})" for s in batch.schools.all())),
        ("Rows" if batch.kind == ImportBatch.Kind.MARKS else "Pupils", f"{batch.rows:,}"),
        ("Result", batch_summary(batch)),
        ("Reason for amendments", batch.reason or "None given (no marks were amended)"),
        ("SHA-256 of the file", batch.sha256),
    ]
    return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]


def school_choices(schools: Iterable[School]) -> list[tuple[str, str]]:
    return [(school.urn, f"{school.name} ({school.urn})") for school in schools]


def pupil_choices(pupils: Iterable[Pupil]) -> list[tuple[str, str]]:
    return [
        (pupil.upn, f"{pupil.legal_surname}, {pupil.legal_forename} ({pupil.upn})")
        for pupil in pupils
    ]


def certificate_rows(certificates: Iterable[Certificate]) -> list[list[dict[str, str]]]:
    return [
        [
            {"text": c.reference},
            {"text": f"{c.pupil.legal_forename} {c.pupil.legal_surname} ({c.pupil.upn})"},
            {"text": f"{c.first_date:%-d %b %Y} to {c.last_date:%-d %b %Y}"},
            {"text": f"{_local(c.generated_at)} by {c.generated_by_label}"},
            {"text": c.sha256[:16] + "…", "classes": "rollcall-monospace"},
        ]
        for c in certificates
    ]
