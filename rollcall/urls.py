from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from rollcall.accounts.forms import SignInForm
from rollcall.web import views

admin.site.site_header = "rollcall administration"
admin.site.site_title = "rollcall"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("pupils", views.pupil_search, name="pupil_search"),
    path(
        "sign-in",
        auth_views.LoginView.as_view(
            template_name="sign_in.html",
            redirect_authenticated_user=True,
            authentication_form=SignInForm,
        ),
        name="login",
    ),
    path("sign-out", auth_views.LogoutView.as_view(), name="logout"),
    path("registers/", include("rollcall.registers.urls")),
    path("registers/", include("rollcall.casework.urls")),
    path("transfers/", include("rollcall.transfers.urls")),
    path("analytics/", include("rollcall.analytics.urls")),
    path("cases/", include("rollcall.casework.case_urls")),
    path("cases/<int:case_id>/letters/", include("rollcall.letters.urls")),
    path("letters/bulk/", include("rollcall.letters.bulk_urls")),
    path("api/", include("rollcall.api.urls")),
    path("admin/", admin.site.urls),
]
