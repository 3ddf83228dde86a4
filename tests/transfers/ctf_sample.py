"""A Common Transfer File written by hand from the structure in docs/ctf.md, for tests.

Two pupils leave Riverside Primary School (LA 888, another authority) for a school in rollcall.
Everyone in it is made up.
"""

from __future__ import annotations

from rollcall.organisations.models import School
from rollcall.statutory.upn import upn_make

SOURCE_LEA, SOURCE_ESTAB, SOURCE_URN = "888", "2001", "888001"
START = "2024-09-02"  # a Monday
# Two weeks from Monday 2 September 2024, AM then PM for every date, weekends as ##.
WEEK_ONE = "/\\" + "/\\" + "NN" + "C1C1" + "/\\" + "##" + "##"
WEEK_TWO = "II" + "/\\" * 4 + "####"
MARKS = WEEK_ONE + WEEK_TWO
# What those marks add up to: 20 possible, 14 attended, 4 authorised (C1, I), 2 unauthorised.
TOTALS = {"possible": 20, "attended": 14, "authorised": 4, "unauthorised": 2}

FIRST_UPN = upn_make(SOURCE_LEA, SOURCE_ESTAB, 16, 1)
SECOND_UPN = upn_make(SOURCE_LEA, SOURCE_ESTAB, 16, 2)


def year_data(
    marks: str = MARKS,
    start: str = START,
    possible: int = TOTALS["possible"],
    *,
    totals: dict[str, int] | None = None,
    lea: str = SOURCE_LEA,
    estab: str = SOURCE_ESTAB,
    school_name: str = "Riverside Primary School",
    year: str = "2024",
) -> str:
    counts = {**TOTALS, "possible": possible, **(totals or {})}
    return f"""
        <YearData>
          <Year>{year}</Year>
          <LEA>{lea}</LEA>
          <Estab>{estab}</Estab>
          <SchoolName>{school_name}</SchoolName>
          <SessionsPossible>{counts["possible"]}</SessionsPossible>
          <SessionsAuthorised>{counts["authorised"]}</SessionsAuthorised>
          <SessionsAttended>{counts["attended"]}</SessionsAttended>
          <SessionsUnauthorised>{counts["unauthorised"]}</SessionsUnauthorised>
          <AttendSessions>
            <AttendanceStartDate>{start}</AttendanceStartDate>
            <AttendanceMarks>{marks}</AttendanceMarks>
          </AttendSessions>
        </YearData>"""


def pupil_xml(
    *,
    upn: str = FIRST_UPN,
    surname: str = "Ashdown",
    carer_surname: str = "Ashdown",
    forename: str = "Maisie",
    dob: str = "2016-03-10",
    sex: str = "F",
    email: str = "jane.ashdown@example.org",
    years: str | None = None,
) -> str:
    return f"""
    <Pupil>
      <UPN>{upn}</UPN>
      <Surname>{surname}</Surname>
      <Forename>{forename}</Forename>
      <DOB>{dob}</DOB>
      <Sex>{sex}</Sex>
      <BasicDetails>
        <PreferredForename>Mai</PreferredForename>
        <NCyearActual>4</NCyearActual>
      </BasicDetails>
      <Contacts>
        <Contact>
          <Order>1</Order>
          <Title>Mrs</Title>
          <Surname>{carer_surname}</Surname>
          <Forename>Jane</Forename>
          <Relationship>PAM</Relationship>
          <Responsibility>true</Responsibility>
          <Phones>
            <Phone><TelephoneType>M</TelephoneType><PhoneNo>07700 900123</PhoneNo></Phone>
            <Phone><TelephoneType>H</TelephoneType><PhoneNo>01632 960123</PhoneNo></Phone>
          </Phones>
          <Email>{email}</Email>
        </Contact>
        <Contact>
          <Order>2</Order>
          <Title>Mr</Title>
          <Surname>Okoro</Surname>
          <Forename>Daniel</Forename>
          <Relationship>PAF</Relationship>
          <Responsibility>true</Responsibility>
          <LivesWith>false</LivesWith>
          <Phones>
            <Phone><TelephoneType>W</TelephoneType><PhoneNo>01632 960999</PhoneNo></Phone>
          </Phones>
        </Contact>
      </Contacts>
      <Attendance>{year_data() if years is None else years}
      </Attendance>
    </Pupil>"""


def second_pupil(**changes: str) -> str:
    values = {
        "upn": SECOND_UPN,
        "surname": "Brightwell",
        "carer_surname": "Brightwell",
        "forename": "Theo",
        "dob": "2015-11-02",
        "sex": "M",
        "email": "",
    }
    values.update(changes)
    return pupil_xml(**values)  # type: ignore[arg-type]


def ctf(
    destination: School,
    *,
    pupils: str | None = None,
    source_urn: str = SOURCE_URN,
    doctype: str = "",
) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>{doctype}
<CTfile>
  <Header>
    <DocumentName>Common Transfer File</DocumentName>
    <CTFversion>25.0</CTFversion>
    <DateTime>2024-09-20T16:30:00</DateTime>
    <DocumentQualifier>partial</DocumentQualifier>
    <SupplierID>Test MIS</SupplierID>
    <SourceSchool>
      <LEA>{SOURCE_LEA}</LEA>
      <Estab>{SOURCE_ESTAB}</Estab>
      <URN>{source_urn}</URN>
      <SchoolName>Riverside Primary School</SchoolName>
      <AcademicYear>2024</AcademicYear>
    </SourceSchool>
    <DestSchool>
      <LEA>{destination.local_authority.code}</LEA>
      <Estab>{destination.establishment_number}</Estab>
      <URN>{destination.urn}</URN>
    </DestSchool>
  </Header>
  <CTFpupilData>{pupil_xml() + second_pupil() if pupils is None else pupils}
  </CTFpupilData>
</CTfile>
""".encode()
