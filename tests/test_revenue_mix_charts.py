"""The treemap and the stacked monthly revenue areas (pages/revenue_mix_charts.py).
Inputs are hand-built dataclasses."""

from datetime import date

import plotly.graph_objects as go
import pytest

from analytics.over_time import PeriodRevenue
from pages.chart_theme import CHART_HEIGHT, chart_theme
from pages.diversification_charts import (
    MAX_AREA_SERIES,
    STACKED_QUARTERLY_TITLE,
    STACKED_TITLE,
    TREEMAP_TITLE,
    UNCATEGORISED,
    quarter_name,
    stacked_area_chart,
    treemap_chart,
)
from chart_helpers import EVIL, EVIL_ESCAPED, _empty_note, _no_raw_html, _title


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
