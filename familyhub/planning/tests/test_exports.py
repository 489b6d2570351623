"""Exports of every kind of scenario, and the pictures (which need coordinates, or give way)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from familyhub.planning import exports, svg
from familyhub.planning.models import ScenarioKind
from familyhub.planning.optimiser import FundingUnit, funding_formula, sessions_by_rule
from familyhub.planning.tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db


def test_funding_export_has_every_unit_and_sums(authority):
    results = funding_formula(
        [FundingUnit("A", 10, {"idaci": 1}), FundingUnit("B", 30, {"idaci": 0.2})],
        budget=1001,
        universal_share=0.25,
        weights={"idaci": 1},
    )
    scenario = ScenarioFactory(authority=authority, kind=ScenarioKind.FUNDING, results=results)
    rows = list(csv.reader(io.StringIO(exports.scenario_csv(scenario))))
    header = rows.index(
        [
            "unit",
            "children",
            "universal",
            "deprivation",
            "amount",
            "per_child",
            "current",
            "change",
            "change_pct",
        ]
    )
    amounts = [int(r[4]) for r in rows[header + 1 : header + 3]]
    assert sum(amounts) == 1001
    book = load_workbook(io.BytesIO(exports.scenario_xlsx(scenario)))
    assert book.sheetnames == ["Summary", "Allocation"]
    assert book["Allocation"].max_row == 3


def test_sessions_export_and_comparison(authority):
    sites = [{"name": "H", "locality": "N"}, {"name": "K", "locality": "N", "need": 5}]
    a = ScenarioFactory(
        authority=authority, kind=ScenarioKind.SESSIONS, results=sessions_by_rule(sites)
    )
    b = ScenarioFactory(
        authority=authority, kind=ScenarioKind.SESSIONS, results=sessions_by_rule(sites, standard=5)
    )
    book = load_workbook(io.BytesIO(exports.scenario_xlsx(a)))
    assert book.sheetnames == ["Summary", "Sessions", "By locality"]
    rows = dict(exports.compare_rows([a, b]))
    assert rows["Sessions a week"] == [19, 17]
    assert rows["Sessions: N"] == [19, 17]


def test_no_coordinates_no_map():
    assert svg.area_map([{"name": "A", "lat": None, "lon": None, "need": 3}], [], title="t") is None


def test_map_escapes_names_and_marks_kept_and_outreach():
    picture = svg.area_map(
        [{"name": "<A>", "lat": 51.5, "lon": 0.1, "need": 50}],
        [
            {"name": "Hub", "lat": 51.5, "lon": 0.1, "kept": True},
            {"name": "Hall", "lat": 51.6, "lon": 0.2, "kept": False},
        ],
        title="Map",
    )
    assert picture is not None
    assert "&lt;A&gt;" in picture and "<A>" not in picture
    assert "Hub: kept as hub" in picture and "Hall: outreach" in picture
    assert "style=" not in picture  # the CSP forbids inline styles


def test_bar_chart_prints_each_number_on_a_labelled_axis():
    chart = svg.bar_chart(
        [("North", 12400), ("South", 7500.5)],
        title="Allocation",
        axis_label="Allocation (£)",
        prefix="£",
        decimals=0,
    )
    assert ">£12,400<" in chart and ">£7,500<" in chart and ">North<" in chart
    assert ">Allocation (£)<" in chart and ">12,500<" in chart  # the axis and its last tick
    assert 'role="img"' in chart and "<title" in chart


def test_map_has_a_title_and_a_description():
    picture = svg.area_map(
        [{"name": "A", "lat": 51.5, "lon": 0.1, "need": 5}], [], title="Need by area"
    )
    assert picture is not None and 'role="img"' in picture
    assert ">Need by area</title>" in picture and "<desc" in picture


def test_a_formula_in_a_scenario_is_kept_as_text_in_csv_and_excel(authority):
    scenario = ScenarioFactory(authority=authority, name='=HYPERLINK("http://x","y")')
    text = exports.scenario_csv(scenario)
    assert "'=HYPERLINK" in text and "'=cmd" in text
    book = load_workbook(io.BytesIO(exports.scenario_xlsx(scenario)))
    assert book["Summary"]["B1"].value == '\'=HYPERLINK("http://x","y")'
    assert book["Sites"]["H3"].value == "'=cmd" and book["Sites"]["H3"].data_type == "s"
