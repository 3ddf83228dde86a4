"""One error summary for every form: each message links to where it is shown."""

from django import forms

from rollcall.transfers.forms import DatePartsField
from rollcall.web.forms import error_summary, field_error


class PeriodForm(forms.Form):
    first = DatePartsField(what="the first day of the period")
    reason = forms.CharField(error_messages={"required": "Give a reason"})

    def clean(self):
        raise forms.ValidationError("The period is not one rollcall can certify")


def test_each_message_links_to_its_field_and_the_forms_own_to_the_page():
    form = PeriodForm(data={})
    items = [(e.text, e.href) for e in error_summary(form)]
    assert items == [
        ("Enter the first day of the period", "#first-day"),  # a date lands on its day input
        ("Give a reason", "#reason"),
        ("The period is not one rollcall can certify", "#main-content"),
    ]
    assert field_error(form, "reason") == "Give a reason"
    assert field_error(None, "reason") == ""
    named = error_summary(form, anchors={"reason": "why"}, whole_form="#note")
    assert [e.href for e in named] == ["#first-day", "#why", "#note"]
