"""Local authorities, trusts, schools and the school calendar."""

from __future__ import annotations

import datetime as dt

from django.db import models


class LocalAuthority(models.Model):
    # The DfE's three-digit LA number, as in a UPN and a CTF header (<LEA>).
    code = models.CharField(max_length=3, unique=True)
    name = models.CharField(max_length=200)
    policy_profile = models.CharField(
        max_length=80, default="national", help_text="Key of the local policy profile in force."
    )

    class Meta:
        verbose_name_plural = "local authorities"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Trust(models.Model):
    name = models.CharField(max_length=200, unique=True)
    companies_house_number = models.CharField(max_length=8, blank=True)
    policy_profile = models.CharField(max_length=80, default="national")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    class Phase(models.TextChoices):
        NURSERY = "nursery", "Nursery"
        PRIMARY = "primary", "Primary"
        MIDDLE = "middle", "Middle"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all_through", "All-through"
        SPECIAL = "special", "Special"
        ALTERNATIVE_PROVISION = "ap", "Alternative provision"

    class Kind(models.TextChoices):
        MAINTAINED = "maintained", "Local-authority maintained"
        ACADEMY = "academy", "Academy"
        FREE_SCHOOL = "free_school", "Free school"
        INDEPENDENT = "independent", "Independent"

    urn = models.CharField("URN", max_length=6, unique=True)
    name = models.CharField(max_length=200)
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="schools"
    )
    establishment_number = models.CharField(
        "DfE establishment number",
        max_length=4,
        help_text="Four digits; LAESTAB is LA code + this.",
    )
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.PROTECT, related_name="academies"
    )
    phase = models.CharField(max_length=20, choices=Phase.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MAINTAINED)
    # The postal address printed on certificates and letters.
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    # Who letters to the school are addressed to ("Dear Mrs Khan"; "Dear Headteacher" when no
    # name is recorded), and the office's address for letters by email. Optional.
    headteacher_title = models.CharField(max_length=20, blank=True)
    headteacher_forename = models.CharField(max_length=100, blank=True)
    headteacher_surname = models.CharField(max_length=100, blank=True)
    email = models.EmailField(
        "email address for letters",
        blank=True,
        help_text="Where letters to the school (to its headteacher) may be emailed.",
    )
    am_register_opens = models.TimeField(default=dt.time(8, 40))
    am_register_closes = models.TimeField(default=dt.time(9, 10))
    pm_register_opens = models.TimeField(default=dt.time(13, 15))
    pm_register_closes = models.TimeField(default=dt.time(13, 45))
    register_lock_days = models.PositiveSmallIntegerField(
        default=10, help_text="School days after which only a senior role may amend a register."
    )
    policy_profile = models.CharField(
        max_length=80, blank=True, help_text="Blank: the trust's profile, else the LA's."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "establishment_number"], name="unique_laestab"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (URN {self.urn})"

    @property
    def laestab(self) -> str:
        return f"{self.local_authority.code}{self.establishment_number}"

    @property
    def effective_policy_profile(self) -> str:
        if self.policy_profile:
            return self.policy_profile
        if self.trust is not None:
            return self.trust.policy_profile
        return self.local_authority.policy_profile


class Term(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=60, help_text="For example 'Autumn 1 2025'.")
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["school", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on:%d %b %Y} to {self.ends_on:%d %b %Y})"


class Closure(models.Model):
    """A day or run of days inside a term when the school does not meet."""

    class Reason(models.TextChoices):
        INSET = "inset", "INSET (staff training) day"
        BANK_HOLIDAY = "bank_holiday", "Bank holiday"
        POLLING = "polling", "Used as a polling station"
        OCCASIONAL = "occasional", "Occasional day"
        OTHER_PLANNED = "other_planned", "Other planned closure"
        EMERGENCY = "emergency", "Unplanned closure (emergency)"

    class Sessions(models.TextChoices):
        BOTH = "both", "Whole day"
        AM = "AM", "Morning only"
        PM = "PM", "Afternoon only"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField()
    ends_on = models.DateField()
    sessions = models.CharField(max_length=4, choices=Sessions.choices, default=Sessions.BOTH)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["school", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="closure_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.starts_on:%d %b %Y}"


class RegistrationGroup(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="registration_groups")
    name = models.CharField(max_length=40)
    year_group = models.CharField(
        max_length=4, blank=True, help_text="R, 1 … 13, or blank if mixed."
    )

    class Meta:
        ordering = ["school", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="unique_group_name_per_school")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school.name})"
