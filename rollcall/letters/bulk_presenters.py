"""Letters in bulk as the pages show them: the preview (who gets what, by which channel, who is
left out and why) and a batch's progress. Plain data, no logic in templates."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from rollcall.letters.bulk_plan import BatchPlan
from rollcall.letters.models import LetterBatch, LetterBatchItem
from rollcall.letters.selectors import BatchProgress, batch_items, long_date

STATUS_WORDS = {
    "READY": "Waiting for the worker to start it",
    "RUNNING": "Running",
    "SUCCESSFUL": "Finished",
    "FAILED": "Stopped before the end",
}


@dataclass(frozen=True)
class Row:
    child: str
    parent: str
    channel: str
    sent_to: str


def _rows(letters: list[tuple[str, str, str, str]]) -> list[Row]:
    return [Row(*letter) for letter in letters]


@dataclass(frozen=True)
class PreviewPage:
    title: str
    list_label: str
    rows: list[Row]
    left_out: list[dict[str, str]]
    by_post: int
    by_email: int
    summary: str


def preview_page(plan: BatchPlan) -> PreviewPage:
    rows = _rows(
        [
            (
                letter.child,
                f"{letter.parent} ({letter.relationship})",
                "Email" if letter.channel == "email" else "First-class post",
                letter.sent_to.replace("\n", ", "),
            )
            for letter in plan.letters
        ]
    )
    children = len({letter.case.pk for letter in plan.letters})
    summary = (
        f"{len(plan.letters)} letters to the parents of {children} children: "
        f"{plan.by_post} by post and {plan.by_email} by email. "
        f"{len(plan.left_out)} children in the list get no letter."
    )
    return PreviewPage(
        title=plan.title,
        list_label=plan.list_label,
        rows=rows,
        left_out=[{"child": left.child, "reason": left.reason} for left in plan.left_out],
        by_post=plan.by_post,
        by_email=plan.by_email,
        summary=summary,
    )


@dataclass(frozen=True)
class BatchPage:
    batch: LetterBatch
    asked: str
    status: str
    running: bool
    done: int
    steps: int
    percent: int
    progress_text: str
    rows: list[Row]
    left_out: list[dict[str, str]]
    refusals: list[tuple[str, str]]
    finished: str
    print_href: str
    print_text: str
    may_rerun: bool


def batch_page(*, batch: LetterBatch, progress: BatchProgress) -> BatchPage:
    urn = batch.school.urn
    items: list[LetterBatchItem] = batch_items(batch=batch)
    rows = _rows(
        [
            (
                item.child_name,
                f"{item.recipient_name} ({item.relationship})",
                item.get_channel_display(),
                item.sent_to.replace("\n", ", "),
            )
            for item in items
        ]
    )
    end = progress.end
    status = STATUS_WORDS.get(progress.task_status, "")
    if end is not None:
        status = "Finished"
    elif progress.run is not None and not progress.run.task_id:
        status = status or "Running from the command line"
    if progress.task_error:
        status = f"Stopped before the end ({progress.task_error}): run it again"
    running = progress.run is not None and end is None and progress.task_status != "FAILED"
    percent = round(100 * progress.done / progress.steps) if progress.steps else 100
    finished, print_href, print_text = "", "", ""
    if end is not None:
        at = timezone.localtime(end.finished_at)
        finished = (
            f"Run {progress.run.number if progress.run else ''} finished on "
            f"{at:%-d %B %Y at %H:%M}: {end.issued} letters issued and {end.emailed} emailed "
            f"in this run; {end.refused} children not finished."
        )
        if end.print_sha256:
            print_href = reverse("letters_bulk:print", args=[urn, batch.reference])
            print_text = (
                f"Print the {end.print_letters} letters to post "
                f"(one PDF, {end.print_pages} pages, in order)"
            )
    period = ""
    if batch.period_from and batch.period_to:
        period = f", figures from {long_date(batch.period_from)} to {long_date(batch.period_to)}"
    return BatchPage(
        batch=batch,
        asked=(
            f"{batch.title} to the parents in “{batch.list_label}”{period}; asked for by "
            f"{batch.requested_by_label} on {long_date(batch.dated)}"
        ),
        status=status,
        running=running,
        done=progress.done,
        steps=progress.steps,
        percent=percent,
        progress_text=f"{progress.done} of {progress.steps} steps done ({percent}%)",
        rows=rows,
        left_out=list(batch.left_out),
        refusals=progress.refusals,
        finished=finished,
        print_href=print_href,
        print_text=print_text,
        may_rerun=not running,
    )
