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
    # The threshold document, as data: what need at this level looks like, examples a
    # practitioner recognises, and where a family at this level goes.
    descriptors = models.TextField(blank=True, help_text="What need at this level looks like")
    examples = models.TextField(blank=True, help_text="Examples, one a line")
    routes_to = models.CharField(
        max_length=20, blank=True, help_text="The kind of service a family at this level goes to"
    )
    is_family_help = models.BooleanField(
        default=False,
        help_text="Family Help (the Families First Partnership): targeted early help and child "
        "in need together, under a Family Help lead practitioner",
    )
    is_child_protection = models.BooleanField(
        default=False, help_text="The Multi-Agency Child Protection Team holds families here"
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
    MORE_INFO = "more_info", "More information asked for"
    # A service's inbox (any receiving service but the front door).
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    # A partner who is not on Familyhub: a referral letter or a secure email.
    SENT = "sent", "Sent to a partner outside Familyhub"
    # The front door's triage.
    SIGNPOSTED = "signposted", "Information and signposting"
    ALLOCATED = "allocated", "Allocated to early help"
    STEPPED_UP = "stepped_up", "Stepped up to children's social care"
    NO_FURTHER_ACTION = "nfa", "No further action"


class InboxDecision(models.TextChoices):
    """What a receiving service (not the front door) decides. Each leaves the referral in the
    status of the same value; asking for more keeps it waiting."""

    ACCEPT = "accepted", "Accept"
    DECLINE = "declined", "Decline"
    MORE_INFO = "more_info", "Ask the referrer for more information"


class SentBy(models.TextChoices):
    LETTER = "letter", "A referral letter (printed or attached)"
    SECURE_EMAIL = "secure_email", "Secure email"


# Event states that are not statuses: what else happened to a referral along the way.
EVENT_LABELS = {
    "info_given": "More information given",
    "assigned": "Allocated to a worker",
    "contacted": "First contact with the family",
    "emailed": "Sent by secure email",
}


class Outcome(models.TextChoices):
    """What the front door decides. Each leaves the referral in the status of the same value."""

    SIGNPOST = "signposted", "Information and signposting to universal services"
    ALLOCATE = "allocated", "Allocate to an early help team"
    STEP_UP = "stepped_up", "Step up to children's social care"
    NO_FURTHER_ACTION = "nfa", "No further action"


OPEN_STATUSES = frozenset({ReferralStatus.RECEIVED, ReferralStatus.MORE_INFO})
# Decided without a reason being required: accepting, or sending to a partner outside.
NO_REASON_NEEDED = frozenset({ReferralStatus.ACCEPTED, ReferralStatus.SENT})


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
    # The receiving service is `owning_service` (the front door, or any service in the
    # council's directory); the referring service, when the referrer works on Familyhub.
    from_service = models.ForeignKey(
        "services.Service", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
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
    # A receiving service's inbox is its team for the person's locality when it has one (so a
    # county's hub in the north does not see a referral to the south's); blank: every team.
    receiving_team = models.ForeignKey(
        "services.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A receiving service's inbox: what it asked, who it allocated, the deadlines after accepting.
    info_request = models.TextField(blank=True)
    allocated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    allocation_due_at = models.DateTimeField(null=True, blank=True)
    first_contact_due_at = models.DateTimeField(null=True, blank=True)
    first_contact_on = models.DateField(null=True, blank=True)
    # A partner outside Familyhub.
    sent_by = models.CharField(max_length=14, choices=SentBy.choices, blank=True)
    sent_to = models.CharField(max_length=254, blank=True)
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
                condition=models.Q(status__in=["received", "more_info"])
                | (
                    models.Q(decided_at__isnull=False)
                    & (~models.Q(decision_reason="") | models.Q(status__in=["accepted", "sent"]))
                ),
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

    @property
    def to_front_door(self) -> bool:
        """The front door triages (levels, outcomes); every other service has an inbox."""
        return self.owning_service.kind == "front_door"

    @property
    def is_external(self) -> bool:
        return self.status == ReferralStatus.SENT

    def is_overdue(self, now=None) -> bool:
        moment = now or timezone.now()
        if self.is_open:
            return moment > self.decision_due_at
        return self.decided_at is not None and self.decided_at > self.decision_due_at

    @classmethod
    def access_participants(cls, viewer):
        """The team the front door allocated the referral to works from it, and so does the
        worker a receiving service allocated it to; its author reads it."""
        taken = models.Q(allocated_team_id__in=viewer.team_ids)
        if viewer.user_id is not None:
            # The referrer follows the journey on the family's timeline too, where they may
            # see the person (the referral opens no record to them: access.layer).
            taken |= models.Q(allocated_to_id=viewer.user_id) | models.Q(
                recorded_by_id=viewer.user_id
            )
        return taken

    def timeline_summary(self) -> str:
        text = f"Referral from {self.referrer_display} to {self.owning_service.name}"
        if self.status != ReferralStatus.RECEIVED:
            text += f": {self.get_status_display().lower()}"
        if self.first_contact_on:
            text += f", first contact {self.first_contact_on:%-d %B %Y}"
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


class Step(models.TextChoices):
    """The steps of a family's journey that have a deadline (DeadlineRule)."""

    DECISION = "decision", "Decide on a referral"
    ALLOCATION = "allocation", "Allocate the referral to a worker"
    FIRST_CONTACT = "first_contact", "First contact with the family"
    ASSESSMENT = "assessment", "Complete the assessment"
    PLAN = "plan", "Agree the family plan"
    REVIEW = "review", "Review the plan"
    # The Children's Wellbeing and Schools Act 2026 s.1: a family group decision-making meeting
    # is offered before an initial child protection conference or pre-proceedings.
    FGDM_OFFER = "fgdm_offer", "Offer a family group decision-making meeting"


class DeadlineRule(models.Model):
    """How many working days a step may take, and when an overdue step escalates: to the team
    leader after `team_leader_after` working days overdue, to the service manager after
    `manager_after`. The most specific rule wins (a service's own, then its level of need, then
    its kind of service, then the council's, then the default rows without a council)."""

    authority = models.ForeignKey(
        "places.Authority", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(
        "services.Service", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    service_kind = models.CharField(
        max_length=20, blank=True, help_text="All services of this kind (blank: any kind)"
    )
    level = models.ForeignKey(
        ContinuumLevel, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    step = models.CharField(max_length=16, choices=Step.choices)
    working_days = models.PositiveSmallIntegerField(
        help_text="Working days from the step before (a referral's arrival, its acceptance...)"
    )
    team_leader_after = models.PositiveSmallIntegerField(
        default=2, help_text="Working days overdue before the team leader is told"
    )
    manager_after = models.PositiveSmallIntegerField(
        default=5, help_text="Working days overdue before the service manager is told"
    )

    class Meta:
        ordering = ["step", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(manager_after__gte=models.F("team_leader_after")),
                name="deadline_rule_escalates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.working_days} working days"

    def specificity(self) -> int:
        return (
            8 * (self.service_id is not None)
            + 4 * (self.level_id is not None)
            + 2 * bool(self.service_kind)
            + (self.authority_id is not None)
        )
