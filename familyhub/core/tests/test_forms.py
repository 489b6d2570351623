from __future__ import annotations

import datetime
import re

import pytest
from django import forms

from familyhub.core.forms import GovukDateField


class ExampleForm(forms.Form):
    name = forms.CharField(label="Full name", help_text="As the family says it.")
    contact = forms.ChoiceField(
        label="How to contact",
        choices=[("phone", "Phone"), ("email", "Email")],
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    days = forms.MultipleChoiceField(
        label="Days",
        choices=[("mon", "Monday"), ("tue", "Tuesday")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def test_a_valid_form_renders_govuk_fields_with_hints():
    html = str(ExampleForm())
    assert 'class="govuk-label" for="id_name"' in html
    assert 'class="govuk-hint"' in html and "As the family says it." in html
    assert 'class="govuk-input"' in html
    assert "govuk-radios__input" in html
    assert "govuk-textarea" in html
    assert 'type="checkbox"' in html and "govuk-checkboxes__input" in html
    assert "govuk-error-summary" not in html


def test_errors_render_a_summary_linking_to_each_field_and_a_message_by_it():
    form = ExampleForm(data={"name": "", "contact": "fax"})
    html = str(form)
    assert "There is a problem" in html
    assert 'href="#id_name"' in html
    assert 'href="#id_contact_0"' in html  # the first radio, which the link can focus
    assert "govuk-form-group--error" in html
    assert "govuk-input--error" in html
    assert "govuk-error-message" in html


# --- The GOV.UK date input --------------------------------------------------------------------


class DateForm(forms.Form):
    date_of_birth = GovukDateField(label="Date of birth")
    review = GovukDateField(label="Next review (optional)", required=False)


def _typed(day: str, month: str, year: str, name: str = "date_of_birth") -> dict[str, str]:
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def test_three_boxes_give_a_date():
    form = DateForm(data=_typed("27", "3", "2007"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"date_of_birth": datetime.date(2007, 3, 27), "review": None}


def test_a_month_can_be_typed_as_a_name_and_spaces_are_ignored():
    form = DateForm(data=_typed(" 1 ", "Sept", "2026"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == datetime.date(2026, 9, 1)


@pytest.mark.parametrize(
    ("typed", "message", "parts"),
    [
        (("", "", ""), "Enter date of birth", ["day", "month", "year"]),
        (("27", "", "2007"), "Date of birth must include a month", ["month"]),
        (("", "", "2007"), "Date of birth must include a day and month", ["day", "month"]),
        (("27", "3", ""), "Date of birth must include a year", ["year"]),
        (("27", "13", "2007"), "Date of birth must be a real date", ["month"]),
        (("x", "3", "2007"), "Date of birth must be a real date", ["day"]),
        (("31", "4", "2007"), "Date of birth must be a real date", ["day"]),
        (("29", "2", "2007"), "Date of birth must be a real date", ["day"]),
        (("27", "3", "07"), "Date of birth must include a year with 4 numbers", ["year"]),
    ],
)
def test_each_error_names_the_date_and_the_wrong_part(typed, message, parts):
    form = DateForm(data=_typed(*typed))
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == [message]
    html = str(form)
    for part in ("day", "month", "year"):
        box = re.search(rf'<input[^>]*id="id_date_of_birth_{part}"[^>]*>', html)
        assert box is not None
        assert ("govuk-input--error" in box.group()) == (part in parts), (part, box.group())
        assert ('aria-invalid="true"' in box.group()) == (part in parts)
    # The summary link focuses the first wrong box.
    assert f'href="#id_date_of_birth_{parts[0]}"' in html


def test_an_optional_date_left_empty_is_none_and_its_label_loses_optional_in_messages():
    form = DateForm(data={**_typed("1", "1", "2020"), **_typed("", "5", "", name="review")})
    assert not form.is_valid()
    assert form.errors["review"] == ["Next review must include a day and year"]


def test_an_error_about_the_whole_date_highlights_every_box():
    form = DateForm(data=_typed("1", "1", "2020"))
    assert form.is_valid()
    form.add_error("date_of_birth", "Date of birth must be today or in the past")
    html = str(form)
    assert html.count("govuk-input--error") == 3
    assert 'href="#id_date_of_birth_day"' in html


def test_the_date_renders_as_a_govuk_fieldset_with_legend_hint_and_labelled_boxes():
    html = str(DateForm(initial={"date_of_birth": datetime.date(2007, 3, 27)}))
    assert 'role="group"' in html and "govuk-fieldset__legend" in html
    assert ">Date of birth</legend>" in html
    assert "For example, 27 3 2007" in html
    assert 'aria-describedby="id_date_of_birth-hint"' in html
    for part, label, value in (
        ("day", "Day", "27"),
        ("month", "Month", "3"),
        ("year", "Year", "2007"),
    ):
        assert f'for="id_date_of_birth_{part}">{label}</label>' in html
        assert f'name="date_of_birth_{part}"' in html
        assert f'value="{value}"' in html
    assert "govuk-input--width-4" in html and 'inputmode="numeric"' in html
    assert "govuk-input--error" not in html


def test_a_whole_date_in_one_value_still_works_for_links():
    form = DateForm(data={"date_of_birth": "2007-03-27"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == datetime.date(2007, 3, 27)


def test_what_was_typed_is_shown_back_after_an_error():
    html = str(DateForm(data=_typed("31", "feb", "2007")))
    assert 'value="31"' in html and 'value="feb"' in html and 'value="2007"' in html


def test_a_custom_required_message_and_error_name_are_used():
    class Form(forms.Form):
        held_on = GovukDateField(label="Date", error_name="the date of the meeting")
        start = GovukDateField(label="Start", error_messages={"required": "Enter the start date"})

    form = Form(data={**_typed("1", "", "2026", name="held_on")})
    assert not form.is_valid()
    assert form.errors["held_on"] == ["The date of the meeting must include a month"]
    assert form.errors["start"] == ["Enter the start date"]


def test_a_whole_value_that_is_not_a_date_is_not_a_real_date():
    form = DateForm(data={"date_of_birth": "not-a-date"})
    assert form.errors["date_of_birth"] == ["Date of birth must be a real date"]


# --- GOV.UK error messages ------------------------------------------------------------------


def _messages_form():
    from familyhub.core.forms import GovukForm

    class MessagesForm(GovukForm):
        error_names = {"reason": "the reason for sharing"}

        version = forms.IntegerField(widget=forms.HiddenInput)
        name = forms.CharField(label="Family name", max_length=100)
        reason = forms.CharField(
            label="Why are you sharing?", widget=forms.Textarea, max_length=500
        )
        places = forms.IntegerField(label="Places (optional)", min_value=1, required=False)
        postcode = forms.CharField(
            label="Postcode", error_messages={"required": "Enter the postcode, like RM17 5DQ"}
        )

    return MessagesForm


def test_messages_name_the_field_from_its_label_or_error_name():
    form = _messages_form()(data={"name": "x" * 10_000, "places": "-1"})
    assert form.errors == {
        "version": ["The page was out of date or incomplete: reload the page and try again"],
        "name": ["Family name must be 100 characters or less"],
        "reason": ["Enter the reason for sharing"],
        "places": ["Places must be 1 or more"],
        "postcode": ["Enter the postcode, like RM17 5DQ"],  # the form's own message is kept
    }
    assert _messages_form()(data={"places": "ten"}).errors["places"] == [
        "Places must be a whole number"
    ]


def test_a_models_own_message_from_a_service_is_said_in_the_fields_words():
    form = _messages_form()(data={"version": "1", "name": "Lee", "reason": "r", "postcode": "X"})
    assert form.is_valid()
    form.add_error("name", "Ensure this value has at most 40 characters (it has 41).")
    form.add_error(None, {"reason": ["This field cannot be blank."]})
    assert form.errors["name"] == ["Family name must be 40 characters or less"]
    assert form.errors["reason"] == ["Enter the reason for sharing"]


def test_long_text_renders_a_character_count_and_no_maxlength():
    html = str(_messages_form()())
    assert 'data-module="govuk-character-count" data-maxlength="500"' in html
    assert "govuk-js-character-count" in html and 'id="id_reason-info"' in html
    assert "You can enter up to 500 characters" in html
    assert not re.search(r"\smaxlength=", html)


def test_the_summary_lists_a_hidden_fields_error_once_without_a_link():
    html = str(_messages_form()(data={"name": "Lee", "reason": "r", "postcode": "X"}))
    assert html.count("reload the page and try again") == 1
    assert "<li>The page was out of date" in html


def test_a_number_box_is_a_text_input_with_a_numeric_keyboard():
    """GOV.UK asks for this rather than type="number", which the browser empties of letters and
    limits by min and max without saying why; the form's message says what is wrong."""
    html = str(_messages_form()())
    box = re.search(r"<input[^>]*name=\"places\"[^>]*>", html)
    assert box is not None
    assert 'type="text"' in box.group() and 'inputmode="numeric"' in box.group()
    assert "min=" not in box.group()
