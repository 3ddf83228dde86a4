from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rollcall.letters.models import Bounce, Letter, Sending


class ReadOnly(admin.ModelAdmin):
    """Letters of record, their sendings and bounces are evidence: readable here, never
    changed or deleted (a correction is a new letter)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Letter)
class LetterAdmin(ReadOnly):
    list_display = ("issued_at", "reference", "title", "recipient_name", "template_version")
    search_fields = ("reference", "sha256", "recipient_name")
    date_hierarchy = "issued_at"


@admin.register(Sending)
class SendingAdmin(ReadOnly):
    list_display = ("sent_on", "letter", "channel", "outcome", "deemed_received_on")
    list_filter = ("channel", "outcome")
    list_select_related = ("letter",)


@admin.register(Bounce)
class BounceAdmin(ReadOnly):
    list_display = ("reported_on", "sending")
