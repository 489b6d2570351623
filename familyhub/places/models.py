"""Places: localities, areas with deprivation and population, sites, and the postcode lookup.

Every table carries its authority so that a regional deployment can distribute by it.
"""

from __future__ import annotations

import uuid

from django.db import models


class Authority(models.Model):
    """A local authority (council). One deployment usually holds one."""

    code = models.CharField(max_length=16, unique=True, help_text="ONS code, for example E06000034")
    name = models.CharField(max_length=120)

    class Meta:
        verbose_name_plural = "authorities"

    def __str__(self) -> str:
        return self.name


class Locality(models.Model):
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="localities")
    name = models.CharField(max_length=120)

    class Meta:
        verbose_name_plural = "localities"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="locality_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class AreaKind(models.TextChoices):
    WARD = "ward", "Ward"
    LSOA = "lsoa", "Lower layer super output area"
    PLANNING_AREA = "planning_area", "Service planning area"


class Area(models.Model):
    """A small area the council plans by, with its deprivation and population.

    Deprivation ranks are among the authority's own areas (1 = most deprived) unless the source
    gives national ranks; the decile is always computed among the authority's areas, which is
    how councils read a ward table.
    """

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="areas")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=AreaKind.choices, default=AreaKind.WARD)
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="areas")
    imd_rank = models.PositiveIntegerField(null=True, blank=True, help_text="1 = most deprived")
    imd_decile = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 = most deprived"
    )
    idaci_rank = models.PositiveIntegerField(null=True, blank=True, help_text="1 = most deprived")
    child_poverty_rate = models.FloatField(null=True, blank=True, help_text="share, 0-1")
    unemployment_rate = models.FloatField(null=True, blank=True, help_text="share, 0-1")
    low_birth_weight_rate = models.FloatField(null=True, blank=True, help_text="share, 0-1")
    excess_weight_reception_rate = models.FloatField(null=True, blank=True, help_text="share, 0-1")
    population_0_4 = models.PositiveIntegerField(default=0)
    population_5_10 = models.PositiveIntegerField(default=0)
    population_11_15 = models.PositiveIntegerField(default=0)
    population_16_19 = models.PositiveIntegerField(default=0)
    population_total = models.PositiveIntegerField(default=0)
    families_with_under_fives = models.PositiveIntegerField(default=0)
    # Children's social care counts by area, imported from the council's own figures (the CIN
    # census snapshot): where children are in need and on protection plans, which planners weigh
    # when choosing where services stay. Counts, never people.
    children_in_need = models.PositiveIntegerField(null=True, blank=True)
    child_protection_plans = models.PositiveIntegerField(null=True, blank=True)
    social_care_counts_as_at = models.DateField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "code"], name="area_unique_code")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def population_0_19(self) -> int:
        return (
            self.population_0_4
            + self.population_5_10
            + self.population_11_15
            + self.population_16_19
        )

    @property
    def deprivation_quintile(self) -> int | None:
        return None if self.imd_decile is None else (self.imd_decile + 1) // 2


class SiteKind(models.TextChoices):
    FAMILY_HUB = "family_hub", "Family hub / children's centre"
    OUTREACH = "outreach", "Outreach site"
    SCHOOL = "school", "School"
    CLINIC = "clinic", "Clinic"
    LIBRARY = "library", "Library"


class SiteStatus(models.TextChoices):
    OPEN = "open", "Open"
    OUTREACH_ONLY = "outreach_only", "Outreach only"
    CLOSED = "closed", "Closed"


class Site(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=20, choices=SiteKind.choices, default=SiteKind.FAMILY_HUB)
    status = models.CharField(max_length=20, choices=SiteStatus.choices, default=SiteStatus.OPEN)
    address = models.CharField(max_length=240, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="sites")
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="sites"
    )
    reach_areas = models.ManyToManyField(
        Area, blank=True, related_name="reach_sites", help_text="The areas this hub serves"
    )
    ofsted_grade = models.PositiveSmallIntegerField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="site_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class PostcodeArea(models.Model):
    """The postcode -> area lookup (the shape of the ONS National Statistics Postcode Lookup)."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="postcodes")
    postcode = models.CharField(
        max_length=8, unique=True, help_text="Normalised: upper case, one space"
    )
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="postcodes")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = "postcode lookup row"

    def __str__(self) -> str:
        return self.postcode
