"""Children in need and on protection plans by area: the loader's row reports, and the needs
analysis weighing them per 10,000 children."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from familyhub.core.csvfiles import Problems
from familyhub.places.models import Area
from familyhub.places.social_care_counts import load_social_care_counts
from familyhub.planning import selectors

pytestmark = pytest.mark.django_db


def test_counts_load_and_bad_rows_are_reported_by_row_and_column(borough, tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text(
        "area_code,children_in_need,child_protection_plans,as_at\n"
        "E0500N1,40,6,2026-03-31\n"
        "E0500S1,12,,2026-03-31\n"
        "E05NOWHERE,5,1,2026-03-31\n"
        "E0500N2,lots,1,2026-03-31\n"
        "E0500S2,3,9,2026-03-31\n"
    )
    problems = Problems()
    count = load_social_care_counts(path, authority=borough["authority"], problems=problems)
    assert count == 3  # N2's bad number is read as missing, not a reason to drop the row
    found = [(p.row, p.column) for p in problems]
    assert found == [(4, "area_code"), (5, "children_in_need"), (6, "child_protection_plans")]
    n1 = Area.objects.get(code="E0500N1")
    assert (n1.children_in_need, n1.child_protection_plans) == (40, 6)
    assert str(n1.social_care_counts_as_at) == "2026-03-31"
    assert Area.objects.get(code="E0500S1").child_protection_plans is None
    assert Area.objects.get(code="E0500S2").children_in_need is None  # left out, unchanged


def test_the_needs_analysis_weighs_them_per_10000_children(borough):
    Area.objects.filter(code="E0500N1").update(
        children_in_need=40, child_protection_plans=4, population_0_4=500
    )
    rows = {r["code"]: r for r in selectors.area_need_rows(borough["authority"])}
    n1 = rows["E0500N1"]
    assert n1["children_in_need"] == pytest.approx(round(10000 * 40 / n1["population_0_19"], 1))
    assert rows["E0500S1"]["children_in_need"] is None
    result = selectors.needs_analysis(borough["authority"])
    n1_scored = next(a for a in result["areas"] if a["name"] == "N1")
    labels = {c["label"] for c in n1_scored["components"] if c["points"]}
    assert "Children in need (per 10,000 children)" in labels


def test_the_command_reports_and_loads(borough, tmp_path, capsys, settings):
    settings.FAMILYHUB_AUTHORITY_CODE = borough["authority"].code
    path = tmp_path / "counts.csv"
    path.write_text("area_code,children_in_need,child_protection_plans\nE0500N1,10,2\nX,1,1\n")
    call_command("load_social_care_counts", str(path))
    out = capsys.readouterr().out
    assert "row 3, column 'area_code'" in out and "Loaded counts for 1 areas" in out
