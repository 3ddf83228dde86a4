"""GOV.UK form fields: each renders its design-system component, and a page has one error
summary whose every message links to the field it is about."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from lxml import html as lxml_html

from rollcall.web import forms as govuk
from rollcall.web.forms import error_summary


class ContactForm(govuk.GovukForm):  # every kind of field, with a form-level error
    first = govuk.DateField(
        what="the first day of the period", label="First day", hint="For example, 1 9 2025"
    )
    reason = govuk.CharField(
        label="Reason", hint="Why it changed", error_messages={"required": "Give a reason"}
    )
    how = govuk.ChoiceField(
        label="How",
        choices=[("phone", "Phone call"), ("visit", "Home visit")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you made contact"},
    )
    code = govuk.ChoiceField(
        label="New code", choices=[("", "Choose a code"), ("I", "I – illness")], required=False
    )
    marks = govuk.TypedMultipleChoiceField(
        label="Marks", coerce=int, choices=[(1, "One"), (2, "Two")], required=False
    )
    note = govuk.CharField(label="Note", max_length=20, character_count=True, required=False)
    arrived = govuk.TimeField(label="Arrived at", required=False)

    def clean(self):
        raise forms.ValidationError("The period is not one rollcall can certify")


class Page:
    """Just enough of a parsed page to ask what a user (or a screen reader) meets."""

    def __init__(self, markup):
        self.root = lxml_html.fragment_fromstring(str(markup) or "<div></div>", create_parent="div")

    def by_id(self, id_):
        found = self.root.xpath(f'//*[@id="{id_}"]')
        return found[0] if found else None

    def all(self, xpath):
        return self.root.xpath(xpath)


def text(element) -> str:
    return " ".join(element.text_content().split())


def classes(element) -> list[str]:
    return element.get("class", "").split()


def soup(markup) -> Page:
    return Page(markup)


@pytest.fixture
def bound():
    return ContactForm(
        data={"first-day": "31", "first-month": "2", "first-year": "2026", "note": "x" * 25}
    )


def test_a_field_with_an_error_shows_the_govuk_error_message_wired_to_its_input(bound):
    page = soup(bound)
    reason = page.by_id("reason")
    assert reason.get("name") == "reason"
    group = reason.getparent()
    assert "govuk-form-group--error" in classes(group)
    message = page.by_id("reason-error")
    assert "govuk-error-message" in classes(message)
    assert message.getparent() is group
    assert text(message) == "Error: Give a reason"
    assert reason.get("aria-describedby").split() == ["reason-hint", "reason-error"]
    assert [text(label) for label in page.all('//label[@for="reason"]')] == ["Reason"]
    assert "govuk-input--error" in classes(reason)


def test_the_error_summary_links_each_message_to_its_field(bound):
    summary = soup(error_summary(bound))
    links = [(text(a), a.get("href")) for a in summary.all("//a")]
    assert text(summary.all("//h2")[0]) == "There is a problem"
    assert links == [
        ("The first day of the period must be a real date", "#first-day"),  # the day box
        ("Give a reason", "#reason"),
        ("Choose how you made contact", "#how"),  # the first radio
        ("Ensure this value has at most 20 characters (it has 25).", "#note"),
        ("The period is not one rollcall can certify", "#main-content"),
    ]
    page = soup(bound)
    for _, href in links[:-1]:
        assert page.by_id(href[1:]) is not None, href
    assert page.by_id("how").get("type") == "radio"
    assert str(error_summary(ContactForm())) == ""  # an unbound form has no errors


def test_a_date_input_renders_three_boxes_that_keep_what_was_typed(bound):
    page = soup(bound)
    fieldset = page.all("//fieldset")[0]
    assert text(fieldset.xpath("legend")[0]) == "First day"
    boxes = fieldset.xpath('.//input[contains(@class, "govuk-date-input__input")]')
    assert [(b.get("name"), b.get("id"), b.get("value")) for b in boxes] == [
        ("first-day", "first-day", "31"),
        ("first-month", "first-month", "2"),
        ("first-year", "first-year", "2026"),
    ]
    assert all("govuk-input--error" in classes(b) for b in boxes)
    assert fieldset.get("aria-describedby").split() == ["first-hint", "first-error"]
    unbound = soup(ContactForm(initial={"first": dt.date(2025, 9, 1)}))
    values = unbound.all('//input[contains(@class, "govuk-date-input__input")]/@value')
    assert values == ["1", "9", "2025"]


def test_select_checkboxes_character_count_and_time_render_their_components():
    form = ContactForm(data={"code": "I", "marks": ["2"], "arrived": "09:25", "how": "visit"})
    page = soup(form)
    assert page.all('//select[@id="code"]/option[@selected]/@value') == ["I"]
    boxes = page.all('//input[@name="marks"]')
    assert [(b.get("id"), b.get("checked") is not None) for b in boxes] == [
        ("marks", False),
        ("marks-2", True),
    ]
    assert page.by_id("how-2").get("checked") is not None
    assert page.all('//*[contains(@class, "govuk-character-count")]/@data-maxlength') == ["20"]
    assert page.by_id("arrived").get("type") == "time"
    assert page.by_id("arrived").get("value") == "09:25"


def test_a_form_can_name_the_field_that_shows_its_own_errors(bound):
    bound.own_errors_field = "reason"
    assert soup(error_summary(bound)).all("//a/@href")[-1] == "#reason"
    message = text(soup(bound).by_id("reason-error"))
    assert message == "Error: Give a reason The period is not one rollcall can certify"


def test_one_form_per_pupil_keeps_its_names_and_makes_its_ids_unique():
    form = ContactForm(data={}, auto_id="c12-%s")
    page = soup(form)
    assert page.by_id("c12-reason").get("name") == "reason"
    assert "#c12-how" in soup(error_summary(form)).all("//a/@href")


def test_an_override_adds_to_the_components_parameters(bound):
    html = soup(govuk.field_html(bound["reason"], label={"classes": "govuk-visually-hidden"}))
    label = html.all("//label")[0]
    assert "govuk-visually-hidden" in classes(label)
    assert text(label) == "Reason"


@pytest.mark.django_db
def test_the_sign_in_form_never_sends_a_password_back_and_keeps_its_ids():
    from rollcall.accounts.forms import SignInForm

    page = soup(SignInForm(data={"username": "ada", "password": "s3cret-typed"}))
    assert page.by_id("id_username").get("value") == "ada"
    password = page.by_id("id_password")
    assert password.get("type") == "password"
    assert password.get("value") in (None, "")
    assert password.get("autocomplete") == "current-password"
