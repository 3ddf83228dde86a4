"""The sign-in form, its fields shown as GOV.UK components."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm

from rollcall.web.forms import Govuk, GovukForm


class SignInForm(GovukForm, AuthenticationForm):
    """Django's sign-in form. Its ids stay `id_username` and `id_password`."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("auto_id", "id_%s")
        super().__init__(*args, **kwargs)
        width = "govuk-!-width-two-thirds"
        self.fields["username"].govuk = Govuk(  # type: ignore[attr-defined]
            classes=width, autocomplete="username", spellcheck=False
        )
        self.fields["password"].govuk = Govuk(  # type: ignore[attr-defined]
            classes=width, autocomplete="current-password"
        )
