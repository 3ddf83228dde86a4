"""Letters in bulk: one letter to every parent of the children in a list at a school.

`letter_batch_create` keeps the plan the preview showed (who gets what, by which channel, who
is left out and why); `letter_batch_queue` puts a run of it on the database-backed task queue
(`rollcall db_worker` runs it); `letter_batch_run` does the work: each child's letters are
prepared from the record, rendered side by side in a pool of processes, recorded one child at
a time (each letter with its PDF of record, its hash and its chronology entry, exactly as one
letter issued from the case page), emailed to the parents who consented, and the letters to
post are put together, in order, in one PDF for the office to print.

Running a batch again sends nothing twice: an item (batch, letter, parent) gets its letter in
the same transaction as the letter is recorded, and its email in the same transaction as the
mail server's answer, and a run skips what is already done.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from rollcall.casework.documents import sha256_of, store, stored_path
from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label, audit_record
from rollcall.core.types import Actor
from rollcall.letters.bulk_plan import BatchPlan, batch_plan
from rollcall.letters.models import (
    Letter,
    LetterBatch,
    LetterBatchEmail,
    LetterBatchEmailAnswer,
    LetterBatchEmailAttempt,
    LetterBatchItem,
    LetterBatchLetter,
    LetterBatchRefusal,
    LetterBatchRun,
    LetterBatchRunEnd,
    Sending,
)
from rollcall.letters.render import LetterContent, Renderers, Rendering
from rollcall.letters.services.drafts import (
    LettersReady,
    letter_draft_create,
    letters_prepare,
    letters_record,
)
from rollcall.letters.services.sending import letter_email_send, letter_pdf, letter_post_record
from rollcall.organisations.models import School

NOTHING_TO_SEND = "Nobody in this list can be sent the letter: see who is left out and why"
PARENTS_CHANGED = (
    "The parents recorded for {child} changed after the preview: prepare the letter on the case"
)
RUNNING = "Run {number} of {batch} is running now: wait for it to finish"
EMAIL_REFUSED = "The mail server refused the email to {parent} ({reply}): post the letter instead"
EMAIL_UNKNOWN = (
    "The email to {parent} was being sent by run {run} on {when} when that run stopped, so "
    "rollcall cannot tell whether it went: ask the parent or the mail server's log, then send "
    "or post the letter from the case page"
)
EMAIL_ELSEWHERE = "Another run is emailing {parent} now: it is not sent twice"
STALE_RUN = dt.timedelta(hours=1)
# Children whose letters are rendered together before they are recorded.
CHUNK = 24

Progress = Callable[[int, int], None]


def _reference() -> str:
    from rollcall.letters.services.drafts import REFERENCE_ALPHABET

    return "LB-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


@transaction.atomic
def letter_batch_create(
    *,
    actor: Actor,
    school: School,
    letter_key: str,
    list_kind: str,
    met_from: dt.date | None,
    met_to: dt.date | None,
    period_from: dt.date | None,
    period_to: dt.date | None,
    on: dt.date,
) -> LetterBatch:
    """Keep the batch as the preview shows it now: its items in order and who is left out."""
    assert actor is not None, "a batch is asked for by someone"
    plan: BatchPlan = batch_plan(
        user=actor,
        school=school,
        letter_key=letter_key,
        list_kind=list_kind,
        met_from=met_from,
        met_to=met_to,
        period_from=period_from,
        period_to=period_to,
        on=on,
    )
    if not plan.letters:
        raise ValidationError(NOTHING_TO_SEND)
    reference = _reference()
    while LetterBatch.objects.filter(reference=reference).exists():
        reference = _reference()
    batch = LetterBatch.objects.create(
        reference=reference,
        school=school,
        letter_key=letter_key,
        title=plan.title,
        list_label=plan.list_label,
        period_from=plan.period_from,
        period_to=plan.period_to,
        dated=on,
        left_out=[{"child": left.child, "reason": left.reason} for left in plan.left_out],
        requested_at=clock.now(),
        requested_by=actor,
        requested_by_label=actor_label(actor),
    )
    LetterBatchItem.objects.bulk_create(
        LetterBatchItem(
            batch=batch,
            position=position,
            case=letter.case,
            carer=letter.link.carer,
            child_name=letter.child,
            recipient_name=letter.parent,
            relationship=letter.relationship,
            channel=letter.channel,
            sent_to=letter.sent_to,
        )
        for position, letter in enumerate(plan.letters, 1)
    )
    audit_record(
        actor=actor,
        verb=Verb.LETTER_BATCH,
        target=batch,
        summary=(
            f"Letters in bulk {reference}: {plan.title} to {len(plan.letters)} parents "
            f"({plan.by_post} by post, {plan.by_email} by email); {len(plan.left_out)} "
            "children left out"
        ),
        school_urn=school.urn,
        payload={"letter": letter_key, "list": plan.list_label, "left_out": batch.left_out},
    )
    return batch


@transaction.atomic
def letter_batch_queue(*, actor: Actor, batch: LetterBatch) -> LetterBatchRun:
    """Put a run of the batch on the task queue (the run and its task are written together)."""
    from rollcall.letters.tasks import letter_batch_run_task

    number = batch.runs.count() + 1
    result = letter_batch_run_task.enqueue(batch.pk, number)
    return LetterBatchRun.objects.create(
        batch=batch,
        number=number,
        queued_at=clock.now(),
        queued_by_label=actor_label(actor),
        task_id=str(result.id),
    )


@transaction.atomic
def letter_batch_run_start(*, actor: Actor, batch: LetterBatch) -> LetterBatchRun:
    """A run started here and now (the command line runs it in its own process)."""
    return LetterBatchRun.objects.create(
        batch=batch,
        number=batch.runs.count() + 1,
        queued_at=clock.now(),
        queued_by_label=actor_label(actor),
    )


@dataclass(frozen=True)
class _Work:
    items: list[LetterBatchItem]
    issued: dict[int, Letter]  # item id: the letter it has
    emailed: set[int]  # item ids emailed and accepted


def _work(batch: LetterBatch) -> _Work:
    items = list(
        batch.items.select_related("case__pupil", "case__school", "carer").order_by("position")
    )
    issued = {
        link.item_id: link.letter
        for link in LetterBatchLetter.objects.filter(item__batch=batch).select_related(
            "letter__carer", "letter__case__school", "letter__case__pupil"
        )
    }
    emailed = set(
        LetterBatchEmail.objects.filter(item__batch=batch).values_list("item_id", flat=True)
    )
    return _Work(items, issued, emailed)


def _by_case(items: list[LetterBatchItem]) -> Iterator[list[LetterBatchItem]]:
    groups: dict[int, list[LetterBatchItem]] = {}
    for item in items:
        groups.setdefault(item.case_id, []).append(item)
    yield from groups.values()


class _Run:
    """The counts one run keeps while it works, and its progress reports."""

    def __init__(self, run: LetterBatchRun, work: _Work, progress: Progress | None) -> None:
        self.run = run
        self.issued_letters = work.issued
        self.emailed_items = work.emailed
        emails = sum(1 for item in work.items if item.channel == LetterBatchItem.Channel.EMAIL)
        self.total = len(work.items) + emails
        self.done = len(work.issued) + len(work.emailed)
        self.issued = self.emailed = self.refused = 0
        self.progress = progress
        # The posted letters this run issued, in order, put together as they are recorded.
        self.print_file = PdfWriter()
        self.printed: list[int] = []
        self.report()

    def report(self, step: int = 0) -> None:
        self.done += step
        if self.progress is not None:
            self.progress(self.done, self.total)

    def refuse(self, case_id: int, reason: str) -> None:
        LetterBatchRefusal.objects.create(
            run=self.run, case_id=case_id, reason=reason, recorded_at=clock.now()
        )
        self.refused += 1


def letter_batch_run(
    *, run: LetterBatchRun, progress: Progress | None = None, renderers: int | None = None
) -> LetterBatchRunEnd:
    """Issue and send what the batch still needs; `progress(done, total)` after each step.
    Only the person who asked for the batch is recorded as issuing its letters.

    A pipeline: while the pool renders one lot of children's letters, this process records
    the lot before (each child's letters in one transaction), emails those who consented and
    adds the posted letters to the print file."""
    batch = run.batch
    if hasattr(run, "end"):
        raise ValidationError(f"Run {run.number} of {batch.reference} has already finished")
    busy = _running_elsewhere(run)
    if busy is not None:
        raise ValidationError(RUNNING.format(number=busy.number, batch=batch.reference))
    work = _work(batch)
    state = _Run(run, work, progress)
    cases = list(_by_case(work.items))
    with Renderers(renderers) as pool:
        pool.warm_up()
        pending: tuple[list[_Ready], Rendering, list[list[LetterBatchItem]]] | None = None
        for start in range(0, len(cases), CHUNK):
            chunk = cases[start : start + CHUNK]
            readies = _prepare(batch, chunk, state)
            rendering = pool.submit([content for ready in readies for content in ready.contents])
            if pending is not None:
                _finish(batch, *pending, state)
            pending = (readies, rendering, chunk)
        if pending is not None:
            _finish(batch, *pending, state)
    return _end(batch, state)


def _running_elsewhere(run: LetterBatchRun) -> LetterBatchRun | None:
    """Another run of the batch that the queue says is running now (two runs at once could
    both email a parent before either recorded it). A run started over an hour ago is taken
    to have died with its worker, which leaves its task marked running."""
    from django_tasks import TaskResultStatus
    from django_tasks.exceptions import TaskResultDoesNotExist

    from rollcall.letters.tasks import letter_batch_run_task

    others = (
        LetterBatchRun.objects.filter(batch=run.batch, end__isnull=True)
        .exclude(pk=run.pk)
        .exclude(task_id="")
    )
    for other in others:
        try:
            result = letter_batch_run_task.get_result(other.task_id)
        except TaskResultDoesNotExist:
            continue
        started = result.started_at
        recent = started is not None and clock.now() - started < STALE_RUN
        if result.status == TaskResultStatus.RUNNING and recent:
            return other
    return None


@dataclass(frozen=True)
class _Ready:
    ready: LettersReady
    items: list[LetterBatchItem]

    @property
    def contents(self) -> tuple[LetterContent, ...]:
        return self.ready.contents


def _prepare(batch: LetterBatch, chunk: list[list[LetterBatchItem]], state: _Run) -> list[_Ready]:
    """Each child's draft, filled from the record and checked, not yet rendered."""
    readies: list[_Ready] = []
    for items in chunk:
        if any(item.pk in state.issued_letters for item in items):
            continue
        case = items[0].case
        try:
            draft = letter_draft_create(
                actor=batch.requested_by,
                case=case,
                letter_key=batch.letter_key,
                acting_for=batch.school,
                on=batch.dated,
                period_from=batch.period_from,
                period_to=batch.period_to,
            )
            ready = letters_prepare(draft=draft, on=batch.dated)
        except ValidationError as refusal:
            state.refuse(case.pk, "; ".join(refusal.messages))
            continue
        if {link.carer_id for link in ready.links} != {item.carer_id for item in items}:
            state.refuse(case.pk, PARENTS_CHANGED.format(child=items[0].child_name))
            continue
        readies.append(_Ready(ready, items))
    return readies


def _finish(
    batch: LetterBatch,
    readies: list[_Ready],
    rendering: Rendering,
    chunk: list[list[LetterBatchItem]],
    state: _Run,
) -> None:
    """Record a lot's letters from their PDFs, then email the lot's consenting parents."""
    pdfs = rendering.result()
    at = 0
    for prepared in readies:
        mine = pdfs[at : at + len(prepared.contents)]
        at += len(prepared.contents)
        # Bulk letters go to parents only: every letter here has its carer.
        by_carer: dict[int | None, LetterBatchItem] = {
            item.carer_id: item for item in prepared.items
        }

        def note(
            letters: list[Letter], by_carer: dict[int | None, LetterBatchItem] = by_carer
        ) -> None:
            LetterBatchLetter.objects.bulk_create(
                LetterBatchLetter(item=by_carer[letter.carer_id], letter=letter)
                for letter in letters
            )

        letters = letters_record(
            actor=batch.requested_by, ready=prepared.ready, pdfs=mine, then=note
        )
        for letter, pdf in zip(letters, mine, strict=True):
            item = by_carer[letter.carer_id]
            state.issued_letters[item.pk] = letter
            if item.channel == LetterBatchItem.Channel.POST:
                state.print_file.append(PdfReader(io.BytesIO(pdf)))
                state.printed.append(letter.pk)
        state.issued += len(letters)
        state.report(len(letters))
    _email(batch, chunk, state)


def _email(batch: LetterBatch, chunk: list[list[LetterBatchItem]], state: _Run) -> None:
    for items in chunk:
        for item in items:
            letter = state.issued_letters.get(item.pk)
            if item.channel != LetterBatchItem.Channel.EMAIL or letter is None:
                continue
            if (
                item.pk in state.emailed_items
                or LetterBatchEmail.objects.filter(item=item).exists()
            ):
                continue
            attempt = _email_attempt(item, state)
            if attempt is None:
                continue
            try:
                sending = letter_email_send(
                    actor=batch.requested_by,
                    letter=letter,
                    then=functools.partial(_note_email, item, attempt),
                )
            except ValidationError as refusal:
                state.refuse(item.case_id, "; ".join(refusal.messages))
                continue
            if sending.outcome == Sending.Outcome.ACCEPTED:
                state.emailed_items.add(item.pk)
                state.emailed += 1
                state.report(1)
            else:
                parent = f"{item.recipient_name} ({item.relationship})"
                state.refuse(
                    item.case_id, EMAIL_REFUSED.format(parent=parent, reply=sending.server_reply)
                )


def _email_attempt(item: LetterBatchItem, state: _Run) -> LetterBatchEmailAttempt | None:
    """Write down, before the email goes, that this run is sending it; None (and the child
    refused, saying why) when an earlier attempt has no answer (a run stopped while sending it:
    it may have gone) or another run is sending it now."""
    attempts = list(item.email_attempts.select_related("answer", "run"))
    unanswered = [a for a in attempts if not hasattr(a, "answer")]
    parent = f"{item.recipient_name} ({item.relationship})"
    if unanswered:
        earlier = unanswered[-1]
        state.refuse(
            item.case_id,
            EMAIL_UNKNOWN.format(
                parent=parent,
                run=earlier.run.number,
                when=f"{timezone.localtime(earlier.started_at):%-d %B %Y at %H:%M}",
            ),
        )
        return None
    try:
        with transaction.atomic():
            return LetterBatchEmailAttempt.objects.create(
                item=item, number=len(attempts) + 1, run=state.run, started_at=clock.now()
            )
    except IntegrityError:
        state.refuse(item.case_id, EMAIL_ELSEWHERE.format(parent=parent))
        return None


def _note_email(item: LetterBatchItem, attempt: LetterBatchEmailAttempt, sending: Sending) -> None:
    """The server's answer to the attempt; only an email the server accepted counts as sent
    (a refused one is tried again by the next run)."""
    LetterBatchEmailAnswer.objects.create(attempt=attempt, sending=sending)
    if sending.outcome == Sending.Outcome.ACCEPTED:
        LetterBatchEmail.objects.create(item=item, sending=sending)


def batch_posted_letters(*, batch: LetterBatch) -> list[Letter]:
    """The batch's letters to post, in the batch's order."""
    return [
        link.letter
        for link in LetterBatchLetter.objects.filter(
            item__batch=batch, item__channel=LetterBatchItem.Channel.POST
        )
        .select_related("letter", "letter__carer", "letter__case__school")
        .order_by("item__position")
    ]


def _print_file(letters: list[Letter]) -> tuple[bytes, int]:
    """One PDF of the letters to post, each letter's own PDF of record in turn."""
    writer = PdfWriter()
    for letter in letters:
        writer.append(PdfReader(io.BytesIO(letter_pdf(letter))))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


@transaction.atomic
def _end(batch: LetterBatch, state: _Run) -> LetterBatchRunEnd:
    posted = batch_posted_letters(batch=batch)
    sha256, pages = "", 0
    if posted and [letter.pk for letter in posted] == state.printed:
        out = io.BytesIO()
        state.print_file.write(out)
        data, pages = out.getvalue(), len(state.print_file.pages)
        sha256 = store(data)
    elif posted:  # some were issued by an earlier run: the file is made from the stored PDFs
        data, pages = _print_file(posted)
        sha256 = store(data)
    end = LetterBatchRunEnd.objects.create(
        run=state.run,
        finished_at=clock.now(),
        issued=state.issued,
        emailed=state.emailed,
        refused=state.refused,
        print_sha256=sha256,
        print_pages=pages,
        print_letters=len(posted),
    )
    audit_record(
        actor=batch.requested_by,
        verb=Verb.LETTER_BATCH_RUN,
        target=batch,
        summary=(
            f"Letters in bulk {batch.reference}, run {state.run.number}: {state.issued} letters "
            f"issued, {state.emailed} emailed, {state.refused} not finished; "
            f"{len(posted)} letters to post in one file of {pages} pages"
        ),
        school_urn=batch.school.urn,
        payload={"run": state.run.number, "print_sha256": sha256},
    )
    return end


def batch_print_pdf(*, end: LetterBatchRunEnd) -> bytes:
    """The run's print file, if it is still as it was made."""
    data = stored_path(end.print_sha256).read_bytes()
    if sha256_of(data) != end.print_sha256:
        raise ValueError("The stored print file no longer matches its SHA-256")
    return data


def letter_batch_posted_record(
    *, actor: Actor, batch: LetterBatch, posted_on: dt.date, posted_by: str
) -> int:
    """The office posted the batch's printed letters: record each posting (with its deemed
    date of receipt) once; letters already recorded as posted are left as they are."""
    count = 0
    for letter in batch_posted_letters(batch=batch):
        if letter.sendings.filter(channel=Sending.Channel.POST).exists():
            continue
        letter_post_record(actor=actor, letter=letter, posted_on=posted_on, posted_by=posted_by)
        count += 1
    return count
