"""Where a profile comes from, and the letters and notices the area sends."""

from __future__ import annotations

from typing import Literal

from rollcall.policies.fields import Citation, Key, Part, PartialDate, Text
from rollcall.policies.periods import Period


class SourceDocument(Part):
    """A document the profile's values were taken from."""

    title: Text
    # The tag used in this profile's citations, e.g. "SEF" in "SEF §6.8".
    tag: Text
    # Who issued it: the council, trust or department.
    publisher: Text | None = None
    # ISO date, or year-month / year when the document gives no day; None when undated.
    date: PartialDate | None = None
    note: Text | None = None


class Letter(Part):
    """One letter, notice or contact in the area's letter set."""

    key: Key
    title: Text
    sent_by: Literal["school", "local_authority", "school_or_local_authority"] = "school"
    to: Literal["parents", "school"] = "parents"
    # Invitations: how long before the meeting the letter goes out.
    send_before_meeting: Period | None = None
    copy_to_school: bool = False
    source: Citation


Channel = Literal["first_class_post", "hand_delivery_with_record", "email_with_written_consent"]


class Correspondence(Part):
    """How letters that may become evidence must reach parents."""

    each_parent_separately: bool
    channels: tuple[Channel, ...]
    shared_email_addresses_allowed: bool = True
    source: Citation
