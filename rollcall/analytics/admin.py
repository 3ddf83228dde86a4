from django.contrib import admin
from django.http import HttpRequest

from rollcall.analytics.models import WorklistItem


@admin.register(WorklistItem)
class WorklistItemAdmin(admin.ModelAdmin):
    """Read-only: items are made by the sweep and closed by school staff, both audited."""

    list_display = ("met_on", "kind", "pupil", "school", "status", "found_on", "done_by_label")
    list_filter = ("status", "kind", "school")
    search_fields = ("pupil__upn", "pupil__legal_surname", "detail")
    date_hierarchy = "met_on"
    list_select_related = ("pupil", "school")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
