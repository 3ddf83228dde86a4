"""A letter once issued, how it was sent and any bounce cannot be altered or deleted: not by
the model, not in the admin, not in the database; a letter to a school no more than one to a
parent (migration 0005 rebuilt the table on SQLite and put its guards back)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import RequestFactory

from rollcall.core.models import AppendOnlyError
from rollcall.letters.models import Letter, Sending
from rollcall.letters.services.drafts import (
    letter_draft_create,
    letter_draft_edit,
    letters_issue,
)
from rollcall.letters.services.sending import letter_post_record
from tests.conftest import set_clock
from tests.letters.world import FIRST, LAST, make_world

pytestmark = pytest.mark.django_db
ON = dt.date(2024, 12, 16)


@pytest.fixture
def posted(time_machine):
    set_clock(time_machine, ON, 10)
    world = make_world()
    draft = letter_draft_create(
        actor=world.officer,
        case=world.case,
        letter_key="attendance_concern",
        acting_for=world.school,
        on=ON,
        period_from=FIRST,
        period_to=LAST,
    )
    letter = letters_issue(actor=world.officer, draft=draft, on=ON)[0]
    letter_post_record(actor=world.officer, letter=letter, posted_on=ON, posted_by="Pat Office")
    return letter


def test_the_model_refuses_to_change_or_delete_a_sent_letter(posted):
    posted.paragraphs = ["Something else"]
    with pytest.raises(AppendOnlyError):
        posted.save()
    with pytest.raises(AppendOnlyError):
        posted.delete()
    with pytest.raises(AppendOnlyError):
        Sending.objects.get().delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE letters_letter SET sha256 = 'x'",
        "UPDATE letters_letter SET paragraphs = '[]'",
        "DELETE FROM letters_letter",
        "UPDATE letters_sending SET deemed_received_on = '2024-12-17'",
        "DELETE FROM letters_sending",
    ],
)
def test_the_database_refuses_to_change_or_delete_a_sent_letter(posted, sql):
    with (
        pytest.raises((DatabaseError, IntegrityError)) as refusal,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert "evidence" in str(refusal.value)
    assert Letter.objects.get(pk=posted.pk).sha256 == posted.sha256


@pytest.fixture
def to_school(time_machine):
    """Leeds's case-closure letter to the child's school, posted."""
    set_clock(time_machine, ON, 10)
    world = make_world("leeds-bramley")
    draft = letter_draft_create(
        actor=world.officer,
        case=world.case,
        letter_key="case_closure",
        acting_for=world.school,
        on=ON,
    )
    texts = [p["text"].replace("[not recorded]", "a fine of £200") for p in draft.paragraphs]
    draft = letter_draft_edit(actor=world.officer, draft=draft, texts=texts)
    (letter,) = letters_issue(actor=world.officer, draft=draft, on=ON)
    letter_post_record(actor=world.officer, letter=letter, posted_on=ON, posted_by="Pat Office")
    return letter


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE letters_letter SET school_id = NULL WHERE id = %s",
        "UPDATE letters_letter SET salutation = 'Sir' WHERE id = %s",
        "UPDATE letters_letter SET address = '' WHERE id = %s",
        "DELETE FROM letters_letter WHERE id = %s",
        "DELETE FROM letters_sending WHERE letter_id = %s",
    ],
)
def test_the_database_refuses_to_change_or_delete_a_letter_to_a_school(to_school, sql):
    with (
        pytest.raises((DatabaseError, IntegrityError)) as refusal,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [to_school.pk])
    assert "evidence" in str(refusal.value)
    kept = Letter.objects.get(pk=to_school.pk)
    assert (kept.school_id, kept.salutation) == (to_school.school_id, "Headteacher")
    assert kept.address.startswith("Riverside Primary School\n1 Test Lane")
    with pytest.raises(AppendOnlyError):
        kept.delete()


def test_the_admin_shows_letters_but_offers_no_change_or_delete(posted, admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    for model in (Letter, Sending):
        admin = site._registry[model]
        assert not admin.has_add_permission(request)
        assert not admin.has_change_permission(request, posted)
        assert not admin.has_delete_permission(request, posted)
