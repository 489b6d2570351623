"""Reads for planning: area figures with counts from the record, scenarios, the budget plan.

Everything here is an aggregate by area, site, team or programme; no function returns a person.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import Http404

from familyhub.core import indicators
from familyhub.places.models import Area, Authority, Site, SiteStatus
from familyhub.planning import adapters, commissioning
from familyhub.planning.models import (
    PROVIDER_ENTERED,
    BudgetLine,
    Contract,
    FundingSource,
    KpiDirection,
    Post,
    PostStatus,
    Scenario,
)
from familyhub.planning.needs import score_areas


def current_authority() -> Authority | None:
    """The council this deployment serves (one per deployment)."""
    return Authority.objects.filter(code=settings.FAMILYHUB_AUTHORITY_CODE).first()


def areas_of(authority: Authority) -> QuerySet[Area]:
    return Area.objects.filter(authority=authority).select_related("locality").order_by("name")


def candidate_sites(authority: Authority) -> QuerySet[Site]:
    return (
        Site.objects.filter(authority=authority)
        .exclude(status=SiteStatus.CLOSED)
        .select_related("locality", "area")
        .prefetch_related("reach_areas")
        .order_by("locality__name", "name")
    )


def _per_10000(count: int | None, children: int) -> float | None:
    """A count per 10,000 children 0-19 (the CIN census publishes rates per 10,000)."""
    if count is None or not children:
        return None
    return round(10000 * count / children, 1)


def area_need_rows(authority: Authority) -> list[dict]:
    """Per area: its figures and the record's counts."""
    counts = {key: fn(authority.pk) for key, (_label, fn) in adapters.RECORD_COUNTS.items()}
    rows = []
    for area in areas_of(authority):
        row = {
            "id": area.pk,
            "name": area.name,
            "code": area.code,
            "locality": area.locality.name,
            "imd": area.imd_rank,
            "imd_decile": area.imd_decile,
            "idaci": area.idaci_rank,
            "child_poverty": area.child_poverty_rate,
            "under_fives": area.population_0_4 or None,
            "unemployment": area.unemployment_rate,
            "low_birth_weight": area.low_birth_weight_rate,
            "excess_weight_reception": area.excess_weight_reception_rate,
            "children_in_need": _per_10000(area.children_in_need, area.population_0_19),
            "child_protection": _per_10000(area.child_protection_plans, area.population_0_19),
            "children_in_need_count": area.children_in_need,
            "child_protection_count": area.child_protection_plans,
            "population_0_4": area.population_0_4,
            "population_5_10": area.population_5_10,
            "population_11_15": area.population_11_15,
            "population_16_19": area.population_16_19,
            "population_0_19": area.population_0_19,
            "population_total": area.population_total,
            "latitude": area.latitude,
            "longitude": area.longitude,
        }
        for key, value in counts.items():
            row[key] = value.get(area.pk, 0)
        rows.append(row)
    return rows


def needs_analysis(authority: Authority, weights: dict[str, float] | None = None) -> dict:
    rows = area_need_rows(authority)
    result = score_areas(rows, weights)
    by_name = {r["name"]: r for r in rows}
    for area in result["areas"]:
        row = by_name[area["name"]]
        area["figures"] = {
            k: row[k]
            for k in (
                "code",
                "imd",
                "imd_decile",
                "idaci",
                "child_poverty",
                "population_0_4",
                "population_5_10",
                "population_11_15",
                "population_16_19",
                "population_0_19",
                "registered_families",
                "open_episodes",
                "referrals",
                "reviews_due",
                "obesity_reception",
                "children_in_need_count",
                "child_protection_count",
            )
        }
    result["record_counts"] = [
        {"key": key, "label": label} for key, (label, _fn) in adapters.RECORD_COUNTS.items()
    ]
    return result


def scenarios_for(authority: Authority, kind: str | None = None) -> QuerySet[Scenario]:
    qs = Scenario.objects.filter(authority=authority).select_related("created_by")
    return qs.filter(kind=kind) if kind else qs


def scenario_for_planner(authority: Authority | None, public_id) -> Scenario:
    """A scenario of this deployment's council; 404 for absent and for another council's alike."""
    scenario = Scenario.objects.filter(authority=authority, public_id=public_id).first()
    if scenario is None:
        raise Http404("No such scenario")
    return scenario


def contract_for_planner(authority: Authority | None, public_id) -> Contract:
    """A contract of this deployment's council; 404 for absent and for another council's alike."""
    contract = (
        Contract.objects.filter(authority=authority, public_id=public_id)
        .select_related("service")
        .first()
    )
    if contract is None:
        raise Http404("No such contract")
    return contract


def contracts_for(authority: Authority) -> QuerySet[Contract]:
    return Contract.objects.filter(authority=authority).select_related("service")


def budget_summary(authority: Authority, baseline_year: int | None = None) -> dict:
    """The budget plan by programme and year, with savings against the baseline year.

    Savings = baseline - year (positive = spending less); percent = savings / baseline x 100.
    """
    lines = list(BudgetLine.objects.filter(authority=authority).order_by("programme", "year"))
    years = sorted({line.year for line in lines})
    if not years:
        return {
            "years": [],
            "programmes": [],
            "totals": [],
            "baseline_year": None,
            "families_reached": adapters.registered_families_total(authority.pk),
            "contracts_total": contracts_for(authority).aggregate(total=Sum("annual_value"))[
                "total"
            ],
        }
    base = baseline_year if baseline_year in years else years[0]
    # programme -> year -> {"plan", "forecast", "actual", "amount" (the best of them)}
    table: dict[str, dict[int, dict]] = defaultdict(dict)
    actual: dict[int, bool] = {}
    for line in lines:
        table[line.programme][line.year] = {
            "plan": line.plan,
            "forecast": line.forecast,
            "actual": line.actual,
            "amount": line.outturn,
        }
        actual[line.year] = actual.get(line.year, True) and line.actual is not None

    def cells(figures: dict[int, dict]) -> list[dict]:
        out = []
        baseline = figures.get(base, {}).get("amount")
        for year in years:
            held = figures.get(year, {})
            amount = held.get("amount")
            saving = None if amount is None or baseline is None else baseline - amount
            pct = (
                None
                if saving is None or not baseline
                else (saving * 100 / baseline).quantize(Decimal("0.01"))
            )
            achieved = held.get("actual")
            if achieved is None:
                achieved = held.get("forecast")
            out.append(
                {
                    "year": year,
                    "amount": amount,
                    "plan": held.get("plan"),
                    "forecast": held.get("forecast"),
                    "actual": held.get("actual"),
                    "saving": saving,
                    "saving_pct": pct,
                    "efficiency": commissioning.efficiency(baseline, held.get("plan"), achieved),
                    "achieved_from": "actual" if held.get("actual") is not None else "forecast",
                }
            )
        return out

    programmes = [{"programme": p, "cells": cells(table[p])} for p in sorted(table)]
    summed: dict[int, dict] = defaultdict(dict)
    for figures in table.values():
        for year, held in figures.items():
            for key, value in held.items():
                if value is not None:
                    summed[year][key] = summed[year].get(key, Decimal(0)) + value
    totals = summed
    families = adapters.registered_families_total(authority.pk)
    total_cells = cells(dict(totals))
    for cell in total_cells:
        cell["per_family"] = (
            (cell["amount"] / families).quantize(Decimal("0.01"))
            if families and cell.get("amount") is not None
            else None
        )
    return {
        "years": [
            {"year": y, "label": f"{y}/{(y + 1) % 100:02d}", "actual": actual[y]} for y in years
        ],
        "baseline_year": base,
        "baseline_label": f"{base}/{(base + 1) % 100:02d}",
        "programmes": programmes,
        "totals": total_cells,
        "families_reached": families,
        "contracts_total": contracts_for(authority).aggregate(total=Sum("annual_value"))["total"],
    }


# --- Commissioning: a contract's term, funding and KPIs -----------------------------------------


def financial_years(start: datetime.date, end: datetime.date | None, *, today: datetime.date):
    """The financial years (by the year each starts in) a term covers; an open-ended term runs
    to the current financial year."""
    first = indicators.period_of(start, "year").start.year
    last_day = end or max(today, start)
    last = indicators.period_of(last_day, "year").start.year
    return list(range(first, last + 1))


def contract_quarters(contract: Contract, *, today: datetime.date, most: int = 12):
    """The financial quarters of the contract's term up to the current one (the latest `most`)."""
    quarters = []
    day = contract.start
    stop = min(contract.end or today, today)
    while day <= stop:
        period = indicators.period_of(day, "quarter")
        quarters.append(period)
        day = period.end + datetime.timedelta(days=1)
    return quarters[-most:]


def quarter_number(period: indicators.Period) -> tuple[int, int]:
    """(financial year, quarter 1-4) of a quarter."""
    year = period.start.year if period.start.month >= 4 else period.start.year - 1
    return year, ((period.start.month - 4) % 12) // 3 + 1


def indicator_value(
    key: str, authority_id: int, period: indicators.Period, *, service_id: int | None = None
) -> float | None:
    """An indicator from the record for one period: its counts added up across the council, or
    for the contract's service when the indicator counts by service. Never typed in."""
    spec = indicators.get(key)
    if spec is None:
        return None
    found = list(spec.compute(authority_id, period.start, period.end))
    if service_id is not None and any(c["service_id"] == service_id for c in found):
        found = [c for c in found if c["service_id"] == service_id]
    numerator = sum(c["numerator"] for c in found)
    denominator = sum(c["denominator"] for c in found)
    value = spec.rate(numerator, denominator)
    return None if value is None else round(value, 2)


def kpi_rows(contract: Contract, *, today: datetime.date) -> list[dict]:
    """Each KPI with its figure, RAG and trend for every quarter of the term so far."""
    quarters = contract_quarters(contract, today=today)
    rows = []
    for kpi in contract.kpis.order_by("name").prefetch_related("actuals"):
        higher = kpi.direction == KpiDirection.HIGHER
        entered = {(a.year, a.quarter): a for a in kpi.actuals.all()}
        cells = []
        for period in quarters:
            year, number = quarter_number(period)
            note = ""
            if kpi.entered_by_provider:
                row = entered.get((year, number))
                value = row.value if row else None
                note = row.note if row else ""
            else:
                computed = indicator_value(
                    kpi.source, contract.authority_id, period, service_id=contract.service_id
                )
                value = None if computed is None else Decimal(str(computed))
            cells.append(
                {
                    "label": period.label,
                    "year": year,
                    "quarter": number,
                    "value": value,
                    "note": note,
                    "rag": commissioning.rag(
                        value,
                        target=kpi.target,
                        tolerance=kpi.amber_tolerance,
                        higher_is_better=higher,
                    ),
                }
            )
        latest = next((c for c in reversed(cells) if c["value"] is not None), None)
        spec = None if kpi.entered_by_provider else indicators.get(kpi.source)
        rows.append(
            {
                "kpi": kpi,
                "cells": cells,
                "latest": latest,
                "trend": commissioning.trend([c["value"] for c in cells], higher_is_better=higher),
                "source": "Entered by the provider"
                if kpi.entered_by_provider
                else f"From the record: {spec.title if spec else kpi.source}",
            }
        )
    return rows


def contract_years(contract: Contract, *, today: datetime.date) -> dict:
    """The contract's value in each year of its term (the year's own value, else its annual
    value), the total against its ceiling, and who pays in each year."""
    own = {y.year: y.value for y in contract.years.all()}
    funding: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for share in contract.funding.all():
        funding[share.year][share.source] = share.amount
    rows = []
    for year in financial_years(contract.start, contract.end, today=today):
        value = own.get(year, contract.annual_value)
        shares = funding.get(year, {})
        split = [
            {"source": source, "label": label, "amount": shares.get(source)}
            for source, label in FundingSource.choices
        ]
        funded = sum(shares.values(), start=Decimal(0))
        rows.append(
            {
                "year": year,
                "label": f"{year}/{(year + 1) % 100:02d}",
                "value": value,
                "set_for_year": year in own,
                "split": split,
                "funded": funded if shares else None,
                "split_adds_up": (funded == value) if shares else None,
            }
        )
    total = sum((r["value"] for r in rows), start=Decimal(0))
    return {
        "rows": rows,
        "total": total,
        "ceiling": contract.ceiling,
        "headroom": None if contract.ceiling is None else contract.ceiling - total,
        "overrun": None if contract.ceiling is None else total - contract.ceiling,
    }


def site_changes(scenario: Scenario) -> list:
    return list(scenario.site_changes.all())


def kpi_sources() -> list[tuple[str, str]]:
    """Where a KPI's figures come from: the provider, or a quarterly indicator from the record."""
    return [(PROVIDER_ENTERED, "Entered by the provider each quarter")] + [
        (key, f"From the record: {spec.title}")
        for key, spec in sorted(indicators.all_registered().items(), key=lambda kv: kv[1].title)
        if spec.period == "quarter"
    ]


# --- The establishment -----------------------------------------------------------------------


def establishment(authority: Authority, *, target_fte: Decimal | None = None) -> dict:
    """The funded posts by team, with FTE filled and vacant and what they cost; what each budget
    line buys; and, given a target FTE (a county going from 750 to 540, say), each team cut in
    proportion and the saving at the establishment's own average cost per FTE."""
    posts = list(
        Post.objects.filter(authority=authority)
        .select_related("team", "team__service", "funded_by")
        .order_by("team__name", "role", "title")
    )
    teams: dict[str, dict] = {}
    for post in posts:
        row = teams.setdefault(
            post.team.name,
            {"team": post.team.name, "service": post.team.service.name, "posts": []},
        )
        row["posts"].append(post)
    for row in teams.values():
        row.update(_fte_totals(row["posts"]))
    totals = _fte_totals(posts)
    lines: dict[int, dict] = {}
    for post in posts:
        if post.funded_by is None:
            continue
        line = lines.setdefault(
            post.funded_by.pk, {"line": post.funded_by, "fte": Decimal(0), "cost": Decimal(0)}
        )
        line["fte"] += post.fte
        line["cost"] += post.annual_cost or 0
    for line in lines.values():
        budget = line["line"].outturn
        line["budget"] = budget
        line["headroom"] = None if budget is None else budget - line["cost"]
    result = {"teams": list(teams.values()), "totals": totals, "funding": list(lines.values())}
    if target_fte is not None and totals["fte"]:
        result["target"] = _cut_to(teams.values(), totals, target_fte)
    return result


def _fte_totals(posts) -> dict:
    fte = sum((p.fte for p in posts), Decimal(0))
    filled = sum((p.fte for p in posts if p.status == PostStatus.FILLED), Decimal(0))
    costed = [p for p in posts if p.annual_cost is not None]
    cost = sum((p.annual_cost for p in costed), Decimal(0))
    costed_fte = sum((p.fte for p in costed), Decimal(0))
    return {
        "fte": fte,
        "filled": filled,
        "vacant": fte - filled,
        "cost": cost,
        "cost_per_fte": (cost / costed_fte).quantize(Decimal("1")) if costed_fte else None,
        "posts_without_cost": len(posts) - len(costed),
    }


def _cut_to(teams, totals: dict, target: Decimal) -> dict:
    share = target / totals["fte"]
    rows = [
        {
            "team": row["team"],
            "now": row["fte"],
            "then": (row["fte"] * share).quantize(Decimal("0.1")),
        }
        for row in teams
    ]
    per_fte = totals["cost_per_fte"]
    saving = (
        None if per_fte is None else ((totals["fte"] - target) * per_fte).quantize(Decimal("1"))
    )
    return {"fte": target, "share": share, "rows": rows, "saving": saving}


def establishment_fte(
    authority: Authority, teams, *, by: str, filled_only: bool
) -> dict[str, float]:
    """The caseload model's capacity from the establishment: FTE over these teams, by "role"
    or by "team__name", of every funded post or (filled_only) the filled ones."""
    posts = Post.objects.filter(authority=authority, team__in=teams)
    if filled_only:
        posts = posts.filter(status=PostStatus.FILLED)
    return {
        row[by]: float(row["total"])
        for row in posts.values(by).annotate(total=Sum("fte")).order_by()
        if row["total"]
    }


def post_for_planner(authority: Authority | None, public_id) -> Post:
    """A post of this council's establishment; 404 for absent and for another council's alike."""
    post = Post.objects.filter(authority=authority, public_id=public_id).first()
    if post is None:
        raise Http404("No such post")
    return post
