from django.contrib import admin

from rollcall.casework.models import ChronologyEntry


@admin.register(ChronologyEntry)
class ChronologyEntryAdmin(admin.ModelAdmin):
    """Read-only: entries are added through rollcall's pages, which keep who and when."""

    list_display = ("occurred_at", "pupil", "school", "kind", "outcome", "recorded_by_label")
    list_filter = ("kind", "outcome", "school")
    search_fields = ("pupil__upn", "summary")
    date_hierarchy = "occurred_at"
    list_select_related = ("pupil", "school")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
