"""Properties every diversification figure shares (height, bounded point counts), through
pages/diversification_charts.py, the module the page imports."""

from analytics.client_mix import NewReturningPoint, TenurePoint
from analytics.over_time import PeriodRevenue
from pages.chart_theme import CHART_HEIGHT, chart_theme
from pages.diversification_charts import (
    MAX_AREA_SERIES,
    cohort_heatmap,
    concentration_trend_chart,
    new_returning_chart,
    stacked_area_chart,
    tenure_chart,
    treemap_chart,
)
from test_client_tenure_charts import _CELLS
from test_concentration_charts import _trend_points
from test_revenue_mix_charts import _AREA
from chart_helpers import _month


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
