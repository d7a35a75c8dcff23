"""Plotly figures for the overview page: the Pareto chart and the Lorenz curve.

The builders only return ``plotly.graph_objects.Figure`` objects; pages show them with
``st.plotly_chart(fig)``. No streamlit import here, so the figures are testable on their own.

One theme
    Colours and the font come from ``.streamlit/config.toml`` (``[theme]``: ``primaryColor``,
    ``backgroundColor``, ``secondaryBackgroundColor``, ``textColor``, ``font`` and
    ``chartCategoricalColors``), read once with ``tomllib``. When the palette is not configured it
    is derived from the primary colour. Missing file or keys fall back to the same defaults the
    config ships with, so a figure can always be built.

Client names are data
    Plotly renders a subset of HTML in tick labels, hover labels and annotations, so every string
    that comes from the user's data (client names, and currency codes inside formatted money) is
    HTML-escaped (``<``, ``>``, ``&``) before it reaches the figure.

Numbers are formatted with :mod:`analytics.formatting`, the same style as the rest of the app.
"""

from __future__ import annotations

import colorsys
import html
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import plotly.graph_objects as go

from analytics.formatting import currency_symbol, money, number, percent

CONFIG_PATH = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"
"""Where the Streamlit theme lives; the charts read their colours from it."""

PARETO_TITLE = "Pareto: who brings the revenue"
PARETO_THRESHOLD = 0.80
"""The share of revenue the Pareto chart marks (the "80" of the 80/20 rule)."""

CHART_HEIGHT = 400
"""Pixels; fits a laptop screen with the page's header and KPI cards above it."""

MAX_TICK_LABEL = 14
"""Client names longer than this are shortened on the x axis (the hover shows them whole)."""

# Ticks every 20 points on an axis in percent units. (Plotly ignores ticksuffix with tickmode "array".)
_PERCENT_TICKS = {"tickmode": "linear", "tick0": 0, "dtick": 20, "ticksuffix": "%"}

_MANY_BARS = 10
"""Above this many bars the client names are slanted so they fit under their bars."""

_EPSILON = 1e-9  # tolerance for "cumulative share reached 80%" with float sums

_DEFAULT_THEME = {
    "primaryColor": "#0F766E",
    "backgroundColor": "#FFFFFF",
    "secondaryBackgroundColor": "#F3F4F6",
    "textColor": "#1F2937",
    "font": "sans-serif",
}

# Streamlit's generic font names, as the browser gets them in the app.
_FONT_FAMILIES = {
    "sans-serif": '"Source Sans", "Source Sans Pro", sans-serif',
    "serif": '"Source Serif", "Source Serif Pro", serif',
    "monospace": '"Source Code Pro", monospace',
}


@dataclass(frozen=True)
class ChartTheme:
    """The colours and font every chart uses."""

    primary: str
    background: str
    secondary_background: str
    text: str
    font_family: str
    palette: tuple[str, ...]
    """Qualitative colours, primary first; palette[1] is the accent for a second series."""
    neutral: str
    """Grey for reference lines and the collapsed "Other" bar."""


@lru_cache(maxsize=1)
def chart_theme(config_path: Path = CONFIG_PATH) -> ChartTheme:
    """The theme read from ``config_path`` (Streamlit's ``config.toml``), defaults filling gaps."""
    section = _read_theme_section(config_path)
    colours = {key: str(section.get(key, default)) for key, default in _DEFAULT_THEME.items()}
    primary = colours["primaryColor"]
    configured = section.get("chartCategoricalColors")
    if isinstance(configured, list) and configured and all(isinstance(c, str) for c in configured):
        palette = tuple(configured)
    else:
        palette = derived_palette(primary)
    first_font = colours["font"].split(",")[0].strip().strip("\"'")
    font_family = _FONT_FAMILIES.get(first_font, colours["font"])
    return ChartTheme(
        primary=primary,
        background=colours["backgroundColor"],
        secondary_background=colours["secondaryBackgroundColor"],
        text=colours["textColor"],
        font_family=font_family,
        palette=palette,
        neutral="#64748B",
    )


def derived_palette(primary: str) -> tuple[str, ...]:
    """Six qualitative colours harmonised with ``primary``: the primary itself, then its complement
    and further hue turns of it at the same saturation and a mid lightness (0.4–0.6). A colour that
    is not ``#RRGGBB`` gets the default teal palette's companions."""
    rgb = _hex_to_rgb(primary)
    if rgb is None:
        return (primary, "#D97706", "#64748B", "#5EAAA8", "#7C6FAE", "#C2410C")
    hue, lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    turns = (0.5, 0.25, 0.75, 0.125, 0.625)
    mid_lightness = min(0.6, max(0.4, lightness))  # keep the companions neither muddy nor pale
    derived = [primary]
    for turn in turns:
        r, g, b = colorsys.hls_to_rgb((hue + turn) % 1.0, mid_lightness, saturation)
        derived.append(_rgb_to_hex((r * 255, g * 255, b * 255)))
    return tuple(derived)


def rgba(colour: str, alpha: float) -> str:
    """``#RRGGBB`` as a CSS ``rgba(...)`` string with ``alpha`` opacity (for fills)."""
    rgb = _hex_to_rgb(colour)
    if rgb is None:
        return colour
    return f"rgba({rgb[0]}, {rgb[1]}, {rgb[2]}, {alpha})"


def escape_label(text: str) -> str:
    """``text`` safe for Plotly's HTML-like labels: ``<``, ``>`` and ``&`` become entities."""
    return html.escape(str(text), quote=False)


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
    figure = go.Figure(layout=_base_layout(theme, PARETO_TITLE))
    revenue_title = _revenue_axis_title(currency)
    figure.update_layout(
        xaxis={"title": {"text": "Client"}, "showgrid": False},
        yaxis={"title": {"text": revenue_title}, "rangemode": "tozero"},
        yaxis2={
            "title": {"text": "Cumulative share"},
            "overlaying": "y",
            "side": "right",
            "range": [0, 105],
            **_PERCENT_TICKS,
            "showgrid": False,
            "zeroline": False,
        },
    )
    if not clients:
        return _with_empty_note(figure)

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
        **bar_ticks([escape_label(bar.label if bar.is_other else _shorten(bar.label)) for bar in bars])
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
    figure = go.Figure(layout=_base_layout(theme, title))
    percent_axis = {
        "range": [0, 100],
        **_PERCENT_TICKS,
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
        return _with_empty_note(figure)

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
        f"Revenue: {escape_label(money(bar.revenue, currency))}<br>"
        f"Share: {percent(bar.share)}<br>"
        f"Cumulative share: {percent(bar.cumulative_percent / 100)}"
    )


def _add_threshold_line(figure: go.Figure, theme: ChartTheme) -> None:
    """The dashed horizontal line at 80% on the cumulative-share axis, labelled "80%"."""
    add_level_line(figure, PARETO_THRESHOLD * 100, "80%", name="80%", colour=theme.neutral, width=1, yref="y2")


def add_level_line(
    figure: go.Figure,
    level: float,
    text: str,
    *,
    name: str,
    colour: str,
    width: float,
    yref: str = "y",
    background: str | None = None,
    layer: str | None = None,
) -> None:
    """A dashed horizontal line across the plot at ``level`` (on the ``yref`` axis), labelled
    ``text`` just above its right end; the shape is named "<name> line", the label "<name> label".
    ``background`` fills the label's box and ``layer`` places the line (Plotly's defaults when None)."""
    figure.add_shape(
        type="line",
        xref="paper",
        x0=0,
        x1=1,
        yref=yref,
        y0=level,
        y1=level,
        line={"color": colour, "dash": "dash", "width": width},
        layer=layer,
        name=f"{name} line",
    )
    figure.add_annotation(
        xref="paper",
        x=1,
        xanchor="right",
        yref=yref,
        y=level,
        yanchor="bottom",
        text=text,
        showarrow=False,
        bgcolor=background,
        font={"color": colour, "size": 12},
        name=f"{name} label",
    )


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


def add_marker_line(
    figure: go.Figure,
    x: object,
    text: str,
    *,
    name: str,
    colour: str,
    dash: str,
    width: float,
    on_right_half: bool,
    background: str,
    **placement: object,
) -> None:
    """A vertical line through the whole plot at ``x`` (on the x axis) with the label ``text``
    beside it, on its left when ``on_right_half`` (so it stays inside the plot), else on its right;
    ``placement`` (yref, y, yanchor, …) puts the label vertically. The shape is named
    "<name> marker", the label "<name> label"."""
    figure.add_shape(
        type="line",
        xref="x",
        x0=x,
        x1=x,
        yref="paper",
        y0=0,
        y1=1,
        line={"color": colour, "dash": dash, "width": width},
        name=f"{name} marker",
    )
    figure.add_annotation(
        xref="x",
        x=x,
        xanchor="right" if on_right_half else "left",
        xshift=-4 if on_right_half else 4,
        text=text,
        showarrow=False,
        bgcolor=background,
        font={"color": colour, "size": 12},
        name=f"{name} label",
        **placement,
    )


def bar_ticks(labels: Sequence[str]) -> dict:
    """x-axis settings for bars at positions 0, 1, …: one tick per bar with its (escaped) label,
    slanted above :data:`_MANY_BARS` bars, and half a bar of room at either end."""
    return {
        "tickmode": "array",
        "tickvals": list(range(len(labels))),
        "ticktext": list(labels),
        "tickangle": -45 if len(labels) > _MANY_BARS else 0,
        "range": [-0.6, len(labels) - 0.4],
    }


def _base_layout(theme: ChartTheme, title: str) -> go.Layout:
    """What every chart shares: template, font, colours, height, tight margins, legend on top."""
    return go.Layout(
        template="plotly_white",
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        font={"family": theme.font_family, "color": theme.text, "size": 13},
        colorway=list(theme.palette),
        paper_bgcolor=theme.background,
        plot_bgcolor=theme.background,
        height=CHART_HEIGHT,
        margin={"l": 56, "r": 56, "t": 56, "b": 48},
        separators=".,",
        hovermode="closest",
        hoverlabel={"font": {"family": theme.font_family}, "bgcolor": theme.background},
        legend={
            "orientation": "h",
            "x": 1,
            "xanchor": "right",
            "y": 1.02,
            "yanchor": "bottom",
            "bgcolor": "rgba(0, 0, 0, 0)",
        },
    )


def _with_empty_note(figure: go.Figure) -> go.Figure:
    """Mark a figure that has no data to show, so the page is not an empty frame."""
    figure.add_annotation(
        xref="paper",
        x=0.5,
        yref="paper",
        y=0.5,
        text="No income to show yet",
        showarrow=False,
        font={"size": 14},
        name="empty note",
    )
    return figure


def _revenue_axis_title(currency: str | None) -> str:
    """``"Revenue (€)"``, ``"Revenue (XYZ)"`` for a code without symbol, ``"Revenue"`` for none."""
    symbol = currency_symbol(currency)
    return f"Revenue ({escape_label(symbol)})" if symbol else "Revenue"


def _shorten(label: str) -> str:
    """``label`` cut to :data:`MAX_TICK_LABEL` characters with an ellipsis when longer."""
    if len(label) <= MAX_TICK_LABEL:
        return label
    return label[: MAX_TICK_LABEL - 1].rstrip() + "…"


def _read_theme_section(config_path: Path) -> dict:
    """The ``[theme]`` table of ``config_path``, or ``{}`` when the file is missing or invalid."""
    try:
        with config_path.open("rb") as handle:
            config = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    section = config.get("theme", {})
    return section if isinstance(section, dict) else {}


def _hex_to_rgb(colour: str) -> tuple[int, int, int] | None:
    """``#RRGGBB`` (or ``#RGB``) as integers, ``None`` for anything else."""
    digits = colour.strip().lstrip("#") if colour.strip().startswith("#") else ""
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    if len(digits) != 6:
        return None
    try:
        return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
    except ValueError:
        return None


def _rgb_to_hex(rgb: tuple[float, float, float]) -> str:
    """Channels 0–255 as ``#RRGGBB``."""
    return "#" + "".join(f"{max(0, min(255, round(c))):02X}" for c in rgb)
