from __future__ import annotations

import datetime

import pytest

from familyhub.hubs.recurrence import parse_iso_dates, weekly_dates

D = datetime.date


def test_every_monday_in_range_inclusive():
    dates = weekly_dates(weekday=0, starts_on=D(2026, 1, 5), ends_on=D(2026, 1, 26))
    assert dates == [D(2026, 1, 5), D(2026, 1, 12), D(2026, 1, 19), D(2026, 1, 26)]


def test_first_occurrence_is_the_first_such_weekday_on_or_after_the_start():
    # 7 January 2026 is a Wednesday; the first Monday on or after it is the 12th.
    assert weekly_dates(weekday=0, starts_on=D(2026, 1, 7), ends_on=D(2026, 1, 20)) == [
        D(2026, 1, 12),
        D(2026, 1, 19),
    ]


def test_bank_holidays_from_the_list_are_skipped():
    easter_monday = D(2026, 4, 6)
    dates = weekly_dates(
        weekday=0, starts_on=D(2026, 3, 30), ends_on=D(2026, 4, 13), skip=[easter_monday]
    )
    assert dates == [D(2026, 3, 30), D(2026, 4, 13)]


def test_a_skip_day_on_another_weekday_changes_nothing():
    dates = weekly_dates(
        weekday=1, starts_on=D(2026, 3, 30), ends_on=D(2026, 4, 13), skip=[D(2026, 4, 6)]
    )
    assert dates == [D(2026, 3, 31), D(2026, 4, 7)]


def test_single_day_range_and_empty_ranges():
    assert weekly_dates(weekday=4, starts_on=D(2026, 1, 9), ends_on=D(2026, 1, 9)) == [
        D(2026, 1, 9)
    ]
    assert weekly_dates(weekday=3, starts_on=D(2026, 1, 9), ends_on=D(2026, 1, 14)) == []
    assert weekly_dates(weekday=0, starts_on=D(2026, 2, 1), ends_on=D(2026, 1, 1)) == []


def test_every_occurrence_skipped_gives_nothing():
    assert (
        weekly_dates(
            weekday=0, starts_on=D(2026, 1, 5), ends_on=D(2026, 1, 5), skip={D(2026, 1, 5)}
        )
        == []
    )


def test_crosses_a_year_and_a_leap_day():
    dates = weekly_dates(weekday=3, starts_on=D(2027, 12, 20), ends_on=D(2028, 3, 2))
    assert D(2027, 12, 23) in dates and D(2028, 3, 2) in dates
    assert all((b - a).days == 7 for a, b in zip(dates, dates[1:], strict=False))
    assert D(2028, 2, 24) in dates  # the Thursday before 29 February 2028


def test_bad_weekday_is_refused():
    with pytest.raises(ValueError, match="weekday"):
        weekly_dates(weekday=7, starts_on=D(2026, 1, 1), ends_on=D(2026, 2, 1))


def test_configured_dates_are_parsed_and_a_bad_one_names_the_setting():
    assert parse_iso_dates(["2026-12-25", " ", "2026-12-28"], setting="X") == {
        D(2026, 12, 25),
        D(2026, 12, 28),
    }
    with pytest.raises(ValueError, match="FAMILYHUB_BANK_HOLIDAYS"):
        parse_iso_dates(["25/12/2026"], setting="FAMILYHUB_BANK_HOLIDAYS")
