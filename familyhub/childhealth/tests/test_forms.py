"""The measurement form: labels and examples for the child's age, and bad input as field errors."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from familyhub.childhealth.forms import MeasurementForm
from familyhub.testing.forms import date_fields


def _today():
    """Today, asked each time: a run that crosses midnight must not mix two dates."""
    return timezone.localdate()


def _post(born: date, measured_on: date | None = None, **values) -> MeasurementForm:
    data = {**date_fields("measured_on", measured_on or _today()), "context": "other", **values}
    return MeasurementForm(data, date_of_birth=born)


def test_a_baby_is_measured_for_length_with_a_babys_examples():
    form = MeasurementForm(date_of_birth=_today() - timedelta(weeks=3))
    assert form.fields["height_cm"].label == "Length (cm)"
    assert "lying down" in form.fields["height_cm"].help_text
    assert "4.25" in form.fields["weight_kg"].help_text
    assert "head_circumference_cm" in form.fields


def test_a_school_child_is_measured_for_height_with_a_school_childs_examples():
    form = MeasurementForm(date_of_birth=_today() - timedelta(days=10 * 365))
    assert form.fields["height_cm"].label == "Height (cm)"
    assert "standing" in form.fields["height_cm"].help_text
    assert "32.4" in form.fields["weight_kg"].help_text
    assert "head_circumference_cm" not in form.fields


def test_the_label_follows_the_date_measured_when_the_form_comes_back():
    # Two and a half now, but measured before their second birthday: a length.
    born = _today() - timedelta(days=int(2.5 * 365))
    form = _post(born, measured_on=born + timedelta(days=600), height_cm="80")
    assert form.fields["height_cm"].label == "Length (cm)"
    assert _post(born, height_cm="90").fields["height_cm"].label == "Height (cm)"


@pytest.mark.parametrize("value", ["0", "-2.5"])
@pytest.mark.parametrize(
    "field,label",
    [
        ("weight_kg", "Weight"),
        ("height_cm", "Length"),
        ("head_circumference_cm", "Head circumference"),
    ],
)
def test_zero_or_negative_is_a_field_error_naming_the_field(field, label, value):
    form = _post(_today() - timedelta(weeks=8), **{field: value})
    assert not form.is_valid()
    assert form.errors[field] == [
        f"{label} must be more than 0 {'kg' if field == 'weight_kg' else 'cm'}"
    ]


def test_grams_typed_for_kilograms_say_so():
    form = _post(_today() - timedelta(weeks=2), weight_kg="3455")
    assert not form.is_valid()
    assert form.errors["weight_kg"] == [
        "Enter the weight in kilograms, not grams: for example, 3.455 for 3,455 g"
    ]


def test_words_are_not_a_number():
    form = _post(_today() - timedelta(weeks=2), weight_kg="four")
    assert form.errors["weight_kg"] == ["Enter the weight as a number, like 4.25"]


def test_nothing_measured_is_a_field_error():
    form = _post(_today() - timedelta(weeks=2))
    assert form.errors["weight_kg"] == [
        "Enter at least one measurement: weight, length or head circumference"
    ]


def test_confirm_box_is_hidden_until_offered():
    form = MeasurementForm(date_of_birth=_today() - timedelta(weeks=2))
    assert 'type="hidden" name="confirm_unusual"' in str(form)
    form.offer_confirm()
    assert 'type="checkbox" name="confirm_unusual"' in str(form)
