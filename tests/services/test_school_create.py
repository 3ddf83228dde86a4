import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from rollcall.organisations.models import School
from rollcall.organisations.services import school_create
from tests.factories import make_la


def _create(**times):
    return school_create(
        actor=None,
        urn="123456",
        name="Register Times School",
        local_authority=make_la(),
        establishment_number="2222",
        phase="primary",
        on=dt.date(2025, 1, 1),
        **times,
    )


def test_a_register_may_stay_open_thirty_minutes(db):
    school = _create(am_register_opens=dt.time(8, 40), am_register_closes=dt.time(9, 10))
    assert school.am_register_closes == dt.time(9, 10)


def test_it_refuses_a_register_open_longer_than_thirty_minutes(db):
    with pytest.raises(ValidationError, match="31 minutes after it opens; the most allowed is 30"):
        _create(pm_register_opens=dt.time(13, 0), pm_register_closes=dt.time(13, 31))
    assert not School.objects.exists()


def test_it_refuses_a_register_that_closes_before_it_opens(db):
    with pytest.raises(ValidationError, match="must close after it opens"):
        _create(am_register_opens=dt.time(9, 0), am_register_closes=dt.time(8, 50))


def test_it_refuses_a_malformed_urn(db):
    with pytest.raises(ValidationError, match="six digits"):
        school_create(
            actor=None,
            urn="12AB",
            name="x",
            local_authority=make_la(),
            establishment_number="1111",
            phase="primary",
            on=dt.date(2025, 1, 1),
        )


def test_it_keeps_the_headteacher_and_the_email_address_for_letters(db):
    school = _create(
        headteacher_title=" Mrs ",
        headteacher_forename="Amina",
        headteacher_surname="Khan",
        email=" office@riverside.example ",
    )
    assert (school.headteacher_title, school.headteacher_surname) == ("Mrs", "Khan")
    assert school.email == "office@riverside.example"


def test_it_refuses_an_email_address_for_letters_that_is_not_one(db):
    with pytest.raises(ValidationError) as refusal:
        _create(email="office at riverside")
    assert refusal.value.message_dict["email"] == ["'office at riverside' is not an email address"]
    assert not School.objects.exists()
