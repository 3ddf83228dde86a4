import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from rollcall.core.models import AuditEvent
from rollcall.pupils.models import Pupil
from rollcall.pupils.services import pupil_create
from rollcall.statutory.upn import InvalidUPN, upn_check_letter, upn_validate


def test_a_upn_with_the_right_check_letter_is_accepted():
    assert upn_validate("b801200005001") == "B801200005001"
    assert upn_check_letter("801200005001") == "B"


@pytest.mark.parametrize(
    ("upn", "message"),
    [
        ("A801200005001", "wrong check letter: it starts A, but the rest of the number needs B"),
        ("B80120000500", "must be 13 characters long"),
        ("B8012000O5001", "not in the UPN format"),
    ],
)
def test_a_bad_upn_is_refused_with_the_reason(upn, message):
    with pytest.raises(InvalidUPN, match=message):
        upn_validate(upn)


def test_pupil_create_refuses_a_wrong_check_letter_and_writes_nothing(db):
    with pytest.raises(ValidationError) as caught:
        pupil_create(
            actor=None,
            upn="A801200005001",
            legal_forename="Ada",
            legal_surname="Lovelace",
            date_of_birth=dt.date(2015, 12, 10),
            sex="F",
        )
    assert "wrong check letter" in caught.value.message_dict["upn"][0]
    assert not Pupil.objects.exists()
    assert not AuditEvent.objects.exists()


def test_pupil_create_records_an_audit_event(db):
    pupil = pupil_create(
        actor=None,
        upn="B801200005001",
        legal_forename="Ada",
        legal_surname="Lovelace",
        date_of_birth=dt.date(2015, 12, 10),
        sex="F",
    )
    assert AuditEvent.objects.get(verb="pupil.create").object_id == str(pupil.pk)
