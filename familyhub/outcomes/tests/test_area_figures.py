"""Fingertips figures by ward: the import's row and column reports, the periods it reads, and
the indicators they feed, counted by hand."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from familyhub.casework.indicators import NEED_INDICATOR_PREFIX
from familyhub.core import indicators as registry
from familyhub.outcomes.area_figures import import_rows, parse_time_period
from familyhub.outcomes.frameworks import ensure_shipped_frameworks
from familyhub.outcomes.models import AreaFigure, IndicatorLink, OutcomeArea
from familyhub.outcomes.tests.conftest import by_area, totals

pytestmark = pytest.mark.django_db

HEADER = [
    "Indicator ID",
    "Indicator Name",
    "Area Code",
    "Area Name",
    "Area Type",
    "Sex",
    "Age",
    "Category Type",
    "Category",
    "Time period",
    "Value",
    "Lower CI 95.0 limit",
    "Upper CI 95.0 limit",
    "Count",
    "Denominator",
]


def row(indicator="93085", code="W1", period="2024/25", count="12", denominator="100", **extra):
    values = {
        "Indicator ID": indicator,
        "Indicator Name": "Smoking status at time of delivery",
        "Area Code": code,
        "Time period": period,
        "Value": extra.pop("value", "12.0"),
        "Count": count,
        "Denominator": denominator,
        **extra,
    }
    return [values.get(name, "") for name in HEADER]


def test_periods_as_fingertips_writes_them():
    assert parse_time_period("2024/25") == (date(2024, 4, 1), date(2025, 3, 31))
    assert parse_time_period("2023") == (date(2023, 1, 1), date(2023, 12, 31))
    assert parse_time_period("2021 - 23") == (date(2021, 1, 1), date(2023, 12, 31))
    assert parse_time_period("2020/21 - 22/23") == (date(2020, 4, 1), date(2023, 3, 31))
    assert parse_time_period("2024/25 Q2") == (date(2024, 7, 1), date(2024, 9, 30))
    assert parse_time_period("2024/25 Q4") == (date(2025, 1, 1), date(2025, 3, 31))
    assert parse_time_period("last year") is None


def test_the_import_keeps_the_councils_rows_and_reports_bad_ones(authority, deprived, affluent):
    authority.code = "E06000099"
    authority.save()
    rows = [
        HEADER,
        row(code="W1", count="12", denominator="100"),
        row(code="W2", count="3", denominator="150"),
        row(code="E06000099", count="15", denominator="250"),
        row(code="E92000001", count="9000", denominator="100000"),  # England: left out
        row(code="W1", **{"Category Type": "Ethnic groups", "Category": "White"}),  # breakdown
        row(code="W1", indicator="90999"),  # not one we show
        row(code="W2", period="sometime"),
        row(code="W1", period="2023/24", count="lots"),
        row(code="W2", period="2023/24", count="200", denominator="100"),
    ]
    report = import_rows(rows, authority=authority, source="smoking.csv")
    assert report.saved == 3
    assert report.left_out == 2
    assert [(r, column) for r, column, _m in report.problems] == [
        (7, "Indicator ID"),
        (8, "Time period"),
        (9, "Count"),
        (10, "Count"),
    ]
    assert "'lots' is not a number" in report.problems[2][2]
    assert AreaFigure.objects.count() == 3
    # The same file again replaces, never doubles.
    import_rows(rows, authority=authority, source="smoking.csv")
    assert AreaFigure.objects.count() == 3


def test_the_indicator_uses_the_wards_and_never_adds_the_council_row(authority, deprived, affluent):
    authority.code = "E06000099"
    authority.save()
    import_rows(
        [
            HEADER,
            row(code="W1", count="12", denominator="100"),
            row(code="W2", count="3", denominator="150"),
            row(code="E06000099", count="15", denominator="250"),
            row(code="W1", period="2023", count="5", denominator="50", indicator="20401"),
        ],
        authority=authority,
        source="f.csv",
    )
    smoking = registry.get("smoking_at_delivery")
    cells = smoking.compute(authority.pk, date(2024, 4, 1), date(2025, 3, 31))
    assert totals(cells) == (15, 250)
    assert by_area(cells, deprived) == (12, 100)
    assert smoking.rate(15, 250) == pytest.approx(6.0)
    # A calendar year counts in the financial year it ends in: 2023 in 2023/24.
    conceptions = registry.get("under_18_conceptions")
    assert totals(conceptions.compute(authority.pk, date(2023, 4, 1), date(2024, 3, 31))) == (5, 50)
    assert conceptions.rate(5, 50) == pytest.approx(100.0)  # per 1,000
    # Only the council's row: it is used.
    AreaFigure.objects.filter(area__isnull=False, fingertips_id=93085).delete()
    assert totals(smoking.compute(authority.pk, date(2024, 4, 1), date(2025, 3, 31))) == (15, 250)


def test_a_file_without_the_columns_says_which(authority):
    report = import_rows([["Indicator ID", "Area Code"]], authority=authority, source="f.csv")
    assert report.problems == [(1, "header", "Columns missing: Time period, Count, Denominator")]


def test_the_command_reads_a_csv_file(authority, deprived, tmp_path, capsys):
    path = tmp_path / "fingertips.csv"
    path.write_text(
        ",".join(HEADER) + "\n" + ",".join(row()) + "\n" + ",".join(row(period="x")) + "\n"
    )
    call_command("import_area_figures", str(path))
    out = capsys.readouterr().out
    assert "row 3, Time period:" in out and "1 figures saved" in out


def test_every_shipped_framework_area_has_an_indicator_and_proxies_say_so():
    ensure_shipped_frameworks()
    known = registry.all_registered()
    empty = [
        f"{area.framework.slug}: {area.name}"
        for area in OutcomeArea.objects.select_related("framework")
        if not [link for link in area.links.all() if link.indicator_key in known]
    ]
    assert empty == []
    gld = IndicatorLink.objects.get(
        area__framework__slug="unitary-shared-outcomes",
        area__name__startswith="Good level",
        indicator_key="two_year_by_2_5_years",
    )
    assert "proxy" not in gld.proxy_note.lower() and "Good Level of Development" in gld.proxy_note
    first = gld.area.links.order_by("order", "indicator_key").first()
    assert first.indicator_key == "eyfsp_good_level_of_development"
    assert {key for key in known if key.startswith(NEED_INDICATOR_PREFIX)} == {
        f"{NEED_INDICATOR_PREFIX}{need}"
        for need in [
            "education",
            "early_years",
            "health",
            "substance_use",
            "family_relationships",
            "child_safety",
            "crime",
            "domestic_abuse",
            "housing",
            "financial",
        ]
    }
