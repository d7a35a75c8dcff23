"""What every Plotly chart of the app shares: the theme, the base layout and the helpers the chart
modules (:mod:`pages.charts`, :mod:`pages.scenario_charts`, :mod:`pages.revenue_mix_charts`,
:mod:`pages.concentration_charts`, :mod:`pages.client_tenure_charts`) build their figures with.

No streamlit import here, so the figures are testable on their own.

One theme
    Colours and the font come from ``.streamlit/config.toml`` (``[theme]``: ``primaryColor``,
    ``backgroundColor``, ``secondaryBackgroundColor``, ``textColor``, ``font`` and
    ``chartCategoricalColors``), read once with ``tomllib``. When the palette is not configured it
    is derived from the primary colour. Missing file or keys fall back to the same defaults the
    config ships with, so a figure can always be built.

Client names are data
    Plotly renders a subset of HTML in tick labels, hover labels and annotations, so every string
    that comes from the user's data (client names, and currency codes inside formatted money) is
    HTML-escaped (``<``, ``>``, ``&``) before it reaches the figure: :func:`escape_label`, and the
    money helpers below that return escaped text.

Numbers are formatted with :mod:`analytics.formatting`, the same style as the rest of the app.
"""

from __future__ import annotations

import colorsys
import html
import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from analytics.formatting import currency_symbol, money, money_short

CONFIG_PATH = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"
"""Where the Streamlit theme lives; the charts read their colours from it."""

CHART_HEIGHT = 400
"""Pixels; fits a laptop screen with the page's header and KPI cards above it."""

MAX_TICK_LABEL = 14
"""Client names longer than this are shortened on the x axis (the hover shows them whole)."""

PERCENT_TICKS = {"tickmode": "linear", "tick0": 0, "dtick": 20, "ticksuffix": "%"}
"""Axis settings for ticks every 20 points on an axis in percent units (0–100). Plotly ignores
``ticksuffix`` with tickmode "array", hence "linear"."""

_MANY_BARS = 10
"""Above this many bars the client names are slanted so they fit under their bars."""

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


# --- theme and colours --------------------------------------------------------------------------


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
    rgb = hex_to_rgb(primary)
    if rgb is None:
        return (primary, "#D97706", "#64748B", "#5EAAA8", "#7C6FAE", "#C2410C")
    hue, lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    turns = (0.5, 0.25, 0.75, 0.125, 0.625)
    mid_lightness = min(0.6, max(0.4, lightness))  # keep the companions neither muddy nor pale
    derived = [primary]
    for turn in turns:
        r, g, b = colorsys.hls_to_rgb((hue + turn) % 1.0, mid_lightness, saturation)
        derived.append(rgb_to_hex((r * 255, g * 255, b * 255)))
    return tuple(derived)


def palette_colour(theme: ChartTheme, index: int) -> str:
    """The palette's colour at ``index``, wrapping around a shorter palette (in the shipped theme
    1 is the amber, 5 the burnt orange of losses and risk)."""
    return theme.palette[index % len(theme.palette)]


def rgba(colour: str, alpha: float) -> str:
    """``#RRGGBB`` as a CSS ``rgba(...)`` string with ``alpha`` opacity (for fills)."""
    rgb = hex_to_rgb(colour)
    if rgb is None:
        return colour
    return f"rgba({rgb[0]}, {rgb[1]}, {rgb[2]}, {alpha})"


def tint(colour: str, base: str, strength: float) -> str:
    """``colour`` mixed with ``base``: ``strength`` 1 is the colour itself, 0 is ``base``.
    An opaque colour, so Plotly picks a readable text colour on it."""
    fg, bg = hex_to_rgb(colour), hex_to_rgb(base)
    if fg is None or bg is None:
        return colour
    strength = min(1.0, max(0.0, strength))
    return rgb_to_hex(tuple(b + (f - b) * strength for f, b in zip(fg, bg, strict=True)))


def hex_to_rgb(colour: str) -> tuple[int, int, int] | None:
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


def rgb_to_hex(rgb: tuple[float, float, float]) -> str:
    """Channels 0–255 (rounded and clamped) as ``#RRGGBB``."""
    return "#" + "".join(f"{max(0, min(255, round(c))):02X}" for c in rgb)


def _read_theme_section(config_path: Path) -> dict:
    """The ``[theme]`` table of ``config_path``, or ``{}`` when the file is missing or invalid."""
    try:
        with config_path.open("rb") as handle:
            config = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    section = config.get("theme", {})
    return section if isinstance(section, dict) else {}


# --- labels -------------------------------------------------------------------------------------


def escape_label(text: str) -> str:
    """``text`` safe for Plotly's HTML-like labels: ``<``, ``>`` and ``&`` become entities."""
    return html.escape(str(text), quote=False)


def shorten_label(label: str) -> str:
    """``label`` cut to :data:`MAX_TICK_LABEL` characters with an ellipsis when longer (not
    escaped: escape the result)."""
    if len(label) <= MAX_TICK_LABEL:
        return label
    return label[: MAX_TICK_LABEL - 1].rstrip() + "…"


def money_label(amount: float, currency: str | None) -> str:
    """``amount`` in full (``€1,234.56``), escaped for a label."""
    return escape_label(money(amount, currency))


def short_money_label(amount: float, currency: str | None) -> str:
    """``amount`` compacted for a bar's text (``€7.0k``), escaped."""
    return escape_label(money_short(amount, currency))


def money_axis_title(text: str, currency: str | None) -> str:
    """``"Income per month (€)"``; the code when it has no symbol; no parentheses without currency."""
    symbol = currency_symbol(currency)
    return f"{text} ({escape_label(symbol)})" if symbol else text


# --- layout -------------------------------------------------------------------------------------


#: Plotly's "plotly_white" look (white ground, light grid) without its per-trace-type defaults for
#: some fifty trace types, which every figure would deep-copy and which our charts set themselves:
#: building a figure with the full template took about half of a scenario page rerun.
LAYOUT_TEMPLATE = go.layout.Template(layout=pio.templates["plotly_white"].layout)


def base_layout(theme: ChartTheme, title: str) -> go.Layout:
    """What every chart shares: template, font, colours, height, tight margins, legend on top."""
    return go.Layout(
        template=LAYOUT_TEMPLATE,
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


def with_empty_note(figure: go.Figure) -> go.Figure:
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


def legend_under_title(figure: go.Figure) -> None:
    """Title in the top left corner and the (one-row) legend left-aligned under it, so that a long
    title and the legend do not overlap on a narrow screen."""
    figure.update_layout(
        title={"yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 12}},
        legend={"x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
        margin={"t": 76},
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


def month_axis(months: Sequence[date]) -> dict:
    """A date x axis labelled "Nov 2026": ticks every 1, 3, 6 or 12 months (at most about six
    ticks), aligned on the first month; the unified hover's header in the same format."""
    count = month_index(max(months)) - month_index(min(months)) + 1
    step = next((s for s in (1, 3, 6, 12) if count / s <= 6), 12 * math.ceil(count / 72))
    return {
        "type": "date",
        "tickformat": "%b %Y",
        "hoverformat": "%b %Y",
        "tick0": min(months).isoformat(),
        "dtick": f"M{step}",
    }


def month_index(day: date) -> int:
    """Months since year 0: consecutive months are consecutive integers."""
    return day.year * 12 + day.month - 1


# --- reference lines ----------------------------------------------------------------------------


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
