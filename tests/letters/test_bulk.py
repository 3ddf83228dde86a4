"""Letters in bulk: a preview of who gets which letter by which channel and who cannot be
reached and why; one run on the database-backed task queue, run by the worker, that issues each
parent's letter of record, emails those who consented (arriving at a real SMTP server) and puts
the letters to post in one printable PDF in order; and a second run that sends nothing."""

from __future__ import annotations

import datetime as dt
import email
import io
import smtplib
from email import policy

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from rollcall.analytics.models import WorklistItem
from rollcall.letters.bulk_plan import batch_plan
from rollcall.letters.models import Letter, LetterBatchRun, Sending
from rollcall.letters.services.bulk import (
    batch_print_pdf,
    letter_batch_create,
    letter_batch_posted_record,
    letter_batch_queue,
    letter_batch_run,
    letter_batch_run_start,
)
from tests.conftest import set_clock
from tests.letters.test_sending import smtp  # noqa: F401  (the SMTP server fixture)
from tests.letters.world import FIRST, LAST, add_child, make_world, pdf_text

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = dt.date(2024, 12, 16)
KIND = "persistent_absence"


def _school_world():
    """Ada (mother by email with consent, father by post), Ben (his mother by post), Cy (his
    father has no address and no email: Cy's letters are held back), Dee (no open case); each
    newly persistently absent last week. Eve met it a month earlier: not in this week's list."""
    world = make_world()
    add_child(
        world,
        "Ben",
        "Moss",
        [
            {
                "relationship": "mother",
                "title": "Mrs",
                "forename": "Kim",
                "surname": "Moss",
                "address_line_1": "7 Elm Close",
                "town": "Testbury",
                "postcode": "TE1 7EC",
            }
        ],
    )
    add_child(
        world,
        "Cy",
        "Hale",
        [
            {
                "relationship": "mother",
                "forename": "Lee",
                "surname": "Hale",
                "address_line_1": "1 Oak Row",
                "town": "Testbury",
                "postcode": "TE1 1OR",
            },
            {"relationship": "father", "title": "Mr", "forename": "Max", "surname": "Hale"},
        ],
    )
    add_child(
        world,
        "Dee",
        "Lowe",
        [{"relationship": "mother", "forename": "Ann", "surname": "Lowe", "postcode": "TE1 2AL"}],
        case=False,
    )
    eve = add_child(
        world, "Eve", "Ng", [{"relationship": "mother", "forename": "Mo", "surname": "Ng"}]
    )
    from rollcall.pupils.models import Pupil

    for pupil in Pupil.objects.all():
        met = dt.date(2024, 11, 8) if pupil == eve else dt.date(2024, 12, 12)
        WorklistItem.objects.create(
            school=world.school,
            pupil=pupil,
            kind=KIND,
            met_on=met,
            detail="Below 90 %",
            found_on=met,
            created_at=timezone.now(),
        )
    return world


def _plan_args(world):
    return {
        "school": world.school,
        "letter_key": "attendance_concern",
        "list_kind": KIND,
        "met_from": dt.date(2024, 12, 9),
        "met_to": dt.date(2024, 12, 13),
        "period_from": FIRST,
        "period_to": LAST,
        "on": TODAY,
    }


def test_the_preview_says_who_gets_what_by_which_channel_and_who_cannot_be_reached(time_machine):
    set_clock(time_machine, TODAY, 9)
    world = _school_world()

    plan = batch_plan(user=world.officer, **_plan_args(world))

    assert [(p.child, p.parent, p.channel, p.sent_to) for p in plan.letters] == [
        ("Ben Moss", "Mrs Kim Moss", "post", "7 Elm Close\nTestbury\nTE1 7EC"),
        ("Ada Stone", "Ms Jo Stone", "email", "jo.stone@example.org"),
        ("Ada Stone", "Mr Sam Reed", "post", "Flat 2, 9 Quay Street\nPortbury\nPB2 9QS"),
    ]
    left = {left.child: left.reason for left in plan.left_out}
    assert set(left) == {"Cy Hale", "Dee Lowe"}
    assert left["Cy Hale"] == (
        "Held back, so that each parent is written to: Mr Max Hale (Cy's father) cannot be "
        "reached: no postal address is recorded, and no email address"
    )
    assert left["Dee Lowe"].startswith("No open case at Riverside Primary School")


def _run_worker():
    call_command(
        "db_worker", "--batch", "--queue-name", "letters", "--no-startup-delay", verbosity=0
    )


def test_the_worker_issues_each_letter_emails_those_who_consented_and_makes_one_print_file(
    time_machine,
    smtp,  # noqa: F811
):
    set_clock(time_machine, TODAY, 9)
    world = _school_world()
    batch = letter_batch_create(actor=world.officer, **_plan_args(world))
    run = letter_batch_queue(actor=world.officer, batch=batch)
    assert not Letter.objects.exists()  # queued, not yet run

    _run_worker()

    end = LetterBatchRun.objects.get(pk=run.pk).end
    assert (end.issued, end.emailed, end.refused) == (3, 1, 0)
    [envelope] = smtp.arrived
    assert envelope.rcpt_tos == ["jo.stone@example.org"]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    [attachment] = list(message.iter_attachments())
    assert "Dear Ms Stone" in pdf_text(attachment.get_content())

    reader = PdfReader(io.BytesIO(batch_print_pdf(end=end)))
    assert end.print_letters == 2 and len(reader.pages) == end.print_pages == 2
    pages = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
    assert "Dear Mrs Moss" in pages[0] and "7 Elm Close" in pages[0]
    assert "Dear Mr Reed" in pages[1] and "9 Quay Street" in pages[1]
    assert not any("Jo Stone" in page for page in pages)  # emailed, not posted

    # Each posted letter is a letter of record of its own, with its hash, on the child's case.
    ben = Letter.objects.get(recipient_name="Mrs Kim Moss")
    assert ben.case.pupil.display_name == "Ben Moss" and len(ben.sha256) == 64
    assert "attended" in pdf_text(batch_print_pdf(end=end))


def test_running_the_same_batch_again_sends_nothing_twice(time_machine, smtp):  # noqa: F811
    set_clock(time_machine, TODAY, 9)
    world = _school_world()
    batch = letter_batch_create(actor=world.officer, **_plan_args(world))
    letter_batch_queue(actor=world.officer, batch=batch)
    _run_worker()
    letters, sendings = Letter.objects.count(), Sending.objects.count()

    again = letter_batch_queue(actor=world.officer, batch=batch)
    _run_worker()

    end = LetterBatchRun.objects.get(pk=again.pk).end
    assert (end.issued, end.emailed) == (0, 0)
    assert len(smtp.arrived) == 1
    assert (Letter.objects.count(), Sending.objects.count()) == (letters, sendings)
    assert end.print_letters == 2  # the print file is the batch's, whichever run made it


def test_posting_the_printed_letters_is_recorded_once_with_each_deemed_receipt(
    time_machine,
    smtp,  # noqa: F811
):
    set_clock(time_machine, TODAY, 9)
    world = _school_world()
    batch = letter_batch_create(actor=world.officer, **_plan_args(world))
    letter_batch_queue(actor=world.officer, batch=batch)
    _run_worker()

    recorded = letter_batch_posted_record(
        actor=world.officer, batch=batch, posted_on=TODAY, posted_by="Pat Office"
    )
    again = letter_batch_posted_record(
        actor=world.officer, batch=batch, posted_on=TODAY, posted_by="Pat Office"
    )

    assert (recorded, again) == (2, 0)
    posts = Sending.objects.filter(channel=Sending.Channel.POST)
    assert {sending.letter.recipient_name for sending in posts} == {"Mrs Kim Moss", "Mr Sam Reed"}
    assert {sending.deemed_received_on for sending in posts} == {dt.date(2024, 12, 18)}


def test_a_run_is_refused_while_another_run_of_the_batch_is_running(time_machine):
    set_clock(time_machine, TODAY, 9)
    world = _school_world()
    batch = letter_batch_create(actor=world.officer, **_plan_args(world))
    queued = letter_batch_queue(actor=world.officer, batch=batch)
    # The worker has claimed the first run (as db_worker does when it starts a task).
    DBTaskResult.objects.filter(pk=queued.task_id).update(
        status="RUNNING", started_at=timezone.now()
    )
    second = letter_batch_run_start(actor=world.officer, batch=batch)
    with pytest.raises(ValidationError, match=f"Run 1 of {batch.reference} is running now"):
        letter_batch_run(run=second)
    assert not Letter.objects.exists()

    # A run its worker left marked running over an hour ago no longer holds the batch.
    set_clock(time_machine, TODAY, 11)
    third = letter_batch_run_start(actor=world.officer, batch=batch)
    assert letter_batch_run(run=third).issued == 3


def test_an_email_a_stopped_run_was_sending_is_not_sent_again_and_the_officer_is_told(
    time_machine,
    smtp,  # noqa: F811
    monkeypatch,
):
    set_clock(time_machine, TODAY, 9)
    world = _school_world()
    batch = letter_batch_create(actor=world.officer, **_plan_args(world))
    first = letter_batch_run_start(actor=world.officer, batch=batch)

    # The run is stopped (Ctrl-C, or its worker killed) while the mail server has the message.
    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(smtplib.SMTP, "data", stopped)
        with pytest.raises(KeyboardInterrupt):
            letter_batch_run(run=first, renderers=1)
    assert Letter.objects.count() == 3  # every letter was issued before the emails

    second = letter_batch_run_start(actor=world.officer, batch=batch)
    end = letter_batch_run(run=second, renderers=1)

    assert end.emailed == 0 and smtp.arrived == []
    [refusal] = second.refusals.all()
    assert (
        "The email to Ms Jo Stone (Ada's mother) was being sent by run 1 on 16 December 2024"
        in (refusal.reason)
    )
    assert "cannot tell whether it went" in refusal.reason
    assert not Sending.objects.filter(channel=Sending.Channel.EMAIL).exists()


def test_an_email_the_server_refused_is_tried_again_by_the_next_run(
    time_machine,
    smtp,  # noqa: F811
):
    set_clock(time_machine, TODAY, 9)
    world = _school_world()
    batch = letter_batch_create(actor=world.officer, **_plan_args(world))
    first = letter_batch_run_start(actor=world.officer, batch=batch)
    smtp.refuse = True
    assert letter_batch_run(run=first, renderers=1).emailed == 0

    smtp.refuse = False
    second = letter_batch_run_start(actor=world.officer, batch=batch)
    assert letter_batch_run(run=second, renderers=1).emailed == 1
    assert [envelope.rcpt_tos for envelope in smtp.arrived] == [["jo.stone@example.org"]]
