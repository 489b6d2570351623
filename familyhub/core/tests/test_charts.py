"""Server-drawn charts read at a glance: axes with ticks and units, periods with their year, a
legend when there is more than one series or a convention, the target as a labelled dashed line,
confidence intervals as whiskers, a text alternative, and every text escaped."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from familyhub.core import charts

SVG = "{http://www.w3.org/2000/svg}"
QUARTERS = [f"{year}/{str(year + 1)[-2:]}\nQ{q}" for year in (2024, 2025) for q in (1, 2, 3, 4)]
PERCENT = charts.number(1, suffix="%")


def _texts(svg: str) -> list[str]:
    root = ElementTree.fromstring(svg)  # also proves the SVG is well-formed
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def _trend(**overrides) -> str:
    rates = [61, 64, 70, 68, None, 75, 79, 83]
    values = [
        charts.Value(None)
        if r is None
        else charts.Value(r, r - 8, r + 7, hollow=i == len(rates) - 1)
        for i, r in enumerate(rates)
    ]
    arguments = {
        "title": "New birth visits within 14 days: the last 8 quarters",
        "description": "From 2024/25 Q1 to 2025/26 Q4.",
        "y_label": "Per cent (%)",
        "x_label": "Financial year and quarter (Q1 is April to June)",
        "target": 90.0,
        "fmt": PERCENT,
        "hollow_means": "Hollow marker: provisional",
        **overrides,
    }
    return str(
        charts.line_chart(
            QUARTERS, [charts.Series("New birth visits within 14 days", values)], **arguments
        )
    )


def test_a_trend_has_a_text_alternative_and_scales_with_its_column():
    svg = _trend()
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img" and root.get("viewBox", "").startswith("0 0 400 ")
    assert root.get("width") == "100%" and "style=" not in svg  # the CSP forbids inline styles
    title_id, desc_id = root.get("aria-labelledby", "").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == "New birth visits within 14 days: the last 8 quarters"
    assert root.find(f"{SVG}desc").get("id") == desc_id
    # Font sizes are in the chart's own units (root) or relative to them, never pixels.
    sizes = re.findall(r'font-size="([^"]+)"', svg)
    assert sizes[0] == str(charts.FONT) and all(s.endswith("em") for s in sizes[1:])


def test_a_trend_has_a_labelled_y_axis_with_ticks():
    labels = _texts(_trend())
    assert "Per cent (%)" in labels
    for tick in ("0", "20", "40", "60", "80", "100"):
        assert tick in labels


def test_every_quarter_on_a_trend_carries_its_financial_year():
    labels = _texts(_trend())
    assert labels.count("Q1") == 2 and labels.count("Q4") == 2  # a tick for each quarter
    assert labels.count("2024/25") == 1 and labels.count("2025/26") == 1  # each year under its run
    assert "Financial year and quarter (Q1 is April to June)" in labels


def test_a_trend_shows_the_target_as_a_labelled_dashed_line():
    svg = _trend()
    assert re.search(r'class="fh-chart__target"[^>]*stroke-dasharray="6 4"', svg)
    assert "Target90.0%" in _texts(svg)  # "Target" over "90.0%", beside the line's end


def test_a_trend_draws_whiskers_markers_values_and_a_gap():
    svg = _trend()
    assert svg.count('class="fh-chart__interval"') == 7 + 1  # 7 figures and the legend's key
    assert svg.count("<circle") == 7 + 2  # a marker per figure; two in the legend
    assert svg.count('fill="#ffffff" stroke="#1d70b8"') == 2  # the provisional one, and its key
    assert "61.0%" in _texts(svg) and "83.0%" in _texts(svg)
    assert svg.count("<polyline") == 2  # broken at the missing quarter


def test_a_trend_legend_explains_each_convention():
    labels = _texts(_trend())
    for entry in (
        "New birth visits within 14 days",
        "Hollow marker: provisional",
        "Whiskers: 95% confidence interval",
        "Target: 90.0%",
    ):
        assert entry in labels


def test_one_plain_series_needs_no_legend():
    svg = str(
        charts.line_chart(
            ["2024/25", "2025/26"],
            [charts.Series("Sessions", [charts.Value(3), charts.Value(5)])],
            title="Sessions",
            y_label="Sessions a week",
            x_label="Financial year (April to March)",
        )
    )
    assert "fh-chart__legend" not in svg
    assert "2024/25" in _texts(svg) and "2025/26" in _texts(svg)


def test_series_differ_by_marker_and_dash_as_well_as_colour():
    svg = str(
        charts.line_chart(
            QUARTERS[:3],
            [
                charts.Series("Central", [charts.Value(v) for v in (1, 2, 3)]),
                charts.Series("East", [charts.Value(v) for v in (2, 2, 1)]),
            ],
            title="Two",
            y_label="Sessions a week",
            x_label="Quarter",
        )
    )
    assert "fh-chart__legend" in svg
    assert "Central" in _texts(svg) and "East" in _texts(svg)
    assert '<polyline points="' in svg and 'stroke-dasharray="6 3"' in svg  # the second, dashed
    assert "<circle" in svg and "<rect" in svg  # circles for the first, squares for the second


def test_bars_have_a_value_axis_names_figures_and_the_target():
    svg = str(
        charts.bar_chart(
            ["<b>Low Street</b> (decile 1)", "High Park (decile 10)", "Quiet (decile 5)"],
            [
                charts.Series(
                    "Visits",
                    [
                        charts.Value(33.3, 12.1, 64.6, hollow=True),
                        charts.Value(100.0),
                        charts.Value(None),
                    ],
                )
            ],
            title="By ward",
            x_label="Per cent (%)",
            target=95.0,
            fmt=PERCENT,
            hollow_means="Hollow bar: a count under 5",
            maximum=100,
        )
    )
    labels = _texts(svg)
    assert "<b>" not in svg and "&lt;b&gt;Low Street&lt;/b&gt; (decile 1)" in svg
    assert "Per cent (%)" in labels and "0" in labels and "100" in labels
    assert "33.3%" in labels and "100.0%" in labels and "no data" in labels
    assert "Target 95.0%" in labels and 'class="fh-chart__target"' in svg
    assert svg.count('class="fh-chart__interval"') == 2  # the ward's interval and its key
    assert "Hollow bar: a count under 5" in labels and "Target: 95.0%" in labels


def test_bars_of_two_series_are_told_apart_by_pattern():
    svg = str(
        charts.bar_chart(
            ["Grays Hub"],
            [
                charts.Series("2025/26", [charts.Value(80)]),
                charts.Series("2026/27", [charts.Value(72)]),
            ],
            title="Fill rate",
            x_label="Places booked (%)",
        )
    )
    assert "<pattern" in svg and 'fill="url(#' in svg
    assert "2025/26" in _texts(svg) and "2026/27" in _texts(svg)


def test_ticks_are_round_numbers_from_zero_past_the_top():
    assert charts.ticks(83) == [0, 20, 40, 60, 80, 100]
    assert charts.ticks(12) == [0, 2.5, 5, 7.5, 10, 12.5]
    assert charts.ticks(123_456)[-1] == 125_000
    assert charts.ticks(0) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
