"""Window arithmetic: pure, no database."""

from __future__ import annotations

from datetime import date

from familyhub.childhealth.schedule import (
    ReviewKind,
    add_months,
    antenatal_window,
    health_visiting_windows,
    reception_year,
    school_year_span,
    windows_for,
    year_group_on,
)


def by_kind(windows):
    return {w.kind: w for w in windows}


def test_new_birth_visit_is_days_10_to_14_and_last_day_counts():
    w = by_kind(health_visiting_windows(date(2025, 3, 1)))[ReviewKind.NEW_BIRTH]
    assert (w.start, w.end) == (date(2025, 3, 11), date(2025, 3, 15))
    assert w.contains(date(2025, 3, 15))  # day 14: in time
    assert not w.contains(date(2025, 3, 16))  # day 15: late
    assert w.counts(date(2025, 3, 31))  # day 30 still counted


def test_six_to_eight_weeks_is_exact_weeks():
    w = by_kind(health_visiting_windows(date(2025, 1, 1)))[ReviewKind.SIX_EIGHT_WEEK]
    assert (w.start, w.end) == (date(2025, 2, 12), date(2025, 2, 26))


def test_twelve_month_window_counts_to_fifteen_months():
    w = by_kind(health_visiting_windows(date(2024, 5, 31)))[ReviewKind.TWELVE_MONTH]
    assert w.start == date(2025, 2, 28)  # 31 May + 9 months clamps to the end of February
    assert w.end == date(2025, 5, 31)
    assert w.late_until == date(2025, 8, 31)


def test_leap_day_birth_clamps_to_28_february():
    born = date(2024, 2, 29)
    windows = by_kind(health_visiting_windows(born))
    assert windows[ReviewKind.TWELVE_MONTH].end == date(2025, 2, 28)
    assert windows[ReviewKind.TWO_YEAR].start == date(2026, 2, 28)
    assert windows[ReviewKind.TWO_YEAR].end == date(2026, 8, 29)
    assert add_months(born, 48) == date(2028, 2, 29)  # a leap year again


def test_leap_day_counted_in_day_windows():
    w = by_kind(health_visiting_windows(date(2024, 2, 20)))[ReviewKind.NEW_BIRTH]
    assert (w.start, w.end) == (date(2024, 3, 1), date(2024, 3, 5))  # 29 Feb is a day


def test_antenatal_from_28_weeks_until_birth():
    w = antenatal_window(expected=date(2025, 6, 30))
    assert w.start == date(2025, 4, 7)  # 12 weeks before the expected date
    assert w.end == date(2025, 6, 30)
    born = antenatal_window(expected=date(2025, 6, 30), born=date(2025, 6, 20))
    assert born.end == date(2025, 6, 19)


def test_very_premature_birth_has_no_antenatal_window_but_reviews_run_from_birth():
    # Born at 26 weeks: the 28-week window never opened.
    expected = date(2025, 6, 30)
    born = date(2025, 3, 24)
    assert antenatal_window(expected=expected, born=born) is None
    windows = by_kind(windows_for(date_of_birth=born, expected_date=expected, is_unborn=False))
    assert ReviewKind.ANTENATAL not in windows
    # Chronological age, not corrected: the new birth visit is 10-14 days after the real birth.
    assert windows[ReviewKind.NEW_BIRTH].start == date(2025, 4, 3)


def test_unborn_child_is_planned_from_expected_date():
    windows = by_kind(
        windows_for(date_of_birth=None, expected_date=date(2025, 6, 30), is_unborn=True)
    )
    assert windows[ReviewKind.NEW_BIRTH].start == date(2025, 7, 10)
    assert ReviewKind.ANTENATAL in windows


def test_reception_starts_in_september_after_fourth_birthday():
    assert reception_year(date(2019, 8, 31)) == 2023  # youngest in the year
    assert reception_year(date(2019, 9, 1)) == 2024  # oldest in the next year
    assert reception_year(date(2020, 2, 29)) == 2024
    assert school_year_span(date(2019, 9, 1), 6) == (date(2030, 9, 1), date(2031, 8, 31))
    assert year_group_on(date(2019, 8, 31), date(2023, 9, 1)) == 0
    assert year_group_on(date(2019, 8, 31), date(2023, 8, 31)) == -1


def test_school_windows_include_ncmp_in_reception_and_year_6():
    windows = by_kind(
        windows_for(date_of_birth=date(2018, 1, 15), expected_date=None, is_unborn=False)
    )
    assert windows[ReviewKind.NCMP_RECEPTION].start == date(2022, 9, 1)
    assert windows[ReviewKind.NCMP_YEAR_SIX].end == date(2029, 8, 31)
    assert windows[ReviewKind.MID_TEEN].start == date(2031, 9, 1)
    assert ReviewKind.ANTENATAL not in windows  # no pregnancy known
