"""Plotly figures of the revenue mix, for the diversification page: who the money comes from.

* :func:`treemap_chart` — revenue per client (grouped by category when there are categories);
* :func:`stacked_area_chart` — revenue per client month by month or quarter by quarter (or as
  shares of each period).

Like the other chart modules, the builders only return ``plotly.graph_objects.Figure`` objects (no
streamlit import), share the theme, base layout and helpers of :mod:`pages.chart_theme` and
HTML-escape every client name, category and formatted amount before it reaches a label, a legend
entry or a hover. Each client (or category) gets a palette colour in turn, greys skipped: grey is
"Other".
"""

from __future__ import annotations

import colorsys
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go

from analytics.formatting import number, percent
from analytics.over_time import PeriodRevenue
from pages.chart_theme import (
    PERCENT_TICKS, ChartTheme, base_layout, chart_theme, escape_label, hex_to_rgb, money_axis_title,
    money_label, month_axis, month_index, rgba, shorten_label, tint, with_empty_note,
)

TREEMAP_TITLE = "Where the money comes from"
STACKED_TITLE = "Monthly revenue by client"
STACKED_QUARTERLY_TITLE = "Quarterly revenue by client"
SHARE_SUFFIX = " — share"
UNCATEGORISED = "Uncategorised"
MAX_TREEMAP_CLIENTS = 200
"""Above this many clients the smallest become one "Other (N clients)" tile per category."""
MAX_AREA_SERIES = 12
"""At most this many areas: beyond it the last series (the smallest) are summed into "Other"."""

_GREYISH = 0.25  # palette colours below this HLS saturation look like the grey of "Other"


# --- treemap ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tile:
    """One rectangle of the treemap: a category, a client or a collapsed "Other" group."""

    id: str
    label: str  # as written (escaped when it reaches the figure)
    parent: str
    value: float
    share: float  # of the total
    group_share: float | None  # of its category; None for categories and without categories
    colour: str
    is_other: bool = False
    is_category: bool = False

    @property
    def shown_label(self) -> str:
        """What the tile shows: its name and share; a category's header has one line for both."""
        label = escape_label(self.label)
        return f"{label} · {percent(self.share)}" if self.is_category else label


def treemap_chart(
    clients: list[tuple[str, str | None, float, float]],
    currency: str | None,
    max_clients: int = MAX_TREEMAP_CLIENTS,
) -> go.Figure:
    """Revenue per client as a treemap, labelled with the name and share of the total.

    ``clients`` is ``(client, category or None, revenue, share)``, ``share`` a fraction of the total;
    clients with no positive revenue are left out. When any client has a category, clients are
    grouped under their category (``None`` is :data:`UNCATEGORISED`). Beyond ``max_clients``
    clients, the smallest are summed into one "Other (N clients)" tile per category (a single
    leftover client is shown as itself).
    """
    if max_clients < 1:
        raise ValueError(f"max_clients must be at least 1, got {max_clients}")
    theme = chart_theme()
    figure = go.Figure(layout=base_layout(theme, TREEMAP_TITLE))
    figure.update_layout(margin={"l": 8, "r": 8, "t": 48, "b": 8})
    positive = [(str(name), category, float(revenue), float(share))
                for name, category, revenue, share in clients if revenue > 0]
    if not positive:
        figure.update_layout(xaxis={"visible": False}, yaxis={"visible": False})
        return with_empty_note(figure)

    grouped = any(category is not None for _, category, _, _ in positive)
    tiles = _treemap_tiles(positive, grouped, max_clients, theme)
    figure.add_trace(
        go.Treemap(
            ids=[tile.id for tile in tiles],
            labels=[tile.shown_label for tile in tiles],
            parents=[tile.parent for tile in tiles],
            values=[tile.value for tile in tiles],
            branchvalues="total",
            text=["" if tile.is_category else percent(tile.share) for tile in tiles],
            textinfo="label+text",
            hovertext=[_tile_hover(tile, currency) for tile in tiles],
            hovertemplate="%{hovertext}<extra></extra>",
            marker={
                "colors": [tile.colour for tile in tiles],
                "line": {"color": theme.background, "width": 1},
                # room for the categories' header line; none without categories (the implied
                # root's empty header would otherwise leave a band under the title)
                "pad": {"t": 22, "l": 3, "r": 3, "b": 3} if grouped else {"t": 0, "l": 0, "r": 0, "b": 0},
            },
            pathbar={"visible": False},
            tiling={"pad": 2},
            textfont={"family": theme.font_family},
            name="Revenue",
        )
    )
    return figure


def _treemap_tiles(
    clients: list[tuple[str, str | None, float, float]], grouped: bool, max_clients: int, theme: ChartTheme
) -> list[_Tile]:
    """Categories (largest first, when ``grouped``), then the clients and "Other" tiles under them."""
    ranked = sorted(clients, key=lambda client: -client[2])
    kept_count = len(ranked) if len(ranked) <= max_clients + 1 else max_clients
    groups: dict[str, tuple[list, list]] = {}  # category -> (kept clients, collapsed clients)
    for index, (name, category, revenue, share) in enumerate(ranked):
        key = (category if category is not None else UNCATEGORISED) if grouped else ""
        kept, tail = groups.setdefault(key, ([], []))
        (kept if index < kept_count else tail).append((name, revenue, share))

    totals = {key: math.fsum(r for _, r, _ in kept + tail) for key, (kept, tail) in groups.items()}
    order = sorted(groups, key=lambda key: -totals[key])
    colours = _group_colours(theme, order)
    tiles: list[_Tile] = []
    client_tiles: list[_Tile] = []
    for g, key in enumerate(order):
        kept, tail = groups[key]
        parent = f"category:{g}" if grouped else ""
        if grouped:
            tiles.append(_Tile(parent, key, "", totals[key], math.fsum(s for _, _, s in kept + tail),
                               None, colours[key], is_category=True))
        largest = max(r for _, r, _ in kept + tail)
        if len(tail) == 1:
            kept, tail = kept + tail, []
        for name, revenue, share in kept:
            client_tiles.append(
                _Tile(f"client:{len(client_tiles)}", name, parent, revenue, share,
                      revenue / totals[key] if grouped else None,
                      tint(colours[key], theme.background, 0.45 + 0.55 * revenue / largest))
            )
        if tail:
            revenue = math.fsum(r for _, r, _ in tail)
            client_tiles.append(
                _Tile(f"other:{g}", f"Other ({number(len(tail))} clients)", parent, revenue,
                      math.fsum(s for _, _, s in tail), revenue / totals[key] if grouped else None,
                      tint(theme.neutral, theme.background, 0.55), is_other=True)
            )
    return tiles + client_tiles


def _group_colours(theme: ChartTheme, keys: Sequence[str]) -> dict[str, str]:
    """A palette colour per category in turn (greys skipped), the neutral for "Uncategorised"."""
    colours = _series_colours(theme)
    result, turn = {}, 0
    for key in keys:
        if key == UNCATEGORISED:
            result[key] = theme.neutral
        else:
            result[key] = colours[turn % len(colours)]
            turn += 1
    return result


def _tile_hover(tile: _Tile, currency: str | None) -> str:
    """Name, revenue, share of the total and, for a client in a category, share of the category."""
    lines = [f"<b>{escape_label(tile.label)}</b>", f"Revenue: {money_label(tile.value, currency)}",
             f"{percent(tile.share)} of total"]
    if tile.group_share is not None:
        lines.append(f"{percent(tile.group_share)} of its category")
    return "<br>".join(lines)


# --- stacked area -------------------------------------------------------------------------------


def stacked_area_chart(
    points: list[PeriodRevenue],
    currency: str | None,
    as_percent: bool = False,
    grain: str | None = None,
) -> go.Figure:
    """Revenue per client per month (or quarter) as stacked areas, one per client or bucket, in the
    order of ``points`` (the first at the bottom); "Other (N clients)" buckets (points with
    ``other_clients`` > 0) are grey and on top.

    ``as_percent`` normalises each period to 100% (``groupnorm="percent"``). ``grain`` is
    ``"month"`` or ``"quarter"``; ``None`` detects quarters from the periods (all quarter starts, at
    least three months apart). Periods without revenue inside the range count as zero. More than
    :data:`MAX_AREA_SERIES` series keep the first ``MAX_AREA_SERIES − 1`` and sum the rest into one
    "Other (N clients)" area. The hover shows every client's revenue and share of the period.
    """
    if grain not in (None, "month", "quarter"):
        raise ValueError(f"grain must be 'month' or 'quarter', got {grain!r}")
    theme = chart_theme()
    quarterly = grain == "quarter" or (grain is None and _looks_quarterly([p.period for p in points]))
    title = STACKED_QUARTERLY_TITLE if quarterly else STACKED_TITLE
    per = "quarter" if quarterly else "month"
    figure = go.Figure(layout=base_layout(theme, title + (SHARE_SUFFIX if as_percent else "")))
    y_axis = (
        {"title": {"text": f"Share of {per}ly revenue"}, "range": [0, 100], **PERCENT_TICKS}
        if as_percent
        else {"title": {"text": money_axis_title(f"Revenue per {per}", currency)}, "rangemode": "tozero"}
    )
    figure.update_layout(
        hovermode="x unified",
        xaxis={"title": {"text": "Quarter" if quarterly else "Month"}, "showgrid": False},
        yaxis=y_axis,
    )
    if not points:
        return with_empty_note(figure)

    step = 3 if quarterly else 1
    periods = _period_range(min(p.period for p in points), max(p.period for p in points), step)
    series = _capped(_rows(points, periods, step), MAX_AREA_SERIES)
    totals = [math.fsum(row.values[i] for row in series) for i in range(len(periods))]
    if quarterly:
        x: list = [quarter_name(period) for period in periods]
        figure.update_xaxes(type="category")
    else:
        x = list(periods)
        figure.update_xaxes(**month_axis(periods))
    turn = 0
    for row in series:
        if row.other_clients:
            colour = theme.neutral
        else:
            colour, turn = _series_colour(theme, turn), turn + 1
        label = escape_label(row.name)
        values = row.values
        figure.add_trace(
            go.Scatter(
                x=x,
                y=values,
                name=label if row.other_clients else escape_label(shorten_label(row.name)),
                mode="lines",
                stackgroup="revenue",
                groupnorm="percent" if as_percent else "",
                line={"color": colour, "width": 0.5},
                fillcolor=rgba(colour, 0.8),
                hovertext=[
                    f"{label}: {money_label(value, currency)}"
                    + (f" ({percent(value / total)})" if total > 0 else "")
                    for value, total in zip(values, totals, strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    # A column beside the plot, its top entry the top of the stack: client counts vary, and a row
    # of them above the plot would crowd the title.
    figure.update_layout(
        legend={"orientation": "v", "traceorder": "reversed", "x": 1.01, "xanchor": "left",
                "y": 1, "yanchor": "top"},
        margin={"r": 8},
    )
    return figure


@dataclass
class _Row:
    """One area: a client's (or a bucket's) revenue per period; ``other_clients`` is N for a bucket
    of N clients, 0 for a named client."""

    name: str
    values: list[float]
    other_clients: int = 0


def _rows(points: Sequence[PeriodRevenue], periods: list[date], step: int) -> list[_Row]:
    """Revenue of each client in each of ``periods`` (a date counts in the month or quarter it falls
    in; periods without revenue are zero), clients in order of first appearance."""
    at = {period: i for i, period in enumerate(periods)}
    rows: dict[tuple[str, bool], _Row] = {}
    for point in points:
        key = (str(point.client), point.other_clients > 0)
        row = rows.setdefault(key, _Row(key[0], [0.0] * len(periods)))
        row.values[at[_period_start(point.period, step)]] += float(point.revenue)
        row.other_clients = max(row.other_clients, point.other_clients)
    return list(rows.values())


def _capped(rows: list[_Row], max_series: int) -> list[_Row]:
    """``rows`` with any "Other" bucket moved last when there are at most ``max_series``, else the
    first ``max_series − 1`` clients and one "Other (N clients)" row, last, summing the rest (an
    "Other" bucket among them included)."""
    clients = [row for row in rows if not row.other_clients]
    buckets = [row for row in rows if row.other_clients]
    if len(rows) <= max_series:
        return clients + buckets
    kept, rest = clients[: max_series - 1], clients[max_series - 1:] + buckets
    count = sum(row.other_clients or 1 for row in rest)
    summed = [math.fsum(column) for column in zip(*(row.values for row in rest), strict=True)]
    return [*kept, _Row(f"Other ({number(count)} clients)", summed, count)]


# --- periods ------------------------------------------------------------------------------------


def quarter_name(period: date) -> str:
    """The quarter of ``period``: ``quarter_name(date(2026, 10, 1)) == "2026-Q4"``."""
    return f"{period.year}-Q{(period.month - 1) // 3 + 1}"


def _looks_quarterly(periods: Sequence[date]) -> bool:
    """True when there are at least two distinct periods, all first days of a quarter, and
    consecutive ones are at least three months apart."""
    distinct = sorted(set(periods))
    if len(distinct) < 2 or any(p.day != 1 or (p.month - 1) % 3 for p in distinct):
        return False
    steps = [month_index(b) - month_index(a) for a, b in zip(distinct, distinct[1:])]
    return min(steps) >= 3


def _period_range(first: date, last: date, step_months: int) -> list[date]:
    """First days of every month (or quarter, ``step_months=3``) from ``first`` to ``last``."""
    start = month_index(_period_start(first, step_months))
    end = month_index(_period_start(last, step_months))
    return [date(i // 12, i % 12 + 1, 1) for i in range(start, end + 1, step_months)]


def _period_start(day: date, step_months: int) -> date:
    """The first day of the month (``step_months=1``) or quarter (3) that ``day`` falls in."""
    return date(day.year, (day.month - 1) // step_months * step_months + 1, 1)



# --- series colours -----------------------------------------------------------------------------


def _series_colour(theme: ChartTheme, turn: int) -> str:
    """The colour of the ``turn``-th client series: the palette's colours in turn, darker (mixed
    with the text colour) on each further round, so a second round differs from the first."""
    colours = _series_colours(theme)
    round_, index = divmod(turn, len(colours))
    return tint(colours[index], theme.text, max(0.4, 1 - 0.3 * round_))


def _series_colours(theme: ChartTheme) -> tuple[str, ...]:
    """The palette without its greys (they would read as "Other"); the primary alone when nothing
    else is left."""
    colourful = tuple(c for c in theme.palette if c != theme.neutral and not _is_greyish(c))
    return colourful or (theme.primary,)


def _is_greyish(colour: str) -> bool:
    """Whether ``#RRGGBB`` is nearly grey (low saturation); other notations count as colourful."""
    rgb = hex_to_rgb(colour)
    if rgb is None:
        return False
    _, _, saturation = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    return saturation < _GREYISH
