"""Background work of the family's door (django-tasks): booking reminders and freed places."""

from __future__ import annotations

from django_tasks import task

from familyhub.portal import reminders


@task()
def send_booking_messages() -> int:
    """Tell families about tomorrow's sessions, and anyone moved from a waiting list onto a
    place. Each message goes once (portal.ReminderSent). Returns how many were sent."""
    return reminders.send_places_offered() + reminders.send_reminders()
