"""The case page's Letters section: prepare a letter, reword it, preview a parent's copy,
issue one to each parent and record how each was sent; scoped to the user's organisation."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from rollcall.core.audit import Verb
from rollcall.core.models import AuditEvent
from rollcall.letters.models import Letter, LetterDraft, Sending
from tests.analytics.conftest import person, signed_in
from tests.conftest import set_clock
from tests.factories import make_school
from tests.letters.world import make_world, pdf_text

pytestmark = pytest.mark.django_db
ON = dt.date(2024, 12, 16)


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def _rows(page: str, references: list[str]) -> list[str]:
    """Each letter's part of the case page's letters table, by its reference."""
    starts = sorted((page.index(reference), reference) for reference in references)
    ends = [start for start, _ in starts[1:]] + [len(page)]
    by_reference = {ref: page[start:end] for (start, ref), end in zip(starts, ends, strict=True)}
    return [by_reference[reference] for reference in references]


@pytest.fixture
def world(time_machine):
    set_clock(time_machine, ON, 10)
    return make_world()


def test_an_officer_prepares_rewords_issues_and_posts_a_letter_from_the_case_page(client, world):
    browser = signed_in(client, "officer")
    case = world.case
    page = _text(browser.get(f"/cases/{case.pk}"))
    assert "Letters" in page and "No letters have been issued on this case." in page

    form = _text(browser.get(f"/cases/{case.pk}/letters/new"))
    assert "Letter raising a concern about attendance" in form
    done = browser.post(
        f"/cases/{case.pk}/letters/new",
        {
            "letter": "attendance_concern",
            "period_from-day": "2",
            "period_from-month": "12",
            "period_from-year": "2024",
            "period_to-day": "13",
            "period_to-month": "12",
            "period_to-year": "2024",
            "meeting": "",
            "leave_request": "",
        },
    )
    draft = LetterDraft.objects.get()
    assert (
        done.status_code == 302
        and done["Location"] == f"/cases/{case.pk}/letters/drafts/{draft.pk}"
    )

    shown = _text(browser.get(done["Location"]))
    assert "Ms Jo Stone (mother)" in shown and "Mr Sam Reed (father)" in shown
    assert "fixed wording" in shown
    link = world.pupil.carer_links.get(carer=world.father)
    preview = browser.get(f"/cases/{case.pk}/letters/drafts/{draft.pk}/preview/{link.pk}")
    assert preview["Content-Type"] == "application/pdf"
    assert "Dear Mr Reed" in pdf_text(b"".join(preview.streaming_content))

    fields = {
        f"paragraph_{n}": p["text"] for n, p in enumerate(draft.paragraphs, 1) if p["editable"]
    }
    fields["paragraph_3"] = "We would like to listen and help. Ada's teacher misses her."
    issued = browser.post(done["Location"], {**fields, "action": "issue"})
    assert issued.status_code == 302
    letters = list(Letter.objects.order_by("id"))
    assert len(letters) == 2

    page = _text(browser.get(f"/cases/{case.pk}"))
    assert letters[0].reference in page and "Not sent yet" in page
    assert f"SHA-256 {letters[0].sha256}" in page
    pdf = browser.get(f"/cases/{case.pk}/letters/{letters[1].pk}.pdf")
    assert "Ada's teacher misses her." in pdf_text(b"".join(pdf.streaming_content))

    posted = browser.post(
        f"/cases/{case.pk}/letters/{letters[1].pk}/post",
        {
            "posted_on-day": "16",
            "posted_on-month": "12",
            "posted_on-year": "2024",
            "posted_by": "Pat Office",
        },
    )
    assert posted.status_code == 302
    page = _text(browser.get(f"/cases/{case.pk}"))
    assert "Posted first class on 16 December 2024 by Pat Office" in page
    assert "deemed received 18 December 2024" in page
    rows = _rows(page, [letter.reference for letter in letters])
    assert "Record posting" not in rows[1] and "Record hand delivery" in rows[1]
    assert "Record posting" in rows[0]
    assert Sending.objects.get().deemed_received_on == dt.date(2024, 12, 18)
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {Verb.LETTER_DRAFT, Verb.LETTER_DRAFT_EDIT, Verb.LETTER_ISSUE, Verb.LETTER_POST} <= verbs


def test_email_is_refused_on_the_page_for_a_parent_without_consent(client, world):
    browser = signed_in(client, "officer")
    from rollcall.letters.services.drafts import letter_draft_create, letters_issue

    draft = letter_draft_create(
        actor=world.officer,
        case=world.case,
        letter_key="attendance_concern",
        acting_for=world.school,
        on=ON,
        period_from=dt.date(2024, 12, 2),
        period_to=dt.date(2024, 12, 13),
    )
    father_letter = letters_issue(actor=world.officer, draft=draft, on=ON)[1]
    page = _text(browser.get(f"/cases/{world.case.pk}"))
    assert "Not by email: Mr Sam Reed (Ada's father) has no email address recorded" in page
    refused = browser.post(f"/cases/{world.case.pk}/letters/{father_letter.pk}/email", {})
    assert refused.status_code == 200
    assert "has no email address recorded" in _text(refused)
    assert not Sending.objects.exists()


def test_another_schools_officer_cannot_see_or_write_the_letters(client, world):
    other = make_school(name="Hill Top Primary")
    person("stranger", "attendance_officer", school=other)
    browser = signed_in(client, "stranger")
    assert browser.get(f"/cases/{world.case.pk}/letters/new").status_code == 404
    assert browser.post(f"/cases/{world.case.pk}/letters/new", {}).status_code == 404
    assert not LetterDraft.objects.exists()


def test_seftons_panel_invitation_page_says_when_the_letter_must_go_out(client, time_machine):
    from rollcall.casework.services.meetings import meeting_arrange
    from rollcall.casework.services.panels import panel_refer
    from rollcall.letters.services.drafts import letter_draft_create

    set_clock(time_machine, ON, 10)
    world = make_world("sefton")
    referral = panel_refer(
        actor=world.officer,
        case=world.case,
        panel_key="school_attendance_panel",
        categories=["early_help_or_plan_not_engaging"],
        reason="No improvement after the support plan",
        referred_on=ON,
    )
    meeting = meeting_arrange(
        actor=world.officer,
        case=world.case,
        kind="panel",
        panel_referral=referral,
        on=dt.date(2025, 1, 15),
        at=dt.time(10, 0),
        venue="Bootle Town Hall",
        alternatives_offered="A home visit in the evening",
        invited_on=ON,
        parent_ids=[world.mother.pk, world.father.pk],
    )
    draft = letter_draft_create(
        actor=world.officer,
        case=world.case,
        letter_key="panel_invitation",
        acting_for=world.school,
        on=ON,
        period_from=dt.date(2024, 12, 2),
        period_to=dt.date(2024, 12, 13),
        meeting=meeting,
    )
    page = _text(
        signed_in(client, "officer").get(f"/cases/{world.case.pk}/letters/drafts/{draft.pk}")
    )
    assert "about 10 days before the meeting (SEF §6.8): by 5 January 2025" in page


def test_the_s439_notice_is_prepared_for_a_school_chosen_on_the_page_and_issued_to_it(
    client, time_machine
):
    from rollcall.organisations.services import school_create

    set_clock(time_machine, ON, 10)
    world = make_world("sefton")
    seaforth = school_create(
        actor=None,
        urn="104321",
        name="Seaforth Park Primary School",
        local_authority=world.school.local_authority,
        establishment_number="2345",
        phase="primary",
        address_line_1="12 Park Road",
        town="Seaforth",
        postcode="L21 3TX",
        on=ON,
    )
    browser = signed_in(client, "officer")
    case = world.case
    form = _text(browser.get(f"/cases/{case.pk}/letters/new"))
    assert "s439 notice to the named school and its governors" in form
    assert "Seaforth Park Primary School (URN 104321)" in form
    blank = {"meeting": "", "leave_request": "", "school_name": "", "school_address": ""}
    refused = _text(
        browser.post(
            f"/cases/{case.pk}/letters/new",
            {**blank, "letter": "s439_school_notice", "school": ""},
        )
    )
    assert "Choose the school the School Attendance Order is to name" in refused
    done = browser.post(
        f"/cases/{case.pk}/letters/new",
        {**blank, "letter": "s439_school_notice", "school": str(seaforth.pk)},
    )
    assert done.status_code == 302
    draft = LetterDraft.objects.get()

    shown = _text(browser.get(done["Location"]))
    assert "One letter goes to the school, to its headteacher" in shown
    assert "The Headteacher, Seaforth Park Primary School" in shown
    assert "Ms Jo Stone" not in shown
    preview = browser.get(f"/cases/{case.pk}/letters/drafts/{draft.pk}/preview/school")
    assert "Dear Headteacher" in pdf_text(b"".join(preview.streaming_content))

    fields = {
        f"paragraph_{n}": p["text"] for n, p in enumerate(draft.paragraphs, 1) if p["editable"]
    }
    issued = browser.post(done["Location"], {**fields, "action": "issue"})
    assert issued.status_code == 302
    letter = Letter.objects.get()
    page = _text(browser.get(f"/cases/{case.pk}"))
    assert letter.reference in page
    assert (
        "The Headteacher, Seaforth Park Primary School (the school to be named in Ada's School "
        "Attendance Order)" in page
    )
    assert "Not by email: Seaforth Park Primary School has no email address for letters" in page
    # The chronology's entry (the letters table names the letter, not "letter LT-... to").
    assert f"letter {letter.reference} to The Headteacher, Seaforth" in page
