from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rollcall.transfers.models import (
    Certificate,
    CtfSchool,
    EarlierSchoolAttendance,
    ImportBatch,
)


class ReadOnly(admin.ModelAdmin):
    """Import and certificate records are evidence: readable here, never changed."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnly):
    list_display = ("imported_at", "kind", "file_name", "imported_by_label", "marks_created")
    list_filter = ("kind",)
    search_fields = ("file_name", "sha256", "imported_by_label")
    date_hierarchy = "imported_at"


@admin.register(Certificate)
class CertificateAdmin(ReadOnly):
    list_display = ("generated_at", "reference", "pupil", "school", "first_date", "last_date")
    search_fields = ("reference", "sha256", "pupil__upn")
    list_select_related = ("pupil", "school")
    date_hierarchy = "generated_at"


@admin.register(CtfSchool)
class CtfSchoolAdmin(ReadOnly):
    list_display = ("school", "first_file_name", "created_at")
    list_select_related = ("school",)


@admin.register(EarlierSchoolAttendance)
class EarlierSchoolAttendanceAdmin(ReadOnly):
    list_display = (
        "pupil",
        "school_name",
        "la_code",
        "establishment_number",
        "urn",
        "year",
        "sessions_possible",
        "sessions_unauthorised",
        "first_date",
        "last_date",
    )
    search_fields = ("pupil__upn", "school_name", "urn", "establishment_number")
    list_select_related = ("pupil",)
