import datetime as dt

from django.urls import path, register_converter

from rollcall.registers import views, views_leave


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        return dt.date.fromisoformat(value)  # an impossible date raises ValueError: a 404

    def to_url(self, value: dt.date | str) -> str:
        return value.isoformat() if isinstance(value, dt.date) else value


class SessionConverter:
    regex = "AM|PM"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(IsoDateConverter, "isodate")
register_converter(SessionConverter, "session")

app_name = "registers"

urlpatterns = [
    path("", views.index, name="index"),
    path("open", views.open_register, name="open"),
    path("missing", views.missing, name="missing"),
    path("<int:group_id>/<isodate:day>/<session:session>", views.register, name="register"),
    path("marks/<int:mark_id>", views.mark, name="mark"),
    path("n-codes", views.n_codes, name="n_codes"),
    path("leave/", views_leave.leave_list, name="leave"),
    path("leave/<str:urn>/new", views_leave.leave_new, name="leave_new"),
    path("leave/<str:urn>/new/<int:pupil_id>", views_leave.leave_new_for, name="leave_new_for"),
    path("leave/requests/<int:request_id>", views_leave.leave_request, name="leave_request"),
    path(
        "leave/requests/<int:request_id>/decide",
        views_leave.leave_decision,
        name="leave_decide",
    ),
    path(
        "leave/requests/<int:request_id>/respond",
        views_leave.leave_respond,
        name="leave_respond",
    ),
]
