"""Changing and deleting saved scenarios and contracts: through the services, with a version
check so that two planners never silently overwrite each other, and GOV.UK confirmation pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from familyhub.planning import services
from familyhub.planning.models import Contract, Scenario
from familyhub.planning.needs import MEASURES
from familyhub.planning.tests.factories import ScenarioFactory
from familyhub.planning.tests.test_views import sites_post
from familyhub.testing.forms import date_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def commissioner(make_user, client, signed_in):
    return signed_in(client, make_user("commissioner"))


def _five_kinds(client, borough) -> dict[str, Scenario]:
    """One saved scenario of every kind, made through the planning pages."""
    sites_post(client)
    weights = {**{f"w_{m.key}": 0 for m in MEASURES}, "w_idaci": 2, "w_imd": 1}
    client.post(reverse("planning:needs"), {**weights, "name": "Needs"})
    client.post(
        reverse("planning:sessions"),
        {
            "name": "Sessions",
            "site_scenario": str(Scenario.objects.get(name="Keep 2").public_id),
            "enhanced": 12,
            "standard": 7,
            "outreach": 2,
            "overrides": "",
        },
    )
    client.post(
        reverse("planning:caseload"),
        {
            "name": "Balance",
            "service": borough["service"].pk,
            "expected_cases": 100,
            **{"mix_2": 60, "mix_3": 30, "mix_4": 10},
            **{"weight_2": 1, "weight_3": 1.5, "weight_4": 2},
            "tolerance": 10,
            "team_min": 0.5,
            "staff": "",
        },
    )
    client.post(
        reverse("planning:funding"),
        {
            "name": "Fund",
            "budget": 808500,
            "universal_share": 30,
            "unit": "sites",
            **{"w_idaci": 1, "w_child_poverty": 1, "w_imd": 0, "w_need": 0},
        },
    )
    saved = {s.kind: s for s in Scenario.objects.all()}
    assert sorted(saved) == ["caseload", "funding", "needs", "sessions", "sites"]
    return saved


# --- Rename and notes -----------------------------------------------------------------------


def test_a_scenario_is_renamed_and_given_notes(borough, commissioner):
    scenario = ScenarioFactory(authority=borough["authority"], name="Keep 6")
    url = reverse("planning:scenario-edit", args=[scenario.public_id])
    page = commissioner.get(url).content.decode()
    assert 'value="Keep 6"' in page and 'name="version" value="1"' in page
    response = commissioner.post(
        url, {"name": "Keep 6, one per locality", "notes": "For the May cabinet", "version": 1}
    )
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert (scenario.name, scenario.notes, scenario.version) == (
        "Keep 6, one per locality",
        "For the May cabinet",
        2,
    )
    shown = commissioner.get(response["Location"]).content.decode()
    assert "For the May cabinet" in shown and "Changed " in shown


def test_a_blank_name_is_a_field_error(borough, commissioner):
    scenario = ScenarioFactory(authority=borough["authority"])
    url = reverse("planning:scenario-edit", args=[scenario.public_id])
    page = commissioner.post(url, {"name": "  ", "notes": "", "version": 1}).content.decode()
    assert "Enter the scenario name" in page


def test_a_concurrent_rename_is_not_overwritten(borough, commissioner):
    scenario = ScenarioFactory(authority=borough["authority"], name="Keep 6")
    url = reverse("planning:scenario-edit", args=[scenario.public_id])
    commissioner.get(url)  # the planner opens the page at version 1 ...
    services.scenario_update(
        scenario=scenario, expected_version=1, name="Theirs"
    )  # ... a colleague saves
    page = commissioner.post(url, {"name": "Mine", "notes": "", "version": 1}).content.decode()
    assert "Someone else changed this scenario after you opened it" in page
    scenario.refresh_from_db()
    assert (scenario.name, scenario.version) == ("Theirs", 2)


def test_another_councils_scenario_cannot_be_changed_or_deleted(borough, commissioner):
    from familyhub.testing.factories import AuthorityFactory

    other = ScenarioFactory(authority=AuthorityFactory(code="E99999999", name="Elsewhere"))
    for name in ("scenario-edit", "scenario-rerun", "scenario-delete"):
        url = reverse(f"planning:{name}", args=[other.public_id])
        assert commissioner.post(url, {"name": "X", "version": 1}).status_code == 404
    assert Scenario.objects.filter(pk=other.pk).exists()


# --- Run again -------------------------------------------------------------------------------


def test_every_kind_of_scenario_runs_again_from_its_saved_inputs(borough, commissioner):
    for kind, scenario in _five_kinds(commissioner, borough).items():
        before = scenario.results
        again = services.scenario_rerun(scenario=scenario, expected_version=1)
        assert again.version == 2, kind
        assert again.results == before, kind  # the same figures give the same results


def test_running_again_uses_todays_figures_after_a_confirmation_page(borough, commissioner):
    sites_post(commissioner, keep=1, name="Keep 1", min_per_locality=0)
    scenario = Scenario.objects.get(name="Keep 1")
    assert scenario.results["kept"] == ["Hub North"]
    south = borough["areas"]["S1"]
    south.population_0_4 = 5000  # the south has grown since the plan was saved
    south.save()
    url = reverse("planning:scenario-rerun", args=[scenario.public_id])
    page = commissioner.get(url).content.decode()
    assert "Run “Keep 1” again?" in page and "The results shown now are replaced" in page
    response = commissioner.post(url, {"version": 1})
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.results["kept"] == ["Hub South"]
    assert scenario.inputs["keep"] == 1 and scenario.version == 2


def test_running_again_a_scenario_changed_meanwhile_is_refused(borough, commissioner):
    sites_post(commissioner)
    scenario = Scenario.objects.get(name="Keep 2")
    services.scenario_update(scenario=scenario, expected_version=1, name="Renamed")
    url = reverse("planning:scenario-rerun", args=[scenario.public_id])
    page = commissioner.post(url, {"version": 1}).content.decode()
    assert "Someone else changed this scenario" in page
    assert Scenario.objects.get(pk=scenario.pk).version == 2


# --- Delete ----------------------------------------------------------------------------------


def test_a_scenario_is_deleted_after_a_confirmation_page(borough, commissioner):
    scenario = ScenarioFactory(authority=borough["authority"], name="Old plan")
    url = reverse("planning:scenario-delete", args=[scenario.public_id])
    page = commissioner.get(url).content.decode()
    assert "Delete “Old plan”?" in page and "You cannot undo this" in page
    assert "govuk-button--warning" in page
    response = commissioner.post(url, {"version": 1})
    assert response["Location"] == reverse("planning:index")
    assert not Scenario.objects.filter(pk=scenario.pk).exists()


def test_deleting_a_scenario_changed_meanwhile_is_refused(borough, commissioner):
    scenario = ScenarioFactory(authority=borough["authority"])
    services.scenario_update(scenario=scenario, expected_version=1, name="Still wanted")
    url = reverse("planning:scenario-delete", args=[scenario.public_id])
    page = commissioner.post(url, {"version": 1}).content.decode()
    assert "Someone else changed this scenario" in page
    assert Scenario.objects.filter(pk=scenario.pk).exists()


def test_a_scenario_built_on_a_deleted_one_still_reads_and_runs_again(borough, commissioner):
    saved = _five_kinds(commissioner, borough)
    services.scenario_delete(scenario=saved["sites"], expected_version=1)
    sessions = saved["sessions"]
    page = commissioner.get(reverse("planning:scenario", args=[sessions.public_id]))
    assert "A scenario since deleted" in page.content.decode()
    services.scenario_rerun(scenario=sessions, expected_version=1)


# --- Contracts -------------------------------------------------------------------------------


@pytest.fixture
def contract(borough):
    return services.contract_save(
        authority=borough["authority"],
        service=borough["service"],
        provider="Coram",
        annual_value=Decimal("270482"),
        start=datetime.date(2026, 4, 1),
    )


def _contract_post(borough, **changes):
    data = {
        "service": borough["service"].pk,
        "provider": "Coram",
        "annual_value": "270482",
        **date_fields("start", datetime.date(2026, 4, 1)),
        **date_fields("end", ""),
        "version": 1,
    }
    data.update(changes)
    return data


def test_the_budget_page_links_each_contract_to_change_and_delete(borough, commissioner, contract):
    page = commissioner.get(reverse("planning:budget")).content.decode()
    assert reverse("planning:contract-edit", args=[contract.public_id]) in page
    assert reverse("planning:contract-delete", args=[contract.public_id]) in page


def test_a_contract_is_changed(borough, commissioner, contract):
    url = reverse("planning:contract-edit", args=[contract.public_id])
    page = commissioner.get(url).content.decode()
    assert 'name="start_day" value="1"' in page and 'value="Coram"' in page
    response = commissioner.post(
        url,
        _contract_post(borough, annual_value="300000", **date_fields("end", "31/3/2029")),
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.annual_value == Decimal("300000")
    assert contract.end == datetime.date(2029, 3, 31) and contract.version == 2


def test_a_contract_change_with_bad_dates_names_the_field(borough, commissioner, contract):
    url = reverse("planning:contract-edit", args=[contract.public_id])
    page = commissioner.post(
        url, _contract_post(borough, **date_fields("end", "31/3/2020"))
    ).content.decode()
    assert "The end date must be on or after the start date" in page
    assert Contract.objects.get(pk=contract.pk).version == 1


def test_a_concurrent_contract_change_is_not_overwritten(borough, commissioner, contract):
    services.contract_update(
        contract=contract,
        expected_version=1,
        service=borough["service"],
        provider="Barnardo's",
        annual_value=Decimal("1"),
        start=contract.start,
    )
    url = reverse("planning:contract-edit", args=[contract.public_id])
    page = commissioner.post(url, _contract_post(borough, provider="Mine")).content.decode()
    assert "Someone else changed this contract after you opened it" in page
    assert Contract.objects.get(pk=contract.pk).provider == "Barnardo's"


def test_a_contract_is_deleted_after_a_confirmation_page(borough, commissioner, contract):
    url = reverse("planning:contract-delete", args=[contract.public_id])
    page = commissioner.get(url).content.decode()
    assert "Delete the contract with Coram?" in page and "£270,482.00 a year" in page
    assert commissioner.post(url, {"version": 2}).status_code == 200  # a stale version: refused
    assert Contract.objects.filter(pk=contract.pk).exists()
    response = commissioner.post(url, {"version": 1})
    assert response["Location"] == reverse("planning:budget")
    assert not Contract.objects.exists()


def test_reception_cannot_change_or_delete(borough, make_user, client, signed_in, contract):
    scenario = ScenarioFactory(authority=borough["authority"])
    signed_in(client, make_user("reception"))
    for url in (
        reverse("planning:scenario-edit", args=[scenario.public_id]),
        reverse("planning:scenario-delete", args=[scenario.public_id]),
        reverse("planning:contract-delete", args=[contract.public_id]),
    ):
        assert client.post(url, {"version": 1, "name": "X"}).status_code == 403
    assert Scenario.objects.filter(pk=scenario.pk).exists() and Contract.objects.exists()
