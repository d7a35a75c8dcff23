"""The revenue-at-risk figures (pages/risk_charts.py): the fan chart and the 12-month histogram,
built from hand-made inputs so every trace can be checked against them."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from analytics.revenue_risk import revenue_risk
from chart_helpers import _empty_note, _title
from pages.chart_theme import CHART_HEIGHT, chart_theme
from pages.risk_charts import (
    EXPENSES_TRACE,
    FAN_TITLE,
    HISTOGRAM_BINS,
    HISTOGRAM_TITLE,
    INNER_BAND,
    MEDIAN_TRACE,
    OUTER_BAND,
    fan_chart,
    revenue_histogram,
)


def _fan(months, expenses=None) -> pd.DataFrame:
    """Three months: P5 100, 200, 300 and every other percentile 100 above the previous one."""
    p5 = [100.0, 200.0, 300.0]
    return pd.DataFrame({
        "month": months,
        "p5": p5,
        "p25": [v + 100 for v in p5],
        "p50": [v + 200 for v in p5],
        "p75": [v + 300 for v in p5],
        "p95": [v + 400 for v in p5],
        "expenses": expenses if expenses is not None else [None, None, None],
    })


_MONTHS = ["2026-11", "2026-12", "2027-01"]  # as RevenueRisk.fan gives them


def _trace(figure: go.Figure, name: str):
    matches = [t for t in figure.data if t.name == name]
    assert len(matches) == 1, [t.name for t in figure.data]
    return matches[0]


# --- fan chart ------------------------------------------------------------------------------------


def test_fan_bands_and_median_are_the_percentiles_given():
    figure = fan_chart(_fan(_MONTHS), "EUR")
    assert _title(figure) == FAN_TITLE and figure.layout.height == CHART_HEIGHT
    names = [t.name for t in figure.data]
    # Each band: its invisible lower edge first, then the upper edge filled down to it.
    assert names == [f"{OUTER_BAND} (low)", OUTER_BAND, f"{INNER_BAND} (low)", INNER_BAND, MEDIAN_TRACE]
    assert list(figure.data[0].y) == [100, 200, 300] and list(figure.data[1].y) == [500, 600, 700]
    assert list(figure.data[2].y) == [200, 300, 400] and list(figure.data[3].y) == [400, 500, 600]
    assert list(_trace(figure, MEDIAN_TRACE).y) == [300, 400, 500]
    assert figure.data[1].fill == figure.data[3].fill == "tonexty"
    assert figure.data[0].hoverinfo == "skip" and figure.data[0].showlegend is False
    assert list(figure.data[1].x) == ["2026-11-01", "2026-12-01", "2027-01-01"]


def test_fan_axes_hover_and_colours():
    figure = fan_chart(_fan(_MONTHS), "EUR")
    assert figure.layout.yaxis.title.text == "Income per month (€)"
    assert figure.layout.xaxis.title.text == "Month" and figure.layout.xaxis.tickformat == "%b %Y"
    assert figure.layout.hovermode == "x unified"
    assert _trace(figure, OUTER_BAND).hovertext[0] == "€100.00 – €500.00"
    assert "5th–95th percentile: %{hovertext}" in _trace(figure, OUTER_BAND).hovertemplate
    assert _trace(figure, MEDIAN_TRACE).hovertext[2] == "€500.00"
    theme = chart_theme()
    assert _trace(figure, MEDIAN_TRACE).line.color == theme.primary
    # the inner band is drawn darker than the outer one
    assert _trace(figure, INNER_BAND).fillcolor != _trace(figure, OUTER_BAND).fillcolor


def test_fan_expenses_line_only_with_expenses():
    assert EXPENSES_TRACE not in [t.name for t in fan_chart(_fan(_MONTHS), "EUR").data]
    figure = fan_chart(_fan(_MONTHS, expenses=[250.0, 250.0, 250.0]), "EUR")
    expenses = _trace(figure, EXPENSES_TRACE)
    assert list(expenses.y) == [250, 250, 250] and expenses.line.dash == "dot"
    assert expenses.hovertext[0] == "€250.00"


def test_fan_takes_dates_as_months_too():
    figure = fan_chart(_fan([date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]), "EUR")
    assert list(_trace(figure, MEDIAN_TRACE).x) == ["2026-11-01", "2026-12-01", "2027-01-01"]


def test_fan_escapes_the_currency_code_and_has_an_empty_state():
    figure = fan_chart(_fan(_MONTHS), "<b>X</b>")
    assert "<b>" not in figure.to_json()
    empty = fan_chart(_fan(_MONTHS).iloc[0:0], "EUR")
    assert _empty_note(empty) and not empty.data


# --- histogram ------------------------------------------------------------------------------------


def test_histogram_bars_count_the_futures_given():
    # 100 futures: 10 at 1,000 (a large client gone) and 90 spread over 2,000 … 2,089.
    totals = np.array([1000.0] * 10 + [2000.0 + i for i in range(90)])
    figure = revenue_histogram(totals, baseline=2100.0, p5=1000.0, currency="EUR")
    assert _title(figure) == HISTOGRAM_TITLE and figure.layout.height == CHART_HEIGHT
    (bars,) = figure.data
    assert len(bars.x) == HISTOGRAM_BINS
    assert sum(bars.y) == pytest.approx(100)  # shares in percent of all futures
    assert bars.y[0] == pytest.approx(10)  # the 10 futures at 1,000 fill the first bar
    width = (2089 - 1000) / HISTOGRAM_BINS
    assert bars.x[0] == pytest.approx(1000 + width / 2) and bars.width[0] == pytest.approx(width)
    assert bars.hovertext[0].startswith("€1,000.00 – ")
    assert bars.hovertext[0].endswith("10.0% of futures (10 of 100)")
    assert figure.layout.xaxis.title.text == "Revenue in the next 12 months (€)"
    assert figure.layout.yaxis.title.text == "Share of futures" and figure.layout.yaxis.ticksuffix == "%"


def test_histogram_marks_the_baseline_and_p5():
    totals = np.linspace(1000.0, 3000.0, 200)
    figure = revenue_histogram(totals, baseline=2800.0, p5=1100.0, currency="EUR")
    shapes = {s.name: s for s in figure.layout.shapes}
    labels = {a.name: a.text for a in figure.layout.annotations}
    assert shapes["baseline marker"].x0 == shapes["baseline marker"].x1 == 2800.0
    assert shapes["p5 marker"].x0 == 1100.0
    assert labels == {"baseline label": "Baseline €2,800.00", "p5 label": "P5 €1,100.00"}
    # bars wholly below P5 in the downside colour, the rest in the primary
    (bars,) = figure.data
    colours = list(bars.marker.color)
    assert colours[0] != colours[-1]
    assert colours.count(colours[0]) == 2  # 1,000–1,050 and 1,050–1,100 lie below 1,100


def test_histogram_of_identical_futures_and_of_none():
    (bars,) = revenue_histogram(np.full(50, 1200.0), 1200.0, 1200.0, "EUR").data
    assert sum(bars.y) == pytest.approx(100)
    empty = revenue_histogram(np.array([]), 0.0, 0.0, "EUR")
    assert _empty_note(empty) and not empty.data


# --- from the engine ------------------------------------------------------------------------------


def test_charts_of_a_simulation_show_its_own_numbers(store, add_dataset):
    # Two clients paying every month of 2026 (Acme 1,000, Beta 300): a real RevenueRisk.
    rows = [(f"2026-{m:02d}-10", client, amount) for m in range(1, 13)
            for client, amount in (("Acme", "1000"), ("Beta", "300"))]
    risk = revenue_risk(store, add_dataset(rows), paths=2_000, expenses=1_000.0, horizon=24)
    fan = fan_chart(risk.fan, risk.currency)
    for name, column in ((MEDIAN_TRACE, "p50"), (OUTER_BAND, "p95"), (INNER_BAND, "p75"), (EXPENSES_TRACE, "expenses")):
        assert list(_trace(fan, name).y) == pytest.approx(list(risk.fan[column])), name
    assert len(_trace(fan, MEDIAN_TRACE).x) == 24 and _trace(fan, MEDIAN_TRACE).x[0] == "2027-01-01"
    histogram = revenue_histogram(risk.totals_12, risk.baseline_12, risk.p5, risk.currency)
    (bars,) = histogram.data
    assert sum(bars.y) == pytest.approx(100)
    counts = [int(text.rsplit("(", 1)[1].split(" of ")[0].replace(",", "")) for text in bars.hovertext]
    assert sum(counts) == risk.paths
    markers = {s.name: s.x0 for s in histogram.layout.shapes}
    assert markers == {"baseline marker": pytest.approx(risk.baseline_12), "p5 marker": pytest.approx(risk.p5)}
