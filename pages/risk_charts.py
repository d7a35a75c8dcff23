"""Plotly figures for the revenue-at-risk part of the client-health page: the fan chart of monthly
income across simulated futures and the histogram of next-12-month revenue.

Like the other chart modules (see :mod:`pages.chart_theme`), the builders only return
``plotly.graph_objects.Figure`` objects (no streamlit import), share the theme, base layout and
height, write numbers with :mod:`analytics.formatting` and HTML-escape every formatted amount (a
currency code is data too) before it reaches a label, a tick or a hover.

Colours carry the same meaning as on the scenario page
    * the simulated income (bands and median): the primary colour (teal), lighter for wider bands;
    * the baseline: the neutral slate;
    * the downside (P5, futures below it): the palette's muted red;
    * monthly expenses: the palette's amber, dotted.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.formatting import number, percent
from pages.chart_theme import (
    ChartTheme, add_marker_line, base_layout, chart_theme, legend_under_title, money_axis_title, money_label,
    month_axis, palette_colour, rgba, with_empty_note,
)

FAN_TITLE = "Monthly income across simulated futures"
HISTOGRAM_TITLE = "Revenue in the next 12 months across simulated futures"
OUTER_BAND = "5th–95th percentile"
INNER_BAND = "25th–75th percentile"
MEDIAN_TRACE = "Median"
EXPENSES_TRACE = "Expenses"
FUTURES_TRACE = "Futures"
HISTOGRAM_BINS = 40
"""Bars of the histogram: with 10,000 futures about 250 per bar on average, fine enough to show the
shape (a long left tail when a large client may leave) without noise."""

_BAND_ALPHA = {OUTER_BAND: 0.18, INNER_BAND: 0.38}


def fan_chart(fan: pd.DataFrame, currency: str | None) -> go.Figure:
    """Monthly income month by month: the P5–P95 band, the P25–P75 band inside it, the median
    line and, when the ``expenses`` column has values, the expenses line. ``fan`` has one row per
    future month with columns ``month`` (``'YYYY-MM'`` or a date), ``p5``, ``p25``, ``p50``,
    ``p75``, ``p95`` and ``expenses`` (NaN without), as :class:`analytics.revenue_risk.RevenueRisk`
    gives it. One hover per month shows every value."""
    theme = chart_theme()
    figure = go.Figure(layout=base_layout(theme, FAN_TITLE))
    legend_under_title(figure)
    figure.update_layout(
        hovermode="x unified",
        yaxis={"title": {"text": money_axis_title("Income per month", currency)}, "rangemode": "tozero"},
    )
    if fan.empty:
        figure.update_layout(xaxis={"title": {"text": "Month"}})
        return with_empty_note(figure)
    x, xaxis = _months(fan["month"])
    figure.update_layout(xaxis={**xaxis, "showgrid": False})
    _add_band(figure, theme, x, fan["p5"], fan["p95"], OUTER_BAND, currency)
    _add_band(figure, theme, x, fan["p25"], fan["p75"], INNER_BAND, currency)
    _add_line(figure, x, fan["p50"], MEDIAN_TRACE, currency, {"color": theme.primary, "width": 3})
    expenses = fan["expenses"] if "expenses" in fan else pd.Series(dtype=float)
    if expenses.notna().any():
        _add_line(figure, x, expenses, EXPENSES_TRACE, currency,
                  {"color": palette_colour(theme, 1), "dash": "dot", "width": 2})
    return figure


def revenue_histogram(totals: Sequence[float] | np.ndarray, baseline: float, p5: float,
                      currency: str | None) -> go.Figure:
    """How the next 12 months' revenue is spread over the simulated futures: bars of
    :data:`HISTOGRAM_BINS` equal ranges, their height the share of futures in the range (futures
    wholly below P5 in the downside colour), with the baseline (the revenue if every client stays
    on its run-rate) and P5 (the revenue 95% of futures reach) marked."""
    theme = chart_theme()
    values = np.asarray(totals, dtype=float)
    figure = go.Figure(layout=base_layout(theme, HISTOGRAM_TITLE))
    figure.update_layout(
        bargap=0.05,
        xaxis={"title": {"text": money_axis_title("Revenue in the next 12 months", currency)}},
        yaxis={"title": {"text": "Share of futures"}, "ticksuffix": "%", "rangemode": "tozero"},
    )
    if values.size == 0:
        return with_empty_note(figure)
    counts, edges = np.histogram(values, bins=HISTOGRAM_BINS)
    shares = counts / values.size
    downside = palette_colour(theme, 5)
    figure.add_trace(
        go.Bar(
            x=((edges[:-1] + edges[1:]) / 2).tolist(),
            y=(shares * 100).tolist(),
            width=np.diff(edges).tolist(),
            name=FUTURES_TRACE,
            marker={"color": [rgba(downside, 0.8) if high <= p5 else rgba(theme.primary, 0.55) for high in edges[1:]],
                    "line": {"width": 0}},
            hovertext=[f"{money_label(low, currency)} – {money_label(high, currency)}<br>"
                       f"{percent(share)} of futures ({number(count)} of {number(values.size)})"
                       for low, high, share, count in zip(edges[:-1], edges[1:], shares, counts)],
            hoverinfo="text",
            showlegend=False,
        )
    )
    middle = (edges[0] + edges[-1]) / 2
    for level, label, colour, name in ((baseline, "Baseline", theme.neutral, "baseline"),
                                       (p5, "P5", downside, "p5")):
        add_marker_line(figure, level, f"{label} {money_label(level, currency)}", name=name, colour=colour,
                        dash="dash", width=2, on_right_half=level > middle, background=rgba(theme.background, 0.85),
                        yref="paper", y=1 if name == "baseline" else 0.9, yanchor="top")
    return figure


def _months(months: pd.Series) -> tuple[list[str], dict]:
    """The x values (first day of each month, ISO) and the month axis of the fan."""
    days = [pd.Timestamp(m).date() for m in months]  # 'YYYY-MM' is the month's first day
    return [d.isoformat() for d in days], {**month_axis(days), "title": {"text": "Month"}}


def _add_band(figure: go.Figure, theme: ChartTheme, x: list, low: pd.Series, high: pd.Series, name: str,
              currency: str | None) -> None:
    """A filled band between ``low`` and ``high``: an invisible lower edge, then the upper edge
    filled down to it; the hover of the upper edge names the whole range."""
    figure.add_trace(go.Scatter(x=x, y=list(low), mode="lines", line={"width": 0}, hoverinfo="skip",
                                showlegend=False, name=f"{name} (low)"))
    figure.add_trace(
        go.Scatter(
            x=x,
            y=list(high),
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=rgba(theme.primary, _BAND_ALPHA[name]),
            name=name,
            hovertext=[f"{money_label(lo, currency)} – {money_label(hi, currency)}" for lo, hi in zip(low, high)],
            hovertemplate=f"{name}: %{{hovertext}}<extra></extra>",
        )
    )


def _add_line(figure: go.Figure, x: list, values: pd.Series, name: str, currency: str | None, line: dict) -> None:
    """One money series as a line, its hover "Name: €1,234.56"."""
    figure.add_trace(
        go.Scatter(
            x=x,
            y=list(values),
            name=name,
            mode="lines",
            line=line,
            hovertext=[money_label(v, currency) if pd.notna(v) else "—" for v in values],
            hovertemplate=f"{name}: %{{hovertext}}<extra></extra>",
        )
    )
