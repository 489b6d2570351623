"""The budget plan, savings against the baseline year and spend per family; contracts; the demo."""

from __future__ import annotations

import datetime
import io
import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from familyhub.core.csvfiles import Problems
from familyhub.demo import planning as demo
from familyhub.planning import selectors, services
from familyhub.planning.csvinput import CsvInputError
from familyhub.planning.models import BudgetLine, Contract, Scenario, ScenarioKind
from familyhub.testing import factories
from familyhub.testing.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[2] / "places" / "data" / "reference"


def test_reference_budget_plan_savings_by_hand(authority):
    assert (
        services.budget_plan_load(authority=authority, path=DATA / "thurrock_budget_plan.csv") == 9
    )
    summary = selectors.budget_summary(authority)
    assert summary["baseline_year"] == 2016
    assert [y["label"] for y in summary["years"]] == ["2016/17", "2017/18", "2018/19"]
    assert [y["actual"] for y in summary["years"]] == [True, False, False]
    totals = {c["year"]: c for c in summary["totals"]}
    # 5,177,572 + 1,208,000 + 406,818 = 6,792,390
    assert totals[2016]["amount"] == Decimal("6792390")
    # 4,715,000 + 808,500 + 392,500 = 5,916,000: saving 876,390 = 12.90%
    assert totals[2017]["saving"] == Decimal("876390")
    assert totals[2017]["saving_pct"] == Decimal("12.90")
    # 4,000,000 + 808,500 + 392,500 = 5,201,000: saving 1,591,390 = 23.43% (the "23%" of the plan)
    assert totals[2018]["saving"] == Decimal("1591390")
    assert totals[2018]["saving_pct"] == Decimal("23.43")
    rows = {p["programme"]: {c["year"]: c for c in p["cells"]} for p in summary["programmes"]}
    # Children's Centres 1,208,000 -> 808,500: 399,500 = 33.07%
    assert rows["Children's Centres"][2017]["saving"] == Decimal("399500")
    assert rows["Children's Centres"][2017]["saving_pct"] == Decimal("33.07")
    # 0-19 Healthy Families 5,177,572 -> 4,000,000: 1,177,572 = 22.74%
    assert rows["0-19 Healthy Families Programme"][2018]["saving_pct"] == Decimal("22.74")
    # Early Offer of Help 406,818 -> 392,500: 14,318 = 3.52%
    assert rows["Early Offer of Help"][2018]["saving"] == Decimal("14318")
    assert rows["Early Offer of Help"][2018]["saving_pct"] == Decimal("3.52")


def test_savings_against_another_baseline_year(authority):
    services.budget_plan_load(authority=authority, path=DATA / "thurrock_budget_plan.csv")
    totals = {c["year"]: c for c in selectors.budget_summary(authority, 2017)["totals"]}
    # 5,916,000 -> 5,201,000: 715,000 = 12.09%; 2016/17 is 876,390 more: a negative saving
    assert totals[2018]["saving"] == Decimal("715000")
    assert totals[2018]["saving_pct"] == Decimal("12.09")
    assert totals[2016]["saving"] == Decimal("-876390")


def test_loading_twice_replaces_not_duplicates(authority):
    services.budget_plan_load(authority=authority, path=DATA / "thurrock_budget_plan.csv")
    services.budget_plan_load(authority=authority, path=DATA / "thurrock_budget_plan.csv")
    assert BudgetLine.objects.count() == 9


def test_bad_budget_file_names_row_and_column_and_saves_nothing(authority, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("programme,spend_2016_17_gbp\nA,100\nB,lots\n")
    with pytest.raises(
        CsvInputError, match=r"plan.csv, row 3, column 'spend_2016_17_gbp': 'lots' is not a number"
    ):
        services.budget_plan_load(authority=authority, path=path)
    assert not BudgetLine.objects.exists()


def test_spend_per_family_reached(authority):
    services.budget_plan_load(authority=authority, path=DATA / "thurrock_budget_plan.csv")
    for _ in range(2):
        household = factories.HouseholdFactory(authority=authority)
        person = factories.PersonFactory(authority=authority)
        factories.HouseholdMembershipFactory(household=household, person=person)
        RegistrationFactory(person=person, registered_at=timezone.now())
    summary = selectors.budget_summary(authority)
    assert summary["families_reached"] == 2
    # 6,792,390 / 2
    assert summary["totals"][0]["per_family"] == Decimal("3396195.00")


def test_contracts_from_the_services_table(authority):
    count = services.contracts_load(
        authority=authority,
        path=DATA / "thurrock_services_2016.csv",
        start=datetime.date(2016, 4, 1),
        end=datetime.date(2017, 3, 31),
    )
    assert count == 12  # the three NHS-commissioned services have no council cost
    parenting = Contract.objects.get(service__name="Parenting support")
    assert parenting.provider == "Coram" and parenting.annual_value == Decimal("270482")
    # the council-funded contracts add up to the 2016/17 spend in the budget plan
    assert selectors.budget_summary(authority)["contracts_total"] == Decimal("6792390")


def test_contract_end_before_start_is_refused(authority):
    from django.core.exceptions import ValidationError

    service = factories.ServiceFactory(authority=authority)
    with pytest.raises(ValidationError):
        services.contract_save(
            authority=authority,
            service=service,
            provider="P",
            annual_value=Decimal(1),
            start=datetime.date(2020, 1, 1),
            end=datetime.date(2019, 1, 1),
        )
    with pytest.raises(IntegrityError):
        Contract.objects.create(
            authority=authority,
            service=service,
            provider="P",
            annual_value=-1,
            start=datetime.date(2020, 1, 1),
        )


def test_budget_page_shows_savings(authority, make_user, client, signed_in):
    services.budget_plan_load(authority=authority, path=DATA / "thurrock_budget_plan.csv")
    html = (
        signed_in(client, make_user("commissioner"))
        .get(reverse("planning:budget"))
        .content.decode()
    )
    assert "saving £1,591,390 (23.43%)" in html


def test_demo_loads_plan_contracts_and_two_scenarios_without_areas(authority, settings, tmp_path):
    out = io.StringIO()
    demo.load_demo(authority=authority, rng=random.Random(1), stdout=out)
    assert BudgetLine.objects.count() == 9
    assert Contract.objects.count() == 12
    sites = Scenario.objects.get(kind=ScenarioKind.SITES)
    funding = Scenario.objects.get(kind=ScenarioKind.FUNDING)
    assert sites.results["sites_kept"] == 6
    assert funding.results["total"] == 808500
    demo.load_demo(authority=authority, rng=random.Random(1), stdout=out)  # again: no duplicates
    assert Scenario.objects.count() == 2 and Contract.objects.count() == 12


def test_demo_uses_the_councils_areas_when_loaded(borough):
    demo.load_demo(authority=borough["authority"], rng=random.Random(1), stdout=io.StringIO())
    # three sites only, so "keep 6" cannot be met from the database: the ward table is used
    sites = Scenario.objects.get(kind=ScenarioKind.SITES)
    assert sites.inputs["source"].startswith("thurrock_wards.csv")
    funding = Scenario.objects.get(kind=ScenarioKind.FUNDING)
    # family hubs only: the library is an outreach venue
    assert {u["unit"] for u in funding.results["units"]} == {"Hub North", "Hub South"}


def test_plan_load_budget_and_contracts_commands(authority):
    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("plan", "load-budget", str(DATA / "thurrock_budget_plan.csv"), stdout=out)
    call_command(
        "plan",
        "load-contracts",
        str(DATA / "thurrock_services_2016.csv"),
        "--start",
        "2016-04-01",
        stdout=out,
    )
    assert "Loaded 9 budget lines." in out.getvalue() and "Loaded 12 contracts." in out.getvalue()
    with pytest.raises(CommandError, match="does not exist"):
        call_command("plan", "load-budget", "/nonexistent.csv")


def test_a_budget_file_with_a_bad_amount_loads_the_rest_and_reports_it(authority, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text(
        "programme,spend_2016_17_gbp,planned_2017_18_gbp\n"
        "'OShea Programme,100,£1,200\n"  # unquoted: one value too many, the row left out
        '"Children\'s Centres, Grays",lots,300\n'
        ",5,5\n"  # no programme
        "Zoë's Fund,-5,40\n",
        encoding="utf-8",
    )
    problems = Problems()
    assert services.budget_plan_load(authority=authority, path=path, problems=problems) == 2
    assert sorted(BudgetLine.objects.values_list("programme", "year", "plan")) == [
        ("Children's Centres, Grays", 2017, Decimal("300")),
        ("Zoë's Fund", 2017, Decimal("40")),
    ]
    assert [(p.row, p.column, p.value) for p in problems] == [
        (2, "", ""),
        (3, "spend_2016_17_gbp", "lots"),
        (4, "programme", ""),
        (5, "spend_2016_17_gbp", "-5"),
    ]
    from django.core.management import call_command

    out = io.StringIO()
    call_command("plan", "load-budget", str(path), stdout=out)
    assert "Loaded 2 budget lines." in out.getvalue()
    assert "plan.csv, row 3, column 'spend_2016_17_gbp': 'lots' is not a number" in out.getvalue()


def test_contracts_with_a_bad_cost_load_the_rest_and_report_it(authority, tmp_path):
    path = tmp_path / "services.csv"
    path.write_text(
        "service,commissioner,provider,cost_2016_17_gbp\n"
        '\'OShea Support,Council,"Smith, Jones & Co",1000\n'
        "Zoë's Service,Council,Łódź Care,unknown\n",
        encoding="utf-8",
    )
    problems = Problems()
    count = services.contracts_load(
        authority=authority,
        path=path,
        start=datetime.date(2016, 4, 1),
        end=None,
        problems=problems,
    )
    assert count == 1
    assert Contract.objects.get().provider == "Smith, Jones & Co"
    assert [(p.row, p.column, p.value) for p in problems] == [(3, "cost_2016_17_gbp", "unknown")]
