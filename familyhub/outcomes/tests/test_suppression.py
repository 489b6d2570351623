"""Small-number suppression: primary (1-4) and secondary (no recovery from the total)."""

from __future__ import annotations

from familyhub.outcomes import suppression
from familyhub.outcomes.suppression import MARK


def labels(rows):
    return {r.label: (r.numerator, r.denominator, r.rate) for r in rows}


def test_nothing_small_nothing_hidden():
    rows = [("A", 10, 20, 50.0), ("B", 0, 30, 0.0), ("C", 7, 7, 100.0)]
    out = labels(suppression.suppress_rows(rows, below=5))
    assert out == {"A": (10, 20, 50.0), "B": (0, 30, 0.0), "C": (7, 7, 100.0)}


def test_primary_numerator_or_denominator_one_to_four():
    rows = [("A", 3, 20, 15.0), ("B", 6, 4, 150.0), ("C", 10, 40, 25.0), ("D", 12, 50, 24.0)]
    out = labels(suppression.suppress_rows(rows, below=5))
    assert out["A"] == (MARK, MARK, MARK)
    assert out["B"] == (MARK, MARK, MARK)
    assert out["C"] == (10, 40, 25.0) and out["D"] == (12, 50, 24.0)


def test_secondary_hides_the_next_smallest_when_one_is_hidden():
    # Total 30/120 is published; with only A hidden, A = total - B - C - D. Hide C (smallest).
    rows = [("A", 2, 10, 20.0), ("B", 10, 50, 20.0), ("C", 8, 25, 32.0), ("D", 10, 35, 28.6)]
    out = labels(suppression.suppress_rows(rows, below=5))
    assert out["A"][0] == MARK and out["C"][0] == MARK
    assert out["B"] == (10, 50, 20.0) and out["D"] == (10, 35, 28.6)
    assert sum(1 for v in out.values() if v[0] == MARK) == 2


def test_threshold_comes_from_settings(settings):
    settings.FAMILYHUB_SUPPRESS_BELOW = 10
    out = labels(suppression.suppress_rows([("A", 7, 50, 14.0), ("B", 20, 60, 33.3)]))
    assert out["A"][0] == MARK and out["B"][0] == MARK
    settings.FAMILYHUB_SUPPRESS_BELOW = 5
    out = labels(suppression.suppress_rows([("A", 7, 50, 14.0), ("B", 20, 60, 33.3)]))
    assert out["A"] == (7, 50, 14.0)
