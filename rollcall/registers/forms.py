"""Forms for taking and correcting registers. They check the shape of what was sent; the
services decide whether it may be recorded."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from rollcall import statutory
from rollcall.organisations.models import RegistrationGroup
from rollcall.registers.models import Mark
from rollcall.registers.selectors import RosterRow
from rollcall.registers.services import RegisterEntry
from rollcall.web.forms import (
    CharField,
    ChoiceField,
    DatePickerField,
    GovukForm,
    ModelChoiceField,
    TimeField,
    TypedMultipleChoiceField,
)
from rollcall.web.pages import DATE_ERRORS


def code_choices(codes: Sequence[statutory.AttendanceCode]) -> list[tuple[str, str]]:
    # The option text starts with the code, so typing the code in the list selects it.
    return [(code.code, f"{code.code} \u2013 {code.meaning}") for code in codes]


class GroupChoiceField(ModelChoiceField):
    """A registration group, named with its school when the user works at several."""

    with_school = False

    def label_from_instance(self, obj: RegistrationGroup) -> str:
        return f"{obj.name} ({obj.school.name})" if self.with_school else obj.name


class PickRegisterForm(GovukForm):
    group = GroupChoiceField(
        label="Group",
        classes="govuk-!-width-full",
        queryset=RegistrationGroup.objects.none(),
        empty_label="Choose a group",
        error_messages={"required": "Choose a group", "invalid_choice": "Choose a group"},
    )
    date = DatePickerField(
        label="Date", error_messages={**DATE_ERRORS, "required": "Enter the date"}
    )
    session = ChoiceField(
        label="Session",
        widget=forms.RadioSelect,
        classes="govuk-radios--inline govuk-radios--small",
        choices=[(value, str(text).capitalize()) for value, text in Mark.Session.choices],
        error_messages={"required": "Choose morning or afternoon"},
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        field: Any = self.fields["group"]
        field.queryset = groups.select_related("school").order_by("school__name", "name")
        field.with_school = len({group.school_id for group in field.queryset}) > 1


def code_field(row: RosterRow) -> str:
    return f"code-{row.pupil.pk}"


def arrival_field(row: RosterRow) -> str:
    return f"arrived-{row.pupil.pk}"


NOT_MARKED_YET = "Not marked yet"


class RegisterForm(GovukForm):
    """One code and an optional arrival time for every pupil on the register."""

    reason = CharField(
        label="Reason for changing saved marks",
        label_size="s",
        hint="The original mark is kept with who changed it, when and why.",
        rows=2,
        required=False,
        max_length=500,
    )

    def __init__(
        self,
        *args,
        rows: Sequence[RosterRow],
        codes: Sequence[statutory.AttendanceCode],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        choices = code_choices(codes)
        for row in self.rows:
            name = row.pupil.display_name
            row_choices = [c for c in choices if c[0] != "D" or row.dual_registered]
            # A pupil starts unmarked; saving refuses an unmarked pupil by name, unless an
            # arrival time says they came (the time then decides L or U). A saved mark can be
            # changed, not emptied, so its list has no "not marked yet".
            unmarked = [("", NOT_MARKED_YET)] if row.mark is None else []
            self.fields[code_field(row)] = ChoiceField(
                label=f"Mark for {name}",
                classes="govuk-!-width-full",
                attributes={"data-register-code": ""},
                required=False,
                choices=[*unmarked, *row_choices],
                error_messages={
                    "required": f"Choose a mark for {name}",
                    "invalid_choice": f"Choose a mark for {name} from the list",
                },
            )
            self.fields[arrival_field(row)] = TimeField(
                label=f"{name} arrived at",
                classes="govuk-input--width-5",
                attributes={"data-register-arrival": ""},
                required=False,
                input_formats=["%H:%M", "%H:%M:%S", "%H.%M"],
                error_messages={
                    "invalid": f"Enter {name}'s arrival time as hours and minutes, like 09:25"
                },
            )

    def clean(self) -> dict:
        data = super().clean() or {}
        for row in self.rows:
            name = code_field(row)
            if name in data and not data[name] and not data.get(arrival_field(row)):
                self.add_error(name, f"Choose a mark for {row.pupil.display_name}")
        return data

    def with_the_rest_present(self, present: str) -> dict[str, str]:
        """The submitted data with every pupil still unmarked marked present (`present`): the
        teacher's deliberate act, shown for checking before it is saved."""
        data = {key: self.data.get(key, "") for key in self.data}
        for row in self.rows:
            name = code_field(row)
            if not data.get(name) and not row.default_code:
                data[name] = present
        return data

    def entries(self) -> list[RegisterEntry]:
        data = self.cleaned_data
        return [
            RegisterEntry(
                upn=row.pupil.upn,
                code=data[code_field(row)],
                arrived_at=data.get(arrival_field(row)),
                where=row.pupil.display_name,
            )
            for row in self.rows
        ]


REASON_REQUIRED = {"required": "Give a reason for the amendment; the register is evidence"}


class MarkCorrectionForm(GovukForm):
    new_code = ChoiceField(
        label="New code",
        label_size="s",
        error_messages={
            "required": "Choose the new code",
            "invalid_choice": "Choose the new code from the list",
        },
    )
    reason = CharField(
        label="Reason for the change",
        label_size="s",
        hint="For example, \u2018Mother phoned at 9:30: sickness bug\u2019. The original code and "
        "this reason are kept.",
        rows=3,
        max_length=500,
        error_messages=REASON_REQUIRED,
    )

    own_errors_field = "new_code"  # a refusal of the change shows at the code

    def __init__(self, *args, codes: Sequence[statutory.AttendanceCode], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_code"].choices = code_choices(codes)  # type: ignore[attr-defined]


class NCorrectionForm(GovukForm):
    # One checkbox in each row of the page's table of N codes (not a list of its own).
    marks = TypedMultipleChoiceField(
        label="Select",
        coerce=int,
        error_messages={
            "required": "Select at least one N code to replace",
            "invalid_choice": "One of the selected marks is no longer an N; reload the page",
        },
    )
    new_code = ChoiceField(
        label="New code",
        label_size="s",
        error_messages={
            "required": "Choose the code that replaces N",
            "invalid_choice": "Choose the code from the list",
        },
    )
    reason = CharField(
        label="Reason, for every selected mark",
        label_size="s",
        hint="For example, \u2018Letters from parents: illness\u2019. Each mark keeps its "
        "original N and this reason.",
        rows=2,
        max_length=500,
        error_messages=REASON_REQUIRED,
    )

    def __init__(
        self, *args, mark_ids: Sequence[int], codes: Sequence[statutory.AttendanceCode], **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["marks"].choices = [(i, i) for i in mark_ids]  # type: ignore[attr-defined]
        self.fields["new_code"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a code"),
            *code_choices([c for c in codes if c.code != "N"]),
        ]
