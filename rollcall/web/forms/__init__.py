"""Forms on GOV.UK pages: fields that render as design-system components, and one error summary.

A form for a rollcall page subclasses `GovukForm` and uses the fields here; its template needs
only this (the macros, ids, hints, error messages and aria-describedby come from the fields):

    {{ error_summary(form) }}
    <form method="post" novalidate>
      {{ csrf_input }}
      {{ form }}
      {{ govukButton({"text": "Save"}) }}
    </form>

A field can be placed on its own with `{{ govuk_field(form["name"], label={"classes": …}) }}`
(an override replaces or adds to one of the component's parameters).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError

from rollcall.web.forms.fields import (
    DATE_PARTS,
    BooleanField,
    CharField,
    ChoiceField,
    DateField,
    DatePartsWidget,
    DatePickerField,
    FileField,
    Govuk,
    GovukField,
    IntegerField,
    ModelChoiceField,
    MultipleChoiceField,
    RegexField,
    TimeField,
    TypedChoiceField,
    TypedMultipleChoiceField,
)
from rollcall.web.forms.rendering import (
    ErrorItem,
    component,
    error_items,
    error_summary,
    field_error,
    field_html,
    form_html,
)

__all__ = [
    "DATE_PARTS",
    "BooleanField",
    "CharField",
    "ChoiceField",
    "DateField",
    "DatePartsWidget",
    "DatePickerField",
    "ErrorItem",
    "FileField",
    "Govuk",
    "GovukField",
    "GovukForm",
    "IntegerField",
    "ModelChoiceField",
    "MultipleChoiceField",
    "RegexField",
    "TimeField",
    "TypedChoiceField",
    "TypedMultipleChoiceField",
    "add_errors",
    "component",
    "error_items",
    "error_summary",
    "field_error",
    "field_html",
    "form_html",
]


class GovukForm(forms.Form):
    """A form whose `{{ form }}` is its fields as GOV.UK components.

    Ids are the field names (`reason`, `first-day`), as GOV.UK pages and their error-summary
    links expect; pass `auto_id="c12-%s"` to keep them unique when a page shows one form per
    pupil. `own_errors_field` names the field that shows the form's own errors (those about no
    one field); without it they link to the page's main content. `reveals` places a field
    under one option of radios or checkboxes, shown when that option is chosen:
    `{"outcome": {"reason_given": "reason"}}`."""

    own_errors_field: str | None = None
    reveals: ClassVar[dict[str, dict[str, str]]] = {}

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)

    def render(self, template_name: Any = None, context: Any = None, renderer: Any = None) -> Any:
        return form_html(self)

    __str__ = render
    __html__ = render

    def error_items(self) -> list[ErrorItem]:
        return error_items(self)


def add_errors(form: forms.Form, refusal: ValidationError) -> None:
    """Show a service's refusal next to the field it names, or as the form's own error."""
    if hasattr(refusal, "error_dict"):
        for name, errors in refusal.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, refusal)
