"""Server-drawn charts: text alternatives, value labels, markers and escaped names."""

from __future__ import annotations

from familyhub.outcomes import charts


def test_trend_has_title_markers_labels_and_target():
    svg = str(
        charts.trend_svg(
            [("2025/26 Q1", 50.0), ("2025/26 Q2", None), ("2025/26 Q3", 75.0)],
            target=60,
            title="Visits",
        )
    )
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title>Visits</title>" in svg
    assert svg.count("<rect") == 2  # a square marker for each value, none for the gap
    assert ">50.0<" in svg and ">75.0<" in svg and "Target 60.0" in svg
    assert 'stroke-dasharray="6 4"' in svg  # the target is a dashed line, not a colour


def test_bars_escape_names_and_keep_the_decile():
    svg = str(
        charts.bar_svg(
            [
                ("<b>A very long ward name that goes on and on</b>", 40.0, "decile 1"),
                ("Quiet", None, "decile 9"),
            ],
            title="By ward",
        )
    )
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert "(decile 1)" in svg and "no data" in svg and ">40.0<" in svg
