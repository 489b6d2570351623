"""Demo data for planning: the unitary borough's budget plan and contracts, and two sample scenarios.

Figures come from the published council tables in familyhub/places/data/reference.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from pathlib import Path
from typing import TextIO

from familyhub.places.models import Authority
from familyhub.planning import scenarios, services
from familyhub.planning.csvinput import read_site_problem
from familyhub.planning.models import Scenario, ScenarioKind
from familyhub.planning.optimiser import (
    FundingUnit,
    PlanningError,
    SiteProblem,
    funding_formula,
    solve_sites,
)

DATA_DIR = Path(__file__).resolve().parents[1] / "places" / "data" / "reference"
NEEDED = [
    "thurrock_budget_plan.csv",
    "thurrock_services_2016.csv",
    "thurrock_wards.csv",
    "thurrock_centres.csv",
]
# The services table gives 2016/17 costs: the contracts are recorded for that financial year.
CONTRACT_START = datetime.date(2016, 4, 1)
CONTRACT_END = datetime.date(2017, 3, 31)
CHILDRENS_CENTRES_2017_18 = 808_500  # thurrock_budget_plan.csv, Children's Centres, planned 2017/18


def load_demo(*, authority: Authority, rng: random.Random, stdout: TextIO) -> None:
    folder = DATA_DIR
    stdout.write(f"Planning: reading figures from {folder}\n")
    lines = services.budget_plan_load(authority=authority, path=folder / "thurrock_budget_plan.csv")
    stdout.write(f"Planning: {lines} budget lines\n")
    contracts = services.contracts_load(
        authority=authority,
        path=folder / "thurrock_services_2016.csv",
        start=CONTRACT_START,
        end=CONTRACT_END,
    )
    stdout.write(f"Planning: {contracts} contracts\n")
    if Scenario.objects.filter(authority=authority, name__startswith="Demo: ").exists():
        stdout.write("Planning: sample scenarios already there\n")
        return
    _sample_sites(authority, folder, stdout)
    _sample_funding(authority, folder, stdout)


def _sample_sites(authority: Authority, folder: Path, stdout: TextIO) -> None:
    name = "Demo: keep 6 hubs, at least one per locality"
    try:
        results = scenarios.run_sites(authority, keep=6, min_per_locality=1)
        inputs: dict = {"keep": 6, "min_per_locality": 1, "source": "the council's areas and sites"}
    except PlanningError:
        # No areas or sites in the database (or too few): plan from the published ward table.
        areas, sites, needs, notes = read_site_problem(
            folder / "thurrock_wards.csv", folder / "thurrock_centres.csv"
        )
        results = solve_sites(SiteProblem(areas=areas, sites=sites, keep=6, min_per_locality=1))
        results["notes"] = notes + needs["notes"]
        results["need_weights"] = needs["weights"]
        inputs = {
            "keep": 6,
            "min_per_locality": 1,
            "source": "thurrock_wards.csv, thurrock_centres.csv",
        }
    services.scenario_save(
        authority=authority, name=name, kind=ScenarioKind.SITES, inputs=inputs, results=results
    )
    stdout.write(f"Planning: saved “{name}” (kept {', '.join(results['kept'])})\n")


def _sample_funding(authority: Authority, folder: Path, stdout: TextIO) -> None:
    name = "Demo: children's centres 2017/18, 30% universal"
    weights = {"idaci": 1.0, "child_poverty": 1.0, "imd": 0.0, "need": 0.0}
    try:
        results = scenarios.run_funding(
            authority, budget=CHILDRENS_CENTRES_2017_18, universal_share=0.3, weights=weights
        )
        inputs: dict = {
            "budget": CHILDRENS_CENTRES_2017_18,
            "universal_share": 0.3,
            "weights": weights,
        }
    except PlanningError:
        areas, _sites, _needs, _notes = read_site_problem(
            folder / "thurrock_wards.csv", folder / "thurrock_centres.csv"
        )
        by_site: dict[str, list] = defaultdict(list)
        for a in areas:
            for s in a.serving_sites:
                by_site[s].append(a)
        units = []
        for site, members in sorted(by_site.items()):
            children = sum(a.population for a in members)
            need = sum(a.need * a.population for a in members) / children / 100 if children else 0
            units.append(FundingUnit(site, children, {"need": need}))
        results = funding_formula(
            units, budget=CHILDRENS_CENTRES_2017_18, universal_share=0.3, weights={"need": 1.0}
        )
        results["unit_kind"] = "sites"
        results["explanation"] = (
            "30% shared per child under five (each centre's reach); the rest by children x the "
            "need score of the wards each centre serves."
        )
        inputs = {
            "budget": CHILDRENS_CENTRES_2017_18,
            "universal_share": 0.3,
            "weights": {"need": 1.0},
        }
    services.scenario_save(
        authority=authority, name=name, kind=ScenarioKind.FUNDING, inputs=inputs, results=results
    )
    stdout.write(f"Planning: saved “{name}” (£{results['total']:,} shared)\n")
