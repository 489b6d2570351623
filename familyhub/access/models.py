"""The data-sharing protocol's facts: agreements, consent, shares, decisions not to share,
break-glass, the append-only access log, and the shared case note.

Rules about who may see what live in access.layer (the one enforcement point), not here.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from familyhub.access.records import PersonRecord, category_choices
from familyhub.accounts.roles import Role


class Basis(models.TextChoices):
    PUBLIC_TASK = "public_task", "Public task"
    CONSENT = "consent", "Consent"
    SAFEGUARDING = "safeguarding", "Safeguarding (no consent needed)"


class SharingAgreement(models.Model):
    """One line of the signed data-sharing protocol: staff of `recipient_service` holding one of
    `roles` may see records in `categories` owned by `owner_service`, on `basis`.

    A blank recipient means every service in the model; such a line never covers a sensitive
    category, which must name its recipient. Empty roles mean every practitioner role.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    owner_service = models.ForeignKey(
        "services.Service", on_delete=models.CASCADE, related_name="agreements_as_owner"
    )
    recipient_service = models.ForeignKey(
        "services.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="agreements_as_recipient",
        help_text="Leave blank for every service (never covers sensitive categories).",
    )
    roles = models.JSONField(
        default=list, blank=True, help_text='Role values, e.g. ["health_visitor"]; empty: all'
    )
    categories = models.JSONField(default=list, help_text='Category values, e.g. ["health"]')
    basis = models.CharField(max_length=20, choices=Basis.choices, default=Basis.PUBLIC_TASK)
    starts = models.DateField(null=True, blank=True)
    ends = models.DateField(null=True, blank=True)
    signed_by = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["owner_service__name", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        known = {value for value, _ in category_choices()}
        if not isinstance(self.categories, list) or not self.categories:
            raise ValidationError({"categories": "List at least one category."})
        unknown = [c for c in self.categories if c not in known]
        if unknown:
            raise ValidationError({"categories": f"Unknown categories: {', '.join(unknown)}"})
        if not isinstance(self.roles, list):
            raise ValidationError({"roles": "Give a list of roles (or an empty list for all)."})
        bad_roles = [r for r in self.roles if r not in Role.values]
        if bad_roles:
            raise ValidationError({"roles": f"Unknown roles: {', '.join(bad_roles)}"})
        if self.starts and self.ends and self.ends < self.starts:
            raise ValidationError({"ends": "The end date must be on or after the start date."})


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", "Verbally"
    WRITTEN = "written", "In writing"
    ONLINE = "online", "Online"


class ConsentPurpose(models.TextChoices):
    SHARING = "sharing", "Sharing information between services"
    EARLY_HELP = "early_help", "Receiving early help"
    CONTACT = "contact", "Being contacted about services"


class Consent(models.Model):
    """A person's consent (or refusal) to share, with its scope, how and when it was taken, and
    its withdrawal. Consent to early help is separate from the basis for sharing."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="consents")
    given = models.BooleanField(help_text="Given (true) or refused (false)")
    services = models.ManyToManyField(
        "services.Service", blank=True, related_name="+", help_text="Empty: every service"
    )
    # One purpose per record: consent to share and consent to early help are separate things.
    purpose = models.CharField(
        max_length=20, choices=ConsentPurpose.choices, default=ConsentPurpose.SHARING
    )
    given_on = models.DateField(default=timezone.localdate)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    method = models.CharField(max_length=10, choices=ConsentMethod.choices)
    note = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawal_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-created_at"]


class Share(models.Model):
    """An explicit share: one record (content_type + object_id) or a person's records of one
    owning service (optionally one category) shown to a named team or service."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="shares")
    owning_service = models.ForeignKey(
        "services.Service", on_delete=models.CASCADE, related_name="shares_out"
    )
    category = models.CharField(
        max_length=32, choices=category_choices, blank=True, help_text="Blank: every category"
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    recipient_team = models.ForeignKey(
        "services.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="shares_in"
    )
    recipient_service = models.ForeignKey(
        "services.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shares_in",
    )
    basis = models.CharField(max_length=20, choices=Basis.choices, default=Basis.SAFEGUARDING)
    reason = models.TextField()
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    shared_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient_team__isnull=False)
                | models.Q(recipient_service__isnull=False),
                name="share_names_a_recipient",
            ),
            models.CheckConstraint(
                condition=models.Q(content_type__isnull=True, object_id__isnull=True)
                | models.Q(content_type__isnull=False, object_id__isnull=False),
                name="share_record_is_whole",
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="share_record_idx")]


class DecisionNotToShare(models.Model):
    """A recorded decision not to share a person's information from one service (optionally one
    category, optionally with one recipient), with its reason. It overrides agreements; an
    explicit share or break-glass made afterwards still works (and is itself logged)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="decisions_not_to_share"
    )
    owning_service = models.ForeignKey(
        "services.Service", on_delete=models.CASCADE, related_name="+"
    )
    recipient_service = models.ForeignKey(
        "services.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank: every other service",
    )
    category = models.CharField(max_length=32, choices=category_choices, blank=True)
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    JUSTIFIED = "justified", "Justified"
    NOT_JUSTIFIED = "not_justified", "Not justified"


class BreakGlassGround(models.TextChoices):
    """Why someone breaks the glass: the urgent safeguarding grounds a council's policy names."""

    RISK_OF_HARM = "risk_of_harm", "A child or adult is at immediate risk of harm"
    MISSING = "missing", "A child is missing"
    EMERGENCY_SERVICES = "emergency", "The police or an ambulance crew need information now"
    OUT_OF_HOURS = "out_of_hours", "An out-of-hours safeguarding concern"
    OTHER = "other", "Another urgent safeguarding reason"


class BreakGlass(models.Model):
    """Time-limited access to one person (and their household's core record) for a stated
    safeguarding reason, reviewed afterwards by the information governance lead."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_uses"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="break_glass_uses"
    )
    ground = models.CharField(
        max_length=20, choices=BreakGlassGround.choices, default=BreakGlassGround.OTHER
    )
    reason = models.TextField()
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    review_status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "expires_at"], name="breakglass_user_expiry_idx")]

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()


class SharedNote(PersonRecord):
    """A case note any service may write about a person, shared by the protocol like any record
    (a domestic abuse service's note is hidden from other services unless shared)."""

    timeline_label = "Case note"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)

    class Meta:
        ordering = ["-recorded_at"]

    def timeline_summary(self) -> str:
        return self.title


class StaffHomeAddress(models.Model):
    """A member of staff's own home postcode and surname as declared to information governance,
    so that a user looking at their own neighbours or family shows up as unusual access."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="home_address"
    )
    address_line1 = models.CharField(max_length=160, blank=True)
    postcode = models.CharField(max_length=8)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "staff home addresses"
