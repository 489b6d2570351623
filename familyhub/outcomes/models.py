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
