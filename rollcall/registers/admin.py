from django.contrib import admin

from rollcall.registers.models import Mark, MarkAmendment


class MarkAmendmentInline(admin.TabularInline):
    model = MarkAmendment
    extra = 0
    can_delete = False
    readonly_fields = ("previous_code", "new_code", "reason", "amended_at", "amended_by_label")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Mark)
class MarkAdmin(admin.ModelAdmin):
    """Read-only: marks change only through the amendment service, which keeps the original."""

    list_display = ("date", "session", "pupil", "school", "code", "original_code", "source")
    list_filter = ("session", "source", "school")
    search_fields = ("pupil__upn",)
    date_hierarchy = "date"
    inlines = [MarkAmendmentInline]
    list_select_related = ("pupil", "school")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
