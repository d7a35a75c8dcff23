"""The diversification page's figures: treemap, stacked areas, concentration trend, new vs
returning and tenure bars, cohort heatmap and the target bars. Inputs are hand-built dataclasses."""

from datetime import date

import plotly.graph_objects as go
import pytest

from analytics.client_mix import CohortCell, NewReturningPoint, TenurePoint
from analytics.over_time import ConcentrationPoint, PeriodRevenue
from analytics.targets import TargetPlan
from pages.chart_theme import CHART_HEIGHT, chart_theme
from pages.diversification_charts import (
    COHORT_TITLE,
    EFFECTIVE_TRACE,
    FIRST_YEAR_TRACE,
    MAX_AREA_SERIES,
    NEW_RETURNING_TITLE,
    NEW_TRACE,
    ONE_TO_TWO_TRACE,
    RETENTION_CAP,
    RETURNING_TRACE,
    STACKED_QUARTERLY_TITLE,
    STACKED_TITLE,
    TARGET_HEIGHT,
    TARGET_LABEL,
    TENURE_TITLE,
    TODAY_LABEL,
    TOP1_TRACE,
    TOP3_TRACE,
    TREEMAP_TITLE,
    TREND_TITLE,
    TWO_PLUS_TRACE,
    UNCATEGORISED,
    cohort_heatmap,
    concentration_trend_chart,
    new_returning_chart,
    quarter_name,
    stacked_area_chart,
    target_chart,
    tenure_chart,
    treemap_chart,
)

EVIL = "<b>Bold</b> & <script>x</script>"
EVIL_ESCAPED = "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;"


def _empty_note(figure: go.Figure) -> bool:
    return any(a.name == "empty note" for a in figure.layout.annotations)


def _title(figure: go.Figure) -> str:
    return figure.layout.title.text


def _no_raw_html(figure: go.Figure) -> None:
    """No trace carries the raw tags of EVIL anywhere (names, labels, hovers, axis labels)."""
    dumped = figure.to_json()
    assert "<script>" not in dumped and "<b>Bold" not in dumped


def _month(i: int) -> date:
    return date(2026 + i // 12, i % 12 + 1, 1)


# --- treemap ------------------------------------------------------------------------------------


def _by_label(trace: go.Treemap) -> dict[str, int]:
    return {label: i for i, label in enumerate(trace.labels)}


def test_treemap_without_categories_is_flat_with_names_and_shares():
    figure = treemap_chart([("Acme", None, 600.0, 0.6), ("Beta", None, 400.0, 0.4)], "EUR")
    assert _title(figure) == TREEMAP_TITLE
    assert figure.layout.height == CHART_HEIGHT
    (trace,) = figure.data
    assert trace.type == "treemap"
    assert list(trace.labels) == ["Acme", "Beta"]
    assert list(trace.parents) == ["", ""]
    assert list(trace.values) == [600.0, 400.0]
    assert list(trace.text) == ["60.0%", "40.0%"]
    assert trace.textinfo == "label+text"
    assert trace.branchvalues == "total"
    assert "€600.00" in trace.hovertext[0] and "60.0% of total" in trace.hovertext[0]
    assert "of its category" not in trace.hovertext[0]
    assert not _empty_note(figure)


def test_treemap_groups_clients_under_categories_and_sums_them():
    clients = [
        ("Acme", "Design", 500.0, 0.5),
        ("Beta", "Dev", 300.0, 0.3),
        ("Gamma", "Design", 100.0, 0.1),
        ("Delta", None, 100.0, 0.1),
    ]
    (trace,) = treemap_chart(clients, "EUR").data
    at = _by_label(trace)
    design, dev, other = at["Design · 60.0%"], at["Dev · 30.0%"], at[f"{UNCATEGORISED} · 10.0%"]
    ids = list(trace.ids)
    assert [trace.parents[i] for i in (design, dev, other)] == ["", "", ""]
    assert trace.parents[at["Acme"]] == ids[design]
    assert trace.parents[at["Gamma"]] == ids[design]
    assert trace.parents[at["Beta"]] == ids[dev]
    assert trace.parents[at["Delta"]] == ids[other]
    for parent in (design, dev, other):
        children = [trace.values[i] for i, p in enumerate(trace.parents) if p == ids[parent]]
        assert trace.values[parent] == pytest.approx(sum(children))
    assert trace.values[design] == 600.0
    assert len(set(ids)) == len(ids)
    # the hover of a client in a category gives its share of the total and of the category
    acme_hover = trace.hovertext[at["Acme"]]
    assert "50.0% of total" in acme_hover and "83.3% of its category" in acme_hover
    assert trace.marker.colors[other] == chart_theme().neutral


def test_treemap_ids_stay_unique_when_a_client_is_named_like_a_category():
    (trace,) = treemap_chart([("Design", "Design", 5.0, 0.5), ("Design", None, 5.0, 0.5)], None).data
    assert len(set(trace.ids)) == len(trace.ids) == 4


def test_treemap_collapses_the_smallest_clients_per_category_into_other():
    # 6 clients, at most 3 kept: the 3 smallest (2 in A, 1 in B) become "Other" tiles per category;
    # B's single leftover client is shown as itself.
    clients = [
        ("a1", "A", 60.0, 0.3), ("b1", "B", 50.0, 0.25), ("a2", "A", 40.0, 0.2),
        ("a3", "A", 20.0, 0.1), ("b2", "B", 18.0, 0.09), ("a4", "A", 12.0, 0.06),
    ]
    (trace,) = treemap_chart(clients, "EUR", max_clients=3).data
    at = _by_label(trace)
    assert "Other (2 clients)" in at and "b2" in at
    assert "a3" not in at and "a4" not in at
    other = at["Other (2 clients)"]
    assert trace.values[other] == pytest.approx(32.0)
    assert trace.text[other] == "16.0%"
    category_a = [i for i, label in enumerate(trace.labels) if label.startswith("A · ")][0]
    assert trace.parents[other] == trace.ids[category_a]
    assert trace.values[category_a] == pytest.approx(132.0)
    assert trace.marker.colors[other] != trace.marker.colors[at["a1"]]


def test_treemap_collapse_at_the_default_limit_keeps_the_tile_count_small():
    clients = [(f"c{i}", None, float(1000 - i), 0.001) for i in range(500)]
    (trace,) = treemap_chart(clients, "EUR").data
    assert len(trace.labels) == 201
    assert trace.labels[-1] == "Other (300 clients)"
    assert trace.values[-1] == pytest.approx(sum(float(1000 - i) for i in range(200, 500)))


def test_treemap_leaves_out_clients_without_positive_revenue():
    (trace,) = treemap_chart([("Acme", None, 10.0, 1.0), ("Refund", None, -5.0, 0.0), ("Zero", None, 0.0, 0.0)],
                             None).data
    assert list(trace.labels) == ["Acme"]


def test_treemap_escapes_client_and_category_names():
    figure = treemap_chart([(EVIL, EVIL, 10.0, 1.0)], "EUR")
    (trace,) = figure.data
    assert EVIL_ESCAPED in trace.labels
    assert f"{EVIL_ESCAPED} · 100.0%" in trace.labels
    _no_raw_html(figure)


def test_treemap_empty():
    for clients in ([], [("Refund", None, -5.0, 0.0)]):
        figure = treemap_chart(clients, "EUR")
        assert not figure.data
        assert _empty_note(figure)
        assert _title(figure) == TREEMAP_TITLE


# --- stacked area -------------------------------------------------------------------------------


_AREA = [
    PeriodRevenue(date(2026, 1, 1), "Acme", 500.0),
    PeriodRevenue(date(2026, 1, 1), "Other (3 clients)", 100.0, other_clients=3),
    PeriodRevenue(date(2026, 1, 1), "Beta", 300.0),
    PeriodRevenue(date(2026, 3, 1), "Acme", 400.0),  # February has no revenue at all
    PeriodRevenue(date(2026, 3, 1), "Beta", 100.0),
]


def test_stacked_area_one_trace_per_client_in_the_given_order_other_last_and_grey():
    figure = stacked_area_chart(_AREA, "EUR")
    assert _title(figure) == STACKED_TITLE
    assert [t.type for t in figure.data] == ["scatter"] * 3
    assert [t.name for t in figure.data] == ["Acme", "Beta", "Other (3 clients)"]
    assert {t.stackgroup for t in figure.data} == {"revenue"}
    assert figure.data[2].line.color == chart_theme().neutral
    assert figure.data[0].line.color == chart_theme().primary
    assert figure.data[0].line.color != figure.data[1].line.color
    # three months, the empty one as zeros
    assert [str(x) for x in figure.data[0].x] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert list(figure.data[0].y) == [500.0, 0.0, 400.0]
    assert list(figure.data[2].y) == [100.0, 0.0, 0.0]
    assert figure.layout.yaxis.title.text == "Revenue per month (€)"
    assert figure.layout.xaxis.title.text == "Month"
    assert figure.layout.hovermode == "x unified"
    assert figure.layout.xaxis.hoverformat == "%b %Y"
    assert figure.layout.xaxis.tickformat == "%b %Y"
    assert not figure.data[0].groupnorm


def test_stacked_area_hover_shows_money_and_share_of_the_month():
    figure = stacked_area_chart(_AREA, "EUR")
    assert figure.data[0].hovertext[0] == "Acme: €500.00 (55.6%)"
    assert figure.data[0].hovertext[1] == "Acme: €0.00"
    assert figure.data[1].hovertext[2] == "Beta: €100.00 (20.0%)"
    assert figure.data[0].hovertemplate == "%{hovertext}<extra></extra>"


def test_stacked_area_percent_mode_normalises_the_stack():
    figure = stacked_area_chart(_AREA, "EUR", as_percent=True)
    assert _title(figure) == STACKED_TITLE + " — share"
    assert {t.groupnorm for t in figure.data} == {"percent"}
    assert list(figure.layout.yaxis.range) == [0, 100]
    assert figure.layout.yaxis.ticksuffix == "%"
    assert figure.layout.yaxis.title.text == "Share of monthly revenue"


def test_stacked_area_detects_quarters_and_labels_them():
    points = [PeriodRevenue(date(2026, m, 1), "Acme", 10.0 * m) for m in (1, 4, 10)]
    figure = stacked_area_chart(points, "USD")
    assert _title(figure) == STACKED_QUARTERLY_TITLE
    assert list(figure.data[0].x) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert list(figure.data[0].y) == [10.0, 40.0, 0.0, 100.0]
    assert figure.layout.yaxis.title.text == "Revenue per quarter ($)"
    assert figure.layout.xaxis.title.text == "Quarter"


def test_stacked_area_grain_overrides_the_detection():
    points = [PeriodRevenue(date(2026, m, 1), "Acme", 10.0) for m in (1, 4)]
    monthly = stacked_area_chart(points, None, grain="month")
    assert _title(monthly) == STACKED_TITLE
    assert len(monthly.data[0].y) == 4
    single = [PeriodRevenue(date(2026, 10, 1), "Acme", 10.0)]
    assert list(stacked_area_chart(single, None, grain="quarter").data[0].x) == ["2026-Q4"]
    with pytest.raises(ValueError):
        stacked_area_chart(points, None, grain="week")


def test_quarter_name():
    assert quarter_name(date(2026, 10, 1)) == "2026-Q4"
    assert quarter_name(date(2025, 3, 31)) == "2025-Q1"


def test_stacked_area_caps_the_number_of_series():
    names = [f"c{i}" for i in range(MAX_AREA_SERIES + 3)]
    points = [PeriodRevenue(date(2026, 1, 1), name, 1.0) for name in names]
    points.insert(2, PeriodRevenue(date(2026, 1, 1), "Other (10 clients)", 1.0, other_clients=10))
    figure = stacked_area_chart(points, "EUR")
    assert len(figure.data) == MAX_AREA_SERIES
    assert figure.data[-1].name == "Other (14 clients)"  # 4 clients plus the bucket's 10
    assert list(figure.data[-1].y) == [5.0]
    assert [t.name for t in figure.data[:-1]] == names[: MAX_AREA_SERIES - 1]


def test_stacked_area_greys_buckets_not_clients_named_other():
    points = [
        PeriodRevenue(date(2026, 1, 1), "Other (Acme)", 5.0),
        PeriodRevenue(date(2026, 1, 1), "Other (2 clients)", 1.0, other_clients=2),
        PeriodRevenue(date(2026, 1, 1), "Beta", 3.0),
    ]
    figure = stacked_area_chart(points, "EUR")
    assert [t.name for t in figure.data] == ["Other (Acme)", "Beta", "Other (2 clients)"]
    neutral = chart_theme().neutral
    assert [t.line.color == neutral for t in figure.data] == [False, False, True]


def test_stacked_area_shortens_long_legend_names_but_not_in_the_hover():
    name = "A very long client name indeed"
    (trace,) = stacked_area_chart([PeriodRevenue(date(2026, 1, 1), name, 1.0)], "EUR").data
    assert trace.name.endswith("…") and len(trace.name) < len(name)
    assert trace.hovertext[0].startswith(name + ":")


def test_stacked_area_escapes_names():
    figure = stacked_area_chart([PeriodRevenue(date(2026, 1, 1), EVIL, 1.0)], "EUR")
    assert figure.data[0].name.startswith("&lt;b&gt;Bold")
    assert figure.data[0].hovertext[0].startswith(EVIL_ESCAPED + ":")
    _no_raw_html(figure)


def test_stacked_area_empty():
    figure = stacked_area_chart([], "EUR")
    assert not figure.data and _empty_note(figure)
    assert figure.layout.yaxis.title.text == "Revenue per month (€)"


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


# --- new vs returning, tenure -------------------------------------------------------------------


def test_new_returning_stacked_bars_with_new_client_counts():
    points = [
        NewReturningPoint(_month(1), 200.0, 800.0, 1),
        NewReturningPoint(_month(0), 0.0, 500.0, 0),
        NewReturningPoint(_month(2), 600.0, 400.0, 3),
    ]
    figure = new_returning_chart(points, "EUR")
    assert _title(figure) == NEW_RETURNING_TITLE
    assert [t.type for t in figure.data] == ["bar", "bar"]
    assert [t.name for t in figure.data] == [RETURNING_TRACE, NEW_TRACE]
    assert figure.layout.barmode == "stack"
    returning, new = figure.data
    assert list(returning.y) == [500.0, 800.0, 400.0]
    assert list(new.y) == [0.0, 200.0, 600.0]
    assert new.hovertext[1] == "New clients: €200.00 (20.0%) from 1 new client"
    assert new.hovertext[2] == "New clients: €600.00 (60.0%) from 3 new clients"
    assert returning.hovertext[0] == "Returning clients: €500.00 (100.0%)"
    counted = new_returning_chart([NewReturningPoint(_month(0), 0.0, 50.0, 0, returning_clients=2)], "EUR")
    assert counted.data[0].hovertext[0] == "Returning clients: €50.00 (100.0%) from 2 returning clients"
    assert figure.layout.yaxis.title.text == "Revenue per month (€)"
    assert figure.layout.xaxis.title.text == "Month"
    assert figure.layout.hovermode == "x unified"
    assert returning.marker.color == chart_theme().primary


def test_tenure_stacked_bars_oldest_at_the_bottom():
    points = [TenurePoint(_month(0), 100.0, 200.0, 300.0), TenurePoint(_month(1), 0.0, 0.0, 0.0)]
    figure = tenure_chart(points, "GBP")
    assert _title(figure) == TENURE_TITLE
    assert [t.name for t in figure.data] == [TWO_PLUS_TRACE, ONE_TO_TWO_TRACE, FIRST_YEAR_TRACE]
    assert [t.type for t in figure.data] == ["bar"] * 3
    assert figure.layout.barmode == "stack"
    assert [list(t.y) for t in figure.data] == [[300.0, 0.0], [200.0, 0.0], [100.0, 0.0]]
    assert figure.layout.legend.traceorder == "reversed"  # legend reads First year, 1–2, 2+
    assert figure.data[2].hovertext[0] == "First year: £100.00 (16.7%)"
    assert figure.data[2].hovertext[1] == "First year: £0.00"
    assert figure.layout.yaxis.title.text == "Revenue per month (£)"


@pytest.mark.parametrize("builder", [new_returning_chart, tenure_chart])
def test_monthly_bars_empty(builder):
    figure = builder([], "EUR")
    assert not figure.data and _empty_note(figure)
    assert figure.layout.yaxis.title.text == "Revenue per month (€)"


# --- cohort heatmap -----------------------------------------------------------------------------


_CELLS = [
    CohortCell("2026-Q2", "2026-Q2", 0, 1000.0, 1.0, 4),
    CohortCell("2026-Q1", "2026-Q1", 0, 2000.0, 1.0, 5),
    CohortCell("2026-Q1", "2026-Q2", 1, 1500.0, 0.75, 4),
    CohortCell("2026-Q1", "2026-Q3", 2, 4000.0, 2.0, 3, cohort_clients=5),
    CohortCell("2026-Q2", "2026-Q3", 1, 1200.0, 1.2, 2),
]


def test_cohort_heatmap_values_and_layout():
    figure = cohort_heatmap(_CELLS, "EUR")
    assert _title(figure) == COHORT_TITLE
    (trace,) = figure.data
    assert trace.type == "heatmap"
    assert list(trace.y) == ["2026-Q1", "2026-Q2"]
    assert figure.layout.yaxis.autorange == "reversed"  # the oldest cohort at the top
    assert list(trace.x) == ["Q+0", "Q+1", "Q+2"]
    assert [list(row) for row in trace.z] == [[100.0, 75.0, 200.0], [100.0, 120.0, None]]
    assert trace.zmin == 0 and trace.zmax == RETENTION_CAP == 150
    assert trace.zauto is False
    assert [list(row) for row in trace.text] == [["100%", "75%", "200%"], ["100%", "120%", ""]]
    assert trace.texttemplate == "%{text}"
    assert trace.colorbar.ticktext[-1] == "150%+"
    hover = trace.hovertext[0][2]
    for part in ("Cohort 2026-Q1", "2026-Q3 (Q+2)", "€4,000.00", "200.0%", "Paying clients: 3 of 5"):
        assert part in hover
    assert figure.layout.xaxis.title.text and figure.layout.yaxis.title.text


def test_cohort_heatmap_escapes_and_drops_text_when_large():
    figure = cohort_heatmap([CohortCell(EVIL, "q", 0, 1.0, 1.0, 1)], None)
    assert figure.data[0].y[0] == EVIL_ESCAPED
    _no_raw_html(figure)
    cells = [CohortCell(f"20{c:02d}-Q1", "q", q, 1.0, 1.0, 1) for c in range(20) for q in range(3)]
    assert cohort_heatmap(cells, None).data[0].texttemplate == ""


def test_cohort_heatmap_empty():
    figure = cohort_heatmap([], "EUR")
    assert not figure.data and _empty_note(figure)


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


# --- all ----------------------------------------------------------------------------------------


def test_every_figure_uses_the_theme_height():
    figures = [
        treemap_chart([("a", None, 1.0, 1.0)], "EUR"),
        stacked_area_chart(_AREA, "EUR"),
        concentration_trend_chart(_trend_points()),
        new_returning_chart([NewReturningPoint(_month(0), 1.0, 1.0, 1)], "EUR"),
        tenure_chart([TenurePoint(_month(0), 1.0, 1.0, 1.0)], "EUR"),
        cohort_heatmap(_CELLS, "EUR"),
    ]
    theme = chart_theme()
    for figure in figures:
        assert figure.layout.height == CHART_HEIGHT
        assert figure.layout.paper_bgcolor == theme.background
        assert figure.layout.font.family == theme.font_family


def test_point_counts_stay_bounded_for_large_inputs():
    months = [_month(i) for i in range(60)]
    points = [PeriodRevenue(m, f"c{k}", 1.0) for m in months for k in range(50)]
    figure = stacked_area_chart(points, "EUR")
    assert sum(len(t.y) for t in figure.data) == MAX_AREA_SERIES * 60
    clients = [(f"c{i}", f"cat{i % 7}", 1.0 + i, 0.0001) for i in range(5000)]
    (trace,) = treemap_chart(clients, "EUR").data
    assert len(trace.labels) <= 200 + 2 * 7
