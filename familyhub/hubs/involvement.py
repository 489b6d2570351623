"""This part's involvement: the staff of a session are involved with the families booked on it,
and, for a while afterwards, with those who came. Registered with the access layer in ready()."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from familyhub.access.involvement import days_after_end
from familyhub.hubs.models import Attendance, Booking
from familyhub.hubs.permissions import sessions_run_by


def _recent_sessions(viewer) -> QuerySet:
    since = timezone.localdate() - datetime.timedelta(days=days_after_end("session"))
    return sessions_run_by(viewer).filter(date__gte=since).values("pk")


def bookings(viewer) -> QuerySet:
    """A booking (or a place on the waiting list) on a session the team runs."""
    return Booking.objects.filter(
        session__in=_recent_sessions(viewer), status__in=["booked", "waiting"]
    ).values("person_id")


def attendances(viewer) -> QuerySet:
    """Having come to a session the team ran, lately."""
    return Attendance.objects.filter(session__in=_recent_sessions(viewer)).values("person_id")
