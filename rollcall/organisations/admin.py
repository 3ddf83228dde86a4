from django.contrib import admin

from rollcall.organisations.models import (
    Closure,
    LocalAuthority,
    RegistrationGroup,
    School,
    Term,
    Trust,
)


class TermInline(admin.TabularInline):
    model = Term
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "policy_profile")


@admin.register(Trust)
class TrustAdmin(admin.ModelAdmin):
    list_display = ("name", "policy_profile")


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("name", "urn", "local_authority", "trust", "phase", "kind")
    list_filter = ("phase", "kind", "local_authority", "trust")
    search_fields = ("name", "urn")
    inlines = [TermInline, ClosureInline]


@admin.register(RegistrationGroup)
class RegistrationGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "school", "year_group")
    list_filter = ("school",)
