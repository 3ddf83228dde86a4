"""Pupils, their families and parents/carers, and their enrolments at schools."""

from __future__ import annotations

import datetime as dt

from django.db import models

from rollcall.core.models import AppendOnlyModel
from rollcall.organisations.models import RegistrationGroup, School


class Family(models.Model):
    """A household: siblings and the adults they live with, possibly across several schools."""

    reference = models.CharField(max_length=40, unique=True)
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)

    class Meta:
        verbose_name_plural = "families"
        ordering = ["reference"]

    def __str__(self) -> str:
        return self.reference


class Pupil(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"

    class SenProvision(models.TextChoices):
        # CBDS SEN provision codes.
        NONE = "N", "No special educational needs"
        SEN_SUPPORT = "K", "SEN support"
        EHC_PLAN = "E", "Education, health and care plan"

    upn = models.CharField("UPN", max_length=13, unique=True)
    legal_forename = models.CharField(max_length=100)
    legal_surname = models.CharField(max_length=100)
    preferred_forename = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    sen_provision = models.CharField(
        "SEN provision", max_length=1, choices=SenProvision.choices, default=SenProvision.NONE
    )
    free_school_meals = models.BooleanField("eligible for free school meals", default=False)
    english_additional_language = models.BooleanField(
        "English as an additional language", default=False
    )
    looked_after = models.BooleanField("looked-after child", default=False)
    child_in_need = models.BooleanField(default=False)
    child_protection_plan = models.BooleanField(default=False)
    young_carer = models.BooleanField(default=False)
    social_worker_name = models.CharField(max_length=200, blank=True)
    social_worker_contact = models.CharField(max_length=200, blank=True)
    family = models.ForeignKey(
        Family, null=True, blank=True, on_delete=models.PROTECT, related_name="pupils"
    )

    class Meta:
        ordering = ["legal_surname", "legal_forename"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.upn})"

    @property
    def display_name(self) -> str:
        return f"{self.preferred_forename or self.legal_forename} {self.legal_surname}"

    @property
    def has_social_worker(self) -> bool:
        return bool(self.social_worker_name)


class Carer(models.Model):
    """A parent or carer (EA96 s576 'parent'), with their own contact details."""

    title = models.CharField(max_length=20, blank=True)
    forename = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    family = models.ForeignKey(
        Family, null=True, blank=True, on_delete=models.PROTECT, related_name="carers"
    )
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    mobile_phone = models.CharField(max_length=30, blank=True)
    home_phone = models.CharField(max_length=30, blank=True)
    work_phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    # Letters may go by email only with this parent's written consent, to their own address.
    email_letters_consent_on = models.DateField(null=True, blank=True)
    email_letters_consent_evidence = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["surname", "forename"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.title, self.forename, self.surname) if part)

    @property
    def may_receive_letters_by_email(self) -> bool:
        return bool(self.email and self.email_letters_consent_on)


class CarerLink(models.Model):
    """How one adult stands to one pupil."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        STEP_PARENT = "step_parent", "Step-parent"
        GRANDPARENT = "grandparent", "Grandparent"
        FOSTER_CARER = "foster_carer", "Foster carer"
        OTHER_RELATIVE = "other_relative", "Other relative"
        CORPORATE_PARENT = "corporate_parent", "Local authority (corporate parent)"
        OTHER = "other", "Other"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="carer_links")
    carer = models.ForeignKey(Carer, on_delete=models.CASCADE, related_name="pupil_links")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    parental_responsibility = models.BooleanField(default=True)
    lives_with_pupil = models.BooleanField(default=True)
    contact_priority = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["pupil", "contact_priority"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "carer"], name="unique_carer_per_pupil")
        ]

    def __str__(self) -> str:
        return f"{self.carer} — {self.get_relationship_display()} of {self.pupil.display_name}"


class Enrolment(models.Model):
    class Registration(models.TextChoices):
        # CTF/census enrolment status: C single registration, M main and S subsidiary dual.
        SINGLE = "C", "Single registration"
        DUAL_MAIN = "M", "Dual registration — main"
        DUAL_SUBSIDIARY = "S", "Dual registration — subsidiary"

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="enrolments")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrolments")
    admitted_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    leaving_reason = models.CharField(max_length=200, blank=True)
    registration = models.CharField(
        max_length=1, choices=Registration.choices, default=Registration.SINGLE
    )
    year_group = models.CharField(max_length=4, help_text="N1, N2, R, 1 … 14")
    registration_group = models.ForeignKey(
        RegistrationGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrolments",
    )

    class Meta:
        ordering = ["pupil", "admitted_on"]
        indexes = [models.Index(fields=["school", "admitted_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("admitted_on")),
                name="enrolment_leaves_after_admission",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pupil.display_name} at {self.school.name} from {self.admitted_on}"

    def on_roll(self, day: dt.date) -> bool:
        return self.admitted_on <= day and (self.left_on is None or day <= self.left_on)


class Condition(AppendOnlyModel):
    """A condition on how a pupil's absence is recorded, set by a school or LA working with
    the family: "medical evidence required for illness absence" (LEE 'Stage 1a' Fast Track; a
    Hackney meeting's decision; MAT §6.2 below 90 %). Shown to whoever codes the pupil's
    absences while it is in force. Lifting one early is a new record (`lifts`)."""

    class Kind(models.TextChoices):
        MEDICAL_EVIDENCE = "medical_evidence", "Medical evidence required for illness absence"
        APPOINTMENT_EVIDENCE = "appointment_evidence", "Evidence required for appointments"
        OTHER = "other", "Another condition"

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="conditions")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    text = models.CharField(max_length=300, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    reason = models.TextField()
    # When set, this record lifts the condition `lifts` from `starts_on`.
    lifts = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="lifted_by"
    )
    recorded_at = models.DateTimeField()
    recorded_by_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["starts_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.starts_on}"

    @property
    def label(self) -> str:
        return self.text or self.get_kind_display()
