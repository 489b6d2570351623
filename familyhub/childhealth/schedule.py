"""The Healthy Child Programme schedule as pure date arithmetic (no database, no clock).

Every window is a closed interval of calendar dates: a review done on the first or the last day
of its window is in time. Weeks and days are exact; months use core.dates.add_months, which
clamps to the end of a shorter month, so a child born on 29 February 2024 turns 12 months on
28 February 2025 (the earlier, safer reading for a deadline).

`late_until` is the last day a review still counts at all (the 12-month review is due
at 9-12 months and counted up to 15 months); after it the review is missed.

Reviews run from the actual date of birth, not a date corrected for prematurity: a premature
baby's new birth visit is still 10-14 days after birth. The antenatal contact runs from 28 weeks
of pregnancy (the expected date minus 12 weeks) until the day before birth, so a baby born before
28 weeks of pregnancy never had an antenatal window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models

from familyhub.core.dates import add_months


class ReviewKind(models.TextChoices):
    ANTENATAL = "antenatal", "Antenatal contact"
    NEW_BIRTH = "new_birth", "New birth visit"
    SIX_EIGHT_WEEK = "six_eight_week", "6 to 8 week review"
    TWELVE_MONTH = "twelve_month", "12-month review"
    TWO_YEAR = "two_year", "2 to 2 and a half year review"
    RECEPTION = "reception", "Reception health review"
    NCMP_RECEPTION = "ncmp_reception", "NCMP measurement (Reception)"
    YEAR_SIX = "year_six", "Year 6 health review"
    NCMP_YEAR_SIX = "ncmp_year_six", "NCMP measurement (Year 6)"
    MID_TEEN = "mid_teen", "Mid-teen health review (Year 9)"


HEALTH_VISITING_KINDS = (
    ReviewKind.ANTENATAL,
    ReviewKind.NEW_BIRTH,
    ReviewKind.SIX_EIGHT_WEEK,
    ReviewKind.TWELVE_MONTH,
    ReviewKind.TWO_YEAR,
)
SCHOOL_NURSING_KINDS = (
    ReviewKind.RECEPTION,
    ReviewKind.NCMP_RECEPTION,
    ReviewKind.YEAR_SIX,
    ReviewKind.NCMP_YEAR_SIX,
    ReviewKind.MID_TEEN,
)
NCMP_KINDS = (ReviewKind.NCMP_RECEPTION, ReviewKind.NCMP_YEAR_SIX)
# The school year each school nursing review belongs to (Reception = 0).
SCHOOL_YEAR_OF = {
    ReviewKind.RECEPTION: 0,
    ReviewKind.NCMP_RECEPTION: 0,
    ReviewKind.YEAR_SIX: 6,
    ReviewKind.NCMP_YEAR_SIX: 6,
    ReviewKind.MID_TEEN: 9,
}


@dataclass(frozen=True)
class Window:
    kind: str
    start: date  # first day in time
    end: date  # last day in time (inclusive)
    late_until: date  # last day it is still counted (inclusive); after it, missed

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def counts(self, day: date) -> bool:
        return self.start <= day <= self.late_until


def antenatal_window(*, expected: date, born: date | None = None) -> Window | None:
    """From 28 weeks of pregnancy (expected date minus 12 weeks) until birth.

    Returns None when the baby was born before the window opened (very premature births).
    """
    start = expected - timedelta(weeks=12)
    end = (born - timedelta(days=1)) if born else expected
    if end < start:
        return None
    return Window(ReviewKind.ANTENATAL, start, end, end)


def health_visiting_windows(birth: date) -> list[Window]:
    """The four post-natal mandated reviews, from the (actual or expected) date of birth."""
    return [
        Window(
            ReviewKind.NEW_BIRTH,
            birth + timedelta(days=10),
            birth + timedelta(days=14),
            # Counted late after 14 days; the national cohort looks at it when the baby is 30 days.
            birth + timedelta(days=30),
        ),
        Window(
            ReviewKind.SIX_EIGHT_WEEK,
            birth + timedelta(weeks=6),
            birth + timedelta(weeks=8),
            birth + timedelta(weeks=12),
        ),
        Window(
            ReviewKind.TWELVE_MONTH,
            add_months(birth, 9),
            add_months(birth, 12),
            add_months(birth, 15),
        ),
        Window(
            ReviewKind.TWO_YEAR,
            add_months(birth, 24),
            add_months(birth, 30),
            add_months(birth, 36),
        ),
    ]


def reception_year(birth: date) -> int:
    """The calendar year in which a child starts Reception.

    The English school year starts on 1 September; a child starts Reception in the September
    after their 4th birthday, so children born 1 September to 31 August share a year group.
    """
    return birth.year + 4 if birth.month < 9 else birth.year + 5


def school_year_span(birth: date, year_group: int) -> tuple[date, date]:
    """First and last day (1 September to 31 August) of a year group (Reception = 0)."""
    first = reception_year(birth) + year_group
    return date(first, 9, 1), date(first + 1, 8, 31)


def year_group_on(birth: date, day: date) -> int:
    """The year group a child is in on a day (-1 before Reception, 0 Reception, 6 Year 6...)."""
    academic_year = day.year if day.month >= 9 else day.year - 1
    return academic_year - reception_year(birth)


def school_windows(birth: date) -> list[Window]:
    windows = []
    for kind, group in SCHOOL_YEAR_OF.items():
        start, end = school_year_span(birth, group)
        windows.append(Window(kind, start, end, end))
    return windows


def windows_for(
    *, date_of_birth: date | None, expected_date: date | None, is_unborn: bool
) -> list[Window]:
    """Every window a child (or pregnancy) has, in order.

    An unborn child's reviews are planned from the expected date of delivery; after birth they
    run from the date of birth. The antenatal contact exists only for pregnancies the service
    knew about (an expected date is recorded).
    """
    birth = expected_date if is_unborn else date_of_birth
    if birth is None:
        return []
    windows: list[Window] = []
    if expected_date is not None:
        ante = antenatal_window(expected=expected_date, born=None if is_unborn else date_of_birth)
        if ante is not None:
            windows.append(ante)
    windows.extend(health_visiting_windows(birth))
    windows.extend(school_windows(birth))
    return windows
