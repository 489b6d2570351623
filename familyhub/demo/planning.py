"""Demo data for planning: the unitary borough's budget plan and contracts, and two sample scenarios.

Figures come from the published council tables in familyhub/places/data/reference.
"""

from __future__ import annotations

import datetime
import random
import tempfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from familyhub.accounts.roles import Role
from familyhub.core.csvfiles import Problems
from familyhub.places.models import Authority
from familyhub.places.social_care_counts import load_social_care_counts
from familyhub.planning import scenarios, services
from familyhub.planning.csvinput import read_site_problem
from familyhub.planning.models import (
    BudgetLine,
    Contract,
    ContractKpi,
    Post,
    Scenario,
    ScenarioKind,
)
from familyhub.planning.optimiser import (
    FundingUnit,
    PlanningError,
    SiteProblem,
    funding_formula,
    solve_sites,
)
from familyhub.services.models import Service, ServiceKind, TeamMembership

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
    _sample_commissioning(authority, stdout)
    _sample_budget_figures(authority, stdout)
    _sample_establishment(authority, stdout)
    _sample_social_care_counts(authority, rng, stdout)
    if Scenario.objects.filter(authority=authority, name__startswith="Demo: ").exists():
        stdout.write("Planning: sample scenarios already there\n")
        return
    _sample_sites(authority, folder, stdout)
    _sample_funding(authority, folder, stdout)
    _sample_caseload_from_establishment(authority, stdout)


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
    scenario = services.scenario_save(
        authority=authority, name=name, kind=ScenarioKind.SITES, inputs=inputs, results=results
    )
    stdout.write(f"Planning: saved “{name}” (kept {', '.join(results['kept'])})\n")
    _sample_costs_of_change(scenario, stdout)


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


# Two contracts with KPIs: the provider's quarterly figures over the 2016/17 term, one KPI that
# improves to green and one (days, lower is better) that starts red; and who paid for them.
DEMO_KPIS = [
    ("Families completing the programme", "percent", 80, "higher", 5, [72, 78, 83, 85]),
    ("Days from referral to first contact", "days", 10, "lower", 3, [15, 12, 9, 8]),
]


def _sample_commissioning(authority: Authority, stdout: TextIO) -> None:
    chosen = list(
        Contract.objects.filter(authority=authority, start=CONTRACT_START).order_by(
            "-annual_value", "provider"
        )[:2]
    )
    for contract in chosen:
        if ContractKpi.objects.filter(contract=contract).exists():
            continue
        for name, unit, target, direction, tolerance, figures in DEMO_KPIS:
            kpi = services.kpi_add(
                contract=contract,
                expected_version=Contract.objects.get(pk=contract.pk).version,
                name=name,
                unit=unit,
                target=Decimal(target),
                direction=direction,
                amber_tolerance=Decimal(tolerance),
            )
            for quarter, value in enumerate(figures, start=1):
                services.kpi_actual_record(
                    contract=contract,
                    expected_version=Contract.objects.get(pk=contract.pk).version,
                    kpi=kpi,
                    year=CONTRACT_START.year,
                    quarter=quarter,
                    value=Decimal(value),
                    note="Two groups cancelled for staff sickness" if value == 72 else "",
                )
        # 40% from the public health grant, the rest from the council: the split adds up.
        worth = Decimal(contract.annual_value)
        public_health = (worth * Decimal("0.4")).quantize(Decimal("1"))
        services.contract_year_set(
            contract=contract,
            expected_version=Contract.objects.get(pk=contract.pk).version,
            year=CONTRACT_START.year,
            value=worth,
            funding={"council": worth - public_health, "public_health": public_health},
        )
        stdout.write(f"Planning: KPIs and a funding split for {contract}\n")


def _sample_budget_figures(authority: Authority, stdout: TextIO) -> None:
    """2017/18 beside its plan: a forecast 3% over the plan, then the actual 2% over it."""
    from familyhub.planning.models import BudgetLine

    for line in BudgetLine.objects.filter(authority=authority, year=2017, plan__isnull=False):
        for figure, rise in (("forecast", Decimal("1.03")), ("actual", Decimal("1.02"))):
            if getattr(line, figure) is None:
                services.budget_line_record(
                    authority=authority,
                    programme=line.programme,
                    year=line.year,
                    figure=figure,
                    amount=(Decimal(line.plan or 0) * rise).quantize(Decimal("1")),
                )
    stdout.write("Planning: 2017/18 forecast and actual beside the plan\n")


def _sample_costs_of_change(scenario: Scenario, stdout: TextIO) -> None:
    """Closing two of the sites the plan serves by outreach: redundancy, dilapidations and the
    clawback of a 25-year capital grant, against what running each would have cost."""
    for site in (scenario.results.get("outreach") or [])[:2]:
        scenario.refresh_from_db()
        services.site_change_add(
            scenario=scenario,
            expected_version=scenario.version,
            site=site,
            change_date=datetime.date(2027, 4, 1),
            redundancy=Decimal(45000),
            dilapidations=Decimal(15000),
            capital_grant=Decimal(250000),
            grant_start=datetime.date(2008, 4, 1),
            grant_end=datetime.date(2033, 4, 1),
            dfe_notice_by=datetime.date(2027, 1, 1),
            dfe_notice_note="Notice of a change of use of a building funded by Sure Start "
            "capital grant, before the change",
            annual_saving=Decimal(40000),
            saving_years=10,
        )
    stdout.write(f"Planning: costs of change for “{scenario.name}”\n")


# A year's salary with on-costs for a full-time post, by role (made up, of the order of NHS Agenda
# for Change and council pay scales in 2026).
POST_COSTS = {
    Role.HEALTH_VISITOR: ("Health visitor", "Band 6", 58_000),
    Role.SCHOOL_NURSE: ("School nurse", "Band 6", 58_000),
    Role.FAMILY_SUPPORT_WORKER: ("Family support worker", "Grade 6", 36_000),
    Role.LEAD_PROFESSIONAL: ("Early help practitioner", "Grade 8", 44_000),
    Role.TEAM_LEADER: ("Team leader", "Grade 10", 56_000),
    Role.RECEPTION: ("Family hub worker", "Grade 4", 29_000),
}


def _sample_establishment(authority: Authority, stdout: TextIO) -> None:
    """A post for each team member in a costed role, and a vacancy in every other team."""
    if Post.objects.filter(authority=authority).exists():
        return
    funded_by = (
        BudgetLine.objects.filter(authority=authority).order_by("-year", "programme").first()
    )
    memberships = (
        TeamMembership.objects.filter(team__service__authority=authority)
        .select_related("team", "user")
        .order_by("team__name", "user__username")
    )
    made = 0
    for number, membership in enumerate(memberships):
        role = Role(membership.user.role)
        if role not in POST_COSTS:
            continue
        title, grade, cost = POST_COSTS[role]
        fte = min(Decimal(membership.fte), Decimal(1))
        for status in ("filled", "vacant") if number % 2 == 0 else ("filled",):
            services.post_save(
                authority=authority,
                team=membership.team,
                role=role,
                title=title,
                grade=grade,
                fte=fte,
                annual_cost=(Decimal(cost) * fte).quantize(Decimal(1)),
                funded_by=funded_by,
                status=status,
            )
            made += 1
    stdout.write(f"Planning: an establishment of {made} posts\n")


def _sample_social_care_counts(authority: Authority, rng: random.Random, stdout: TextIO) -> None:
    """Made-up children in need and protection plan counts by ward, loaded through the importer:
    England has about 330 children in need and 42 on plans per 10,000, more where deprivation is
    higher."""
    if authority.areas.filter(children_in_need__isnull=False).exists():
        return
    lines = ["area_code,children_in_need,child_protection_plans,as_at"]
    for area in authority.areas.order_by("code"):
        deprivation = 10 - (area.imd_decile or 5)  # 0 least deprived .. 9 most
        need = round(area.population_0_19 * (0.015 + 0.0035 * deprivation) * rng.uniform(0.8, 1.2))
        plans = round(need * (0.10 + 0.01 * deprivation))
        lines.append(f"{area.code},{need},{plans},{datetime.date.today().year - 1}-03-31")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "social_care_counts.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        count = load_social_care_counts(path, authority=authority, problems=Problems())
    stdout.write(f"Planning: children in need and on plans for {count} wards\n")


def _sample_caseload_from_establishment(authority: Authority, stdout: TextIO) -> None:
    """A caseload scenario whose capacity is the early help establishment, vacancies included:
    what the teams could carry with every funded post filled."""
    service = Service.objects.filter(authority=authority, kind=ServiceKind.EARLY_HELP).first()
    if service is None or not Post.objects.filter(team__service=service).exists():
        return
    mix = {"2": 60.0, "3": 30.0, "4": 10.0}
    weights = {"2": 1.0, "3": 1.5, "4": 2.0}
    inputs = {
        "service": service.pk,
        "expected_cases": None,
        "level_mix": mix,
        "level_weights": weights,
        "tolerance": 0.1,
        "team_min": 1,
        "team_max": None,
        "staff_fte": None,
        "team_sizes": None,
        "capacity": "all_posts",
    }
    try:
        results = scenarios.run_caseload(
            authority,
            expected_cases=None,
            level_mix=mix,
            level_weights=weights,
            tolerance=0.1,
            team_min=1,
            team_max=None,
            staff_fte=None,
            service_id=service.pk,
            capacity="all_posts",
        )
    except PlanningError as error:
        stdout.write(f"Planning: no caseload scenario from the establishment ({error})\n")
        return
    services.scenario_save(
        authority=authority,
        name="Demo: early help caseloads with every funded post filled",
        kind=ScenarioKind.CASELOAD,
        inputs=inputs,
        results=results,
    )
    stdout.write(
        f"Planning: saved a caseload scenario from the establishment ({results.get('total_fte')} FTE)\n"
    )
