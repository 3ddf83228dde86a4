from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from rollcall.core.audit import Verb
from rollcall.core.models import AuditEvent


class VerbFilter(admin.SimpleListFilter):
    """Filter the audit log by kind of event, listed by readable label rather than stored value."""

    title = "kind of event"
    parameter_name = "verb"

    def lookups(self, request, model_admin):
        return sorted(Verb.choices, key=lambda choice: choice[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEvent]):
        if self.value():
            return queryset.filter(verb=self.value())
        return queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "actor_label", "kind", "summary", "school_urn")
    list_filter = (VerbFilter,)
    search_fields = ("summary", "actor_label", "object_id", "school_urn")
    date_hierarchy = "occurred_at"

    @admin.display(description="Kind", ordering="verb")
    def kind(self, event: AuditEvent) -> str:
        try:
            return str(Verb(event.verb).label)
        except ValueError:
            return event.verb

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
