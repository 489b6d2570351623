"""Working-day arithmetic for front door deadlines.

A working day is Monday to Friday and not a bank holiday (settings.FAMILYHUB_BANK_HOLIDAYS, ISO
dates). Deadlines are counted in the council's own time (Europe/London), because "by the end of
the next working day" means the end of a day in England, not in UTC.

The default: a decision by the end of the first working day after the day a referral arrives,
and by the end of the same day when a child may be at risk (a child at risk does not wait for the
weekend). Both are configurable: FAMILYHUB_REFERRAL_DECISION_WORKING_DAYS (default 1) and
FAMILYHUB_REFERRAL_URGENT_WORKING_DAYS (default 0: the same day).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from familyhub.referrals.models import DeadlineRule

LONDON = ZoneInfo("Europe/London")


@lru_cache(maxsize=8)
def _parse_holidays(values: tuple[str, ...]) -> frozenset[datetime.date]:
    days = set()
    for value in values:
        value = value.strip()
        if not value:
            continue
        try:
            days.add(datetime.date.fromisoformat(value))
        except ValueError:
            raise ImproperlyConfigured(
                f"FAMILYHUB_BANK_HOLIDAYS: {value!r} is not a date like 2026-12-25."
            )
    return frozenset(days)


def bank_holidays() -> frozenset[datetime.date]:
    values = getattr(settings, "FAMILYHUB_BANK_HOLIDAYS", []) or []
    return _parse_holidays(tuple(str(v) for v in values))


def is_working_day(day: datetime.date, holidays: Iterable[datetime.date] | None = None) -> bool:
    skip = bank_holidays() if holidays is None else holidays
    return day.weekday() < 5 and day not in skip


def add_working_days(
    day: datetime.date, days: int, holidays: Iterable[datetime.date] | None = None
) -> datetime.date:
    """The date `days` working days after `day`. With 0: `day` itself.

    `day` need not be a working day: one working day after a Saturday is the Monday.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    skip = frozenset(bank_holidays() if holidays is None else holidays)
    current = day
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if is_working_day(current, skip):
            remaining -= 1
    return current


def working_days_between(
    start: datetime.date, end: datetime.date, holidays: Iterable[datetime.date] | None = None
) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    skip = frozenset(bank_holidays() if holidays is None else holidays)
    count = 0
    current = start
    while current < end:
        current += datetime.timedelta(days=1)
        if is_working_day(current, skip):
            count += 1
    return count


def _end_of_day(day: datetime.date) -> datetime.datetime:
    # 23:59:59 in London, as an aware datetime; stored in UTC by Django.
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=LONDON)


def _setting_days(name: str, default: int) -> int:
    value = getattr(settings, name, default)
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"{name} must be a whole number of working days.")
    if days < 0:
        raise ImproperlyConfigured(f"{name} must not be negative.")
    return days


def decision_due(received_at: datetime.datetime, *, child_at_risk: bool) -> datetime.datetime:
    """When the front door must decide a referral received at `received_at`."""
    day = received_at.astimezone(LONDON).date()
    if child_at_risk:
        days = _setting_days("FAMILYHUB_REFERRAL_URGENT_WORKING_DAYS", 0)
    else:
        days = _setting_days("FAMILYHUB_REFERRAL_DECISION_WORKING_DAYS", 1)
    return _end_of_day(add_working_days(day, days))


# --- deadlines per step, from the council's rules (referrals.models.DeadlineRule) ----------


def rule_for(step: str, *, service, level=None):
    """The most specific DeadlineRule for this step at this service (and level of need), or
    None when no rule covers it."""
    candidates = DeadlineRule.objects.filter(
        models_q(authority_id=service.authority_id),
        models_q(service_id=service.pk),
        models_q(level_id=getattr(level, "pk", None)),
        step=step,
    ).filter(service_kind__in=["", service.kind])
    return max(candidates, key=lambda rule: (rule.specificity(), rule.pk), default=None)


def models_q(**one):
    """Matches the value or a blank (null) one: a rule without a council covers every council."""
    ((field, value),) = one.items()
    if value is None:
        return Q(**{f"{field}__isnull": True})
    return Q(**{field: value}) | Q(**{f"{field}__isnull": True})


def step_due(
    step: str, start: datetime.datetime, *, service, level=None
) -> datetime.datetime | None:
    """The end of the working day a step is due by, counted from `start` (when the step before
    it happened), by the council's rule; None when no rule covers the step."""
    rule = rule_for(step, service=service, level=level)
    if rule is None:
        return None
    return _end_of_day(add_working_days(start.astimezone(LONDON).date(), rule.working_days))


def inbox_decision_due(received_at: datetime.datetime, *, service, child_at_risk: bool):
    """When a receiving service (not the front door) must decide: the same day for a child who
    may be at risk, as at the front door; otherwise by its rule (3 working days by default)."""
    if child_at_risk:
        return decision_due(received_at, child_at_risk=True)
    return step_due("decision", received_at, service=service) or decision_due(
        received_at, child_at_risk=False
    )


def working_days_overdue(due: datetime.datetime | datetime.date, today: datetime.date) -> int:
    """Whole working days since a deadline passed (0 on the day it falls due)."""
    day = due.astimezone(LONDON).date() if isinstance(due, datetime.datetime) else due
    return working_days_between(day, today)
