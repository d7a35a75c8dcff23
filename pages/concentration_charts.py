"""Plotly figures of revenue concentration, for the diversification page: how much hangs on the
largest clients, over time and against a target.

* :func:`concentration_trend_chart` — top-client and top-3 shares and effective clients over time,
  over the risk bands of :mod:`analytics.risk`;
* :func:`target_chart` — today vs a diversification target, with what reaching it takes.

Like the other chart modules, the builders only return ``plotly.graph_objects.Figure`` objects (no
streamlit import), share the theme, base layout and helpers of :mod:`pages.chart_theme` and
HTML-escape every client name and formatted amount before it reaches a label or a hover. The
primary teal is the top client's share (and today when the target is met), the amber the effective
clients, the neutral slate the target and the burnt orange risk.
"""

from __future__ import annotations

import plotly.graph_objects as go

from analytics.formatting import number, percent
from analytics.over_time import TRAILING_MONTHS, ConcentrationPoint
from analytics.risk import CRITICAL_SHARE, HIGH_RISK_SHARE, MAJOR_CUSTOMER_SHARE
from analytics.targets import TargetPlan
from pages.chart_theme import (
    PERCENT_TICKS, ChartTheme, base_layout, chart_theme, escape_label, legend_under_title, money_label,
    month_axis, palette_colour, rgba, short_money_label, with_empty_note,
)

TREND_TITLE = "Concentration over time (trailing 12 months)"
TARGET_TITLES = {
    "top_share": "Top client share: today vs target",
    "effective_clients": "Effective clients: today vs target",
}

TOP1_TRACE = "Top client share"
TOP3_TRACE = "Top 3 share"
EFFECTIVE_TRACE = "Effective clients"
TODAY_LABEL = "Today"
TARGET_LABEL = "Target"

RISK_BANDS: tuple[tuple[str, float, float], ...] = (
    ("Low", 0.0, MAJOR_CUSTOMER_SHARE * 100),
    ("Moderate", MAJOR_CUSTOMER_SHARE * 100, HIGH_RISK_SHARE * 100),
    ("High", HIGH_RISK_SHARE * 100, CRITICAL_SHARE * 100),
    ("Critical", CRITICAL_SHARE * 100, 100.0),
)
"""(label, from %, to %) of the top-client risk levels; the shapes are named "<label> band"."""

TARGET_HEIGHT = 220


# --- concentration trend ------------------------------------------------------------------------


def concentration_trend_chart(points: list[ConcentrationPoint], currency: str | None = None) -> go.Figure:
    """The top client's and the top 3 clients' share of trailing-12-month revenue as lines on a
    0–100% axis over the shaded risk bands (low < 10% ≤ moderate < 25% ≤ high < 50% ≤ critical),
    and the effective number of clients on a second axis. The hover shows every value of the month
    and the trailing revenue (in ``currency``) and active clients."""
    theme = chart_theme()
    figure = go.Figure(layout=base_layout(theme, TREND_TITLE))
    thresholds = [band[1] for band in RISK_BANDS[1:]]
    ticks = sorted({0.0, *thresholds, 75.0, 100.0})
    figure.update_layout(
        hovermode="x unified",
        xaxis={"title": {"text": "Month (end of the 12-month window)"}, "showgrid": False},
        yaxis={
            "title": {"text": "Share of revenue"},
            "range": [0, 100],
            "tickmode": "array",
            "tickvals": ticks,
            "ticktext": [f"{tick:g}%" for tick in ticks],
            "zeroline": False,
            "showgrid": False,
        },
        yaxis2={
            "title": {"text": EFFECTIVE_TRACE},
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "tickmode": "auto",
            "showgrid": False,
            "zeroline": False,
        },
    )
    legend_under_title(figure)
    _add_risk_bands(figure, theme)
    if not points:
        return with_empty_note(figure)

    ordered = sorted(points, key=lambda p: p.month)
    months = [p.month for p in ordered]
    figure.update_xaxes(**month_axis(months))
    window = [_window_hover(p, currency) for p in ordered]
    figure.add_trace(
        go.Scatter(
            x=months, y=[p.top1 * 100 for p in ordered], name=TOP1_TRACE, mode="lines+markers",
            line={"color": theme.primary, "width": 2.5}, marker={"size": 4},
            hovertext=[f"{TOP1_TRACE}: {percent(p.top1)}" for p in ordered],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=months, y=[p.top3 * 100 for p in ordered], name=TOP3_TRACE, mode="lines",
            line={"color": palette_colour(theme, 6), "width": 2},
            hovertext=[f"{TOP3_TRACE}: {percent(p.top3)}" for p in ordered],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=months, y=[p.effective_clients for p in ordered], name=EFFECTIVE_TRACE, yaxis="y2",
            mode="lines", line={"color": palette_colour(theme, 1), "width": 2, "dash": "dot"},
            hovertext=[f"{EFFECTIVE_TRACE}: {number(p.effective_clients, 1)}<br>{w}"
                       for p, w in zip(ordered, window, strict=True)],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    return figure


def _window_hover(point: ConcentrationPoint, currency: str | None) -> str:
    """The trailing window behind a month's values: its revenue, active clients and, when the data
    starts inside it, how many of its 12 months are covered."""
    clients = "client" if point.active_clients == 1 else "clients"
    text = (f"12-month revenue: {money_label(point.revenue, currency)}, "
            f"{number(point.active_clients)} active {clients}")
    if point.months_covered < TRAILING_MONTHS:
        text += f"<br>(only {number(point.months_covered)} of the 12 months have data)"
    return text


def _add_risk_bands(figure: go.Figure, theme: ChartTheme) -> None:
    """Subtle horizontal bands for the four risk levels behind the lines, each labelled at its
    left edge, and a thin dotted line at each threshold. Shapes "<Level> band" and "<pct>% line"."""
    warm, risk = palette_colour(theme, 1), palette_colour(theme, 5)
    fills = {"Low": rgba(theme.primary, 0.05), "Moderate": rgba(warm, 0.06),
             "High": rgba(risk, 0.06), "Critical": rgba(risk, 0.1)}
    text_colours = {"Low": theme.primary, "Moderate": warm, "High": risk, "Critical": risk}
    for label, low, high in RISK_BANDS:
        figure.add_shape(type="rect", xref="paper", x0=0, x1=1, yref="y", y0=low, y1=high,
                         fillcolor=fills[label], line={"width": 0}, layer="below", name=f"{label} band")
        figure.add_annotation(xref="paper", x=0, xanchor="left", xshift=4, yref="y", y=(low + high) / 2,
                              yanchor="middle", text=f"{label} risk", showarrow=False,
                              font={"color": text_colours[label], "size": 11}, opacity=0.9,
                              name=f"{label} band label")
    for label, low, _ in RISK_BANDS[1:]:
        figure.add_shape(type="line", xref="paper", x0=0, x1=1, yref="y", y0=low, y1=low,
                         line={"color": text_colours[label], "width": 1, "dash": "dot"},
                         layer="below", name=f"{low:g}% line")


# --- target -------------------------------------------------------------------------------------


def target_chart(plan: TargetPlan | None, currency: str | None) -> go.Figure:
    """Two horizontal bars, "Today" above "Target": the top client's share (0–100%) for a
    ``top_share`` plan, the effective number of clients for an ``effective_clients`` plan. A note
    under the title says what reaching the target takes: the extra monthly revenue from other
    clients and about how many new clients of today's median size. ``None`` is an empty figure."""
    theme = chart_theme()
    kind = plan.kind if plan is not None else "top_share"
    if kind not in TARGET_TITLES:
        raise ValueError(f"unknown target kind {kind!r}; expected one of {sorted(TARGET_TITLES)}")
    figure = go.Figure(layout=base_layout(theme, TARGET_TITLES[kind]))
    share = kind == "top_share"
    figure.update_layout(
        height=TARGET_HEIGHT,
        showlegend=False,
        bargap=0.35,
        margin={"l": 72, "r": 24, "t": 64, "b": 40},
        yaxis={"title": {"text": ""}, "showgrid": False, "categoryorder": "array",
               "categoryarray": [TARGET_LABEL, TODAY_LABEL]},
        xaxis={"title": {"text": "Top client's share of revenue" if share else EFFECTIVE_TRACE}},
    )
    if share:
        figure.update_xaxes(range=[0, 100], **PERCENT_TICKS)
    else:
        figure.update_xaxes(rangemode="tozero")
    if plan is None:
        return with_empty_note(figure)

    values = [plan.target, plan.current]
    shown = [v * 100 for v in values] if share else values
    texts = [percent(v) if share else number(v, 1) for v in values]
    today_colour = theme.primary if plan.reached else palette_colour(theme, 5)
    figure.add_trace(
        go.Bar(
            x=shown,
            y=[TARGET_LABEL, TODAY_LABEL],
            orientation="h",
            marker={"color": [rgba(theme.neutral, 0.55), today_colour], "line": {"width": 0}},
            text=texts,
            textposition="outside",
            cliponaxis=False,
            hovertext=[f"{TARGET_LABEL}: {texts[0]}", f"{TODAY_LABEL}: {texts[1]}" + (
                f" ({escape_label(plan.top_client)})" if share and plan.top_client else "")],
            hovertemplate="%{hovertext}<extra></extra>",
            name=EFFECTIVE_TRACE if not share else TOP1_TRACE,
        )
    )
    if not share:
        figure.update_xaxes(range=[0, max(shown) * 1.18 or 1])
    figure.add_annotation(
        xref="paper", x=0, xanchor="left", yref="paper", y=1, yanchor="bottom", yshift=4,
        text=_target_note(plan, currency), showarrow=False, align="left",
        font={"color": theme.text if plan.reached else palette_colour(theme, 5), "size": 12},
        name="target note",
    )
    return figure


def _target_note(plan: TargetPlan, currency: str | None) -> str:
    """What reaching the target takes, in one short escaped line."""
    if plan.reached:
        return "Target already met today"
    if not plan.reachable:
        return (f"Out of reach with new clients of today's median size "
                f"({short_money_label(plan.median_client_monthly, currency)}/month) alone")
    clients = "client" if plan.new_clients == 1 else "clients"
    return (
        f"Needs +{short_money_label(plan.extra_monthly, currency)} per month from other clients"
        f" ≈ {number(plan.new_clients)} new {clients}"
        f" of {short_money_label(plan.median_client_monthly, currency)}/month"
    )
