"""A condition on recording a pupil's absence shows on the register while it is in force."""

from __future__ import annotations

import datetime as dt

from rollcall.pupils.services import condition_set
from tests.registers.conftest import url


def test_the_register_shows_the_condition_beside_the_pupil_while_in_force(client, here, day):
    ada = here["pupils"][0]
    condition_set(
        actor=None,
        pupil=ada,
        school=here["school"],
        kind="medical_evidence",
        starts_on=day,
        ends_on=day,
        reason="Fast Track",
    )
    client.force_login(here["teacher"])
    html = client.get(url(here, day)).content.decode()
    assert html.count("Medical evidence required for illness absence") == 1
    tomorrow = client.get(url(here, day + dt.timedelta(days=1))).content.decode()
    assert "Medical evidence required" not in tomorrow
