"""The service directory, in the shape of Open Referral UK 3.0 (the UK profile of HSDS 3.0).

The tables follow the standard's objects (oruk.py names the version and serialises them):
taxonomy, taxonomy_term, organization, location (with its one address folded in: the UK profile's
address is one per location in practice), service, service_at_location, schedule, contact (with
its phone), cost_option, and attribute (a service's taxonomy terms: the many-to-many `terms`).
Every object keeps the standard's UUID as `oruk_id`, so a record keeps its id between our API,
the feed it came from and a feed that reads ours.

Where a record comes from is `origin`: a council service (services.Service) or a family hub
session series (hubs.SessionSeries), kept in step by sync.py, an import from another Open
Referral feed (importing.py), or typed here by an editor.

Signpost is a record about a person (access.records.PersonRecord): a practitioner pointed them to
a service in the directory for a need.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from familyhub.access.records import PersonRecord
from familyhub.hubs.models import SessionSeries
from familyhub.places.models import Area, Authority, Site
from familyhub.services.models import Service, Team


class Taxonomy(models.Model):
    oruk_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    uri = models.URLField(blank=True)
    version = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name_plural = "taxonomies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    """A term of a taxonomy: for the built-in one (taxonomy.py), a need a family may have."""

    oruk_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, related_name="terms")
    code = models.CharField(max_length=80, blank=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    term_uri = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Feed(models.Model):
    """Another Open Referral UK directory whose services we import (a URL or a file)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=160)
    source = models.CharField(max_length=500, help_text="The feed's URL or a file path")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="directory_feed_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    oruk_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=240)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True, max_length=500)
    feed = models.ForeignKey(Feed, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LocationType(models.TextChoices):
    PHYSICAL = "physical", "A place people go to"
    POSTAL = "postal", "A postal address"
    VIRTUAL = "virtual", "Online or by phone"


class Location(models.Model):
    oruk_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    location_type = models.CharField(
        max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    name = models.CharField(max_length=240, blank=True)
    description = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    address_1 = models.CharField(max_length=240, blank=True)
    city = models.CharField(max_length=120, blank=True)
    state_province = models.CharField(max_length=120, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    country = models.CharField(max_length=2, default="GB")
    address_oruk_id = models.UUIDField(default=uuid.uuid4, editable=False)
    # A family hub or other site of the council (sync.py keeps such a location in step with it).
    site = models.OneToOneField(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="directory_location"
    )
    feed = models.ForeignKey(Feed, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["latitude", "longitude"], name="directory_location_ll")]

    def __str__(self) -> str:
        return self.name or self.address_1 or str(self.oruk_id)


class Status(models.TextChoices):
    # The standard's values (service.status).
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DEFUNCT = "defunct", "Defunct"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


class Origin(models.TextChoices):
    COUNCIL_SERVICE = "council_service", "A council service"
    HUB_SESSIONS = "hub_sessions", "Family hub sessions"
    IMPORTED = "imported", "Imported from another directory"
    EDITOR = "editor", "Added by a directory editor"


class DirectoryService(models.Model):
    oruk_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="services"
    )
    name = models.CharField(max_length=240)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=500)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    alert = models.TextField(blank=True)
    # The standard's assured_date: the day someone last checked the information is right.
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.EmailField(blank=True)
    last_modified = models.DateTimeField(default=timezone.now)
    terms = models.ManyToManyField(TaxonomyTerm, blank=True, related_name="services")
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.EDITOR)
    council_service = models.OneToOneField(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="directory_entry"
    )
    session_series = models.OneToOneField(
        SessionSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_entry",
    )
    feed = models.ForeignKey(
        Feed, on_delete=models.SET_NULL, null=True, blank=True, related_name="services"
    )
    # For an imported record: a hash of the feed's record (unchanged records are not rewritten)
    # and the record itself (what changed, field by field, at the next import).
    source_hash = models.CharField(max_length=64, blank=True)
    source_record = models.JSONField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # quality.py's score, 0-100, kept on the row so the worklist sorts by it.
    completeness = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "name"], name="directory_service_status"),
            models.Index(fields=["assured_date"], name="directory_service_assured"),
            models.Index(fields=["last_modified"], name="directory_service_modified"),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceAtLocation(models.Model):
    oruk_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(
        DirectoryService, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    description = models.TextField(blank=True)


class Frequency(models.TextChoices):
    WEEKLY = "WEEKLY", "Every week"
    MONTHLY = "MONTHLY", "Every month"


class Schedule(models.Model):
    """When a service runs, in the standard's iCalendar-like terms (freq, byday, opens_at)."""

    oruk_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(
        DirectoryService, on_delete=models.CASCADE, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    freq = models.CharField(max_length=10, choices=Frequency.choices, blank=True)
    interval = models.PositiveSmallIntegerField(null=True, blank=True)
    byday = models.CharField(max_length=40, blank=True, help_text="MO,TU,... (iCalendar)")
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)


class Contact(models.Model):
    oruk_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(DirectoryService, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=160, blank=True)
    title = models.CharField(max_length=160, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    phone_oruk_id = models.UUIDField(default=uuid.uuid4, editable=False)


class CostOption(models.Model):
    oruk_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(
        DirectoryService, on_delete=models.CASCADE, related_name="cost_options"
    )
    option = models.CharField(max_length=240, blank=True)
    amount = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(max_length=240, blank=True)


class ImportStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to start"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Could not read the feed"


class ImportRun(models.Model):
    """One import of a feed, and its report (importing.py)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.WAITING
    )
    new_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    withdrawn_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    # {"new": [names], "updated": [{"name", "fields"}], "withdrawn": [names],
    #  "failed": [{"record", "field", "message"}], "message": "..."}
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]


class Signpost(PersonRecord):
    """A practitioner pointed a person to a service in the directory, for a need."""

    timeline_label = "Signpost"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(
        DirectoryService, on_delete=models.SET_NULL, null=True, related_name="signposts"
    )
    # What the family was told, kept as it was then (a directory record may change or go).
    service_name = models.CharField(max_length=240)
    need = models.ForeignKey(TaxonomyTerm, on_delete=models.SET_NULL, null=True, related_name="+")
    need_code = models.CharField(max_length=80, blank=True)
    need_name = models.CharField(max_length=200, blank=True)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, related_name="+")
    # The person's area when signposted (outcomes count signposts by area).
    area = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, blank=True)
    given_on = models.DateField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["given_on"], name="directory_signpost_given")]

    def timeline_summary(self) -> str:
        need = f" for {self.need_name.lower()}" if self.need_name else ""
        return f"Signposted to {self.service_name}{need}"
