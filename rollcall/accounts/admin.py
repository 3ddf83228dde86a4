from django.contrib import admin

from rollcall.accounts.models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "school", "trust", "local_authority")
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
