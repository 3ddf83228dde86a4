"""Forms for imports, exports and certificates. They check what was typed; the services check
the rest (and say why, naming the row or element)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from rollcall.pupils.services import YEAR_GROUPS
from rollcall.statutory.upn import InvalidUPN, upn_validate

MB = 1024 * 1024
MARKS_FILE_LIMIT = 256 * MB  # about seven million rows of CSV
CTF_FILE_LIMIT = 32 * MB
DATE_PARTS = ("day", "month", "year")


class DatePartsWidget(forms.Widget):
    """Reads GOV.UK date inputs: NAME-day, NAME-month and NAME-year."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return [str(data.get(f"{name}-{part}", "")).strip() for part in DATE_PARTS]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}-{part}" in data for part in DATE_PARTS)


class DatePartsField(forms.Field):
    widget = DatePartsWidget

    def __init__(self, *, what: str, **kwargs: Any):
        self.what = what  # "the first day of the period": used in messages
        kwargs.setdefault("error_messages", {"required": f"Enter {what}"})
        super().__init__(**kwargs)

    def govuk_anchor(self, name: str) -> str:
        """The error summary links to the day input."""
        return f"{name}-day"

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


def _checked_upload(
    upload: UploadedFile | None, limit: int, suffixes: tuple[str, ...]
) -> UploadedFile:
    if upload is None:
        raise forms.ValidationError("Select a file")
    name = upload.name or ""
    if not name.lower().endswith(suffixes):
        raise forms.ValidationError(f"The file must be {' or '.join(suffixes)}")
    if upload.size is not None and upload.size > limit:
        raise forms.ValidationError(f"The file must be smaller than {limit // MB} MB")
    if not upload.size:
        raise forms.ValidationError("The selected file is empty")
    return upload


class MarksImportForm(forms.Form):
    file = forms.FileField(required=False)
    reason = forms.CharField(required=False, max_length=500, strip=True)

    def clean_file(self) -> UploadedFile:
        return _checked_upload(
            self.cleaned_data.get("file"), MARKS_FILE_LIMIT, (".csv", ".parquet")
        )


class CtfImportForm(forms.Form):
    school = forms.ChoiceField(error_messages={"required": "Select the school importing the CTF"})
    file = forms.FileField(required=False)
    admitted_on = DatePartsField(what="the date the pupils join the school")
    year_group = forms.ChoiceField(
        required=False,
        choices=[("", "From the CTF or the pupil's age")] + [(g, g) for g in YEAR_GROUPS],
    )

    def __init__(self, *args: Any, school_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = school_choices  # type: ignore[attr-defined]
        if len(school_choices) == 1:
            self.fields["school"].initial = school_choices[0][0]

    def clean_file(self) -> UploadedFile:
        return _checked_upload(self.cleaned_data.get("file"), CTF_FILE_LIMIT, (".xml",))


class PeriodForm(forms.Form):
    first = DatePartsField(what="the first day", required=False)
    last = DatePartsField(what="the last day", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if first and last and last < first:
            self.add_error("last", "The last day must be the same as or after the first day")
        return data


class CertificateForm(PeriodForm):
    upn = forms.ChoiceField(error_messages={"required": "Select the pupil"})
    first = DatePartsField(what="the first day of the period")
    last = DatePartsField(what="the last day of the period")

    def __init__(self, *args: Any, pupil_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["upn"].choices = [("", "Select a pupil"), *pupil_choices]  # type: ignore[attr-defined]


class CtfExportForm(forms.Form):
    upn = forms.ChoiceField(error_messages={"required": "Select the pupil who is leaving"})
    dest_urn = forms.RegexField(
        regex=r"^\d{6}$",
        required=False,
        strip=True,
        error_messages={"invalid": "A URN is six digits"},
    )

    def __init__(self, *args: Any, pupil_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["upn"].choices = [("", "Select a pupil"), *pupil_choices]  # type: ignore[attr-defined]

    def clean_upn(self) -> str:
        try:
            return upn_validate(self.cleaned_data["upn"])
        except InvalidUPN as exc:
            raise forms.ValidationError(str(exc)) from None
