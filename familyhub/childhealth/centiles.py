"""BMI, its centile and z-score, and the NCMP categories, computed with rcpchgrowth.

rcpchgrowth's "uk-who" reference is a patchwork: WHO 2006 from 2 weeks to 4 years, then the UK90
child reference from 4 to 20 years. The NCMP classifies BMI against UK90, which is what "uk-who"
gives from 4 years: so the NCMP categories are only given from 4 years (the UK90 child range).
Under 4 the centile is shown against UK-WHO, labelled so, without NCMP categories.

Implausible values are refused, not stored: outside fixed physical limits, or further from the
reference median than rcpchgrowth's own error limits (8 SDS for height and weight, 15 for BMI),
or at an age the reference does not cover.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
from rcpchgrowth import centile as rcpch_centile
from rcpchgrowth import chronological_decimal_age, sds_for_measurement
from rcpchgrowth.constants.reference_constants import BMI, FEMALE, HEIGHT, MALE, UK_WHO, WEIGHT
from rcpchgrowth.constants.validation_constants import (
    MAXIMUM_BMI_ERROR_SDS,
    MAXIMUM_HEIGHT_WEIGHT_OFC_ERROR_SDS,
)

UK90_FROM_AGE = 4.0  # rcpchgrowth's uk-who switches to UK90 child data at 4 years
REFERENCE_UPPER_AGE = 20.0
BMI_LOWER_AGE = 14 / 365.25  # UK-WHO BMI data begins at 2 weeks of age

# Outside these a value is a typing error whatever the child's age (units slip: metres, grams).
HEIGHT_LIMITS_CM = (30.0, 220.0)
WEIGHT_LIMITS_KG = (0.5, 250.0)


class PopulationCategory(models.TextChoices):
    """NCMP population monitoring categories (UK90 centiles)."""

    UNDERWEIGHT = "underweight", "Underweight"
    HEALTHY = "healthy", "Healthy weight"
    OVERWEIGHT = "overweight", "Overweight"
    OBESE = "obese", "Obese"
    SEVERELY_OBESE = "severely_obese", "Severely obese"


class ClinicalCategory(models.TextChoices):
    """Clinical thresholds for an individual child (UK90 centiles)."""

    UNDERWEIGHT = "underweight", "Underweight"
    HEALTHY = "healthy", "Healthy weight"
    OVERWEIGHT = "overweight", "Overweight"
    OBESE = "obese", "Obese"


def population_category(centile: float) -> str:
    if centile >= 99.6:
        return PopulationCategory.SEVERELY_OBESE
    if centile >= 95:
        return PopulationCategory.OBESE
    if centile >= 85:
        return PopulationCategory.OVERWEIGHT
    if centile <= 2:
        return PopulationCategory.UNDERWEIGHT
    return PopulationCategory.HEALTHY


def clinical_category(centile: float) -> str:
    if centile >= 98:
        return ClinicalCategory.OBESE
    if centile >= 91:
        return ClinicalCategory.OVERWEIGHT
    if centile <= 2:
        return ClinicalCategory.UNDERWEIGHT
    return ClinicalCategory.HEALTHY


def offer_weight_management(clinical: str) -> bool:
    """Children at or above the clinical overweight threshold are offered a referral."""
    return clinical in (ClinicalCategory.OVERWEIGHT, ClinicalCategory.OBESE)


class ImplausibleMeasurement(ValueError):
    """A value refused as implausible; `field` names the form field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class BmiResult:
    age_years: float
    bmi: float
    reference: str  # "UK90" or "UK-WHO"
    z_score: float
    centile: float
    population: str  # "" under 4 years
    clinical: str  # "" under 4 years

    @property
    def offer_weight_management(self) -> bool:
        return bool(self.clinical) and offer_weight_management(self.clinical)


def _rcpch_sex(sex: str) -> str:
    if sex == "M":
        return MALE
    if sex == "F":
        return FEMALE
    raise ImplausibleMeasurement(
        "sex", "The child's sex is not recorded, so a centile cannot be worked out."
    )


def bmi_of(height_cm: float, weight_kg: float) -> float:
    return weight_kg / (height_cm / 100) ** 2


def assess(
    *, date_of_birth: date, measured_on: date, sex: str, height_cm: float, weight_kg: float
) -> BmiResult:
    """BMI, z-score, centile and categories; raises ImplausibleMeasurement naming the field."""
    if measured_on < date_of_birth:
        raise ImplausibleMeasurement(
            "measured_on", "The date measured is before the child's birth."
        )
    if not HEIGHT_LIMITS_CM[0] <= height_cm <= HEIGHT_LIMITS_CM[1]:
        raise ImplausibleMeasurement(
            "height_cm",
            f"Height must be between {HEIGHT_LIMITS_CM[0]:g} and {HEIGHT_LIMITS_CM[1]:g} cm.",
        )
    if not WEIGHT_LIMITS_KG[0] <= weight_kg <= WEIGHT_LIMITS_KG[1]:
        raise ImplausibleMeasurement(
            "weight_kg",
            f"Weight must be between {WEIGHT_LIMITS_KG[0]:g} and {WEIGHT_LIMITS_KG[1]:g} kg.",
        )
    age = chronological_decimal_age(date_of_birth, measured_on)
    if age < BMI_LOWER_AGE or age > REFERENCE_UPPER_AGE:
        raise ImplausibleMeasurement(
            "measured_on",
            "The child is outside the age range of the growth reference (2 weeks to 20 years) "
            "on the date measured.",
        )
    rsex = _rcpch_sex(sex)
    for field, method, value, label in (
        ("height_cm", HEIGHT, height_cm, "Height"),
        ("weight_kg", WEIGHT, weight_kg, "Weight"),
    ):
        z = sds_for_measurement(UK_WHO, age, method, value, rsex)
        if abs(z) > MAXIMUM_HEIGHT_WEIGHT_OFC_ERROR_SDS:
            raise ImplausibleMeasurement(
                field,
                f"{label} is implausible for a child of this age and sex "
                f"({z:+.1f} standard deviations from the average). Check the value and units.",
            )
    bmi = bmi_of(height_cm, weight_kg)
    z = sds_for_measurement(UK_WHO, age, BMI, bmi, rsex)
    if abs(z) > MAXIMUM_BMI_ERROR_SDS:
        raise ImplausibleMeasurement(
            "weight_kg",
            "Height and weight give an implausible BMI for this age. Check both values.",
        )
    cent = float(rcpch_centile(z))
    uk90 = age >= UK90_FROM_AGE
    return BmiResult(
        age_years=age,
        bmi=bmi,
        reference="UK90" if uk90 else "UK-WHO",
        z_score=float(z),
        centile=cent,
        population=population_category(cent) if uk90 else "",
        clinical=clinical_category(cent) if uk90 else "",
    )
