"""Interval arithmetic against published and hand-computed values."""

from __future__ import annotations

import math

import pytest

from familyhub.outcomes import stats


@pytest.mark.parametrize(
    ("x", "n", "lower", "upper"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857-872, Table I, Wilson score method.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_published_values(x, n, lower, upper):
    estimate = stats.wilson(x, n)
    assert (round(estimate.lower, 4), round(estimate.upper, 4)) == (lower, upper)
    assert estimate.value == x / n


def test_wilson_by_hand():
    # 5 of 10, z = 1.96: centre 0.5; half = (1.96 / 1.38416) * sqrt(0.025 + 0.0096040) = 0.26336
    estimate = stats.wilson(5, 10, z=1.96)
    assert estimate.lower == pytest.approx(0.5 - 0.26336, abs=1e-4)
    assert estimate.upper == pytest.approx(0.5 + 0.26336, abs=1e-4)


def test_wilson_needs_a_denominator():
    assert stats.wilson(0, 0) is None
    with pytest.raises(ValueError):
        stats.wilson(3, 2)


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "lower", "upper"),
    [
        # Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10.
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
    ],
)
def test_newcombe_difference_matches_published_values(x1, n1, x2, n2, lower, upper):
    estimate = stats.newcombe_difference(x1, n1, x2, n2)
    assert (round(estimate.lower, 4), round(estimate.upper, 4)) == (lower, upper)
    assert estimate.value == pytest.approx(x1 / n1 - x2 / n2)


def test_katz_ratio_by_hand():
    # 20/100 over 10/100: r = 2; se = sqrt(1/20 - 1/100 + 1/10 - 1/100) = sqrt(0.13) = 0.360555
    estimate = stats.katz_ratio(20, 100, 10, 100)
    assert estimate.value == pytest.approx(2.0)
    se = math.sqrt(0.13)
    assert estimate.lower == pytest.approx(2 * math.exp(-stats.Z95 * se))
    assert round(estimate.lower, 4) == 0.9866
    assert round(estimate.upper, 4) == 4.0545


def test_katz_ratio_without_events_is_not_defined():
    assert stats.katz_ratio(0, 10, 3, 10) is None
    assert stats.katz_ratio(3, 10, 3, 0) is None


def test_gap_most_against_least_deprived():
    gap = stats.gap((56, 70), (48, 80))
    assert gap.most.value == pytest.approx(0.8)
    assert gap.least.value == pytest.approx(0.6)
    assert round(gap.difference.lower, 4) == 0.0524
    assert gap.ratio.value == pytest.approx(0.8 / 0.6)
    assert gap.significant is True
    assert stats.gap((5, 10), (5, 10)).significant is False
    assert stats.gap((0, 0), (5, 10)).difference is None
