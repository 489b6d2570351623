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

from familyhub.access.records import Category, PersonRecord, category_choices
from familyhub.accounts.roles import Role


class Basis(models.TextChoices):
    """The lawful basis of a share or an agreement (UK GDPR Article 6(1)), in the law's words.

    "safeguarding" (the old "Safeguarding (no consent needed)") was migrated to the s.16LA duty
    (access migration 0009): it named exactly the ground the Children's Wellbeing and Schools Act
    2026 puts into statute, sharing information relevant to safeguarding without consent, which
    the duty makes a legal obligation (Article 6(1)(c)) rather than a judgement under public task.
    """

    CONSENT = "consent", "Consent (UK GDPR Article 6(1)(a))"
    DUTY_TO_SHARE = (
        "duty_to_share",
        "The duty to share information relevant to safeguarding (Children Act 2004 s.16LA): "
        "a legal obligation (UK GDPR Article 6(1)(c))",
    )
    VITAL_INTERESTS = "vital_interests", "Vital interests (UK GDPR Article 6(1)(d))"
    PUBLIC_TASK = "public_task", "Public task (UK GDPR Article 6(1)(e))"


# The short names the information governance lead's report and tables use.
BASIS_SHORT = {
    Basis.CONSENT: "Consent",
    Basis.DUTY_TO_SHARE: "Duty to share (s.16LA)",
    Basis.VITAL_INTERESTS: "Vital interests",
    Basis.PUBLIC_TASK: "Public task",
}


class Article9Condition(models.TextChoices):
    """The UK GDPR Article 9(2) condition for sharing special category data (health, mental
    health, sexual health, sexual violence, substance use), with the Data Protection Act 2018
    Schedule 1 condition where Article 9 needs a basis in law. Sources: the ICO's "What are the
    rules on special category data?" (the ten conditions, (a) to (j)) and DPA 2018 Schedule 1
    (legislation.gov.uk/ukpga/2018/12/schedule/1): paragraph 1 employment, social security and
    social protection; paragraph 2 health or social care purposes; paragraph 18 safeguarding of
    children and of individuals at risk. Only the conditions a family service relies on."""

    HEALTH_OR_SOCIAL_CARE = (
        "9_2_h",
        "Health or social care, Article 9(2)(h) (DPA 2018 Schedule 1 paragraph 2)",
    )
    SAFEGUARDING_CHILDREN = (
        "9_2_g_sch1_18",
        "Substantial public interest, Article 9(2)(g): safeguarding of children and of "
        "individuals at risk (DPA 2018 Schedule 1 paragraph 18)",
    )
    SOCIAL_PROTECTION = (
        "9_2_b",
        "Employment, social security and social protection law, Article 9(2)(b) "
        "(DPA 2018 Schedule 1 paragraph 1)",
    )
    VITAL_INTERESTS = (
        "9_2_c",
        "Vital interests, Article 9(2)(c) (the person cannot give consent)",
    )
    EXPLICIT_CONSENT = "9_2_a", "Explicit consent, Article 9(2)(a)"


# Special category data under UK GDPR Article 9(1) among Familyhub's categories: data concerning
# health (physical and mental, sexual health, substance use) and a person's sex life (sexual
# violence). Sharing it needs an Article 9 condition besides the lawful basis.
SPECIAL_CATEGORIES = frozenset(
    {
        Category.HEALTH,
        Category.MENTAL_HEALTH,
        Category.SEXUAL_HEALTH,
        Category.SEXUAL_VIOLENCE,
        Category.SUBSTANCE_USE,
    }
)


def is_special_category(category: str) -> bool:
    """Special category data, or "everything the service holds" (blank), which may include it."""
    return not category or category in {str(c) for c in SPECIAL_CATEGORIES}


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
    basis = models.CharField(max_length=20, choices=Basis.choices, default=Basis.DUTY_TO_SHARE)
    article9_condition = models.CharField(
        max_length=20,
        choices=Article9Condition.choices,
        blank=True,
        help_text="Required when the information is special category data",
    )
    # On the s.16LA duty without the family's consent: the safeguarding reason for sharing.
    safeguarding_reason = models.TextField(blank=True)
    # On consent: the consent relied on (recorded and not withdrawn when the share was made).
    consent = models.ForeignKey(
        Consent, on_delete=models.SET_NULL, null=True, blank=True, related_name="shares"
    )
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


class DecisionReview(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    UPHELD = "upheld", "Upheld"
    OVERTURNED = "overturned", "Overturned (sharing restored)"


class DecisionNotToShare(models.Model):
    """A recorded decision not to share a person's information from one service (optionally one
    category, optionally with one recipient), with its reason. It overrides agreements; an
    explicit share or break-glass made afterwards still works (and is itself logged).

    Under the s.16LA duty it must say why sharing would be more detrimental to the child, and
    it waits for the information governance lead's review: upheld, or overturned (which ends
    it, so the agreements share again)."""

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
    # The one exception the s.16LA duty allows: why sharing would be more detrimental to the
    # child than not sharing. Blank only on decisions recorded before the duty.
    detriment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(
        max_length=20, choices=DecisionReview.choices, default=DecisionReview.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["review_outcome"], name="decision_review_idx")]


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
    # Off unless the practitioner says so: a case note is written for colleagues, and notes
    # written before the family could sign in were never meant for them to read.
    for_family = models.BooleanField("The family can read this note on their side", default=False)

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


class ChronologyEntry(PersonRecord):
    """A practitioner's word on one event of a child's significant-events chronology: whether it
    is significant (overriding the default for its kind) and a one-line note. It points at the
    record the event comes from (content type + id) and takes that record's owning service and
    category, so whoever may see the record may see what was said about it."""

    timeline_label = "Chronology note"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    significant = models.BooleanField()
    note = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "chronology entries"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "content_type", "object_id"], name="chronology_entry_once"
            )
        ]

    def timeline_summary(self) -> str:
        marked = "Marked significant" if self.significant else "Marked not significant"
        return f"{marked} on the chronology" + (f": {self.note}" if self.note else "")

    def timeline_detail(self) -> str:
        return ""


class FamilyRelationship(models.TextChoices):
    SELF = "self", "Themselves (a young person 13 or over)"
    PARENT = "parent", "Parent or carer"


class HowConfirmed(models.TextChoices):
    IN_PERSON = "in_person", "In person at a centre"
    CHECK_QUESTION = "check_question", "Matched to the register and a check question"


class FamilyLink(models.Model):
    """A family account's link to a person in the register, confirmed by a practitioner who made
    sure who they are. Only a confirmed link that has not ended lets the account see anything
    (access.layer.family_people): an account with no link sees nothing of the record."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_links"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="family_links"
    )
    relationship = models.CharField(max_length=10, choices=FamilyRelationship.choices)
    how_confirmed = models.CharField(max_length=20, choices=HowConfirmed.choices)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "person"],
                condition=models.Q(ended_at__isnull=True),
                name="family_link_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.person} ({self.relationship})"

    @property
    def is_live(self) -> bool:
        return self.ended_at is None


class AddressProtection(models.Model):
    """The register protects a person's address and contact details from someone else in the
    household (a parent who has left after domestic abuse, say): the family side never shows
    them to that person's account, and to nobody on the family side when `from_person` is
    blank. The staff side is unchanged (the sharing rules govern it)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="address_protections"
    )
    from_person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank: from everyone on the family side",
    )
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)


class AccessQuestion(models.Model):
    """A family member's question about one entry of "who has looked at my record", for the
    information governance lead to answer."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="access_questions"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_questions"
    )
    # The access log's row by its sequence number (the log has no foreign keys by design).
    log_seq = models.PositiveBigIntegerField()
    question = models.TextField()
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["asked_at", "id"]


class SubjectAccessStatus(models.TextChoices):
    OPEN = "open", "Open"
    SENT = "sent", "Sent to the person"
    CLOSED = "closed", "Closed without sending"


class SubjectAccessRequest(models.Model):
    """A request from a person (or someone acting for them) for their data (UK GDPR Article 15),
    handled by the information governance lead. The answer is due one calendar month after the
    request is received (access.subject_access.deadline_for)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="subject_access_requests"
    )
    requested_by = models.CharField(
        "Who asked", max_length=200, help_text="The person themselves, or who acts for them"
    )
    received_on = models.DateField(default=timezone.localdate)
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=SubjectAccessStatus.choices, default=SubjectAccessStatus.OPEN
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "id"]
