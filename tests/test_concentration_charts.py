"""The concentration trend and the target bars (pages/concentration_charts.py).
Inputs are hand-built dataclasses."""

import pytest

from analytics.over_time import ConcentrationPoint
from analytics.targets import TargetPlan
from pages.chart_theme import chart_theme
from pages.diversification_charts import (
    EFFECTIVE_TRACE,
    TARGET_HEIGHT,
    TARGET_LABEL,
    TODAY_LABEL,
    TOP1_TRACE,
    TOP3_TRACE,
    TREND_TITLE,
    concentration_trend_chart,
    target_chart,
)
from chart_helpers import EVIL, EVIL_ESCAPED, _empty_note, _month, _no_raw_html, _title


# --- concentration trend ------------------------------------------------------------------------


def _trend_points() -> list[ConcentrationPoint]:
    return [
        ConcentrationPoint(_month(1), 1000.0, 0.6, 0.9, 0.4, 2.5, 4),
        ConcentrationPoint(_month(0), 900.0, 0.55, 0.85, 0.35, 2.0, 3),  # out of order on purpose
        ConcentrationPoint(_month(2), 1200.0, 0.4, 0.8, 0.25, 4.0, 1),
    ]


def test_trend_lines_on_a_percent_axis_and_effective_clients_on_the_second_axis():
    figure = concentration_trend_chart(_trend_points(), "EUR")
    assert _title(figure) == TREND_TITLE
    assert [t.name for t in figure.data] == [TOP1_TRACE, TOP3_TRACE, EFFECTIVE_TRACE]
    assert [t.type for t in figure.data] == ["scatter"] * 3
    top1, top3, effective = figure.data
    assert [str(x) for x in top1.x] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert list(top1.y) == pytest.approx([55.0, 60.0, 40.0])
    assert list(top3.y) == pytest.approx([85.0, 90.0, 80.0])
    assert list(effective.y) == [2.0, 2.5, 4.0]
    assert effective.yaxis == "y2" and top1.yaxis in (None, "y")
    assert list(figure.layout.yaxis.range) == [0, 100]
    assert figure.layout.yaxis2.overlaying == "y"
    assert figure.layout.yaxis.title.text == "Share of revenue"
    assert figure.layout.yaxis2.title.text == EFFECTIVE_TRACE
    assert figure.layout.xaxis.title.text
    assert top1.hovertext[0] == f"{TOP1_TRACE}: 55.0%"
    assert "€1,200.00" in effective.hovertext[2] and "1 active client" in effective.hovertext[2]


def test_trend_hover_says_when_the_window_is_partial():
    points = [ConcentrationPoint(_month(0), 100.0, 1.0, 1.0, 1.0, 1.0, 1, months_covered=3),
              ConcentrationPoint(_month(1), 100.0, 1.0, 1.0, 1.0, 1.0, 1)]
    effective = concentration_trend_chart(points).data[2]
    assert "only 3 of the 12 months have data" in effective.hovertext[0]
    assert "months have data" not in effective.hovertext[1]


def test_trend_shows_the_risk_bands_and_threshold_lines():
    for figure in (concentration_trend_chart(_trend_points()), concentration_trend_chart([])):
        bands = {s.name: (s.y0, s.y1) for s in figure.layout.shapes if s.name.endswith(" band")}
        assert bands == {
            "Low band": (0, 10), "Moderate band": (10, 25), "High band": (25, 50), "Critical band": (50, 100)
        }
        lines = {s.name: s.y0 for s in figure.layout.shapes if s.name.endswith("% line")}
        assert lines == {"10% line": 10, "25% line": 25, "50% line": 50}
        labels = {a.name for a in figure.layout.annotations}
        assert {"Low band label", "Moderate band label", "High band label", "Critical band label"} <= labels
        assert all(s.layer == "below" for s in figure.layout.shapes)
        assert {10, 25, 50} <= set(figure.layout.yaxis.tickvals)


def test_trend_empty():
    figure = concentration_trend_chart([])
    assert not figure.data and _empty_note(figure)
    assert _title(figure) == TREND_TITLE


# --- target -------------------------------------------------------------------------------------


def _plan(kind: str = "top_share", target: float = 0.25, current: float = 0.4, reached: bool = False,
          extra: float = 2500.0, new_clients: int = 3) -> TargetPlan:
    return TargetPlan(kind, target, current, reached, extra, new_clients, 900.0, 10000.0, "message")


def test_target_top_share_bars_and_note():
    figure = target_chart(_plan(), "EUR")
    assert _title(figure) == "Top client share: today vs target"
    assert figure.layout.height == TARGET_HEIGHT
    (trace,) = figure.data
    assert trace.type == "bar" and trace.orientation == "h"
    assert list(trace.y) == [TARGET_LABEL, TODAY_LABEL]
    assert list(trace.x) == pytest.approx([25.0, 40.0])
    assert list(trace.text) == ["25.0%", "40.0%"]
    assert list(figure.layout.xaxis.range) == [0, 100]
    assert figure.layout.xaxis.ticksuffix == "%"
    assert list(figure.layout.yaxis.categoryarray) == [TARGET_LABEL, TODAY_LABEL]  # Today on top
    (note,) = [a for a in figure.layout.annotations if a.name == "target note"]
    assert note.text == "Needs +€2.5k per month from other clients ≈ 3 new clients of €900/month"
    assert figure.layout.xaxis.title.text


def test_target_effective_clients_and_reached():
    figure = target_chart(_plan("effective_clients", 5.0, 6.2, True, 0.0, 0), "EUR")
    assert _title(figure) == "Effective clients: today vs target"
    (trace,) = figure.data
    assert list(trace.x) == [5.0, 6.2]
    assert list(trace.text) == ["5.0", "6.2"]
    assert figure.layout.xaxis.range[1] > 6.2
    assert figure.layout.xaxis.title.text == EFFECTIVE_TRACE
    (note,) = [a for a in figure.layout.annotations if a.name == "target note"]
    assert note.text == "Target already met today"
    assert trace.marker.color[1] == chart_theme().primary


def test_target_out_of_reach_and_top_client_in_the_hover():
    plan = TargetPlan("top_share", 0.01, 0.9, False, 1e9, 0, 10.0, 100.0, "message", reachable=False,
                      top_client=EVIL)
    figure = target_chart(plan, "EUR")
    (note,) = [a for a in figure.layout.annotations if a.name == "target note"]
    assert note.text == "Out of reach with new clients of today's median size (€10/month) alone"
    assert figure.data[0].hovertext[1] == f"{TODAY_LABEL}: 90.0% ({EVIL_ESCAPED})"
    _no_raw_html(figure)


def test_target_note_escapes_the_currency_and_rejects_unknown_kinds():
    figure = target_chart(_plan(), "<b>")
    (note,) = [a for a in figure.layout.annotations if a.name == "target note"]
    assert "&lt;B&gt;" in note.text and "<B>" not in note.text
    with pytest.raises(ValueError):
        target_chart(_plan("bogus"), "EUR")


def test_target_empty():
    figure = target_chart(None, "EUR")
    assert not figure.data and _empty_note(figure)
    assert figure.layout.height == TARGET_HEIGHT
