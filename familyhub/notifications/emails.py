"""The emails of notifications: one for each notification, or a daily digest.

An email holds a notification's subject line (written without anyone's name or details: see
notifications.services), a link into the service (FAMILYHUB_BASE_URL + the notification's page,
which needs signing in and reads through the access layer) and how to change the choice. Nothing
else: no person's name, NHS number, date of birth or address, in the body or the headers, whose
subject line is fixed.

Each email claims its notifications first (a conditional UPDATE of emailed_at), so two workers
never send the same one twice; if sending fails the claim is given back and the daily run
(`familyhub notifications-digest`) tries again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from familyhub.notifications.models import EmailChoice, Notification

# A digest lists this many notifications; the rest are on the notifications page.
DIGEST_MOST = 50
# An "each" email not sent after this long (the mail server was down) is sent by the daily run.
RETRY_AFTER = timedelta(minutes=15)


def absolute(path: str) -> str:
    return settings.FAMILYHUB_BASE_URL.rstrip("/") + path


def each_subject() -> str:
    return f"{settings.FAMILYHUB_SERVICE_NAME}: something needs you"


def digest_subject() -> str:
    return f"{settings.FAMILYHUB_SERVICE_NAME}: what needs you today"


def _preferences_line(what: str) -> str:
    return f"You get {what}. To change that, go to {absolute(reverse('notifications:preferences'))}"


def each_body(notification: Notification) -> str:
    return (
        f"{notification.subject}\n\n"
        f"Open it here (you will need to sign in):\n{absolute(notification.url)}\n\n"
        f"{_preferences_line('an email for each notification')}\n"
    )


def digest_body(notifications: list[Notification]) -> str:
    shown = notifications[:DIGEST_MOST]
    lines = [
        f"{len(notifications)} new notification{'s' if len(notifications) != 1 else ''} "
        "(you will need to sign in to open them):",
        "",
    ]
    for notification in shown:
        lines += [notification.subject, absolute(notification.url), ""]
    if len(notifications) > len(shown):
        lines += [
            f"And {len(notifications) - len(shown)} more: "
            f"{absolute(reverse('notifications:list'))}",
            "",
        ]
    lines.append(_preferences_line("one email a day listing your notifications"))
    return "\n".join(lines) + "\n"


def _pending() -> QuerySet[Notification]:
    """Notifications not emailed nor read, of active users with an email address."""
    return (
        Notification.objects.filter(
            emailed_at__isnull=True, read_at__isnull=True, user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user")
    )


def _wanting(choice: str) -> Q:
    wants = Q(user__notification_preference__email=choice)
    if choice == EmailChoice.EACH:  # the default, for users who never chose
        wants |= Q(user__notification_preference__isnull=True)
    return wants


def send_each(notification_ids: Iterable[int]) -> int:
    """Email each of these notifications to its user if they want an email for each (and have
    not read it yet). Returns how many emails were sent."""
    ids = [int(pk) for pk in notification_ids]
    if not ids:
        return 0
    rows = list(_pending().filter(_wanting(EmailChoice.EACH), pk__in=ids).order_by("pk"))
    sent = 0
    if not rows:
        return 0
    with get_connection() as connection:
        for row in rows:
            stamp = timezone.now()
            claimed = Notification.objects.filter(pk=row.pk, emailed_at__isnull=True)
            if not claimed.update(emailed_at=stamp):
                continue  # another worker sent it
            message = EmailMessage(
                subject=each_subject(),
                body=each_body(row),
                to=[row.user.email],
                connection=connection,
            )
            try:
                message.send()
            except Exception:
                Notification.objects.filter(pk=row.pk, emailed_at=stamp).update(emailed_at=None)
                raise
            sent += 1
    return sent


def send_digests() -> int:
    """One email to each user who chose a daily digest, listing their notifications not yet
    emailed nor read, oldest first. Returns how many emails were sent."""
    pending = _pending().filter(_wanting(EmailChoice.DAILY))
    user_ids = sorted(set(pending.values_list("user_id", flat=True)))
    sent = 0
    if not user_ids:
        return 0
    with get_connection() as connection:
        for user_id in user_ids:
            ids = list(pending.filter(user_id=user_id).values_list("pk", flat=True))
            stamp = timezone.now()
            Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(
                emailed_at=stamp
            )
            mine = list(
                Notification.objects.filter(pk__in=ids, emailed_at=stamp)
                .select_related("user")
                .order_by("created_at", "pk")
            )
            if not mine:
                continue  # another run sent them
            message = EmailMessage(
                subject=digest_subject(),
                body=digest_body(mine),
                to=[mine[0].user.email],
                connection=connection,
            )
            try:
                message.send()
            except Exception:
                Notification.objects.filter(pk__in=ids, emailed_at=stamp).update(emailed_at=None)
                raise
            sent += 1
    return sent


def send_missed(*, now=None) -> int:
    """Send the "each" emails that should have gone a while ago (the task failed)."""
    before = (now or timezone.now()) - RETRY_AFTER
    ids = (
        _pending()
        .filter(_wanting(EmailChoice.EACH), created_at__lt=before)
        .values_list("pk", flat=True)
    )
    return send_each(list(ids))
