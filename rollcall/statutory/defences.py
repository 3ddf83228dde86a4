"""The statutory defences to the EA96 s444 offences and the codes that evidence them (as listed in
ESX 'Statutory Defences').

Sessions coded with a defence code (Y1, Y7, Q ...) must never be converted to unauthorised
codes (ESX "Statutory Defences").
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Strict

from rollcall.statutory.base import Era, StatutoryModel, Text


class Defence(StatutoryModel):
    key: Text
    summary: Text
    # Codes that record the circumstance. The snapshot for a date keeps only those in force then.
    codes: tuple[Text, ...] = ()
    note: Text | None = None
    # False where the subsection's wording was not seen verbatim (see defences.yaml).
    verified: Annotated[bool, Strict()] = True
    citation: Text


class DefenceRules(Era):
    defences: tuple[Defence, ...]


class DefencesFile(StatutoryModel):
    defences: tuple[DefenceRules, ...]
