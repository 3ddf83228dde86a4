"""Letter pages on a case: prepare a letter, reword it and preview each parent's copy (or the
school's, for a letter to a school), issue it, and record how each was sent. The case is read
through `case_for` (scoped to the user's organisation); only those who may write the case may
write its letters."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from rollcall.casework.models import Case
from rollcall.casework.selectors import acting_for, case_for
from rollcall.core import clock
from rollcall.letters.forms import (
    BounceForm,
    EmailForm,
    HandForm,
    PostForm,
    PrepareForm,
    WordingForm,
)
from rollcall.letters.presenters import draft_page, letter_choices, school_choices
from rollcall.letters.selectors import (
    case_draft,
    case_leave_request,
    case_leave_requests,
    case_letter,
    case_meeting,
    case_meetings_for_letters,
    clock_time,
    letter_sending,
    long_date,
    school_in_area,
)
from rollcall.letters.services.drafts import (
    letter_draft_create,
    letter_draft_edit,
    letter_preview,
    letters_issue,
)
from rollcall.letters.services.sending import (
    LetterAltered,
    letter_bounce_record,
    letter_email_send,
    letter_hand_record,
    letter_pdf,
    letter_post_record,
)
from rollcall.letters.word import letter_word_copy
from rollcall.statutory.years import school_year_start
from rollcall.web.forms import GovukForm, add_errors
from rollcall.web.pages import refused

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NOT_YOURS = "Only the organisation running this case can write its letters."


def _case(request: HttpRequest, case_id: int) -> Case:
    case = case_for(user=request.user, case_id=case_id, on=clock.today())
    if case is None:
        raise Http404("No such case")
    return case


def _writer(request: HttpRequest, case: Case) -> Any:
    return acting_for(user=request.user, case=case, on=clock.today())


def _pdf(content: bytes, name: str, *, attachment: bool) -> FileResponse:
    response = FileResponse(
        io.BytesIO(content), as_attachment=attachment, filename=name, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _caption(case: Case) -> str:
    return f"{case.pupil.display_name} · {case.school.name}"


@require_http_methods(["GET", "POST"])
@login_required
def prepare(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    organisation = _writer(request, case)
    if organisation is None:
        return refused(request, NOT_YOURS)
    today = clock.today()
    meetings = case_meetings_for_letters(case=case)
    requests = case_leave_requests(case=case)
    form = PrepareForm(
        request.POST or None,
        letters=letter_choices(case=case),
        meetings=[
            (str(m.pk), f"{m.get_kind_display()}, {long_date(m.on)} at {clock_time(m.at)}")
            for m in meetings
        ],
        leave_requests=[
            (str(r.pk), f"{long_date(r.first_day)} to {long_date(r.last_day)} ({r.reason[:60]})")
            for r in requests
        ],
        schools=school_choices(case=case),
        initial={"period_from": school_year_start(today), "period_to": today},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = (
            case_meeting(case=case, meeting_id=int(data["meeting"])) if data["meeting"] else None
        )
        leave = (
            case_leave_request(case=case, request_id=int(data["leave_request"]))
            if data["leave_request"]
            else None
        )
        try:
            draft = letter_draft_create(
                actor=request.user,  # type: ignore[arg-type]
                case=case,
                letter_key=data["letter"],
                acting_for=organisation,
                on=today,
                period_from=data["period_from"],
                period_to=data["period_to"],
                meeting=meeting,
                leave_request=leave,
                school=(
                    school_in_area(case=case, school_id=int(data["school"]))
                    if data["school"]
                    else None
                ),
                school_name=data["school_name"],
                school_address=data["school_address"],
            )
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            return redirect("letters:draft", case.pk, draft.pk)
    return _step_page(request, case, form, "Prepare a letter", "Prepare the letter")


def _step_page(
    request: HttpRequest, case: Case, form: GovukForm, heading: str, button: str
) -> HttpResponse:
    return render(
        request,
        "casework/cases/step.html",
        {
            "form": form,
            "heading": heading,
            "caption": _caption(case),
            "button": button,
            "back_href": reverse("cases:detail", args=[case.pk]) + "#letters",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def draft(request: HttpRequest, case_id: int, draft_id: int) -> HttpResponse:
    case = _case(request, case_id)
    organisation = _writer(request, case)
    if organisation is None:
        return refused(request, NOT_YOURS)
    found = case_draft(case=case, draft_id=draft_id)
    if found is None or found.issued_at is not None:
        raise Http404("No such letter being prepared")
    form = WordingForm(request.POST or None, paragraphs=found.paragraphs)
    if request.method == "POST" and form.is_valid():
        texts = [
            form.cleaned_data.get(f"paragraph_{number}", paragraph["text"])
            for number, paragraph in enumerate(found.paragraphs, 1)
        ]
        try:
            if texts != [paragraph["text"] for paragraph in found.paragraphs]:
                letter_draft_edit(actor=request.user, draft=found, texts=texts)  # type: ignore[arg-type]
            if request.POST.get("action") == "issue":
                letters = letters_issue(
                    actor=request.user,  # type: ignore[arg-type]
                    draft=found,
                    on=clock.today(),
                )
                messages.success(
                    request,
                    f"{found.title}: issued to {letters[0].recipient_name}. "
                    "Now record how it was sent."
                    if letters[0].to_school
                    else f"{found.title}: {len(letters)} letters issued, one to each parent. "
                    "Now record how each was sent.",
                )
                return redirect(reverse("cases:detail", args=[case.pk]) + "#letters")
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, "The wording is saved")
            return redirect("letters:draft", case.pk, found.pk)
    return render(
        request,
        "letters/draft.html",
        {
            "form": form,
            "page": draft_page(draft=found),
            "caption": _caption(case),
            "back_href": reverse("cases:detail", args=[case.pk]) + "#letters",
        },
    )


@require_GET
@login_required
def preview(
    request: HttpRequest, case_id: int, draft_id: int, link_id: int
) -> HttpResponse | FileResponse:
    case = _case(request, case_id)
    if _writer(request, case) is None:
        return refused(request, NOT_YOURS)
    found = case_draft(case=case, draft_id=draft_id)
    link = case.pupil.carer_links.select_related("carer").filter(pk=link_id).first()
    if found is None or link is None:
        raise Http404("No such letter or parent")
    pdf = letter_preview(draft=found, link=link, on=clock.today())
    return _pdf(pdf, f"preview-{found.letter_key}.pdf", attachment=False)


@require_GET
@login_required
def preview_school(
    request: HttpRequest, case_id: int, draft_id: int
) -> HttpResponse | FileResponse:
    case = _case(request, case_id)
    if _writer(request, case) is None:
        return refused(request, NOT_YOURS)
    found = case_draft(case=case, draft_id=draft_id)
    if found is None:
        raise Http404("No such letter")
    try:
        pdf = letter_preview(draft=found, link=None, on=clock.today())
    except ValidationError:
        raise Http404("This letter goes to the parents, not to a school") from None
    return _pdf(pdf, f"preview-{found.letter_key}.pdf", attachment=False)


@require_GET
@login_required
def pdf(request: HttpRequest, case_id: int, letter_id: int) -> HttpResponse | FileResponse:
    case = _case(request, case_id)
    letter = case_letter(case=case, letter_id=letter_id)
    if letter is None:
        raise Http404("No such letter on this case")
    try:
        content = letter_pdf(letter)
    except LetterAltered as problem:
        return render(request, "refused.html", {"message": str(problem)}, status=500)
    return _pdf(content, f"letter-{letter.reference}.pdf", attachment=True)


@require_GET
@login_required
def word_copy(request: HttpRequest, case_id: int, letter_id: int) -> HttpResponse | FileResponse:
    """An editable Word copy for other uses; the PDF is the letter of record."""
    case = _case(request, case_id)
    letter = case_letter(case=case, letter_id=letter_id)
    if letter is None:
        raise Http404("No such letter on this case")
    response = FileResponse(
        io.BytesIO(letter_word_copy(letter)),
        as_attachment=True,
        filename=f"letter-{letter.reference}-word-copy-not-the-record.docx",
        content_type=DOCX,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _send_step(
    request: HttpRequest,
    case_id: int,
    letter_id: int,
    *,
    form_class: type[GovukForm],
    act: Any,
    heading: str,
    button: str,
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    case = _case(request, case_id)
    if _writer(request, case) is None:
        return refused(request, NOT_YOURS)
    letter = case_letter(case=case, letter_id=letter_id)
    if letter is None:
        raise Http404("No such letter on this case")
    # An email needs no answers: its form posts nothing but the CSRF token.
    form = form_class(request.POST if request.method == "POST" else None, initial=initial or {})
    if request.method == "POST" and form.is_valid():
        try:
            message = act(letter, form.cleaned_data)
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, message)
            return redirect(reverse("cases:detail", args=[case.pk]) + "#letters")
    return _step_page(
        request, case, form, f"{heading}: {letter.title} to {letter.recipient_name}", button
    )


@require_http_methods(["GET", "POST"])
@login_required
def post(request: HttpRequest, case_id: int, letter_id: int) -> HttpResponse:
    def act(letter: Any, data: dict[str, Any]) -> str:
        sending = letter_post_record(
            actor=request.user,  # type: ignore[arg-type]
            letter=letter,
            posted_on=data["posted_on"],
            posted_by=data["posted_by"],
        )
        assert sending.deemed_received_on is not None
        return f"Posting recorded: deemed received {long_date(sending.deemed_received_on)}"

    return _send_step(
        request,
        case_id,
        letter_id,
        form_class=PostForm,
        act=act,
        heading="Record posting",
        button="Record the posting",
        initial={"posted_on": clock.today()},
    )


@require_http_methods(["GET", "POST"])
@login_required
def hand(request: HttpRequest, case_id: int, letter_id: int) -> HttpResponse:
    def act(letter: Any, data: dict[str, Any]) -> str:
        handed_at = dt.datetime.combine(data["handed_on"], data["handed_time"])
        letter_hand_record(
            actor=request.user,  # type: ignore[arg-type]
            letter=letter,
            handed_at=handed_at.replace(tzinfo=clock.local_now().tzinfo),
            handed_by=data["handed_by"],
            handed_to=data["handed_to"],
        )
        return "Hand delivery recorded"

    return _send_step(
        request,
        case_id,
        letter_id,
        form_class=HandForm,
        act=act,
        heading="Record hand delivery",
        button="Record the hand delivery",
        initial={"handed_on": clock.today()},
    )


@require_http_methods(["GET", "POST"])
@login_required
def email(request: HttpRequest, case_id: int, letter_id: int) -> HttpResponse:
    def act(letter: Any, data: dict[str, Any]) -> str:
        sending = letter_email_send(actor=request.user, letter=letter)  # type: ignore[arg-type]
        if sending.outcome != sending.Outcome.ACCEPTED:
            raise ValidationError(
                f"The mail server refused the email ({sending.server_reply}). This is recorded "
                "in the chronology: post the letter or hand it over instead."
            )
        return f"Emailed to {sending.sent_to}; the mail server accepted it"

    return _send_step(
        request,
        case_id,
        letter_id,
        form_class=EmailForm,
        act=act,
        heading="Send by email",
        button="Send the email",
    )


@require_http_methods(["GET", "POST"])
@login_required
def bounce(request: HttpRequest, case_id: int, letter_id: int, sending_id: int) -> HttpResponse:
    def act(letter: Any, data: dict[str, Any]) -> str:
        sending = letter_sending(letter=letter, sending_id=sending_id)
        if sending is None:
            raise Http404("No such email of this letter")
        letter_bounce_record(
            actor=request.user,  # type: ignore[arg-type]
            sending=sending,
            reported_on=data["reported_on"],
            detail=data["detail"],
        )
        return "Bounce recorded: send the letter another way"

    return _send_step(
        request,
        case_id,
        letter_id,
        form_class=BounceForm,
        act=act,
        heading="Record a bounce",
        button="Record the bounce",
        initial={"reported_on": clock.today()},
    )
