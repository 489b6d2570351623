"""BMI centiles against rcpchgrowth itself, a hand-known case, and the category thresholds."""

from __future__ import annotations

from datetime import date

import pytest
from rcpchgrowth import (
    centile,
    chronological_decimal_age,
    measurement_from_sds,
    sds_for_measurement,
)

from familyhub.childhealth.centiles import (
    ImplausibleMeasurement,
    assess,
    clinical_category,
    population_category,
)

BORN = date(2019, 3, 1)
MEASURED = date(2024, 9, 1)


@pytest.mark.parametrize(
    "sex,rsex,height,weight",
    [("M", "male", 110.0, 19.0), ("F", "female", 112.0, 24.5), ("M", "male", 145.0, 45.0)],
)
def test_matches_rcpchgrowth_uk90(sex, rsex, height, weight):
    result = assess(
        date_of_birth=BORN, measured_on=MEASURED, sex=sex, height_cm=height, weight_kg=weight
    )
    age = chronological_decimal_age(BORN, MEASURED)
    bmi = weight / (height / 100) ** 2
    expected_z = sds_for_measurement("uk-who", age, "bmi", bmi, rsex)
    assert result.reference == "UK90"
    assert result.z_score == pytest.approx(expected_z, abs=1e-9)
    assert result.centile == pytest.approx(centile(expected_z), abs=1e-9)


def test_median_bmi_has_z_zero_and_50th_centile():
    age = chronological_decimal_age(BORN, MEASURED)
    median = measurement_from_sds("uk-who", 0, "bmi", "female", age)
    height = 110.0
    weight = median * (height / 100) ** 2
    result = assess(
        date_of_birth=BORN, measured_on=MEASURED, sex="F", height_cm=height, weight_kg=weight
    )
    assert result.z_score == pytest.approx(0, abs=0.01)
    assert result.centile == pytest.approx(50, abs=0.5)


def test_under_four_uses_uk_who_without_ncmp_categories():
    result = assess(
        date_of_birth=date(2024, 1, 1),
        measured_on=date(2025, 1, 1),
        sex="F",
        height_cm=74,
        weight_kg=9,
    )
    assert result.reference == "UK-WHO"
    assert result.population == "" and result.clinical == ""


@pytest.mark.parametrize(
    "value,expected",
    [
        (1.99, "underweight"),
        (2.0, "underweight"),
        (2.01, "healthy"),
        (84.99, "healthy"),
        (85.0, "overweight"),
        (94.99, "overweight"),
        (95.0, "obese"),
        (99.59, "obese"),
        (99.6, "severely_obese"),
    ],
)
def test_population_thresholds(value, expected):
    assert population_category(value) == expected


@pytest.mark.parametrize(
    "value,expected",
    [
        (2.0, "underweight"),
        (90.99, "healthy"),
        (91.0, "overweight"),
        (97.99, "overweight"),
        (98.0, "obese"),
    ],
)
def test_clinical_thresholds(value, expected):
    assert clinical_category(value) == expected


def test_unknown_sex_is_refused_naming_the_field():
    with pytest.raises(ImplausibleMeasurement) as error:
        assess(date_of_birth=BORN, measured_on=MEASURED, sex="U", height_cm=110, weight_kg=19)
    assert error.value.field == "sex"


def test_too_young_for_the_reference():
    with pytest.raises(ImplausibleMeasurement) as error:
        assess(
            date_of_birth=date(2025, 1, 1),
            measured_on=date(2025, 1, 5),
            sex="F",
            height_cm=50,
            weight_kg=3.4,
        )
    assert error.value.field == "measured_on"


# --- weight, length or height, head circumference -------------------------------------------

from familyhub.childhealth.centiles import (  # noqa: E402
    age_phrase,
    assess_growth,
    centile_words,
    gestation_at_birth_days,
    gestation_note,
    growth_age,
)

BABY_BORN = date(2026, 1, 5)
THREE_WEEKS = date(2026, 1, 26)


@pytest.mark.parametrize(
    "method,field,value,sex",
    [
        ("weight", "weight_kg", 4.2, "female"),
        ("height", "height_cm", 55.5, "male"),
        ("ofc", "head_circumference_cm", 38.0, "male"),
    ],
)
def test_baby_centiles_match_rcpchgrowth_measurement(method, field, value, sex):
    from rcpchgrowth import Measurement

    expected = Measurement(
        birth_date=BABY_BORN,
        measurement_method=method,
        observation_date=date(2026, 3, 2),
        observation_value=value,
        reference="uk-who",
        sex=sex,
    ).measurement["measurement_calculated_values"]
    result = assess_growth(
        date_of_birth=BABY_BORN,
        measured_on=date(2026, 3, 2),
        sex="F" if sex == "female" else "M",
        **{field: value},
    )
    found = {"weight": result.weight_sds, "height": result.height_sds, "ofc": result.head_sds}
    assert found[method] == pytest.approx(expected["chronological_sds"], abs=1e-9)


def test_preterm_baby_uses_rcpchgrowths_corrected_age_until_one_year():
    from rcpchgrowth import Measurement

    born, seen = date(2026, 1, 1), date(2026, 3, 1)
    # Expected on 26 February: born 8 weeks early, at 32+0 weeks.
    gestation = gestation_at_birth_days(born, date(2026, 2, 26))
    assert gestation == 32 * 7
    expected = Measurement(
        birth_date=born,
        measurement_method="weight",
        observation_date=seen,
        observation_value=4.2,
        reference="uk-who",
        sex="female",
        gestation_weeks=32,
        gestation_days=0,
    ).measurement["measurement_calculated_values"]
    result = assess_growth(
        date_of_birth=born, measured_on=seen, sex="F", weight_kg=4.2, gestation_days=gestation
    )
    assert result.age.corrected
    assert result.weight_sds == pytest.approx(expected["corrected_sds"], abs=1e-9)
    # At 15 months a baby born at 32 weeks is compared at their real age (the red book's rule).
    assert not growth_age(born, date(2027, 4, 1), gestation).corrected
    # Born before 32 weeks: corrected until 2 years.
    assert growth_age(born, date(2027, 4, 1), 30 * 7).corrected


@pytest.mark.parametrize(
    "expected_date,gestation",
    [(None, None), (date(2026, 1, 10), None), (date(2026, 1, 1), None), (date(2026, 6, 1), None)],
)
def test_term_births_and_unknown_gestation_are_not_corrected(expected_date, gestation):
    # No expected date; 9 days early (38+5 weeks: term); on the day; 21 weeks early (a data error).
    assert gestation_at_birth_days(date(2026, 1, 1), expected_date) == gestation
    assert gestation_note(date(2026, 1, 1), expected_date) == ""


def test_gestation_note_says_where_the_gestation_came_from():
    note = gestation_note(date(2026, 1, 1), date(2026, 3, 12))
    assert note.startswith("Born at 30+0 weeks, worked out from the expected date of delivery")
    assert "until 2 years" in note


def test_three_week_old_at_45_kg_is_refused_naming_the_field_and_the_plausible_range():
    with pytest.raises(ImplausibleMeasurement) as error:
        assess_growth(date_of_birth=BABY_BORN, measured_on=THREE_WEEKS, sex="F", weight_kg=45)
    assert error.value.field == "weight_kg"
    message = error.value.message
    assert message.startswith("Weight of 45 kg is not plausible for a 3 week old baby")
    assert "check the value and the units (kilograms)" in message
    assert "Most girls of this age weigh" in message


def test_ten_year_old_at_35_kg_is_fine():
    result = assess_growth(
        date_of_birth=date(2016, 3, 1), measured_on=date(2026, 6, 1), sex="M", weight_kg=35
    )
    assert result.unusual == {}
    assert -1 < result.weight_sds < 1
    assert result.bmi is None  # no height: no BMI


@pytest.mark.parametrize(
    "field,value,label",
    [("height_cm", 5.5, "Length of 5.5 cm"), ("head_circumference_cm", 380, "Head circumference")],
)
def test_millimetres_for_centimetres_are_refused_for_a_baby(field, value, label):
    with pytest.raises(ImplausibleMeasurement) as error:
        assess_growth(date_of_birth=BABY_BORN, measured_on=THREE_WEEKS, sex="M", **{field: value})
    assert error.value.field == field
    assert error.value.message.startswith(label)
    assert "(centimetres)" in error.value.message


def test_far_from_average_but_possible_is_listed_for_confirming_not_refused():
    # A 2 year old boy of 70 cm is about -5.6 SDS: seen in achondroplasia, so not refused.
    result = assess_growth(
        date_of_birth=date(2024, 1, 1), measured_on=date(2026, 1, 2), sex="M", height_cm=70
    )
    assert set(result.unusual) == {"height_cm"}
    assert "very unusual for a 2 year old child" in result.unusual["height_cm"]
    assert "below the 0.4th centile" in result.unusual["height_cm"]


@pytest.mark.parametrize("field", ["weight_kg", "height_cm", "head_circumference_cm"])
@pytest.mark.parametrize("value", [0, -3])
def test_zero_or_negative_is_refused_naming_the_field(field, value):
    with pytest.raises(ImplausibleMeasurement) as error:
        assess_growth(date_of_birth=BABY_BORN, measured_on=THREE_WEEKS, sex="F", **{field: value})
    assert error.value.field == field
    assert "must be more than 0" in error.value.message


def test_newborn_weight_is_placed_on_the_birth_data():
    # The new birth visit can be in the first fortnight: weight has a centile from birth.
    result = assess_growth(date_of_birth=BABY_BORN, measured_on=BABY_BORN, sex="F", weight_kg=3.4)
    assert centile_words(result.weight_sds) == "on the 50th centile"


def test_bmi_centile_from_two_years_with_ncmp_categories_from_four():
    toddler = assess_growth(
        date_of_birth=date(2024, 6, 1),
        measured_on=date(2026, 7, 1),
        sex="F",
        weight_kg=12.5,
        height_cm=88,
    )
    assert toddler.bmi is not None and toddler.bmi.reference == "UK-WHO"
    assert toddler.bmi.population == ""
    baby = assess_growth(
        date_of_birth=date(2025, 6, 1),
        measured_on=date(2026, 3, 1),
        sex="F",
        weight_kg=8.2,
        height_cm=70,
    )
    assert baby.bmi is None
    assert baby.height_lying and not toddler.height_lying


@pytest.mark.parametrize(
    "z,words",
    [
        (0.0, "on the 50th centile"),
        (0.1, "on the 50th centile"),
        (-0.67, "on the 25th centile"),
        (0.35, "between the 50th and 75th centiles"),
        (-1.0, "between the 9th and 25th centiles"),
        (2.67, "on the 99.6th centile"),
        (3.2, "above the 99.6th centile"),
        (-3.2, "below the 0.4th centile"),
        (1.33, "on the 91st centile"),
        (-2.0, "on the 2nd centile"),
    ],
)
def test_centile_in_words_follows_the_red_book_lines(z, words):
    assert centile_words(z) == words


def test_age_in_words():
    born = date(2026, 1, 5)
    assert age_phrase(born, date(2026, 1, 6)) == "1 day"
    assert age_phrase(born, THREE_WEEKS) == "3 weeks"
    assert age_phrase(born, date(2026, 8, 4)) == "6 months"
    assert age_phrase(born, date(2036, 1, 5)) == "10 years"
