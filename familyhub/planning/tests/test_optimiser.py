"""The calculations on small cases worked out by hand (see each test's comment)."""

from __future__ import annotations

import csv
import random
from fractions import Fraction
from pathlib import Path

import pytest

from familyhub.planning.optimiser import (
    ENHANCED_SESSIONS,
    STANDARD_SESSIONS,
    AreaInput,
    CaseloadArea,
    CaseloadTeam,
    FundingUnit,
    InfeasibleError,
    PlanningError,
    SiteInput,
    SiteProblem,
    allocate_caseload,
    funding_formula,
    largest_remainder,
    sessions_by_rule,
    solve_sites,
    walk_minutes,
)

DATA = Path(__file__).resolve().parents[2] / "places" / "data" / "reference"


def network(**options) -> SiteProblem:
    """Five areas, four sites, two localities (N, S).

    A1 N 10 [S1]; A2 N 5 [S1, S2]; A3 S 3 [S3]; A4 S 4 [S4]; A5 N 6 [S2]. Total 28.
    Site cover: S1 = 15, S2 = 11, S3 = 3, S4 = 4.
    """
    areas = [
        AreaInput("A1", "N", 10, population=10, serving_sites=["S1"]),
        AreaInput("A2", "N", 5, population=5, serving_sites=["S1", "S2"]),
        AreaInput("A3", "S", 3, population=3, serving_sites=["S3"]),
        AreaInput("A4", "S", 4, population=4, serving_sites=["S4"]),
        AreaInput("A5", "N", 6, population=6, serving_sites=["S2"]),
    ]
    sites = [
        SiteInput("S1", "N", cost=100),
        SiteInput("S2", "N", cost=60),
        SiteInput("S3", "S", cost=30),
        SiteInput("S4", "S", cost=50),
    ]
    return SiteProblem(areas=areas, sites=sites, **options)


def test_keep_two_without_constraints_takes_the_best_pair():
    # pairs: S1+S2 = 21, S1+S4 = 19, S1+S3 = 18, S2+S4 = 15 ... best S1+S2
    result = solve_sites(network(keep=2))
    assert sorted(result["kept"]) == ["S1", "S2"]
    assert result["need_weighted_covered"] == 21
    assert result["need_weighted_total"] == 28
    assert result["need_weighted_covered_pct"] == 75.0


def test_keep_one():
    assert solve_sites(network(keep=1))["kept"] == ["S1"]


def test_min_per_locality_moves_a_hub_south():
    # one in S as well: S1 + S4 = 19 beats S1 + S3 = 18 and S2 + S4 = 15
    result = solve_sites(network(keep=2, min_per_locality=1))
    assert sorted(result["kept"]) == ["S1", "S4"]
    assert result["need_weighted_covered"] == 19
    assert result["by_locality"] == {
        "N": {"hubs": 1, "outreach": 1},
        "S": {"hubs": 1, "outreach": 1},
    }


def test_must_keep_is_kept():
    # S3 forced in; the best partner is S1 (15): 18
    result = solve_sites(network(keep=2, must_keep=["S3"]))
    assert sorted(result["kept"]) == ["S1", "S3"]
    assert result["need_weighted_covered"] == 18


def test_must_close_is_closed():
    # without S1: S2 (11) + S4 (4) = 15
    result = solve_sites(network(keep=2, must_close=["S1"]))
    assert sorted(result["kept"]) == ["S2", "S4"]
    s1 = next(s for s in result["sites"] if s["site"] == "S1")
    assert s1["decision"] == "serve by outreach"
    assert "must close" in s1["why"]


def test_budget_limits_the_hubs():
    # budget 100: S1 alone (15) beats S2 + S3 (14, cost 90); budget 90: S1 is too dear -> S2 + S3
    assert solve_sites(network(budget=100))["kept"] == ["S1"]
    result = solve_sites(network(budget=90))
    assert sorted(result["kept"]) == ["S2", "S3"]
    assert result["cost"] == 90


def test_explanation_names_what_would_be_lost():
    result = solve_sites(network(keep=2, min_per_locality=1))
    s1 = next(s for s in result["sites"] if s["site"] == "S1")
    assert s1["lost_without_it"] == ["A1", "A2"]
    assert s1["need_weighted_lost_without_it"] == 15
    s2 = next(s for s in result["sites"] if s["site"] == "S2")
    assert s2["still_covered_by_other_hubs"] == ["A2"]
    assert s2["left_to_outreach"] == ["A5"]


def test_infeasible_keep_two_with_three_localities_names_both_constraints():
    problem = network(keep=2, min_per_locality=1)
    problem.sites.append(SiteInput("S5", "E"))
    with pytest.raises(InfeasibleError) as caught:
        solve_sites(problem)
    message = str(caught.value)
    assert "keep exactly 2 sites" in message
    assert "at least 1 site in each of the 3 localities (E, N, S)" in message
    assert "needs at least 3 sites" in message
    assert sorted(caught.value.clashing) == ["keep", "min_per_locality"]


def test_infeasible_must_keep_and_must_close_the_same_site():
    with pytest.raises(InfeasibleError) as caught:
        solve_sites(network(keep=2, must_keep=["S1"], must_close=["S1"]))
    assert "S1 is both a site to keep and a site to close" in str(caught.value)


def test_infeasible_must_close_every_site_in_a_locality():
    with pytest.raises(InfeasibleError) as caught:
        solve_sites(network(keep=2, min_per_locality=1, must_close=["S3", "S4"]))
    assert "must close S3, S4" in str(caught.value)
    assert "S has only 0 site(s)" in str(caught.value)


def test_infeasible_budget_with_must_keep():
    with pytest.raises(InfeasibleError) as caught:
        solve_sites(network(budget=50, must_keep=["S1"]))
    assert "budget of £50" in str(caught.value) and "must keep S1" in str(caught.value)


def test_unknown_site_names_are_refused():
    with pytest.raises(PlanningError, match="no candidate site is called Nowhere"):
        solve_sites(network(keep=1, must_keep=["Nowhere"]))


def test_walk_minutes_from_distance():
    # 0.01 degrees of latitude = 1.112 km; x 1.3 detour / 4.8 km/h = 18.07 minutes
    assert walk_minutes(51.50, 0.0, 51.51, 0.0) == pytest.approx(18.07, abs=0.05)


def walking_problem(max_walk: float) -> SiteProblem:
    """A at 51.500, B at 51.530; X beside A, Y beside B, Z half way (27 minutes from each)."""
    areas = [
        AreaInput("A", "L", 5, latitude=51.500, longitude=0.0),
        AreaInput("B", "L", 4, latitude=51.530, longitude=0.0),
    ]
    sites = [
        SiteInput("X", "L", latitude=51.500, longitude=0.0),
        SiteInput("Y", "L", latitude=51.530, longitude=0.0),
        SiteInput("Z", "L", latitude=51.515, longitude=0.0),
    ]
    return SiteProblem(areas=areas, sites=sites, keep=1, max_walk_minutes=max_walk)


def test_max_walk_30_minutes_lets_the_middle_site_cover_both():
    result = solve_sites(walking_problem(30))
    assert result["kept"] == ["Z"]
    assert result["need_weighted_covered"] == 9
    assert "30 minutes' walk" in result["coverage_rule"]


def test_max_walk_20_minutes_keeps_the_site_beside_the_bigger_area():
    result = solve_sites(walking_problem(20))
    assert result["kept"] == ["X"]
    assert result["need_weighted_covered"] == 5


def test_cover_every_area_is_infeasible_when_no_one_site_reaches_both():
    problem = walking_problem(20)
    problem.cover_every_area = True
    with pytest.raises(InfeasibleError) as caught:
        solve_sites(problem)
    assert "every area within 20 minutes of a kept site" in str(caught.value)
    problem.keep = 2
    assert sorted(solve_sites(problem)["kept"]) == ["X", "Y"]


def test_travel_time_table_overrides_distance():
    problem = walking_problem(30)
    problem.travel_minutes = {("A", "Y"): 10, ("B", "Y"): 10, ("A", "Z"): 45, ("B", "Z"): 45}
    assert solve_sites(problem)["kept"] == ["Y"]


def test_without_coordinates_the_locality_fallback_is_said():
    result = solve_sites(network(keep=1, fallback="locality"))
    assert "any site kept in its locality" in result["coverage_rule"]
    # any N site now covers all N areas (21); S sites cover 7
    assert result["need_weighted_covered"] == 21


def test_sessions_rule_one_enhanced_hub_per_locality():
    sites = [
        {"name": "H1", "locality": "N", "hub": True, "need": 50},
        {"name": "H2", "locality": "N", "hub": True, "need": 70},
        {"name": "O1", "locality": "N", "hub": False, "need": 90},
        {"name": "H3", "locality": "S", "hub": True, "need": 10},
    ]
    result = sessions_by_rule(sites)
    levels = {r["site"]: (r["level"], r["sessions"]) for r in result["sites"]}
    assert levels == {
        "H1": ("standard", 7),
        "H2": ("enhanced", 12),
        "O1": ("outreach", 0),
        "H3": ("enhanced", 12),
    }
    assert result["by_locality"] == {"N": 19, "S": 12}
    assert result["total"] == 31
    by_hand = sessions_by_rule(sites, overrides={"H1": 9})
    assert by_hand["by_locality"]["N"] == 21
    assert next(r for r in by_hand["sites"] if r["site"] == "H1")["set_by_hand"]
    marked = sessions_by_rule([dict(s, enhanced=s["name"] == "H1") for s in sites])
    assert next(r for r in marked["sites"] if r["site"] == "H1")["level"] == "enhanced"


def test_session_defaults_are_the_county_model():
    with open(DATA / "lancashire_model.csv", newline="") as handle:
        model = {row["parameter"]: row["value"] for row in csv.DictReader(handle)}
    assert int(model["enhanced_centre_sessions_per_week"]) == ENHANCED_SESSIONS
    assert int(model["standard_centre_sessions_per_week"]) == STANDARD_SESSIONS


def test_sessions_refuse_unknown_site_and_negative():
    with pytest.raises(PlanningError, match="No site is called Q"):
        sessions_by_rule([{"name": "H", "locality": "N"}], overrides={"Q": 3})
    with pytest.raises(PlanningError):
        sessions_by_rule([{"name": "H", "locality": "N"}], standard=-1)


def caseload_case():
    # weighted demand: a1 10 x 1 = 10; a2 10 x 1.5 = 15; a3 12.5 x 2 = 25. Total 50.
    areas = [
        CaseloadArea("a1", "T1", {"2": 10}),
        CaseloadArea("a2", "T1", {"3": 10}),
        CaseloadArea("a3", "T2", {"4": 12.5}),
    ]
    return areas


def test_allocation_balances_exactly_when_teams_allow():
    # 5 FTE -> 10 weighted cases per FTE: a1 1.0, a2 1.5, a3 2.5 FTE
    teams = [CaseloadTeam("T1", 0, 10, current_fte=4), CaseloadTeam("T2", 0, 10, current_fte=1)]
    result = allocate_caseload(caseload_case(), teams, staff_fte={"family_support_worker": 5})
    fte = {a["area"]: a["fte"] for a in result["areas"]}
    assert fte == {"a1": 1.0, "a2": 1.5, "a3": 2.5}
    assert result["balanced_caseload_per_fte"] == 10
    assert result["largest_deviation_weighted_cases"] == pytest.approx(0)
    assert result["within_tolerance"]
    t2 = next(t for t in result["teams"] if t["team"] == "T2")
    assert t2["current_caseload_per_fte"] == 25.0
    assert t2["proposed_caseload_per_fte"] == 10.0
    assert t2["change_fte"] == 1.5


def test_allocation_respects_team_maximum_and_reports_tolerance():
    # T2 may have at most 2 FTE: a3 carries 25 on 2 FTE = 12.5 (25% over 10) -> outside 10%
    teams = [CaseloadTeam("T1", 0, 10), CaseloadTeam("T2", 0, 2)]
    result = allocate_caseload(caseload_case(), teams, staff_fte={"fsw": 3, "lp": 2})
    t = {r["team"]: r["proposed_fte"] for r in result["teams"]}
    assert t == {"T1": 3.0, "T2": 2.0}
    assert result["largest_deviation_weighted_cases"] == pytest.approx(5)
    assert not result["within_tolerance"]
    assert sum(a["fte"] for a in result["areas"]) == pytest.approx(5)


def test_allocation_team_minimums_above_staff_is_a_clear_error():
    teams = [CaseloadTeam("T1", 4, 10), CaseloadTeam("T2", 4, 10)]
    with pytest.raises(InfeasibleError, match="minimum sizes add up to 8 FTE, more than the 5 FTE"):
        allocate_caseload(caseload_case(), teams, staff_fte={"fsw": 5})


def test_allocation_level_weights_are_configurable():
    teams = [CaseloadTeam("T1"), CaseloadTeam("T2")]
    result = allocate_caseload(
        caseload_case(), teams, staff_fte={"fsw": 5}, level_weights={"2": 1, "3": 1, "4": 1}
    )
    assert result["total_weighted_cases"] == 32.5


def test_funding_universal_plus_deprivation_by_hand():
    # universal 500 by children (100, 100, 200): 125, 125, 250
    # deprivation 500 by children x indicator (100, 0, 100): 250, 0, 250
    units = [
        FundingUnit("U1", 100, {"idaci": 1.0}, current=400),
        FundingUnit("U2", 100, {"idaci": 0.0}),
        FundingUnit("U3", 200, {"idaci": 0.5}),
    ]
    result = funding_formula(units, budget=1000, universal_share=0.5, weights={"idaci": 1})
    amounts = {u["unit"]: u["amount"] for u in result["units"]}
    assert amounts == {"U1": 375, "U2": 125, "U3": 500}
    assert result["total"] == 1000
    u1 = result["units"][0]
    assert u1["per_child"] == 3.75 and u1["change"] == -25 and u1["change_pct"] == -6.2


def test_largest_remainder_gives_exact_pounds():
    assert largest_remainder([Fraction(1)] * 3, 100) == [34, 33, 33]


def test_funding_always_sums_exactly_to_the_budget():
    rng = random.Random(7)
    for _ in range(50):
        units = [
            FundingUnit(
                f"U{i}",
                rng.randint(1, 3000),
                {"idaci": rng.random(), "child_poverty": rng.random()},
            )
            for i in range(rng.randint(1, 30))
        ]
        budget = rng.randint(0, 5_000_000)
        result = funding_formula(
            units,
            budget=budget,
            universal_share=rng.random(),
            weights={"idaci": rng.random() + 0.01, "child_poverty": rng.random()},
        )
        assert sum(u["amount"] for u in result["units"]) == budget
        assert all(isinstance(u["amount"], int) for u in result["units"])


def test_funding_refuses_impossible_inputs():
    units = [FundingUnit("U", 10, {"idaci": 0})]
    with pytest.raises(PlanningError, match="scores 0"):
        funding_formula(units, budget=10, universal_share=0.5, weights={"idaci": 1})
    with pytest.raises(PlanningError, match="between 0% and 100%"):
        funding_formula(units, budget=10, universal_share=1.5, weights={"idaci": 1})


def test_infeasible_must_keep_two_in_one_locality_with_the_locality_rule():
    # keep 2, one per locality (N, S), but S1 and S2 (both N) must stay: needs 3
    with pytest.raises(InfeasibleError) as caught:
        solve_sites(network(keep=2, min_per_locality=1, must_keep=["S1", "S2"]))
    message = str(caught.value)
    assert "keep exactly 2 sites" in message and "must keep S1, S2" in message
    assert "need at least 3 sites" in message
