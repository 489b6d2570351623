"""The family's door: one-time sign-in codes, requests to be linked to a record, and the
registrations a family makes itself, waiting for reception.

A family account is an accounts.User with Role.FAMILY whose username is the email address or
mobile number it signs in with. Nothing here lets the account see the register: that needs a
confirmed access.FamilyLink, which only a practitioner makes.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignInCode(models.Model):
    """A one-time code sent to an email address or mobile number. Only its keyed hash is kept;
    it works once, until `expires_at`, and a wrong guess counts toward the lockout (axes)."""

    identifier = models.CharField(max_length=150, db_index=True)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["ip_address", "created_at"], name="signincode_ip_idx")]

    def __str__(self) -> str:
        return f"Code for {self.identifier} ({self.created_at:%Y-%m-%d %H:%M})"


class RequestStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for a practitioner to check")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Could not be confirmed")


class LinkRequest(models.Model):
    """A family member asks to be linked to their record (or their child's): what they typed,
    checked by reception against the register before anything is shown to them."""

    class Relationship(models.TextChoices):
        SELF = "self", _("I am the person (aged 13 or over)")
        PARENT = "parent", _("I am their parent or carer")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="link_requests"
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    postcode = models.CharField(max_length=8)
    relationship = models.CharField(max_length=10, choices=Relationship.choices)
    # The family's answer to the check question (what a practitioner asks or compares).
    check_answer = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.WAITING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decline_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Link request from {self.account} ({self.get_status_display()})"


class SelfRegistration(models.Model):
    """A family registers itself: the household's address and its people (the adults, the
    children and an expected baby), waiting for reception to match them against the register and
    confirm. Nothing reaches the register until then."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="self_registrations"
    )
    address_line1 = models.CharField(max_length=160)
    town = models.CharField(max_length=80, blank=True)
    postcode = models.CharField(max_length=8)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.WAITING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decline_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Registration from {self.account} ({self.get_status_display()})"


class SelfRegisteredPerson(models.Model):
    """One person in a family's own registration."""

    class Kind(models.TextChoices):
        ME = "me", _("Me")
        ADULT = "adult", _("Another adult")
        CHILD = "child", _("A child")
        EXPECTED = "expected", _("A baby we are expecting")

    registration = models.ForeignKey(
        SelfRegistration, on_delete=models.CASCADE, related_name="people"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date = models.DateField(null=True, blank=True)
    # The register's record this person became (new or matched) once reception confirmed.
    person = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class ReminderSent(models.Model):
    """A reminder or place-offered message already sent for a booking, so the task that sends
    them can run as often as it likes and say each thing once."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder the day before"
        PLACE = "place", "A place came up from the waiting list"

    booking = models.ForeignKey("hubs.Booking", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "kind", "account"], name="reminder_once_per_booking"
            )
        ]


class FamilyBooking(models.Model):
    """A booking a family made (or was moved onto) from the family side, remembering whether it
    started on the waiting list, so a freed place can be offered to them in words."""

    booking = models.OneToOneField("hubs.Booking", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    started_waiting = models.BooleanField(default=False)


class Passkey(models.Model):
    """A passkey (WebAuthn credential) a family account signs in with instead of a code: the
    stronger option, bound to this site and unlockable only on the person's own device."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys"
    )
    credential_id = models.BinaryField(max_length=1023, unique=True)
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    name = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name
