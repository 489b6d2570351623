"""Outcome frameworks as data, editable targets, and the pre-aggregated indicator values.

A framework is a council's own arrangement of the registered indicators (registry.py) under its
outcome areas; councils edit frameworks, areas, links and targets in the admin without code.
IndicatorValue holds counts only (no person), one row per indicator, period and breakdown cell:
the dashboards read nothing else, so a page costs the same over ten years of records as over one.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models

from familyhub.access.records import Category, PersonRecord
from familyhub.core import indicators as registry


def _known_indicator(key: str) -> None:

    if registry.get(key) is None:
        raise ValidationError({"indicator_key": f"There is no indicator with the key {key!r}."})


class OutcomeFramework(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=60, unique=True, help_text="Used in the page address")
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    source = models.CharField(
        max_length=240, blank=True, help_text="Where the framework comes from"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class OutcomeArea(models.Model):
    framework = models.ForeignKey(OutcomeFramework, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "name"], name="outcome_area_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorLink(models.Model):
    """An indicator (by its registry key) measuring an outcome area."""

    area = models.ForeignKey(OutcomeArea, on_delete=models.CASCADE, related_name="links")
    indicator_key = models.CharField(max_length=60)
    order = models.PositiveSmallIntegerField(default=0)
    # Where the indicator only stands in for the outcome (visit coverage for postnatal
    # depression), the page says so in these words rather than letting it pass for the thing.
    proxy_note = models.CharField(
        max_length=240,
        blank=True,
        help_text="If this indicator is only a proxy for the outcome, say what it stands in for",
    )

    class Meta:
        ordering = ["area", "order", "indicator_key"]
        constraints = [
            models.UniqueConstraint(fields=["area", "indicator_key"], name="indicator_link_unique")
        ]

    def __str__(self) -> str:
        return self.indicator_key

    def clean(self) -> None:
        # Checked here, not as a field validator, so migrations never import the registry.
        _known_indicator(self.indicator_key)


class IndicatorTarget(models.Model):
    """A council's target for an indicator, overriding the registry's default."""

    indicator_key = models.CharField(max_length=60, unique=True)
    target = models.FloatField(help_text="In the indicator's unit (a percentage for most)")
    note = models.CharField(max_length=240, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator_key"]

    def __str__(self) -> str:
        return f"{self.indicator_key}: {self.target}"

    def clean(self) -> None:
        _known_indicator(self.indicator_key)


class Breakdown(models.TextChoices):
    ALL = "all", "All"
    LOCALITY = "locality", "Locality"
    AREA = "area", "Ward or area"
    DECILE = "decile", "Deprivation decile"
    QUINTILE = "quintile", "Deprivation quintile"
    SERVICE = "service", "Service"
    TEAM = "team", "Team"
    # Protected characteristics (Equality Act 2010) and first language, for the council as a
    # whole; only indicators whose cohort is people have them (core.indicators.by_characteristic).
    SEX = "sex", "Sex"
    ETHNICITY = "ethnicity", "Ethnic group"
    SEND = "send", "Disability or SEND"
    LANGUAGE = "language", "First language"


CHARACTERISTIC_BREAKDOWNS = [Breakdown.SEX, Breakdown.ETHNICITY, Breakdown.SEND, Breakdown.LANGUAGE]


class IndicatorValue(models.Model):
    """Counts for one indicator, period and breakdown cell. `breakdown_id` is the cell's id as
    text ("" for all, "unknown" where the record does not say, a decile "1".."10")."""

    authority = models.ForeignKey("places.Authority", on_delete=models.CASCADE, related_name="+")
    indicator_key = models.CharField(max_length=60)
    period_start = models.DateField()
    period_end = models.DateField()
    breakdown = models.CharField(max_length=10, choices=Breakdown.choices)
    breakdown_id = models.CharField(max_length=40, blank=True)
    numerator = models.PositiveIntegerField()
    denominator = models.PositiveIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "indicator_key", "breakdown", "breakdown_id", "period_start"],
                name="indicator_value_unique_cell",
            )
        ]
        indexes = [
            models.Index(
                fields=["authority", "indicator_key", "breakdown", "period_start"],
                name="indicator_value_read_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_key} {self.period_start} {self.breakdown}={self.breakdown_id}"


# The 17 early learning goals of the EYFS statutory framework (September 2021, unchanged in the
# 2024 and 2025 editions), by area. A child reaches a Good Level of Development (GLD) at the
# expected level in every goal of the prime areas (communication and language; personal, social
# and emotional development; physical development) and of literacy and mathematics: the
# Department for Education's definition since 2021/22. The codes are ours (the file's columns
# carry the goals' names); the DfE's return layout is not reproduced here.
EARLY_LEARNING_GOALS = [
    ("listening", "Listening, attention and understanding", "communication", True),
    ("speaking", "Speaking", "communication", True),
    ("self_regulation", "Self-regulation", "personal_social", True),
    ("managing_self", "Managing self", "personal_social", True),
    ("building_relationships", "Building relationships", "personal_social", True),
    ("gross_motor", "Gross motor skills", "physical", True),
    ("fine_motor", "Fine motor skills", "physical", True),
    ("comprehension", "Comprehension", "literacy", True),
    ("word_reading", "Word reading", "literacy", True),
    ("writing", "Writing", "literacy", True),
    ("number", "Number", "mathematics", True),
    ("numerical_patterns", "Numerical patterns", "mathematics", True),
    ("past_and_present", "Past and present", "understanding_the_world", False),
    ("people_culture", "People, culture and communities", "understanding_the_world", False),
    ("natural_world", "The natural world", "understanding_the_world", False),
    ("creating_with_materials", "Creating with materials", "expressive_arts", False),
    ("being_imaginative", "Being imaginative and expressive", "expressive_arts", False),
]
GLD_GOALS = [code for code, _name, _area, counts in EARLY_LEARNING_GOALS if counts]


class EyfspResult(PersonRecord):
    """A child's Early Years Foundation Stage Profile at the end of Reception, imported from the
    schools' returns: each goal expected or emerging, and whether that is a Good Level of
    Development."""

    access_category = Category.GENERAL
    timeline_label = "Early Years Foundation Stage Profile"

    academic_year = models.PositiveSmallIntegerField(help_text="The year the summer term ends")
    school = models.CharField(max_length=160, blank=True)
    goals = models.JSONField(default=dict, help_text="Goal code -> expected or emerging")
    good_level_of_development = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "academic_year"], name="eyfsp_one_result_per_child_and_year"
            )
        ]

    def timeline_summary(self) -> str:
        level = (
            "a good level of development"
            if self.good_level_of_development
            else "not yet a good level of development"
        )
        return f"End of Reception {self.academic_year - 1}/{self.academic_year % 100:02d}: {level}"

    def timeline_detail(self) -> str:
        names = {code: name for code, name, _area, _gld in EARLY_LEARNING_GOALS}
        emerging = [names[code] for code, value in self.goals.items() if value == "emerging"]
        return "Emerging in: " + ", ".join(emerging) if emerging else "Expected in every goal"


class AreaFigure(models.Model):
    """A published public health figure for one area and period, imported from a Fingertips
    indicator file (Office for Health Improvement and Disparities): counts and denominators
    for a ward or LSOA, or for the whole council (`area` empty). No person is behind it, so it
    has no drill-down and is no one's record."""

    authority = models.ForeignKey("places.Authority", on_delete=models.CASCADE, related_name="+")
    fingertips_id = models.PositiveIntegerField(help_text="The file's Indicator ID")
    indicator_name = models.CharField(max_length=240)
    area = models.ForeignKey(
        "places.Area", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    time_period = models.CharField(max_length=20, help_text="As the file writes it: 2023/24")
    period_start = models.DateField()
    period_end = models.DateField()
    count = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    lower_ci = models.FloatField(null=True, blank=True)
    upper_ci = models.FloatField(null=True, blank=True)
    source_file = models.CharField(max_length=200, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["fingertips_id", "period_start", "area__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "fingertips_id", "area", "period_start"],
                name="area_figure_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_name} {self.time_period} {self.area or 'council'}"


class SmokingStatus(models.TextChoices):
    SMOKER = "smoker", "Smoker"
    NON_SMOKER = "non_smoker", "Non-smoker"
    UNKNOWN = "unknown", "Not known"


class MaternitySmoking(PersonRecord):
    """A mother's smoking status at booking and at delivery, imported from the maternity
    service's records (the figures its Maternity Services Data Set return is built from), so
    that smoking in pregnancy can be counted by ward, deprivation and characteristic here and
    not only read from the published figures."""

    access_category = Category.HEALTH
    timeline_label = "Smoking in pregnancy (maternity record)"

    booking_date = models.DateField(null=True, blank=True)
    at_booking = models.CharField(
        max_length=12, choices=SmokingStatus.choices, default=SmokingStatus.UNKNOWN
    )
    delivery_date = models.DateField(null=True, blank=True)
    at_delivery = models.CharField(
        max_length=12, choices=SmokingStatus.choices, default=SmokingStatus.UNKNOWN
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "booking_date"], name="maternity_smoking_one_per_pregnancy"
            )
        ]

    def timeline_summary(self) -> str:
        booking = SmokingStatus(self.at_booking).label.lower()
        delivery = SmokingStatus(self.at_delivery).label.lower()
        return f"Smoking in pregnancy: {booking} at booking, {delivery} at delivery"
