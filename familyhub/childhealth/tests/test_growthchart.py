"""The growth chart: the red book's nine UK-WHO lines from rcpchgrowth, labelled axes, a legend,
the child's points joined, and an SVG that scales to its container."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from rcpchgrowth import measurement_from_sds

from familyhub.childhealth.centiles import CENTILE_LINES, LINE_SDS
from familyhub.childhealth.growthchart import (
    Point,
    centile_lines,
    growth_chart_svg,
    window_for,
)

BORN = date(2026, 1, 5)


def _baby_points() -> list[Point]:
    return [
        Point(
            age_years=days / 365.25, value=weight, measured_on=BORN + timedelta(days=days), words=""
        )
        for days, weight in ((12, 3.4), (42, 4.6), (112, 6.3))
    ]


def _chart(**overrides) -> str:
    arguments = {
        "kind": "weight",
        "sex": "F",
        "points": _baby_points(),
        "axis_label": "Weight (kg)",
        "unit": "kg",
        "title": "Weight for age, UK-WHO chart for girls, 0 to 1 year",
        "child_name": "Amara Okafor",
    }
    arguments.update(overrides)
    return str(growth_chart_svg(**arguments))


def test_chart_has_labelled_axes_a_legend_and_the_nine_red_book_lines():
    svg = _chart()
    assert svg.startswith('<svg class="fh-chart fh-growth-chart" viewBox="0 0 ')
    assert ">Age in weeks</text>" in svg
    assert ">Weight (kg)</text>" in svg
    assert "UK-WHO centiles for girls, 0.4th to 99.6th" in svg
    assert "Amara Okafor's measurements" in svg
    # The nine lines (each a run from 2 weeks to a year), the 50th named at its end.
    assert svg.count('stroke="#d53880" stroke-width="1"/>') == 8
    assert svg.count('stroke="#d53880" stroke-width="2"/>') >= 1
    assert ">50th</text>" in svg and ">99.6th</text>" in svg and ">0.4th</text>" in svg
    # Week ticks 0 to 52.
    for week in ("0", "4", "24", "52"):
        assert f">{week}</text>" in svg


def test_chart_joins_the_childs_points_with_their_dates_and_centiles():
    points = [
        Point(p.age_years, p.value, p.measured_on, "on the 50th centile") for p in _baby_points()
    ]
    svg = _chart(points=points)
    assert svg.count("<circle") == 3 + 1  # three points and the legend's marker
    assert "17 January 2026: 3.4 kg, on the 50th centile" in svg
    joined = re.findall(r'<polyline points="([^"]+)" fill="none" stroke="#0b0c0c"', svg)
    assert len(joined) == 1
    assert len(joined[0].split()) == 3


def test_chart_scales_to_its_container_instead_of_having_a_fixed_width():
    svg = _chart()
    opening = svg[: svg.index(">")]
    assert 'width="100%"' in opening and "height=" not in opening


def test_boys_charts_are_blue_and_text_is_escaped():
    svg = _chart(sex="M", child_name="<b>Ben</b>")
    assert 'stroke="#1d70b8"' in svg and "#d53880" not in svg
    assert "<b>Ben</b>" not in svg and "&lt;b&gt;Ben&lt;/b&gt;" in svg


def test_lines_are_rcpchgrowths_centiles():
    lines = centile_lines("weight", "F", 0.0, 1.0)
    assert len(lines) == len(CENTILE_LINES) == 9
    for line, z in zip(lines, LINE_SDS, strict=True):
        age, value = line[0][len(line[0]) // 2]
        assert value == pytest.approx(
            measurement_from_sds("uk-who", z, "weight", "female", age), abs=1e-3
        )


def test_length_gives_way_to_height_at_two_years_as_separate_lines():
    lines = centile_lines("height", "M", 1.0, 4.0)
    runs = lines[4]  # the 50th
    assert len(runs) == 2
    assert runs[0][-1][0] < 2.0 <= runs[1][0][0]


@pytest.mark.parametrize(
    "ages,expected",
    [
        ([0.03, 0.5], ("0 to 1 year", "weeks", 0.0, 1.0)),
        ([0.5, 2.5], ("0 to 4 years", "years", 0.0, 4.0)),
        ([1.5, 3.9], ("1 to 4 years", "years", 1.0, 4.0)),
        ([4.6, 10.8], ("2 to 18 years", "years", 2.0, 18.0)),
        ([0.1, 10.8], ("0 to 18 years", "years", 0.0, 18.0)),
        ([15.0, 19.2], ("2 to 20 years", "years", 2.0, 20.0)),
    ],
)
def test_window_is_the_red_book_chart_that_holds_every_point(ages, expected):
    window = window_for(ages)
    assert (window.title, window.unit, window.start, window.end) == expected


def test_preterm_baby_before_term_gets_weeks_before_zero():
    window = window_for([-6 * 7 / 365.25, 0.2])
    assert window.start < 0 and window.unit == "weeks"
    svg = _chart(
        points=[
            Point(-6 * 7 / 365.25, 1.9, BORN, ""),
            Point(0.2, 4.5, BORN + timedelta(days=120), ""),
        ],
        corrected=True,
    )
    assert "Age in weeks (corrected for prematurity)" in svg
    assert ">-8</text>" in svg
