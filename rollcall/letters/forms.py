"""Forms for letters on a case: prepare, reword, and record how each letter was sent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from rollcall.web.forms import CharField, ChoiceField, DateField, GovukForm, TimeField


class PrepareForm(GovukForm):
    letter = ChoiceField(
        label="Which letter?",
        widget=forms.RadioSelect,
        label_size="s",
        error_messages={"required": "Choose the letter to prepare"},
    )
    period_from = DateField(
        what="the start of the period",
        required=False,
        label="Figures from",
        hint="The letter gives the child's attendance over this period. For example, 2 9 2024",
        label_size="s",
    )
    period_to = DateField(
        what="the end of the period", required=False, label="Figures to", label_size="s"
    )
    meeting = ChoiceField(
        label="Which meeting is it about? (invitations and follow-ups)",
        required=False,
        label_size="s",
    )
    leave_request = ChoiceField(
        label="Which request for leave does it answer? (leave responses)",
        required=False,
        label_size="s",
    )
    school = ChoiceField(
        label="Which school will the School Attendance Order name? (s439 notice to the school)",
        hint="The notice goes to that school's headteacher. A school in this area:",
        required=False,
        label_size="s",
    )
    school_name = CharField(
        label="Or a school not listed: its name",
        required=False,
        max_length=200,
        label_size="s",
    )
    school_address = CharField(
        label="Its postal address",
        hint="One line of the address a line, with the postcode",
        required=False,
        rows=4,
        max_length=1000,
        label_size="s",
    )

    def __init__(
        self,
        *args: Any,
        letters: Sequence[tuple[str, str]],
        meetings: Sequence[tuple[str, str]],
        leave_requests: Sequence[tuple[str, str]],
        schools: Sequence[tuple[str, str]] = (),
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["letter"]).choices = list(letters)
        cast(forms.ChoiceField, self.fields["meeting"]).choices = [("", "None"), *meetings]
        cast(forms.ChoiceField, self.fields["leave_request"]).choices = [
            ("", "None"),
            *leave_requests,
        ]
        cast(forms.ChoiceField, self.fields["school"]).choices = [("", "None"), *schools]


class WordingForm(GovukForm):
    """One box for each paragraph the officer may reword (the fixed wording is not a field)."""

    def __init__(self, *args: Any, paragraphs: Sequence[dict[str, Any]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for number, paragraph in enumerate(paragraphs, 1):
            if paragraph["editable"]:
                self.fields[f"paragraph_{number}"] = CharField(
                    label=f"Paragraph {number}",
                    rows=4,
                    max_length=4000,
                    label_size="s",
                    initial=paragraph["text"],
                    error_messages={"required": f"Paragraph {number} is empty"},
                )


class PostForm(GovukForm):
    posted_on = DateField(
        what="the date it was posted", label="When was it posted first class?", label_size="s"
    )
    posted_by = CharField(
        label="Who posted it?",
        max_length=200,
        label_size="s",
        error_messages={"required": "Say who posted the letter"},
    )


class HandForm(GovukForm):
    handed_on = DateField(
        what="the date it was handed over", label="When was it handed over?", label_size="s"
    )
    handed_time = TimeField(
        label="At what time?",
        label_size="s",
        error_messages={"required": "Give the time", "invalid": "Enter a time such as 15:20"},
    )
    handed_by = CharField(
        label="Who handed it over?",
        max_length=200,
        label_size="s",
        error_messages={"required": "Say who handed the letter over"},
    )
    handed_to = CharField(
        label="Who was it handed to?",
        hint="The parent, or who took it for them, and where.",
        max_length=200,
        label_size="s",
        error_messages={"required": "Say who the letter was handed to"},
    )


class EmailForm(GovukForm):
    pass


class BounceForm(GovukForm):
    reported_on = DateField(
        what="the date the bounce came back", label="When did it come back?", label_size="s"
    )
    detail = CharField(
        label="What came back?",
        hint="Paste the bounce message, or say who told you the email did not arrive.",
        rows=4,
        max_length=4000,
        label_size="s",
        error_messages={"required": "Say what came back"},
    )


class BulkForm(GovukForm):
    """Which letter, to the children in which list, with figures over which period."""

    letter = ChoiceField(
        label="Which letter?",
        widget=forms.RadioSelect,
        label_size="s",
        error_messages={"required": "Choose the letter to send"},
    )
    children = ChoiceField(
        label="To the parents of which children?",
        hint="Children the nightly sweep found for a trigger, or every child with an open case",
        label_size="s",
        error_messages={"required": "Choose the list of children"},
    )
    met_from = DateField(
        what="the first day the trigger was met",
        required=False,
        label="Trigger met from",
        hint="For example, the Monday of this week: 2 12 2024",
        label_size="s",
    )
    met_to = DateField(
        what="the last day the trigger was met",
        required=False,
        label="Trigger met to",
        label_size="s",
    )
    period_from = DateField(
        what="the start of the period",
        required=False,
        label="Figures from",
        hint="Each letter gives the child's attendance over this period",
        label_size="s",
    )
    period_to = DateField(
        what="the end of the period", required=False, label="Figures to", label_size="s"
    )

    def __init__(
        self,
        *args: Any,
        letters: Sequence[tuple[str, str]],
        lists: Sequence[tuple[str, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["letter"]).choices = list(letters)
        cast(forms.ChoiceField, self.fields["children"]).choices = list(lists)


class BatchPostedForm(GovukForm):
    posted_on = DateField(what="the day the letters were posted", label="Posted on")
    posted_by = CharField(
        label="Posted by",
        max_length=200,
        hint="The name of the person who took the letters to the post",
        error_messages={"required": "Say who posted the letters"},
    )
