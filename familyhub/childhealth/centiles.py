"""Growth centiles on the UK-WHO charts (the red book's), computed with rcpchgrowth.

rcpchgrowth's "uk-who" reference is a patchwork, as the printed charts are: UK90 preterm and term
data to 2 weeks after term, WHO 2006 from 2 weeks to 4 years (lying length under 2, standing
height from 2), then the UK90 child reference from 4 to 20 years.

- Weight, length or height and head circumference each get a centile for age.
- BMI gets one from 2 years (the age the UK-WHO charts give a BMI centile from). The NCMP
  classifies BMI against UK90, which is what "uk-who" gives from 4 years: so the NCMP categories
  are only given from 4 years (the UK90 child range).
- A baby born before 37 weeks is compared at the age corrected for prematurity, as the red book
  says: until 1 year if born at 32 to 36 weeks, until 2 years if born before 32 weeks. The
  register records the expected date of delivery, not gestation, so gestation at birth is worked
  out from it (280 days less the days between birth and the expected date); with no expected
  date, or a birth at 37 weeks or later, the child is treated as born at term.

Plausibility, by how far a value is from the reference median for the child's age and sex:
- beyond 8 SDS (rcpchgrowth's own error limit, the RCPCH digital growth charts'; 15 for BMI) a
  value is refused: it is a slip of units or typing (grams for kilograms, millimetres for
  centimetres, a 3 week old baby weighing 45 kg), not a child;
- beyond 4 SDS it is saved only once the practitioner confirms it is right. Real children reach
  5 or 6 SDS (a toddler with achondroplasia, a baby with hydrocephalus, a teenager with severe
  obesity), so refusing them would stop a true measurement being recorded; but a value that far
  out is far more often a mistake (pounds for kilograms, a slipped digit), so it is checked once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import models
from rcpchgrowth import centile as rcpch_centile
from rcpchgrowth import (
    chronological_decimal_age,
    corrected_decimal_age,
    measurement_from_sds,
    sds_for_measurement,
)
from rcpchgrowth.constants import (
    BMI,
    FEMALE,
    HEAD_CIRCUMFERENCE,
    HEIGHT,
    MALE,
    TWENTY_FIVE_WEEKS_GESTATION,
    TWENTY_THREE_WEEKS_GESTATION,
    UK_WHO,
    WEIGHT,
)
from rcpchgrowth.constants.validation_constants import (
    MAXIMUM_BMI_ERROR_SDS,
    MAXIMUM_HEIGHT_WEIGHT_OFC_ERROR_SDS,
)

UK90_FROM_AGE = 4.0  # rcpchgrowth's uk-who switches to UK90 child data at 4 years
REFERENCE_UPPER_AGE = 20.0
BMI_LOWER_AGE = 14 / 365.25  # UK-WHO BMI data begins at 2 weeks of age
BMI_CENTILE_FROM_AGE = 2.0  # the UK-WHO charts give a BMI centile from 2 years
LENGTH_UNTIL_AGE = 2.0  # lying length under 2 years, standing height from 2 (WHO 2006)
HEAD_REFERENCE_UNTIL = {"M": 18.0, "F": 17.0}

REFUSE_SDS = float(MAXIMUM_HEIGHT_WEIGHT_OFC_ERROR_SDS)  # 8
REFUSE_BMI_SDS = float(MAXIMUM_BMI_ERROR_SDS)  # 15
CONFIRM_SDS = 4.0

TERM_DAYS = 280
PRETERM_BEFORE_DAYS = 37 * 7
VERY_PRETERM_BEFORE_DAYS = 32 * 7
EARLIEST_GESTATION_DAYS = 23 * 7

# The nine centile lines of the UK-WHO charts, two thirds of a standard deviation apart (Cole).
CENTILE_LINES = ("0.4th", "2nd", "9th", "25th", "50th", "75th", "91st", "98th", "99.6th")
LINE_SPACING = 2 / 3
LINE_SDS = tuple((i - 4) * LINE_SPACING for i in range(9))
# On the charts a point within a quarter of a channel of a line is "on" it (RCPCH's rule).
ON_LINE = LINE_SPACING / 4


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
        "sex",
        "The child's sex is not recorded in the register, so a centile cannot be worked out. "
        "Record it on the child's details first.",
    )


def bmi_of(height_cm: float, weight_kg: float) -> float:
    return weight_kg / (height_cm / 100) ** 2


def reference_name(age_years: float) -> str:
    return "UK90" if age_years >= UK90_FROM_AGE else "UK-WHO"


def assess(
    *, date_of_birth: date, measured_on: date, sex: str, height_cm: float, weight_kg: float
) -> BmiResult:
    """BMI, z-score, centile and NCMP categories at the chronological age (no correction for
    prematurity: the NCMP uses none); raises ImplausibleMeasurement naming the field."""
    if measured_on < date_of_birth:
        raise ImplausibleMeasurement(
            "measured_on", "The date measured is before the child's birth."
        )
    age = chronological_decimal_age(date_of_birth, measured_on)
    if age < BMI_LOWER_AGE or age > REFERENCE_UPPER_AGE:
        raise ImplausibleMeasurement(
            "measured_on",
            "The child is outside the age range of the growth reference (2 weeks to 20 years) "
            "on the date measured.",
        )
    rsex = _rcpch_sex(sex)
    for name, method, value in (("height_cm", HEIGHT, height_cm), ("weight_kg", WEIGHT, weight_kg)):
        _refuse_if_implausible(name, method, value, age=age, sex=sex, rsex=rsex)
    return _bmi(age, height_cm, weight_kg, rsex)


def _bmi(age: float, height_cm: float, weight_kg: float, rsex: str) -> BmiResult:
    bmi = bmi_of(height_cm, weight_kg)
    z = float(sds_for_measurement(UK_WHO, age, BMI, bmi, rsex))
    if abs(z) > REFUSE_BMI_SDS:
        raise ImplausibleMeasurement(
            "weight_kg",
            f"Height and weight give a BMI of {bmi:.1f}, which is not plausible for this age. "
            "Check both values and their units.",
        )
    cent = float(rcpch_centile(z))
    uk90 = age >= UK90_FROM_AGE
    return BmiResult(
        age_years=age,
        bmi=bmi,
        reference=reference_name(age),
        z_score=z,
        centile=cent,
        population=population_category(cent) if uk90 else "",
        clinical=clinical_category(cent) if uk90 else "",
    )


# --- the measurements themselves ---------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One kind of measurement: its form field, rcpchgrowth method and words."""

    field: str
    method: str
    unit: str
    unit_words: str
    verb: str  # "weigh", "measure"


WEIGHT_KIND = Kind("weight_kg", WEIGHT, "kg", "kilograms", "weigh")
HEIGHT_KIND = Kind("height_cm", HEIGHT, "cm", "centimetres", "measure")
HEAD_KIND = Kind("head_circumference_cm", HEAD_CIRCUMFERENCE, "cm", "centimetres", "measure")
KINDS = (WEIGHT_KIND, HEIGHT_KIND, HEAD_KIND)


def is_length(age_years: float) -> bool:
    """Under 2 a child is measured lying down (length); from 2, standing (height)."""
    return age_years < LENGTH_UNTIL_AGE


def kind_label(kind: Kind, age_years: float) -> str:
    if kind is WEIGHT_KIND:
        return "Weight"
    if kind is HEAD_KIND:
        return "Head circumference"
    return "Length" if is_length(age_years) else "Height"


def gestation_at_birth_days(date_of_birth: date | None, expected_date: date | None) -> int | None:
    """Gestation at birth in days for a baby born before 37 weeks, from the expected date of
    delivery; None for a term birth or when it cannot be worked out (no expected date, or one
    that would put the birth before 23 weeks, which is a data error rather than a birth)."""
    if date_of_birth is None or expected_date is None:
        return None
    days = TERM_DAYS - (expected_date - date_of_birth).days
    if EARLIEST_GESTATION_DAYS <= days < PRETERM_BEFORE_DAYS:
        return days
    return None


def gestation_words(days: int) -> str:
    """32+4 weeks, as gestation is written."""
    return f"{days // 7}+{days % 7} weeks"


def gestation_note(date_of_birth: date | None, expected_date: date | None) -> str:
    """What the child's page says about correcting for prematurity ("" for a term baby)."""
    days = gestation_at_birth_days(date_of_birth, expected_date)
    if days is None or expected_date is None:
        return ""
    until = "2 years" if days < VERY_PRETERM_BEFORE_DAYS else "1 year"
    return (
        f"Born at {gestation_words(days)}, worked out from the expected date of delivery "
        f"({expected_date.day} {expected_date:%B %Y}). Centiles use the age corrected for "
        f"prematurity until {until}, as the red book says."
    )


@dataclass(frozen=True)
class GrowthAge:
    """The age a measurement's centiles use: corrected for prematurity while that applies."""

    chronological: float
    years: float
    gestation_days: int | None  # set only while the correction applies

    @property
    def corrected(self) -> bool:
        return self.gestation_days is not None


def growth_age(date_of_birth: date, measured_on: date, gestation_days: int | None) -> GrowthAge:
    chronological = chronological_decimal_age(date_of_birth, measured_on)
    if gestation_days is None:
        return GrowthAge(chronological, chronological, None)
    until = 2.0 if gestation_days < VERY_PRETERM_BEFORE_DAYS else 1.0
    if chronological >= until:
        return GrowthAge(chronological, chronological, None)
    corrected = corrected_decimal_age(
        date_of_birth, measured_on, gestation_days // 7, gestation_days % 7
    )
    return GrowthAge(chronological, corrected, gestation_days)


def _age_parts(date_of_birth: date, on: date) -> tuple[int, str]:
    days = (on - date_of_birth).days
    if days < 14:
        return days, "day"
    if days < 92:
        return days // 7, "week"
    months = (on.year - date_of_birth.year) * 12 + on.month - date_of_birth.month
    if on.day < date_of_birth.day:
        months -= 1
    if months < 24:
        return months, "month"
    return months // 12, "year"


def age_words(date_of_birth: date, on: date) -> str:
    """A child's age as it is said before a noun: "5 day old", "3 week old", "10 year old"."""
    number, unit = _age_parts(date_of_birth, on)
    return f"{number} {unit} old"


def age_phrase(date_of_birth: date, on: date) -> str:
    """A child's age on its own: "5 days", "1 week", "7 months", "10 years"."""
    number, unit = _age_parts(date_of_birth, on)
    return f"{number} {unit}{'' if number == 1 else 's'}"


def child_words(date_of_birth: date, on: date, gestation_days: int | None) -> str:
    """ "a 3 week old baby", "an 11 year old child", "a 5 week old baby born at 31+2 weeks"."""
    number, _ = _age_parts(date_of_birth, on)
    # Said aloud, 8, 11 and 18 begin with a vowel: "an 8 week old baby".
    article = "an" if number in (11, 18) or str(number).startswith("8") else "a"
    noun = "baby" if (on - date_of_birth).days < 365 else "child"
    born = f" born at {gestation_words(gestation_days)}" if gestation_days else ""
    return f"{article} {age_words(date_of_birth, on)} {noun}{born}"


def sds(kind: Kind, value: float, age_years: float, sex: str) -> float:
    """The value's standard deviation score against UK-WHO; raises LookupError out of range."""
    return float(sds_for_measurement(UK_WHO, age_years, kind.method, value, _rcpch_sex(sex)))


def centile_of(z: float) -> float:
    return float(rcpch_centile(z))


def usual_range(kind: Kind, age_years: float, sex: str) -> tuple[float, float]:
    """The values between the 0.4th and 99.6th centile lines at this age: the chart's range."""
    rsex = _rcpch_sex(sex)
    low, high = (
        float(measurement_from_sds(UK_WHO, z, kind.method, rsex, age_years))
        for z in (LINE_SDS[0], LINE_SDS[-1])
    )
    return low, high


def centile_words(z: float | None) -> str:
    """Where a point lies among the red book's nine lines: "on the 25th centile", "between the
    25th and 50th centiles", "below the 0.4th centile"."""
    if z is None:
        return ""
    if z < LINE_SDS[0] - ON_LINE:
        return f"below the {CENTILE_LINES[0]} centile"
    if z > LINE_SDS[-1] + ON_LINE:
        return f"above the {CENTILE_LINES[-1]} centile"
    nearest = min(range(9), key=lambda i: abs(z - LINE_SDS[i]))
    if abs(z - LINE_SDS[nearest]) <= ON_LINE:
        return f"on the {CENTILE_LINES[nearest]} centile"
    below = max(i for i in range(9) if LINE_SDS[i] < z)
    return f"between the {CENTILE_LINES[below]} and {CENTILE_LINES[below + 1]} centiles"


def _number(value: float) -> str:
    """A range's end to the nearest 100 g or 1 mm (10 g under 1 kg)."""
    return f"{value:.2f}" if value < 1 else f"{value:.1f}"


def _range_sentence(kind: Kind, age: float, sex: str, label: str) -> str:
    try:
        low, high = usual_range(kind, age, sex)
    except (LookupError, ValueError, TypeError):
        return ""
    who = "girls" if sex == "F" else "boys"
    if kind is WEIGHT_KIND:
        return f" Most {who} of this age weigh {_number(low)} to {_number(high)} kg."
    return (
        f" Most {who} of this age have a {label.lower()} of {_number(low)} to "
        f"{_number(high)} {kind.unit}."
    )


def _refuse_if_implausible(
    name: str, method: str, value: float, *, age: float, sex: str, rsex: str
) -> float:
    """The BMI path's check of height and weight (no words about the child: kept as it was)."""
    z = float(sds_for_measurement(UK_WHO, age, method, value, rsex))
    if abs(z) > REFUSE_SDS:
        label = "Height" if method == HEIGHT else "Weight"
        raise ImplausibleMeasurement(
            name,
            f"{label} is not plausible for a child of this age and sex "
            f"({z:+.1f} standard deviations from the average). Check the value and units.",
        )
    return z


@dataclass(frozen=True)
class GrowthResult:
    age: GrowthAge
    weight_sds: float | None
    height_sds: float | None
    head_sds: float | None
    bmi: BmiResult | None
    unusual: dict[str, str] = field(default_factory=dict)

    @property
    def height_lying(self) -> bool:
        return is_length(self.age.years)


def assess_growth(
    *,
    date_of_birth: date,
    measured_on: date,
    sex: str,
    weight_kg: float | None = None,
    height_cm: float | None = None,
    head_circumference_cm: float | None = None,
    gestation_days: int | None = None,
) -> GrowthResult:
    """Centiles for each value given, and the BMI's from 2 years when height and weight are both
    given. Raises ImplausibleMeasurement (naming the field, saying what is plausible) for a value
    that cannot be right; values beyond CONFIRM_SDS are listed in `unusual` for the caller to
    have confirmed (see the module docstring for why the two limits)."""
    if measured_on < date_of_birth:
        raise ImplausibleMeasurement(
            "measured_on", "The date measured is before the child's date of birth."
        )
    values = {WEIGHT_KIND: weight_kg, HEIGHT_KIND: height_cm, HEAD_KIND: head_circumference_cm}
    for kind, value in values.items():
        if value is not None and value <= 0:
            label = kind_label(kind, chronological_decimal_age(date_of_birth, measured_on))
            raise ImplausibleMeasurement(kind.field, f"{label} must be more than 0 {kind.unit}")
    age = growth_age(date_of_birth, measured_on, gestation_days)
    _rcpch_sex(sex)
    if age.chronological > REFERENCE_UPPER_AGE:
        raise ImplausibleMeasurement(
            "measured_on",
            "The UK-WHO growth charts end at 20 years: the child is older than that on the "
            "date measured.",
        )
    found: dict[Kind, float | None] = {}
    unusual: dict[str, str] = {}
    who = child_words(date_of_birth, measured_on, age.gestation_days)
    for kind, value in values.items():
        if value is None:
            found[kind] = None
            continue
        label = kind_label(kind, age.years)
        try:
            z = sds(kind, value, age.years, sex)
        except LookupError:
            raise ImplausibleMeasurement(kind.field, _no_reference(kind, label, sex)) from None
        shown = f"{label} of {value:g} {kind.unit}"
        usual = _range_sentence(kind, age.years, sex, label)
        if abs(z) > REFUSE_SDS:
            raise ImplausibleMeasurement(
                kind.field,
                f"{shown} is not plausible for {who}: check the value and the units "
                f"({kind.unit_words}).{usual}",
            )
        if abs(z) > CONFIRM_SDS:
            side = "below the 0.4th" if z < 0 else "above the 99.6th"
            unusual[kind.field] = (
                f"{shown} is very unusual for {who}: far {side} centile. Check the value and "
                f"the units ({kind.unit_words}).{usual}"
            )
        found[kind] = z
    bmi = None
    if weight_kg is not None and height_cm is not None and age.years >= BMI_CENTILE_FROM_AGE:
        bmi = _bmi(age.years, height_cm, weight_kg, _rcpch_sex(sex))
        if abs(bmi.z_score) > CONFIRM_SDS and not unusual:
            unusual["weight_kg"] = (
                f"Height and weight give a BMI of {bmi.bmi:.1f}, which is very unusual for "
                f"{who}: far {'below the 0.4th' if bmi.z_score < 0 else 'above the 99.6th'} "
                "centile. Check both values and their units."
            )
    return GrowthResult(
        age=age,
        weight_sds=found[WEIGHT_KIND],
        height_sds=found[HEIGHT_KIND],
        head_sds=found[HEAD_KIND],
        bmi=bmi,
        unusual=unusual,
    )


def _no_reference(kind: Kind, label: str, sex: str) -> str:
    if kind is HEAD_KIND:
        until = HEAD_REFERENCE_UNTIL.get(sex, 17.0)
        who = "boys" if sex == "M" else "girls"
        return (
            f"The UK-WHO charts have no head circumference centiles for {who} over {until:g} "
            "years: leave head circumference blank."
        )
    earliest = TWENTY_FIVE_WEEKS_GESTATION if kind is HEIGHT_KIND else TWENTY_THREE_WEEKS_GESTATION
    weeks = round(40 + earliest * 365.25 / 7)
    return (
        f"The UK-WHO charts have no {label.lower()} centiles at this age (they start at "
        f"{weeks} weeks' gestation): check the date measured and the child's date of birth."
    )
