"""The establishment: posts by team, what a budget line buys, a target FTE, the caseload model's
capacity from posts, and edits that never overwrite each other."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from familyhub.planning import scenarios, selectors, services
from familyhub.planning.models import BudgetLine, Post, Scenario
from familyhub.services.models import Team
from familyhub.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def commissioner(make_user, client, signed_in):
    return signed_in(client, make_user("commissioner"))


@pytest.fixture
def posts(borough):
    authority = borough["authority"]
    north, south = Team.objects.get(name="North team"), Team.objects.get(name="South team")
    line = BudgetLine.objects.create(
        authority=authority, programme="Early help", year=2026, plan=Decimal(100000)
    )

    def post(team, role, fte, cost, status="filled"):
        return services.post_save(
            authority=authority,
            team=team,
            role=role,
            title=role.replace("_", " "),
            fte=Decimal(fte),
            annual_cost=None if cost is None else Decimal(cost),
            funded_by=line,
            status=status,
        )

    made = [
        post(north, "family_support_worker", "1", "36000"),
        post(north, "family_support_worker", "0.5", "18000", status="vacant"),
        post(north, "lead_professional", "1", "44000"),
        post(south, "family_support_worker", "1", "36000"),
        post(south, "lead_professional", "0.5", None),
    ]
    return {"line": line, "posts": made, "north": north, "south": south, **borough}


def test_totals_by_team_and_what_the_budget_line_buys(posts):
    data = selectors.establishment(posts["authority"])
    assert data["totals"]["fte"] == Decimal("4.0")
    assert data["totals"]["filled"] == Decimal("3.5")
    assert data["totals"]["vacant"] == Decimal("0.5")
    assert data["totals"]["cost"] == Decimal(134000)
    assert data["totals"]["cost_per_fte"] == Decimal(38286)  # 134,000 / 3.5 costed FTE
    assert data["totals"]["posts_without_cost"] == 1
    north = next(t for t in data["teams"] if t["team"] == "North team")
    assert north["fte"] == Decimal("2.5") and north["vacant"] == Decimal("0.5")
    [line] = data["funding"]
    assert line["fte"] == Decimal("4.0") and line["headroom"] == Decimal(-34000)


def test_a_target_cuts_each_team_in_proportion(posts):
    data = selectors.establishment(posts["authority"], target_fte=Decimal(3))
    rows = {r["team"]: r["then"] for r in data["target"]["rows"]}
    assert rows == {"North team": Decimal("1.9"), "South team": Decimal("1.1")}
    assert data["target"]["saving"] == Decimal(38286)  # 1 FTE at the average cost


def test_the_caseload_model_takes_its_capacity_from_the_posts(posts):
    common = {
        "expected_cases": 100,
        "level_mix": {"2": 60, "3": 30, "4": 10},
        "level_weights": {"2": 1, "3": 1.5, "4": 2},
        "tolerance": 0.1,
        "team_min": 0.5,
        "team_max": None,
        "staff_fte": None,
        "service_id": posts["service"].pk,
    }
    members = scenarios.run_caseload(posts["authority"], **common)
    filled = scenarios.run_caseload(posts["authority"], capacity="filled_posts", **common)
    every = scenarios.run_caseload(posts["authority"], capacity="all_posts", **common)
    assert members["total_fte"] == 3.0  # the three team members
    assert filled["total_fte"] == 3.5
    assert every["total_fte"] == 4.0


def test_two_planners_changing_one_post_never_overwrite_each_other(posts):
    post = posts["posts"][0]
    services.post_save(authority=posts["authority"], post=post, expected_version=1, grade="Grade 6")
    with pytest.raises(ValidationError, match="Someone else changed this post"):
        services.post_save(
            authority=posts["authority"], post=post, expected_version=1, grade="Grade 7"
        )
    assert Post.objects.get(pk=post.pk).grade == "Grade 6"


def test_another_councils_team_is_refused(posts):
    elsewhere = factories.AuthorityFactory(code="E06000998", name="Elsewhere Council")
    other = factories.TeamFactory(
        name="Elsewhere", service=factories.ServiceFactory(authority=elsewhere)
    )
    with pytest.raises(ValidationError) as error:
        services.post_save(
            authority=posts["authority"],
            team=other,
            role="family_support_worker",
            title="FSW",
            fte=Decimal(1),
            status="filled",
        )
    assert "team" in error.value.message_dict


def test_the_pages_add_change_and_show_a_target(posts, commissioner):
    page = commissioner.get(reverse("planning:establishment")).content.decode()
    assert "North team" in page and "What each budget line buys" in page
    bad = commissioner.get(reverse("planning:establishment"), {"target_fte": "lots"})
    assert "Enter the target as a number of FTE" in bad.content.decode()
    shown = commissioner.get(reverse("planning:establishment"), {"target_fte": "3"})
    assert 'data-testid="target-table"' in shown.content.decode()
    response = commissioner.post(
        reverse("planning:post-new"),
        {
            "team": posts["south"].pk,
            "role": "health_visitor",
            "title": "HV",
            "fte": "2",
            "status": "filled",
        },
    )
    assert response.status_code == 200 and "Full-time equivalent" in response.content.decode()
    response = commissioner.post(
        reverse("planning:post-new"),
        {
            "team": posts["south"].pk,
            "role": "health_visitor",
            "title": "HV",
            "fte": "0.8",
            "status": "vacant",
        },
    )
    assert response.status_code == 302 and Post.objects.filter(title="HV").exists()
    post = posts["posts"][1]
    response = commissioner.post(
        reverse("planning:post-edit", args=[post.public_id]),
        {
            "team": post.team_id,
            "role": post.role,
            "title": "Renamed",
            "fte": "0.5",
            "status": "filled",
            "version": 1,
        },
    )
    assert response.status_code == 302
    assert Post.objects.get(pk=post.pk).title == "Renamed"
    stale = commissioner.post(
        reverse("planning:post-edit", args=[post.public_id]),
        {
            "team": post.team_id,
            "role": post.role,
            "title": "Again",
            "fte": "0.5",
            "status": "filled",
            "version": 1,
        },
    )
    assert "Someone else changed this post" in stale.content.decode()


def test_a_caseload_scenario_records_where_its_capacity_came_from(posts, commissioner):
    response = commissioner.post(
        reverse("planning:caseload"),
        {
            "name": "From posts",
            "service": posts["service"].pk,
            "expected_cases": 100,
            "mix_2": 60,
            "mix_3": 30,
            "mix_4": 10,
            "weight_2": 1,
            "weight_3": 1.5,
            "weight_4": 2,
            "tolerance": 10,
            "team_min": 0.5,
            "staff": "",
            "capacity": "all_posts",
        },
    )
    assert response.status_code == 302
    scenario = Scenario.objects.get(name="From posts")
    assert scenario.results["total_fte"] == 4.0
    page = commissioner.get(response["Location"]).content.decode()
    assert "every funded post, filled or vacant" in page
