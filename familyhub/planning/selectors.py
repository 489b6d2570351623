"""Reads for planning: area figures with counts from the record, scenarios, the budget plan.

Everything here is an aggregate by area, site, team or programme; no function returns a person.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import Http404

from familyhub.places.models import Area, Authority, Site, SiteStatus
from familyhub.planning import adapters
from familyhub.planning.models import BudgetLine, Contract, Scenario
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
    table: dict[str, dict[int, Decimal]] = defaultdict(dict)
    actual: dict[int, bool] = {}
    for line in lines:
        table[line.programme][line.year] = line.amount
        actual[line.year] = actual.get(line.year, True) and line.is_actual

    def cells(amounts: dict[int, Decimal]) -> list[dict]:
        out = []
        baseline = amounts.get(base)
        for year in years:
            amount = amounts.get(year)
            saving = None if amount is None or baseline is None else baseline - amount
            pct = (
                None
                if saving is None or not baseline
                else (saving * 100 / baseline).quantize(Decimal("0.01"))
            )
            out.append({"year": year, "amount": amount, "saving": saving, "saving_pct": pct})
        return out

    programmes = [{"programme": p, "cells": cells(table[p])} for p in sorted(table)]
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for amounts in table.values():
        for year, amount in amounts.items():
            totals[year] += amount
    families = adapters.registered_families_total(authority.pk)
    total_cells = cells(dict(totals))
    for cell in total_cells:
        cell["per_family"] = (
            (cell["amount"] / families).quantize(Decimal("0.01"))
            if families and cell["amount"] is not None
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
