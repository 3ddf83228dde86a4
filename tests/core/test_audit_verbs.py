"""Audit events are written by kind (an enumeration), and the audit log can be read by kind."""

import pytest
from django.db import transaction

from rollcall.accounts.services import user_create
from rollcall.core.audit import Verb, audit_record
from rollcall.core.models import AuditEvent
from tests.factories import make_pupil


def test_a_service_writes_its_event_with_a_known_kind(db):
    pupil = make_pupil(forename="Ada")
    event = AuditEvent.objects.get(object_id=str(pupil.pk), object_type="pupils.pupil")
    assert Verb(event.verb) is Verb.PUPIL_CREATE
    assert event.verb == "pupil.create"


def test_it_refuses_a_kind_that_is_not_in_the_enumeration(db):
    pupil = make_pupil()
    with transaction.atomic(), pytest.raises(TypeError, match="needs a Verb"):
        audit_record(actor=None, verb="pupil.poke", target=pupil, summary="Poked")  # type: ignore[arg-type]


def test_the_admin_filters_the_audit_log_by_kind_with_readable_labels(client, db):
    admin = user_create(
        actor=None, username="root", password="a-long-test-password", is_superuser=True
    )
    make_pupil(forename="Ada", surname="Lovelace")
    client.force_login(admin)

    page = client.get("/admin/core/auditevent/").content.decode()
    assert "By kind of event" in page
    assert "Pupil added" in page
    assert "Mark amended" in page

    pupils_only = client.get("/admin/core/auditevent/", {"verb": "pupil.create"}).content.decode()
    assert "Added pupil" in pupils_only
    assert "Added user root" not in pupils_only
    users_only = client.get("/admin/core/auditevent/", {"verb": "user.create"}).content.decode()
    assert "Added user root" in users_only
    assert "Added pupil" not in users_only
