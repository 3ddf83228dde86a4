"""Records of the lists of children rollcall gives out: who took which list, when."""

from __future__ import annotations

from django.db import transaction

from rollcall.casework.severe_absence import Period
from rollcall.core.audit import Verb, audit_record
from rollcall.core.types import Actor
from rollcall.organisations.models import LocalAuthority


@transaction.atomic
def severe_absence_list_export(
    *, actor: Actor, local_authority: LocalAuthority, period: Period, pupils: int
) -> None:
    """Audit the download of the LA's severe-absence list (it names children and their
    welfare: the record says who took it)."""
    audit_record(
        actor=actor,
        verb=Verb.SEVERE_ABSENCE_EXPORT,
        target=local_authority,
        summary=f"Severe absence list for {local_authority.name}, {period.name}: {pupils} pupils",
        payload={
            "from": period.first.isoformat(),
            "to": period.last.isoformat(),
            "pupils": pupils,
        },
    )
