"""Django form fields that know which GOV.UK Design System component shows them.

Each field takes, beside Django's own arguments (`label`, `required`, `error_messages` …), the
few choices the component offers: a `hint`, a `label_size` ("s", "m", "l" or "xl"), extra
`classes` for the input and `attributes`. The component follows from the field and its widget:

| field | component |
| --- | --- |
| CharField | text input; `rows=` makes it a textarea, `character_count=True` a character count |
| IntegerField, RegexField, TimeField | text input (`type` from the widget: time for TimeField) |
| DateField | date input: day, month and year boxes (GOV.UK "Dates" pattern) |
| DatePickerField | one `type="date"` input, for a day chosen in a page's filters |
| ChoiceField, TypedChoiceField, ModelChoiceField | select; `widget=forms.RadioSelect`: radios |
| MultipleChoiceField, TypedMultipleChoiceField | checkboxes |
| BooleanField | a single checkbox |
| FileField | file upload (`accept=` names the file types) |

Any Django field renders too (a hidden input stays hidden); these classes only add the options.
`rollcall.web.forms.rendering` turns a bound field into the component's parameters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms

DATE_PARTS = ("day", "month", "year")


@dataclass
class Govuk:
    """How a field's component looks: everything else comes from the field itself."""

    hint: str = ""
    label_size: str = ""  # "s", "m", "l", "xl": govuk-label--s or govuk-fieldset__legend--s
    classes: str = ""  # on the input, select, textarea or the radios/checkboxes wrapper
    attributes: dict[str, str] = field(default_factory=dict)
    autocomplete: str | None = None
    spellcheck: bool | None = None
    inputmode: str | None = None
    rows: int | None = None  # a textarea with this many rows
    character_count: bool = False  # a textarea that counts down to the field's max_length


class GovukField(forms.Field):
    """The GOV.UK options, taken before Django's own arguments."""

    def __init__(
        self,
        *args: Any,
        hint: str = "",
        label_size: str = "",
        classes: str = "",
        attributes: dict[str, str] | None = None,
        autocomplete: str | None = None,
        spellcheck: bool | None = None,
        inputmode: str | None = None,
        **kwargs: Any,
    ):
        self.govuk = Govuk(
            hint=hint or str(kwargs.get("help_text") or ""),
            label_size=label_size,
            classes=classes,
            attributes=dict(attributes or {}),
            autocomplete=autocomplete,
            spellcheck=spellcheck,
            inputmode=inputmode,
        )
        super().__init__(*args, **kwargs)


class CharField(GovukField, forms.CharField):
    def __init__(self, *args: Any, rows: int | None = None, character_count: bool = False, **kw):
        super().__init__(*args, **kw)
        self.govuk.rows = rows or (5 if character_count else None)
        self.govuk.character_count = character_count
        if character_count and self.max_length is None:
            raise ValueError("a character count needs the field's max_length")


class IntegerField(GovukField, forms.IntegerField):
    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("inputmode", "numeric")
        super().__init__(*args, **kwargs)


class RegexField(GovukField, forms.RegexField):
    pass


class TimeField(GovukField, forms.TimeField):
    widget = forms.TimeInput(attrs={"type": "time"})


class DatePickerField(GovukField, forms.DateField):
    """One box with the browser's date picker (`type="date"`, value YYYY-MM-DD)."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ChoiceField(GovukField, forms.ChoiceField):
    pass


class TypedChoiceField(GovukField, forms.TypedChoiceField):
    pass


class ModelChoiceField(GovukField, forms.ModelChoiceField):
    pass


class MultipleChoiceField(GovukField, forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class TypedMultipleChoiceField(GovukField, forms.TypedMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class BooleanField(GovukField, forms.BooleanField):
    pass


class FileField(GovukField, forms.FileField):
    def __init__(self, *args: Any, accept: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        if accept:
            self.govuk.attributes.setdefault("accept", accept)


class DatePartsWidget(forms.Widget):
    """Reads GOV.UK date inputs: NAME-day, NAME-month and NAME-year."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return [str(data.get(f"{name}-{part}", "")).strip() for part in DATE_PARTS]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}-{part}" in data for part in DATE_PARTS)


class DateField(GovukField):
    """A date typed as day, month and year. `what` names it in messages ("the first day")."""

    widget = DatePartsWidget

    def __init__(self, *, what: str, **kwargs: Any):
        self.what = what
        kwargs.setdefault("error_messages", {"required": f"Enter {what}"})
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        parts = list(value or ["", "", ""])
        if not any(parts):
            return None
        missing = [name for name, part in zip(DATE_PARTS, parts, strict=True) if not part]
        if missing:
            raise forms.ValidationError(f"{self.what.capitalize()} must include a {missing[0]}")
        try:
            day, month, year = (int(part) for part in parts)
            if year < 1000:
                raise ValueError
            return dt.date(year, month, day)
        except ValueError:
            raise forms.ValidationError(f"{self.what.capitalize()} must be a real date") from None
