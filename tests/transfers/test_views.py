"""The transfer pages: who may use them, uploads, downloads and refusals."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from rollcall.registers.models import Mark
from rollcall.transfers.models import Certificate, ImportBatch
from rollcall.transfers.services import marks_file_import
from tests.transfers import ctf_sample
from tests.transfers.conftest import WEEK, marks_csv, week_rows


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_the_index_lists_what_an_officer_can_do_for_their_school(signed_in, officer, school):
    html = signed_in(officer).get("/transfers/").content.decode()
    assert "Import a marks file" in html
    assert "Import a Common Transfer File (CTF)" in html
    assert f"/transfers/schools/{school.urn}/certificate" in html
    assert "Imports and exports" in html  # in the service navigation


def test_a_teacher_is_told_imports_are_not_for_them_and_cannot_reach_the_pages(
    signed_in, teacher, school
):
    client = signed_in(teacher)
    assert "are for school attendance officers" in client.get("/transfers/").content.decode()
    assert client.get("/transfers/marks/import").status_code == 404
    assert client.get(f"/transfers/schools/{school.urn}/certificate").status_code == 404


def test_an_officer_imports_a_marks_file_and_sees_the_result(signed_in, officer, pupil, school):
    client = signed_in(officer)
    response = client.post(
        "/transfers/marks/import",
        {"file": _upload("week.csv", marks_csv(week_rows(school, pupil))), "reason": ""},
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/transfers/imports/{batch.pk}"
    html = client.get(response["Location"]).content.decode()
    assert "Import of week.csv" in html
    assert "10 marks recorded" in html
    assert Mark.objects.filter(recorded_by=officer).count() == 10


def test_a_refused_file_lists_every_problem_by_row_and_saves_nothing(
    signed_in, officer, pupil, school
):
    rows = week_rows(school, pupil)
    rows[1] = (school.urn, pupil.upn, "2025-01-13", "pm", "\\")
    rows[4] = (school.urn, pupil.upn, "2025-01-15", "AM", "ZZ")
    response = signed_in(officer).post(
        "/transfers/marks/import", {"file": _upload("week.csv", marks_csv(rows))}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Import a marks file" in html
    assert "week.csv has 2 problems. Nothing from week.csv was saved." in html
    assert (
        "week.csv row 2 (line 3)" in html and "session must be AM or PM, got &#39;pm&#39;" in html
    )
    assert "week.csv row 5 (line 6)" in html and "&#39;ZZ&#39; is not an attendance code" in html
    assert not Mark.objects.exists()


def test_a_missing_file_is_an_error_on_the_field(signed_in, officer):
    html = signed_in(officer).post("/transfers/marks/import", {}).content.decode()
    assert "There is a problem" in html and "Select a file" in html


def test_an_officer_imports_a_ctf_for_their_school(signed_in, officer, school):
    response = signed_in(officer).post(
        "/transfers/ctf/import",
        {
            "school": school.urn,
            "file": _upload("riverside.xml", ctf_sample.ctf(school)),
            "admitted_on-day": "6",
            "admitted_on-month": "1",
            "admitted_on-year": "2025",
            "year_group": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ImportBatch.objects.get().pupils_created == 2


def test_a_bad_ctf_names_the_element(signed_in, officer, school):
    data = ctf_sample.ctf(school, pupils=ctf_sample.pupil_xml(dob="10/03/2016"))
    html = (
        signed_in(officer)
        .post(
            "/transfers/ctf/import",
            {
                "school": school.urn,
                "file": _upload("bad.xml", data),
                "admitted_on-day": "6",
                "admitted_on-month": "1",
                "admitted_on-year": "2025",
            },
        )
        .content.decode()
    )
    assert "CTfile/CTFpupilData/Pupil[1]/DOB (line" in html.replace("<wbr>", "")
    assert "is not a date in the form YYYY-MM-DD" in html


def test_an_officer_cannot_import_a_ctf_into_another_school(
    signed_in, other_officer, school, other_school
):
    response = signed_in(other_officer).post(
        "/transfers/ctf/import",
        {
            "school": school.urn,
            "file": _upload("riverside.xml", ctf_sample.ctf(school)),
            "admitted_on-day": "6",
            "admitted_on-month": "1",
            "admitted_on-year": "2025",
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_another_schools_officer_gets_404_for_exports_certificates_and_imports(
    signed_in, officer, other_officer, pupil, school, other_school
):
    marks_file_import(
        actor=officer, data=marks_csv(week_rows(school, pupil)), name="m.csv", today=WEEK[4]
    )
    batch = ImportBatch.objects.get()
    client = signed_in(other_officer)
    for url in (
        f"/transfers/schools/{school.urn}/marks-export",
        f"/transfers/schools/{school.urn}/ctf-export",
        f"/transfers/schools/{school.urn}/certificate",
        f"/transfers/imports/{batch.pk}",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"upn": pupil.upn}).status_code in (404, 405), url
    assert client.get(f"/transfers/schools/{other_school.urn}/marks-export").status_code == 200


def test_the_marks_export_downloads_csv(signed_in, officer, pupil, school):
    marks_file_import(actor=None, data=marks_csv(week_rows(school, pupil)), name="m.csv")
    response = signed_in(officer).post(
        f"/transfers/schools/{school.urn}/marks-export",
        {"first-day": "14", "first-month": "1", "first-year": "2025"},
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "school_urn,upn,date,session,code"
    assert len(lines) == 9  # Tuesday to Friday


def test_a_half_typed_date_is_refused_with_a_clear_message(signed_in, officer, school):
    html = (
        signed_in(officer)
        .post(
            f"/transfers/schools/{school.urn}/marks-export",
            {"first-day": "14", "first-month": "", "first-year": "2025"},
        )
        .content.decode()
    )
    assert "The first day must include a month" in html


def test_the_leavers_ctf_downloads_as_xml(signed_in, officer, pupil, school, other_school):
    response = signed_in(officer).post(
        f"/transfers/schools/{school.urn}/ctf-export",
        {"upn": pupil.upn, "dest_urn": other_school.urn},
    )
    assert response["Content-Type"] == "application/xml"
    expected = f"{school.laestab}_CTF_{other_school.laestab}_001.xml"
    assert expected in response["Content-Disposition"]
    assert pupil.upn.encode() in response.content


def test_an_unknown_destination_urn_is_explained(signed_in, officer, pupil, school):
    html = (
        signed_in(officer)
        .post(
            f"/transfers/schools/{school.urn}/ctf-export", {"upn": pupil.upn, "dest_urn": "123456"}
        )
        .content.decode()
    )
    assert "rollcall does not know a school with URN 123456" in html


def test_a_headteacher_downloads_a_certificate(signed_in, head, pupil, school):
    response = signed_in(head).post(
        f"/transfers/schools/{school.urn}/certificate",
        {
            "upn": pupil.upn,
            "first-day": "6",
            "first-month": "1",
            "first-year": "2025",
            "last-day": "17",
            "last-month": "1",
            "last-year": "2025",
        },
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    certificate = Certificate.objects.get()
    assert certificate.reference in response["Content-Disposition"]
    assert (certificate.first_date, certificate.last_date) == (
        dt.date(2025, 1, 6),
        dt.date(2025, 1, 17),
    )
    page = signed_in(head).get(f"/transfers/schools/{school.urn}/certificate").content.decode()
    assert certificate.reference in page


def test_an_la_officer_can_act_for_every_school_in_the_la(
    signed_in, la_officer, school, other_school
):
    html = signed_in(la_officer).get("/transfers/").content.decode()
    assert school.name in html and other_school.name in html
