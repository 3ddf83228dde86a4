"""Writes for pupils, families, parents/carers and enrolments."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from rollcall.core import clock
from rollcall.core.audit import Verb, actor_label, audit_record
from rollcall.core.types import Actor
from rollcall.organisations.models import RegistrationGroup, School
from rollcall.pupils.models import Carer, CarerLink, Condition, Enrolment, Family, Pupil
from rollcall.statutory.upn import InvalidUPN, upn_validate

YEAR_GROUPS = ("N1", "N2", "R", *(str(n) for n in range(1, 15)))


@transaction.atomic
def family_create(
    *,
    actor: Actor,
    reference: str,
    address_line_1: str = "",
    address_line_2: str = "",
    town: str = "",
    postcode: str = "",
) -> Family:
    if Family.objects.filter(reference=reference).exists():
        raise ValidationError({"reference": f"A family with reference {reference} already exists"})
    family = Family.objects.create(
        reference=reference,
        address_line_1=address_line_1,
        address_line_2=address_line_2,
        town=town,
        postcode=postcode,
    )
    audit_record(
        actor=actor, verb=Verb.FAMILY_CREATE, target=family, summary=f"Added family {reference}"
    )
    return family


@transaction.atomic
def pupil_create(
    *,
    actor: Actor,
    upn: str,
    legal_forename: str,
    legal_surname: str,
    date_of_birth: dt.date,
    sex: str,
    preferred_forename: str = "",
    sen_provision: str = Pupil.SenProvision.NONE,
    free_school_meals: bool = False,
    english_additional_language: bool = False,
    looked_after: bool = False,
    child_in_need: bool = False,
    child_protection_plan: bool = False,
    young_carer: bool = False,
    social_worker_name: str = "",
    social_worker_contact: str = "",
    family: Family | None = None,
) -> Pupil:
    errors: dict[str, str] = {}
    try:
        upn = upn_validate(upn)
    except InvalidUPN as exc:
        errors["upn"] = str(exc)
    else:
        if Pupil.objects.filter(upn=upn).exists():
            errors["upn"] = f"A pupil with UPN {upn} already exists"
    if not legal_forename.strip():
        errors["legal_forename"] = "Enter the pupil's legal forename"
    if not legal_surname.strip():
        errors["legal_surname"] = "Enter the pupil's legal surname"
    if sex not in Pupil.Sex.values:
        errors["sex"] = f"Sex must be F or M, got {sex!r}"
    if sen_provision not in Pupil.SenProvision.values:
        errors["sen_provision"] = f"SEN provision must be N, K or E, got {sen_provision!r}"
    if errors:
        raise ValidationError(errors)
    pupil = Pupil.objects.create(
        upn=upn,
        legal_forename=legal_forename.strip(),
        legal_surname=legal_surname.strip(),
        preferred_forename=preferred_forename.strip(),
        date_of_birth=date_of_birth,
        sex=sex,
        sen_provision=sen_provision,
        free_school_meals=free_school_meals,
        english_additional_language=english_additional_language,
        looked_after=looked_after,
        child_in_need=child_in_need,
        child_protection_plan=child_protection_plan,
        young_carer=young_carer,
        social_worker_name=social_worker_name,
        social_worker_contact=social_worker_contact,
        family=family,
    )
    audit_record(actor=actor, verb=Verb.PUPIL_CREATE, target=pupil, summary=f"Added pupil {upn}")
    return pupil


@transaction.atomic
def carer_create(
    *,
    actor: Actor,
    forename: str,
    surname: str,
    title: str = "",
    family: Family | None = None,
    address_line_1: str = "",
    address_line_2: str = "",
    town: str = "",
    postcode: str = "",
    mobile_phone: str = "",
    home_phone: str = "",
    work_phone: str = "",
    email: str = "",
    email_letters_consent_on: dt.date | None = None,
    email_letters_consent_evidence: str = "",
) -> Carer:
    if email_letters_consent_on is not None and not email:
        raise ValidationError(
            {"email_letters_consent_on": "Consent to letters by email needs the parent's own email"}
        )
    if email_letters_consent_on is not None and not email_letters_consent_evidence.strip():
        raise ValidationError(
            {"email_letters_consent_evidence": "Say where the written consent is kept"}
        )
    carer = Carer.objects.create(
        title=title,
        forename=forename,
        surname=surname,
        family=family,
        address_line_1=address_line_1,
        address_line_2=address_line_2,
        town=town,
        postcode=postcode,
        mobile_phone=mobile_phone,
        home_phone=home_phone,
        work_phone=work_phone,
        email=email,
        email_letters_consent_on=email_letters_consent_on,
        email_letters_consent_evidence=email_letters_consent_evidence,
    )
    audit_record(
        actor=actor, verb=Verb.CARER_CREATE, target=carer, summary=f"Added parent/carer {carer}"
    )
    return carer


@transaction.atomic
def carer_link_create(
    *,
    actor: Actor,
    pupil: Pupil,
    carer: Carer,
    relationship: str,
    parental_responsibility: bool,
    lives_with_pupil: bool,
    contact_priority: int = 1,
) -> CarerLink:
    if relationship not in CarerLink.Relationship.values:
        raise ValidationError({"relationship": f"Unknown relationship {relationship!r}"})
    if CarerLink.objects.filter(pupil=pupil, carer=carer).exists():
        raise ValidationError({"carer": f"{carer} is already linked to {pupil.display_name}"})
    link = CarerLink.objects.create(
        pupil=pupil,
        carer=carer,
        relationship=relationship,
        parental_responsibility=parental_responsibility,
        lives_with_pupil=lives_with_pupil,
        contact_priority=contact_priority,
    )
    audit_record(actor=actor, verb=Verb.CARER_LINK_CREATE, target=link, summary=f"Linked {link}")
    return link


@transaction.atomic
def enrolment_create(
    *,
    actor: Actor,
    pupil: Pupil,
    school: School,
    admitted_on: dt.date,
    year_group: str,
    registration: str = Enrolment.Registration.SINGLE,
    registration_group: RegistrationGroup | None = None,
    left_on: dt.date | None = None,
    leaving_reason: str = "",
) -> Enrolment:
    errors: dict[str, str] = {}
    if year_group not in YEAR_GROUPS:
        errors["year_group"] = f"Unknown year group {year_group!r}"
    if left_on is not None and left_on < admitted_on:
        errors["left_on"] = f"The leaving date {left_on} is before the admission date {admitted_on}"
    if registration not in Enrolment.Registration.values:
        errors["registration"] = f"Registration must be C, M or S, got {registration!r}"
    if registration_group is not None and registration_group.school_id != school.pk:
        errors["registration_group"] = f"{registration_group.name} is not a group at {school.name}"
    if errors:
        raise ValidationError(errors)
    for other in pupil.enrolments.select_related("school"):
        ends = other.left_on or dt.date.max
        overlaps = other.admitted_on <= (left_on or dt.date.max) and admitted_on <= ends
        if not overlaps:
            continue
        if other.school_id == school.pk:
            raise ValidationError(
                {"admitted_on": f"{pupil.display_name} is already on roll at {school.name} then"}
            )
        dual = {other.registration, registration} <= {
            Enrolment.Registration.DUAL_MAIN,
            Enrolment.Registration.DUAL_SUBSIDIARY,
        }
        if not dual:
            raise ValidationError(
                {
                    "registration": (
                        f"{pupil.display_name} is on roll at {other.school.name} from "
                        f"{other.admitted_on}; two schools at once needs dual registration"
                    )
                }
            )
    enrolment = Enrolment.objects.create(
        pupil=pupil,
        school=school,
        admitted_on=admitted_on,
        left_on=left_on,
        leaving_reason=leaving_reason,
        registration=registration,
        year_group=year_group,
        registration_group=registration_group,
    )
    audit_record(
        actor=actor,
        verb=Verb.ENROLMENT_CREATE,
        target=enrolment,
        summary=f"Admitted {pupil.upn} to {school.name} from {admitted_on}",
        school_urn=school.urn,
    )
    return enrolment


@transaction.atomic
def enrolment_end(
    *, actor: Actor, enrolment: Enrolment, left_on: dt.date, leaving_reason: str
) -> Enrolment:
    if left_on < enrolment.admitted_on:
        raise ValidationError(
            {"left_on": f"{left_on} is before admission on {enrolment.admitted_on}"}
        )
    if not leaving_reason.strip():
        raise ValidationError({"leaving_reason": "Give the deletion ground or reason for leaving"})
    enrolment.left_on = left_on
    enrolment.leaving_reason = leaving_reason
    enrolment.save(update_fields=["left_on", "leaving_reason"])
    audit_record(
        actor=actor,
        verb=Verb.ENROLMENT_END,
        target=enrolment,
        summary=(
            f"{enrolment.pupil.upn} left {enrolment.school.name} on {left_on}: {leaving_reason}"
        ),
        school_urn=enrolment.school.urn,
    )
    return enrolment


@transaction.atomic
def condition_set(
    *,
    actor: Actor,
    pupil: Pupil,
    school: School,
    kind: str,
    starts_on: dt.date,
    reason: str,
    ends_on: dt.date | None = None,
    text: str = "",
) -> Condition:
    """Set a condition on how the pupil's absence is recorded at the school."""
    errors: dict[str, str] = {}
    if kind not in Condition.Kind.values:
        errors["kind"] = "Choose the condition"
    if kind == Condition.Kind.OTHER and not text.strip():
        errors["text"] = "Say what the condition is"
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = "The condition cannot end before it starts"
    if not reason.strip():
        errors["reason"] = "Say why the condition is set (for example: agreed at the meeting)"
    if errors:
        raise ValidationError(errors)
    condition = Condition.objects.create(
        pupil=pupil,
        school=school,
        kind=kind,
        text=text.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
        recorded_at=clock.now(),
        recorded_by_label=actor_label(actor),
    )
    audit_record(
        actor=actor,
        verb=Verb.CONDITION_SET,
        target=condition,
        summary=f"Condition set for {pupil.display_name}: {condition.label}",
        school_urn=school.urn,
        payload={"pupil": pupil.upn, "kind": kind, "from": starts_on.isoformat()},
    )
    return condition


@transaction.atomic
def condition_lift(*, actor: Actor, condition: Condition, on: dt.date, reason: str) -> Condition:
    """Lift a condition from `on` (a new record; the condition itself is never changed)."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the condition is lifted"})
    if on < condition.starts_on:
        raise ValidationError({"on": "A condition cannot be lifted before it starts"})
    lifted = Condition.objects.create(
        pupil=condition.pupil,
        school=condition.school,
        kind=condition.kind,
        text=condition.text,
        starts_on=on,
        reason=reason.strip(),
        lifts=condition,
        recorded_at=clock.now(),
        recorded_by_label=actor_label(actor),
    )
    audit_record(
        actor=actor,
        verb=Verb.CONDITION_LIFT,
        target=lifted,
        summary=f"Condition lifted for {condition.pupil.display_name}: {condition.label}",
        school_urn=condition.school.urn,
        payload={"condition": condition.pk, "from": on.isoformat()},
    )
    return lifted
