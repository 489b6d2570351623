"""Notifications: what needs a member of staff, and how each wants to hear of it.

A notification is about work, never about a person: its subject is a short line the caller writes
without anyone's name or details ("A new referral is in the Family hub (Central) inbox"), and its
url a page inside the service, which needs signing in and reads through the access layer like
every other page. That is what lets it go into an email.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

SUBJECT_MAX = 200
URL_MAX = 300
KEY_MAX = 200


class NotificationKind(models.TextChoices):
    REFERRAL = "referral", "New referral"
    REFERRAL_UPDATE = "referral_update", "A referral you made"
    ALLOCATION = "allocation", "Allocated to you"
    OVERDUE = "overdue", "Overdue"
    ESCALATION = "escalation", "Escalated to you"
    REVIEW_ALERT = "review_alert", "Alert from a review"
    BREAK_GLASS = "break_glass", "Emergency access to a record you lead"


class Notification(models.Model):
    """One thing that needs one member of staff. `key` (when not blank) names the event, so that
    a check repeated every hour tells a person once: unique per user."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    subject = models.CharField(max_length=SUBJECT_MAX)
    url = models.CharField(max_length=URL_MAX)
    key = models.CharField(max_length=KEY_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=~models.Q(key=""),
                name="notification_unique_user_key",
            )
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_created_idx"),
            # The count in every page's header: the user's unread notifications.
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailChoice(models.TextChoices):
    EACH = "each", "An email for each notification"
    DAILY = "daily", "One email a day, listing the day's notifications"
    NONE = "none", "No emails: I will check the notifications page"


class NotificationPreference(models.Model):
    """How a member of staff wants to hear of their notifications (no row: an email for each)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(max_length=8, choices=EmailChoice.choices, default=EmailChoice.EACH)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.get_email_display()}"
