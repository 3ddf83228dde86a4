from django import forms
from django.contrib import admin

from rollcall.registers.models import (
    WEEKDAY_SESSION_FIELDS,
    Mark,
    MarkAmendment,
    OtherSchoolSessions,
    PartTimeTimetable,
    TakenRegister,
)
from rollcall.registers.services import (
    other_school_sessions_set,
    other_school_sessions_validate,
    part_time_timetable_save,
    part_time_timetable_validate,
)


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


# Part-time timetables and dual-registration sessions are written through their services, so
# each change is validated the same way everywhere and leaves an audit event.


def _ticked(cleaned_data: dict) -> list[str]:
    return [name for name in WEEKDAY_SESSION_FIELDS if cleaned_data.get(name)]


class PartTimeTimetableForm(forms.ModelForm):
    class Meta:
        model = PartTimeTimetable
        fields = ("enrolment", "starts_on", "ends_on", "note", *WEEKDAY_SESSION_FIELDS)

    def clean(self):
        data = super().clean() or {}
        if self.errors:
            return data
        part_time_timetable_validate(
            enrolment=data["enrolment"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            excluded_sessions=_ticked(data),
            timetable=self.instance,
        )
        return data


@admin.register(PartTimeTimetable)
class PartTimeTimetableAdmin(admin.ModelAdmin):
    form = PartTimeTimetableForm
    list_display = ("enrolment", "starts_on", "ends_on", "sessions_label")
    raw_id_fields = ("enrolment",)
    fieldsets = (
        (None, {"fields": ("enrolment", "starts_on", "ends_on", "note")}),
        ("Sessions the pupil does not attend (marked C2)", {"fields": WEEKDAY_SESSION_FIELDS}),
    )

    def save_model(self, request, obj, form, change):
        part_time_timetable_save(
            actor=request.user,
            enrolment=obj.enrolment,
            starts_on=obj.starts_on,
            ends_on=obj.ends_on,
            excluded_sessions=_ticked(form.cleaned_data),
            note=obj.note,
            timetable=obj if change else None,
        )

    def has_delete_permission(self, request, obj=None):
        return False  # end it early by changing its end date; the record stays


class OtherSchoolSessionsForm(forms.ModelForm):
    class Meta:
        model = OtherSchoolSessions
        fields = ("enrolment", "other_school", *WEEKDAY_SESSION_FIELDS)

    def clean(self):
        data = super().clean() or {}
        enrolment = data.get("enrolment") or getattr(self.instance, "enrolment", None)
        if self.errors or enrolment is None:
            return data
        other_school_sessions_validate(
            enrolment=enrolment, other_school=data["other_school"], sessions=_ticked(data)
        )
        return data


@admin.register(OtherSchoolSessions)
class OtherSchoolSessionsAdmin(admin.ModelAdmin):
    form = OtherSchoolSessionsForm
    list_display = ("enrolment", "other_school", "sessions_label")
    raw_id_fields = ("enrolment",)
    fieldsets = (
        (None, {"fields": ("enrolment", "other_school")}),
        ("Sessions at the other school (marked D here)", {"fields": WEEKDAY_SESSION_FIELDS}),
    )

    def get_readonly_fields(self, request, obj=None):
        return ("enrolment",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        other_school_sessions_set(
            actor=request.user,
            enrolment=obj.enrolment,
            other_school=obj.other_school,
            sessions=_ticked(form.cleaned_data),
        )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TakenRegister)
class TakenRegisterAdmin(admin.ModelAdmin):
    list_display = ("date", "session", "group", "school", "taken_by_label", "taken_at")
    list_filter = ("session", "school")
    date_hierarchy = "date"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
