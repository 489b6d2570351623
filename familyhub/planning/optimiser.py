"""The planning calculations, free of Django so they can be tested and run from files.

Site network: which candidate sites to keep as hubs, maximising need-weighted population covered,
solved exactly as a mixed-integer programme with scipy's HiGHS (scipy.optimize.milp). Caseload
allocation: full-time equivalents to areas and teams minimising the largest deviation from a
balanced weighted caseload (also a MILP, FTE in steps). Sessions per site from the enhanced /
standard rule. Funding: universal plus deprivation-weighted shares, rounded to pounds by largest
remainder so the amounts add up to the budget exactly.

Every problem here is small (tens of sites, hundreds of areas), so it is solved synchronously in
the request; nothing needs a background job.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

WALK_SPEED_KMH = 4.8
DETOUR_FACTOR = 1.3  # streets are not straight lines: a common planning allowance
DEFAULT_MAX_WALK_MINUTES = 30.0
ENHANCED_SESSIONS = 12  # lancashire_model.csv: enhanced_centre_sessions_per_week
STANDARD_SESSIONS = 7  # lancashire_model.csv: standard_centre_sessions_per_week
# seconds: a borough's network solves in well under one, a county's caseload in about one; the
# limit keeps a page from hanging if a planner builds something far larger
SOLVER_TIME_LIMIT = 20.0


class PlanningError(ValueError):
    """A planning problem that cannot be solved as asked; the message says why in plain English."""


class InfeasibleError(PlanningError):
    def __init__(self, message: str, clashing: list[str]):
        super().__init__(message)
        self.clashing = clashing


# ---------------------------------------------------------------------------------------------
# Site network


@dataclass
class AreaInput:
    name: str
    locality: str
    weight: float  # need-weighted population: what covering this area is worth
    population: float = 0.0
    need: float = 0.0  # need score 0-100
    serving_sites: list[str] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class SiteInput:
    name: str
    locality: str
    kind: str = "centre"  # centre or outreach venue
    cost: float = 0.0  # annual running cost as a hub
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class SiteProblem:
    areas: list[AreaInput]
    sites: list[SiteInput]
    keep: int | None = None
    budget: float | None = None
    min_per_locality: int = 0
    cover_every_area: bool = False
    max_walk_minutes: float = DEFAULT_MAX_WALK_MINUTES
    must_keep: list[str] = field(default_factory=list)
    must_close: list[str] = field(default_factory=list)
    # (area, site) -> minutes; when given it decides coverage for the pairs it lists
    travel_minutes: dict[tuple[str, str], float] | None = None
    fallback: str = "serving"  # without coordinates: "serving" (the mapping) or "locality"


def walk_minutes(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Straight-line (great-circle) distance at walking speed, with a detour allowance."""
    radius_km = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    km = 2 * radius_km * math.asin(math.sqrt(a))
    return km * DETOUR_FACTOR / WALK_SPEED_KMH * 60


def coverage_matrix(problem: SiteProblem) -> tuple[list[list[bool]], str]:
    """Which site covers which area, and a sentence saying how that was decided."""
    areas, sites = problem.areas, problem.sites
    have_coords = all(a.latitude is not None and a.longitude is not None for a in areas) and all(
        s.latitude is not None and s.longitude is not None for s in sites
    )
    cover = [[False] * len(sites) for _ in areas]
    if problem.travel_minutes:
        for i, a in enumerate(areas):
            for j, s in enumerate(sites):
                minutes = problem.travel_minutes.get((a.name, s.name))
                if minutes is not None:
                    cover[i][j] = minutes <= problem.max_walk_minutes
                elif have_coords:
                    cover[i][j] = (
                        walk_minutes(a.latitude, a.longitude, s.latitude, s.longitude)  # type: ignore[arg-type]
                        <= problem.max_walk_minutes
                    )
        how = (
            f"An area is covered by a site within {problem.max_walk_minutes:g} minutes in the "
            "travel-time table given."
        )
        return cover, how
    if have_coords:
        for i, a in enumerate(areas):
            for j, s in enumerate(sites):
                minutes = walk_minutes(a.latitude, a.longitude, s.latitude, s.longitude)  # type: ignore[arg-type]
                cover[i][j] = minutes <= problem.max_walk_minutes
        how = (
            f"An area is covered by a site within {problem.max_walk_minutes:g} minutes' walk, "
            f"estimated from the straight-line distance between the area's centre and the site "
            f"at {WALK_SPEED_KMH} km/h with a detour factor of {DETOUR_FACTOR}."
        )
        return cover, how
    site_index = {s.name: j for j, s in enumerate(sites)}
    for i, a in enumerate(areas):
        for name in a.serving_sites:
            if name in site_index:
                cover[i][site_index[name]] = True
        if problem.fallback == "locality" or not a.serving_sites:
            for j, s in enumerate(sites):
                if s.locality == a.locality:
                    cover[i][j] = True
    if problem.fallback == "locality":
        how = (
            "There are no coordinates, so walking time could not be used: an area is covered by "
            "any site kept in its locality."
        )
    else:
        how = (
            "There are no coordinates, so walking time could not be used: an area is covered "
            "only by the site(s) that serve it (areas with no named site: any site in its "
            "locality)."
        )
    return cover, how


def _site_constraint_groups(
    problem: SiteProblem, cover: list[list[bool]]
) -> dict[str, tuple[str, list[tuple[list[float], float, float]], dict[int, tuple[float, float]]]]:
    """Each planner's constraint as a named group of rows over the site variables x_j.

    Returns {key: (description, rows [(coefficients, lower, upper)], bounds {site: (lb, ub)})}.
    Naming them lets an infeasible problem be explained by the smallest clashing set.
    """
    sites = problem.sites
    n = len(sites)
    index = {s.name: j for j, s in enumerate(sites)}
    groups: dict = {}
    if problem.keep is not None:
        groups["keep"] = (
            f"keep exactly {problem.keep} site{'s' if problem.keep != 1 else ''}",
            [([1.0] * n, problem.keep, problem.keep)],
            {},
        )
    if problem.budget is not None:
        groups["budget"] = (
            f"a running-cost budget of £{problem.budget:,.0f}",
            [([s.cost for s in sites], -np.inf, problem.budget)],
            {},
        )
    if problem.min_per_locality > 0:
        localities = sorted({a.locality for a in problem.areas} | {s.locality for s in sites})
        rows: list[tuple[list[float], float, float]] = []
        for loc in localities:
            rows.append(
                (
                    [1.0 if s.locality == loc else 0.0 for s in sites],
                    problem.min_per_locality,
                    np.inf,
                )
            )
        groups["min_per_locality"] = (
            f"at least {problem.min_per_locality} site{'s' if problem.min_per_locality != 1 else ''}"
            f" in each of the {len(localities)} localities ({', '.join(localities)})",
            rows,
            {},
        )
    if problem.cover_every_area:
        rows = [
            ([1.0 if c else 0.0 for c in cover[i]], 1.0, float(np.inf)) for i in range(len(cover))
        ]
        groups["cover_every_area"] = (
            f"every area within {problem.max_walk_minutes:g} minutes of a kept site",
            rows,
            {},
        )
    if problem.must_keep:
        groups["must_keep"] = (
            "must keep " + ", ".join(problem.must_keep),
            [],
            {index[name]: (1.0, 1.0) for name in problem.must_keep},
        )
    if problem.must_close:
        groups["must_close"] = (
            "must close " + ", ".join(problem.must_close),
            [],
            {index[name]: (0.0, 0.0) for name in problem.must_close},
        )
    return groups


def _feasible(n: int, groups: dict, keys: list[str]) -> bool:
    """Is there any choice of sites meeting the constraint groups named (objective ignored)?"""
    lb, ub = np.zeros(n), np.ones(n)
    rows: list[list[float]] = []
    lo: list[float] = []
    hi: list[float] = []
    for key in keys:
        _, grows, gbounds = groups[key]
        for coeffs, low, high in grows:
            rows.append(coeffs)
            lo.append(low)
            hi.append(high)
        for j, (low, high) in gbounds.items():
            lb[j], ub[j] = max(lb[j], low), min(ub[j], high)
    if np.any(lb > ub):
        return False
    constraints = [LinearConstraint(np.array(rows), lo, hi)] if rows else []
    res = milp(np.zeros(n), integrality=np.ones(n), bounds=Bounds(lb, ub), constraints=constraints)
    return res.status == 0


def explain_infeasible(problem: SiteProblem, cover: list[list[bool]]) -> InfeasibleError:
    """Find a smallest set of the planner's constraints that cannot hold together (deletion filter)."""
    n = len(problem.sites)
    groups = _site_constraint_groups(problem, cover)
    keys = list(groups)
    for key in list(keys):
        trial = [k for k in keys if k != key]
        if not _feasible(n, groups, trial):
            keys = trial
    descriptions = [groups[k][0] for k in keys]
    if len(descriptions) == 1:
        message = f"No set of sites can meet this constraint: {descriptions[0]}."
    else:
        message = "These constraints cannot all be met together: " + "; ".join(descriptions) + "."
    detail = _infeasible_detail(problem, cover, keys)
    if detail:
        message += " " + detail
    return InfeasibleError(message, keys)


def _infeasible_detail(problem: SiteProblem, cover: list[list[bool]], keys: list[str]) -> str:
    both = sorted(set(problem.must_keep) & set(problem.must_close))
    if both:
        return f"{', '.join(both)} is both a site to keep and a site to close."
    if "keep" in keys and "min_per_locality" in keys and problem.keep is not None:
        localities = {a.locality for a in problem.areas} | {s.locality for s in problem.sites}
        needed = len(localities) * problem.min_per_locality
        if needed > problem.keep:
            return f"Meeting the locality rule needs at least {needed} sites, but only {problem.keep} may be kept."
        if "must_keep" in keys:
            locality_of = {s.name: s.locality for s in problem.sites}
            forced: dict[str, int] = defaultdict(int)
            for name in problem.must_keep:
                forced[locality_of[name]] += 1
            needed = sum(max(problem.min_per_locality, forced[loc]) for loc in localities)
            if needed > problem.keep:
                return (
                    f"The sites that must stay and the locality rule together need at least "
                    f"{needed} sites, but only {problem.keep} may be kept."
                )
    if "min_per_locality" in keys:
        closed = set(problem.must_close)
        for loc in sorted(
            {a.locality for a in problem.areas} | {s.locality for s in problem.sites}
        ):
            open_here = [s for s in problem.sites if s.locality == loc and s.name not in closed]
            if len(open_here) < problem.min_per_locality:
                return f"{loc} has only {len(open_here)} site(s) that may stay open."
    if "cover_every_area" in keys:
        closed = set(problem.must_close)
        for i, a in enumerate(problem.areas):
            if not any(cover[i][j] for j, s in enumerate(problem.sites) if s.name not in closed):
                return f"No site that may stay open is within reach of {a.name}."
    if "keep" in keys and problem.keep is not None and len(keys) == 1:
        return f"There are {len(problem.sites)} candidate sites."
    return ""


def validate_site_problem(problem: SiteProblem) -> None:
    names = [s.name for s in problem.sites]
    if not problem.sites:
        raise PlanningError("There are no candidate sites.")
    if not problem.areas:
        raise PlanningError("There are no areas.")
    if len(set(names)) != len(names):
        raise PlanningError("Two candidate sites have the same name.")
    for label, chosen in (("must keep", problem.must_keep), ("must close", problem.must_close)):
        unknown = [n for n in chosen if n not in names]
        if unknown:
            raise PlanningError(f"{label}: no candidate site is called {', '.join(unknown)}.")
    if problem.keep is not None and problem.keep < 0:
        raise PlanningError("The number of sites to keep cannot be negative.")
    if problem.keep is None and problem.budget is None:
        raise PlanningError("Give a number of sites to keep or a budget.")
    if problem.travel_minutes:
        area_names = {a.name for a in problem.areas}
        unknown_areas = sorted({a for a, _ in problem.travel_minutes} - area_names)
        unknown_sites = sorted({s for _, s in problem.travel_minutes} - set(names))
        if unknown_areas:
            raise PlanningError(
                f"Travel-time table: no area is called {', '.join(unknown_areas[:5])}."
            )
        if unknown_sites:
            raise PlanningError(
                f"Travel-time table: no candidate site is called {', '.join(unknown_sites[:5])}."
            )
    if problem.max_walk_minutes <= 0:
        raise PlanningError("The maximum walking time must be more than 0 minutes.")


def solve_sites(problem: SiteProblem) -> dict:
    """Choose the hubs. Raises PlanningError / InfeasibleError with a plain-English message.

    Variables: x_j (keep site j, binary), y_i (area i covered, 0..1). Maximise sum w_i y_i
    subject to y_i <= sum_j cover_ij x_j and the planner's constraints. A tiny second term
    prefers the cheaper and then the higher-need plan among equally good ones, so ties break
    the same way every time.
    """
    validate_site_problem(problem)
    areas, sites = problem.areas, problem.sites
    n_s, n_a = len(sites), len(areas)
    cover, how = coverage_matrix(problem)
    groups = _site_constraint_groups(problem, cover)
    if not _feasible(n_s, groups, list(groups)):
        raise explain_infeasible(problem, cover)

    weights = np.array([max(a.weight, 0.0) for a in areas])
    total_w = float(weights.sum()) or 1.0
    costs = np.array([s.cost for s in sites])
    own = np.array(
        [sum(a.weight for a in areas if s.name in a.serving_sites) for s in sites], dtype=float
    )
    # tie-breaks: cheaper first, then the larger own catchment; kept far below one area's worth
    eps_cost = 1e-6 * total_w / (float(costs.sum()) + 1.0)
    eps_own = 1e-7 * total_w / (float(own.sum()) + 1.0)
    c = np.concatenate([eps_cost * costs - eps_own * own, -weights])
    lb = np.zeros(n_s + n_a)
    ub = np.ones(n_s + n_a)
    rows: list[list[float]] = []
    lo: list[float] = []
    hi: list[float] = []
    for key in groups:
        _, grows, gbounds = groups[key]
        for coeffs, low, high in grows:
            rows.append(list(coeffs) + [0.0] * n_a)
            lo.append(low)
            hi.append(high)
        for j, (low, high) in gbounds.items():
            lb[j], ub[j] = max(lb[j], low), min(ub[j], high)
    for i in range(n_a):
        row = [-1.0 if cover[i][j] else 0.0 for j in range(n_s)] + [0.0] * n_a
        row[n_s + i] = 1.0
        rows.append(row)
        lo.append(-np.inf)
        hi.append(0.0)
    integrality = np.concatenate([np.ones(n_s), np.zeros(n_a)])
    res = milp(
        c,
        integrality=integrality,
        bounds=Bounds(lb, ub),
        constraints=[LinearConstraint(np.array(rows), lo, hi)],
        options={"mip_rel_gap": 0.0, "time_limit": SOLVER_TIME_LIMIT},
    )
    if res.status == 2:
        raise explain_infeasible(problem, cover)
    if res.x is None or res.status not in (0, 1):
        raise PlanningError(f"The solver stopped without a plan: {res.message}")
    kept = [j for j in range(n_s) if res.x[j] > 0.5]
    result = describe_site_plan(problem, cover, how, kept)
    # status 1: the time limit came first; the plan is the best found, not proven the best
    result["proven_best"] = res.status == 0
    if res.status == 1:
        result["coverage_rule"] += (
            f" The solver stopped at its {SOLVER_TIME_LIMIT:g}-second limit: this is the best plan "
            "found, not proven the best."
        )
    return result


def describe_site_plan(
    problem: SiteProblem, cover: list[list[bool]], how: str, kept: list[int]
) -> dict:
    """Coverage, cost and an explanation of every site's recommendation."""
    areas, sites = problem.areas, problem.sites
    kept_set = set(kept)
    covered_by: dict[int, list[int]] = {
        i: [j for j in kept if cover[i][j]] for i in range(len(areas))
    }
    total_w = sum(a.weight for a in areas)
    total_pop = sum(a.population for a in areas)
    covered_w = sum(a.weight for i, a in enumerate(areas) if covered_by[i])
    covered_pop = sum(a.population for i, a in enumerate(areas) if covered_by[i])
    site_rows = []
    for j, s in enumerate(sites):
        reach = [i for i in range(len(areas)) if cover[i][j]]
        row = {
            "site": s.name,
            "locality": s.locality,
            "kind": s.kind,
            "cost": s.cost,
            "decision": "keep as hub" if j in kept_set else "serve by outreach",
            "must_keep": s.name in problem.must_keep,
            "must_close": s.name in problem.must_close,
            "areas_covered": [areas[i].name for i in reach],
            "need_weighted_covered": round(sum(areas[i].weight for i in reach), 3),
        }
        if j in kept_set:
            only = [i for i in reach if covered_by[i] == [j]]
            row["lost_without_it"] = [areas[i].name for i in only]
            row["need_weighted_lost_without_it"] = round(sum(areas[i].weight for i in only), 3)
            row["population_lost_without_it"] = round(sum(areas[i].population for i in only), 1)
            if s.name in problem.must_keep:
                why = "Kept because the planner said it must stay."
            elif only:
                why = (
                    f"Kept: it is the only kept hub within reach of {', '.join(areas[i].name for i in only)}"
                    f" (need-weighted population {row['need_weighted_lost_without_it']:,.1f})."
                )
            else:
                why = "Kept: it meets a constraint (locality or number of sites) at the least loss."
        else:
            still = [i for i in reach if covered_by[i]]
            lose = [i for i in reach if not covered_by[i]]
            row["still_covered_by_other_hubs"] = [areas[i].name for i in still]
            row["left_to_outreach"] = [areas[i].name for i in lose]
            if s.name in problem.must_close:
                why = "Not kept because the planner said it must close."
            elif not lose:
                why = "Not needed as a hub: every area it reaches is covered by a kept hub."
            else:
                why = (
                    f"Served by outreach: keeping it would add less need-weighted cover than the "
                    f"kept hubs; {', '.join(areas[i].name for i in lose)} would then rely on outreach."
                )
        row["why"] = why
        site_rows.append(row)
    area_rows = [
        {
            "area": a.name,
            "locality": a.locality,
            "need": round(a.need, 1),
            "population": round(a.population, 1),
            "weight": round(a.weight, 3),
            "covered_by": [sites[j].name for j in covered_by[i]],
            "covered": bool(covered_by[i]),
        }
        for i, a in enumerate(areas)
    ]
    by_locality: dict[str, dict] = defaultdict(lambda: {"hubs": 0, "outreach": 0})
    for row in site_rows:
        kind = "hubs" if row["decision"] == "keep as hub" else "outreach"
        by_locality[str(row["locality"])][kind] += 1
    return {
        "coverage_rule": how,
        "kept": [sites[j].name for j in kept],
        "outreach": [s.name for j, s in enumerate(sites) if j not in kept_set],
        "sites_kept": len(kept),
        "cost": round(sum(sites[j].cost for j in kept), 2),
        "need_weighted_total": round(total_w, 3),
        "need_weighted_covered": round(covered_w, 3),
        "need_weighted_covered_pct": round(100 * covered_w / total_w, 1) if total_w else 0.0,
        "population_total": round(total_pop, 1),
        "population_covered": round(covered_pop, 1),
        "population_covered_pct": round(100 * covered_pop / total_pop, 1) if total_pop else 0.0,
        "areas_covered": sum(1 for i in covered_by if covered_by[i]),
        "areas_total": len(areas),
        "sites": site_rows,
        "areas": area_rows,
        "by_locality": dict(sorted(by_locality.items())),
    }


# ---------------------------------------------------------------------------------------------
# Sessions


def sessions_by_rule(
    sites: list[dict],
    *,
    enhanced: int = ENHANCED_SESSIONS,
    standard: int = STANDARD_SESSIONS,
    outreach: int = 0,
    overrides: dict[str, int] | None = None,
) -> dict:
    """Sessions a week per site: one enhanced hub per locality (the highest-need hub, or the one
    marked "enhanced"), the other hubs standard, outreach sites `outreach`; then hand overrides.

    Each site dict: name, locality, hub (bool), need (number, optional), enhanced (optional bool).
    """
    overrides = overrides or {}
    for value in (enhanced, standard, outreach, *overrides.values()):
        if value < 0:
            raise PlanningError("Sessions a week cannot be negative.")
    names = {s["name"] for s in sites}
    unknown = sorted(set(overrides) - names)
    if unknown:
        raise PlanningError(f"No site is called {', '.join(unknown)}.")
    chosen: dict[str, str] = {}
    for loc in sorted({s["locality"] for s in sites}):
        hubs = [s for s in sites if s["locality"] == loc and s.get("hub", True)]
        if not hubs:
            continue
        marked = [s for s in hubs if s.get("enhanced")]
        pick = marked[0] if marked else max(hubs, key=lambda s: (s.get("need") or 0, s["name"]))
        chosen[loc] = pick["name"]
    rows = []
    for s in sorted(sites, key=lambda s: (s["locality"], s["name"])):
        if not s.get("hub", True):
            level, count = "outreach", outreach
        elif chosen.get(s["locality"]) == s["name"]:
            level, count = "enhanced", enhanced
        else:
            level, count = "standard", standard
        by_hand = s["name"] in overrides
        rows.append(
            {
                "site": s["name"],
                "locality": s["locality"],
                "level": level,
                "sessions": overrides[s["name"]] if by_hand else count,
                "set_by_hand": by_hand,
            }
        )
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        totals[row["locality"]] += row["sessions"]
    return {
        "rule": f"one enhanced hub per locality at {enhanced} sessions a week, other hubs "
        f"{standard}, outreach sites {outreach}",
        "sites": rows,
        "by_locality": dict(sorted(totals.items())),
        "total": sum(totals.values()),
    }


# ---------------------------------------------------------------------------------------------
# Caseload allocation

DEFAULT_LEVEL_WEIGHTS = {"2": 1.0, "3": 1.5, "4": 2.0}


@dataclass
class CaseloadArea:
    name: str
    team: str
    cases: dict[str, float]  # level -> expected cases


@dataclass
class CaseloadTeam:
    name: str
    min_fte: float = 0.0
    max_fte: float = math.inf
    current_fte: float = 0.0


def allocate_caseload(
    areas: list[CaseloadArea],
    teams: list[CaseloadTeam],
    *,
    staff_fte: dict[str, float],
    level_weights: dict[str, float] | None = None,
    tolerance: float = 0.1,
    step: float = 0.1,
) -> dict:
    """Share the staff FTE among areas (and so teams) so weighted caseload per FTE is as even as
    possible. Workers belong to teams, so teams come first: minimise the largest team deviation
    |FTE_t x average - weighted cases_t| (in weighted cases), then, far behind, the largest area
    deviation (how a team's time is spread over its areas). FTE is in whole steps and each team's
    total stays between its minimum and maximum.
    """
    weights = level_weights or DEFAULT_LEVEL_WEIGHTS
    total_fte = sum(staff_fte.values())
    if total_fte <= 0:
        raise PlanningError("Give the staff available: at least one role with more than 0 FTE.")
    if step <= 0:
        raise PlanningError("The FTE step must be more than 0.")
    if not areas:
        raise PlanningError("There are no areas to allocate to.")
    team_names = [t.name for t in teams]
    for a in areas:
        if a.team not in team_names:
            raise PlanningError(f"Area {a.name} names team {a.team}, which is not in the list.")
        for level in a.cases:
            if level not in weights:
                raise PlanningError(f"Area {a.name}: no caseload weight for level {level}.")
    demand = [sum(weights[lv] * n for lv, n in a.cases.items()) for a in areas]
    total_demand = sum(demand)
    if total_demand <= 0:
        raise PlanningError("There is no expected demand to allocate staff to.")
    units = round(total_fte / step)
    avg = total_demand / total_fte  # weighted cases per FTE when perfectly balanced
    n = len(areas)
    # variables: k_i (whole steps of FTE per area), t_team, t_area (largest deviations)
    width = n + 2
    c = np.zeros(width)
    c[n] = 1.0
    c[n + 1] = 1e-3
    rows: list[list[float]] = []
    lo: list[float] = []
    hi: list[float] = []
    rows.append([1.0] * n + [0.0, 0.0])
    lo.append(units)
    hi.append(units)

    def deviation_rows(members: list[float], target: float, t_index: int) -> None:
        # members . k x avg x step - target <= t  and  target - members . k x avg x step <= t
        for sign in (1.0, -1.0):
            row = [sign * m * avg * step for m in members] + [0.0, 0.0]
            row[t_index] = -1.0
            rows.append(row)
            lo.append(-np.inf)
            hi.append(sign * target)

    for i in range(n):
        deviation_rows([1.0 if j == i else 0.0 for j in range(n)], demand[i], n + 1)
    for t in teams:
        members = [1.0 if a.team == t.name else 0.0 for a in areas]
        team_demand = sum(d for d, m in zip(demand, members, strict=True) if m)
        deviation_rows(members, team_demand, n)
        rows.append(members + [0.0, 0.0])
        lo.append(math.ceil(t.min_fte / step - 1e-9))
        hi.append(math.floor(t.max_fte / step + 1e-9) if math.isfinite(t.max_fte) else np.inf)
    res = milp(
        c,
        integrality=np.concatenate([np.ones(n), [0, 0]]),
        bounds=Bounds(np.zeros(width), np.full(width, np.inf)),
        constraints=[LinearConstraint(np.array(rows), lo, hi)],
        options={"mip_rel_gap": 0.0, "time_limit": SOLVER_TIME_LIMIT},
    )
    if res.x is None or res.status not in (0, 1):
        min_sum = sum(t.min_fte for t in teams)
        max_sum = sum(t.max_fte for t in teams)
        if min_sum > total_fte + 1e-9:
            raise InfeasibleError(
                f"The teams' minimum sizes add up to {min_sum:g} FTE, more than the "
                f"{total_fte:g} FTE of staff available.",
                ["team minimum sizes", "staff available"],
            )
        if max_sum < total_fte - 1e-9:
            raise InfeasibleError(
                f"The teams' maximum sizes add up to {max_sum:g} FTE, less than the "
                f"{total_fte:g} FTE of staff to place.",
                ["team maximum sizes", "staff available"],
            )
        raise PlanningError(f"No allocation meets the team sizes: {res.message}")
    fte = [round(res.x[i]) * step for i in range(n)]
    area_rows = []
    for i, a in enumerate(areas):
        area_rows.append(
            {
                "area": a.name,
                "team": a.team,
                "cases": a.cases,
                "weighted_cases": round(demand[i], 2),
                "fte": round(fte[i], 2),
                "caseload_per_fte": round(demand[i] / fte[i], 2) if fte[i] else None,
            }
        )
    team_rows = []
    for t in teams:
        d = sum(demand[i] for i, a in enumerate(areas) if a.team == t.name)
        f = sum(fte[i] for i, a in enumerate(areas) if a.team == t.name)
        proposed = d / f if f else None
        current = d / t.current_fte if t.current_fte else None
        within = proposed is not None and abs(proposed - avg) <= tolerance * avg + 1e-9
        team_rows.append(
            {
                "team": t.name,
                "weighted_cases": round(d, 2),
                "current_fte": round(t.current_fte, 2),
                "current_caseload_per_fte": round(current, 2) if current is not None else None,
                "proposed_fte": round(f, 2),
                "proposed_caseload_per_fte": round(proposed, 2) if proposed is not None else None,
                "change_fte": round(f - t.current_fte, 2),
                "within_tolerance": within,
                "min_fte": t.min_fte,
                "max_fte": t.max_fte if math.isfinite(t.max_fte) else None,
                "role_split": {
                    role: round(f * r / total_fte, 2) for role, r in sorted(staff_fte.items())
                },
            }
        )
    # per worker, the team is what counts: an area's share of a team's time can be small
    deviations = [
        abs(r["proposed_caseload_per_fte"] - avg) / avg
        for r in team_rows
        if r["proposed_caseload_per_fte"] is not None
    ]
    worst = max(deviations) if deviations else 0.0
    return {
        "level_weights": weights,
        "staff_fte": staff_fte,
        "total_fte": round(total_fte, 2),
        "total_weighted_cases": round(total_demand, 2),
        "balanced_caseload_per_fte": round(avg, 2),
        "largest_deviation_weighted_cases": round(float(res.x[n]), 3),
        "largest_deviation_pct": round(100 * worst, 1),
        "tolerance_pct": round(100 * tolerance, 1),
        "within_tolerance": all(r["within_tolerance"] for r in team_rows),
        "proven_best": res.status == 0,
        "areas": area_rows,
        "teams": team_rows,
        "note": "Role split within each team is in proportion to the staff available by role."
        + (
            ""
            if res.status == 0
            else f" The solver stopped at its {SOLVER_TIME_LIMIT:g}-second limit: this is the best "
            "allocation found, not proven the best."
        ),
    }


# ---------------------------------------------------------------------------------------------
# Funding formula


def largest_remainder(shares: list[Fraction], total: int) -> list[int]:
    """Whole pounds in proportion to shares, adding up to `total` exactly.

    Each unit gets the floor of its exact share; the pounds left go one each to the largest
    remainders (ties to the earlier unit, so the result does not depend on luck).
    """
    s = sum(shares)
    if s <= 0:
        raise PlanningError("Nothing to share the budget by: every weight is zero.")
    exact = [Fraction(total) * sh / s for sh in shares]
    floors = [math.floor(e) for e in exact]
    left = total - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


@dataclass
class FundingUnit:
    name: str
    children: float  # children under five (the universal base)
    indicators: dict[str, float | None]  # higher = more deprived (ranks converted by the caller)
    current: float | None = None


def funding_formula(
    units: list[FundingUnit],
    *,
    budget: int,
    universal_share: float,
    weights: dict[str, float],
) -> dict:
    """A universal share per child plus a deprivation share by the planner's weights.

    The deprivation pot is shared in proportion to children x sum_k weight_k x indicator_k
    (indicators scaled 0-1 by the caller). Amounts are whole pounds summing to the budget.
    """
    if budget < 0:
        raise PlanningError("The budget cannot be negative.")
    if not 0 <= universal_share <= 1:
        raise PlanningError("The universal share must be between 0% and 100%.")
    if not units:
        raise PlanningError("There are no sites or areas to fund.")
    if any(w < 0 for w in weights.values()):
        raise PlanningError("Deprivation weights cannot be negative.")
    weight_sum = sum(weights.values())
    if universal_share < 1 and weight_sum <= 0:
        raise PlanningError(
            "Set at least one deprivation weight above 0, or a 100% universal share."
        )
    uni = Fraction(universal_share).limit_denominator(10**9)
    children_total = sum(Fraction(u.children) for u in units)
    if children_total <= 0:
        raise PlanningError("No children under five in any unit: the universal share has no base.")
    dep_raw = []
    for u in units:
        score = sum(Fraction(w) * Fraction(u.indicators.get(k) or 0.0) for k, w in weights.items())
        dep_raw.append(Fraction(u.children) * score)
    dep_total = sum(dep_raw)
    if universal_share < 1 and dep_total <= 0:
        raise PlanningError("Every unit scores 0 on the chosen deprivation measures.")
    shares = []
    for u, d in zip(units, dep_raw, strict=True):
        share = uni * Fraction(u.children) / children_total
        if dep_total > 0:
            share += (1 - uni) * d / dep_total
        shares.append(share)
    amounts = largest_remainder(shares, budget)
    rows = []
    for u, amount in zip(units, amounts, strict=True):
        universal = float(Fraction(budget) * uni * Fraction(u.children) / children_total)
        rows.append(
            {
                "unit": u.name,
                "children": u.children,
                "universal": round(universal, 2),
                "deprivation": round(amount - universal, 2),
                "amount": amount,
                "per_child": round(amount / u.children, 2) if u.children else None,
                "current": u.current,
                "change": None if u.current is None else round(amount - u.current, 2),
                "change_pct": None
                if not u.current
                else round(100 * (amount - u.current) / u.current, 1),
            }
        )
    return {
        "budget": budget,
        "universal_share": universal_share,
        "weights": weights,
        "units": rows,
        "total": sum(amounts),
    }


def rank_score(rank: float | None, count: int) -> float | None:
    """Turn a deprivation rank (1 = most deprived of `count`) into 0-1, higher = more deprived."""
    if rank is None or count <= 0:
        return None
    return max(0.0, min(1.0, (count - rank + 1) / count))
