from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from familyhub.referrals import deadlines

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC


def at(y, m, d, hh=10, mm=0, tz=LONDON):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=tz)


def due_day(received, *, at_risk=False):
    due = deadlines.decision_due(received, child_at_risk=at_risk).astimezone(LONDON)
    assert (due.hour, due.minute, due.second) == (23, 59, 59)
    return due.date()


@pytest.fixture(autouse=True)
def no_holidays(settings):
    settings.FAMILYHUB_BANK_HOLIDAYS = []


def test_a_monday_referral_is_due_by_the_end_of_tuesday():
    assert due_day(at(2026, 11, 23)) == datetime.date(2026, 11, 24)


def test_a_friday_referral_is_due_by_the_end_of_monday():
    assert due_day(at(2026, 11, 27, 16)) == datetime.date(2026, 11, 30)


@pytest.mark.parametrize("day", [28, 29])
def test_a_weekend_referral_is_due_by_the_end_of_monday(day):
    assert due_day(at(2026, 11, day)) == datetime.date(2026, 11, 30)


def test_bank_holidays_are_skipped(settings):
    # Easter 2026: Good Friday 3 April and Easter Monday 6 April.
    settings.FAMILYHUB_BANK_HOLIDAYS = ["2026-04-03", "2026-04-06"]
    assert due_day(at(2026, 4, 2)) == datetime.date(2026, 4, 7)
    assert due_day(at(2026, 4, 3)) == datetime.date(2026, 4, 7)


def test_christmas_and_boxing_day_substitute(settings):
    settings.FAMILYHUB_BANK_HOLIDAYS = ["2026-12-25", "2026-12-28"]
    # Thursday 24 December 2026: Friday is Christmas, Monday 28th the Boxing Day substitute.
    assert due_day(at(2026, 12, 24)) == datetime.date(2026, 12, 29)


def test_a_child_at_risk_is_due_the_same_day_even_at_a_weekend():
    assert due_day(at(2026, 11, 23, 9), at_risk=True) == datetime.date(2026, 11, 23)
    assert due_day(at(2026, 11, 28, 9), at_risk=True) == datetime.date(2026, 11, 28)


def test_the_day_is_the_london_day_not_the_utc_day():
    # 23:30 UTC on Monday 1 June 2026 is 00:30 on Tuesday in London (summer time).
    received = datetime.datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
    assert due_day(received) == datetime.date(2026, 6, 3)
    due = deadlines.decision_due(received, child_at_risk=False)
    assert due.astimezone(UTC).hour == 22  # the end of a summer day in London is 22:59:59 UTC


def test_the_deadline_is_configurable(settings):
    settings.FAMILYHUB_REFERRAL_DECISION_WORKING_DAYS = 3
    settings.FAMILYHUB_REFERRAL_URGENT_WORKING_DAYS = 1
    assert due_day(at(2026, 11, 26)) == datetime.date(2026, 12, 1)
    assert due_day(at(2026, 11, 27), at_risk=True) == datetime.date(2026, 11, 30)


def test_a_bad_deadline_setting_names_itself(settings):
    settings.FAMILYHUB_REFERRAL_DECISION_WORKING_DAYS = "soon"
    with pytest.raises(ImproperlyConfigured, match="FAMILYHUB_REFERRAL_DECISION_WORKING_DAYS"):
        deadlines.decision_due(at(2026, 11, 23), child_at_risk=False)


def test_a_bad_bank_holiday_names_the_setting(settings):
    settings.FAMILYHUB_BANK_HOLIDAYS = ["25/12/2026"]
    with pytest.raises(ImproperlyConfigured, match="FAMILYHUB_BANK_HOLIDAYS"):
        deadlines.bank_holidays()


def test_add_working_days_edges():
    friday = datetime.date(2026, 11, 27)
    assert deadlines.add_working_days(friday, 0) == friday
    assert deadlines.add_working_days(friday, 5) == datetime.date(2026, 12, 4)
    assert deadlines.add_working_days(datetime.date(2026, 11, 28), 0, holidays=[]) == datetime.date(
        2026, 11, 28
    )
    with pytest.raises(ValueError):
        deadlines.add_working_days(friday, -1)


def test_working_days_between_counts_only_working_days():
    holidays = [datetime.date(2026, 12, 25), datetime.date(2026, 12, 28)]
    assert (
        deadlines.working_days_between(
            datetime.date(2026, 12, 24), datetime.date(2026, 12, 29), holidays
        )
        == 1
    )
    assert (
        deadlines.working_days_between(datetime.date(2026, 11, 27), datetime.date(2026, 11, 30))
        == 1
    )
    assert (
        deadlines.working_days_between(datetime.date(2026, 11, 30), datetime.date(2026, 11, 27))
        == 0
    )


def test_is_working_day():
    assert deadlines.is_working_day(datetime.date(2026, 11, 27))
    assert not deadlines.is_working_day(datetime.date(2026, 11, 28))
    assert not deadlines.is_working_day(datetime.date(2026, 12, 25), [datetime.date(2026, 12, 25)])


@pytest.mark.parametrize(
    "minutes, words",
    [
        (0, "less than a minute"),
        (1, "1 minute"),
        (45, "45 minutes"),
        (60, "1 hour"),
        (1320, "22 hours"),
        (2880, "2 days"),
    ],
)
def test_waiting_times_are_in_words(minutes, words):
    from familyhub.referrals.templatetags.referrals import age_of

    now = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.UTC)
    assert age_of(now - datetime.timedelta(minutes=minutes), now) == words
