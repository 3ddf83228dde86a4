"""Writing a CTF with pupils' details, contacts and attendance (docs/ctf.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from lxml import etree

from rollcall.transfers.ctf.marks_string import marks_encode, session_totals
from rollcall.transfers.ctf.reader import SchoolRef

CTF_VERSION = "25.0"
SUPPLIER_ID = "rollcall"
UNKNOWN_DESTINATION = SchoolRef(lea="MMM", estab="MMMM", urn="", name="")


@dataclass(frozen=True)
class ContactOut:
    order: int
    title: str
    forename: str
    surname: str
    relationship_code: str
    parental_responsibility: bool
    lives_with_pupil: bool
    phones: list[tuple[str, str]]  # (H, M or W, number)
    email: str


@dataclass(frozen=True)
class YearOut:
    year: int  # the calendar year the academic year starts in
    school: SchoolRef
    first: dt.date
    last: dt.date
    marks: list[tuple[dt.date, str, str]]  # (date, AM or PM, code)
    # Sessions the school held without a mark recorded: written '-', not '#'.
    unmarked: frozenset[tuple[dt.date, str]] = frozenset()


@dataclass(frozen=True)
class PupilOut:
    upn: str
    surname: str
    forename: str
    preferred_forename: str
    date_of_birth: dt.date
    sex: str
    year_group: str
    contacts: list[ContactOut] = field(default_factory=list)
    years: list[YearOut] = field(default_factory=list)


def _add(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, name)
    if text is not None:
        element.text = text
    return element


def _source(parent: etree._Element, school: SchoolRef, year: int) -> None:
    element = _add(parent, "SourceSchool")
    _add(element, "LEA", school.lea)
    _add(element, "Estab", school.estab)
    if school.urn:
        _add(element, "URN", school.urn)
    if school.name:
        _add(element, "SchoolName", school.name)
    _add(element, "AcademicYear", str(year))


def _destination(parent: etree._Element, school: SchoolRef) -> None:
    # Only LEA and Estab: the destination's URN and name are not DestSchool elements in any
    # CTF writer rollcall could read (docs/ctf.md, "What rollcall writes").
    element = _add(parent, "DestSchool")
    _add(element, "LEA", school.lea)
    _add(element, "Estab", school.estab)


def _year(parent: etree._Element, year: YearOut) -> None:
    element = _add(parent, "YearData")
    _add(element, "Year", str(year.year))
    _add(element, "LEA", year.school.lea)
    _add(element, "Estab", year.school.estab)
    _add(element, "SchoolName", year.school.name)
    counts = session_totals((day, code) for day, _, code in year.marks)
    _add(element, "SessionsPossible", str(counts["possible"]))
    _add(element, "SessionsAuthorised", str(counts["authorised"]))
    _add(element, "SessionsAttended", str(counts["attended"]))
    _add(element, "SessionsUnauthorised", str(counts["unauthorised"]))
    sessions = _add(element, "AttendSessions")
    _add(sessions, "AttendanceStartDate", year.first.isoformat())
    _add(
        sessions,
        "AttendanceMarks",
        marks_encode(year.marks, year.first, year.last, unmarked=year.unmarked),
    )


def _contact(parent: etree._Element, contact: ContactOut) -> None:
    element = _add(parent, "Contact")
    _add(element, "Order", str(contact.order))
    if contact.title:
        _add(element, "Title", contact.title)
    _add(element, "Surname", contact.surname)
    _add(element, "Forename", contact.forename)
    _add(element, "Relationship", contact.relationship_code)
    _add(element, "Responsibility", "true" if contact.parental_responsibility else "false")
    _add(element, "LivesWith", "true" if contact.lives_with_pupil else "false")
    if contact.phones:
        phones = _add(element, "Phones")
        for kind, number in contact.phones:
            phone = _add(phones, "Phone")
            _add(phone, "TelephoneType", kind)
            _add(phone, "PhoneNo", number)
    if contact.email:
        _add(element, "Email", contact.email)


def _pupil(parent: etree._Element, pupil: PupilOut) -> None:
    element = _add(parent, "Pupil")
    _add(element, "UPN", pupil.upn)
    _add(element, "Surname", pupil.surname)
    _add(element, "Forename", pupil.forename)
    _add(element, "DOB", pupil.date_of_birth.isoformat())
    _add(element, "Sex", pupil.sex)
    details = _add(element, "BasicDetails")
    if pupil.preferred_forename:
        _add(details, "PreferredForename", pupil.preferred_forename)
    if pupil.year_group:
        _add(details, "NCyearActual", pupil.year_group)
    if pupil.contacts:
        contacts = _add(element, "Contacts")
        for contact in pupil.contacts:
            _contact(contacts, contact)
    if pupil.years:
        attendance = _add(element, "Attendance")
        for year in pupil.years:
            _year(attendance, year)


def ctf_write(
    *,
    source: SchoolRef,
    academic_year: int,
    destination: SchoolRef | None,
    pupils: list[PupilOut],
    generated_at: dt.datetime,
) -> bytes:
    root = etree.Element("CTfile")
    header = _add(root, "Header")
    _add(header, "DocumentName", "Common Transfer File")
    _add(header, "CTFversion", CTF_VERSION)
    _add(header, "DateTime", generated_at.replace(microsecond=0, tzinfo=None).isoformat())
    # Only the containers rollcall keeps are written (docs/ctf.md).
    _add(header, "DocumentQualifier", "partial")
    _add(header, "SupplierID", SUPPLIER_ID)
    _source(header, source, academic_year)
    _destination(header, destination or UNKNOWN_DESTINATION)
    data = _add(root, "CTFpupilData")
    for pupil in pupils:
        _pupil(data, pupil)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def ctf_file_name(source: SchoolRef, destination: SchoolRef | None, number: int = 1) -> str:
    """The DfE naming pattern: source LAESTAB, CTF, destination LAESTAB, a serial number."""
    dest = destination or UNKNOWN_DESTINATION
    return f"{source.laestab}_CTF_{dest.laestab}_{number:03d}.xml"
