"""Plotly figures for the scenario page: the income waterfall and the 24-month projection.

Like :mod:`pages.charts`, the builders only return ``plotly.graph_objects.Figure`` objects (no
streamlit import), share the theme, base layout and height of :mod:`pages.chart_theme`, write
numbers with :mod:`analytics.formatting` and HTML-escape every client name and formatted amount (a
currency code is data too) before it reaches a label, a tick or a hover.

Colours carry meaning and are the same on both charts
    * income lost (the waterfall's decreases, a negative cash balance): the palette's muted red;
    * income regained (recovery): the primary colour (teal);
    * levels (today, after; the baseline line): the neutral slate;
    * monthly expenses: the palette's amber, dashed or dotted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from analytics.formatting import months, percent
from analytics.scenario import LostClient, MonthProjection, ScenarioResult
from pages.chart_theme import (
    CHART_HEIGHT, ChartTheme, add_level_line, add_marker_line, bar_ticks, base_layout, chart_theme,
    escape_label, money_axis_title, money_label, palette_colour, rgba, short_money_label, shorten_label,
    with_empty_note,
)

WATERFALL_TITLE = "Monthly income: today → after the loss"
TODAY_LABEL = "Today"
RECOVERY_LABEL = "Recovery"
AFTER_LABEL = "After"
MAX_LOSS_BARS = 12
"""At most this many bars for lost clients: beyond it the smallest losses become one "Other" bar."""

CASH_OUT_TEXT = "Cash runs out"
PROJECTION_HEIGHT = CHART_HEIGHT
"""The projection's height with its cash panel (the same as the other charts, so they line up)."""

BASELINE_TRACE = "Baseline income"
SCENARIO_TRACE = "Scenario income"
EXPENSES_TRACE = "Expenses"
CASH_TRACE = "Cash balance"

_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_INCOME_DOMAIN = [0.50, 1.0]  # the income panel, above …
_CASH_DOMAIN = [0.0, 0.37]  # … the cash panel (fractions of the plot height)


def waterfall_chart(result: ScenarioResult, currency: str | None, expenses: float | None = None) -> go.Figure:
    """Monthly income from today to after the loss: "Today" (the baseline), one decreasing bar per
    lost client (largest first), "Recovery" when some income is regained, and the total "After"
    (the steady-state scenario income). ``expenses`` (monthly), when known, is a dashed line.

    Losses of the same client are one bar; more than :data:`MAX_LOSS_BARS` lost clients keep the
    largest ``MAX_LOSS_BARS − 1`` and sum the rest in one "Other (N clients)" bar.
    """
    theme = chart_theme()
    figure = go.Figure(layout=base_layout(theme, WATERFALL_TITLE))
    steps = _waterfall_steps(result, currency)
    positions = list(range(len(steps)))
    figure.add_trace(
        go.Waterfall(
            x=positions,
            y=[step.value for step in steps],
            measure=[step.measure for step in steps],
            name="Income",
            text=[step.text for step in steps],
            textposition="outside",
            cliponaxis=False,
            hovertext=[step.hover for step in steps],
            hoverinfo="text",
            decreasing={"marker": {"color": _loss_colour(theme)}},
            increasing={"marker": {"color": theme.primary}},
            totals={"marker": {"color": theme.neutral}},
            connector={"line": {"color": theme.neutral, "width": 1, "dash": "dot"}},
            showlegend=False,
        )
    )
    figure.update_layout(
        xaxis={
            "title": {"text": ""},
            "showgrid": False,
            **bar_ticks([step.tick for step in steps]),
        },
        yaxis={"title": {"text": money_axis_title("Income per month", currency)}, "rangemode": "tozero"},
    )
    if expenses is not None:
        _add_expenses_line(figure, theme, expenses, currency)
    return figure


def projection_chart(result: ScenarioResult, currency: str | None) -> go.Figure:
    """The next months (24) month by month: baseline and scenario income and expenses as lines in
    the upper panel; when there are expenses, the cash balance as bars in a panel below (red when
    negative) with a marker at the month the cash runs out. One hover per month shows every value.
    """
    theme = chart_theme()
    projection = result.projection
    figure = go.Figure(layout=base_layout(theme, f"Next {len(projection)} months"))
    figure.update_layout(
        hovermode="x unified",
        xaxis={"title": {"text": "Month"}, "tickformat": "%b %Y", "hoverformat": "%b %Y", "showgrid": False},
        yaxis={"title": {"text": money_axis_title("Income per month", currency)}, "rangemode": "tozero"},
    )
    if not projection:
        return with_empty_note(figure)

    x = [_month_start(p.month) for p in projection]
    _add_line(figure, x, [p.baseline for p in projection], BASELINE_TRACE, currency,
              {"color": theme.neutral, "dash": "dash", "width": 1.5})
    _add_line(figure, x, [p.scenario for p in projection], SCENARIO_TRACE, currency,
              {"color": theme.primary, "width": 3})
    if any(p.expenses is not None for p in projection):
        _add_line(figure, x, [p.expenses for p in projection], EXPENSES_TRACE, currency,
                  {"color": palette_colour(theme, 1), "dash": "dot", "width": 2})
    if any(p.cash is not None for p in projection):
        _add_cash_panel(figure, theme, x, projection, currency)
        if result.cash_out_month is not None:
            _add_cash_out_marker(figure, theme, result.cash_out_month, x)
        elif result.runway_months is not None:
            _add_runway_note(figure, theme, len(projection), result.runway_months)
    return figure


def month_name(month: str) -> str:
    """'YYYY-MM' as the month label the charts use: ``month_name("2026-11") == "Nov 2026"``."""
    year, number = month.split("-")
    return f"{_MONTH_NAMES[int(number) - 1]} {int(year)}"


# --- waterfall ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    """One bar of the waterfall: its axis label, signed value, Plotly measure, bar text and hover."""

    tick: str
    value: float
    measure: str
    text: str
    hover: str


@dataclass(frozen=True)
class _Loss:
    """The income lost from one client (or the collapsed "Other" group)."""

    label: str
    monthly: float
    share: float
    start: str | None  # 'YYYY-MM' of the earliest loss; None for the "Other" group
    is_other: bool = False


def _waterfall_steps(result: ScenarioResult, currency: str | None) -> list[_Step]:
    """Today, the losses, the recovery (only when > 0) and After, in that order."""
    base = result.baseline_monthly
    steps = [_Step(TODAY_LABEL, base, "absolute", short_money_label(base, currency),
                   f"<b>{TODAY_LABEL}</b><br>{money_label(base, currency)} per month")]
    for loss in _collapsed(_merged(result.lost_clients)):
        label = escape_label(loss.label)
        detail = f"{percent(loss.share)} of today's income"
        if loss.start is not None:
            detail += f"<br>from {month_name(loss.start)}"
        steps.append(
            _Step(
                tick=label if loss.is_other else escape_label(shorten_label(loss.label)),
                value=-loss.monthly,
                measure="relative",
                text=short_money_label(-loss.monthly, currency),
                hover=f"<b>{label}</b><br>Lost: {money_label(-loss.monthly, currency)} per month<br>{detail}",
            )
        )
    if result.recovered_monthly > 0:
        recovered = result.recovered_monthly
        steps.append(
            _Step(RECOVERY_LABEL, recovered, "relative", "+" + short_money_label(recovered, currency),
                  f"<b>{RECOVERY_LABEL}</b><br>New income: +{money_label(recovered, currency)} per month"
                  "<br>once the recovery is complete")
        )
    after = result.scenario_monthly
    change = after - base
    sign = "+" if change > 0 else ""
    change_share = f" ({sign}{percent(change / base)})" if base else ""
    steps.append(
        _Step(AFTER_LABEL, after, "total", short_money_label(after, currency),
              f"<b>{AFTER_LABEL}</b><br>{money_label(after, currency)} per month"
              f"<br>Change: {sign}{money_label(change, currency)}{change_share}")
    )
    return steps


def _merged(lost: Sequence[LostClient]) -> list[_Loss]:
    """One loss per client (several cuts of one client add up; the earliest start is kept),
    largest first; equal losses keep their input order."""
    by_client: dict[str, _Loss] = {}
    for item in lost:
        seen = by_client.get(item.client)
        if seen is None:
            by_client[item.client] = _Loss(item.client, item.monthly, item.share, item.start)
        else:
            by_client[item.client] = _Loss(
                item.client, seen.monthly + item.monthly, seen.share + item.share, min(seen.start, item.start)
            )
    return sorted(by_client.values(), key=lambda loss: -loss.monthly)


def _collapsed(losses: list[_Loss], max_bars: int = MAX_LOSS_BARS) -> list[_Loss]:
    """``losses`` (largest first) when they fit in ``max_bars``, else the largest ``max_bars − 1``
    and one "Other (N clients)" summing the rest."""
    if len(losses) <= max_bars:
        return losses
    kept, tail = losses[: max_bars - 1], losses[max_bars - 1:]
    other = _Loss(
        label=f"Other ({len(tail)} clients)",
        monthly=sum(loss.monthly for loss in tail),
        share=sum(loss.share for loss in tail),
        start=None,
        is_other=True,
    )
    return [*kept, other]


def _add_expenses_line(figure: go.Figure, theme: ChartTheme, expenses: float, currency: str | None) -> None:
    """A dashed horizontal line at the monthly expenses, labelled "Expenses €X" at its right end."""
    add_level_line(
        figure,
        expenses,
        f"Expenses {money_label(expenses, currency)}",
        name="expenses",
        colour=palette_colour(theme, 1),
        width=2,
        background=rgba(theme.background, 0.8),
        layer="above",
    )


def _loss_colour(theme: ChartTheme) -> str:
    """The muted red of the palette (burnt orange in the shipped theme) for income lost."""
    return palette_colour(theme, 5)


# --- projection ---------------------------------------------------------------------------------


def _add_line(
    figure: go.Figure, x: list[str], values: list[float | None], name: str, currency: str | None, line: dict
) -> None:
    """One money series as a line, its hover "Name: €1,234.56" (values are already escaped)."""
    figure.add_trace(
        go.Scatter(
            x=x,
            y=values,
            name=name,
            mode="lines",
            line=line,
            hovertext=[money_label(v, currency) if v is not None else "—" for v in values],
            hovertemplate=f"{name}: %{{hovertext}}<extra></extra>",
        )
    )


def _add_cash_panel(
    figure: go.Figure,
    theme: ChartTheme,
    x: list[str],
    projection: Sequence[MonthProjection],
    currency: str | None,
) -> None:
    """The cash balance as bars on a second y axis stacked under the income panel (same x axis, so
    the month's hover covers both), teal while positive and red once negative."""
    cash = [p.cash for p in projection]
    loss_colour = _loss_colour(theme)
    figure.add_trace(
        go.Bar(
            x=x,
            y=cash,
            name=CASH_TRACE,
            yaxis="y2",
            marker={
                "color": [rgba(loss_colour, 0.75) if c is not None and c < 0 else rgba(theme.primary, 0.35)
                          for c in cash],
                "line": {"width": 0},
            },
            hovertext=[money_label(c, currency) if c is not None else "—" for c in cash],
            hovertemplate=f"{CASH_TRACE}: %{{hovertext}}<extra></extra>",
        )
    )
    figure.update_layout(
        height=PROJECTION_HEIGHT,
        hoversubplots="axis",
        xaxis={"anchor": "y2"},
        yaxis={"domain": _INCOME_DOMAIN},
        yaxis2={
            "domain": _CASH_DOMAIN,
            "anchor": "x",
            "title": {"text": money_axis_title(CASH_TRACE, currency)},
            "zeroline": True,
            "zerolinecolor": theme.neutral,
            "zerolinewidth": 1,
        },
        bargap=0.25,
    )


def _add_cash_out_marker(figure: go.Figure, theme: ChartTheme, cash_out_month: str, x: list[str]) -> None:
    """A vertical line through both panels at the month the cash runs out, labelled between them."""
    at = _month_start(cash_out_month)
    on_right_half = x.index(at) > (len(x) - 1) / 2 if at in x else False
    add_marker_line(
        figure,
        at,
        f"<b>{CASH_OUT_TEXT}</b><br>{month_name(cash_out_month)}",
        name="cash-out",
        colour=_loss_colour(theme),
        dash="dash",
        width=1.5,
        on_right_half=on_right_half,
        background=rgba(theme.background, 0.85),
        # the label sits in the gap between the panels, where no line runs
        yref="y2 domain",
        y=1,
        yanchor="bottom",
        yshift=4,
        align="right" if on_right_half else "left",
    )


def _add_runway_note(figure: go.Figure, theme: ChartTheme, shown: int, runway: float) -> None:
    """When the cash outlasts the chart but not forever: how long it lasts, in the cash panel."""
    figure.add_annotation(
        xref="paper",
        x=1,
        xanchor="right",
        yref="y2 domain",
        y=1,
        yanchor="bottom",
        text=f"Cash lasts beyond {shown} months (runway {months(runway)})",
        showarrow=False,
        bgcolor=rgba(theme.background, 0.85),
        font={"color": theme.text, "size": 12},
        name="runway note",
    )


def _month_start(month: str) -> str:
    """'YYYY-MM' as the date of its first day, the x value of that month on the projection."""
    return f"{month}-01"
