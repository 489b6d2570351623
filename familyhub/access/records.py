"""What every piece of information about a person carries: an owning service and a category.

A later part declares a record in one line and inherits the data-sharing protocol:

    class Measurement(PersonRecord):
        access_category = Category.HEALTH      # the default category of this kind of record
        ...its own fields...

The owner is the `owning_service` field every record has (set it when you save, usually to the
service of the practitioner's team); a part whose records always belong to one kind of service
may also say so with `owner_kind = ServiceKind.HEALTH_VISITING` (documentation for the reader and
for `owning_service_for`, below).

Optional class attributes a subclass may set for the family timeline: `timeline_label` (what the
kind of record is called), `timeline_url_name` (a URL name taking the record's public_id), and
the methods timeline_summary(), timeline_detail() (by default the record's `notes`) and
timeline_date().

A kind of record that other people take part in declares them (access_participants, below).

The access layer (access.layer.records_visible_to) filters any queryset of a PersonRecord subclass;
the family timeline finds every subclass by itself (access.timeline), and merge moves `person`
like every other reference to a Person.

Categories are the built-in constants below plus any an authority adds in settings:

    FAMILYHUB_EXTRA_CATEGORIES = [("youth_justice", "Youth justice"), ...]
    FAMILYHUB_EXTRA_SENSITIVE_CATEGORIES = ["youth_justice"]

The model field takes its choices from a callable, so adding a category needs no migration.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
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
# the recipient (the data-sharing protocol).
SENSITIVE_CATEGORIES = frozenset(
    {Category.DOMESTIC_ABUSE, Category.SEXUAL_VIOLENCE, Category.SEXUAL_HEALTH}
)


def category_choices() -> list[tuple[str, str]]:
    """The built-in categories and the authority's own (settings.FAMILYHUB_EXTRA_CATEGORIES)."""
    extra = [
        (str(value), str(label))
        for value, label in getattr(settings, "FAMILYHUB_EXTRA_CATEGORIES", [])
    ]
    known = {value for value, _ in Category.choices}
    return list(Category.choices) + [(v, label) for v, label in extra if v not in known]


def category_label(value: str) -> str:
    return dict(category_choices()).get(value, value.replace("_", " ").capitalize())


def sensitive_categories() -> frozenset[str]:
    """Built-in sensitive categories plus settings.FAMILYHUB_EXTRA_SENSITIVE_CATEGORIES."""
    extra = getattr(settings, "FAMILYHUB_EXTRA_SENSITIVE_CATEGORIES", [])
    return frozenset(str(c) for c in SENSITIVE_CATEGORIES) | frozenset(str(c) for c in extra)


def is_sensitive(category: str) -> bool:
    return category in sensitive_categories()


class PersonRecord(models.Model):
    """Abstract base of every record about a person. Subclasses set `access_category`."""

    access_category: ClassVar[str] = Category.GENERAL
    # How the record is named on the family timeline ("Health visiting review").
    timeline_label: ClassVar[str] = ""
    # Optional: the kind of service that owns this kind of record (services.ServiceKind value).
    owner_kind: ClassVar[str] = ""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="%(app_label)s_%(class)s_records"
    )
    owning_service = models.ForeignKey(
        "services.Service", on_delete=models.PROTECT, related_name="%(app_label)s_%(class)s_records"
    )
    category = models.CharField(max_length=32, choices=category_choices, blank=True)
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

    @classmethod
    def access_participants(cls, viewer) -> Q | None:
        """Who takes part in a record of this kind besides its owning service, as a Q over its
        table (a lead professional, the team around the family, the team a referral went to),
        or None. A declaration, not a rule: the access layer still requires that the viewer may
        see the person, and the participant's part in the record ends when the work does."""
        return None

    def timeline_summary(self) -> str:
        """One line for the family timeline; subclasses say something more useful."""
        return self.timeline_label or str(self._meta.verbose_name).capitalize()

    def timeline_detail(self) -> str:
        """What the practitioner wrote in the record (its notes), shown under the summary on the
        family timeline: what is recorded is shown back. Subclasses with more to say override."""
        return str(getattr(self, "notes", "") or "")

    def timeline_date(self):
        return self.recorded_at

    @property
    def category_label(self) -> str:
        return category_label(self.category)

    @property
    def is_sensitive(self) -> bool:
        return is_sensitive(self.category)


def person_record_models() -> list[type[PersonRecord]]:
    """Every concrete PersonRecord subclass installed (the timeline and the URL-walk test use it)."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if issubclass(model, PersonRecord) and not model._meta.abstract
    ]
