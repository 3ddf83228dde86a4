from django.contrib import admin

from rollcall.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "actor_label", "verb", "summary", "school_urn")
    list_filter = ("verb",)
    search_fields = ("summary", "actor_label", "object_id", "school_urn")
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
