"""A bound field as its GOV.UK component, and a page's one error summary.

`component(bound_field)` says which GOV.UK Frontend macro shows the field and with which
parameters: its label (a fieldset legend for radios, checkboxes and dates), hint, error message
and value, with the ids the macros then wire together through aria-describedby.
`field_html(bound_field, **overrides)` renders it; an override replaces a parameter (or adds to
one that is a mapping, such as `label`), and `conditional` reveals HTML under a radio or checkbox.

The error summary lists every problem at the top of the page, each a link to the field it is
about (GOV.UK Design System, "Error summary"): to the input itself, to the first radio or
checkbox, or to the day box of a date. A form's own errors (not about one field) show on the
field named by its `own_errors_field`, or link to the page's main content.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms import widgets
from django.template import engines
from markupsafe import Markup

from rollcall.web.forms.fields import DATE_PARTS, DatePartsWidget, Govuk

MACROS = {
    "input": "govukInput",
    "textarea": "govukTextarea",
    "character-count": "govukCharacterCount",
    "select": "govukSelect",
    "radios": "govukRadios",
    "checkboxes": "govukCheckboxes",
    "date-input": "govukDateInput",
    "file-upload": "govukFileUpload",
    "error-summary": "govukErrorSummary",
}
DATE_WIDTHS = {"day": "2", "month": "2", "year": "4"}
FIELDSET_COMPONENTS = frozenset({"radios", "checkboxes", "date-input"})


@dataclass(frozen=True)
class ErrorItem:
    text: str
    href: str

    @property
    def item(self) -> dict[str, str]:
        """As an entry in the GOV.UK error summary's errorList."""
        return {"text": self.text, "href": self.href}


def macro(name: str) -> Any:
    """The GOV.UK Frontend macro for a component ("input", "radios" …)."""
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    path = f"govuk_frontend_jinja/components/{name}/macro.html"
    return getattr(env.get_template(path).module, MACROS[name])


def _options(bound: forms.BoundField) -> Govuk:
    return getattr(bound.field, "govuk", None) or Govuk()


def component_name(bound: forms.BoundField) -> str:
    """Which component shows the field, from its widget."""
    widget, govuk = bound.field.widget, _options(bound)
    if isinstance(widget, widgets.HiddenInput):
        return "hidden"
    if isinstance(widget, DatePartsWidget):
        return "date-input"
    # CheckboxSelectMultiple is a RadioSelect to Django, so it is asked about first.
    if isinstance(widget, widgets.CheckboxSelectMultiple | widgets.SelectMultiple):
        return "checkboxes"
    if isinstance(widget, widgets.RadioSelect):
        return "radios"
    if isinstance(widget, widgets.CheckboxInput):
        return "checkboxes"
    if isinstance(widget, widgets.Select):
        return "select"
    if isinstance(widget, widgets.FileInput):
        return "file-upload"
    if isinstance(widget, widgets.Textarea) or govuk.rows:
        return "character-count" if govuk.character_count else "textarea"
    return "input"


def anchor(bound: forms.BoundField) -> str:
    """The id the error summary links to: the first box of a date, radio or checkbox."""
    name = component_name(bound)
    if name == "date-input":
        return f"{bound.auto_id}-day"
    return bound.auto_id or bound.html_name


def error_text(bound: forms.BoundField) -> str:
    """The field's messages as one line, with the form's own when this field shows them."""
    messages = [str(m) for m in bound.errors]
    if getattr(bound.form, "own_errors_field", None) == bound.name:
        messages += [str(m) for m in bound.form.non_field_errors()]
    return " ".join(messages)


def field_error(form: forms.Form | None, name: str) -> str:
    """The messages about one field as one line, or '' (for a page that places them itself)."""
    if form is None:
        return ""
    return " ".join(str(message) for message in form.errors.get(name, []))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _chosen(bound: forms.BoundField) -> set[str]:
    value = bound.value()
    if isinstance(value, list | tuple):
        return {_text(v) for v in value}
    return {_text(value)}


def _choice_items(bound: forms.BoundField, key: str) -> list[dict[str, Any]]:
    chosen = _chosen(bound)
    field: Any = bound.field
    return [
        {"value": _text(value), "text": str(text), key: _text(value) in chosen}
        for value, text in field.choices
    ]


def _date_items(bound: forms.BoundField) -> list[dict[str, str]]:
    value = bound.value()
    if isinstance(value, dt.date):
        parts = [str(value.day), str(value.month), str(value.year)]
    elif isinstance(value, list | tuple):
        parts = [_text(v) for v in value]
    else:
        parts = ["", "", ""]
    error = " govuk-input--error" if bound.errors else ""
    return [
        {"name": part, "value": text, "classes": f"govuk-input--width-{DATE_WIDTHS[part]}{error}"}
        for part, text in zip(DATE_PARTS, parts, strict=True)
    ]


def _input_type(bound: forms.BoundField) -> str:
    widget: Any = bound.field.widget
    return str(widget.attrs.get("type") or getattr(widget, "input_type", "text") or "text")


def component(bound: forms.BoundField) -> tuple[str, dict[str, Any]]:
    """The component's name and its macro's parameters."""
    name = component_name(bound)
    govuk = _options(bound)
    label_text = str(bound.label)
    params: dict[str, Any] = {"name": bound.html_name}
    if govuk.hint:
        params["hint"] = {"text": govuk.hint}
    message = error_text(bound)
    if message:
        params["errorMessage"] = {"text": message}
    if govuk.classes:
        params["classes"] = govuk.classes
    if govuk.attributes:
        params["attributes"] = dict(govuk.attributes)
    if name in FIELDSET_COMPONENTS:
        size = f" govuk-fieldset__legend--{govuk.label_size}" if govuk.label_size else ""
        params["fieldset"] = {"legend": {"text": label_text, "classes": size.strip()}}
    else:
        size = f"govuk-label--{govuk.label_size}" if govuk.label_size else ""
        params["label"] = {"text": label_text, "classes": size}
        params["id"] = bound.auto_id
    if name == "date-input":
        params.pop("name")
        params.update(id=bound.auto_id, namePrefix=bound.html_name, items=_date_items(bound))
    elif name in ("radios", "checkboxes"):
        params["idPrefix"] = bound.auto_id
        if isinstance(bound.field.widget, widgets.CheckboxInput):
            params["items"] = [{"value": "on", "text": label_text, "checked": bool(bound.value())}]
            params.pop("fieldset")
        else:
            params["items"] = _choice_items(bound, "checked")
    elif name == "select":
        params["items"] = _choice_items(bound, "selected")
    elif name in ("input", "textarea", "character-count"):
        value = bound.value()
        if isinstance(bound.field.widget, widgets.PasswordInput):
            value = None  # a password is never sent back to the browser
        if isinstance(value, dt.time):
            value = f"{value:%H:%M}"
        params["value"] = _text(value)
        for key in ("autocomplete", "spellcheck", "inputmode"):
            if getattr(govuk, key) is not None:
                params[key] = getattr(govuk, key)
        if name == "input" and _input_type(bound) != "text":
            params["type"] = _input_type(bound)
        if govuk.rows:
            params["rows"] = govuk.rows
        if name == "character-count":
            params["maxlength"] = getattr(bound.field, "max_length", None)
    return name, params


def _merge(params: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(params)
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def field_html(
    bound: forms.BoundField, *, conditional: Mapping[str, str] | None = None, **overrides: Any
) -> Markup:
    """The field as its GOV.UK component. `conditional` maps an option's value to HTML shown
    under it when it is chosen (radios and checkboxes)."""
    name, params = component(bound)
    if name == "hidden":
        return Markup('<input type="hidden" name="{}" value="{}" id="{}">').format(
            bound.html_name, _text(bound.value()), bound.auto_id
        )
    if conditional:
        params["items"] = [
            {**item, "conditional": {"html": conditional[item["value"]]}}
            if item["value"] in conditional
            else item
            for item in params["items"]
        ]
    html: Markup = macro(name)(_merge(params, overrides))  # a macro's output is Markup
    return html


def form_html(form: forms.Form) -> Markup:
    """Every field of the form, hidden ones first, each as its component. A field the form's
    `reveals` places under an option of radios or checkboxes is shown there, not on its own."""
    reveals: Mapping[str, Mapping[str, str]] = getattr(form, "reveals", {})
    revealed = {name for options in reveals.values() for name in options.values()}
    hidden = [field_html(bound) for bound in form.hidden_fields()]
    shown = [
        field_html(
            bound,
            conditional={
                value: field_html(form[name]) for value, name in reveals.get(bound.name, {}).items()
            },
        )
        for bound in form.visible_fields()
        if bound.name not in revealed
    ]
    return Markup("\n").join([*hidden, *shown])


def error_items(form: forms.Form, *, whole_form: str = "#main-content") -> list[ErrorItem]:
    """Every error on the form, in field order, each linking to where it is shown."""
    own_field = getattr(form, "own_errors_field", None)
    items: list[ErrorItem] = []
    for name, messages in form.errors.items():
        if name == NON_FIELD_ERRORS:
            href = "#" + anchor(form[own_field]) if own_field else whole_form
        else:
            href = "#" + anchor(form[name])
        items.extend(ErrorItem(str(message), href) for message in messages)
    return items


def error_summary(
    *sources: forms.Form | Iterable[ErrorItem] | None,
    title: str = "There is a problem",
    description: str = "",
) -> Markup:
    """The page's one error summary, over any number of forms and further ErrorItems; empty
    when there is no error."""
    items: list[ErrorItem] = []
    for source in sources:
        if source is None:
            continue
        items.extend(error_items(source) if isinstance(source, forms.BaseForm) else source)
    if not items:
        return Markup("")
    params: dict[str, Any] = {"titleText": title, "errorList": [item.item for item in items]}
    if description:
        params["descriptionText"] = description
    html: Markup = macro("error-summary")(params)
    return html
