"""What the family side tells a family about its bookings, by email or text message (to the
address or number the account signs in with): a reminder the day before, and a place that has
come up for someone on a waiting list. Each message holds the session's name, place and time,
never anything from the record."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from familyhub.hubs.models import BookingStatus
from familyhub.portal import messages
from familyhub.portal.models import FamilyBooking, ReminderSent


def _session_words(booking) -> str:
    session = booking.session
    return _("%(activity)s at %(site)s on %(day)s at %(time)s") % {
        "activity": session.activity.name,
        "site": session.site.name,
        "day": f"{session.date:%A} {session.date.day} {session.date:%B}",
        "time": f"{session.start_time:%H:%M}",
    }


def _send_once(family_booking: FamilyBooking, kind: str, subject: str, body: str) -> bool:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                booking=family_booking.booking, kind=kind, account=family_booking.account
            )
            messages.send_to(family_booking.account.username, subject=subject, body=body)
    except IntegrityError:
        return False  # already sent (another run got there first)
    return True


def _family_bookings(**filters):
    return FamilyBooking.objects.filter(
        booking__status=BookingStatus.BOOKED,
        booking__session__cancelled=False,
        booking__session__date__gte=timezone.localdate(),
        **filters,
    ).select_related("account", "booking__session__activity", "booking__session__site")


def send_reminders(*, today: datetime.date | None = None) -> int:
    """A reminder for each family booking of a session tomorrow."""
    tomorrow = (today or timezone.localdate()) + datetime.timedelta(days=1)
    sent = 0
    rows = _family_bookings(booking__session__date=tomorrow).exclude(
        booking__in=ReminderSent.objects.filter(kind=ReminderSent.Kind.REMINDER).values("booking")
    )
    for row in rows:
        sent += _send_once(
            row,
            ReminderSent.Kind.REMINDER,
            _("Your session is tomorrow"),
            _(
                "A reminder: %(session)s. If you cannot come, cancel on the family pages so "
                "someone else can have the place."
            )
            % {"session": _session_words(row.booking)},
        )
    return sent


def send_places_offered() -> int:
    """Tell each family that was on a waiting list and now has a place."""
    sent = 0
    rows = _family_bookings(started_waiting=True).exclude(
        booking__in=ReminderSent.objects.filter(kind=ReminderSent.Kind.PLACE).values("booking")
    )
    seen_courses: set[tuple[int, int]] = set()
    for row in rows:
        course = row.booking.course_id
        if course is not None:
            # A course is one place: one message, not one a week.
            if (course, row.account_id) in seen_courses:
                ReminderSent.objects.get_or_create(
                    booking=row.booking, kind=ReminderSent.Kind.PLACE, account=row.account
                )
                continue
            seen_courses.add((course, row.account_id))
        sent += _send_once(
            row,
            ReminderSent.Kind.PLACE,
            _("A place has come up for you"),
            _(
                "Good news: a place has come up. You now have a place at %(session)s. If you "
                "cannot come, cancel on the family pages."
            )
            % {"session": _session_words(row.booking)},
        )
    return sent
