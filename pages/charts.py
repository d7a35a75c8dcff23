"""Plotly figures for the overview page: the Pareto chart and the Lorenz curve.

The builders only return ``plotly.graph_objects.Figure`` objects; pages show them with
``st.plotly_chart(fig)``. No streamlit import here, so the figures are testable on their own.
The theme (read from ``.streamlit/config.toml``), the base layout and the shared helpers are in
:mod:`pages.chart_theme`; every string from the user's data is HTML-escaped before it reaches the
figure, and numbers are formatted with :mod:`analytics.formatting`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import plotly.graph_objects as go

from analytics.formatting import number, percent
from pages.chart_theme import (
    PERCENT_TICKS, ChartTheme, add_level_line, add_marker_line, bar_ticks, base_layout, chart_theme,
    escape_label, money_axis_title, money_label, rgba, shorten_label, with_empty_note,
)

PARETO_TITLE = "Pareto: who brings the revenue"
PARETO_THRESHOLD = 0.80
"""The share of revenue the Pareto chart marks (the "80" of the 80/20 rule)."""

_EPSILON = 1e-9  # tolerance for "cumulative share reached 80%" with float sums


def pareto_chart(
    clients: list[tuple[str, float, float]],
    currency: str | None,
    max_bars: int = 30,
) -> go.Figure:
    """Revenue per client as bars (largest first) with the cumulative share as a line on a second
    axis, a dashed 80% line and a marker at the client where the cumulative share first reaches 80%.

    ``clients`` is ``(client, revenue, share)`` in descending revenue, ``share`` a fraction of the
    total (0.4 is 40%). Beyond ``max_bars`` clients the tail is one bar "Other (N clients)" (a tail of
    a single client is shown as itself), so the figure has at most ``max_bars + 1`` bars.
    """
    if max_bars < 1:
        raise ValueError(f"max_bars must be at least 1, got {max_bars}")
    theme = chart_theme()
    figure = go.Figure(layout=base_layout(theme, PARETO_TITLE))
    revenue_title = money_axis_title("Revenue", currency)
    figure.update_layout(
        xaxis={"title": {"text": "Client"}, "showgrid": False},
        yaxis={"title": {"text": revenue_title}, "rangemode": "tozero"},
        yaxis2={
            "title": {"text": "Cumulative share"},
            "overlaying": "y",
            "side": "right",
            "range": [0, 105],
            **PERCENT_TICKS,
            "showgrid": False,
            "zeroline": False,
        },
    )
    if not clients:
        return with_empty_note(figure)

    cumulative = _cumulative_percents([share for _, _, share in clients])
    bars = _pareto_bars(clients, cumulative, max_bars)
    positions = list(range(len(bars)))
    hover = [_pareto_hover(bar, currency) for bar in bars]
    bar_colours = [theme.neutral if bar.is_other else theme.primary for bar in bars]

    figure.add_trace(
        go.Bar(
            x=positions,
            y=[bar.revenue for bar in bars],
            name="Revenue",
            marker={"color": bar_colours},
            hovertext=hover,
            hoverinfo="text",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=positions,
            y=[bar.cumulative_percent for bar in bars],
            name="Cumulative share",
            yaxis="y2",
            mode="lines+markers",
            line={"color": theme.palette[1], "width": 2},
            marker={"size": 5},
            hovertext=hover,
            hoverinfo="text",
        )
    )
    figure.update_xaxes(
        **bar_ticks([escape_label(bar.label if bar.is_other else shorten_label(bar.label)) for bar in bars])
    )
    _add_threshold_line(figure, theme)
    _add_threshold_client_marker(figure, theme, cumulative, bars)
    return figure


def lorenz_chart(points: list[tuple[float, float]], gini: float) -> go.Figure:
    """The Lorenz curve of revenue across clients, the line of perfect equality and the shaded gap
    between them, with the Gini coefficient in the title.

    ``points`` are ``(share of clients, share of revenue)`` as fractions, clients ordered from the
    smallest; the curve is started at (0, 0) when the points do not start there.
    """
    theme = chart_theme()
    title = f"Lorenz curve — Gini {number(gini, 2)}"
    figure = go.Figure(layout=base_layout(theme, title))
    percent_axis = {
        "range": [0, 100],
        **PERCENT_TICKS,
        "zeroline": False,
    }
    figure.update_layout(
        xaxis={**percent_axis, "title": {"text": "Share of clients (smallest first)"}},
        yaxis={**percent_axis, "title": {"text": "Share of revenue"}},
        # The area above the diagonal is always empty on a Lorenz chart: the legend goes there.
        legend={"x": 0.02, "xanchor": "left", "y": 0.98, "yanchor": "top", "orientation": "v"},
    )
    figure.add_trace(
        go.Scatter(
            x=[0, 100],
            y=[0, 100],
            name="Perfect equality",
            mode="lines",
            line={"color": theme.neutral, "dash": "dash", "width": 1.5},
            hoverinfo="skip",
        )
    )
    if not points:
        return with_empty_note(figure)

    curve = list(points)
    if curve[0][0] != 0 or curve[0][1] != 0:
        curve.insert(0, (0.0, 0.0))
    figure.add_trace(
        go.Scatter(
            x=[clients_share * 100 for clients_share, _ in curve],
            y=[revenue_share * 100 for _, revenue_share in curve],
            name="Lorenz curve",
            mode="lines",
            line={"color": theme.primary, "width": 2.5},
            # "tonexty" fills to the previous trace, the diagonal: the area that the Gini measures.
            fill="tonexty",
            fillcolor=rgba(theme.primary, 0.15),
            hovertext=[
                f"Smallest {percent(clients_share)} of clients<br>"
                f"bring {percent(revenue_share)} of revenue"
                for clients_share, revenue_share in curve
            ],
            hoverinfo="text",
        )
    )
    return figure


@dataclass(frozen=True)
class _ParetoBar:
    """One bar of the Pareto chart: a client, or the collapsed tail."""

    label: str
    revenue: float
    share: float
    cumulative_percent: float
    is_other: bool = False


def _pareto_bars(
    clients: Sequence[tuple[str, float, float]], cumulative: Sequence[float], max_bars: int
) -> list[_ParetoBar]:
    """The bars to draw: every client when they fit in ``max_bars + 1``, else the first
    ``max_bars`` clients and one "Other (N clients)" bar summing the rest."""
    shown = len(clients) if len(clients) <= max_bars + 1 else max_bars
    bars = [
        _ParetoBar(str(name), float(revenue), float(share), cumulative[i])
        for i, (name, revenue, share) in enumerate(clients[:shown])
    ]
    tail = clients[shown:]
    if tail:
        bars.append(
            _ParetoBar(
                label=f"Other ({number(len(tail))} clients)",
                revenue=sum(float(revenue) for _, revenue, _ in tail),
                share=sum(float(share) for _, _, share in tail),
                cumulative_percent=cumulative[-1],
                is_other=True,
            )
        )
    return bars


def _cumulative_percents(shares: Sequence[float]) -> list[float]:
    """Running sum of ``shares`` in percent, capped at 100. Summed as decimals of the shares as
    written, so 0.4 + 0.3 + 0.2 is 90.0 and not 89.99999999999999."""
    running = Decimal(0)
    result = []
    for share in shares:
        running += Decimal(repr(float(share)))
        result.append(min(100.0, float(running * 100)))
    return result


def _pareto_hover(bar: _ParetoBar, currency: str | None) -> str:
    """Hover text for a bar: name, revenue, its share and the cumulative share, all escaped."""
    return (
        f"<b>{escape_label(bar.label)}</b><br>"
        f"Revenue: {money_label(bar.revenue, currency)}<br>"
        f"Share: {percent(bar.share)}<br>"
        f"Cumulative share: {percent(bar.cumulative_percent / 100)}"
    )


def _add_threshold_line(figure: go.Figure, theme: ChartTheme) -> None:
    """The dashed horizontal line at 80% on the cumulative-share axis, labelled "80%"."""
    add_level_line(figure, PARETO_THRESHOLD * 100, "80%", name="80%", colour=theme.neutral, width=1, yref="y2")


def _add_threshold_client_marker(
    figure: go.Figure, theme: ChartTheme, cumulative: Sequence[float], bars: Sequence[_ParetoBar]
) -> None:
    """A dotted vertical line at the bar where the cumulative share first reaches 80% (the
    "Other" bar when that client was collapsed into it), with how many clients it takes."""
    level = PARETO_THRESHOLD * 100
    reached = next((i for i, value in enumerate(cumulative) if value >= level - _EPSILON), None)
    if reached is None:
        return
    position = min(reached, len(bars) - 1)
    count, total = reached + 1, len(cumulative)
    noun = "client" if total == 1 else "clients"
    add_marker_line(
        figure,
        position,
        f"80% of revenue from {number(count)} of {number(total)} {noun}",
        name="80% client",
        colour=theme.text,
        dash="dot",
        width=1,
        on_right_half=position > (len(bars) - 1) / 2,
        background=rgba(theme.background, 0.8),
        yref="paper",
        y=1,
        yanchor="top",
    )
