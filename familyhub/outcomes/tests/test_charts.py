"""The outcomes charts: an indicator's trend (financial quarters with their year, the current
quarter provisional, Wilson intervals, the target) and its figures by ward (deciles kept, small
counts hollow, names escaped)."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree

from familyhub.core import indicators as registry
from familyhub.outcomes import charts, stats
from familyhub.outcomes.selectors import AreaRow, IndicatorSummary, Point

INDICATOR = registry.Indicator(
    key="visits",
    title="New birth visits within 14 days",
    compute=lambda authority, start, end: [],
    target=90.0,
)


def _words(svg: str) -> str:
    """The chart's words as a reader sees them (a wrapped legend line rejoined)."""
    root = ElementTree.fromstring(svg)
    return " ".join(" ".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))


def _summary() -> IndicatorSummary:
    starts = [date(2025, 1, 1), date(2025, 4, 1), date(2025, 7, 1)]
    counts = [(5, 10), (0, 0), (15, 20)]
    trend = [
        Point(start, registry.period_of(start, "quarter").label, n, d, INDICATOR.rate(n, d))
        for start, (n, d) in zip(starts, counts, strict=True)
    ]
    return IndicatorSummary(INDICATOR, 60.0, trend)


def test_trend_names_its_quarters_with_their_financial_years():
    svg = str(charts.trend_svg(_summary(), today=date(2025, 8, 1)))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "New birth visits within 14 days: the last 3 quarters</title>" in svg
    assert ">Q4<" in svg and ">Q1<" in svg and ">Q2<" in svg
    assert ">2024/25<" in svg and ">2025/26<" in svg
    assert "Financial year and quarter (Q1 is April to June)" in svg
    assert ">Per cent (%)<" in svg


def test_trend_marks_the_unfinished_quarter_provisional_with_intervals_and_target():
    svg = str(charts.trend_svg(_summary(), today=date(2025, 8, 1)))
    assert ">50.0%<" in svg and ">75.0%<" in svg  # a figure over each marker; none for the gap
    assert svg.count('class="fh-chart__interval"') == 2 + 1  # two quarters' intervals, and a key
    assert "Hollow marker: the quarter is not over, so its figure is provisional" in _words(svg)
    assert 'class="fh-chart__target"' in svg and "Target: 60.0%" in svg
    rows = charts.trend_rows(_summary(), today=date(2025, 8, 1))
    assert [r.provisional for r in rows] == [False, False, True]
    expected = stats.wilson(15, 20)
    assert expected is not None
    assert rows[2].interval_text == f"{100 * expected.lower:.1f} to {100 * expected.upper:.1f}"
    assert rows[1].interval is None and rows[1].interval_text == "-"


def test_no_figures_no_trend_chart():
    assert charts.trend_svg(IndicatorSummary(INDICATOR, None, [])) == ""


def _row(name: str, decile: int | None, n: int, d: int) -> AreaRow:
    return AreaRow(
        "1", "W1", name, "Central", decile, n, d, INDICATOR.rate(n, d), stats.wilson(n, d)
    )


def test_ward_bars_keep_the_decile_escape_names_and_mark_small_counts():
    svg = str(
        charts.areas_svg(
            INDICATOR,
            [
                _row("<b>A very long ward name that goes on and on</b>", 1, 40, 100),
                _row("Tiny", 9, 2, 3),
                _row("Nobody", 5, 0, 0),
            ],
            target=60.0,
            period="2025/26 Q1",
        )
    )
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert "(decile 1)" in svg and "(decile 9)" in svg and "Nobody" not in svg
    assert ">40.0%<" in svg and ">66.7%<" in svg
    assert "Hollow bar: a count under 5, which published tables hide" in _words(svg)
    assert svg.count('fill="#ffffff" stroke="#1d70b8" stroke-width="2"') == 2  # Tiny, and the key
    assert "by ward, 2025/26 Q1, most deprived first</title>" in svg
    assert 'class="fh-chart__target"' in svg and ">Target 60.0%<" in svg


def test_no_ward_with_figures_no_ward_chart():
    assert charts.areas_svg(INDICATOR, [_row("Nobody", 5, 0, 0)], target=None, period="") == ""
