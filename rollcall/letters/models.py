"""Letters to parents, and the few a profile sends to a school: the draft an officer works on,
the letter of record issued to each parent (or the one to the school), how each was sent and
what came back.

A draft may be reworded until it is issued. From then on everything is evidence: the letter
(its PDF's SHA-256, wording version and text), each sending (channel, who, when, the deemed
date of receipt or the mail server's answer) and any bounce reported later are written once
and never changed or deleted, by the models and by the database (`rollcall.core.evidence`).
A correction is a new letter.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rollcall.casework.models import Case, CaseEvent, CaseMeeting
from rollcall.core.models import AppendOnlyModel
from rollcall.pupils.models import Carer
from rollcall.registers.models import LeaveRequest


class LetterDraft(models.Model):
    """A letter being prepared on a case: which wording, over which period, for which meeting
    or leave request, and the paragraphs as the officer has them now. Not evidence until
    issued; issuing makes one `Letter` for each parent and closes the draft."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letter_drafts")
    letter_key = models.CharField(max_length=80)
    title = models.CharField(max_length=300)
    wording_version = models.PositiveSmallIntegerField()
    heading = models.CharField(max_length=300)
    # [{"name": ..., "text": ..., "editable": bool}] in order.
    paragraphs = models.JSONField(default=list)
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    meeting = models.ForeignKey(
        CaseMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    leave_request = models.ForeignKey(
        LeaveRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The record's values the paragraphs were filled from, as they were then.
    fields = models.JSONField(default=dict)
    # A letter the profile sends to a school (`to: school`): the school it is addressed to when
    # it is one in rollcall, otherwise the name and address the officer wrote in (the school a
    # School Attendance Order names may be outside rollcall). Blank on letters to parents.
    school = models.ForeignKey(
        "organisations.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    school_name = models.CharField(max_length=200, blank=True)
    school_address = models.TextField(blank=True)  # one line of the address a line
    organisation_key = models.CharField(max_length=40)
    organisation_label = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by_label = models.CharField(max_length=200)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Draft {self.title} ({self.case})"


class Letter(AppendOnlyModel):
    """One letter of record, to one parent (EA96 s576) at their own address: never "to the
    parents of"; or, for a letter the profile sends to a school, the one letter to that
    school's headteacher (no carer). Its PDF is kept under `ROLLCALL_DOCUMENTS_DIR` by its
    SHA-256."""

    reference = models.CharField(max_length=20, unique=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letters")
    draft = models.ForeignKey(LetterDraft, on_delete=models.PROTECT, related_name="letters")
    # The parent; None on a letter to a school.
    carer = models.ForeignKey(
        Carer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A letter to a school: the school, when it is one in rollcall (None when the officer wrote
    # in a school outside it, whose name and address are then only in `address`).
    school = models.ForeignKey(
        "organisations.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # As they were when the letter was made, so the record reads the same if they change.
    recipient_name = models.CharField(max_length=300)
    relationship = models.CharField(max_length=100)  # "Ada's mother"; "Ada's school"
    parental_responsibility = models.BooleanField()  # False on a letter to a school
    address = models.TextField(blank=True)  # one line of the address a line
    # Whom the letter greets ("Ms Stone", "Headteacher"); blank on letters made before it was
    # kept, which greeted the parent as `letters.selectors.letter_salutation` still reads it.
    salutation = models.CharField(max_length=300, blank=True)
    letter_key = models.CharField(max_length=80)
    title = models.CharField(max_length=300)
    template_version = models.CharField(max_length=100)  # "notice_to_improve/1"
    template_sha256 = models.CharField("SHA-256 of the wording file", max_length=64)
    layout_version = models.CharField(max_length=60)
    heading = models.CharField(max_length=300)
    paragraphs = models.JSONField(default=list)  # the text as sent, one string a paragraph
    copies_to = models.JSONField(default=list, blank=True)  # ["Riverside Primary School", ...]
    sha256 = models.CharField("SHA-256 of the PDF", max_length=64)
    size = models.PositiveIntegerField()
    dated = models.DateField()
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_by_label = models.CharField(max_length=200)
    organisation_label = models.CharField(max_length=200)
    event = models.OneToOneField(CaseEvent, on_delete=models.PROTECT, related_name="letter")

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["case", "issued_at"])]

    def __str__(self) -> str:
        return f"Letter {self.reference}: {self.title} to {self.recipient_name}"

    @property
    def to_school(self) -> bool:
        return self.carer_id is None


class Sending(AppendOnlyModel):
    """How a letter went to its parent, with the evidence each way needs: first-class post
    (posted when, by whom; deemed received when), by hand (who handed it to whom, when), or
    email (to the parent's own address with their written consent; the message id and the
    mail server's answer with its time)."""

    class Channel(models.TextChoices):
        POST = "post", "First-class post"
        HAND = "hand", "By hand"
        EMAIL = "email", "Email"

    class Outcome(models.TextChoices):
        POSTED = "posted", "Posted"
        HANDED = "handed", "Handed over"
        ACCEPTED = "accepted", "Accepted by the mail server"
        REFUSED = "refused", "Refused by the mail server"

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="sendings")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    sent_on = models.DateField()
    # Email: when the server answered. Hand: when the letter was handed over.
    sent_at = models.DateTimeField(null=True, blank=True)
    # Who posted or handed it over (a name: it may be a colleague without an account).
    sent_by_name = models.CharField(max_length=200, blank=True)
    # Hand: the person it was handed to.
    handed_to = models.CharField(max_length=200, blank=True)
    # Post: the postal address; email: the email address.
    sent_to = models.TextField()
    deemed_received_on = models.DateField(null=True, blank=True)
    deemed_receipt_rule = models.CharField(max_length=300, blank=True)
    message_id = models.CharField(max_length=300, blank=True)
    server_reply = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=200)
    event = models.OneToOneField(CaseEvent, on_delete=models.PROTECT, related_name="sending")

    class Meta:
        ordering = ["sent_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.sent_on}: {self.get_outcome_display()}"


class Bounce(AppendOnlyModel):
    """An email reported undelivered after the server accepted it, recorded by hand."""

    sending = models.ForeignKey(Sending, on_delete=models.PROTECT, related_name="bounces")
    reported_on = models.DateField()
    detail = models.TextField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=200)
    event = models.OneToOneField(CaseEvent, on_delete=models.PROTECT, related_name="bounce")

    class Meta:
        ordering = ["reported_on", "id"]

    def __str__(self) -> str:
        return f"Bounce reported {self.reported_on}"


class LetterBatch(AppendOnlyModel):
    """A school's request to send one letter to every parent of the children in a list, as it
    was asked: the list, the letter, the period its figures cover, and the children left out
    then, each with the reason (no open case, a parent who cannot be reached, a gap in the
    record). Its items say who gets which letter by which channel."""

    reference = models.CharField(max_length=20, unique=True)
    school = models.ForeignKey(
        "organisations.School", on_delete=models.PROTECT, related_name="letter_batches"
    )
    letter_key = models.CharField(max_length=80)
    title = models.CharField(max_length=300)
    list_label = models.CharField(max_length=300)  # which children, in words
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    dated = models.DateField()  # the letters' date
    # [{"child": ..., "reason": ...}] for the children in the list who get no letter.
    left_out = models.JSONField(default=list, blank=True)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Batch {self.reference}: {self.title}"


class LetterBatchItem(AppendOnlyModel):
    """One parent in a batch: the letter goes to them on their child's case by post or email.
    A parent is in a batch once for its letter (the idempotence key: batch, letter, parent)."""

    class Channel(models.TextChoices):
        POST = "post", "First-class post"
        EMAIL = "email", "Email"

    batch = models.ForeignKey(LetterBatch, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveIntegerField()  # the order of the printed letters
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    carer = models.ForeignKey(Carer, on_delete=models.PROTECT, related_name="+")
    child_name = models.CharField(max_length=300)
    recipient_name = models.CharField(max_length=300)
    relationship = models.CharField(max_length=100)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    sent_to = models.TextField()  # the postal address or the email address

    class Meta:
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "carer", "case"], name="one_letter_a_parent")
        ]

    def __str__(self) -> str:
        return f"{self.batch.reference} #{self.position}: {self.recipient_name}"


class LetterBatchLetter(AppendOnlyModel):
    """The letter of record a batch issued for one of its parents, written in the same
    transaction as the letter: an item never gets a second letter."""

    item = models.OneToOneField(LetterBatchItem, on_delete=models.PROTECT, related_name="issued")
    letter = models.OneToOneField(Letter, on_delete=models.PROTECT, related_name="batch_item")


class LetterBatchEmail(AppendOnlyModel):
    """The email a batch sent for one of its parents, written in the same transaction as the
    sending's record: an item is never emailed twice."""

    item = models.OneToOneField(LetterBatchItem, on_delete=models.PROTECT, related_name="emailed")
    sending = models.OneToOneField(Sending, on_delete=models.PROTECT, related_name="batch_item")


class LetterBatchEmailAttempt(AppendOnlyModel):
    """A batch about to hand one parent's email to the mail server, written (and committed)
    before it does: its answer, when it comes, is a `LetterBatchEmailAnswer`. An attempt with no
    answer is an email a run was sending when it stopped, which may or may not have gone, so no
    run sends it again: the officer is told to find out. Numbered per item, so two runs at once
    cannot both be sending one parent's email."""

    item = models.ForeignKey(
        LetterBatchItem, on_delete=models.PROTECT, related_name="email_attempts"
    )
    number = models.PositiveSmallIntegerField()
    run = models.ForeignKey("LetterBatchRun", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()

    class Meta:
        ordering = ["item", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="one_email_attempt_a_number")
        ]


class LetterBatchEmailAnswer(AppendOnlyModel):
    """What the mail server answered to an attempt (its sending record, accepted or refused),
    written in the same transaction as that record."""

    attempt = models.OneToOneField(
        LetterBatchEmailAttempt, on_delete=models.PROTECT, related_name="answer"
    )
    sending = models.OneToOneField(Sending, on_delete=models.PROTECT, related_name="+")


class LetterBatchRun(AppendOnlyModel):
    """One run of a batch, from the web page or the command line; running it again issues and
    sends only what the earlier runs did not."""

    batch = models.ForeignKey(LetterBatch, on_delete=models.PROTECT, related_name="runs")
    number = models.PositiveSmallIntegerField()
    queued_at = models.DateTimeField()
    queued_by_label = models.CharField(max_length=200)
    task_id = models.CharField(max_length=64, blank=True)  # "" when run from the command line

    class Meta:
        ordering = ["batch", "number"]
        constraints = [models.UniqueConstraint(fields=["batch", "number"], name="one_run_a_number")]

    def __str__(self) -> str:
        return f"{self.batch.reference} run {self.number}"


class LetterBatchRefusal(AppendOnlyModel):
    """A child whose letters a run could not issue or send, and why (the record changed since
    the preview, or the mail server refused)."""

    run = models.ForeignKey(LetterBatchRun, on_delete=models.PROTECT, related_name="refusals")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["run", "id"]


class LetterBatchRunEnd(AppendOnlyModel):
    """A run's end: what it did, and the one printable PDF of the batch's posted letters in
    order (kept by its SHA-256 in the document store)."""

    run = models.OneToOneField(LetterBatchRun, on_delete=models.PROTECT, related_name="end")
    finished_at = models.DateTimeField()
    issued = models.PositiveIntegerField()  # letters this run issued
    emailed = models.PositiveIntegerField()  # emails the mail server accepted in this run
    refused = models.PositiveIntegerField()  # children this run could not finish
    print_sha256 = models.CharField(max_length=64, blank=True)
    print_pages = models.PositiveIntegerField(default=0)
    print_letters = models.PositiveIntegerField(default=0)
