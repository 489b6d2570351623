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
