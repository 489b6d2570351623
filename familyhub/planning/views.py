"""Planning pages for commissioners and managers. Aggregates only, so require_role is the guard.

Every calculation here is small (a MILP over tens of sites solves in well under a second), so it
runs in the request; nothing needs a background job or a progress page.
"""

from __future__ import annotations

import tempfile
import uuid
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from familyhub.accounts.roles import PLANNING_ROLES, require_role
from familyhub.core import charts
from familyhub.core.csvfiles import Problems
from familyhub.core.exports import csv_download, xlsx_download
from familyhub.places.models import SiteKind
from familyhub.planning import commissioning, exports, scenarios, selectors, services, svg
from familyhub.planning.csvinput import CsvInputError, read_travel_times
from familyhub.planning.forms import (
    BudgetForm,
    BudgetLineForm,
    CaseloadForm,
    ConfirmForm,
    ContractEditForm,
    ContractForm,
    ContractYearForm,
    FundingForm,
    KpiActualForm,
    KpiForm,
    NeedsForm,
    PostForm,
    ScenarioEditForm,
    SessionsForm,
    SiteChangeForm,
    SitesForm,
)
from familyhub.planning.models import FundingSource, KpiUnit, Scenario, ScenarioKind
from familyhub.planning.optimiser import PlanningError

planner = require_role(PLANNING_ROLES)


def _authority_or_page(request: HttpRequest):
    authority = selectors.current_authority()
    if authority is None:
        return None, render(request, "planning/no_authority.html", status=200)
    return authority, None


@planner
def index(request: HttpRequest) -> HttpResponse:
    authority, page = _authority_or_page(request)
    if page:
        return page
    needs = selectors.needs_analysis(authority)
    top = sorted(needs["areas"], key=lambda a: a["rank"])[:10]
    sites = list(selectors.candidate_sites(authority))
    picture = svg.area_map(
        [
            {
                "name": a["name"],
                "lat": a.get("latitude"),
                "lon": a.get("longitude"),
                "need": a["score"],
            }
            for a in needs["areas"]
        ],
        [_site_point(s) for s in sites],
        title="Need by area, with the council's sites",
    )
    return render(
        request,
        "planning/index.html",
        {
            "scenarios": selectors.scenarios_for(authority)[:100],
            "top_areas": top,
            "needs": needs,
            "map": picture,
        },
    )


def _site_point(site) -> dict:
    """A site on the map: its own coordinates, else its area's centre."""
    lat, lon = site.latitude, site.longitude
    if (lat is None or lon is None) and site.area is not None:
        lat, lon = site.area.latitude, site.area.longitude
    # on the overview, family hubs are drawn filled and other venues hollow (as outreach)
    return {"name": site.name, "lat": lat, "lon": lon, "kept": site.kind == SiteKind.FAMILY_HUB}


def _save_and_go(request, authority, *, name, kind, inputs, results) -> HttpResponse:
    scenario = services.scenario_save(
        authority=authority,
        name=name,
        kind=kind,
        inputs=inputs,
        results=results,
        created_by=request.user,
    )
    messages.success(request, f"Scenario “{scenario.name}” saved.")
    return redirect("planning:scenario", public_id=scenario.public_id)


@planner
@require_http_methods(["GET", "POST"])
def needs(request: HttpRequest) -> HttpResponse:
    authority, page = _authority_or_page(request)
    if page:
        return page
    form = NeedsForm(request.POST if request.method == "POST" else (request.GET or None))
    weights = None
    if form.is_bound and form.is_valid():
        weights = form.weights()
        # "Show with these weights" posts too (so the CSRF token never lands in a URL) but saves
        # nothing; any other post is a save.
        if request.method == "POST" and request.POST.get("action") != "show":
            if form.cleaned_data["name"]:
                results = scenarios.run_needs(authority, weights=weights)
                return _save_and_go(
                    request,
                    authority,
                    name=form.cleaned_data["name"],
                    kind=ScenarioKind.NEEDS,
                    inputs={"weights": weights},
                    results=results,
                )
            form.add_error("name", "Enter a name to save the scenario")
    result = selectors.needs_analysis(authority, weights)
    areas = sorted(result["areas"], key=lambda a: a["rank"])
    return render(request, "planning/needs.html", {"form": form, "result": result, "areas": areas})


def _tool(request, *, form_class, template_title, kind, run, intro) -> HttpResponse:
    authority, page = _authority_or_page(request)
    if page:
        return page
    form = form_class(request.POST or None, request.FILES or None, authority=authority)
    if request.method == "POST" and form.is_valid():
        try:
            inputs, results = run(authority, form.cleaned_data)
        except (PlanningError, CsvInputError) as error:
            form.add_error(None, str(error))
        else:
            return _save_and_go(
                request,
                authority,
                name=form.cleaned_data["name"],
                kind=kind,
                inputs=inputs,
                results=results,
            )
    return render(
        request, "planning/tool.html", {"form": form, "title": template_title, "intro": intro}
    )


def _saved_results(authority, public_id: str | None, kind: str) -> dict | None:
    if not public_id:
        return None
    scenario = Scenario.objects.filter(authority=authority, public_id=public_id, kind=kind).first()
    return scenario.results if scenario else None


def _travel_times(upload, problems: Problems) -> dict[tuple[str, str], float] | None:
    """Read an uploaded travel-time table; errors name the file as the planner knows it, and
    rows that cannot be used go in `problems` (shown in the scenario's notes)."""
    if not upload:
        return None
    name = Path(upload.name).name or "travel-times.csv"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        with open(path, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        return read_travel_times(path, problems=problems)


def _run_sites(authority, data: dict) -> tuple[dict, dict]:
    weights_from = _saved_results(authority, data.get("needs_scenario"), ScenarioKind.NEEDS)
    weights = weights_from["weights"] if weights_from else None
    inputs = {
        "keep": data["keep"],
        "budget": data["budget"],
        "cost_per_hub": data["cost_per_hub"] or 0,
        "min_per_locality": data["min_per_locality"],
        "cover_every_area": data["cover_every_area"],
        "max_walk_minutes": data["max_walk_minutes"],
        "must_keep": data["must_keep"],
        "must_close": data["must_close"],
        "fallback": data["fallback"],
        "population_basis": data["population_basis"],
    }
    problems = Problems()
    travel = _travel_times(data.get("travel_times"), problems)
    results = scenarios.run_sites(
        authority,
        **{**inputs, "budget": float(data["budget"]) if data["budget"] is not None else None},
        weights=weights,
        travel_minutes=travel,
    )
    results["notes"] = results.get("notes", []) + [
        f"Travel-time table: {line.strip()}" for line in problems.lines()
    ]
    inputs["need_weights"] = results["need_weights"]
    if travel is not None:
        inputs["travel_times"] = [
            [area, site, minutes] for (area, site), minutes in sorted(travel.items())
        ]
    return inputs, results


@planner
@require_http_methods(["GET", "POST"])
def sites(request: HttpRequest) -> HttpResponse:
    return _tool(
        request,
        form_class=SitesForm,
        template_title="Plan the site network",
        kind=ScenarioKind.SITES,
        run=_run_sites,
        intro="Choose which sites to keep as hubs and which to serve by outreach, covering as much "
        "need-weighted population as the constraints allow. The plan is solved exactly.",
    )


def _run_sessions(authority, data: dict) -> tuple[dict, dict]:
    plan = _saved_results(authority, data.get("site_scenario"), ScenarioKind.SITES)
    inputs = {k: data[k] for k in ("enhanced", "standard", "outreach", "overrides")}
    inputs["site_scenario"] = data.get("site_scenario") or None
    return inputs, scenarios.run_sessions(
        authority,
        enhanced=data["enhanced"],
        standard=data["standard"],
        outreach=data["outreach"],
        overrides=data["overrides"],
        site_plan=plan,
    )


@planner
@require_http_methods(["GET", "POST"])
def sessions(request: HttpRequest) -> HttpResponse:
    return _tool(
        request,
        form_class=SessionsForm,
        template_title="Plan sessions",
        kind=ScenarioKind.SESSIONS,
        run=_run_sessions,
        intro="Sessions a week at each site: one enhanced hub in each locality (the highest-need "
        "hub) and the rest standard, as the county's redesigned service did (12 and 7), or set by hand.",
    )


def _run_caseload(authority, data: dict) -> tuple[dict, dict]:
    inputs = {
        "service": data["service"].pk,
        "expected_cases": data["expected_cases"],
        "level_mix": {lv: data[f"mix_{lv}"] for lv in "234"},
        "level_weights": {lv: data[f"weight_{lv}"] for lv in "234"},
        "tolerance": data["tolerance"] / 100,
        "team_min": data["team_min"],
        "team_max": data["team_max"],
        "staff_fte": data["staff"] or None,
        "team_sizes": data["team_sizes"] or None,
        "capacity": data["capacity"],
    }
    results = scenarios.run_caseload(
        authority,
        expected_cases=inputs["expected_cases"],
        level_mix=inputs["level_mix"],
        level_weights=inputs["level_weights"],
        tolerance=inputs["tolerance"],
        team_min=inputs["team_min"],
        team_max=inputs["team_max"],
        staff_fte=inputs["staff_fte"],
        service_id=inputs["service"],
        team_sizes=inputs["team_sizes"],
        capacity=inputs["capacity"],
    )
    return inputs, results


@planner
@require_http_methods(["GET", "POST"])
def caseload(request: HttpRequest) -> HttpResponse:
    return _tool(
        request,
        form_class=CaseloadForm,
        template_title="Balance caseloads",
        kind=ScenarioKind.CASELOAD,
        run=_run_caseload,
        intro="Share practitioners' time among areas and teams so that weighted caseloads are as "
        "even as possible, within each team's size limits.",
    )


def _run_funding(authority, data: dict) -> tuple[dict, dict]:
    current_results = _saved_results(authority, data.get("current"), ScenarioKind.FUNDING)
    current = (
        {u["unit"]: u["amount"] for u in current_results["units"]} if current_results else None
    )
    inputs = {
        "budget": data["budget"],
        "universal_share": data["universal_share"] / 100,
        "unit": data["unit"],
        "weights": {k: data[f"w_{k}"] for k in ("idaci", "child_poverty", "imd", "need")},
        "current": data.get("current") or None,
    }
    return inputs, scenarios.run_funding(
        authority,
        budget=data["budget"],
        universal_share=inputs["universal_share"],
        weights=inputs["weights"],
        unit=data["unit"],
        current=current,
    )


@planner
@require_http_methods(["GET", "POST"])
def funding(request: HttpRequest) -> HttpResponse:
    return _tool(
        request,
        form_class=FundingForm,
        template_title="Share a budget",
        kind=ScenarioKind.FUNDING,
        run=_run_funding,
        intro="A universal share per child under five plus a share by deprivation, with the weights "
        "you choose. Amounts are whole pounds and add up to the budget exactly.",
    )


@planner
def budget(request: HttpRequest) -> HttpResponse:
    authority, page = _authority_or_page(request)
    if page:
        return page
    summary = selectors.budget_summary(authority)
    form = BudgetForm(request.GET or None, years=summary["years"])
    if form.is_bound and form.is_valid() and form.cleaned_data.get("baseline"):
        summary = selectors.budget_summary(authority, form.cleaned_data["baseline"])
    return render(
        request,
        "planning/budget.html",
        {"summary": summary, "form": form, "contracts": selectors.contracts_for(authority)},
    )


@planner
def scenario(request: HttpRequest, public_id) -> HttpResponse:
    item = selectors.scenario_for_planner(selectors.current_authority(), public_id)
    picture = None
    chart = None
    r = item.results
    if item.kind == ScenarioKind.SITES and r.get("map"):
        picture = svg.area_map(
            r["map"]["areas"], r["map"]["sites"], title=f"{item.name}: areas and hubs"
        )
    if item.kind == ScenarioKind.FUNDING:
        chart = svg.bar_chart(
            [(u["unit"], u["amount"]) for u in r.get("units", [])],
            title=f"{item.name}: allocation",
            axis_label="Allocation (£)",
            prefix="£",
            decimals=0,
        )
    if item.kind == ScenarioKind.SESSIONS:
        chart = svg.bar_chart(
            list(r.get("by_locality", {}).items()),
            title=f"{item.name}: sessions a week by locality",
            axis_label="Sessions a week",
            decimals=0,
        )
    if item.kind == ScenarioKind.CASELOAD:
        chart = svg.bar_chart(
            [(t["team"], t["proposed_caseload_per_fte"] or 0) for t in r.get("teams", [])],
            title=f"{item.name}: proposed caseload by team",
            axis_label="Weighted cases per full-time worker (FTE)",
        )
    return render(
        request,
        "planning/scenario.html",
        {
            "scenario": item,
            "r": r,
            "map": picture,
            "chart": chart,
            "inputs": _readable_inputs(item.inputs, authority=item.authority),
            "costs": cost_of_change(item) if item.kind == ScenarioKind.SITES else None,
        },
    )


@planner
def export(request: HttpRequest, public_id, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format")
    item = selectors.scenario_for_planner(selectors.current_authority(), public_id)
    # Named after the scenario so a folder of downloads can be told apart; slugify keeps it ASCII.
    filename = slugify(item.name) or f"scenario-{item.public_id}"
    if fmt == "xlsx":
        return xlsx_download(exports.scenario_sheets(item), filename=f"{filename}.xlsx")
    return csv_download(exports.scenario_csv_rows(item), filename=f"{filename}.csv")


@planner
def compare(request: HttpRequest) -> HttpResponse:
    authority = selectors.current_authority()
    ids = request.GET.getlist("s")
    chosen = []
    for public_id in ids[:6]:
        try:
            chosen.append(selectors.scenario_for_planner(authority, uuid.UUID(public_id)))
        except (ValueError, Http404):  # a malformed or unknown id: left out, said below
            continue
    if len(chosen) < 2:
        messages.error(request, "Choose at least two saved scenarios to compare.")
        return redirect(reverse("planning:index"))
    rows = [(label, [_shown(v) for v in values]) for label, values in exports.compare_rows(chosen)]
    charts = []
    if all(s.kind == ScenarioKind.SITES for s in chosen):
        charts.append(
            svg.bar_chart(
                [(s.name, s.results.get("need_weighted_covered_pct", 0)) for s in chosen],
                title="Need-weighted population covered, by scenario",
                axis_label="Need-weighted population covered (%)",
                suffix="%",
            )
        )
    return render(
        request, "planning/compare.html", {"scenarios": chosen, "rows": rows, "charts": charts}
    )


def _readable_inputs(inputs: dict, *, authority=None) -> list[tuple[str, str]]:
    """What a scenario was asked, in words: "Min per locality: 1", not "min_per_locality", and
    another scenario by its name, not its id."""
    rows = []
    for key, value in sorted(inputs.items()):
        other_id = _uuid_or_none(value) if key.endswith("_scenario") else None
        if other_id is not None and authority is not None:
            other = Scenario.objects.filter(authority=authority, public_id=other_id)
            text = other.values_list("name", flat=True).first() or "A scenario since deleted"
        elif key == "capacity":
            text = dict(scenarios.CAPACITY_CHOICES).get(value, _shown(value))
        elif isinstance(value, dict):
            text = ", ".join(f"{k.replace('_', ' ')}: {_shown(v)}" for k, v in value.items())
        elif isinstance(value, list | tuple):
            text = ", ".join(_shown(v) for v in value)
        elif value is None or value == "":
            text = "-"
        else:
            text = _shown(value)
        rows.append((_shown(key.replace("_", " ")), text or "-"))
    return rows


def _uuid_or_none(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _shown(value: object) -> str:
    """A compared figure as people read it: 1,000,000 not 1000000, "Yes" not "yes"."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{int(value):,}" if value.is_integer() else f"{value:,}"
    text = str(value)
    return text[:1].upper() + text[1:]


@planner
@require_http_methods(["GET", "POST"])
def contract_new(request: HttpRequest) -> HttpResponse:
    authority, page = _authority_or_page(request)
    if page:
        return page
    form = ContractForm(request.POST or None, authority=authority)
    return _form_page(
        request,
        form,
        save=lambda data: services.contract_save(authority=authority, **data),
        done="Contract recorded.",
        redirect_to="planning:budget",
        title="Record a contract",
    )


@planner
@require_http_methods(["GET", "POST"])
def budget_line_new(request: HttpRequest) -> HttpResponse:
    authority, page = _authority_or_page(request)
    if page:
        return page
    form = BudgetLineForm(request.POST or None)
    return _form_page(
        request,
        form,
        save=lambda data: services.budget_line_record(authority=authority, **data),
        done="Budget line recorded.",
        redirect_to="planning:budget",
        title="Record a budget line",
    )


def _form_page(request, form, *, save, done: str, redirect_to: str, title: str, **context):
    """A form on planning/simple_form.html: on a valid POST `save(cleaned_data)` runs (a
    service's ValidationError goes back onto the form), then `done` is flashed and the planner
    sent to `redirect_to`."""
    if request.method == "POST" and form.is_valid():
        try:
            save(dict(form.cleaned_data))
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, done)
            return redirect(redirect_to)
    return render(request, "planning/simple_form.html", {"form": form, "title": title, **context})


# --- Changing and deleting what was saved ------------------------------------------------------
# Each change names the version the planner opened (a hidden field); the service refuses it if
# someone saved in between, and the page says so instead of overwriting their change.


def _confirm_page(request, *, item, title, body, button, warning, back, done) -> HttpResponse:
    """A GOV.UK confirmation page for a change that cannot be undone; `done` makes the change and
    returns where to go next, or raises StaleEdit or PlanningError."""
    form = ConfirmForm(request.POST or None, initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        try:
            return done(form.cleaned_data["version"])
        except (ValidationError, PlanningError) as error:
            form.add_error(None, error.messages if hasattr(error, "messages") else str(error))
    return render(
        request,
        "planning/confirm.html",
        {
            "form": form,
            "title": title,
            "body": body,
            "warning": warning,
            "button": button,
            "back": back,
        },
    )


@planner
@require_http_methods(["GET", "POST"])
def scenario_edit(request: HttpRequest, public_id) -> HttpResponse:
    item = selectors.scenario_for_planner(selectors.current_authority(), public_id)
    form = ScenarioEditForm(
        request.POST or None,
        initial={"name": item.name, "notes": item.notes, "version": item.version},
    )
    page_url = reverse("planning:scenario", args=[item.public_id])
    return _form_page(
        request,
        form,
        save=lambda data: services.scenario_update(
            scenario=item,
            expected_version=data["version"],
            name=data["name"],
            notes=data["notes"],
        ),
        done="Scenario changed.",
        redirect_to=page_url,
        title=f"Change “{item.name}”",
        back=page_url,
        back_text=item.name,
    )


@planner
@require_http_methods(["GET", "POST"])
def scenario_rerun(request: HttpRequest, public_id) -> HttpResponse:
    item = selectors.scenario_for_planner(selectors.current_authority(), public_id)
    back = reverse("planning:scenario", args=[item.public_id])

    def done(version: int) -> HttpResponse:
        services.scenario_rerun(scenario=item, expected_version=version)
        messages.success(request, f"“{item.name}” has been run again with today's figures.")
        return redirect(back)

    return _confirm_page(
        request,
        item=item,
        title=f"Run “{item.name}” again?",
        body="It is run with the same inputs against today's areas, sites and teams.",
        warning="The results shown now are replaced. Download them first if you need to keep them.",
        button="Run it again",
        back=back,
        done=done,
    )


@planner
@require_http_methods(["GET", "POST"])
def scenario_delete(request: HttpRequest, public_id) -> HttpResponse:
    item = selectors.scenario_for_planner(selectors.current_authority(), public_id)

    def done(version: int) -> HttpResponse:
        services.scenario_delete(scenario=item, expected_version=version)
        messages.success(request, f"Scenario “{item.name}” deleted.")
        return redirect("planning:index")

    return _confirm_page(
        request,
        item=item,
        title=f"Delete “{item.name}”?",
        body="Scenarios built on it keep their results and say it was deleted.",
        warning="You cannot undo this.",
        button="Delete the scenario",
        back=reverse("planning:scenario", args=[item.public_id]),
        done=done,
    )


@planner
@require_http_methods(["GET", "POST"])
def contract_edit(request: HttpRequest, public_id) -> HttpResponse:
    authority, page = _authority_or_page(request)
    if page:
        return page
    contract = selectors.contract_for_planner(authority, public_id)
    initial = {
        "service": contract.service_id,
        "provider": contract.provider,
        "annual_value": contract.annual_value,
        "start": contract.start,
        "end": contract.end,
        "ceiling": contract.ceiling,
        "version": contract.version,
    }
    form = ContractEditForm(request.POST or None, initial=initial, authority=authority)

    def save(data: dict) -> None:
        version = data.pop("version")
        services.contract_update(contract=contract, expected_version=version, **data)

    return _form_page(
        request,
        form,
        save=save,
        done="Contract changed.",
        redirect_to="planning:budget",
        title=f"Change the contract with {contract.provider}",
    )


@planner
@require_http_methods(["GET", "POST"])
def contract_delete(request: HttpRequest, public_id) -> HttpResponse:
    authority, page = _authority_or_page(request)
    if page:
        return page
    contract = selectors.contract_for_planner(authority, public_id)

    def done(version: int) -> HttpResponse:
        services.contract_delete(contract=contract, expected_version=version)
        messages.success(request, f"Contract with {contract.provider} deleted.")
        return redirect("planning:budget")

    return _confirm_page(
        request,
        item=contract,
        title=f"Delete the contract with {contract.provider}?",
        body=f"{contract.service.name}: £{contract.annual_value:,.2f} a year from "
        f"{contract.start:%-d %B %Y}.",
        warning="You cannot undo this.",
        button="Delete the contract",
        back=reverse("planning:budget"),
        done=done,
    )


# --- Commissioning: a contract's term, funding and KPIs -----------------------------------------


def _kpi_chart(row: dict):
    kpi = row["kpi"]
    suffix = "%" if kpi.unit == KpiUnit.PERCENT else ""
    return charts.line_chart(
        [c["label"].replace(" ", "\n") for c in row["cells"]],
        [
            charts.Series(
                kpi.name,
                [
                    charts.Value(None if c["value"] is None else float(c["value"]))
                    for c in row["cells"]
                ],
            )
        ],
        title=f"{kpi.name} by quarter",
        y_label=f"{kpi.name} ({kpi.get_unit_display().lower()})",
        x_label="Financial quarter (Q1 is April to June)",
        target=float(kpi.target),
        fmt=charts.number(1, suffix=suffix),
    )


@planner
def contract(request: HttpRequest, public_id) -> HttpResponse:
    authority, page = _authority_or_page(request)
    if page:
        return page
    item = selectors.contract_for_planner(authority, public_id)
    today = timezone.localdate()
    kpis = selectors.kpi_rows(item, today=today)
    for row in kpis:
        row["chart"] = _kpi_chart(row) if row["cells"] else None
    return render(
        request,
        "planning/contract.html",
        {
            "contract": item,
            "term": selectors.contract_years(item, today=today),
            "kpis": kpis,
            "rag_words": commissioning.RAG_WORDS,
            "provider_kpis": any(r["kpi"].entered_by_provider for r in kpis),
        },
    )


@planner
@require_http_methods(["GET", "POST"])
def contract_year(request: HttpRequest, public_id) -> HttpResponse:
    authority, page = _authority_or_page(request)
    if page:
        return page
    item = selectors.contract_for_planner(authority, public_id)
    years = selectors.financial_years(item.start, item.end, today=timezone.localdate())
    form = ContractYearForm(
        request.POST or None,
        years=years,
        initial={"version": item.version, "value": item.annual_value},
    )
    back = reverse("planning:contract", args=[item.public_id])

    def save(data: dict) -> None:
        services.contract_year_set(
            contract=item,
            expected_version=data["version"],
            year=data["year"],
            value=data["value"],
            funding={s: data.get(s) for s in FundingSource.values},
        )

    return _form_page(
        request,
        form,
        save=save,
        done="Value and funding for the year saved.",
        redirect_to=back,
        title=f"Value and funding for a year: {item.provider}",
        back=back,
        back_text=f"The contract with {item.provider}",
    )


@planner
@require_http_methods(["GET", "POST"])
def kpi_new(request: HttpRequest, public_id) -> HttpResponse:
    authority, page = _authority_or_page(request)
    if page:
        return page
    item = selectors.contract_for_planner(authority, public_id)
    form = KpiForm(request.POST or None, initial={"version": item.version, "amber_tolerance": 0})
    back = reverse("planning:contract", args=[item.public_id])

    def save(data: dict) -> None:
        version = data.pop("version")
        services.kpi_add(contract=item, expected_version=version, **data)

    return _form_page(
        request,
        form,
        save=save,
        done="KPI added.",
        redirect_to=back,
        title=f"Add a KPI to the contract with {item.provider}",
        back=back,
        back_text=f"The contract with {item.provider}",
    )


@planner
@require_http_methods(["GET", "POST"])
def kpi_figures(request: HttpRequest, public_id) -> HttpResponse:
    """The provider's quarterly figures for the KPIs they report (entered here by a planner)."""
    authority, page = _authority_or_page(request)
    if page:
        return page
    item = selectors.contract_for_planner(authority, public_id)
    kpis = [k for k in item.kpis.order_by("name") if k.entered_by_provider]
    quarters = [
        (*selectors.quarter_number(p), p.label)
        for p in reversed(selectors.contract_quarters(item, today=timezone.localdate()))
    ]
    form = KpiActualForm(
        request.POST or None, kpis=kpis, quarters=quarters, initial={"version": item.version}
    )
    back = reverse("planning:contract", args=[item.public_id])
    by_id = {k.pk: k for k in kpis}

    def save(data: dict) -> None:
        year, quarter = data["period"]
        services.kpi_actual_record(
            contract=item,
            expected_version=data["version"],
            kpi=by_id[data["kpi"]],
            year=year,
            quarter=quarter,
            value=data["value"],
            note=data["note"],
            entered_by=request.user if request.user.is_authenticated else None,
        )

    if not kpis:
        messages.info(request, "This contract has no KPIs that the provider reports.")
        return redirect(back)
    return _form_page(
        request,
        form,
        save=save,
        done="Figure saved.",
        redirect_to=back,
        title=f"Enter a quarter's figure: {item.provider}",
        back=back,
        back_text=f"The contract with {item.provider}",
    )


# --- The cost of change in a site scenario ------------------------------------------------------


def cost_of_change(item: Scenario) -> dict | None:
    """A site scenario's site changes with their one-off costs, payback, NPV and chart."""
    changes = selectors.site_changes(item)
    appraisal = commissioning.scenario_appraisal(changes)
    if appraisal is None:
        return None
    chart = charts.line_chart(
        [f"Year {t}" for t in range(1, len(appraisal.cumulative) + 1)],
        [charts.Series("Savings so far", [charts.Value(float(v)) for v in appraisal.cumulative])],
        title=f"{item.name}: savings so far against the one-off costs",
        y_label="Pounds (£)",
        x_label="Years after the change",
        target=float(appraisal.one_off),
        target_label="One-off costs",
        fmt=charts.number(0, prefix="£"),
    )
    rows = [{"change": c, **commissioning.site_change_costs(c)} for c in changes]
    return {
        "rows": rows,
        "appraisal": appraisal,
        "years": [
            (year, saving, so_far, so_far - appraisal.one_off, abs(so_far - appraisal.one_off))
            for year, (saving, so_far) in enumerate(
                zip(appraisal.savings, appraisal.cumulative, strict=True), start=1
            )
        ],
        "rate_pct": (appraisal.rate * 100).normalize(),
        "chart": chart,
    }


@planner
@require_http_methods(["GET", "POST"])
def site_change_new(request: HttpRequest, public_id) -> HttpResponse:
    item = selectors.scenario_for_planner(selectors.current_authority(), public_id)
    back = reverse("planning:scenario", args=[item.public_id])
    if item.kind != ScenarioKind.SITES:
        raise Http404("Costs of change go with a site network scenario")
    form = SiteChangeForm(
        request.POST or None,
        initial={
            "version": item.version,
            "saving_years": 10,
            "redundancy": 0,
            "dilapidations": 0,
            "capital_grant": 0,
        },
    )

    def save(data: dict) -> None:
        version = data.pop("version")
        services.site_change_add(scenario=item, expected_version=version, **data)

    return _form_page(
        request,
        form,
        save=save,
        done="Site change added.",
        redirect_to=back,
        title=f"Add the cost of closing or changing a site: {item.name}",
        back=back,
        back_text=item.name,
    )


@planner
@require_http_methods(["GET", "POST"])
def site_change_remove(request: HttpRequest, public_id) -> HttpResponse:
    """Take one site change out of a scenario (`?change=` names it), after a confirmation."""
    item = selectors.scenario_for_planner(selectors.current_authority(), public_id)
    number = _int_or_none(request.GET.get("change"))
    change = None if number is None else item.site_changes.filter(pk=number).first()
    if change is None:
        raise Http404("No such site change")
    back = reverse("planning:scenario", args=[item.public_id])

    def done(version: int) -> HttpResponse:
        services.site_change_remove(scenario=item, expected_version=version, change_id=change.pk)
        messages.success(request, f"The costs of changing {change.site} were removed.")
        return redirect(back)

    return _confirm_page(
        request,
        item=item,
        title=f"Remove the costs of changing {change.site}?",
        body=f"From “{item.name}”: its one-off costs and its saving of £{change.annual_saving:,.2f} "
        "a year.",
        warning="You cannot undo this.",
        button="Remove it",
        back=back,
        done=done,
    )


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


# --- The establishment ----------------------------------------------------------------------


def _target_fte(raw: str | None) -> tuple[Decimal | None, str]:
    if not raw:
        return None, ""
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        return None, "Enter the target as a number of FTE, for example 540"
    if not value.is_finite() or value <= 0 or value > 100000:
        return None, "Enter the target as a number of FTE more than 0"
    return value, ""


@planner
def establishment(request: HttpRequest) -> HttpResponse:
    authority, page = _authority_or_page(request)
    if page:
        return page
    target, error = _target_fte(request.GET.get("target_fte"))
    return render(
        request,
        "planning/establishment.html",
        {
            "data": selectors.establishment(authority, target_fte=target),
            "target_error": error,
            "target_raw": request.GET.get("target_fte", ""),
        },
    )


@planner
@require_http_methods(["GET", "POST"])
def post_new(request: HttpRequest) -> HttpResponse:
    authority, page = _authority_or_page(request)
    if page:
        return page
    form = PostForm(request.POST or None, authority=authority, initial={"status": "filled"})

    def save(data: dict) -> None:
        data.pop("version", None)
        services.post_save(authority=authority, **data)

    return _form_page(
        request,
        form,
        save=save,
        done="Post added to the establishment.",
        redirect_to="planning:establishment",
        title="Add a post",
        back=reverse("planning:establishment"),
        back_text="Establishment",
    )


@planner
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, public_id) -> HttpResponse:
    authority, page = _authority_or_page(request)
    if page:
        return page
    post = selectors.post_for_planner(authority, public_id)
    initial = {name: getattr(post, name) for name in services.POST_FIELDS}
    initial.update(team=post.team_id, funded_by=post.funded_by_id, version=post.version)
    form = PostForm(request.POST or None, authority=authority, initial=initial)

    def save(data: dict) -> None:
        version = data.pop("version")
        services.post_save(authority=authority, post=post, expected_version=version, **data)

    return _form_page(
        request,
        form,
        save=save,
        done="Post changed.",
        redirect_to="planning:establishment",
        title=f"Change the post: {post.title}",
        back=reverse("planning:establishment"),
        back_text="Establishment",
    )
