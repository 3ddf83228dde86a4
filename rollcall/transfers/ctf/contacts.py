"""How a contact's relationship to the pupil is written in a CTF (rollcall's codes, docs/ctf.md).

rollcall writes the three-letter codes on the left of WRITTEN and reads them back; it also
reads the other codes below, which schools' systems commonly use, and rollcall's own words.
Anything else is kept as "other" rather than refusing the file: an unfamiliar relationship code
is not wrong data, and the contact's phone numbers matter more than its label.
"""

from __future__ import annotations

from rollcall.pupils.models import CarerLink

Relationship = CarerLink.Relationship

WRITTEN = {
    Relationship.MOTHER: "PAM",
    Relationship.FATHER: "PAF",
    Relationship.STEP_PARENT: "STP",
    Relationship.GRANDPARENT: "GRP",
    Relationship.FOSTER_CARER: "FOC",
    Relationship.OTHER_RELATIVE: "REL",
    Relationship.CORPORATE_PARENT: "CLA",
    Relationship.OTHER: "OTH",
}

READ = {
    **{code: relationship for relationship, code in WRITTEN.items()},
    "STM": Relationship.STEP_PARENT,
    "STF": Relationship.STEP_PARENT,
    "GRM": Relationship.GRANDPARENT,
    "GRF": Relationship.GRANDPARENT,
    "FOM": Relationship.FOSTER_CARER,
    "FOF": Relationship.FOSTER_CARER,
    "OTF": Relationship.OTHER_RELATIVE,
    **{relationship.value.upper(): relationship for relationship in Relationship},
}

# Phone types: H home, M mobile, W work.
PHONE_FIELDS = {"H": "home_phone", "M": "mobile_phone", "W": "work_phone"}


def relationship_read(value: str) -> str:
    return str(READ.get(value.strip().upper(), Relationship.OTHER))


def relationship_code(value: str) -> str:
    return WRITTEN.get(Relationship(value), "OTH")
