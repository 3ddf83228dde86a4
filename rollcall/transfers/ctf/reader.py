"""Reading a CTF into plain data, checking every element rollcall uses (docs/ctf.md).

Nothing here touches the database. Every problem names the element by an XPath-like path and
its line, and the whole file is refused if there is any.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from lxml import etree

from rollcall.statutory.upn import InvalidUPN, upn_validate
from rollcall.transfers.ctf.contacts import PHONE_FIELDS, relationship_read
from rollcall.transfers.ctf.marks_string import (
    SessionMark,
    marks_decode,
    session_totals,
    unmarked_sessions,
)
from rollcall.transfers.ctf.xmltree import (
    UnsafeOrMalformed,
    child,
    children,
    local_name,
    located,
    parse,
    path_of,
    text_of,
)
from rollcall.transfers.problems import ImportRefused, Problem

LEA = re.compile(r"^\d{3}$")
ESTAB = re.compile(r"^\d{4}$")
URN = re.compile(r"^\d{6}$")
YEAR = re.compile(r"^\d{4}$")
PHONE = re.compile(r"^[0-9 +()\-]{3,30}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# LEA codes a CTF uses when the destination is not a known school: MMM (not known) and
# XXX (outside the maintained sector in England and Wales).
UNKNOWN_DESTINATIONS = frozenset({"MMM", "XXX"})
TRUE_VALUES = {"true": True, "1": True, "false": False, "0": False}
TOTAL_ELEMENTS = {
    "possible": "SessionsPossible",
    "attended": "SessionsAttended",
    "authorised": "SessionsAuthorised",
    "unauthorised": "SessionsUnauthorised",
}
# Kinds of telephone number rollcall does not keep, named in the note that says so.
PHONE_KINDS = {"F": "fax"}


@dataclass(frozen=True)
class SchoolRef:
    lea: str
    estab: str
    urn: str
    name: str

    @property
    def laestab(self) -> str:
        return f"{self.lea}{self.estab}"


@dataclass(frozen=True)
class ContactData:
    where: str
    order: int
    title: str
    forename: str
    surname: str
    relationship: str
    parental_responsibility: bool
    lives_with_pupil: bool
    phones: dict[str, str]  # Carer field name -> number
    email: str


@dataclass(frozen=True)
class YearData:
    where: str
    lea: str
    estab: str
    school_name: str
    marks: list[tuple[str, SessionMark]]  # (where, mark)
    year: int | None = None
    # SessionsPossible, SessionsAttended, SessionsAuthorised, SessionsUnauthorised as stated
    # (None where the element is absent); when there are marks they agree with them.
    stated: dict[str, int | None] = field(default_factory=dict)
    # Each AttendSessions as received: (AttendanceStartDate, AttendanceMarks).
    sessions: list[tuple[dt.date, str]] = field(default_factory=list)
    unmarked: int = 0  # sessions written '-': held, with no mark recorded

    @property
    def laestab(self) -> str:
        return f"{self.lea}{self.estab}"


@dataclass(frozen=True)
class PupilData:
    where: str
    upn: str
    surname: str
    forename: str
    preferred_forename: str
    date_of_birth: dt.date
    sex: str
    year_group: str
    contacts: list[ContactData] = field(default_factory=list)
    years: list[YearData] = field(default_factory=list)


@dataclass(frozen=True)
class CtfDocument:
    version: str
    source: SchoolRef
    destination: SchoolRef | None  # None when the CTF says the destination is not known
    pupils: list[PupilData]
    notes: list[str] = field(default_factory=list)  # what was read but not kept, and why


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.notes: list[str] = []

    def problem(self, where: str, reason: str) -> None:
        self.problems.append(Problem(where, reason))

    def note(self, where: str, text: str) -> None:
        self.notes.append(f"{where}: {text}")

    def text(self, parent: etree._Element, name: str, *, required: bool = True) -> str:
        value = text_of(child(parent, name))
        if required and not value:
            found = child(parent, name) is not None
            self.problem(located(parent, name), "is empty" if found else "is missing")
        return value

    def matching(
        self,
        parent: etree._Element,
        name: str,
        pattern: re.Pattern[str],
        what: str,
        *,
        required: bool = True,
    ) -> str:
        value = self.text(parent, name, required=required)
        if value and not pattern.match(value):
            self.problem(located(parent, name), f"must be {what}, got {value!r}")
            return ""
        return value

    def date(self, parent: etree._Element, name: str) -> dt.date | None:
        value = self.text(parent, name)
        if not value:
            return None
        try:
            if not ISO_DATE.match(value):
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            self.problem(located(parent, name), f"{value!r} is not a date in the form YYYY-MM-DD")
            return None

    def count(self, parent: etree._Element, name: str) -> int | None:
        value = self.text(parent, name, required=False)
        if not value:
            return None
        if not value.isdigit():
            self.problem(located(parent, name), f"must be a whole number, got {value!r}")
            return None
        return int(value)

    def boolean(self, parent: etree._Element, name: str, default: bool) -> bool:
        value = self.text(parent, name, required=False).lower()
        if not value:
            return default
        if value not in TRUE_VALUES:
            self.problem(located(parent, name), f"must be true or false, got {value!r}")
            return default
        return TRUE_VALUES[value]

    def school(
        self, element: etree._Element | None, where: str, *, urn_required: bool
    ) -> SchoolRef | None:
        if element is None:
            self.problem(where, "is missing")
            return None
        if text_of(child(element, "LEA")).upper() in UNKNOWN_DESTINATIONS:
            return None
        return SchoolRef(
            lea=self.matching(element, "LEA", LEA, "a three-digit LA number"),
            estab=self.matching(element, "Estab", ESTAB, "a four-digit establishment number"),
            urn=self.matching(element, "URN", URN, "a six-digit URN", required=urn_required),
            name=self.text(element, "SchoolName", required=False),
        )


def ctf_read(data: bytes, name: str) -> CtfDocument:
    """Read and check a CTF. Raises ImportRefused listing every problem found."""
    try:
        root = parse(data)
    except UnsafeOrMalformed as exc:
        raise ImportRefused(name, [Problem(name, str(exc))]) from None
    if local_name(root) != "CTfile":
        raise ImportRefused(
            name,
            [Problem(located(root), f"the root element must be CTfile, not {local_name(root)}")],
        )
    reader = _Reader()
    header = child(root, "Header")
    source = destination = None
    version = ""
    if header is None:
        reader.problem("CTfile/Header", "is missing")
    else:
        version = reader.text(header, "CTFversion", required=False)
        document_name = reader.text(header, "DocumentName", required=False)
        if document_name and document_name.lower() != "common transfer file":
            reader.problem(
                located(header, "DocumentName"),
                f"says {document_name!r}; a CTF says 'Common Transfer File'",
            )
        source_element = child(header, "SourceSchool")
        source = reader.school(source_element, "CTfile/Header/SourceSchool", urn_required=False)
        if source is None and source_element is not None:
            reader.problem(located(source_element, "LEA"), "must name the school the CTF is from")
        dest_element = child(header, "DestSchool")
        if dest_element is not None:
            destination = reader.school(dest_element, path_of(dest_element), urn_required=False)
    pupil_data = child(root, "CTFpupilData")
    pupils = []
    if pupil_data is None:
        reader.problem("CTfile/CTFpupilData", "is missing")
    else:
        for element in children(pupil_data, "Pupil"):
            pupil = _pupil(reader, element)
            if pupil is not None:
                pupils.append(pupil)
        if not children(pupil_data, "Pupil"):
            reader.problem(located(pupil_data), "holds no Pupil")
    seen: dict[str, str] = {}
    for pupil in pupils:
        if pupil.upn in seen:
            reader.problem(pupil.where, f"UPN {pupil.upn} is also given at {seen[pupil.upn]}")
        seen.setdefault(pupil.upn, pupil.where)
    if reader.problems or source is None:
        raise ImportRefused(name, reader.problems)
    return CtfDocument(
        version=version,
        source=source,
        destination=destination,
        pupils=pupils,
        notes=reader.notes,
    )


def _pupil(reader: _Reader, element: etree._Element) -> PupilData | None:
    before = len(reader.problems)
    upn = reader.text(element, "UPN")
    if upn:
        try:
            upn = upn_validate(upn)
        except InvalidUPN as exc:
            reader.problem(located(element, "UPN"), str(exc))
    surname = reader.text(element, "Surname")
    forename = reader.text(element, "Forename")
    date_of_birth = reader.date(element, "DOB")
    sex_name = "Sex" if child(element, "Sex") is not None else "Gender"
    sex = reader.text(element, sex_name).upper()
    if sex and sex not in ("F", "M"):
        reader.problem(located(element, sex_name), f"must be F or M, got {sex!r}")
    details = child(element, "BasicDetails")
    preferred = year_group = ""
    if details is not None:
        preferred = reader.text(details, "PreferredForename", required=False)
        year_group = reader.text(details, "NCyearActual", required=False)
    contacts_element = child(element, "Contacts")
    contacts = [
        contact
        for contact_element in (
            children(contacts_element, "Contact") if contacts_element is not None else []
        )
        if (contact := _contact(reader, contact_element)) is not None
    ]
    attendance = child(element, "Attendance")
    years = [
        year
        for year_element in (children(attendance, "YearData") if attendance is not None else [])
        if (year := _year(reader, year_element)) is not None
    ]
    if len(reader.problems) > before or date_of_birth is None:
        return None
    return PupilData(
        where=located(element),
        upn=upn,
        surname=surname,
        forename=forename,
        preferred_forename=preferred,
        date_of_birth=date_of_birth,
        sex=sex,
        year_group=year_group,
        contacts=contacts,
        years=years,
    )


def _contact(reader: _Reader, element: etree._Element) -> ContactData | None:
    before = len(reader.problems)
    forename = reader.text(element, "Forename")
    surname = reader.text(element, "Surname")
    order = reader.count(element, "Order")
    phones: dict[str, str] = {}
    phones_element = child(element, "Phones")
    for phone in children(phones_element, "Phone") if phones_element is not None else []:
        kind = reader.text(phone, "TelephoneType").upper()[:1]
        number = reader.text(phone, "PhoneNo")
        if kind and kind not in PHONE_FIELDS:
            # A fax (F) or another kind of number is not one an officer rings on the first
            # day of absence, and a carer has no field for it: it is left out, and said so.
            reader.note(
                located(phone, "TelephoneType"),
                f"a {PHONE_KINDS.get(kind, 'telephone')} number of type "
                f"{text_of(child(phone, 'TelephoneType'))!r} was not kept; rollcall keeps "
                "home (H), mobile (M) and work (W) numbers",
            )
        elif number and not PHONE.match(number):
            reader.problem(located(phone, "PhoneNo"), f"{number!r} is not a telephone number")
        elif number and kind:
            phones.setdefault(PHONE_FIELDS[kind], number)
    email = reader.text(element, "Email", required=False)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            reader.problem(located(element, "Email"), f"{email!r} is not an email address")
    if len(reader.problems) > before:
        return None
    return ContactData(
        where=located(element),
        order=order or 1,
        title=reader.text(element, "Title", required=False)[:20],
        forename=forename[:100],
        surname=surname[:100],
        relationship=relationship_read(reader.text(element, "Relationship", required=False)),
        parental_responsibility=reader.boolean(element, "Responsibility", True),
        lives_with_pupil=reader.boolean(element, "LivesWith", True),
        phones=phones,
        email=email,
    )


def _year(reader: _Reader, element: etree._Element) -> YearData | None:
    before = len(reader.problems)
    lea = reader.matching(element, "LEA", LEA, "a three-digit LA number")
    estab = reader.matching(element, "Estab", ESTAB, "a four-digit establishment number")
    year = reader.matching(element, "Year", YEAR, "a four-digit year", required=False)
    marks: list[tuple[str, SessionMark]] = []
    received: list[tuple[dt.date, str]] = []
    unmarked = 0
    for sessions in children(element, "AttendSessions"):
        start = reader.date(sessions, "AttendanceStartDate")
        marks_element = child(sessions, "AttendanceMarks")
        if marks_element is None:
            reader.problem(located(sessions, "AttendanceMarks"), "is missing")
            continue
        if start is None:
            continue
        where = located(marks_element)
        text = text_of(marks_element)
        decoded, problems = marks_decode(text, start)
        for problem in problems:
            reader.problem(where, str(problem))
        marks += [(f"{where}, {_session_where(mark)}", mark) for mark in decoded]
        received.append((start, text))
        unmarked += unmarked_sessions(text)
    stated = {key: reader.count(element, name) for key, name in TOTAL_ELEMENTS.items()}
    if len(reader.problems) == before and received:
        _check_totals(reader, element, stated, [mark for _, mark in marks])
    if len(reader.problems) > before:
        return None
    if unmarked:
        reader.note(
            located(element),
            f"{unmarked} session(s) written '-' (no mark recorded) are kept as received and "
            "count as no session",
        )
    return YearData(
        where=located(element),
        lea=lea,
        estab=estab,
        school_name=reader.text(element, "SchoolName", required=False)[:200],
        marks=marks,
        year=int(year) if year else None,
        stated=stated,
        sessions=received,
        unmarked=unmarked,
    )


def _session_where(mark: SessionMark) -> str:
    return (
        f"session {mark.position} (character {mark.character}, "
        f"{mark.date:%A %-d %B %Y} {mark.session})"
    )


def _check_totals(
    reader: _Reader,
    element: etree._Element,
    stated: dict[str, int | None],
    marks: list[SessionMark],
) -> None:
    """The totals must agree with the marks; if they do not, the marks were probably written
    with another convention for two-character codes, and reading on would store wrong marks."""
    counts = session_totals((mark.date, mark.code) for mark in marks)
    for key, name in TOTAL_ELEMENTS.items():
        if stated[key] is not None and stated[key] != counts[key]:
            reader.problem(
                located(element, name),
                f"says {stated[key]} but AttendanceMarks holds {counts[key]}; the marks may use "
                "another convention for two-character codes (see docs/ctf.md)",
            )
