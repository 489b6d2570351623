"""The arithmetic of commissioning: KPI RAG and trend, the cost of changing sites (capital grant
clawback, payback period, net present value), and the efficiency achieved against a budget plan.

Pure functions over numbers, so each is tested against a small case worked by hand.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

# HM Treasury's Green Book discounts public spending and savings at 3.5% a year (its social time
# preference rate for the first 30 years). A council may set another rate in the setting
# FAMILYHUB_PLANNING_DISCOUNT_RATE (a fraction: 0.035 is 3.5%).
GREEN_BOOK_RATE = Decimal("0.035")

PENNY = Decimal("0.01")


def discount_rate() -> Decimal:
    return Decimal(str(getattr(settings, "FAMILYHUB_PLANNING_DISCOUNT_RATE", GREEN_BOOK_RATE)))


# --- KPIs -------------------------------------------------------------------------------------

GREEN, AMBER, RED = "green", "amber", "red"
RAG_WORDS = {GREEN: "Met the target", AMBER: "Close to the target", RED: "Missed the target"}


def rag(value: Decimal | float | None, *, target, tolerance, higher_is_better: bool) -> str | None:
    """Green if the target is met; amber if short of it by no more than the tolerance; else
    red. None when there is no figure."""
    if value is None:
        return None
    value, target, tolerance = Decimal(str(value)), Decimal(str(target)), Decimal(str(tolerance))
    shortfall = (target - value) if higher_is_better else (value - target)
    if shortfall <= 0:
        return GREEN
    if shortfall <= tolerance:
        return AMBER
    return RED


IMPROVING, WORSENING, STEADY = "improving", "getting worse", "no change"


def trend(values: Sequence[Decimal | float | None], *, higher_is_better: bool) -> str | None:
    """The latest quarter's figure against the one before it that has a figure: improving,
    getting worse or no change. None with fewer than two figures."""
    known = [Decimal(str(v)) for v in values if v is not None]
    if len(known) < 2:
        return None
    change = known[-1] - known[-2]
    if change == 0:
        return STEADY
    return IMPROVING if (change > 0) == higher_is_better else WORSENING


# --- The cost of change -----------------------------------------------------------------------


def clawback(
    grant: Decimal, *, start: datetime.date | None, end: datetime.date | None, on: datetime.date
) -> Decimal:
    """The part of a capital grant repayable if the site stops its purpose on `on`: the grant in
    proportion to the days of its term still to run, so it falls as the years pass and is nothing
    once the term has ended. Without a term the whole grant is taken as repayable (the cautious
    reading) until an end date is given."""
    grant = Decimal(grant)
    if not grant:
        return Decimal("0.00")
    if end is None:
        return grant.quantize(PENNY)
    if on >= end:
        return Decimal("0.00")
    if start is None or start >= end or on <= start:
        return grant.quantize(PENNY)
    remaining = Decimal((end - on).days) / Decimal((end - start).days)
    return (grant * remaining).quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Appraisal:
    one_off: Decimal
    savings: list[Decimal]  # by year 1, 2, ...
    cumulative: list[Decimal]  # cumulative savings at the end of each year
    payback_year: int | None  # the first year by whose end the savings have paid the costs
    payback_years: Decimal | None  # the same, to a tenth of a year, savings spread over a year
    npv: Decimal
    rate: Decimal


def appraise(
    one_off: Decimal, savings: Sequence[Decimal], *, rate: Decimal | None = None
) -> Appraisal:
    """Payback and net present value of spending `one_off` now to save `savings[t-1]` in year t.

    Payback: the years until cumulative savings reach the one-off costs (savings taken as coming
    evenly through each year for the fraction). NPV: - one-off + sum of saving_t / (1 + r)^t,
    costs at the start (year 0) and each year's saving at its end.
    """
    rate = discount_rate() if rate is None else Decimal(rate)
    one_off = Decimal(one_off)
    savings = [Decimal(s) for s in savings]
    cumulative: list[Decimal] = []
    total = Decimal(0)
    payback_year: int | None = None
    payback_years: Decimal | None = None
    if one_off <= 0:
        payback_year, payback_years = 0, Decimal("0.0")
    for year, saving in enumerate(savings, start=1):
        before = total
        total += saving
        cumulative.append(total)
        if payback_year is None and total >= one_off and saving > 0:
            payback_year = year
            payback_years = (Decimal(year - 1) + (one_off - before) / saving).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
    npv = -one_off + sum(
        (s / (1 + rate) ** t for t, s in enumerate(savings, start=1)), start=Decimal(0)
    )
    return Appraisal(
        one_off=one_off,
        savings=savings,
        cumulative=cumulative,
        payback_year=payback_year,
        payback_years=payback_years,
        npv=npv.quantize(PENNY, rounding=ROUND_HALF_UP),
        rate=rate,
    )


def site_change_costs(change) -> dict:
    """One site change's one-off costs: redundancy, dilapidations and the clawback due on the
    change date."""
    due = clawback(
        change.capital_grant, start=change.grant_start, end=change.grant_end, on=change.change_date
    )
    return {
        "redundancy": Decimal(change.redundancy),
        "dilapidations": Decimal(change.dilapidations),
        "clawback": due,
        "total": Decimal(change.redundancy) + Decimal(change.dilapidations) + due,
    }


def scenario_appraisal(changes: Sequence, *, rate: Decimal | None = None) -> Appraisal | None:
    """All of a scenario's site changes together: their one-off costs at the start, and each
    change's yearly saving for its number of years."""
    if not changes:
        return None
    one_off = sum((site_change_costs(c)["total"] for c in changes), start=Decimal(0))
    horizon = max(c.saving_years for c in changes)
    savings = [
        sum(
            (Decimal(c.annual_saving) for c in changes if year <= c.saving_years),
            start=Decimal(0),
        )
        for year in range(1, horizon + 1)
    ]
    return appraise(one_off, savings, rate=rate)


# --- Budgets ----------------------------------------------------------------------------------


def efficiency(baseline, plan, achieved) -> dict:
    """The saving the plan set out (baseline - plan) and the saving achieved (baseline - the
    actual, or the forecast until there is one), and the share of the planned saving achieved."""
    planned = None if baseline is None or plan is None else baseline - plan
    made = None if baseline is None or achieved is None else baseline - achieved
    pct = None
    if planned and made is not None:
        pct = (made * 100 / planned).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return {"planned": planned, "achieved": made, "achieved_pct": pct}
