"""Child health: the Healthy Child Programme schedule, reviews, measurements and school nursing.

Every record is a PersonRecord of category "health", owned by the health visiting or school
nursing service, so the access layer filters it and merge moves it with the person. Nothing here
carries a uniqueness constraint on `person`: merge moves rows between people with plain UPDATEs,
and `services.schedule_refresh` resolves the duplicates a merge leaves.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from familyhub.access.records import Category, PersonRecord
from familyhub.childhealth.asq import AsqBand, AsqDomain
from familyhub.childhealth.centiles import ClinicalCategory, PopulationCategory, centile_words
from familyhub.childhealth.schedule import NCMP_KINDS, SCHOOL_NURSING_KINDS, ReviewKind


def _on(day: date) -> datetime:
    """A date as an aware datetime (midday, local), so the family timeline can sort it among
    records that carry datetimes."""
    return timezone.make_aware(datetime.combine(day, time(12)))


class DueStatus(models.TextChoices):
    DUE = "due", "Due"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"
    NOT_BROUGHT = "not_brought", "Not brought / no access"
    MOVED = "moved", "Moved out of the area"
    CANCELLED = "cancelled", "Cancelled"


# Which outcome wins when a merge leaves two rows for one review (the record of work done first).
STATUS_PRECEDENCE = [
    DueStatus.COMPLETED,
    DueStatus.DECLINED,
    DueStatus.NOT_BROUGHT,
    DueStatus.MOVED,
    DueStatus.DUE,
    DueStatus.CANCELLED,
]


class HealthVisitorAllocation(PersonRecord):
    """The named health visitor (or school nurse) for a child: their caseload."""

    access_category = Category.HEALTH
    timeline_label = "Named health visitor"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="childhealth_caseload"
    )
    team = models.ForeignKey("services.Team", on_delete=models.PROTECT, related_name="+")
    start = models.DateField(default=date.today)
    end = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["practitioner", "end"], name="ch_alloc_practitioner_idx")]

    def timeline_summary(self) -> str:
        return f"Named practitioner: {self.practitioner.get_full_name() or self.practitioner}"


class ReviewDue(PersonRecord):
    """One review in a child's schedule, with its window. Refreshed by schedule_refresh."""

    access_category = Category.HEALTH
    timeline_label = "Review due"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey("places.Authority", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ReviewKind.choices)
    window_start = models.DateField()
    window_end = models.DateField()
    late_until = models.DateField()
    provisional = models.BooleanField(
        default=False, help_text="Planned from the expected date of delivery"
    )
    status = models.CharField(max_length=12, choices=DueStatus.choices, default=DueStatus.DUE)
    status_reason = models.CharField(max_length=200, blank=True)
    # True once a practitioner has recorded an outcome: the schedule never changes it after that.
    recorded = models.BooleanField(default=False)
    completed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["window_start"]
        indexes = [
            models.Index(fields=["authority", "status", "window_start"], name="ch_due_work_idx"),
            models.Index(fields=["person", "kind"], name="ch_due_person_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_end__gte=models.F("window_start"))
                & models.Q(late_until__gte=models.F("window_end")),
                name="ch_due_window_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person}"

    def timeline_summary(self) -> str:
        return f"{self.get_kind_display()}: {self.get_status_display().lower()}"

    @property
    def is_school_nursing(self) -> bool:
        return self.kind in SCHOOL_NURSING_KINDS

    @property
    def is_ncmp(self) -> bool:
        return self.kind in NCMP_KINDS

    def state_on(self, day: date) -> str:
        """upcoming, open, overdue (late but still counted), missed, or the recorded status."""
        if self.status != DueStatus.DUE:
            return self.status
        if day < self.window_start:
            return "upcoming"
        if day <= self.window_end:
            return "open"
        if day <= self.late_until:
            return "overdue"
        return "missed"


class Place(models.TextChoices):
    HOME = "home", "Home"
    FAMILY_HUB = "family_hub", "Family hub"
    CLINIC = "clinic", "Clinic"
    SCHOOL = "school", "School"
    VIRTUAL = "virtual", "Video or phone"


class Outcome(models.TextChoices):
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"
    NOT_BROUGHT = "not_brought", "Not brought / no access"
    MOVED = "moved", "Moved out of the area"


class Feeding(models.TextChoices):
    EXCLUSIVE = "exclusive", "Totally breastfed"
    PARTIAL = "partial", "Partially breastfed"
    NOT = "not", "Not breastfed"


class Review(PersonRecord):
    """A review as done (or attempted): who, where, when, outcome, and what was found."""

    access_category = Category.HEALTH
    timeline_label = "Health review"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    due = models.ForeignKey(ReviewDue, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=20, choices=ReviewKind.choices)
    done_on = models.DateField()
    place = models.CharField(max_length=12, choices=Place.choices)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # A nursery nurse may do a review delegated by the health visitor who stays accountable.
    delegated = models.BooleanField(default=False)
    accountable = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The accountable health visitor when the review was delegated",
    )
    # Maternal mood: the two Whooley questions, the help question, then the EPDS if done.
    whooley_low_mood = models.BooleanField(null=True, blank=True)
    whooley_little_interest = models.BooleanField(null=True, blank=True)
    whooley_wants_help = models.BooleanField(null=True, blank=True)
    epds_total = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(30)]
    )
    epds_self_harm = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(3)]
    )
    breastfeeding = models.CharField(max_length=10, choices=Feeding.choices, blank=True)
    # ASQ-3 scores only (0-60 per domain); the licensed questions are never stored.
    asq_used = models.BooleanField(default=False)
    asq_questionnaire = models.PositiveSmallIntegerField(null=True, blank=True)
    asq_communication = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    asq_gross_motor = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    asq_fine_motor = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    asq_problem_solving = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    asq_personal_social = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    safeguarding_concern = models.BooleanField(default=False)
    safeguarding_referral_offered = models.BooleanField(default=False)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-done_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(epds_total__isnull=True) | models.Q(epds_total__lte=30),
                name="ch_review_epds_range",
            ),
            models.CheckConstraint(
                condition=models.Q(delegated=False) | models.Q(accountable__isnull=False),
                name="ch_review_delegated_has_accountable",
            ),
        ]

    def timeline_summary(self) -> str:
        return f"{self.get_kind_display()}: {self.get_outcome_display().lower()}"

    def timeline_date(self):
        return _on(self.done_on)

    def asq_scores(self) -> dict[str, int | None]:
        return {
            "communication": self.asq_communication,
            "gross_motor": self.asq_gross_motor,
            "fine_motor": self.asq_fine_motor,
            "problem_solving": self.asq_problem_solving,
            "personal_social": self.asq_personal_social,
        }


class AsqResult(models.Model):
    """The band of one ASQ-3 domain score, as banded when recorded (cut-offs may change later)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="asq_results")
    domain = models.CharField(max_length=20)
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(60)])
    band = models.CharField(max_length=12, choices=AsqBand.choices)

    @property
    def domain_label(self) -> str:
        """The domain in words ("Gross motor"), whatever value was stored."""
        try:
            return str(AsqDomain(self.domain).label)
        except ValueError:
            return self.domain.replace("_", " ").capitalize()


class AlertKind(models.TextChoices):
    EPDS = "epds", "EPDS at or above the cut-off"
    SELF_HARM = "self_harm", "EPDS self-harm answer"
    WHOOLEY = "whooley", "Whooley: wants help"
    WEIGHT = "weight", "Weight above the clinical threshold"
    SAFEGUARDING = "safeguarding", "Safeguarding concern"


class Alert(PersonRecord):
    """Something a practitioner must act on; shown on the worklist and the child's page."""

    access_category = Category.HEALTH
    timeline_label = "Alert"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=AlertKind.choices)
    message = models.CharField(max_length=300)
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["person", "resolved_at"], name="ch_alert_open_idx")]

    def timeline_summary(self) -> str:
        return f"Alert: {self.get_kind_display()}"


class MeasurementContext(models.TextChoices):
    REVIEW = "review", "At a review"
    NCMP_RECEPTION = "ncmp_reception", "NCMP Reception"
    NCMP_YEAR_SIX = "ncmp_year_six", "NCMP Year 6"
    OTHER = "other", "Other contact"


def _plain(value: Decimal | None) -> str:
    """4.250 as "4.25", 110.0 as "110" (never "1.1E+2")."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


class HeightPosition(models.TextChoices):
    LYING = "lying", "Length (lying down)"
    STANDING = "standing", "Height (standing)"


class Measurement(PersonRecord):
    """Weight, length or height and head circumference on one day, with their UK-WHO centiles.

    The centiles are worked out when the measurement is recorded (and again if the child's date
    of birth, expected date of delivery or sex is corrected: services.measurements_recompute),
    so a page and a report read them without recomputing; `age_years` is the age they used,
    corrected for prematurity while that applies. Any of the three values may be left out, but
    not all of them (a constraint).
    """

    access_category = Category.HEALTH
    timeline_label = "Growth measurement"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    measured_on = models.DateField()
    context = models.CharField(
        max_length=16, choices=MeasurementContext.choices, default=MeasurementContext.OTHER
    )
    # Length lying down under 2 years, height standing from 2: `height_position` says which.
    height_cm = models.DecimalField(
        "length or height (cm)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    height_position = models.CharField(max_length=8, choices=HeightPosition.choices, blank=True)
    # To the gram: baby scales show grams, and a form should take what the scale shows.
    weight_kg = models.DecimalField(
        max_digits=6, decimal_places=3, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    head_circumference_cm = models.DecimalField(
        "head circumference (cm)",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    age_years = models.FloatField(
        null=True, blank=True, help_text="The age the centiles use, corrected for prematurity"
    )
    gestation_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Gestation at birth used to correct the age (preterm)"
    )
    weight_sds = models.FloatField(null=True, blank=True)
    height_sds = models.FloatField(null=True, blank=True)
    head_circumference_sds = models.FloatField(null=True, blank=True)
    # A value beyond 4 SDS is saved only when the practitioner has checked and confirmed it.
    unusual_confirmed = models.BooleanField(default=False)
    # BMI, its z-score and centile (from 2 years; "UK90" from 4, with the NCMP categories).
    bmi = models.FloatField(null=True, blank=True)
    reference = models.CharField(max_length=10, blank=True)  # UK90 or UK-WHO
    z_score = models.FloatField(null=True, blank=True)
    centile = models.FloatField(null=True, blank=True)
    population_category = models.CharField(
        max_length=16, choices=PopulationCategory.choices, blank=True
    )
    clinical_category = models.CharField(
        max_length=16, choices=ClinicalCategory.choices, blank=True
    )
    due = models.ForeignKey(
        ReviewDue, on_delete=models.SET_NULL, null=True, blank=True, related_name="measurements"
    )

    class Meta:
        ordering = ["-measured_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight_kg__isnull=False)
                | models.Q(height_cm__isnull=False)
                | models.Q(head_circumference_cm__isnull=False),
                name="ch_measurement_has_a_value",
            )
        ]

    @property
    def weight_text(self) -> str:
        return _plain(self.weight_kg)

    @property
    def height_text(self) -> str:
        return _plain(self.height_cm)

    @property
    def head_circumference_text(self) -> str:
        return _plain(self.head_circumference_cm)

    @property
    def height_label(self) -> str:
        """Length (lying, under 2) or Height (standing)."""
        return "Length" if self.height_position == HeightPosition.LYING else "Height"

    @property
    def weight_centile(self) -> str:
        return centile_words(self.weight_sds)

    @property
    def height_centile(self) -> str:
        return centile_words(self.height_sds)

    @property
    def head_circumference_centile(self) -> str:
        return centile_words(self.head_circumference_sds)

    @property
    def bmi_centile(self) -> str:
        return centile_words(self.z_score)

    def parts(self) -> list[str]:
        """Each value recorded, with its centile in words, in the red book's order."""
        found = []
        for label, value, unit, words in (
            ("Weight", self.weight_kg, "kg", self.weight_centile),
            (self.height_label, self.height_cm, "cm", self.height_centile),
            (
                "Head circumference",
                self.head_circumference_cm,
                "cm",
                self.head_circumference_centile,
            ),
        ):
            if value is not None:
                found.append(f"{label} {_plain(value)} {unit}" + (f", {words}" if words else ""))
        if self.bmi is not None:
            found.append(
                f"BMI {self.bmi:.1f}"
                + (
                    f", {self.reference} centile {self.centile:.1f}"
                    if self.centile is not None
                    else ""
                )
                + (
                    f" ({self.get_population_category_display().lower()})"
                    if self.population_category
                    else ""
                )
            )
        return found

    def timeline_summary(self) -> str:
        text = "; ".join(self.parts())
        return text[0].upper() + text[1:] if text else "Measurement"

    def timeline_date(self):
        return _on(self.measured_on)


class ScreeningKind(models.TextChoices):
    VISION = "vision", "Vision"
    HEARING = "hearing", "Hearing"


class ScreeningResult(models.TextChoices):
    PASS = "pass", "Pass"
    REFER = "refer", "Refer"
    NOT_DONE = "not_done", "Not done"


class Screening(PersonRecord):
    """A school vision or hearing screen, with a result per eye or ear."""

    access_category = Category.HEALTH
    timeline_label = "Screening"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=8, choices=ScreeningKind.choices)
    screened_on = models.DateField()
    left = models.CharField(max_length=10, choices=ScreeningResult.choices)
    right = models.CharField(max_length=10, choices=ScreeningResult.choices)
    notes = models.CharField(max_length=300, blank=True)

    def timeline_summary(self) -> str:
        return (
            f"{self.get_kind_display()} screen: left {self.get_left_display().lower()}, "
            f"right {self.get_right_display().lower()}"
        )

    def timeline_date(self):
        return _on(self.screened_on)

    @property
    def needs_referral(self) -> bool:
        return ScreeningResult.REFER in (self.left, self.right)


class OnwardReason(models.TextChoices):
    WEIGHT_MANAGEMENT = "weight_management", "Weight management"
    VISION = "vision", "Vision (orthoptics or optometry)"
    HEARING = "hearing", "Hearing (audiology)"
    EMOTIONAL_HEALTH = "emotional_health", "Emotional health and wellbeing"
    DEVELOPMENT = "development", "Development (speech and language, paediatrics)"
    PERINATAL_MENTAL_HEALTH = "perinatal_mh", "Perinatal mental health"
    OTHER = "other", "Other"


class OnwardReferral(PersonRecord):
    """A referral from health visiting or school nursing to a named service."""

    access_category = Category.HEALTH
    timeline_label = "Onward referral"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reason = models.CharField(max_length=20, choices=OnwardReason.choices)
    to_service_name = models.CharField("service referred to", max_length=160)
    to_service = models.ForeignKey(
        "services.Service", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    referred_on = models.DateField()
    notes = models.CharField(max_length=300, blank=True)

    def timeline_summary(self) -> str:
        return f"Referred to {self.to_service_name} ({self.get_reason_display().lower()})"

    def timeline_date(self):
        return _on(self.referred_on)


class NewbornScreen(models.TextChoices):
    """The newborn screening programmes whose outcomes the National Events Management Service
    sends as Digital Child Health events (their MessageHeader.event codes)."""

    HEARING = "newborn-hearing-1", "Newborn hearing screening"
    BLOOD_SPOT = "blood-spot-test-outcome-1", "Newborn blood spot screening"
    NIPE = "nipe-outcome-1", "Newborn and infant physical examination (NIPE)"


class NewbornOutcome(PersonRecord):
    """A newborn screening outcome received from the NHS (hearing, blood spot or NIPE).

    One row per screening record at its source: `source_key` is the publisher's identifier of the
    focus Encounter, which the specification says stays the same across the new, re-sent and
    deleted messages about one record. A later message replaces the results (by the
    MessageHeader's meta.lastUpdated); a delete message marks it withdrawn, kept for the history.
    """

    access_category = Category.HEALTH
    timeline_label = "Newborn screening outcome"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    screen = models.CharField(max_length=32, choices=NewbornScreen.choices)
    source_key = models.CharField(max_length=300, unique=True)
    done_on = models.DateField(null=True, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    # [{"test": "...", "code": SNOMED CT code, "outcome": display}] as the message gave them.
    results = models.JSONField(default=list, blank=True)
    needs_follow_up = models.BooleanField(default=False)
    source_updated_at = models.DateTimeField(null=True, blank=True)
    withdrawn = models.BooleanField(default=False)
    message_id = models.CharField(max_length=120, blank=True)

    def timeline_summary(self) -> str:
        state = " (withdrawn by the sender)" if self.withdrawn else ""
        return f"{self.get_screen_display()}: {self.summary or 'outcome received'}{state}"

    def timeline_date(self):
        return _on(self.done_on) if self.done_on else self.recorded_at
