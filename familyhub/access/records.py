"""What every piece of information about a person carries: an owning service and a category.

A later part declares a record in one line and inherits the data-sharing protocol:

    class Measurement(PersonRecord):
        access_category = Category.HEALTH      # the default category of this kind of record
        ...its own fields...

The access layer (access.layer.records_visible_to) filters any queryset of a PersonRecord subclass;
the family timeline finds every subclass by itself (access.timeline), and merge moves `person`
like every other reference to a Person.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class Category(models.TextChoices):
    GENERAL = "general", "General"
    HEALTH = "health", "Health"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    SEXUAL_VIOLENCE = "sexual_violence", "Sexual violence"
    SEXUAL_HEALTH = "sexual_health", "Sexual health"
    MENTAL_HEALTH = "mental_health", "Mental health"
    SUBSTANCE_USE = "substance_use", "Substance use"


# Sensitive categories stay with the owning service unless an agreement or explicit share names
# the recipient (DESIGN.md, the data-sharing protocol).
SENSITIVE_CATEGORIES = frozenset(
    {Category.DOMESTIC_ABUSE, Category.SEXUAL_VIOLENCE, Category.SEXUAL_HEALTH}
)


class PersonRecord(models.Model):
    """Abstract base of every record about a person. Subclasses set `access_category`."""

    access_category: ClassVar[str] = Category.GENERAL
    # How the record is named on the family timeline ("Health visiting review").
    timeline_label: ClassVar[str] = ""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="%(app_label)s_%(class)s_records"
    )
    owning_service = models.ForeignKey(
        "services.Service", on_delete=models.PROTECT, related_name="%(app_label)s_%(class)s_records"
    )
    category = models.CharField(max_length=32, choices=Category.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="%(app_label)s_%(class)s_recorded",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        # The category defaults to the kind's own; a service may record a more sensitive one.
        if not self.category:
            self.category = self.access_category
        super().save(*args, **kwargs)

    def timeline_summary(self) -> str:
        """One line for the family timeline; subclasses say something more useful."""
        return self.timeline_label or self._meta.verbose_name.capitalize()

    def timeline_date(self):
        return self.recorded_at
