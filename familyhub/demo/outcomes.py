"""Demo: refresh the outcome figures over the other parts' demo records (a year of quarters).

The child health, hubs and casework demos already record lower completion in deprived wards, so
the dashboards show the gradient; this prints it for the headline health visiting indicator.
"""

from __future__ import annotations

import random
from typing import Any

from familyhub.outcomes.aggregation import refresh
from familyhub.outcomes.models import Breakdown, IndicatorValue
from familyhub.places.models import Authority

DEMO_QUARTERS = 4
DEMO_YEARS = 2


def load_demo(*, authority: Authority, rng: random.Random, stdout: Any) -> None:
    written = refresh(authority.pk, quarters=DEMO_QUARTERS, years=DEMO_YEARS)
    stdout.write(f"Outcomes: {written} figures over the last {DEMO_QUARTERS} quarters.\n")
    for key in ("six_eight_week_by_8_weeks", "new_birth_visit_14_days"):
        totals = {q: [0, 0] for q in ("1", "5")}
        for q in totals:
            for value in IndicatorValue.objects.filter(
                authority=authority, indicator_key=key, breakdown=Breakdown.QUINTILE, breakdown_id=q
            ).values_list("numerator", "denominator"):
                totals[q][0] += value[0]
                totals[q][1] += value[1]
        if totals["1"][1] and totals["5"][1]:
            most = 100 * totals["1"][0] / totals["1"][1]
            least = 100 * totals["5"][0] / totals["5"][1]
            stdout.write(
                f"  {key}: most deprived fifth {most:.1f}%, least deprived {least:.1f}% "
                "(the year).\n"
            )
