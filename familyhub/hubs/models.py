"""Family hubs: activities, sessions and their timetable, bookings, attendance and entitlements.

A session happens at a site (a hub or an outreach venue) on a date. Weekly sessions come from a
SessionSeries; a course is a series that families book as a whole. Attendance is a contact on the
family timeline (a PersonRecord owned by the service that runs the session).
"""

from __future__ import annotations

import datetime
import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from familyhub.access.records import Category, PersonRecord
from familyhub.places.models import Authority, Site, SiteKind


class Offer(models.TextChoices):
    UNIVERSAL = "universal", "Universal (open to every family)"
    TARGETED = "targeted", "Targeted (by referral or invitation)"


class OutcomeArea(models.TextChoices):
    """The outcome areas a session serves (the shared outcomes framework)."""

    EARLY_YEARS = "early_years", "Good early years development"
    HEALTH = "health", "Improved mental and physical health"
    PARENTING = "parenting", "Positive parenting and family relationships"
    EMPLOYMENT = "employment", "Financial stability and employment"
    EDUCATION = "education", "Good education"
    BREASTFEEDING = "breastfeeding", "Breastfeeding"
    HEALTHY_WEIGHT = "healthy_weight", "Healthy weight"
    EMOTIONAL_HEALTH = "emotional_health", "Emotional health"


class ActivityType(models.Model):
    """A kind of session (stay and play, baby massage, ...).

    `authority` is empty for the defaults every council starts with; a council adds its own.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    min_age_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Youngest child the session is for, in months"
    )
    max_age_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Oldest child the session is for, in months"
    )
    for_adults = models.BooleanField(default=False, help_text="Parents and carers take part")
    outcome_areas = models.JSONField(default=list, blank=True, help_text="OutcomeArea codes")
    offer = models.CharField(max_length=10, choices=Offer.choices, default=Offer.UNIVERSAL)
    is_course = models.BooleanField(default=False, help_text="Booked as a whole (a course)")
    default_capacity = models.PositiveSmallIntegerField(default=12)
    default_minutes = models.PositiveSmallIntegerField(default=90)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "code"], name="activity_unique_code"),
            models.CheckConstraint(
                condition=models.Q(min_age_months__isnull=True)
                | models.Q(max_age_months__isnull=True)
                | models.Q(max_age_months__gte=models.F("min_age_months")),
                name="activity_ages_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ages_label(self) -> str:
        def words(months: int) -> str:
            if months < 24:
                return f"{months} months"
            return f"{months // 12} years"

        if self.min_age_months is None and self.max_age_months is None:
            return "All ages"
        if not self.min_age_months and self.max_age_months is not None:
            top = self.max_age_months
            if top >= 23 and (top + 1) % 12 == 0:  # 0 to 59 months reads "Under 5 years"
                return f"Under {(top + 1) // 12} years"
            return f"Up to {words(top)}"
        low = self.min_age_months or 0
        if self.max_age_months is None:
            return f"From {words(low)}"
        return f"{words(low)} to {words(self.max_age_months)}"

    @property
    def outcome_area_labels(self) -> list[str]:
        labels = dict(OutcomeArea.choices)
        return [str(labels.get(code, code)) for code in self.outcome_areas]


class BankHoliday(models.Model):
    """A day recurring sessions skip, beside settings.FAMILYHUB_BANK_HOLIDAYS."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.name or 'Bank holiday'} ({self.date:%d %B %Y})"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class SessionSeries(models.Model):
    """A session that runs every week between two dates; its Session rows are the occurrences."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(ActivityType, on_delete=models.PROTECT, related_name="series")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="session_series")
    hub = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attributed_series",
        limit_choices_to={"kind": SiteKind.FAMILY_HUB},
        help_text="The hub this counts toward, when it is not the hub serving the venue's area",
    )
    service = models.ForeignKey(
        "services.Service", on_delete=models.PROTECT, related_name="session_series"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    capacity = models.PositiveSmallIntegerField()
    is_course = models.BooleanField(default=False, help_text="Families book every week at once")
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "session series"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="series_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="series_times_in_order",
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="series_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} at {self.site}, {self.get_weekday_display()}s"


class Session(models.Model):
    """One occurrence of a session at a site on a date (one-off, or one week of a series)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    series = models.ForeignKey(
        SessionSeries, on_delete=models.CASCADE, null=True, blank=True, related_name="sessions"
    )
    activity = models.ForeignKey(ActivityType, on_delete=models.PROTECT, related_name="sessions")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="hub_sessions")
    hub = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attributed_sessions",
        limit_choices_to={"kind": SiteKind.FAMILY_HUB},
        help_text="The hub this counts toward, when it is not the hub serving the venue's area",
    )
    service = models.ForeignKey(
        "services.Service", on_delete=models.PROTECT, related_name="hub_sessions"
    )
    date = models.DateField()
    start_time = models.TimeField()
    end_time = models.TimeField()
    capacity = models.PositiveSmallIntegerField()
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    cancelled = models.BooleanField(default=False)
    # Raised by every register save so two people at the door never overwrite each other.
    register_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["date", "start_time"]
        indexes = [
            models.Index(fields=["authority", "date"], name="session_authority_date_idx"),
            models.Index(fields=["site", "date"], name="session_site_date_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["series", "date"], name="session_once_a_day_in_series"),
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="session_times_in_order",
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="session_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} at {self.site}, {self.date:%d %b %Y} {self.start_time:%H:%M}"

    @property
    def is_course(self) -> bool:
        return bool(self.series_id and self.series and self.series.is_course)


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    WAITING = "waiting", "On the waiting list"
    CANCELLED = "cancelled", "Cancelled"


class Booking(models.Model):
    """A person's place (or place in the queue) at one session. A course booking makes one row per
    occurrence, all carrying the same `course` so they are cancelled and promoted together."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bookings")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="hub_bookings"
    )
    course = models.ForeignKey(
        SessionSeries, on_delete=models.CASCADE, null=True, blank=True, related_name="bookings"
    )
    status = models.CharField(max_length=10, choices=BookingStatus.choices)
    # Waiting-list order: the earliest request is promoted first.
    requested_at = models.DateTimeField()
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["session", "status"], name="booking_session_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=~models.Q(status="cancelled"),
                name="booking_one_live_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.session} ({self.get_status_display()})"


class AttendanceManager(models.Manager):
    def get_queryset(self):
        # The family timeline reads the session's activity and site for every row it shows.
        return super().get_queryset().select_related("session__activity", "session__site")


class Attendance(PersonRecord):
    """A person came to a session: a contact on the family's timeline."""

    access_category: ClassVar[str] = Category.GENERAL
    timeline_label: ClassVar[str] = "Came to a family hub session"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    booking = models.ForeignKey(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="attendances"
    )
    walk_in = models.BooleanField(default=False)

    objects = AttendanceManager()

    class Meta:
        indexes = [models.Index(fields=["person", "session"], name="attendance_person_idx")]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="attendance_once_a_session")
        ]

    def timeline_summary(self) -> str:
        walk_in = " (walk-in)" if self.walk_in else ""
        return f"Came to {self.session.activity} at {self.session.site}{walk_in}"

    def timeline_date(self) -> datetime.datetime:
        # The timeline sorts datetimes: the session's start, in the service's time zone.
        return timezone.make_aware(
            datetime.datetime.combine(self.session.date, self.session.start_time)
        )


class EntitlementKind(models.TextChoices):
    TWO_YEAR_FUNDING = "two_year_funding", "Free early education for two-year-olds"


class EntitlementFlag(PersonRecord):
    """A person is on an entitlement (for the reach report's targeted groups)."""

    access_category: ClassVar[str] = Category.GENERAL
    timeline_label: ClassVar[str] = "Entitlement"

    kind = models.CharField(max_length=30, choices=EntitlementKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "person"], name="entitlement_kind_person_idx")]

    def timeline_summary(self) -> str:
        return f"{self.get_kind_display()} from {self.starts_on:%d %B %Y}"


class OutcomeScale(models.Model):
    """A validated questionnaire a parenting programme scores before and after (WEMWBS, the
    Parenting Sense of Competence scale...): data a council adds in the admin, with the licence
    it holds for a scale that needs one."""

    name = models.CharField(max_length=160, unique=True)
    short_name = models.CharField(max_length=20)
    minimum = models.PositiveSmallIntegerField()
    maximum = models.PositiveSmallIntegerField()
    higher_is_better = models.BooleanField(default=True)
    meaningful_change = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The smallest change its authors count as meaningful; empty: any change "
        "in the better direction counts as an improvement",
    )
    licence = models.CharField(max_length=240, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(maximum__gt=models.F("minimum")), name="scale_range_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def improved(self, before: int, after: int) -> bool:
        change = (after - before) if self.higher_is_better else (before - after)
        return change >= (self.meaningful_change or 1)


class ProgrammeMeasure(PersonRecord):
    """A parent's score on a scale at the start and the end of a parenting course (a course of
    sessions whose activity serves positive parenting)."""

    access_category: ClassVar[str] = Category.GENERAL
    timeline_label: ClassVar[str] = "Parenting programme scores"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    series = models.ForeignKey(SessionSeries, on_delete=models.CASCADE, related_name="measures")
    scale = models.ForeignKey(OutcomeScale, on_delete=models.PROTECT, related_name="measures")
    before = models.PositiveSmallIntegerField(null=True, blank=True)
    after = models.PositiveSmallIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "series", "scale"], name="programme_measure_once"
            )
        ]

    def timeline_summary(self) -> str:
        def shown(score: int | None) -> str:
            return "-" if score is None else str(score)

        return (
            f"{self.scale.short_name} on {self.series.activity}: "
            f"{shown(self.before)} at the start, {shown(self.after)} at the end"
        )
