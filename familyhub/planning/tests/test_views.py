"""Planning pages: who may use them, building and comparing scenarios, exports."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from familyhub.planning.models import Scenario
from familyhub.planning.tests.factories import ScenarioFactory
from familyhub.testing import factories
from familyhub.testing.forms import date_fields

pytestmark = pytest.mark.django_db

PAGES = ["index", "needs", "sites", "sessions", "caseload", "funding", "budget"]


@pytest.fixture
def commissioner(make_user, client, signed_in):
    return signed_in(client, make_user("commissioner"))


@pytest.mark.parametrize("page", PAGES)
def test_commissioner_can_open_every_planning_page(borough, commissioner, page):
    response = commissioner.get(reverse(f"planning:{page}"))
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["service_manager", "administrator"])
def test_other_planning_roles_can_open_planning(borough, make_user, client, signed_in, role):
    assert signed_in(client, make_user(role)).get(reverse("planning:index")).status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_reception_gets_403(borough, make_user, client, signed_in, page):
    response = signed_in(client, make_user("reception")).get(reverse(f"planning:{page}"))
    assert response.status_code == 403


def test_reception_cannot_see_a_scenario_or_export(borough, make_user, client, signed_in):
    scenario = ScenarioFactory(authority=borough["authority"])
    reception = signed_in(client, make_user("reception"))
    assert reception.get(reverse("planning:scenario", args=[scenario.public_id])).status_code == 403
    assert (
        reception.get(reverse("planning:export", args=[scenario.public_id, "csv"])).status_code
        == 403
    )


def test_signed_out_is_sent_to_sign_in(client, borough):
    response = client.get(reverse("planning:index"))
    assert response.status_code == 302


def test_another_councils_scenario_is_not_found(borough, commissioner):
    other = factories.AuthorityFactory(code="E99999999", name="Elsewhere")
    scenario = ScenarioFactory(authority=other)
    assert (
        commissioner.get(reverse("planning:scenario", args=[scenario.public_id])).status_code == 404
    )


def test_index_draws_a_map_from_area_centres(borough, commissioner):
    html = commissioner.get(reverse("planning:index")).content.decode()
    assert "<svg" in html and "<circle" in html and "Hub North" in html


def test_needs_page_explains_scores_and_saves_weights(borough, commissioner):
    response = commissioner.get(
        reverse("planning:needs"),
        {
            "w_idaci": 5,
            **{
                f"w_{k}": 0
                for k in (
                    "imd",
                    "child_poverty",
                    "under_fives",
                    "excess_weight_reception",
                    "open_episodes",
                    "referrals",
                )
            },
        },
    )
    html = response.content.decode()
    assert "Children in income-deprived families (IDACI rank)" in html
    data = {
        f"w_{k}": 0
        for k in (
            "imd",
            "idaci",
            "child_poverty",
            "under_fives",
            "unemployment",
            "low_birth_weight",
            "excess_weight_reception",
            "registered_families",
            "open_episodes",
            "referrals",
            "reviews_due",
            "obesity_reception",
        )
    }
    data.update({"w_idaci": 2, "name": "IDACI only"})
    response = commissioner.post(reverse("planning:needs"), data)
    scenario = Scenario.objects.get(name="IDACI only")
    assert response.status_code == 302
    assert scenario.inputs["weights"]["idaci"] == 2
    assert scenario.results["areas"][0]["components"]


def sites_post(client, **fields):
    data = {
        "name": "Keep 2",
        "keep": 2,
        "cost_per_hub": 100000,
        "min_per_locality": 1,
        "max_walk_minutes": 30,
        "fallback": "serving",
        "population_basis": "0_4",
    }
    data.update(fields)
    return client.post(reverse("planning:sites"), data)


def test_site_scenario_is_solved_saved_and_explained(borough, commissioner):
    response = sites_post(commissioner)
    scenario = Scenario.objects.get(name="Keep 2")
    assert response.status_code == 302
    assert response["Location"] == reverse("planning:scenario", args=[scenario.public_id])
    assert sorted(scenario.results["kept"]) == ["Hub North", "Hub South"]
    assert scenario.results["cost"] == 200000
    assert scenario.inputs["need_weights"]["idaci"] == 2
    page = commissioner.get(response["Location"]).content.decode()
    assert "Keep as hub" in page and "Need-weighted population covered" in page
    assert "<rect" in page  # sites drawn as squares


def test_infeasible_site_scenario_shows_the_clash_and_saves_nothing(borough, commissioner):
    response = sites_post(commissioner, keep=1, min_per_locality=1)
    html = response.content.decode()
    assert response.status_code == 200
    assert "keep exactly 1 site" in html and "at least 1 site in each of the 2 localities" in html
    assert not Scenario.objects.exists()


def test_site_form_field_errors(borough, commissioner):
    response = sites_post(commissioner, keep="", must_keep=["Hub North"], must_close=["Hub North"])
    html = response.content.decode()
    assert "Enter the number of sites to keep, or a budget" in html
    assert "Hub North cannot both stay and close" in html


def test_sessions_scenario_from_a_site_scenario(borough, commissioner):
    sites_post(commissioner)
    site_plan = Scenario.objects.get(name="Keep 2")
    response = commissioner.post(
        reverse("planning:sessions"),
        {
            "name": "Sessions",
            "site_scenario": str(site_plan.public_id),
            "enhanced": 12,
            "standard": 7,
            "outreach": 2,
            "overrides": "",
        },
    )
    assert response.status_code == 302
    results = Scenario.objects.get(name="Sessions").results
    assert results["by_locality"] == {"North": 14, "South": 12}
    assert results["total"] == 26


def test_sessions_bad_override_line_is_a_field_error(borough, commissioner):
    response = commissioner.post(
        reverse("planning:sessions"),
        {"name": "S", "enhanced": 12, "standard": 7, "outreach": 0, "overrides": "Hub North: lots"},
    )
    assert "Sessions set by hand, line 1: “lots” is not a number" in response.content.decode()


def test_caseload_scenario_balances_teams(borough, commissioner):
    response = commissioner.post(
        reverse("planning:caseload"),
        {
            "name": "Balance",
            "service": borough["service"].pk,
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
        },
    )
    assert response.status_code == 302
    results = Scenario.objects.get(name="Balance").results
    assert results["total_fte"] == 3.0  # the three members of the teams
    assert sum(t["proposed_fte"] for t in results["teams"]) == pytest.approx(3.0)
    page = commissioner.get(response["Location"]).content.decode()
    assert "Current and proposed caseload per worker" in page


def test_funding_scenario_sums_to_the_pound(borough, commissioner):
    response = commissioner.post(
        reverse("planning:funding"),
        {
            "name": "Fund",
            "budget": 808500,
            "universal_share": 30,
            "unit": "sites",
            "w_idaci": 1,
            "w_child_poverty": 1,
            "w_imd": 0,
            "w_need": 0,
        },
    )
    assert response.status_code == 302
    results = Scenario.objects.get(name="Fund").results
    assert sum(u["amount"] for u in results["units"]) == 808500
    # compare a second formula with the first as the current allocation
    first = Scenario.objects.get(name="Fund")
    commissioner.post(
        reverse("planning:funding"),
        {
            "name": "Fund 2",
            "budget": 808500,
            "universal_share": 50,
            "unit": "sites",
            "w_idaci": 1,
            "w_child_poverty": 0,
            "w_imd": 0,
            "w_need": 0,
            "current": str(first.public_id),
        },
    )
    second = Scenario.objects.get(name="Fund 2").results
    assert all(u["change"] is not None for u in second["units"])
    assert sum(u["change"] for u in second["units"]) == 0


def test_compare_two_site_scenarios_side_by_side(borough, commissioner):
    sites_post(commissioner, name="A", keep=2)
    sites_post(commissioner, name="B", keep=3)
    a, b = Scenario.objects.get(name="A"), Scenario.objects.get(name="B")
    html = commissioner.get(
        reverse("planning:compare"), {"s": [a.public_id, b.public_id]}
    ).content.decode()
    assert "Hubs kept" in html and "Library North" in html and "serve by outreach" in html.lower()


def test_compare_needs_two(borough, commissioner):
    a = ScenarioFactory(authority=borough["authority"])
    response = commissioner.get(reverse("planning:compare"), {"s": [a.public_id, "not-a-uuid"]})
    assert response.status_code == 302


def test_exports_csv_and_xlsx(borough, commissioner):
    scenario = ScenarioFactory(authority=borough["authority"], name="Export me")
    csv_response = commissioner.get(reverse("planning:export", args=[scenario.public_id, "csv"]))
    assert csv_response["Content-Type"].startswith("text/csv")
    text = csv_response.content.decode()
    assert "Export me" in text and "Hub B" in text
    assert "'=cmd" in text  # a formula-looking cell is kept as text
    xlsx = commissioner.get(reverse("planning:export", args=[scenario.public_id, "xlsx"]))
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Summary", "Sites", "Areas"]
    assert book["Sites"]["A2"].value == "Hub A"
    assert (
        commissioner.get(reverse("planning:export", args=[scenario.public_id, "pdf"])).status_code
        == 404
    )


def test_planning_by_budget_needs_a_hub_cost(borough, commissioner):
    response = sites_post(commissioner, keep="", budget=150000, cost_per_hub=0)
    assert "Enter the running cost of a hub to plan by budget" in response.content.decode()
    response = sites_post(
        commissioner,
        name="By budget",
        keep="",
        budget=150000,
        cost_per_hub=100000,
        min_per_locality=0,
    )
    assert response.status_code == 302
    assert Scenario.objects.get(name="By budget").results["sites_kept"] == 1


def test_saving_needs_without_a_name_keeps_the_weights_shown(borough, commissioner):
    data = {
        f"w_{k}": 0
        for k in (
            "imd",
            "idaci",
            "child_poverty",
            "under_fives",
            "unemployment",
            "low_birth_weight",
            "excess_weight_reception",
            "registered_families",
            "open_episodes",
            "referrals",
            "reviews_due",
            "obesity_reception",
        )
    }
    data["w_idaci"] = 7
    response = commissioner.post(reverse("planning:needs"), data)
    assert "Enter a name to save the scenario" in response.content.decode()
    assert response.context["result"]["weights"]["idaci"] == 7
    assert not Scenario.objects.exists()


def test_a_team_in_a_locality_without_areas_is_left_out(borough, commissioner):
    empty = factories.LocalityFactory(authority=borough["authority"], name="Empty")
    factories.TeamFactory(name="Empty team", service=borough["service"], locality=empty)
    response = commissioner.post(
        reverse("planning:caseload"),
        {
            "name": "Balance",
            "service": borough["service"].pk,
            "expected_cases": 100,
            "mix_2": 60,
            "mix_3": 30,
            "mix_4": 10,
            "weight_2": 1,
            "weight_3": 1.5,
            "weight_4": 2,
            "tolerance": 10,
            "team_min": 0.5,
            "staff": "family_support_worker: 4",
        },
    )
    assert response.status_code == 302
    results = Scenario.objects.get(name="Balance").results
    assert "Empty team" in results["note"]
    assert results["staff_fte"] == {"family_support_worker": 4.0}


def test_team_sizes_by_hand(borough, commissioner):
    data = {
        "name": "Sized",
        "service": borough["service"].pk,
        "expected_cases": 100,
        "mix_2": 60,
        "mix_3": 30,
        "mix_4": 10,
        "weight_2": 1,
        "weight_3": 1.5,
        "weight_4": 2,
        "tolerance": 10,
        "team_min": 0,
        "staff": "family_support_worker: 4",
        "team_sizes": "South team: 3-3",
    }
    assert commissioner.post(reverse("planning:caseload"), data).status_code == 302
    teams = {t["team"]: t for t in Scenario.objects.get(name="Sized").results["teams"]}
    assert teams["South team"]["proposed_fte"] == 3.0 and teams["North team"]["proposed_fte"] == 1.0
    bad = commissioner.post(
        reverse("planning:caseload"), dict(data, name="Bad", team_sizes="South team: 3 to 4")
    )
    assert (
        "Team sizes by hand, line 1: write it as “team: smallest-largest”" in bad.content.decode()
    )
    unknown = commissioner.post(
        reverse("planning:caseload"), dict(data, name="Bad", team_sizes="West team: 1-2")
    )
    assert "no team with areas is called West team" in unknown.content.decode()


def test_every_planning_url_is_guarded_by_the_planning_roles():
    from familyhub.accounts.roles import PLANNING_ROLES
    from familyhub.planning import urls

    for pattern in urls.urlpatterns:
        assert getattr(pattern.callback, "required_roles", None) == PLANNING_ROLES, pattern.name


def test_record_a_contract(borough, commissioner):
    url = reverse("planning:contract-new")
    data = {
        "service": borough["service"].pk,
        "provider": "Coram",
        "annual_value": "270482",
        **date_fields("start", "2026-04-01"),
        **date_fields("end", "2025-03-31"),
    }
    assert (
        "The end date must be on or after the start date"
        in commissioner.post(url, data).content.decode()
    )
    response = commissioner.post(url, {**data, **date_fields("end", "2029-03-31")})
    assert response.status_code == 302
    from familyhub.planning.models import Contract

    assert Contract.objects.get().provider == "Coram"


def test_budget_line_is_never_silently_overwritten(borough, commissioner):
    from decimal import Decimal

    from familyhub.planning.models import BudgetLine

    url = reverse("planning:budget-line-new")
    line = {"programme": "Children's Centres", "year": 2026, "amount": "800000", "figure": "plan"}
    assert commissioner.post(url, line).status_code == 302
    again = commissioner.post(url, dict(line, amount="750000")).content.decode()
    assert (
        "The plan for Children&#x27;s Centres 2026/27 is already recorded as £800,000.00. To "
        "change it, enter that amount here." in again
    )
    stale = commissioner.post(url, dict(line, amount="750000", replacing="790000")).content.decode()
    assert "has changed since: it is now £800,000.00" in stale
    assert BudgetLine.objects.get().plan == Decimal("800000")
    assert (
        commissioner.post(url, dict(line, amount="750000", replacing="800000")).status_code == 302
    )
    assert BudgetLine.objects.get().plan == Decimal("750000")
    # The actual goes beside the plan: it replaces nothing.
    assert commissioner.post(url, dict(line, amount="760000", figure="actual")).status_code == 302
    recorded = BudgetLine.objects.get()
    assert (recorded.plan, recorded.forecast, recorded.actual) == (
        Decimal("750000"),
        None,
        Decimal("760000"),
    )


@pytest.mark.parametrize("name", ["contract-new", "budget-line-new"])
def test_reception_cannot_record_money(borough, make_user, client, signed_in, name):
    assert (
        signed_in(client, make_user("reception")).get(reverse(f"planning:{name}")).status_code
        == 403
    )


def test_travel_time_table_upload(borough, commissioner):
    from django.core.files.uploadedfile import SimpleUploadedFile

    table = "area,site,minutes\n" + "".join(
        f"{a},Library North,10\n" for a in ("N1", "N2", "S1", "S2")
    )
    upload = SimpleUploadedFile("times.csv", table.encode(), content_type="text/csv")
    response = sites_post(
        commissioner, name="By table", keep=1, min_per_locality=0, travel_times=upload
    )
    assert response.status_code == 302
    scenario = Scenario.objects.get(name="By table")
    assert scenario.results["kept"] == ["Library North"]
    assert "travel-time table" in scenario.results["coverage_rule"]
    assert len(scenario.inputs["travel_times"]) == 4
    bad = SimpleUploadedFile(
        "times.csv", b"area,site,minutes\nN1,Hub North,soon\n", content_type="text/csv"
    )
    html = sites_post(commissioner, name="Bad", keep=1, travel_times=bad).content.decode()
    assert "times.csv, row 2, column &#x27;minutes&#x27;: &#x27;soon&#x27; is not a number" in html
    unknown = SimpleUploadedFile(
        "times.csv", b"area,site,minutes\nN1,Nowhere,5\n", content_type="text/csv"
    )
    html = sites_post(commissioner, name="Bad", keep=1, travel_times=unknown).content.decode()
    assert "Travel-time table: no candidate site is called Nowhere" in html


def test_planning_errors_name_the_field(borough, commissioner):
    response = commissioner.post(
        reverse("planning:funding"), {"name": "", "budget": "-5", "universal_share": "abc"}
    )
    body = response.content.decode()
    assert "Enter the scenario name" in body
    assert "Budget to share must be 0 or more" in body
    assert "Universal share must be a number" in body
    assert "This field is required" not in body and "Ensure this value" not in body


def test_a_contract_date_is_taken_the_way_the_hint_shows(borough, commissioner):
    from familyhub.planning.forms import ContractForm

    form = ContractForm(
        {
            "service": "",
            "provider": "X",
            "annual_value": "1",
            "start_day": "1",
            "start_month": "4",
            "start_year": "2026",
            "end_day": "31",
            "end_month": "2",
            "end_year": "2027",
        },
        authority=borough["authority"],
    )
    assert not form.is_valid()
    assert "start" not in form.errors
    assert form.errors["end"] == ["The end date must be a real date"]


def test_compared_figures_are_formatted_for_people():
    from familyhub.planning.views import _shown

    assert [_shown(v) for v in (1000000, 1000000.0, 11.28, True, "yes", "")] == [
        "1,000,000",
        "1,000,000",
        "11.28",
        "Yes",
        "Yes",
        "",
    ]


def test_showing_new_weights_saves_nothing_and_keeps_the_token_out_of_the_url(
    borough, commissioner
):
    page = commissioner.get(reverse("planning:needs")).content.decode()
    assert 'method="get"' not in page.split('id="main-content"')[-1]
    from familyhub.planning.needs import MEASURES

    data = {"action": "show", "name": "", **{f"w_{m.key}": 0 for m in MEASURES}, "w_idaci": 9}
    response = commissioner.post(reverse("planning:needs"), data)
    assert response.status_code == 200 and "Enter a name" not in response.content.decode()
    assert response.context["result"]["weights"]["idaci"] == 9
    assert not Scenario.objects.exists()


def test_what_a_scenario_was_asked_reads_as_words():
    from familyhub.planning.views import _readable_inputs

    rows = _readable_inputs(
        {"min_per_locality": 1, "must_keep": ["Hub North", "Hub South"], "budget": None}
    )
    assert rows == [
        ("Budget", "-"),
        ("Min per locality", "1"),
        ("Must keep", "Hub North, Hub South"),
    ]


def test_a_scenario_built_on_another_names_it(borough):
    from familyhub.planning.views import _readable_inputs

    base = ScenarioFactory(authority=borough["authority"], name="Keep 2")
    rows = _readable_inputs({"site_scenario": str(base.public_id)}, authority=borough["authority"])
    assert rows == [("Site scenario", "Keep 2")]
