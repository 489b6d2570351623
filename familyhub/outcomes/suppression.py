"""Small-number suppression for published tables (never for internal pages).

Primary: a row whose numerator or denominator is 1 to threshold-1 shows "*" for both counts and
the rate (a count of 0 is safe to show). Secondary: the rows of one breakdown add up to the
published total, so if only one row of a breakdown is suppressed its counts could be recovered by
subtraction; the next smallest row is suppressed too. The threshold is
settings.FAMILYHUB_SUPPRESS_BELOW (default 5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.conf import settings

MARK = "*"


def threshold() -> int:
    return int(getattr(settings, "FAMILYHUB_SUPPRESS_BELOW", 5))


@dataclass(frozen=True)
class Published:
    label: str
    numerator: int | str
    denominator: int | str
    rate: float | None | str
    suppressed: bool = False


def _small(value: int, below: int) -> bool:
    return 0 < value < below


def suppress_rows(
    rows: Sequence[tuple[str, int, int, float | None]], *, below: int | None = None
) -> list[Published]:
    """Rows of ONE breakdown (label, numerator, denominator, rate) that partition a total."""
    below = threshold() if below is None else below
    out = [
        Published(label, n, d, rate, suppressed=_small(n, below) or _small(d, below))
        for label, n, d, rate in rows
    ]
    hidden = [i for i, row in enumerate(out) if row.suppressed]
    if len(hidden) == 1 and len(out) > 1:
        # Secondary: hide the smallest other row so the first cannot be found by subtraction.
        others = [i for i, row in enumerate(out) if not row.suppressed]
        smallest = min(others, key=lambda i: (int(out[i].denominator), int(out[i].numerator)))
        out[smallest] = replace(out[smallest], suppressed=True)
    return [
        replace(row, numerator=MARK, denominator=MARK, rate=MARK) if row.suppressed else row
        for row in out
    ]


def suppress_total(numerator: int, denominator: int, *, below: int | None = None) -> bool:
    below = threshold() if below is None else below
    return _small(numerator, below) or _small(denominator, below)
