"""KPI RAG and trend, the capital grant clawback, payback and net present value, and the
efficiency achieved against a budget plan: each against a small case worked by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from familyhub.planning import commissioning
from familyhub.planning.commissioning import AMBER, GREEN, RED


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("95"), GREEN),  # above the target of 90
        (Decimal("90"), GREEN),  # on it: met
        (Decimal("86"), AMBER),  # 4 short, within the tolerance of 5
        (Decimal("85"), AMBER),  # 5 short: at the edge of the tolerance, still amber
        (Decimal("84.99"), RED),  # 5.01 short
        (None, None),  # no figure yet
    ],
)
def test_rag_when_higher_is_better(value, expected):
    assert commissioning.rag(value, target=90, tolerance=5, higher_is_better=True) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("8"), GREEN), (Decimal("10"), GREEN), (Decimal("12"), AMBER), (12.5, RED)],
)
def test_rag_when_lower_is_better(value, expected):
    """Days to first contact, target 10, tolerance 2: 12 is 2 over (amber), 12.5 is 2.5 over."""
    assert commissioning.rag(value, target=10, tolerance=2, higher_is_better=False) == expected


def test_rag_with_no_tolerance_is_green_or_red():
    assert commissioning.rag(89.9, target=90, tolerance=0, higher_is_better=True) == RED
    assert commissioning.rag(90, target=90, tolerance=0, higher_is_better=True) == GREEN


def test_trend_compares_the_latest_figure_with_the_one_before():
    """80 then (no figure) then 85: up 5 on the last figure there is."""
    assert commissioning.trend([80, None, 85], higher_is_better=True) == "improving"
    assert commissioning.trend([80, None, 85], higher_is_better=False) == "getting worse"
    assert commissioning.trend([85, 85], higher_is_better=True) == "no change"
    assert commissioning.trend([85, None], higher_is_better=True) is None
    assert commissioning.trend([], higher_is_better=True) is None


def test_clawback_falls_as_the_grant_term_runs_out():
    """£100,000 granted for 1 April 2010 to 1 April 2030: 7,305 days.

    Closing on 1 April 2026 leaves 1,461 days: 100,000 x 1,461 / 7,305 = £20,000.00.
    Closing a year earlier, 1 April 2025, leaves 1,826 days: 100,000 x 1,826 / 7,305 = 24,996.577
    = £24,996.58. On or after 1 April 2030 nothing is repayable.
    """
    grant = Decimal("100000")
    start, end = datetime.date(2010, 4, 1), datetime.date(2030, 4, 1)

    def due(on):
        return commissioning.clawback(grant, start=start, end=end, on=on)

    assert due(datetime.date(2026, 4, 1)) == Decimal("20000.00")
    assert due(datetime.date(2025, 4, 1)) == Decimal("24996.58")
    assert due(datetime.date(2030, 4, 1)) == Decimal("0.00")
    assert due(datetime.date(2031, 1, 1)) == Decimal("0.00")
    assert due(datetime.date(2009, 1, 1)) == grant  # before the term began: all of it
    assert commissioning.clawback(Decimal(0), start=start, end=end, on=end) == 0


def test_payback_and_npv_of_one_change():
    """One-off £100,000; saves £40,000 a year for 5 years; Green Book 3.5%.

    Savings so far: 40,000, 80,000, 120,000: paid back in year 3, after 2 + 20,000 / 40,000 =
    2.5 years.
    NPV = -100,000 + 40,000 x (1/1.035 + 1/1.035^2 + 1/1.035^3 + 1/1.035^4 + 1/1.035^5)
        = -100,000 + 40,000 x 4.515052 = -100,000 + 180,602.10 = £80,602.10.
    """
    result = commissioning.appraise(Decimal("100000"), [Decimal("40000")] * 5)
    assert result.rate == Decimal("0.035")
    assert result.cumulative[:3] == [Decimal("40000"), Decimal("80000"), Decimal("120000")]
    assert result.payback_year == 3
    assert result.payback_years == Decimal("2.5")
    assert result.npv == Decimal("80602.10")


def test_no_payback_within_the_years_of_savings():
    """£100,000 against £10,000 a year for 3 years: £30,000 saved, never paid back.
    NPV = -100,000 + 10,000 x (0.966184 + 0.933511 + 0.901943) = -100,000 + 28,016.37."""
    result = commissioning.appraise(Decimal("100000"), [Decimal("10000")] * 3)
    assert result.payback_year is None and result.payback_years is None
    assert result.npv == Decimal("-71983.63")


def test_discount_rate_is_a_setting(settings):
    """At 0%: NPV = -100 + 60 + 60 = 20."""
    settings.FAMILYHUB_PLANNING_DISCOUNT_RATE = "0"
    assert commissioning.appraise(Decimal(100), [Decimal(60)] * 2).npv == Decimal("20.00")


def _change(**fields):
    defaults = {
        "redundancy": Decimal(0),
        "dilapidations": Decimal(0),
        "capital_grant": Decimal(0),
        "grant_start": None,
        "grant_end": None,
        "change_date": datetime.date(2026, 4, 1),
        "annual_saving": Decimal(0),
        "saving_years": 1,
    }
    return SimpleNamespace(**{**defaults, **fields})


def test_a_scenario_adds_its_site_changes_together():
    """A: redundancy £20,000 + dilapidations £10,000 = £30,000; saves £10,000 a year for 3 years.
    B: clawback of £100,000 granted 2010-2030 on 1 April 2026 = £20,000 (as above); saves
    £5,000 a year for 6 years.

    One-off 50,000. Savings by year 15,000, 15,000, 15,000, 5,000, 5,000, 5,000; so far 15,000,
    30,000, 45,000, 50,000: paid back in year 4, after 3 + 5,000 / 5,000 = 4.0 years.
    NPV = -50,000 + 15,000 x (0.966184 + 0.933511 + 0.901943)
                  + 5,000 x (0.871442 + 0.841973 + 0.813501) = -50,000 + 42,024.57 + 12,634.58
        = £4,659.13 (to the penny, unrounded factors).
    """
    a = _change(
        redundancy=Decimal(20000),
        dilapidations=Decimal(10000),
        annual_saving=Decimal(10000),
        saving_years=3,
    )
    b = _change(
        capital_grant=Decimal(100000),
        grant_start=datetime.date(2010, 4, 1),
        grant_end=datetime.date(2030, 4, 1),
        annual_saving=Decimal(5000),
        saving_years=6,
    )
    assert commissioning.site_change_costs(b)["clawback"] == Decimal("20000.00")
    result = commissioning.scenario_appraisal([a, b])
    assert result is not None
    assert result.one_off == Decimal("50000.00")
    assert result.savings == [Decimal(v) for v in (15000, 15000, 15000, 5000, 5000, 5000)]
    assert result.payback_year == 4
    assert result.payback_years == Decimal("4.0")
    assert result.npv == Decimal("4659.13")
    assert commissioning.scenario_appraisal([]) is None


def test_efficiency_achieved_against_the_plan():
    """Baseline £1,000; the plan £800 (a planned saving of £200); the actual £850 (£150 saved):
    150 / 200 = 75.0% of the planned saving achieved."""
    assert commissioning.efficiency(Decimal(1000), Decimal(800), Decimal(850)) == {
        "planned": Decimal(200),
        "achieved": Decimal(150),
        "achieved_pct": Decimal("75.0"),
    }
    assert commissioning.efficiency(Decimal(1000), None, Decimal(850))["achieved_pct"] is None
