from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from rollcall.accounts.models import Membership
from rollcall.accounts.services import sign_in_unlock


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "school", "trust", "local_authority")
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name", "user__last_name")


# Failed sign-ins (django-axes): unlocking goes through sign_in_unlock, which audits it, so the
# records cannot be deleted here directly.
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class SignInFailuresAdmin(AccessAttemptAdmin):
    actions = ("unlock",)

    def has_delete_permission(self, request: HttpRequest, obj: AccessAttempt | None = None) -> bool:
        return False

    @admin.action(description="Unlock sign-in for the selected usernames and addresses")
    def unlock(self, request: HttpRequest, queryset: QuerySet[AccessAttempt]) -> None:
        usernames = sorted({a.username for a in queryset if a.username})
        addresses = sorted({a.ip_address for a in queryset if a.ip_address})
        try:
            count = sign_in_unlock(
                actor=request.user,  # type: ignore[arg-type]
                usernames=usernames,
                ip_addresses=addresses,
            )
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)
            return
        unlocked = ", ".join([*usernames, *addresses])
        self.message_user(
            request,
            f"Unlocked sign-in for {unlocked} ({count} record(s) of failures).",
            messages.SUCCESS,
        )
