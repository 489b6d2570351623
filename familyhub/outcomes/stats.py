"""Confidence intervals for proportions and for the gap between two proportions.

Pure functions, no Django. z = 1.959964 for 95%.
- Wilson score interval for one proportion (Wilson 1927).
- Newcombe's hybrid score interval for a difference p1 - p2 (Newcombe 1998, method 10): the two
  Wilson intervals combined, d - sqrt((p1-l1)^2 + (u2-p2)^2) to d + sqrt((u1-p1)^2 + (p2-l2)^2).
- Katz log interval for a ratio p1 / p2: exp(ln(r) +- z sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Estimate:
    value: float
    lower: float
    upper: float


def wilson(x: int, n: int, z: float = Z95) -> Estimate | None:
    """Wilson score interval for x successes out of n; None when n is 0."""
    if n <= 0:
        return None
    if not 0 <= x <= n:
        raise ValueError("x must be between 0 and n")
    p = x / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = (z / (1 + z2 / n)) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return Estimate(p, max(0.0, centre - half), min(1.0, centre + half))


def newcombe_difference(x1: int, n1: int, x2: int, n2: int, z: float = Z95) -> Estimate | None:
    """p1 - p2 with Newcombe's hybrid Wilson score interval (method 10)."""
    a, b = wilson(x1, n1, z), wilson(x2, n2, z)
    if a is None or b is None:
        return None
    d = a.value - b.value
    lower = d - math.sqrt((a.value - a.lower) ** 2 + (b.upper - b.value) ** 2)
    upper = d + math.sqrt((a.upper - a.value) ** 2 + (b.value - b.lower) ** 2)
    return Estimate(d, lower, upper)


def katz_ratio(x1: int, n1: int, x2: int, n2: int, z: float = Z95) -> Estimate | None:
    """p1 / p2 with the Katz log interval; None when either proportion is 0 (no log)."""
    if n1 <= 0 or n2 <= 0 or x1 <= 0 or x2 <= 0:
        return None
    r = (x1 / n1) / (x2 / n2)
    se = math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
    return Estimate(r, math.exp(math.log(r) - z * se), math.exp(math.log(r) + z * se))


@dataclass(frozen=True)
class Gap:
    """Most deprived (quintile 1) against least deprived (quintile 5)."""

    most: Estimate | None
    least: Estimate | None
    difference: Estimate | None  # most - least, as proportions
    ratio: Estimate | None  # most / least

    @property
    def significant(self) -> bool | None:
        if self.difference is None:
            return None
        return self.difference.lower > 0 or self.difference.upper < 0


def gap(most: tuple[int, int], least: tuple[int, int], z: float = Z95) -> Gap:
    (x1, n1), (x2, n2) = most, least
    return Gap(
        wilson(x1, n1, z),
        wilson(x2, n2, z),
        newcombe_difference(x1, n1, x2, n2, z),
        katz_ratio(x1, n1, x2, n2, z),
    )
