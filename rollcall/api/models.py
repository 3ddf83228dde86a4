"""API tokens: how an MIS or a person's script signs in to the REST API.

Only a SHA-256 digest of each token is kept, so a copy of the database cannot be used to call
the API; the token itself is shown once, when it is issued.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    class Kind(models.TextChoices):
        PERSONAL = "personal", "A person's own token"
        INTEGRATION = "integration", "Management information system (MIS) integration"

    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'SIMS push'.")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PERSONAL)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    # The first characters of the token, so people can tell their tokens apart.
    prefix = models.CharField(max_length=16)
    digest = models.CharField("SHA-256 digest", max_length=64, unique=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def refusal(self, now: dt.datetime) -> str:
        """Why this token cannot be used at `now`, or an empty string if it can."""
        if self.revoked_at is not None:
            return f"This API token was revoked on {timezone.localtime(self.revoked_at):%-d %B %Y}"
        if self.expires_at is not None and self.expires_at <= now:
            return (
                f"This API token expired on {timezone.localtime(self.expires_at):%-d %B %Y %H:%M}"
            )
        if not self.user.is_active:
            return "The account this API token belongs to is deactivated"
        return ""
