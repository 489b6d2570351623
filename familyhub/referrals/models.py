"""Referrals in, the front door's decisions, and the local continuum of need.

Writes go through referrals.services; reads that cross rows through referrals.selectors.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from familyhub.access.records import Category, PersonRecord
from familyhub.referrals.needs import NEED_LABELS


class ContinuumLevel(models.Model):
    """One level of a council's continuum of need. Rows without an authority are the default
    (four levels, loaded by a data migration); a council that sets its own rows replaces them."""

    authority = models.ForeignKey(
        "places.Authority",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="continuum_levels",
    )
    level = models.CharField(max_length=8, help_text="As the council writes it: 1, 2, 3, 4a")
    rank = models.PositiveSmallIntegerField(help_text="Order on the continuum, 1 = least need")
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=240, blank=True)
    service_offer = models.TextField(blank=True)
    is_statutory = models.BooleanField(
        default=False, help_text="Children's social care holds families at this level"
    )

    class Meta:
        ordering = ["rank", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "level"], name="continuum_level_unique_per_authority"
            ),
            models.UniqueConstraint(
                fields=["level"],
                condition=models.Q(authority__isnull=True),
                name="continuum_level_unique_default",
            ),
        ]

    def __str__(self) -> str:
        return f"Level {self.level}: {self.name}"


class ReferrerKind(models.TextChoices):
    SCHOOL = "school", "School or college"
    EARLY_YEARS = "early_years", "Nursery or early years setting"
    HEALTH_VISITOR = "health_visitor", "Health visitor or midwife"
    GP = "gp", "GP or other health service"
    POLICE = "police", "Police"
    HOUSING = "housing", "Housing"
    SOCIAL_CARE = "social_care", "Children's social care (step-down)"
    OTHER_SERVICE = "other_service", "Another service"
    FAMILY = "family", "The family themselves"


class Consent(models.TextChoices):
    AGREES = "agrees", "The family knows and agrees"
    KNOWS_NOT_AGREED = "knows", "The family knows but has not agreed"
    NOT_TOLD = "not_told", "The family has not been told (safeguarding)"


class Urgency(models.TextChoices):
    STANDARD = "standard", "Standard"
    CHILD_AT_RISK = "at_risk", "A child may be at risk of harm"


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", "Waiting for a decision"
    SIGNPOSTED = "signposted", "Information and signposting"
    ALLOCATED = "allocated", "Allocated to early help"
    STEPPED_UP = "stepped_up", "Stepped up to children's social care"
    NO_FURTHER_ACTION = "nfa", "No further action"


class Outcome(models.TextChoices):
    """What the front door decides. Each leaves the referral in the status of the same value."""

    SIGNPOST = "signposted", "Information and signposting to universal services"
    ALLOCATE = "allocated", "Allocate to an early help team"
    STEP_UP = "stepped_up", "Step up to children's social care"
    NO_FURTHER_ACTION = "nfa", "No further action"


OPEN_STATUSES = frozenset({ReferralStatus.RECEIVED})


class Referral(PersonRecord):
    """A request for help for a person (usually a child), from a professional or the family.

    The referred person is always a row of the register (single registration: never typed twice).
    `version` rises with every decision, so two people deciding at once cannot both win.
    """

    access_category = Category.GENERAL
    timeline_label = "Referral"
    timeline_url_name = "referrals:detail"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey("places.Authority", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "people.Household", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who referred. A family's own request leaves the organisation blank.
    referrer_kind = models.CharField(max_length=20, choices=ReferrerKind.choices)
    referrer_name = models.CharField(max_length=160)
    referrer_organisation = models.CharField(max_length=160, blank=True)
    referrer_role = models.CharField(max_length=120, blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)
    referrer_email = models.EmailField(blank=True)
    # What for.
    needs = models.JSONField(default=list, help_text="Need values (referrals.needs.Need)")
    concerns = models.TextField()
    consent = models.CharField(max_length=10, choices=Consent.choices)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.STANDARD)
    received_at = models.DateTimeField(default=timezone.now)
    decision_due_at = models.DateTimeField()
    # The decision.
    status = models.CharField(
        max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.RECEIVED
    )
    level = models.ForeignKey(
        ContinuumLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    allocated_team = models.ForeignKey(
        "services.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["decision_due_at"]
        indexes = [
            models.Index(
                fields=["authority", "status", "decision_due_at"], name="referral_queue_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="received")
                | (models.Q(decided_at__isnull=False) & ~models.Q(decision_reason="")),
                name="referral_decision_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral of {self.person} from {self.referrer_display}"

    @property
    def referrer_display(self) -> str:
        if self.referrer_kind == ReferrerKind.FAMILY:
            return "the family"
        return self.referrer_organisation or self.get_referrer_kind_display()

    @property
    def need_labels(self) -> list[str]:
        return [NEED_LABELS.get(value, value) for value in self.needs]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, now=None) -> bool:
        moment = now or timezone.now()
        if self.is_open:
            return moment > self.decision_due_at
        return self.decided_at is not None and self.decided_at > self.decision_due_at

    @classmethod
    def access_participants(cls, viewer):
        """The team the front door allocated the referral to works from it."""
        return models.Q(allocated_team_id__in=viewer.team_ids)

    def timeline_summary(self) -> str:
        text = f"Referral from {self.referrer_display}"
        if self.status != ReferralStatus.RECEIVED:
            text += f": {self.get_status_display().lower()}"
        return text

    def timeline_date(self):
        return self.received_at


class ReferralEvent(models.Model):
    """Every change of a referral's state, so time in state and flow can be reported."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state or 'new'} -> {self.to_state}"
