"""Contracts' yearly values, funding split and KPIs; budget figures side by side; the cost of
change in a site scenario: the services and the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from familyhub.core import indicators
from familyhub.planning import selectors, services
from familyhub.planning.models import (
    BudgetLine,
    Contract,
    ContractFunding,
    KpiActual,
    SiteChange,
)
from familyhub.planning.tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 3)


@pytest.fixture
def commissioner(make_user, client, signed_in):
    return signed_in(client, make_user("commissioner"))


@pytest.fixture
def contract(borough):
    return services.contract_save(
        authority=borough["authority"],
        service=borough["service"],
        provider="Parenting Ltd",
        annual_value=Decimal("100000"),
        start=datetime.date(2025, 4, 1),
        end=datetime.date(2028, 3, 31),
        ceiling=Decimal("310000"),
    )


def _fresh(contract: Contract) -> Contract:
    return Contract.objects.get(pk=contract.pk)


# --- Value, ceiling and funding split ------------------------------------------------------------


def test_a_funding_split_that_adds_up_is_kept_by_year(contract):
    """2025/26: £100,000 = council £60,000 + public health grant £30,000 + NHS £10,000."""
    services.contract_year_set(
        contract=contract,
        expected_version=contract.version,
        year=2025,
        value=Decimal("100000"),
        funding={"council": Decimal(60000), "public_health": Decimal(30000), "nhs": Decimal(10000)},
    )
    term = selectors.contract_years(_fresh(contract), today=TODAY)
    assert [r["label"] for r in term["rows"]] == ["2025/26", "2026/27", "2027/28"]
    first = term["rows"][0]
    assert {s["source"]: s["amount"] for s in first["split"]} == {
        "council": Decimal(60000),
        "public_health": Decimal(30000),
        "nhs": Decimal(10000),
        "other": None,
    }
    assert first["split_adds_up"] is True
    # 3 years x £100,000 = £300,000 against a ceiling of £310,000
    assert term["total"] == Decimal("300000")
    assert term["headroom"] == Decimal("10000")


def test_a_funding_split_that_does_not_add_up_is_refused_naming_the_value(contract):
    with pytest.raises(ValidationError) as refused:
        services.contract_year_set(
            contract=contract,
            expected_version=contract.version,
            year=2025,
            value=Decimal("100000"),
            funding={"council": Decimal(60000), "nhs": Decimal(30000)},
        )
    message = refused.value.message_dict["value"][0]
    assert "council £60,000.00 + nhs £30,000.00 = £90,000.00" in message
    assert "does not add up to the value for the year (£100,000.00)" in message
    assert not ContractFunding.objects.exists()
    assert _fresh(contract).version == contract.version


def test_a_year_outside_the_term_or_over_the_ceiling_is_refused(contract):
    with pytest.raises(ValidationError) as outside:
        services.contract_year_set(
            contract=contract, expected_version=1, year=2030, value=Decimal(1), funding={}
        )
    assert "runs from 2025/26 to 2027/28" in outside.value.message_dict["year"][0]
    # £120,000 + £100,000 + £100,000 = £320,000 > £310,000
    with pytest.raises(ValidationError) as over:
        services.contract_year_set(
            contract=contract, expected_version=1, year=2026, value=Decimal(120000), funding={}
        )
    assert (
        "would cost £320,000.00, more than its ceiling of £310,000.00"
        in (over.value.message_dict["value"][0])
    )


def test_a_stale_contract_version_is_refused(contract):
    services.contract_year_set(
        contract=contract, expected_version=1, year=2025, value=Decimal(90000), funding={}
    )
    with pytest.raises(services.StaleEdit):
        services.contract_year_set(
            contract=contract, expected_version=1, year=2025, value=Decimal(80000), funding={}
        )
    assert _fresh(contract).years.get().value == Decimal("90000")


# --- KPIs --------------------------------------------------------------------------------------


def _kpi(contract, **fields):
    data = {
        "name": "Families completing the programme",
        "unit": "percent",
        "target": Decimal(80),
        "direction": "higher",
        "amber_tolerance": Decimal(5),
    }
    return services.kpi_add(
        contract=contract, expected_version=_fresh(contract).version, **{**data, **fields}
    )


def test_provider_figures_give_rag_and_trend_by_quarter(contract, make_user):
    kpi = _kpi(contract)
    for quarter, value in ((1, "70"), (2, "78"), (3, "82")):
        services.kpi_actual_record(
            contract=contract,
            expected_version=_fresh(contract).version,
            kpi=kpi,
            year=2025,
            quarter=quarter,
            value=Decimal(value),
            entered_by=make_user("commissioner"),
        )
    (row,) = selectors.kpi_rows(_fresh(contract), today=TODAY)
    # 2025/26 Q1 to 2026/27 Q3 (this quarter): seven quarters
    assert [c["label"] for c in row["cells"]][:4] == [
        "2025/26 Q1",
        "2025/26 Q2",
        "2025/26 Q3",
        "2025/26 Q4",
    ]
    assert len(row["cells"]) == 7
    # 70 is 10 short of 80 (red); 78 is 2 short, within 5 (amber); 82 meets it (green)
    assert [c["rag"] for c in row["cells"][:4]] == ["red", "amber", "green", None]
    assert row["latest"]["label"] == "2025/26 Q3"
    assert row["trend"] == "improving"  # 78 -> 82, higher is better


def test_a_provider_figure_replaces_its_own_quarter_only_on_the_current_version(contract):
    kpi = _kpi(contract)
    version = _fresh(contract).version
    services.kpi_actual_record(
        contract=contract, expected_version=version, kpi=kpi, year=2025, quarter=1, value=50
    )
    with pytest.raises(services.StaleEdit):
        services.kpi_actual_record(
            contract=contract, expected_version=version, kpi=kpi, year=2025, quarter=1, value=60
        )
    assert KpiActual.objects.get().value == Decimal("50")
    with pytest.raises(ValidationError) as bad:
        services.kpi_actual_record(
            contract=contract,
            expected_version=version + 1,
            kpi=kpi,
            year=2025,
            quarter=1,
            value=120,
        )
    assert bad.value.message_dict["value"] == ["Enter a percentage from 0 to 100"]


@pytest.fixture
def coverage_indicator(monkeypatch):
    """An indicator from the record: 9 of 10 in 2025/26 Q1, 7 of 10 after."""

    def compute(authority_id, start, end):
        seen = 9 if start == datetime.date(2025, 4, 1) else 7
        return [
            {
                "area_id": None,
                "service_id": None,
                "team_id": None,
                "numerator": seen,
                "denominator": 10,
            }
        ]

    spec = indicators.Indicator(
        key="test_review_coverage", title="Reviews on time", compute=compute
    )
    monkeypatch.setitem(indicators.registered._entries, "test_review_coverage", spec)
    return spec


def test_an_indicator_kpi_is_computed_from_the_record_never_typed(contract, coverage_indicator):
    kpi = _kpi(contract, name="Reviews on time", source="test_review_coverage", target=85)
    (row,) = selectors.kpi_rows(_fresh(contract), today=TODAY)
    # 9 / 10 = 90% meets 85 (green); 7 / 10 = 70% is 15 short (red); getting worse
    assert [c["value"] for c in row["cells"][:2]] == [Decimal("90.0"), Decimal("70.0")]
    assert [c["rag"] for c in row["cells"][:2]] == ["green", "red"]
    assert row["trend"] == "no change"  # 70 then 70 in the latest two quarters
    assert row["source"] == "From the record: Reviews on time"
    with pytest.raises(ValidationError) as typed:
        services.kpi_actual_record(
            contract=contract,
            expected_version=_fresh(contract).version,
            kpi=kpi,
            year=2025,
            quarter=1,
            value=10,
        )
    assert "computed from the record" in typed.value.message_dict["kpi"][0]


# --- Budget figures side by side --------------------------------------------------------------


def test_plan_forecast_and_actual_side_by_side_with_the_efficiency_achieved(authority):
    """Family hubs: 2025/26 actual £1,000 (the baseline). 2026/27 plan £800, forecast £900, then
    the actual £850. Planned saving 1,000 - 800 = 200; by the forecast 100 (50.0%), by the actual
    150 (75.0%). The plan is still there after the actual."""
    record = services.budget_line_record
    record(authority=authority, programme="Family hubs", year=2025, figure="actual", amount=1000)
    record(authority=authority, programme="Family hubs", year=2026, figure="plan", amount=800)
    record(authority=authority, programme="Family hubs", year=2026, figure="forecast", amount=900)
    cell = selectors.budget_summary(authority)["programmes"][0]["cells"][1]
    assert (cell["plan"], cell["forecast"], cell["actual"]) == (Decimal(800), Decimal(900), None)
    assert cell["efficiency"] == {
        "planned": Decimal(200),
        "achieved": Decimal(100),
        "achieved_pct": Decimal("50.0"),
    }
    record(authority=authority, programme="Family hubs", year=2026, figure="actual", amount=850)
    summary = selectors.budget_summary(authority)
    cell = summary["programmes"][0]["cells"][1]
    assert (cell["plan"], cell["forecast"], cell["actual"]) == (
        Decimal(800),
        Decimal(900),
        Decimal(850),
    )
    assert cell["efficiency"]["achieved_pct"] == Decimal("75.0")
    assert summary["totals"][1]["efficiency"]["achieved"] == Decimal(150)


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_each_line_as_its_plan_or_its_actual():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    before = [("planning", "0002_scenario_contract_version_notes")]
    after = [("planning", "0003_commissioning_kpis_budget_figures_costs_of_change")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Authority = old.get_model("places", "Authority")
    OldLine = old.get_model("planning", "BudgetLine")
    council = Authority.objects.create(code="E06000034", name="Thurrock")
    OldLine.objects.create(
        authority=council, programme="Hubs", year=2016, amount=Decimal(500), is_actual=True
    )
    OldLine.objects.create(
        authority=council, programme="Hubs", year=2017, amount=Decimal(400), is_actual=False
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    try:
        executor.migrate(after)
        lines = {
            line.year: (line.plan, line.forecast, line.actual)
            for line in BudgetLine.objects.filter(programme="Hubs")
        }
        assert lines == {2016: (None, None, Decimal(500)), 2017: (Decimal(400), None, None)}
    finally:
        # Forward to the latest again: a later migration's tables (the establishment's posts)
        # must be there for the tests that run after this one on the same worker.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


# --- The cost of change -------------------------------------------------------------------------


def _site_change(scenario, **fields):
    data = {
        "site": "Library North",
        "change_date": datetime.date(2026, 4, 1),
        "redundancy": Decimal(60000),
        "dilapidations": Decimal(20000),
        "capital_grant": Decimal(100000),
        "grant_start": datetime.date(2010, 4, 1),
        "grant_end": datetime.date(2030, 4, 1),
        "annual_saving": Decimal(50000),
        "saving_years": 10,
    }
    return services.site_change_add(
        scenario=scenario, expected_version=scenario.version, **{**data, **fields}
    )


def test_site_changes_need_a_site_scenario_a_grant_end_and_the_current_version(borough):
    scenario = ScenarioFactory(authority=borough["authority"])
    with pytest.raises(ValidationError) as no_end:
        _site_change(scenario, grant_end=None)
    assert no_end.value.message_dict["grant_end"] == [
        "Enter the date the capital grant's conditions end"
    ]
    _site_change(scenario)
    with pytest.raises(services.StaleEdit):
        _site_change(scenario)  # the version the planner opened is no longer current
    assert SiteChange.objects.count() == 1
    funding = ScenarioFactory(authority=borough["authority"], kind="funding")
    with pytest.raises(ValidationError):
        _site_change(funding)


# --- Pages -------------------------------------------------------------------------------------


def test_the_contract_page_shows_kpis_funding_and_the_ceiling(borough, commissioner, contract):
    kpi = _kpi(contract)
    services.kpi_actual_record(
        contract=contract,
        expected_version=_fresh(contract).version,
        kpi=kpi,
        year=2025,
        quarter=1,
        value=Decimal(78),
        note="Two groups cancelled",
    )
    page = commissioner.get(reverse("planning:contract", args=[contract.public_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Families completing the programme" in html
    assert "Close to the target" in html and "Two groups cancelled" in html
    assert "<svg" in html and "Financial quarter" in html
    assert "£10,000.00 left under it" in html
    budget = commissioner.get(reverse("planning:budget")).content.decode()
    assert reverse("planning:contract", args=[contract.public_id]) in budget


def test_the_year_form_names_the_field_when_the_split_does_not_add_up(
    borough, commissioner, contract
):
    url = reverse("planning:contract-year", args=[contract.public_id])
    assert commissioner.get(url).status_code == 200
    data = {"year": "2025", "value": "100000", "council": "50000", "version": "1"}
    html = commissioner.post(url, data).content.decode()
    assert "does not add up to the value for the year" in html
    assert 'href="#id_value"' in html  # the error summary links to the value
    data["nhs"] = "50000"
    assert commissioner.post(url, data).status_code == 302
    assert ContractFunding.objects.count() == 2
    stale = commissioner.post(url, data).content.decode()
    assert "Someone else changed this contract after you opened it" in stale


def test_adding_a_kpi_and_entering_a_figure_through_the_pages(borough, commissioner, contract):
    url = reverse("planning:kpi-new", args=[contract.public_id])
    assert commissioner.get(url).status_code == 200
    data = {
        "name": "Families seen",
        "source": "provider",
        "unit": "count",
        "direction": "higher",
        "target": "40",
        "amber_tolerance": "5",
        "version": "1",
    }
    bad = commissioner.post(url, dict(data, target="lots")).content.decode()
    assert "Target must be a number" in bad
    assert commissioner.post(url, data).status_code == 302
    kpi = _fresh(contract).kpis.get()
    figures = reverse("planning:kpi-figures", args=[contract.public_id])
    assert commissioner.get(figures).status_code == 200
    entry = {"kpi": kpi.pk, "period": "2025-2", "value": "38", "note": "", "version": "2"}
    assert commissioner.post(figures, entry).status_code == 302
    assert KpiActual.objects.get().value == Decimal(38)
    assert KpiActual.objects.get().entered_by is not None


def test_the_scenario_page_shows_payback_npv_and_the_cash_chart(borough, commissioner):
    """One-off: 60,000 + 20,000 + clawback 100,000 x 1,461 / 7,305 = 20,000: £100,000.
    Saves £50,000 a year: paid back after 2.0 years, in year 2.
    NPV = -100,000 + 50,000 x 8.316605 (10 years at 3.5%) = £315,830.27."""
    scenario = ScenarioFactory(authority=borough["authority"])
    url = reverse("planning:site-change-new", args=[scenario.public_id])
    assert commissioner.get(url).status_code == 200
    data = {
        "site": "Library North",
        "change_date_day": "1",
        "change_date_month": "4",
        "change_date_year": "2026",
        "redundancy": "60000",
        "dilapidations": "20000",
        "capital_grant": "100000",
        "grant_start_day": "1",
        "grant_start_month": "4",
        "grant_start_year": "2010",
        "dfe_notice_by_day": "1",
        "dfe_notice_by_month": "1",
        "dfe_notice_by_year": "2026",
        "dfe_notice_note": "Notice of a change of use of a capital-funded building",
        "annual_saving": "50000",
        "saving_years": "10",
        "version": "1",
    }
    missing = commissioner.post(url, data).content.decode()
    assert "Enter the date the grant" in missing
    data.update({"grant_end_day": "1", "grant_end_month": "4", "grant_end_year": "2030"})
    assert commissioner.post(url, data).status_code == 302
    html = commissioner.get(
        reverse("planning:scenario", args=[scenario.public_id])
    ).content.decode()
    assert "2.0 years (paid back during year 2)" in html
    assert "£315,830.27" in html
    assert "£20,000.00" in html  # the clawback
    assert "One-off costs" in html and "Years after the change" in html
    assert "Tell them by 1 January 2026" in html


@pytest.mark.parametrize("name", ["contract", "contract-year", "kpi-new", "kpi-figures"])
def test_reception_cannot_open_commissioning_pages(
    borough, make_user, client, signed_in, contract, name
):
    page = signed_in(client, make_user("reception")).get(
        reverse(f"planning:{name}", args=[contract.public_id])
    )
    assert page.status_code == 403


# --- The demo ----------------------------------------------------------------------------------


def test_the_demo_has_kpis_a_funding_split_budget_figures_and_a_scenario_that_pays_back(
    authority, commissioner
):
    import io
    import random

    from familyhub.demo import planning as demo
    from familyhub.planning import commissioning
    from familyhub.planning.models import ContractKpi, Scenario

    demo.load_demo(authority=authority, rng=random.Random(1), stdout=io.StringIO())
    demo.load_demo(authority=authority, rng=random.Random(1), stdout=io.StringIO())  # again
    assert ContractKpi.objects.count() == 4 and KpiActual.objects.count() == 16
    contract = ContractKpi.objects.first().contract
    (first_year,) = selectors.contract_years(contract, today=TODAY)["rows"]
    assert first_year["split_adds_up"] is True
    rows = selectors.kpi_rows(contract, today=TODAY)
    days = next(r for r in rows if r["kpi"].unit == "days")
    # 15, 12, 9, 8 days against 10 (lower is better, amber within 3)
    assert [c["rag"] for c in days["cells"]] == ["red", "amber", "green", "green"]
    assert days["trend"] == "improving"
    line = BudgetLine.objects.get(programme="Children's Centres", year=2017)
    # plan 808,500; forecast +3% = 832,755; actual +2% = 824,670
    assert (line.plan, line.forecast, line.actual) == (
        Decimal("808500"),
        Decimal("832755"),
        Decimal("824670"),
    )
    sites = Scenario.objects.get(name__startswith="Demo: keep 6")
    appraisal = commissioning.scenario_appraisal(list(sites.site_changes.all()))
    # each site: 45,000 + 15,000 + 250,000 x 2,192 / 9,131 days = 60,015.33; saves 40,000 a year
    assert appraisal is not None and appraisal.payback_year == 4
    assert appraisal.payback_years == Decimal("3.0")
    page = commissioner.get(reverse("planning:scenario", args=[sites.public_id])).content.decode()
    assert "3.0 years (paid back during year 4)" in page
    contract_page = commissioner.get(reverse("planning:contract", args=[contract.public_id]))
    assert "Days from referral to first contact" in contract_page.content.decode()


def test_a_site_change_is_removed_after_a_confirmation_on_the_current_version(
    borough, commissioner
):
    scenario = ScenarioFactory(authority=borough["authority"])
    change = _site_change(scenario)
    url = reverse("planning:site-change-remove", args=[scenario.public_id])
    assert commissioner.get(url).status_code == 404  # no change named
    page = commissioner.get(f"{url}?change={change.pk}").content.decode()
    assert "Remove the costs of changing Library North?" in page
    stale = commissioner.post(f"{url}?change={change.pk}", {"version": "1"}).content.decode()
    assert "Someone else changed this scenario after you opened it" in stale
    assert commissioner.post(f"{url}?change={change.pk}", {"version": "2"}).status_code == 302
    assert not SiteChange.objects.exists()
