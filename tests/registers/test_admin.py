"""Part-time timetables and dual-registration sessions are recorded in the admin, through the
same services (validated, audited) as everything else."""

import datetime as dt

from rollcall.accounts.services import user_create
from rollcall.core.models import AuditEvent
from rollcall.registers.models import PartTimeTimetable


def test_an_administrator_records_a_part_time_timetable(client, pupils):
    admin = user_create(
        actor=None, username="root", password="a-long-test-password", is_superuser=True
    )
    client.force_login(admin)
    enrolment = pupils[0].enrolments.get()
    form = {
        "enrolment": enrolment.pk,
        "starts_on": "2025-01-06",
        "ends_on": "2025-02-14",
        "note": "Agreed with both parents; review 10 February",
        "friday_pm": "on",
    }
    response = client.post("/admin/registers/parttimetimetable/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    timetable = PartTimeTimetable.objects.get()
    assert timetable.session_fields == ["friday_pm"]
    assert timetable.covers(dt.date(2025, 1, 17), "PM")
    event = AuditEvent.objects.get(verb="part_time_timetable.create")
    assert event.actor == admin


def test_the_admin_explains_a_timetable_that_excludes_nothing(client, pupils):
    admin = user_create(
        actor=None, username="root", password="a-long-test-password", is_superuser=True
    )
    client.force_login(admin)
    response = client.post(
        "/admin/registers/parttimetimetable/add/",
        {
            "enrolment": pupils[0].enrolments.get().pk,
            "starts_on": "2025-01-06",
            "ends_on": "2025-02-14",
        },
    )
    assert response.status_code == 200
    assert "Tick at least one session the pupil does not attend" in response.content.decode()
    assert not PartTimeTimetable.objects.exists()
