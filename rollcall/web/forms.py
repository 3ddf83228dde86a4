"""Forms on GOV.UK pages: the one error summary every page shows, and each field's message.

The GOV.UK error summary lists every problem at the top of the page, each a link to the field
it is about (GOV.UK Design System, "Error summary"). A field says where its link should land by
a `govuk_anchor(name)` method when that is not its own id (a date in three parts lands on its
day input); a form's own errors (not about one field) land on `whole_form`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS


@dataclass(frozen=True)
class ErrorItem:
    text: str
    href: str

    @property
    def item(self) -> dict[str, str]:
        """As an entry in the GOV.UK error summary's errorList."""
        return {"text": self.text, "href": self.href}


def _anchor(form: forms.Form, name: str, anchors: Mapping[str, str], whole_form: str) -> str:
    if name == NON_FIELD_ERRORS:
        return whole_form
    if name in anchors:
        return "#" + anchors[name]
    field = form.fields.get(name)
    own = getattr(field, "govuk_anchor", None)
    return "#" + (own(name) if callable(own) else name)


def error_summary(
    form: forms.Form,
    *,
    anchors: Mapping[str, str] | None = None,
    whole_form: str = "#main-content",
) -> list[ErrorItem]:
    """Every error on the form, in field order, each linking to where it is shown."""
    return [
        ErrorItem(str(message), _anchor(form, name, anchors or {}, whole_form))
        for name, messages in form.errors.items()
        for message in messages
    ]


def field_error(form: forms.Form | None, name: str) -> str:
    """The field's messages as one line, or '' (for the component's errorMessage)."""
    if form is None:
        return ""
    messages = form.errors.get(name)
    return " ".join(str(m) for m in messages) if messages else ""
