"""What the API returns: plain data built from records, never the records themselves."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class ErrorItem(Schema):
    loc: list[str | int]
    msg: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem]


class PushResultOut(Schema):
    created: int
    unchanged: int
    amended: int


class PupilOnRollOut(Schema):
    upn: str
    legal_forename: str
    legal_surname: str
    preferred_forename: str
    year_group: str
    registration_group: str | None
    admitted_on: dt.date
    registration: str


class EnrolmentOut(Schema):
    school_urn: str
    school_name: str
    admitted_on: dt.date
    left_on: dt.date | None
    leaving_reason: str
    registration: str
    year_group: str
    registration_group: str | None


class PupilFlagsOut(Schema):
    sen_provision: str
    free_school_meals: bool
    english_additional_language: bool
    # Welfare flags: null where no school the token's user may see has the pupil on roll today.
    looked_after: bool | None
    child_in_need: bool | None
    child_protection_plan: bool | None
    young_carer: bool | None
    has_social_worker: bool | None


class PupilOut(Schema):
    upn: str
    legal_forename: str
    legal_surname: str
    preferred_forename: str
    date_of_birth: dt.date
    sex: str
    flags: PupilFlagsOut
    enrolments: list[EnrolmentOut]


class AmendmentOut(Schema):
    previous_code: str
    new_code: str
    reason: str
    amended_at: dt.datetime
    amended_by: str
    amended_by_role: str


class MarkOut(Schema):
    school_urn: str
    date: dt.date
    session: str
    code: str
    original_code: str
    minutes_late: int | None
    recorded_at: dt.datetime
    source: str
    amendments: list[AmendmentOut]


class FiguresOut(Schema):
    upn: str
    start: dt.date
    end: dt.date
    possible: int
    present: int
    approved_educational_activity: int
    authorised_absence: int
    unauthorised_absence: int
    not_counted: int
    attendance_percent: float | None


class PageOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int


class PupilPageOut(PageOut):
    items: list[PupilOnRollOut]


class MarkPageOut(PageOut):
    items: list[MarkOut]
