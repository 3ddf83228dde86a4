"""A letter once issued, how it was sent and any bounce cannot be altered or deleted: not by
the model, not in the admin, not in the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import RequestFactory

from rollcall.core.models import AppendOnlyError
from rollcall.letters.models import Letter, Sending
from rollcall.letters.services.drafts import letter_draft_create, letters_issue
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


def test_the_admin_shows_letters_but_offers_no_change_or_delete(posted, admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    for model in (Letter, Sending):
        admin = site._registry[model]
        assert not admin.has_add_permission(request)
        assert not admin.has_change_permission(request, posted)
        assert not admin.has_delete_permission(request, posted)
