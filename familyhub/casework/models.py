"""Early help casework: episodes, the team around the family, assessment, family plan, reviews,
step-up and step-down, closure with an outcome per need, and Supporting Families sustainment.

Writes go through casework.services; reads that cross rows through casework.selectors.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from familyhub.access.involvement import ended_since
from familyhub.access.records import Category, PersonRecord
from familyhub.referrals.needs import NEED_LABELS, Need


class EpisodeStatus(models.TextChoices):
    AWAITING_ALLOCATION = "awaiting", "Waiting for a lead professional"
    OPEN = "open", "Open"
    STEPPED_UP = "stepped_up", "Stepped up to children's social care"
    CLOSED = "closed", "Closed"


LIVE_STATUSES = frozenset(
    {EpisodeStatus.AWAITING_ALLOCATION, EpisodeStatus.OPEN, EpisodeStatus.STEPPED_UP}
)


def episode_participants(viewer, prefix: str = "") -> models.Q:
    """Who takes part in an episode besides its service: its team, its lead professional and
    the team around the family, while it is live, for a while after it closes (the access
    layer's days after an episode) and through a Supporting Families sustainment period.
    `prefix` reaches the episode from a record about it."""
    takes_part = models.Q(**{f"{prefix}team_id__in": viewer.team_ids})
    if viewer.user_id is not None:  # a team's view (the routes page) has no person to match
        members = TeamMember.objects.filter(user_id=viewer.user_id, left_on__isnull=True)
        takes_part |= models.Q(**{f"{prefix}lead_professional_id": viewer.user_id}) | models.Q(
            **{f"{prefix}pk__in": members.values("episode_id")}
        )
    return models.Q(
        takes_part,
        models.Q(**{f"{prefix}status__in": LIVE_STATUSES})
        | models.Q(**{f"{prefix}end__gte": ended_since("episode").date()})
        # Supporting Families: the service follows the family through the six months after
        # closure that decide whether the outcome was sustained, and claims for it.
        | models.Q(**{f"{prefix}sustainment_until__gte": ended_since("episode").date()}),
    )


class Episode(PersonRecord):
    """An early help episode for a family: `person` is the referred child, `household` the family.

    `version` rises with every change of state so that two people acting at once cannot both win.
    """

    access_category = Category.GENERAL
    timeline_label = "Early help"
    timeline_url_name = "casework:episode"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey("places.Authority", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "people.Household", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    referral = models.OneToOneField(
        "referrals.Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="episode",
    )
    team = models.ForeignKey("services.Team", on_delete=models.PROTECT, related_name="+")
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lead_agreed_by_family = models.BooleanField(default=False)
    lead_agreed_on = models.DateField(null=True, blank=True)
    level = models.ForeignKey(
        "referrals.ContinuumLevel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        max_length=12, choices=EpisodeStatus.choices, default=EpisodeStatus.AWAITING_ALLOCATION
    )
    start = models.DateField(default=datetime.date.today)
    end = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    closure_reason = models.TextField(blank=True)
    # Supporting Families: flagged when the family qualifies, and the sustainment clock started by
    # a closure with progress on every identified need.
    sf_eligible = models.BooleanField("Supporting Families eligible", default=False)
    sustainment_from = models.DateField(null=True, blank=True)
    sustainment_until = models.DateField(null=True, blank=True)
    sustainment_broken_on = models.DateField(null=True, blank=True)
    # The family plan's contact frequency: the families not seen within it are listed
    # (casework.selectors.families_not_seen), from their contacts (contacts.Contact).
    contact_every_days = models.PositiveIntegerField(
        "How often the lead professional expects to see the family, in days",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    # Section 17 of the Children Act 1989: a child in need, while Family Help works with them
    # (the Children in Need census counts these periods).
    child_in_need_from = models.DateField("Child in need (section 17) from", null=True, blank=True)
    child_in_need_until = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start", "-id"]
        indexes = [
            models.Index(fields=["team", "status"], name="episode_team_status_idx"),
            models.Index(fields=["lead_professional", "status"], name="episode_lead_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed")
                | (models.Q(end__isnull=False) & ~models.Q(closure_reason="")),
                name="episode_closed_has_end_and_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="episode_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Early help for {self.person}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @classmethod
    def access_participants(cls, viewer):
        return episode_participants(viewer)

    def timeline_summary(self) -> str:
        text = f"Early help with {self.team}"
        if self.status == EpisodeStatus.CLOSED:
            return f"{text}, closed {self.end:%d %B %Y}"
        return f"{text}: {self.get_status_display().lower()}"

    def timeline_date(self):
        return datetime.datetime.combine(self.start, datetime.time(9), tzinfo=datetime.UTC)


class ChildProtectionOutcome(models.TextChoices):
    """What the Multi-Agency Child Protection Team decides on a step-up."""

    SECTION_47 = "s47", "Section 47 enquiry"
    CONFERENCE = "icpc", "Initial child protection conference"
    NO_ACTION = "no_cp_action", "No child protection action: back to Family Help"


class EpisodeEvent(models.Model):
    """Every change of an episode's state (allocated, stepped up, stepped down, transferred,
    closed), with who and when, so time in state and flow can be reported."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Opened"
        ALLOCATED = "allocated", "Lead professional allocated"
        TRANSFERRED = "transferred", "Lead professional transferred"
        STEPPED_UP = "stepped_up", "Stepped up to children's social care"
        STEPPED_DOWN = "stepped_down", "Stepped down to early help"
        LEVEL_CHANGED = "level_changed", "Level of need changed"
        CP_DECISION = "cp_decision", "Child protection decision"
        CLOSED = "closed", "Closed"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class TeamMember(models.Model):
    """A member of the team around the family: a practitioner in Familyhub or a named external
    professional (a teacher, a GP) who has no account."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="team_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=160, blank=True)
    organisation = models.CharField(max_length=160, blank=True)
    role = models.CharField(max_length=120, blank=True)
    contact = models.CharField(max_length=200, blank=True)
    joined_on = models.DateField(default=datetime.date.today)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["joined_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(name=""),
                name="team_member_has_user_or_name",
            )
        ]

    @property
    def display_name(self) -> str:
        if self.user_id:
            return str(self.user)
        return self.name


class Assessment(PersonRecord):
    """A whole-family early help assessment. Its identified needs become the episode's needs."""

    access_category = Category.GENERAL
    timeline_label = "Early help assessment"

    @classmethod
    def access_participants(cls, viewer):
        return episode_participants(viewer, "episode__")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="assessments")
    needs = models.JSONField(default=list)
    need_detail = models.TextField(blank=True, help_text="What each need looks like for the family")
    strengths = models.TextField()
    child_voice = models.TextField("The child's voice")
    family_views = models.TextField("The family's views")
    level = models.ForeignKey(
        "referrals.ContinuumLevel", on_delete=models.PROTECT, related_name="+"
    )
    completed_on = models.DateField(default=datetime.date.today)

    class Meta:
        ordering = ["-completed_on", "-id"]

    @property
    def need_labels(self) -> list[str]:
        return [NEED_LABELS.get(value, value) for value in self.needs]

    def timeline_summary(self) -> str:
        return f"Early help assessment: {len(self.needs)} needs, level {self.level.level}"


class NeedOutcome(models.TextChoices):
    ACHIEVED = "achieved", "Achieved"
    PARTLY = "partly", "Partly achieved"
    NOT_ACHIEVED = "not_achieved", "Not achieved"


# The outcomes that count as progress for Supporting Families.
PROGRESS_OUTCOMES = frozenset({NeedOutcome.ACHIEVED, NeedOutcome.PARTLY})


class EpisodeNeed(models.Model):
    """A need identified for the family in this episode, and its outcome at closure."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="needs")
    need = models.CharField(max_length=24, choices=Need.choices)
    identified_on = models.DateField(default=datetime.date.today)
    outcome = models.CharField(max_length=14, choices=NeedOutcome.choices, blank=True)

    class Meta:
        ordering = ["need"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "need"], name="episode_need_unique")
        ]


class Goal(models.Model):
    """A goal of the family plan, tied to one of the family's needs."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="goals")
    need = models.CharField(max_length=24, choices=Need.choices)
    description = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    latest_score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]


class Action(models.Model):
    """Something someone will do towards a goal, by a date."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner_name = models.CharField(
        max_length=160, blank=True, help_text="When the owner has no account: the parent, a teacher"
    )
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    # The family marked it done on their side (the practitioner sees who said so).
    done_by_family = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False) | ~models.Q(owner_name=""),
                name="action_has_owner",
            )
        ]

    @property
    def owner_display(self) -> str:
        return str(self.owner) if self.owner_id else self.owner_name

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.done_on is None and self.due_on < (today or datetime.date.today())


class ActionComment(models.Model):
    """A family member's comment on an action of their plan, written on the family side and
    shown to the practitioner on the plan."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="family_comments")
    text = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at", "id"]


class Review(PersonRecord):
    """A team around the family meeting that reviews the plan and scores progress on each goal."""

    access_category = Category.GENERAL
    timeline_label = "Team around the family review"

    @classmethod
    def access_participants(cls, viewer):
        return episode_participants(viewer, "episode__")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    notes = models.TextField(blank=True)
    next_review_due = models.DateField()

    class Meta:
        ordering = ["-held_on", "-id"]

    def timeline_summary(self) -> str:
        return f"Team around the family review; next due {self.next_review_due:%d %B %Y}"

    def timeline_date(self):
        return datetime.datetime.combine(self.held_on, datetime.time(12), tzinfo=datetime.UTC)


class GoalScore(models.Model):
    """Progress on one goal at one review, 0 (no progress) to 10 (goal met)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField()
    comment = models.CharField(max_length=400, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "goal"], name="goal_score_unique"),
            models.CheckConstraint(condition=models.Q(score__lte=10), name="goal_score_0_to_10"),
        ]
