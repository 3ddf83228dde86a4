"""Who a user works for and in what role. A user may hold several memberships."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rollcall.organisations.models import LocalAuthority, School, Trust


class Role(models.TextChoices):
    TEACHER = "teacher", "Teacher"
    ATTENDANCE_OFFICER = "attendance_officer", "School attendance officer"
    HEADTEACHER = "headteacher", "Headteacher or senior attendance champion"
    TRUST_LEAD = "trust_lead", "Trust attendance lead"
    LA_OFFICER = "la_officer", "LA attendance officer"
    LA_BUSINESS_SUPPORT = "la_business_support", "LA business support"
    LA_ANALYST = "la_analyst", "LA analyst"
    # A school's management information system, writing its registers through the API: a
    # service account that cannot sign in (rollcall.registers.services.lock).
    MIS_INTEGRATION = "mis_integration", "MIS integration (service account)"


SCHOOL_ROLES = {Role.TEACHER, Role.ATTENDANCE_OFFICER, Role.HEADTEACHER}
TRUST_ROLES = {Role.TRUST_LEAD}
LA_ROLES = {Role.LA_OFFICER, Role.LA_BUSINESS_SUPPORT, Role.LA_ANALYST}


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            # Exactly one organisation per membership.
            models.CheckConstraint(
                condition=(
                    models.Q(school__isnull=False, trust__isnull=True, local_authority__isnull=True)
                    | models.Q(
                        school__isnull=True, trust__isnull=False, local_authority__isnull=True
                    )
                    | models.Q(
                        school__isnull=True, trust__isnull=True, local_authority__isnull=False
                    )
                ),
                name="membership_has_one_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"

    @property
    def organisation(self) -> School | Trust | LocalAuthority:
        organisation = self.school or self.trust or self.local_authority
        assert organisation is not None
        return organisation
