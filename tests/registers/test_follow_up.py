"""First-day follow-up: pupils marked N, their families, their flags, and contacts recorded."""

import datetime as dt
import html as html_lib

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from rollcall.casework.models import ChronologyEntry
from rollcall.casework.selectors import follow_up_list
from rollcall.casework.services import chronology_entry_add
from rollcall.core.models import AppendOnlyError, AuditEvent
from rollcall.pupils.services import carer_create, carer_link_create
from rollcall.registers.services import MarkInput, marks_bulk_record
from tests.factories import make_school
from tests.registers.conftest import MONDAY, clock_at, form_data, staff, url


@pytest.fixture
def mother(pupils):
    carer = carer_create(
        actor=None,
        title="Ms",
        forename="Nia",
        surname="Brook",
        mobile_phone="07700 900123",
        email="nia.brook@example.org",
    )
    carer_link_create(
        actor=None,
        pupil=pupils[1],
        carer=carer,
        relationship="mother",
        parental_responsibility=True,
        lives_with_pupil=True,
    )
    return carer


def _marks(school, rows):
    marks_bulk_record(
        actor=None,
        school=school,
        marks=[MarkInput(upn=p.upn, date=d, session=s, code=c) for p, d, s, c in rows],
        source="import",
    )


def test_a_contact_goes_into_the_chronology_with_who_when_and_an_audit_event(
    pupils, school, mother, officer
):
    entry = chronology_entry_add(
        actor=officer,
        pupil=pupils[1],
        school=school,
        kind="phone_call",
        outcome="reason_given",
        reason="Sickness bug",
        carer=mother,
        occurred_at=timezone.now(),
        note="Expects him back on Wednesday",
    )
    assert entry.summary == "Phone call to Ms Nia Brook (mother): reason given: Sickness bug"
    assert entry.recorded_by_label == "Olu Officer (officer)"
    assert AuditEvent.objects.filter(verb="chronology.add", object_id=str(entry.pk)).exists()


def test_reason_given_needs_the_reason(pupils, school, mother, officer):
    with pytest.raises(ValidationError, match="Write down the reason"):
        chronology_entry_add(
            actor=officer,
            pupil=pupils[1],
            school=school,
            kind="phone_call",
            outcome="reason_given",
            occurred_at=timezone.now(),
        )
    assert not ChronologyEntry.objects.exists()


def test_the_carer_must_be_one_of_the_pupils(pupils, school, mother, officer):
    with pytest.raises(ValidationError, match="is not linked to Amara Adams"):
        chronology_entry_add(
            actor=officer,
            pupil=pupils[0],
            school=school,
            kind="text_message",
            outcome="no_answer",
            carer=mother,
            occurred_at=timezone.now(),
        )


def test_chronology_entries_cannot_be_changed_or_deleted(pupils, school, officer):
    entry = chronology_entry_add(
        actor=officer,
        pupil=pupils[0],
        school=school,
        kind="home_visit",
        outcome="no_answer",
        occurred_at=timezone.now(),
    )
    with pytest.raises(AppendOnlyError):
        entry.delete()
    entry.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        ChronologyEntry.objects.filter(pk=entry.pk).update(summary="rewritten")
    assert ChronologyEntry.objects.get().summary == "Home visit: no answer"


def test_pupils_to_chase_first_come_first(school, group, pupils):
    # Amara has a social worker; Cara missed most sessions before today; Ben neither.
    amara, _ben, cara = pupils
    amara.social_worker_name = "Sol Worker"
    amara.save()
    earlier = [MONDAY - dt.timedelta(days=n) for n in (3, 4, 5, 6, 7)]  # Mon 6 to Fri 10 Jan
    rows = [(cara, d, s, "O") for d in earlier for s in ("AM", "PM")]
    rows += [(p, MONDAY, "AM", "N") for p in pupils]
    _marks(school, rows)
    listed = follow_up_list(school=school, day=MONDAY)
    assert [row.pupil.legal_forename for row in listed] == ["Amara", "Cara", "Ben"]
    assert [row.chase_first for row in listed] == [True, True, False]
    cara_row = listed[1]
    assert (cara_row.absence.possible, cara_row.absence.absent) == (10, 10)
    assert cara_row.absence.severe


def test_the_follow_up_page_shows_families_flags_and_records_a_contact(client, here, day):
    _ada, bilal, cleo = here["pupils"]
    bilal.looked_after = True
    bilal.save()
    carer = carer_create(
        actor=None, forename="Fay", surname="Birch", mobile_phone="07700 900456", home_phone=""
    )
    carer_link_create(
        actor=None,
        pupil=bilal,
        carer=carer,
        relationship="foster_carer",
        parental_responsibility=False,
        lives_with_pupil=True,
    )
    client.force_login(here["teacher"])
    client.post(url(here, day), form_data(here, codes={bilal.upn: "N", cleo.upn: "N"}))
    client.force_login(here["officer"])
    html = client.get(f"/registers/follow-up?date={day.isoformat()}").content.decode()
    assert "2 pupils to follow up, 1 to chase first" in html
    assert html.index("Bilal Birch") < html.index("Cleo Cedar")
    assert "Looked after" in html
    assert "Fay Birch" in html and "Foster carer" in html and "07700 900456" in html
    assert "No contact recorded yet about this absence" in html
    response = client.post(
        f"/registers/follow-up?date={day.isoformat()}",
        {
            "pupil": bilal.pk,
            "school": here["school"].urn,
            "carer": carer.pk,
            "kind": "phone_call",
            "outcome": "message_left",
            "reason": "",
            "note": "Voicemail",
        },
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Phone call to Fay Birch (foster carer): message left" in html
    assert "Omar Office (omar)" in html
    entry = ChronologyEntry.objects.get()
    assert (entry.pupil, entry.carer, entry.recorded_by) == (bilal, carer, here["officer"])


def test_the_follow_up_form_explains_a_missing_reason(client, here, day):
    cleo = here["pupils"][2]
    client.force_login(here["teacher"])
    client.post(url(here, day), form_data(here, codes={cleo.upn: "N"}))
    client.force_login(here["officer"])
    response = client.post(
        f"/registers/follow-up?date={day.isoformat()}",
        {
            "pupil": cleo.pk,
            "school": here["school"].urn,
            "carer": "",
            "kind": "email",
            "outcome": "reason_given",
            "reason": "",
        },
    )
    html = response.content.decode()
    assert "The contact was not recorded" in html
    assert "Cleo Cedar: Write down the reason the parent or carer gave" in html
    assert not ChronologyEntry.objects.exists()


def test_a_text_sent_from_the_schools_messaging_system_is_recorded_with_its_words(
    client, here, day
):
    cleo = here["pupils"][2]
    client.force_login(here["teacher"])
    client.post(url(here, day), form_data(here, codes={cleo.upn: "N"}))
    client.force_login(here["officer"])
    form = {
        "pupil": cleo.pk,
        "school": here["school"].urn,
        "carer": "",
        "kind": "text_message",
        "outcome": "message_left",
        "reason": "",
        "words": "",
    }
    page = f"/registers/follow-up?date={day.isoformat()}"
    html = client.post(page, form).content.decode()
    assert "Cleo Cedar: Copy in the words of the text message as the school's" in html_lib.unescape(
        html
    )
    assert not ChronologyEntry.objects.exists()

    words = "Cleo is not in school today. Please call the office on 01632 960000."
    response = client.post(page, form | {"words": words})
    assert response.status_code == 302
    entry = ChronologyEntry.objects.get()
    assert entry.words == words
    html = html_lib.unescape(client.get(response["Location"]).content.decode())
    assert f"Words sent: \u201c{words}\u201d" in html


def test_another_schools_officer_cannot_record_a_contact(client, here, day):
    outsider = staff("far", "attendance_officer", make_school(name="Far School"))
    client.force_login(outsider)
    response = client.post(
        "/registers/follow-up",
        {
            "pupil": here["pupils"][0].pk,
            "school": here["school"].urn,
            "kind": "email",
            "outcome": "no_answer",
        },
    )
    assert response.status_code == 404
    assert not ChronologyEntry.objects.exists()


def test_a_contact_made_on_monday_shows_on_fridays_follow_up(client, here, day, time_machine):
    bilal = here["pupils"][1]
    friday = day - dt.timedelta(days=5)  # Friday 10 January 2025
    time_machine.move_to(clock_at(friday), tick=False)
    client.force_login(here["teacher"])
    client.post(url(here, friday), form_data(here, codes={bilal.upn: "N"}))
    monday = friday + dt.timedelta(days=3)
    time_machine.move_to(clock_at(monday, 10, 5), tick=False)
    client.force_login(here["officer"])
    response = client.post(
        f"/registers/follow-up?date={friday.isoformat()}",
        {
            "pupil": bilal.pk,
            "school": here["school"].urn,
            "carer": "",
            "kind": "phone_call",
            "outcome": "reason_given",
            "reason": "Chest infection",
        },
    )
    assert response.status_code == 302
    html = client.get(f"/registers/follow-up?date={friday.isoformat()}").content.decode()
    assert "Phone call: reason given: Chest infection" in html
    assert "Mon 13 Jan 10:05" in html  # made on a later day, so its date is shown
    assert "No contact recorded yet" not in html
    entry = ChronologyEntry.objects.get()
    assert entry.absence_date == friday
    assert timezone.localtime(entry.occurred_at).date() == monday


def test_a_contact_cannot_follow_up_an_absence_after_it(pupils, school, officer):
    made = dt.datetime(2025, 1, 13, 10, 0, tzinfo=dt.UTC)
    with pytest.raises(ValidationError, match="cannot follow up an absence on a later day"):
        chronology_entry_add(
            actor=officer,
            pupil=pupils[0],
            school=school,
            kind="phone_call",
            outcome="no_answer",
            occurred_at=made,
            absence_date=dt.date(2025, 1, 14),
        )
    assert not ChronologyEntry.objects.exists()


def test_on_a_saturday_the_follow_up_opens_on_fridays_absences(client, here, day, time_machine):
    bilal = here["pupils"][1]
    friday = day + dt.timedelta(days=2)  # Friday 17 January 2025
    time_machine.move_to(clock_at(friday), tick=False)
    client.force_login(here["teacher"])
    client.post(url(here, friday), form_data(here, codes={bilal.upn: "N"}))
    time_machine.move_to(clock_at(friday + dt.timedelta(days=1), 10), tick=False)
    client.force_login(here["officer"])
    html = client.get("/registers/follow-up").content.decode()
    assert "Friday 17 January 2025" in html
    assert "1 pupil to follow up" in html and "Bilal Birch" in html
