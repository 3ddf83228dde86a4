import datetime as dt

from django.urls import path, register_converter

from rollcall.registers import views


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
]
