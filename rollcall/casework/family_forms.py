"""Forms for the family on a case: consent to share information, and the home local authority."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from rollcall.casework.case_forms import _rationale
from rollcall.casework.models import CaseConsent
from rollcall.casework.services.family import COVERS_NEEDED, PARTY_NEEDED, UNKNOWN_DECISION
from rollcall.web.forms import CharField, ChoiceField, DateField, GovukForm

AGENCY = "agency"
SCHOOLS_OWN = ""
AGENCY_NEEDED = "Name the agency that decided"


class ConsentForm(GovukForm):
    party = ChoiceField(
        label="Who decided?",
        widget=forms.RadioSelect,
        label_size="m",
        error_messages={"required": PARTY_NEEDED},
    )
    agency = CharField(
        label="The agency's name",
        hint="Only when an agency decided: for example, the Family Support Team or CAMHS.",
        max_length=200,
        required=False,
        label_size="s",
    )
    decision = ChoiceField(
        label="What did they decide?",
        choices=CaseConsent.Decision.choices,
        widget=forms.RadioSelect,
        label_size="m",
        error_messages={"required": UNKNOWN_DECISION},
    )
    decided_on = DateField(
        what="the date they decided",
        label="When did they decide?",
        hint="For example, 27 3 2025",
        label_size="s",
    )
    covers = CharField(
        label="What does it cover?",
        hint=(
            "Which information may be shared, and with whom: for example, attendance and the "
            "case's notes with the Family Support Team and the school nurse."
        ),
        rows=3,
        max_length=500,
        label_size="s",
        error_messages={"required": COVERS_NEEDED},
    )
    note = CharField(
        label="How it was given, and where the signed form is kept (optional)",
        rows=3,
        max_length=4000,
        required=False,
        label_size="s",
    )

    def __init__(self, *args: Any, parents: Sequence[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [  # type: ignore[attr-defined]
            *parents,
            (AGENCY, "An agency (name it below)"),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("party") == AGENCY and not str(data.get("agency") or "").strip():
            self.add_error("agency", AGENCY_NEEDED)
        return data


class HomeLocalAuthorityForm(GovukForm):
    local_authority = ChoiceField(
        label="The child's home local authority",
        hint=(
            "Where the child lives, when it is not the school's local authority. The school's "
            "local authority takes any enforcement forward; the home authority is consulted, and "
            "an Education Supervision Order needs its consultation."
        ),
        label_size="m",
        required=False,
    )
    rationale = _rationale("Why?")

    def __init__(self, *args: Any, choices: Sequence[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].choices = list(choices)  # type: ignore[attr-defined]
