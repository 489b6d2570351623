"""Sign-in lockout: wrong passwords lock the username; an address is only throttled.

django-axes locks the username (and the username at that address) after
AXES_FAILURE_LIMIT wrong passwords. Staff at a council often share one outgoing address, so
locking the address would let one person's typos, or one attacker, lock out every colleague.
The address gets a gentler throttle instead: FAMILYHUB_ADDRESS_FAILURE_LIMIT failed sign-ins,
across all usernames, within FAMILYHUB_ADDRESS_WINDOW_MINUTES. That catches password spraying
(a few guesses at many usernames) without one account's lock reaching anyone else.

The throttle counts the failures axes already records (AccessAttempt rows, one per username,
address and browser, stamped with their latest failure), so it needs no table of its own; axes
keeps those rows for FAMILYHUB_LOCKOUT_MINUTES, which is why the window may not be longer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import (
    get_client_ip_address,
    get_client_username,
    get_cool_off,
    get_failure_limit,
)
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


@dataclass(frozen=True)
class Lockout:
    reason: str  # "username" or "address"
    until: datetime


def address_throttled_until(ip_address: str | None, *, now: datetime) -> datetime | None:
    """When sign-in from this address opens again, or None if it is not throttled.

    The window slides: the throttle holds while the failures stamped within the last window
    reach the limit, and lifts when enough of the oldest have aged out of it.
    """
    if not ip_address:
        return None
    limit: int = settings.FAMILYHUB_ADDRESS_FAILURE_LIMIT
    window = timedelta(minutes=settings.FAMILYHUB_ADDRESS_WINDOW_MINUTES)
    rows = list(
        AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=now - window)
        .order_by("attempt_time")
        .values_list("attempt_time", "failures_since_start")
    )
    remaining = sum(failures for _, failures in rows)
    if remaining < limit:
        return None
    for stamped, failures in rows:
        remaining -= failures
        if remaining < limit:
            return stamped + window
    return None  # unreachable: the loop ends with nothing remaining


def username_locked_until(username: str | None, *, limit: int, now: datetime) -> datetime | None:
    """When this username may sign in again, or None if it is not locked.

    Attempts while locked are not recorded (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is
    off), so the lock ends a cool-off after the last wrong password before it.
    """
    cool_off = get_cool_off()
    if not username or cool_off is None:
        return None
    counts = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=now - cool_off
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if (counts["failures"] or 0) < limit or counts["last"] is None:
        return None
    return counts["last"] + cool_off


class AddressThrottlingHandler(AxesDatabaseHandler):
    """Axes' database handler, with the address throttle beside its username lock."""

    def is_locked(self, request: Any, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return address_throttled_until(request.axes_ip_address, now=_now(request)) is not None

    def user_login_failed(
        self, sender: Any, credentials: dict, request: Any = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        # The failure that reaches the address limit is answered with the throttle page at
        # once, as axes answers the one that reaches the username limit.
        if address_throttled_until(request.axes_ip_address, now=_now(request)) is not None:
            request.axes_locked_out = True
            request.axes_credentials = credentials


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page for a refused sign-in (AXES_LOCKOUT_CALLABLE): what happened, when to retry.

    It never names the username, and reads the same whether or not an account has it (axes
    counts wrong passwords for any username typed).
    """
    lockout = current_lockout(request, credentials)
    return render(
        request,
        "accounts/locked_out.html",
        {"lockout": lockout, "until": _when(lockout.until)},
        status=429,  # Too Many Requests, as axes answers
    )


def current_lockout(request: HttpRequest, credentials: dict | None) -> Lockout:
    now = _now(request)
    username = get_client_username(request, credentials)
    limit = get_failure_limit(request, credentials)
    until = username_locked_until(username, limit=limit, now=now)
    if until is not None:
        return Lockout("username", until)
    ip_address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    until = address_throttled_until(ip_address, now=now)
    if until is not None:
        return Lockout("address", until)
    # Refused a moment ago but free now (a lock ended in between): ask for a minute's wait.
    return Lockout("address", now + timedelta(minutes=1))


def _now(request: Any) -> datetime:
    return getattr(request, "axes_attempt_time", None) or timezone.now()


def _when(moment: datetime) -> str:
    """'2:15pm', or '2:15pm on 3 December 2026' when that is not today (Europe/London)."""
    local = timezone.localtime(moment)
    # Round up to the next minute so "try again after" is never a moment too early.
    if local.second or local.microsecond:
        local = (local + timedelta(minutes=1)).replace(second=0, microsecond=0)
    clock = f"{local.hour % 12 or 12}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"
    if local.date() == timezone.localdate():
        return clock
    return f"{clock} on {local.day} {local:%B %Y}"
