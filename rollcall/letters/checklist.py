"""The referral checklist's items that letters show: once a letter of record has reached a
parent (posted, handed over, or accepted by the mail server and not reported bounced), the
checklist reads it from the record instead of asking an officer to mark it by hand.

- A Notice to Improve sent (WTISA national framework for penalty notices: Notice to Improve).
- Hackney's letter telling the parents attendance is not regular and legal intervention may
  follow (HAC 'Stage 2: Early Help & Support').
- Sefton's copies of all correspondence sent (SEF §13.2): the letters of record themselves.

The casework app knows nothing of letters; this module adds its readings to the checklist's
`DERIVED` map when the letters app is ready.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rollcall.casework.checklist import DERIVED, NOTICE_TO_IMPROVE
from rollcall.casework.models import Case
from rollcall.letters.models import Sending

REACHED = (Sending.Outcome.POSTED, Sending.Outcome.HANDED, Sending.Outcome.ACCEPTED)


def _reached(case: Case, on: dt.date, key: str | None = None) -> list[Sending]:
    sendings = Sending.objects.filter(
        letter__case=case, outcome__in=REACHED, sent_on__lte=on, bounces__isnull=True
    ).select_related("letter")
    if key is not None:
        sendings = sendings.filter(letter__letter_key=key)
    return list(sendings.order_by("sent_on", "id"))


def _described(sendings: list[Sending]) -> str:
    if not sendings:
        return ""
    parts = []
    for sending in sendings:
        letter = sending.letter
        how = sending.get_channel_display().lower()
        received = (
            f", deemed received {sending.deemed_received_on:%-d %B %Y}"
            if sending.deemed_received_on
            else ""
        )
        parts.append(
            f"{letter.title} ({letter.reference}) to {letter.recipient_name}, "
            f"{how} on {sending.sent_on:%-d %B %Y}{received}"
        )
    return "; ".join(parts)


def _letter(key: str) -> Callable[[Case, dt.date], str]:
    def found(case: Case, on: dt.date) -> str:
        return _described(_reached(case, on, key))

    return found


def _correspondence(case: Case, on: dt.date) -> str:
    sendings = _reached(case, on)
    letters = {sending.letter_id for sending in sendings}
    if not letters:
        return ""
    return f"{len(letters)} letter{'s' if len(letters) != 1 else ''} of record sent: " + (
        _described(sendings)
    )


def register() -> None:
    DERIVED.setdefault(NOTICE_TO_IMPROVE, _letter("notice_to_improve"))
    DERIVED.setdefault("legal_consequences_letter", _letter("legal_consequences_letter"))
    DERIVED.setdefault("correspondence", _correspondence)
