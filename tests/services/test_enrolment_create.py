import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.factories import enrol, make_pupil, make_school


def test_a_pupil_cannot_be_singly_registered_at_two_schools_at_once(db):
    first, second = make_school(name="First"), make_school(name="Second")
    pupil = make_pupil()
    enrol(pupil, first)
    with pytest.raises(ValidationError, match="needs dual registration"):
        enrol(pupil, second, admitted_on=dt.date(2024, 1, 8))


def test_dual_registration_allows_two_schools_at_once(db):
    main, subsidiary = make_school(name="Main"), make_school(name="Pupil Referral Unit")
    pupil = make_pupil()
    enrol(pupil, main, registration="M")
    enrolment = enrol(pupil, subsidiary, admitted_on=dt.date(2024, 1, 8), registration="S")
    assert enrolment.registration == "S"


def test_a_pupil_can_move_school(db):
    old, new = make_school(name="Old"), make_school(name="New")
    pupil = make_pupil()
    enrol(pupil, old, left_on=dt.date(2024, 12, 20))
    assert enrol(pupil, new, admitted_on=dt.date(2025, 1, 6)).school == new
