"""Plotly figures of revenue by client tenure, for the diversification page: how much of the
revenue comes from new, established and long-standing clients, and how each cohort's revenue holds up.

* :func:`new_returning_chart` and :func:`tenure_chart` — each month's revenue by client age;
* :func:`cohort_heatmap` — revenue retention of each first-payment quarter's clients.

Like the other chart modules, the builders only return ``plotly.graph_objects.Figure`` objects (no
streamlit import), share the theme, base layout and helpers of :mod:`pages.chart_theme` and
HTML-escape every cohort label and formatted amount before it reaches a label or a hover. The
primary teal is the established business (returning clients, 2+ years, retention grown), the amber
what is new (new clients, first year) and the burnt orange revenue lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TypeVar

import plotly.graph_objects as go

from analytics.client_mix import CohortCell, NewReturningPoint, TenurePoint
from analytics.formatting import number, percent
from pages.chart_theme import (
    ChartTheme, base_layout, chart_theme, escape_label, legend_under_title, money_axis_title, money_label,
    month_axis, palette_colour, tint, with_empty_note,
)

NEW_RETURNING_TITLE = "Revenue from new vs returning clients"
TENURE_TITLE = "Revenue by client tenure"
COHORT_TITLE = "Revenue retention by client cohort"
RETURNING_TRACE = "Returning clients"
NEW_TRACE = "New clients"
FIRST_YEAR_TRACE = "First year"
ONE_TO_TWO_TRACE = "1–2 years"
TWO_PLUS_TRACE = "2+ years"

RETENTION_CAP = 150.0
"""Retention (in %) at which the heatmap's colour scale stops; higher values keep that colour."""
MAX_LABELLED_CELLS = 16
"""With more cohorts or quarters than this, the heatmap's cells carry no text (hover only)."""

_MonthPoint = TypeVar("_MonthPoint", NewReturningPoint, TenurePoint)


# --- new vs returning, tenure -------------------------------------------------------------------


def new_returning_chart(points: list[NewReturningPoint], currency: str | None) -> go.Figure:
    """Each month's revenue as stacked bars: returning clients (below) and new clients (above);
    the hover shows both amounts, their shares and how many clients were new."""
    theme = chart_theme()
    figure, ordered = _monthly_bars_figure(theme, NEW_RETURNING_TITLE, currency, points)
    if not ordered:
        return figure
    months = [p.month for p in ordered]
    totals = [p.new + p.returning for p in ordered]
    _add_bars(figure, months, [p.returning for p in ordered], totals, RETURNING_TRACE, theme.primary, currency,
              [_from_clients(p.returning_clients, "returning") if p.returning_clients else ""
               for p in ordered])
    _add_bars(figure, months, [p.new for p in ordered], totals, NEW_TRACE, palette_colour(theme, 1), currency,
              [_from_clients(p.new_clients, "new") for p in ordered])
    return figure


def _from_clients(count: int, kind: str) -> str:
    """`` from 3 new clients`` — the end of a bar's hover line."""
    return f" from {number(count)} {kind} {'client' if count == 1 else 'clients'}"


def tenure_chart(points: list[TenurePoint], currency: str | None) -> go.Figure:
    """Each month's revenue as stacked bars by how long the paying clients have been clients:
    2+ years at the bottom, then 1–2 years, then the first year on top (legend in reading order)."""
    theme = chart_theme()
    figure, ordered = _monthly_bars_figure(theme, TENURE_TITLE, currency, points)
    if not ordered:
        return figure
    months = [p.month for p in ordered]
    totals = [p.first_year + p.one_to_two_years + p.two_plus_years for p in ordered]
    for name, values, colour in (
        (TWO_PLUS_TRACE, [p.two_plus_years for p in ordered], theme.primary),
        (ONE_TO_TWO_TRACE, [p.one_to_two_years for p in ordered], palette_colour(theme, 3)),
        (FIRST_YEAR_TRACE, [p.first_year for p in ordered], palette_colour(theme, 1)),
    ):
        _add_bars(figure, months, values, totals, name, colour, currency)
    return figure


def _monthly_bars_figure(
    theme: ChartTheme, title: str, currency: str | None, points: Sequence[_MonthPoint]
) -> tuple[go.Figure, list[_MonthPoint]]:
    """The frame of a stacked monthly bar chart (money axis, one hover per month) and ``points`` in
    month order: the month axis spans their months; without points the figure has the empty note."""
    figure = go.Figure(layout=base_layout(theme, title))
    figure.update_layout(
        barmode="stack",
        bargap=0.2,
        hovermode="x unified",
        xaxis={"title": {"text": "Month"}, "showgrid": False},
        yaxis={"title": {"text": money_axis_title("Revenue per month", currency)}, "rangemode": "tozero"},
        legend={"traceorder": "reversed"},  # the top of the stack first
    )
    legend_under_title(figure)
    if not points:
        return with_empty_note(figure), []
    ordered = sorted(points, key=lambda p: p.month)
    figure.update_xaxes(**month_axis([p.month for p in ordered]))
    return figure, ordered


def _add_bars(
    figure: go.Figure,
    months: list[date],
    values: list[float],
    totals: list[float],
    name: str,
    colour: str,
    currency: str | None,
    extra: list[str] | None = None,
) -> None:
    """One stacked bar series; its hover "Name: €1,234.00 (45.0%)" and ``extra`` per month."""
    extra = extra or [""] * len(values)
    figure.add_trace(
        go.Bar(
            x=months,
            y=values,
            name=name,
            marker={"color": colour, "line": {"width": 0}},
            hovertext=[
                f"{name}: {money_label(value, currency)}"
                + (f" ({percent(value / total)})" if total > 0 else "") + more
                for value, total, more in zip(values, totals, extra, strict=True)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )


# --- cohort heatmap -----------------------------------------------------------------------------


def cohort_heatmap(cells: list[CohortCell], currency: str | None) -> go.Figure:
    """Revenue retention per cohort (rows: the quarter of the clients' first payment, oldest at the
    top) and quarter since that first one (columns "Q+0", "Q+1", …). The colour is the retention
    in % (100% is the cohort's first quarter), the scale capped at :data:`RETENTION_CAP`; cells show
    the retention (up to :data:`MAX_LABELLED_CELLS` rows and columns) and the hover the cohort,
    quarter, revenue and paying clients."""
    theme = chart_theme()
    figure = go.Figure(layout=base_layout(theme, COHORT_TITLE))
    figure.update_layout(
        xaxis={"title": {"text": "Quarters since the first payment"}, "showgrid": False, "side": "bottom"},
        yaxis={"title": {"text": "Cohort (first payment)"}, "showgrid": False, "autorange": "reversed"},
    )
    if not cells:
        return with_empty_note(figure)

    cohorts = sorted({cell.cohort for cell in cells})
    width = max(cell.quarters_since for cell in cells) + 1
    row = {cohort: i for i, cohort in enumerate(cohorts)}
    z: list[list[float | None]] = [[None] * width for _ in cohorts]
    text: list[list[str]] = [[""] * width for _ in cohorts]
    hover: list[list[str]] = [[""] * width for _ in cohorts]
    for cell in cells:
        i, j = row[cell.cohort], cell.quarters_since
        if j < 0:
            continue
        z[i][j] = cell.retention * 100
        text[i][j] = percent(cell.retention, 0)
        hover[i][j] = (
            f"<b>Cohort {escape_label(cell.cohort)}</b><br>"
            f"{escape_label(cell.quarter)} (Q+{j})<br>"
            f"Revenue: {money_label(cell.revenue, currency)}<br>"
            f"Retention: {percent(cell.retention)}<br>"
            f"Paying clients: {number(cell.clients)}"
            + (f" of {number(cell.cohort_clients)}" if cell.cohort_clients else "")
        )
    labelled = len(cohorts) <= MAX_LABELLED_CELLS and width <= MAX_LABELLED_CELLS
    figure.add_trace(
        go.Heatmap(
            x=[f"Q+{j}" for j in range(width)],
            y=[escape_label(cohort) for cohort in cohorts],
            z=z,
            zmin=0,
            zmax=RETENTION_CAP,
            zauto=False,
            colorscale=_retention_scale(theme),
            text=text,
            texttemplate="%{text}" if labelled else "",
            textfont={"size": 11},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            hoverongaps=False,
            xgap=2,
            ygap=2,
            colorbar={
                "title": {"text": "Retention", "side": "right"},
                "tickmode": "array",
                "tickvals": [0, 50, 100, RETENTION_CAP],
                "ticktext": ["0%", "50%", "100%", f"{RETENTION_CAP:g}%+"],
                "thickness": 12,
                "outlinewidth": 0,
            },
            name="Retention",
        )
    )
    figure.update_xaxes(type="category")
    figure.update_yaxes(type="category")
    return figure


def _retention_scale(theme: ChartTheme) -> list[list]:
    """Burnt orange (0%) through a pale middle (100%, revenue kept) to the primary teal (the cap,
    revenue grown)."""
    keep = 100 / RETENTION_CAP
    return [
        [0.0, palette_colour(theme, 5)],
        [keep / 2, tint(palette_colour(theme, 5), theme.background, 0.45)],
        [keep, theme.secondary_background],
        [1.0, theme.primary],
    ]
