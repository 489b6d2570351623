"""Background work of the notifications part (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from familyhub.notifications import emails


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """Email these notifications to the users who want an email for each (queued by notify).
    Returns how many emails were sent."""
    return emails.send_each(notification_ids)


@task()
def send_daily_digests() -> int:
    """The daily run: a digest to each user who chose one, and any "each" email that failed
    earlier. Returns how many emails were sent."""
    return emails.send_digests() + emails.send_missed()
