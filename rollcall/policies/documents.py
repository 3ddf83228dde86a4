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


# Which of the child's parents (EA96 s576) get their own copy of a letter: every parent
# (parental responsibility or care of the child), or only those with parental responsibility.
Recipients = Literal["each_parent", "parental_responsibility"]
# Who else gets a copy of each letter sent (SEF §6.16: the school and the LA officer).
CopyTo = Literal["school", "local_authority_officer"]


class Letter(Part):
    """One letter, notice or contact in the area's letter set."""

    key: Key
    title: Text
    sent_by: Literal["school", "local_authority", "school_or_local_authority"] = "school"
    to: Literal["parents", "school"] = "parents"
    recipients: Recipients = "each_parent"
    # Invitations: how long before the meeting the letter goes out.
    send_before_meeting: Period | None = None
    copy_to_school: bool = False
    copy_to: tuple[CopyTo, ...] = ()
    source: Citation

    @property
    def copies(self) -> tuple[CopyTo, ...]:
        """Everyone who gets a copy, `copy_to_school` counted as a copy to the school."""
        extra: tuple[CopyTo, ...] = ("school",) if self.copy_to_school else ()
        return tuple(dict.fromkeys((*extra, *self.copy_to)))


Channel = Literal["first_class_post", "hand_delivery_with_record", "email_with_written_consent"]


class Correspondence(Part):
    """How letters that may become evidence must reach parents."""

    each_parent_separately: bool
    channels: tuple[Channel, ...]
    shared_email_addresses_allowed: bool = True
    source: Citation
