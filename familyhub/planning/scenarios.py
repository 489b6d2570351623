"""Running each kind of plan against the council's own areas, sites and teams.

Each run_* function takes the planner's inputs (plain values) and returns the results dict that a
Scenario stores. They read through selectors and compute through optimiser; they write nothing.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from familyhub.places.models import Authority, SiteKind, SiteStatus
from familyhub.planning import adapters, selectors
from familyhub.planning.models import Scenario, ScenarioKind
from familyhub.planning.optimiser import (
    AreaInput,
    CaseloadArea,
    CaseloadTeam,
    FundingUnit,
    PlanningError,
    SiteInput,
    SiteProblem,
    allocate_caseload,
    funding_formula,
    rank_score,
    sessions_by_rule,
    solve_sites,
)
from familyhub.services.models import Team, TeamMembership


def _serving(authority: Authority, *, hubs_only: bool = False) -> tuple[list, dict[int, list[str]]]:
    sites = list(selectors.candidate_sites(authority))
    if hubs_only:
        sites = [s for s in sites if s.kind == SiteKind.FAMILY_HUB]
    serving: dict[int, list[str]] = defaultdict(list)
    for site in sites:
        reach = {a.pk for a in site.reach_areas.all()}
        if site.area_id:
            reach.add(site.area_id)
        for area_id in reach:
            serving[area_id].append(site.name)
    return sites, serving


def run_needs(authority: Authority, *, weights: dict[str, float]) -> dict:
    return selectors.needs_analysis(authority, weights)


def run_sites(
    authority: Authority,
    *,
    keep: int | None,
    budget: float | None = None,
    cost_per_hub: float = 0.0,
    min_per_locality: int = 1,
    cover_every_area: bool = False,
    max_walk_minutes: float = 30.0,
    must_keep: list[str] | None = None,
    must_close: list[str] | None = None,
    fallback: str = "serving",
    population_basis: str = "0_4",
    weights: dict[str, float] | None = None,
    travel_minutes: dict[tuple[str, str], float] | None = None,
) -> dict:
    needs = selectors.needs_analysis(authority, weights)
    sites, serving = _serving(authority)
    areas = []
    for a in needs["areas"]:
        f = a["figures"]
        population = float(
            f["population_0_4"] if population_basis == "0_4" else f["population_0_19"]
        )
        areas.append(
            AreaInput(
                name=a["name"],
                locality=a["locality"],
                population=population,
                need=a["score"],
                weight=population * a["score"] / 100,
                serving_sites=serving.get(a["id"], []),
                latitude=a.get("latitude"),
                longitude=a.get("longitude"),
            )
        )
    site_inputs = []
    for s in sites:
        lat, lon = s.latitude, s.longitude
        if (lat is None or lon is None) and s.area is not None:
            lat, lon = s.area.latitude, s.area.longitude  # the site's own area's centre
        site_inputs.append(
            SiteInput(
                name=s.name,
                locality=s.locality.name,
                kind=s.get_kind_display(),
                cost=cost_per_hub,
                latitude=lat,
                longitude=lon,
            )
        )
    problem = SiteProblem(
        areas=areas,
        sites=site_inputs,
        keep=keep,
        budget=budget,
        min_per_locality=min_per_locality,
        cover_every_area=cover_every_area,
        max_walk_minutes=max_walk_minutes,
        must_keep=must_keep or [],
        must_close=must_close or [],
        fallback=fallback,
        travel_minutes=travel_minutes,
    )
    result = solve_sites(problem)
    result["need_weights"] = needs["weights"]
    result["notes"] = needs["notes"] + [
        f"Population: children aged {'0-4' if population_basis == '0_4' else '0-19'}; "
        "need-weighted population = population x need score / 100."
    ]
    result["map"] = {
        "areas": [
            {"name": a.name, "lat": a.latitude, "lon": a.longitude, "need": a.need} for a in areas
        ],
        "sites": [
            {
                "name": s.name,
                "lat": s.latitude,
                "lon": s.longitude,
                "kept": s.name in result["kept"],
            }
            for s in site_inputs
        ],
    }
    return result


def _site_need(needs: dict, authority: Authority) -> dict[str, float]:
    sites, serving = _serving(authority)
    by_site: dict[str, list[float]] = defaultdict(list)
    for a in needs["areas"]:
        for name in serving.get(a["id"], []):
            by_site[name].append(a["score"])
    return {
        s.name: (sum(by_site[s.name]) / len(by_site[s.name]) if by_site[s.name] else 0.0)
        for s in sites
    }


def run_sessions(
    authority: Authority,
    *,
    enhanced: int,
    standard: int,
    outreach: int,
    overrides: dict[str, int],
    site_plan: dict | None = None,
) -> dict:
    """Sessions a week; hubs come from a saved site scenario if one is given, else the open
    family hubs (other sites count as outreach)."""
    needs = selectors.needs_analysis(authority)
    need = _site_need(needs, authority)
    rows = []
    for s in selectors.candidate_sites(authority):
        if site_plan is not None:
            hub = s.name in site_plan.get("kept", [])
        else:
            hub = s.kind == SiteKind.FAMILY_HUB and s.status == SiteStatus.OPEN
        rows.append(
            {"name": s.name, "locality": s.locality.name, "hub": hub, "need": need.get(s.name, 0.0)}
        )
    if not rows:
        raise PlanningError("There are no sites to plan sessions for.")
    result = sessions_by_rule(
        rows, enhanced=enhanced, standard=standard, outreach=outreach, overrides=overrides
    )
    result["hubs_from"] = (
        "the chosen site scenario" if site_plan is not None else "the open family hubs"
    )
    return result


def run_funding(
    authority: Authority,
    *,
    budget: int,
    universal_share: float,
    weights: dict[str, float],
    unit: str = "hubs",
    current: dict[str, float] | None = None,
) -> dict:
    """Share a budget among the open family hubs, all open sites (each by the areas it serves),
    or among areas.

    Indicators, each 0-1 with 1 = most deprived: idaci (rank), imd (rank), child_poverty (rate
    / largest), need (need score / 100).
    """
    needs = selectors.needs_analysis(authority)
    areas = needs["areas"]
    poverty_top = max((a["figures"]["child_poverty"] or 0.0 for a in areas), default=0.0) or 1.0
    idaci_n = max([len(areas)] + [a["figures"]["idaci"] or 0 for a in areas])
    imd_n = max([len(areas)] + [a["figures"]["imd"] or 0 for a in areas])
    per_area = {}
    for a in areas:
        f = a["figures"]
        per_area[a["id"]] = {
            "name": a["name"],
            "children": float(f["population_0_4"] or 0),
            "idaci": rank_score(f["idaci"], idaci_n),
            "imd": rank_score(f["imd"], imd_n),
            "child_poverty": (f["child_poverty"] or 0.0) / poverty_top,
            "need": a["score"] / 100,
        }
    keys = ["idaci", "imd", "child_poverty", "need"]
    units: list[FundingUnit] = []
    if unit not in ("hubs", "sites", "areas"):
        raise PlanningError("Share among hubs, sites or areas.")
    if unit == "areas":
        for row in per_area.values():
            units.append(
                FundingUnit(
                    row["name"],
                    row["children"],
                    {k: row[k] for k in keys},
                    (current or {}).get(row["name"]),
                )
            )
    else:
        sites, serving = _serving(authority, hubs_only=unit == "hubs")
        members: dict[str, list[dict]] = defaultdict(list)
        for area_id, names in serving.items():
            for name in names:
                # an area served by two sites gives each half its children
                if area_id in per_area:
                    share = dict(per_area[area_id])
                    share["children"] = share["children"] / len(names)
                    members[name].append(share)
        for s in sites:
            rows = members.get(s.name, [])
            children = sum(r["children"] for r in rows)
            indicators = {
                k: (
                    sum((r[k] or 0.0) * r["children"] for r in rows) / children if children else 0.0
                )
                for k in keys
            }
            units.append(FundingUnit(s.name, children, indicators, (current or {}).get(s.name)))
        if all(u.children == 0 for u in units):
            raise PlanningError(
                "No site has areas with children under five recorded against it: fund areas instead, "
                "or record which areas each site serves."
            )
    result = funding_formula(units, budget=budget, universal_share=universal_share, weights=weights)
    result["unit_kind"] = unit
    result["explanation"] = (
        f"{round(universal_share * 100, 1):g}% shared per child under five; the rest in proportion to "
        "children under five x the weighted deprivation measures (each 0-1, 1 = most deprived). "
        "Whole pounds, rounded by largest remainder so the amounts add up to the budget exactly."
    )
    return result


# Roles that carry a caseload; reception, triage and managers do not.
CASEHOLDING_ROLES = ["family_support_worker", "lead_professional", "health_visitor", "school_nurse"]


# Where the caseload model's capacity comes from, in the planner's words.
CAPACITY_CHOICES = [
    ("members", "The teams' members today"),
    ("filled_posts", "The establishment: filled posts"),
    ("all_posts", "The establishment: every funded post, filled or vacant"),
]


def run_caseload(
    authority: Authority,
    *,
    expected_cases: int | None,
    level_mix: dict[str, float],
    level_weights: dict[str, float],
    tolerance: float,
    team_min: float,
    team_max: float | None,
    staff_fte: dict[str, float] | None,
    service_id: int | None = None,
    team_sizes: dict[str, list[float]] | None = None,
    capacity: str = "members",
) -> dict:
    """Balance staff across areas and teams. Demand per area: referrals in the last year split by
    the level mix when the record has them (and no total is entered), otherwise the expected
    cases shared by need-weighted children 0-19. Capacity (when no staff FTE is entered): the
    teams' members ("members"), the establishment's filled posts ("filled_posts"), or every
    funded post, filled or vacant ("all_posts")."""
    needs = selectors.needs_analysis(authority)
    areas = needs["areas"]
    mix_total = sum(level_mix.values())
    if mix_total <= 0:
        raise PlanningError("The mix of cases by level must add up to more than 0%.")
    teams_qs = Team.objects.filter(locality__authority=authority).select_related("locality")
    if service_id:
        teams_qs = teams_qs.filter(service_id=service_id)
    team_of_locality: dict[str, str] = {}
    current: dict[str, float] = {}
    for team in teams_qs.order_by("name"):
        if team.locality and team.locality.name not in team_of_locality:
            team_of_locality[team.locality.name] = team.name
            fte = TeamMembership.objects.filter(team=team).aggregate(t=Sum("fte"))["t"] or Decimal(
                0
            )
            current[team.name] = float(fte)
    if capacity != "members":
        posts = selectors.establishment_fte(
            authority, teams_qs, by="team__name", filled_only=capacity == "filled_posts"
        )
        current = {name: posts.get(name, 0.0) for name in current}
    note = ""
    for a in areas:
        if a["locality"] not in team_of_locality:
            name = f"{a['locality']} team"
            team_of_locality[a["locality"]] = name
            current.setdefault(name, 0.0)
            note = "Localities without a team in the register get a team named after the locality."
    staff: dict[str, float] = dict(staff_fte or {})
    if not staff and capacity != "members":
        staff = selectors.establishment_fte(
            authority, teams_qs, by="role", filled_only=capacity == "filled_posts"
        )
        if not staff:
            raise PlanningError(
                "The establishment has no posts in this service's teams: add them on the "
                "establishment page, or take the capacity from the teams' members."
            )
    if not staff:
        memberships = (
            TeamMembership.objects.filter(team__in=teams_qs, user__role__in=CASEHOLDING_ROLES)
            .values("user__role")
            .annotate(t=Sum("fte"))
        )
        staff = {m["user__role"]: float(m["t"]) for m in memberships if m["t"]}
    if not staff:
        raise PlanningError(
            "No caseholding staff (family support workers, lead professionals, health visitors, "
            "school nurses) found in the teams: enter the staff FTE by role."
        )
    by_level = (
        adapters.referrals_by_area_and_level(authority.pk) if expected_cases is None else None
    )
    referrals_known = all(a["figures"]["referrals"] is not None for a in areas)
    cases: dict[str, dict[str, float]] = {}
    if by_level:
        # the front door's own decisions: "4a", "4b" count as level 4; levels without a caseload
        # weight (level 1, universal) carry no casework
        demand_from = "referrals in the last year at the level of need decided at the front door"
        for a in areas:
            counts: dict[str, float] = dict.fromkeys(level_weights, 0.0)
            for level, n in by_level.get(a["id"], {}).items():
                key = level[:1]
                if key in counts:
                    counts[key] += n
            cases[a["name"]] = counts
    else:
        if expected_cases is None and referrals_known:
            demand_from = "referrals in the last year, split by the level mix"
            base = {a["name"]: float(a["figures"]["referrals"] or 0) for a in areas}
        else:
            if expected_cases is None:
                raise PlanningError(
                    "The record has no referrals yet: enter the expected cases a year."
                )
            demand_from = "expected cases shared by need-weighted children aged 0-19"
            weights = {a["name"]: a["figures"]["population_0_19"] * a["score"] / 100 for a in areas}
            total = sum(weights.values()) or 1.0
            base = {name: expected_cases * w / total for name, w in weights.items()}
        for a in areas:
            cases[a["name"]] = {
                lv: round(base[a["name"]] * level_mix.get(lv, 0) / mix_total, 2)
                for lv in level_weights
            }
    cl_areas = [
        CaseloadArea(a["name"], team_of_locality[a["locality"]], cases[a["name"]]) for a in areas
    ]
    # a team in a locality with no areas has no demand to take: leave it out, and say so
    with_areas = {a.team for a in cl_areas}
    idle = sorted(set(team_of_locality.values()) - with_areas)
    if idle:
        note = (note + " " if note else "") + f"Teams with no areas, left out: {', '.join(idle)}."
    sizes = team_sizes or {}
    unknown = sorted(set(sizes) - with_areas)
    if unknown:
        raise PlanningError(f"Team sizes: no team with areas is called {', '.join(unknown)}.")
    cl_teams = [
        CaseloadTeam(
            name,
            sizes[name][0] if name in sizes else team_min,
            sizes[name][1]
            if name in sizes
            else (team_max if team_max is not None else float("inf")),
            current.get(name, 0.0),
        )
        for name in sorted(with_areas)
    ]
    result = allocate_caseload(
        cl_areas, cl_teams, staff_fte=staff, level_weights=level_weights, tolerance=tolerance
    )
    result["demand_from"] = demand_from
    result["level_mix"] = level_mix
    if note:
        result["note"] += " " + note
    return result


def _saved(authority: Authority, public_id, kind: str) -> dict | None:
    """Results of another scenario a plan was built on (a site plan, a current allocation)."""

    if not public_id:
        return None
    other = Scenario.objects.filter(authority=authority, public_id=public_id, kind=kind).first()
    return other.results if other else None


def _number(value) -> float | None:
    # Saved inputs went through JSON: a Decimal came back as a string.
    return None if value in (None, "") else float(value)


def run_again(authority: Authority, kind: str, inputs: dict) -> dict:
    """The results of a saved scenario's inputs against today's areas, sites and teams.

    A plan built on another scenario reads that scenario as it is now; if it has been deleted the
    plan runs as if none had been chosen.
    """

    if kind == ScenarioKind.NEEDS:
        return run_needs(authority, weights=inputs["weights"])
    if kind == ScenarioKind.SITES:
        travel = inputs.get("travel_times")
        return run_sites(
            authority,
            keep=inputs.get("keep"),
            budget=_number(inputs.get("budget")),
            cost_per_hub=_number(inputs.get("cost_per_hub")) or 0.0,
            min_per_locality=inputs.get("min_per_locality") or 0,
            cover_every_area=bool(inputs.get("cover_every_area")),
            max_walk_minutes=_number(inputs.get("max_walk_minutes")) or 30.0,
            must_keep=inputs.get("must_keep") or [],
            must_close=inputs.get("must_close") or [],
            fallback=inputs.get("fallback") or "serving",
            population_basis=inputs.get("population_basis") or "0_4",
            weights=inputs.get("need_weights"),
            travel_minutes={(a, s): float(m) for a, s, m in travel} if travel else None,
        )
    if kind == ScenarioKind.SESSIONS:
        return run_sessions(
            authority,
            enhanced=inputs["enhanced"],
            standard=inputs["standard"],
            outreach=inputs["outreach"],
            overrides=inputs.get("overrides") or {},
            site_plan=_saved(authority, inputs.get("site_scenario"), ScenarioKind.SITES),
        )
    if kind == ScenarioKind.CASELOAD:
        return run_caseload(
            authority,
            expected_cases=inputs.get("expected_cases"),
            level_mix=inputs["level_mix"],
            level_weights=inputs["level_weights"],
            tolerance=float(inputs["tolerance"]),
            team_min=float(inputs["team_min"]),
            team_max=_number(inputs.get("team_max")),
            staff_fte=inputs.get("staff_fte"),
            service_id=inputs.get("service"),
            team_sizes=inputs.get("team_sizes"),
            capacity=inputs.get("capacity", "members"),
        )
    if kind == ScenarioKind.FUNDING:
        current = _saved(authority, inputs.get("current"), ScenarioKind.FUNDING)
        return run_funding(
            authority,
            budget=int(inputs["budget"]),
            universal_share=float(inputs["universal_share"]),
            weights=inputs["weights"],
            unit=inputs.get("unit") or "hubs",
            current={u["unit"]: u["amount"] for u in current["units"]} if current else None,
        )
    raise PlanningError(f"A {kind} scenario cannot be run again")
