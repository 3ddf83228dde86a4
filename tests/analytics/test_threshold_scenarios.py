"""The threshold on the pupil page and in the sweep, in scenarios worked out by hand (WTISA).

School weeks of 2024/25 used below (tests.factories terms): autumn 2 ends Fri 20 Dec 2024;
spring 1 runs Mon 6 Jan to Fri 14 Feb 2025; half-term 17-21 Feb; spring 2 from Mon 24 Feb.
"""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command

from rollcall.analytics.models import WorklistItem
from tests.analytics.conftest import person, prepare_figures, record, signed_in, week
from tests.factories import YEAR_2024_25, enrol, make_pupil, make_school

pytestmark = pytest.mark.django_db

D = dt.date
G_MONDAY = "G . . . . . . . . ."
SPRING_MONDAYS = [D(2025, 1, 6) + dt.timedelta(weeks=k) for k in range(6)]  # 6 Jan .. 10 Feb
TERMS_2025_26 = ((D(2025, 9, 1), D(2025, 12, 19)), (D(2026, 1, 5), D(2026, 3, 27)))


def sweep(*options: str) -> str:
    out = StringIO()
    call_command("sweep", *options, stdout=out)
    return out.getvalue()


@pytest.fixture
def school():
    return make_school(name="Riverside Primary School")


@pytest.fixture
def pupil(school):
    made = make_pupil(forename="Amara", surname="Adams")
    enrol(made, school)
    return made


def ten_gs_over_ten_school_weeks(school, upn):
    # Weeks of 9 and 16 Dec: present. Six spring-1 weeks: G on Monday AM (6 G). Half-term has
    # no sessions. 24 Feb and 3 Mar: G on Monday AM (8). Week of 10 Mar: G on Wednesday AM and
    # PM (9, 10): met Wed 12 Mar 2025 PM. The 10 school weeks ending then are 16 Dec to 10 Mar
    # (the holidays are skipped). Week of 17 Mar: present.
    record(school, upn, D(2024, 12, 9), week())
    record(school, upn, D(2024, 12, 16), week())
    for monday in SPRING_MONDAYS:
        record(school, upn, monday, week(G_MONDAY))
    record(school, upn, D(2025, 2, 24), week(G_MONDAY))
    record(school, upn, D(2025, 3, 3), week(G_MONDAY))
    record(school, upn, D(2025, 3, 10), week(". . . . G G . . . ."))
    record(school, upn, D(2025, 3, 17), week())


def test_the_pupil_page_shows_when_it_was_met_and_draws_that_window(client, school, pupil):
    ten_gs_over_ten_school_weeks(school, pupil.upn)
    person("head", "headteacher", school=school)
    prepare_figures()
    html = signed_in(client, "head").get(f"/analytics/pupils/{pupil.upn}").content.decode()
    assert "Met on Wednesday 12 March 2025, afternoon session" in html
    # As of Fri 21 Mar the 10 school weeks are 6 Jan to 17 Mar: 6 + 1 + 1 + 2 = 10.
    # Each count says which window it counts: now, and when the threshold was met.
    assert (
        "Now: 10 unauthorised sessions in the 10 school weeks to 21 March 2025 "
        "(the threshold is 10)." in html
    )
    assert (
        "Shaded: the 10 school weeks to 12 Mar 2025 (PM), when the threshold was met: "
        "10 unauthorised sessions" in html
    )
    # In the chart's data: the window is 16 Dec to 10 Mar, skipping both holidays.
    in_window = re.findall(
        r"<td[^>]*>(\d+ \w+ 2025|\d+ December 2024)</td>\s*<td[^>]*>[^<]*</td>\s*"
        r"<td[^>]*>(\d*)</td>\s*<td[^>]*>Yes</td>",
        html,
    )
    assert [day for day, _ in in_window] == [
        "16 December 2024",
        "6 January 2025",
        "13 January 2025",
        "20 January 2025",
        "27 January 2025",
        "3 February 2025",
        "10 February 2025",
        "24 February 2025",
        "3 March 2025",
        "10 March 2025",
    ]
    assert sum(int(count or 0) for _, count in in_window) == 10
    # The calendar skips the holidays visibly and prints every G.
    assert "School holiday: 23 Dec to 3 Jan" in html
    assert "School holiday: 17 Feb to 21 Feb" in html
    calendar = re.search(r'<svg[^>]*id="register-calendar".*?</svg>', html, re.S).group(0)
    assert calendar.count(">G</text>") == 10


def test_a_pupil_under_the_threshold_shows_the_current_window(client, school, pupil):
    record(school, pupil.upn, D(2025, 3, 3), week("G . . . . . . . . U"))
    record(school, pupil.upn, D(2025, 3, 10), week("N . . . . . . . . ."))
    person("head", "headteacher", school=school)
    prepare_figures()
    html = signed_in(client, "head").get(f"/analytics/pupils/{pupil.upn}").content.decode()
    assert re.search(r'id="threshold-status">Not met</p>', html)
    assert (
        "Now: 3 unauthorised sessions in the 10 school weeks to 14 March 2025 "
        "(the threshold is 10)." in html
    )
    assert "Shaded: the 2 school weeks to 14 Mar 2025: 3 unauthorised sessions" in html


def test_a_mover_is_work_for_the_new_school_and_the_old_school_is_told_why(client, school):
    new_school = make_school(name="Brook Lane Primary School")
    mover = make_pupil(forename="Ben", surname="Brook")
    enrol(mover, school, admitted_on=D(2024, 9, 2), left_on=D(2025, 2, 14))
    enrol(mover, new_school, admitted_on=D(2025, 2, 24))
    # Eight G at the first school in spring 1, two more at the new school: met at the new one.
    for monday in SPRING_MONDAYS[:4]:
        record(school, mover.upn, monday, week("G G . . . . . . . ."))
    record(new_school, mover.upn, D(2025, 2, 24), week(". . G G . . . . . ."))
    record(new_school, mover.upn, D(2025, 3, 3), week())
    sweep("--on", "2025-03-07")
    # 10 unauthorised of 60 possible sessions is also persistent absence (16.7 %).
    assert sorted(WorklistItem.objects.values_list("kind", "school__name", "met_on")) == [
        ("national_threshold", "Brook Lane Primary School", D(2025, 2, 25)),
        ("persistent_absence", "Brook Lane Primary School", D(2025, 3, 7)),
    ]
    item = WorklistItem.objects.get(kind="national_threshold")

    person("old", "attendance_officer", school=school)
    prepare_figures()
    html = signed_in(client, "old").get(f"/analytics/pupils/{mover.upn}").content.decode()
    assert "Met on Tuesday 25 February 2025, afternoon session" in html
    assert "2 of the sessions in the shaded window were recorded at a school you cannot see." in (
        html
    )
    assert f"/analytics/worklist/{item.pk}" not in html
    assert client.get(f"/analytics/worklist/{item.pk}").status_code == 404


def test_year_to_date_triggers_are_listed_once_a_school_year(school, pupil):
    # 3 of 10 sessions absent each week: persistent absence from the first week.
    for monday in SPRING_MONDAYS:
        record(school, pupil.upn, monday, week("I I . . . . . . . I"))
    sweep("--on", "2025-01-17")
    sweep("--on", "2025-02-14")
    items = WorklistItem.objects.filter(kind="severe_absence") | WorklistItem.objects.filter(
        kind="persistent_absence"
    )
    assert list(items.values_list("kind", "met_on")) == [("persistent_absence", D(2025, 1, 17))]


def test_the_threshold_met_again_next_school_year_is_new_work(client):
    terms = YEAR_2024_25 + TERMS_2025_26
    school = make_school(name="Hillside Primary School", terms=terms)
    pupil = make_pupil(forename="Cara", surname="Cole")
    enrol(pupil, school, admitted_on=D(2024, 9, 2))
    # Ten G in the week of 7 Oct 2024 (met Fri 11 Oct PM). Twelve school weeks present in the
    # autumn of 2025 push it out of the window; ten more G in the week of 12 Jan 2026 meet it
    # again on Fri 16 Jan 2026 PM.
    record(school, pupil.upn, D(2024, 10, 7), "G G G G G G G G G G")
    for k in range(12):
        record(school, pupil.upn, D(2025, 9, 22) + dt.timedelta(weeks=k), week())
    record(school, pupil.upn, D(2026, 1, 12), "G G G G G G G G G G")
    record(school, pupil.upn, D(2026, 1, 19), week())
    sweep("--on", "2026-01-23")
    items = WorklistItem.objects.filter(kind="national_threshold")
    assert [(i.met_on, "(occasion 2): from 12 January 2026 AM" in i.detail) for i in items] == [
        (D(2026, 1, 16), True)
    ]
    sweep("--on", "2026-01-23", "--since", "2024-08-19")
    assert sorted(items.values_list("met_on", flat=True)) == [D(2024, 10, 11), D(2026, 1, 16)]

    person("head", "headteacher", school=school)
    prepare_figures()
    html = signed_in(client, "head").get(f"/analytics/pupils/{pupil.upn}").content.decode()
    assert "Met on Friday 16 January 2026, afternoon session" in html
    assert "First met on 11 October 2024." in html


def test_a_pupil_without_marks_is_explained_not_charted(client, school, pupil):
    newcomer = make_pupil(forename="Dan", surname="Dale")
    enrol(newcomer, school, admitted_on=D(2025, 3, 24))
    record(school, pupil.upn, D(2025, 3, 17), week())
    person("head", "headteacher", school=school)
    prepare_figures()
    html = signed_in(client, "head").get(f"/analytics/pupils/{newcomer.upn}").content.decode()
    assert "There are no register marks for this pupil from 1 September 2024 to 21 March 2025" in (
        html
    )
    assert "<svg" not in html
