"""The attendance pages with the demo authority: who sees what, and what the pages say."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html import unescape as html_unescape

import polars as pl
import pytest
from django.db.models import Q

from rollcall.analytics.source import analysis_matrix
from rollcall.engine import analyse
from rollcall.engine.dfe_comparable import age_on
from rollcall.pupils.models import Enrolment, Pupil
from tests.analytics.conftest import signed_in

pytestmark = pytest.mark.django_db

HARTWELL_PRIMARY, HARTWELL_HIGH, CASTLE_HILL = "990101", "990201", "990202"
DEMO_END = dt.date(2026, 3, 20)


def on_roll(urn: str) -> list[str]:
    """UPNs on a school's roll at the end of the demo, and at no other school."""
    current = Q(left_on__isnull=True) | Q(left_on__gte=DEMO_END)
    here = Enrolment.objects.filter(current, school__urn=urn).values_list("pupil__upn", flat=True)
    elsewhere = set(Enrolment.objects.exclude(school__urn=urn).values_list("pupil__upn", flat=True))
    return sorted(upn for upn in here if upn not in elsewhere)


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The text of each body row of a table, as a user reads it."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    assert table, f"no table {table_id}"
    body = table.group(0).split("<tbody", 1)[1]
    rows = []
    for row in re.findall(r"<tr.*?</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells])
    return rows


def test_an_la_officer_sees_every_school_compared_with_a_chart_and_its_data(client, demo):
    html = signed_in(client, "laofficer").get("/analytics/").content.decode()
    for name in ("Hartwell High School", "Castle Hill Academy", "Hartwell Learning Centre"):
        assert name in html
    assert "Hartwell Borough Council (all schools)" in html
    assert "Figures from 1 September 2025 to 20 March 2026" in html
    chart = re.search(r'<svg[^>]*id="persistent-absence-by-school".*?</svg>', html, re.S)
    assert chart and 'role="img"' in chart.group(0)
    assert (
        'aria-labelledby="persistent-absence-by-school-title persistent-absence-by-school-desc"'
        in chart.group(0)
    )
    assert (
        '<title id="persistent-absence-by-school-title">Persistent absence rate by school' in html
    )
    assert "Show the chart&#39;s data as a table" in html


def test_a_teacher_is_taken_to_their_schools_dashboard(client, demo):
    response = signed_in(client, "teacher").get("/analytics/?as_of=2025-12-01")
    assert response.status_code == 302
    assert response["Location"] == f"/analytics/schools/{HARTWELL_PRIMARY}?as_of=2025-12-01"


def test_a_teacher_gets_404_for_another_school_and_its_pupils(client, demo):
    signed_in(client, "teacher")
    assert client.get(f"/analytics/schools/{HARTWELL_HIGH}").status_code == 404
    assert client.get(f"/analytics/schools/{HARTWELL_HIGH}/pupils.csv").status_code == 404
    assert client.get(f"/analytics/pupils/{on_roll(HARTWELL_HIGH)[0]}").status_code == 404
    assert client.get(f"/analytics/pupils/{on_roll(HARTWELL_PRIMARY)[0]}").status_code == 200


def test_an_la_officer_opens_any_pupil_and_a_trust_lead_only_the_trusts(client, demo):
    signed_in(client, "laofficer")
    assert client.get(f"/analytics/pupils/{on_roll(HARTWELL_HIGH)[0]}").status_code == 200
    assert client.get(f"/analytics/pupils/{on_roll(CASTLE_HILL)[0]}").status_code == 200
    client.logout()
    signed_in(client, "trustlead")
    assert client.get(f"/analytics/pupils/{on_roll(CASTLE_HILL)[0]}").status_code == 200
    assert client.get(f"/analytics/pupils/{on_roll(HARTWELL_HIGH)[0]}").status_code == 404
    html = client.get("/analytics/").content.decode()
    assert "Castle Hill Academy" in html and "Hartwell High School" not in html


def test_the_pupil_page_shows_the_engines_figures_and_every_mark(client, demo):
    upn = on_roll(HARTWELL_HIGH)[0]
    html = signed_in(client, "officer").get(f"/analytics/pupils/{upn}").content.decode()
    frame = analyse(analysis_matrix(), as_of=DEMO_END, first=dt.date(2025, 9, 1))
    expected = frame.row(by_predicate=pl.col("upn") == upn, named=True)
    possible = re.search(r"Possible sessions\s*</dt>\s*<dd[^>]*>\s*([\d,]+)", html)
    assert possible and int(possible.group(1).replace(",", "")) == expected["possible_sessions"]
    attended = expected["present_sessions"] + expected["aea_sessions"]
    assert f"{100 * attended / expected['possible_sessions']:.1f}% ({attended} sessions" in html
    # The calendar draws one cell (and prints the code) for every mark this school year.
    calendar = re.search(r'<svg[^>]*id="register-calendar".*?</svg>', html, re.S).group(0)
    codes = re.findall(r'<text x="[\d.]+" y="[\d.]+" text-anchor="middle" font-size="13"', calendar)
    possible_and_not = expected["possible_sessions"] + expected["not_counted_sessions"]
    assert len(codes) == possible_and_not
    for chart in ("register-calendar", "weekly-attendance"):
        assert f'<title id="{chart}-title">' in html and f'<desc id="{chart}-desc">' in html
    assert html.count("Show the chart&#39;s data as a table") == 2


def test_the_as_of_date_changes_the_period_and_a_bad_date_is_explained(client, demo):
    signed_in(client, "officer")
    html = client.get(f"/analytics/schools/{HARTWELL_HIGH}?as_of=2025-03-01").content.decode()
    assert "Figures from 1 September 2024 to 1 March 2025" in html
    html = client.get(f"/analytics/schools/{HARTWELL_HIGH}?as_of=2025-02-30").content.decode()
    assert "There is a problem" in html
    assert "Enter a real date in the form YYYY-MM-DD" in html
    assert "<title>Error: " in html
    assert "Figures from 1 September 2025 to 20 March 2026" in html  # the default still shows


def test_the_csv_download_holds_exactly_the_rows_on_screen(client, demo):
    signed_in(client, "officer")
    query = "?flag=all&sort=unauthorised&order=desc"
    html = client.get(f"/analytics/schools/{HARTWELL_HIGH}{query}").content.decode()
    shown = table_rows(html, "pupil-table")
    response = client.get(f"/analytics/schools/{HARTWELL_HIGH}/pupils.csv{query}")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="990201-pupils-2026-03-20.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Pupil", "UPN", "Year"]
    assert len(rows) - 1 == len(shown) > 10
    for screen, download in zip(shown, rows[1:], strict=True):
        name, upn = download[0], download[1]
        # On screen the UPN sits under the name; every other cell is the same text.
        assert screen[0] == f"{name} {upn}"
        width = len(screen) + 1  # then the DfE-comparable columns, in the file only
        assert screen[1:-1] == download[2 : width - 1]
        assert screen[-1] == " ".join(download[width - 1].split("; ")).strip()
    unauthorised = [int(row[5]) for row in rows[1:]]
    assert unauthorised == sorted(unauthorised, reverse=True)


def test_a_long_list_comes_a_page_at_a_time_and_the_csv_holds_every_pupil(
    client, demo, monkeypatch
):
    monkeypatch.setattr("rollcall.analytics.presenters.school.PUPILS_A_PAGE", 4)
    signed_in(client, "officer")
    query = "?flag=all&sort=unauthorised&order=desc"
    everyone = list(
        csv.reader(
            io.StringIO(
                client.get(f"/analytics/schools/{HARTWELL_HIGH}/pupils.csv{query}").content.decode()
            )
        )
    )[1:]
    assert len(everyone) > 8

    pages, number = [], 1
    while True:
        html = html_unescape(
            client.get(f"/analytics/schools/{HARTWELL_HIGH}{query}&page={number}").content.decode()
        )
        rows = table_rows(html, "pupil-table")
        pages.append([row[0] for row in rows])
        first = 4 * (number - 1) + 1
        text = f"Pupils {first} to {first + len(rows) - 1} of {len(everyone)} are on this page."
        assert text in " ".join(html.split())
        if f"page={number + 1}" not in html:
            break
        assert 'rel="next"' in html and len(rows) == 4
        number += 1

    # Page after page, in the list's order: every pupil once, as the download has them.
    assert [name for page in pages for name in page] == [f"{r[0]} {r[1]}" for r in everyone]
    # A page past the end shows the last page; a page that is not a number, the first.
    last = client.get(f"/analytics/schools/{HARTWELL_HIGH}{query}&page=999").content.decode()
    assert [row[0] for row in table_rows(html_unescape(last), "pupil-table")] == pages[-1]
    bad = client.get(f"/analytics/schools/{HARTWELL_HIGH}{query}&page=two").content.decode()
    assert [row[0] for row in table_rows(html_unescape(bad), "pupil-table")] == pages[0]


def test_the_list_filters_and_sorts_and_says_how_it_is_sorted(client, demo):
    signed_in(client, "officer")
    html = client.get(
        f"/analytics/schools/{HARTWELL_HIGH}?flag=persistent&sort=attendance&order=asc"
    ).content.decode()
    rows = table_rows(html, "pupil-table")
    assert rows, "the demo school has persistently absent pupils"
    assert all("Persistent absence" in row[-1] or "Severe absence" in row[-1] for row in rows)
    attendance = [float(row[2].rstrip("%")) for row in rows]
    assert attendance == sorted(attendance)
    assert all(value < 90.0 for value in attendance)  # 10 % or more absent
    assert 'aria-sort="ascending"' in html
    # The heading link offers the other order, keeping the filter.
    assert "flag=persistent&amp;sort=attendance&amp;order=desc" in html
    everyone = table_rows(
        client.get(f"/analytics/schools/{HARTWELL_HIGH}?flag=all").content.decode(), "pupil-table"
    )
    assert len(everyone) > len(rows)


def test_cohorts_compare_groups_with_the_authority(client, demo):
    signed_in(client, "analyst")
    html = client.get("/analytics/cohorts?by=year_group&then=free_school_meals").content.decode()
    assert "Absence by year group and free school meals" in html
    assert "Hartwell Borough Council (all pupils)" in html
    for chart in ("absence-by-cohort", "persistent-absence-by-cohort"):
        assert f'<svg xmlns="http://www.w3.org/2000/svg" role="img" id="{chart}"' in html
    html = client.get("/analytics/cohorts?by=sex&then=sex").content.decode()
    assert "Choose a different characteristic to group by second" in html
    assert "<title>Error: " in html


def test_a_schools_cohorts_are_only_its_own_pupils(client, demo):
    signed_in(client, "teacher")
    html = client.get("/analytics/cohorts?by=school_urn").content.decode()
    assert "Hartwell Primary School" in html
    assert "Castle Hill Academy" not in html


def test_the_schools_table_sorts_by_any_column_and_downloads_as_shown(client, demo):
    page = signed_in(client, "laofficer")
    html = page.get("/analytics/", {"sort": "persistent", "order": "desc"}).content.decode()
    tables = re.findall(r"<table.*?</table>", html, re.S)
    [table] = [t for t in tables if "Schools compared" in t]
    assert 'aria-sort="descending"' in table
    body = table.split("<tbody", 1)[1]
    rows = [
        [
            " ".join(re.sub(r"<[^>]+>", " ", c).split())
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr.*?</tr>", body, re.S)
    ]
    shown = [row for row in rows if "(all schools)" not in row[0]]
    rates = [float(row[4].rstrip("%")) for row in shown if row[4].endswith("%")]
    assert rates == sorted(rates, reverse=True) and len(rates) >= 5
    # The heading offers the other direction next.
    assert "sort=persistent&amp;order=asc" in table
    response = page.get("/analytics/schools.csv", {"sort": "persistent", "order": "desc"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("urn,school,pupils,attendance_pct")
    assert [line.split(",")[1] for line in lines[1:]] == [html_unescape(row[0]) for row in shown]


def test_the_school_page_offers_dfe_comparable_figures_with_their_definition(client, demo):
    signed_in(client, "officer")
    html = client.get(f"/analytics/schools/{HARTWELL_HIGH}?as_of=2025-03-01").content.decode()
    assert "Persistent absence, DfE-comparable (DfE-comparable: enrolments of pupils aged 5" in (
        html
    )
    row = re.search(r"Severe absence, DfE-comparable \(as above\)</t[hd]>(.*?)</tr>", html, re.S)
    assert row is not None and re.search(r"\d+\.\d%", row.group(1)), "a figure is shown"


def test_the_schools_download_gives_dfe_comparable_figures_with_their_definition(client, demo):
    page = signed_in(client, "laofficer")
    response = page.get("/analytics/schools.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows and all("aged 5 to 15" in row["dfe_comparable_definition"] for row in rows)
    figures = [row["dfe_comparable_persistent_absence_pct"] for row in rows]
    assert any(re.fullmatch(r"\d+\.\d", value) for value in figures)


def test_the_authority_page_offers_dfe_comparable_figures_with_their_definition(client, demo):
    signed_in(client, "laofficer")
    html = client.get("/analytics/").content.decode()
    assert "Persistent absence, DfE-comparable" in html
    assert "Severe absence, DfE-comparable" in html
    definition = re.search(r'id="dfe-comparable-definition">(.*?)</p>', html, re.S)
    assert definition is not None and "aged 5 to 15 on 31 August" in definition.group(1)
    assert "academic year from 1 August" in definition.group(1)
    # Each school and the whole authority have a figure in both columns.
    [table] = [t for t in re.findall(r"<table.*?</table>", html, re.S) if "Schools compared" in t]
    rows = [
        [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]
        for row in re.findall(r"<tr.*?</tr>", table.split("<tbody", 1)[1], re.S)
        for cells in [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
    ]
    assert rows and all(re.fullmatch(r"\d+\.\d%", row[-2]) for row in rows), rows
    assert any("(all schools)" in row[0] for row in rows)


def test_the_pupil_list_download_flags_each_enrolment_as_dfe_counts_it(client, demo):
    signed_in(client, "officer")
    response = client.get(f"/analytics/schools/{HARTWELL_HIGH}/pupils.csv?flag=all")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows and all("aged 5 to 15 on 31 August" in r["DfE-comparable definition"] for r in rows)
    born = dict(Pupil.objects.values_list("upn", "date_of_birth"))
    for row in rows:
        age = age_on(born[row["UPN"]], dt.date(2025, 8, 31))
        assert row["DfE-comparable: counted"] == ("Yes" if 5 <= age <= 15 else "No"), row
        if row["DfE-comparable: counted"] == "Yes":
            # No sessions in August: the published flag is the monitoring one.
            concern = "Persistent absence" in row["Concerns"] or "Severe" in row["Concerns"]
            assert (row["DfE-comparable persistent absence"] == "Yes") == concern, row
        else:
            assert row["DfE-comparable persistent absence"] == "", row
    assert any(row["DfE-comparable persistent absence"] == "Yes" for row in rows)
