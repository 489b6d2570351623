"""Every write of the notifications part: notifying, marking read, each user's preference.

Other parts call `notify` with the users to tell (notifications.selectors picks team and service
members), a kind, a subject and a page of the service. A notification is about work, never about
a person: the subject must not hold anyone's name or details (it goes into emails), and `notify`
replaces a subject that looks like it holds an NHS number, a date or a full postcode. Nothing here writes a
person's information, so nothing here writes the access log.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.notifications.models import (
    KEY_MAX,
    SUBJECT_MAX,
    URL_MAX,
    EmailChoice,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from familyhub.notifications.selectors import owning_team_ids, team_members
from familyhub.notifications.tasks import send_notification_emails

__all__ = [
    "mark_all_read",
    "mark_read",
    "notify",
    "notify_named_or_team_leaders",
    "set_preference",
]

logger = logging.getLogger(__name__)

_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
# What would say who a notification is about: an NHS number, a date, a full postcode.
_PERSONAL = re.compile(
    r"\b\d{3} ?\d{3} ?\d{4}\b"
    r"|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b"
    rf"|\b\d{{1,2}} (?:{_MONTHS})[a-z]* \d{{4}}\b"
    r"|\b[a-z]{1,2}\d[a-z\d]? ?\d[a-z]{2}\b",
    re.IGNORECASE,
)


def _subject(subject: str, kind: NotificationKind) -> str:
    """The subject as stored: on one line, cut to fit with an ellipsis. One that looks like it
    holds a person's details (a caller's mistake) is replaced by the kind's own words, so the
    detail reaches no email and the caller's work is not stopped; the warning says which kind,
    never the text."""
    text = " ".join(str(subject or "").split())
    if _PERSONAL.search(text):
        logger.warning(
            "A %s notification's subject looked like it held a person's details (an NHS "
            "number, a date or a postcode): it was replaced by the kind's name.",
            kind.value,
        )
        text = ""
    if not text:
        return str(kind.label)
    if len(text) > SUBJECT_MAX:
        text = text[: SUBJECT_MAX - 1].rstrip() + "\u2026"
    return text


def _url(url: str) -> str:
    url = str(url or "")
    if (
        not url.startswith("/")
        or url.startswith("//")
        or "\\" in url
        or any(c.isspace() for c in url)
        or len(url) > URL_MAX
    ):
        raise ValueError(
            f"A notification's url must be a path inside the service, like /referrals/: {url!r}"
        )
    return url


def _user_ids(users: Any) -> Any:
    """Users' keys: a subquery for a queryset, else a list (of users or of keys)."""
    if isinstance(users, QuerySet):
        return users.values("pk")
    return [getattr(user, "pk", user) for user in users]


def _create(rows: list[Notification]) -> list[Notification]:
    """Insert the rows; if another check notified one of these users with the same key meanwhile
    (the unique key), insert the others one by one and skip theirs."""
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:
        made = []
        for row in rows:
            fresh = Notification(
                user_id=row.user_id, kind=row.kind, subject=row.subject, url=row.url, key=row.key
            )
            try:
                with transaction.atomic():
                    fresh.save()
            except IntegrityError:
                continue
            made.append(fresh)
        return made


@transaction.atomic
def notify(users: Iterable[Any], *, kind: str, subject: str, url: str, key: str = "") -> int:
    """Tell each active one of `users` (users, their keys, or a queryset of users) that something
    needs them: `subject` says what in a line with no person's details, `url` is the page of the
    service where it is. A non-blank `key` names the event: a user already told of it is not told
    again. Returns how many were told; queues the email of those who want one for each
    notification (a background task). Runs inside the caller's transaction when there is one."""
    kind = NotificationKind(kind)  # ValueError for a kind that does not exist
    subject = _subject(subject, kind)
    url = _url(url)
    key = str(key or "").strip()
    if len(key) > KEY_MAX:
        raise ValueError(f"A notification's key must be {KEY_MAX} characters or less.")
    ids = _user_ids(users)
    if not isinstance(ids, QuerySet) and not ids:
        return 0
    recipients = list(
        User.objects.filter(pk__in=ids, is_active=True)
        .order_by("pk")
        .values_list("pk", "email", "notification_preference__email")
    )
    if key and recipients:
        told = set(
            Notification.objects.filter(
                key=key, user_id__in=[pk for pk, _, _ in recipients]
            ).values_list("user_id", flat=True)
        )
        recipients = [row for row in recipients if row[0] not in told]
    if not recipients:
        return 0
    made = _create(
        [
            Notification(user_id=pk, kind=kind, subject=subject, url=url, key=key)
            for pk, _, _ in recipients
        ]
    )
    wants_each = {
        pk
        for pk, email, choice in recipients
        if email and (choice is None or choice == EmailChoice.EACH)
    }
    to_email = [row.pk for row in made if row.user_id in wants_each]
    if to_email:
        send_notification_emails.enqueue(to_email)
    return len(made)


def notify_named_or_team_leaders(
    *,
    named_user_id: int | None,
    team_id: int | None,
    service_id: int | None,
    area_id: int | None,
    by: Any,
    kind: str,
    subject: str,
    url: str,
    key: str = "",
) -> int:
    """Tell the named practitioner (a child's named health visitor), unless they are the one
    recording (`by`) or no longer active; otherwise the team leaders of the owning team: the
    named practitioner's team, else the service's teams in the locality of the person's area
    (`area_id`), else all the service's teams. The one recording is never told of their own
    work."""
    by_pk = getattr(by, "pk", by)
    if named_user_id is not None and named_user_id != by_pk:
        told = notify([named_user_id], kind=kind, subject=subject, url=url, key=key)
        if told or User.objects.filter(pk=named_user_id, is_active=True).exists():
            return told
    teams = owning_team_ids(team_id=team_id, service_id=service_id, area_id=area_id)
    if not teams:
        return 0
    leaders = team_members(teams, roles=[Role.TEAM_LEADER]).exclude(pk=by_pk)
    return notify(leaders, kind=kind, subject=subject, url=url, key=key)


def mark_read(user: Any, notification_ids: Iterable[int]) -> int:
    """Mark these of the user's own notifications read (others' are left alone); how many."""
    ids = [int(pk) for pk in notification_ids]
    if not ids:
        return 0
    return Notification.objects.filter(user_id=user.pk, pk__in=ids, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_all_read(user: Any) -> int:
    """Mark every unread notification of the user read; how many."""
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


CHANGED_MEANWHILE = (
    "Your email choice was changed in another window or tab while this page was open. "
    "Check it and save again."
)


@transaction.atomic
def set_preference(user: Any, *, email: str, version: int | None = None) -> NotificationPreference:
    """Set how the user hears of their notifications by email: "each", "daily" or "none".
    With `version` (the one the form showed: 0 before any choice was saved) a change made in
    the meantime is refused with a message, not overwritten."""
    if email not in EmailChoice.values:
        raise ValidationError({"email": "Select how you want to hear of your notifications"})
    current = NotificationPreference.objects.filter(user_id=user.pk).first()
    if current is None:
        if version not in (None, 0):
            raise ValidationError({"email": CHANGED_MEANWHILE})
        try:
            with transaction.atomic():
                return NotificationPreference.objects.create(user_id=user.pk, email=email)
        except IntegrityError:  # saved in another tab a moment ago
            if version is not None:
                raise ValidationError({"email": CHANGED_MEANWHILE}) from None
            current = NotificationPreference.objects.get(user_id=user.pk)
    rows = NotificationPreference.objects.filter(pk=current.pk)
    if version is not None:
        rows = rows.filter(version=version)
    if not rows.update(email=email, version=F("version") + 1, updated_at=timezone.now()):
        raise ValidationError({"email": CHANGED_MEANWHILE})
    current.refresh_from_db()
    return current
