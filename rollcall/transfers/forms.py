"""Forms for imports, exports and certificates. They check what was typed; the services check
the rest (and say why, naming the row or element)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from rollcall.pupils.services import YEAR_GROUPS
from rollcall.statutory.upn import InvalidUPN, upn_validate
from rollcall.web.forms import CharField, ChoiceField, DateField, FileField, GovukForm, RegexField

MB = 1024 * 1024
MARKS_FILE_LIMIT = 256 * MB  # about seven million rows of CSV
CTF_FILE_LIMIT = 32 * MB


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


class MarksImportForm(GovukForm):
    file = FileField(
        label="Marks file",
        label_size="s",
        hint="A .csv or .parquet file, up to 256 MB",
        accept=".csv,.parquet",
        required=False,
    )
    reason = CharField(
        label="Reason for changing marks already recorded (if any)",
        label_size="s",
        hint="Needed only when the file corrects marks rollcall already holds. For example: "
        "register corrected after the MIS migration.",
        rows=2,
        required=False,
        max_length=500,
        strip=True,
    )

    def clean_file(self) -> UploadedFile:
        return _checked_upload(
            self.cleaned_data.get("file"), MARKS_FILE_LIMIT, (".csv", ".parquet")
        )


class CtfImportForm(GovukForm):
    school = ChoiceField(
        label="School importing the CTF",
        label_size="s",
        error_messages={"required": "Select the school importing the CTF"},
    )
    file = FileField(
        label="CTF file",
        label_size="s",
        hint="The .xml file from the previous school or from the DfE's School to School service",
        accept=".xml",
        required=False,
    )
    admitted_on = DateField(
        what="the date the pupils join the school",
        label="Date the pupils join the school",
        label_size="s",
        hint="Pupils already on your roll that day are left as they are. For example, 3 9 2025",
    )
    year_group = ChoiceField(
        label="Year group",
        label_size="s",
        required=False,
        choices=[("", "From the CTF or the pupil's age")] + [(g, g) for g in YEAR_GROUPS],
    )

    def __init__(self, *args: Any, school_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        school: Any = self.fields["school"]
        self.only_school = school_choices[0] if len(school_choices) == 1 else None
        if self.only_school is not None:
            # One school: nothing to choose, so the page names it and the form carries it.
            school.choices = school_choices
            school.initial = self.only_school[0]
            school.widget = forms.HiddenInput()
        else:
            school.choices = [("", "Select a school"), *school_choices]

    def clean_file(self) -> UploadedFile:
        return _checked_upload(self.cleaned_data.get("file"), CTF_FILE_LIMIT, (".xml",))


class PeriodForm(GovukForm):
    first = DateField(
        what="the first day",
        label="From",
        label_size="s",
        hint="For example, 1 9 2025",
        required=False,
    )
    last = DateField(what="the last day", label="To", label_size="s", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if first and last and last < first:
            self.add_error("last", "The last day must be the same as or after the first day")
        return data


class CertificateForm(PeriodForm):
    upn = ChoiceField(
        label="Pupil", label_size="s", error_messages={"required": "Select the pupil"}
    )
    first = DateField(
        what="the first day of the period",
        label="First day of the period",
        label_size="s",
        hint="For example, 1 9 2025",
    )
    last = DateField(
        what="the last day of the period", label="Last day of the period", label_size="s"
    )

    field_order = ("upn", "first", "last")

    def __init__(self, *args: Any, pupil_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["upn"].choices = [("", "Select a pupil"), *pupil_choices]  # type: ignore[attr-defined]


class CtfExportForm(GovukForm):
    upn = ChoiceField(
        label="Pupil",
        label_size="s",
        hint="Everyone who has been on roll here, leavers included, by surname",
        error_messages={"required": "Select the pupil who is leaving"},
    )
    dest_urn = RegexField(
        label="URN of the school they are going to (optional)",
        label_size="s",
        hint="Leave blank if the destination is not known; the CTF is then addressed to MMM "
        "(not known)",
        classes="govuk-input--width-10",
        inputmode="numeric",
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
