"""People: the spine of the register. One record per person, shared by every service.

Writes go through people.services; reads of a person's information go through the access layer.
Every model that refers to a Person joins merge and unmerge automatically (people.merging walks
Person's reverse relations), so later parts need do nothing but declare a ForeignKey.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from familyhub.places.models import Area, Authority, Site


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    UNKNOWN = "U", "Not known"


class Ethnicity(models.TextChoices):
    """ONS 2021 census categories (England)."""

    ASIAN_INDIAN = "A1", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "A2", "Asian or Asian British: Pakistani"
    ASIAN_BANGLADESHI = "A3", "Asian or Asian British: Bangladeshi"
    ASIAN_CHINESE = "A4", "Asian or Asian British: Chinese"
    ASIAN_OTHER = "A5", "Asian or Asian British: Any other Asian background"
    BLACK_CARIBBEAN = "B1", "Black, Black British, Caribbean or African: Caribbean"
    BLACK_AFRICAN = "B2", "Black, Black British, Caribbean or African: African"
    BLACK_OTHER = "B3", "Black, Black British, Caribbean or African: Any other Black background"
    MIXED_WHITE_BLACK_CARIBBEAN = "M1", "Mixed or multiple: White and Black Caribbean"
    MIXED_WHITE_BLACK_AFRICAN = "M2", "Mixed or multiple: White and Black African"
    MIXED_WHITE_ASIAN = "M3", "Mixed or multiple: White and Asian"
    MIXED_OTHER = "M4", "Mixed or multiple: Any other Mixed or multiple background"
    WHITE_BRITISH = "W1", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "W2", "White: Irish"
    WHITE_GYPSY_TRAVELLER = "W3", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "W4", "White: Roma"
    WHITE_OTHER = "W5", "White: Any other White background"
    OTHER_ARAB = "O1", "Other ethnic group: Arab"
    OTHER_ANY = "O2", "Other ethnic group: Any other ethnic group"
    NOT_STATED = "NS", "Not stated"


class NhsNumberStatus(models.TextChoices):
    """The NHS Data Dictionary's NHS NUMBER STATUS INDICATOR CODE: how far an NHS number is
    trusted. Only 01 is verified (by a trace against the Personal Demographics Service, or a
    number the NHS itself sent, such as a birth notification)."""

    VERIFIED = "01", "Present and verified"
    NOT_TRACED = "02", "Present but not traced"
    TRACE_REQUIRED = "03", "Trace required"
    NO_MATCH = "04", "Trace attempted: no match or multiple matches"
    TO_RESOLVE = "05", "Trace needs to be resolved (NHS number or details conflict)"
    IN_PROGRESS = "06", "Trace in progress"
    NOT_REQUIRED = "07", "Number not present and trace not required"
    POSTPONED = "08", "Trace postponed (baby under six weeks old)"


class Person(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100)
    known_as = models.CharField(max_length=100, blank=True, help_text="Preferred name")
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_delivery = models.DateField(
        null=True, blank=True, help_text="For an unborn child"
    )
    is_unborn = models.BooleanField(default=False)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True)
    # Blank until someone or something says: a typed number is 02 until a trace verifies it.
    nhs_number_status = models.CharField(
        "NHS number status", max_length=2, choices=NhsNumberStatus.choices, blank=True
    )
    upn = models.CharField("unique pupil number", max_length=13, blank=True)
    ethnicity = models.CharField(max_length=2, choices=Ethnicity.choices, blank=True)
    first_language = models.CharField(max_length=60, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    disability_or_send = models.BooleanField("disability or SEND", default=False)
    send_detail = models.CharField(max_length=240, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    # The current address, kept beside its history (Address) because matching and lists use it.
    address_line1 = models.CharField(max_length=160, blank=True)
    address_line2 = models.CharField(max_length=160, blank=True)
    town = models.CharField(max_length=80, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A merged-away record redirects to the person it was merged into.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    version = models.PositiveIntegerField(default=1, help_text="Raised by every edit")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "people"
        indexes = [
            models.Index(fields=["family_name", "given_name"], name="person_name_idx"),
            models.Index(fields=["date_of_birth"], name="person_dob_idx"),
            models.Index(fields=["postcode"], name="person_postcode_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_unborn=False)
                | models.Q(expected_date_of_delivery__isnull=False),
                name="person_unborn_has_expected_date",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        given = self.known_as or self.given_name
        if self.is_unborn and not given:
            return f"Unborn baby {self.family_name}".strip()
        return f"{given} {self.family_name}".strip()

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class PreviousName(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="previous_names")
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100)
    until = models.DateField(null=True, blank=True)


class Household(models.Model):
    """People who live together, over time. The card number is printed on a family's hub card:
    it is not a secret and grants nothing."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    card_number = models.CharField(max_length=12, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Household {self.card_number}"


class HouseholdMembership(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="household_memberships"
    )
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "end"], name="membership_person_end_idx")]
        constraints = [
            # One open membership of a household per person (merge keeps a clashing one aside).
            models.UniqueConstraint(
                fields=["household", "person"],
                condition=models.Q(end__isnull=True),
                name="membership_one_open_per_household",
            )
        ]


class RelationshipKind(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    PARENT = "parent", "Parent"
    STEP_PARENT = "step_parent", "Step-parent"
    CARER = "carer", "Carer"
    FOSTER_CARER = "foster_carer", "Foster carer"
    GRANDPARENT = "grandparent", "Grandparent"
    SIBLING = "sibling", "Sibling"
    HALF_SIBLING = "half_sibling", "Half-sibling"
    PARTNER = "partner", "Partner"
    OTHER = "other", "Other relative"


class Relationship(models.Model):
    """`person` is the `kind` of `relative`: (Jane, mother, Tom) reads 'Jane is Tom's mother'."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_out")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_in")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    parental_responsibility = models.BooleanField(default=False)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(person=models.F("relative")), name="relationship_not_self"
            )
        ]


class Address(models.Model):
    """Where a person has lived, and since when. The open row (no end) is the current address."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line1 = models.CharField(max_length=160)
    line2 = models.CharField(max_length=160, blank=True)
    town = models.CharField(max_length=80, blank=True)
    postcode = models.CharField(max_length=8)
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "addresses"


class ContactKind(models.TextChoices):
    MOBILE = "mobile", "Mobile phone"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"


class ContactDetail(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contact_details")
    kind = models.CharField(max_length=10, choices=ContactKind.choices)
    value = models.CharField(max_length=200)
    preferred = models.BooleanField(default=False)
    ok_to_leave_message = models.BooleanField(default=False)
    ok_to_text = models.BooleanField(default=False)


class Registration(models.Model):
    """A person registered by a site, service and team: who knows them, and where.

    A confirmed registration is involvement: the team (or, where the council works by locality,
    every team at its site's locality) sees the family's core record. A registration of someone
    the registrar could not already see (a family already known to another service) waits for
    a manager of the team to confirm it (`confirmed_at`); until then it gives nothing.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="registrations")
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(
        "services.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    team = models.ForeignKey(
        "services.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Why the registrar registered someone they could not see (shown to the confirming manager).
    reason = models.TextField(blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class PersonChange(models.Model):
    """History of edits to a person's record: who changed which field from what to what, when."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    field = models.CharField(max_length=60)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at"]


class MergeRecord(models.Model):
    """One merge of a duplicate record into a survivor: who, when, why, and (in its moves) every
    reference that changed, so that the merge can be undone exactly."""

    # The merge's own references to both people must never be moved by a later merge.
    merge_policy = "skip"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    duplicate = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_absorbed")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField()
    reason = models.TextField()
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerge_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"Merge of {self.duplicate_id} into {self.survivor_id}"

    @property
    def is_undone(self) -> bool:
        return self.unmerged_at is not None


class MergeAction(models.TextChoices):
    MOVED = "moved", "Reference moved to the survivor"
    KEPT = "kept", "Reference kept on the duplicate (it would clash with the survivor's own)"
    COPIED = "copied", "Field copied onto the survivor (it was empty)"


class MergeMove(models.Model):
    """One reference or field that a merge changed, with the value it had before."""

    merge = models.ForeignKey(MergeRecord, on_delete=models.CASCADE, related_name="moves")
    action = models.CharField(max_length=10, choices=MergeAction.choices)
    model_label = models.CharField(max_length=100, help_text="app_label.ModelName")
    object_pk = models.CharField(max_length=64)
    field_name = models.CharField(max_length=100)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    note = models.CharField(max_length=240, blank=True)

    class Meta:
        indexes = [models.Index(fields=["merge", "action"], name="mergemove_merge_action_idx")]


class ImportStatus(models.TextChoices):
    CHECKED = "checked", "Checked, waiting to import"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed"


class PersonImport(models.Model):
    """An uploaded file of people: its rows, the column mapping chosen, and what became of it."""

    merge_policy = "skip"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=200)
    # Rows as parsed (a list of lists of strings, the header first), kept so the browser journey
    # can map columns, check and import in separate requests without re-uploading.
    rows = models.JSONField(default=list)
    mapping = models.JSONField(default=dict, help_text="Our field name -> column header")
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_count = models.PositiveIntegerField(default=0)
    linked_count = models.PositiveIntegerField(default=0)
    # Rows that failed checks: [{"row": n, "values": {...}, "errors": {"field": "message"}}]
    bad_rows = models.JSONField(default=list)

    def __str__(self) -> str:
        return self.filename


class ImportLink(models.Model):
    """A row of an import and the person it became: created new, or linked to an existing one."""

    person_import = models.ForeignKey(PersonImport, on_delete=models.CASCADE, related_name="links")
    row_number = models.PositiveIntegerField()
    source_id = models.CharField(max_length=100, blank=True, help_text="The file's own id")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="import_links")
    created = models.BooleanField(help_text="True: a new person; False: linked to an existing one")
    score = models.FloatField(null=True, blank=True)
