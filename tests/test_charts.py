"""The overview page's figures: traces, markers, tail collapsing, titles, escaping, theme."""

import json
from pathlib import Path

import plotly.graph_objects as go
import pytest

from pages.chart_theme import (
    CHART_HEIGHT,
    CONFIG_PATH,
    chart_theme,
    derived_palette,
    escape_label,
    rgba,
)
from pages.charts import PARETO_TITLE, lorenz_chart, pareto_chart

FOUR_CLIENTS = [("Acme", 400.0, 0.4), ("Beta", 300.0, 0.3), ("Gamma", 200.0, 0.2), ("Delta", 100.0, 0.1)]


def _fifty_clients() -> list[tuple[str, float, float]]:
    """50 clients with revenue 50, 49, …, 1 (total 1,275), in descending revenue."""
    revenues = list(range(50, 0, -1))
    total = sum(revenues)
    return [(f"Client {i}", float(r), r / total) for i, r in enumerate(revenues)]


def _shape(figure: go.Figure, name: str):
    matches = [s for s in figure.layout.shapes if s.name == name]
    assert len(matches) == 1, f"expected one shape named {name!r}"
    return matches[0]


def _annotation_texts(figure: go.Figure) -> list[str]:
    return [a.text for a in figure.layout.annotations]


# --- theme --------------------------------------------------------------------------------------


def test_theme_is_read_from_the_streamlit_config():
    assert CONFIG_PATH == Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"
    theme = chart_theme()
    assert theme.primary == "#0F766E"
    assert theme.background == "#FFFFFF"
    assert theme.text == "#1F2937"
    assert theme.palette[0] == theme.primary
    assert "sans-serif" in theme.font_family


def test_theme_falls_back_to_defaults_without_a_config(tmp_path):
    theme = chart_theme(tmp_path / "missing.toml")
    assert theme.primary == "#0F766E"
    assert theme.palette == derived_palette("#0F766E")


def test_theme_derives_the_palette_when_none_is_configured(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[theme]\nprimaryColor = "#336699"\n')
    theme = chart_theme(config)
    assert theme.primary == "#336699"
    assert theme.palette[0] == "#336699"
    assert len(theme.palette) == 6
    assert len(set(theme.palette)) == 6


def test_theme_survives_an_invalid_config(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[theme\nprimaryColor = ")
    assert chart_theme(config).primary == "#0F766E"


def test_rgba_and_escape_helpers():
    assert rgba("#0F766E", 0.15) == "rgba(15, 118, 110, 0.15)"
    assert rgba("#fff", 0.5) == "rgba(255, 255, 255, 0.5)"
    assert escape_label("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"


# --- Pareto -------------------------------------------------------------------------------------


def test_pareto_has_revenue_bars_and_a_cumulative_line_on_a_second_axis():
    figure = pareto_chart(FOUR_CLIENTS, "EUR")
    assert [type(t).__name__ for t in figure.data] == ["Bar", "Scatter"]
    bars, line = figure.data
    assert list(bars.y) == [400.0, 300.0, 200.0, 100.0]
    assert line.yaxis == "y2"
    assert figure.layout.yaxis2.overlaying == "y"
    assert figure.layout.yaxis2.side == "right"
    assert figure.layout.yaxis2.ticksuffix == "%"
    assert figure.layout.yaxis2.range[0] == 0 and figure.layout.yaxis2.range[1] >= 100


def test_pareto_cumulative_line_is_the_running_sum_of_shares():
    line = pareto_chart(FOUR_CLIENTS, "EUR").data[1]
    # Hand-checked: 40, 40 + 30, 70 + 20, 90 + 10.
    assert list(line.y) == [40.0, 70.0, 90.0, 100.0]


def test_pareto_ticks_name_the_clients_in_order():
    figure = pareto_chart(FOUR_CLIENTS, "EUR")
    assert list(figure.layout.xaxis.tickvals) == [0, 1, 2, 3]
    assert list(figure.layout.xaxis.ticktext) == ["Acme", "Beta", "Gamma", "Delta"]
    assert list(figure.data[0].x) == [0, 1, 2, 3]


def test_pareto_titles():
    figure = pareto_chart(FOUR_CLIENTS, "EUR")
    assert figure.layout.title.text == PARETO_TITLE == "Pareto: who brings the revenue"
    assert figure.layout.xaxis.title.text == "Client"
    assert figure.layout.yaxis.title.text == "Revenue (€)"
    assert figure.layout.yaxis2.title.text == "Cumulative share"


@pytest.mark.parametrize(
    ("currency", "title"),
    [("USD", "Revenue ($)"), ("PLN", "Revenue (zł)"), ("XYZ", "Revenue (XYZ)"), (None, "Revenue"), ("XXX", "Revenue")],
)
def test_pareto_revenue_axis_names_the_currency(currency, title):
    assert pareto_chart(FOUR_CLIENTS, currency).layout.yaxis.title.text == title


def test_pareto_has_a_dashed_80_percent_line_labelled_80():
    figure = pareto_chart(FOUR_CLIENTS, "EUR")
    line = _shape(figure, "80% line")
    assert (line.yref, line.y0, line.y1) == ("y2", 80, 80)
    assert (line.xref, line.x0, line.x1) == ("paper", 0, 1)
    assert line.line.dash == "dash"
    assert "80%" in _annotation_texts(figure)


def test_pareto_marks_the_client_where_cumulative_share_first_reaches_80_percent():
    figure = pareto_chart(FOUR_CLIENTS, "EUR")
    marker = _shape(figure, "80% client marker")
    assert (marker.x0, marker.x1) == (2, 2)  # Gamma: 40, 70, 90 — first at or above 80
    assert "80% of revenue from 3 of 4 clients" in _annotation_texts(figure)


def test_pareto_marker_on_a_client_reaching_exactly_80_percent():
    clients = [("A", 500.0, 0.5), ("B", 300.0, 0.3), ("C", 200.0, 0.2)]
    assert _shape(pareto_chart(clients, None), "80% client marker").x0 == 1


def test_pareto_single_dominant_client():
    figure = pareto_chart([("Solo", 900.0, 0.9), ("Tiny", 100.0, 0.1)], "EUR")
    assert _shape(figure, "80% client marker").x0 == 0
    assert "80% of revenue from 1 of 2 clients" in _annotation_texts(figure)


def test_pareto_with_one_client():
    figure = pareto_chart([("Solo", 900.0, 1.0)], "EUR")
    assert list(figure.data[1].y) == [100.0]
    assert "80% of revenue from 1 of 1 client" in _annotation_texts(figure)


def test_pareto_hover_has_name_money_share_and_cumulative_share():
    hover = pareto_chart(FOUR_CLIENTS, "EUR").data[0].hovertext
    assert hover[1] == "<b>Beta</b><br>Revenue: €300.00<br>Share: 30.0%<br>Cumulative share: 70.0%"
    assert pareto_chart(FOUR_CLIENTS, "PLN").data[1].hovertext[0] == (
        "<b>Acme</b><br>Revenue: 400.00 zł<br>Share: 40.0%<br>Cumulative share: 40.0%"
    )


def test_pareto_collapses_the_tail_into_one_other_bar():
    clients = _fifty_clients()
    figure = pareto_chart(clients, "EUR")
    bars, line = figure.data
    assert len(bars.x) == len(bars.y) == 31
    assert len(line.y) == 31
    assert figure.layout.xaxis.ticktext[-1] == "Other (20 clients)"
    # The tail is revenues 20, 19, …, 1.
    assert bars.y[-1] == sum(range(1, 21)) == 210
    assert list(bars.y[:30]) == [float(r) for r in range(50, 20, -1)]
    assert line.y[-1] == pytest.approx(100.0)
    assert bars.hovertext[-1].startswith("<b>Other (20 clients)</b><br>Revenue: €210.00<br>Share: 16.5%")
    assert bars.marker.color[-1] != bars.marker.color[0]  # the tail is drawn apart


def test_pareto_cumulative_line_after_collapsing_is_unchanged_for_shown_clients():
    clients = _fifty_clients()
    line = pareto_chart(clients, None).data[1]
    # Client 0..2: 50, 99, 147 of 1,275.
    assert list(line.y[:3]) == pytest.approx([50 / 12.75, 99 / 12.75, 147 / 12.75])


def test_pareto_marker_falls_on_the_other_bar_when_80_percent_is_reached_in_the_tail():
    clients = _fifty_clients()
    figure = pareto_chart(clients, None, max_bars=5)
    assert len(figure.data[0].x) == 6
    assert figure.layout.xaxis.ticktext[-1] == "Other (45 clients)"
    assert _shape(figure, "80% client marker").x0 == 5
    # Cumulative revenue of the top k: 50 + … + (51 − k) ≥ 1,020 first at k = 28.
    assert "80% of revenue from 28 of 50 clients" in _annotation_texts(figure)


def test_pareto_never_collapses_a_single_client():
    clients = _fifty_clients()[:31]
    figure = pareto_chart(clients, "EUR", max_bars=30)
    assert len(figure.data[0].x) == 31
    assert not any(text.startswith("Other") for text in figure.layout.xaxis.ticktext)


def test_pareto_with_thousands_of_clients_stays_small():
    clients = [(f"C{i}", 1.0, 1 / 5000) for i in range(5000)]
    figure = pareto_chart(clients, "EUR")
    assert len(figure.data[0].x) == 31
    assert figure.layout.xaxis.ticktext[-1] == "Other (4,970 clients)"


def test_pareto_rejects_a_nonpositive_max_bars():
    with pytest.raises(ValueError):
        pareto_chart(FOUR_CLIENTS, "EUR", max_bars=0)


def test_pareto_without_clients_is_an_empty_figure_with_a_note():
    figure = pareto_chart([], "EUR")
    assert len(figure.data) == 0
    assert figure.layout.title.text == PARETO_TITLE
    assert "No income to show yet" in _annotation_texts(figure)


@pytest.mark.parametrize(
    ("name", "escaped", "tick"),
    [
        ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;", "&lt;b&gt;x&lt;/b&gt;"),
        (
            "<script>alert(1)</script>",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "&lt;script&gt;alert…",  # shortened to 13 characters + "…" before escaping
        ),
        ("Smith & Sons", "Smith &amp; Sons", "Smith &amp; Sons"),
        ("a<br>b", "a&lt;br&gt;b", "a&lt;br&gt;b"),
    ],
)
def test_pareto_escapes_html_in_client_names(name, escaped, tick):
    clients = [(name, 600.0, 0.6), ("Other Co", 400.0, 0.4)]
    figure = pareto_chart(clients, "EUR")
    assert figure.layout.xaxis.ticktext[0] == tick
    assert figure.data[0].hovertext[0].startswith(f"<b>{escaped}</b><br>")
    # The raw name reaches the browser nowhere, in any trace or label.
    assert name not in json.dumps(figure.to_plotly_json())


def test_pareto_escapes_html_in_the_currency_code():
    figure = pareto_chart(FOUR_CLIENTS, "<i>")
    assert "Revenue: 400.00 &lt;I&gt;" in figure.data[0].hovertext[0]
    assert figure.layout.yaxis.title.text == "Revenue (&lt;I&gt;)"


def test_pareto_shortens_long_names_on_the_axis_only():
    long_name = "Acme International Consulting"
    figure = pareto_chart([(long_name, 1.0, 1.0)], "EUR")
    assert figure.layout.xaxis.ticktext[0] == "Acme Internat…"
    assert figure.data[0].hovertext[0].startswith(f"<b>{long_name}</b>")


# --- Lorenz -------------------------------------------------------------------------------------

LORENZ_POINTS = [(0.0, 0.0), (0.25, 0.1), (0.5, 0.25), (0.75, 0.5), (1.0, 1.0)]


def test_lorenz_has_the_equality_diagonal_and_the_curve():
    figure = lorenz_chart(LORENZ_POINTS, 0.4)
    assert len(figure.data) == 2
    diagonal, curve = figure.data
    assert diagonal.name == "Perfect equality"
    assert list(diagonal.x) == [0, 100] and list(diagonal.y) == [0, 100]
    assert diagonal.line.dash == "dash"
    assert curve.name == "Lorenz curve"
    assert list(curve.x) == [0.0, 25.0, 50.0, 75.0, 100.0]
    assert list(curve.y) == [0.0, 10.0, 25.0, 50.0, 100.0]


def test_lorenz_shades_the_area_between_curve_and_diagonal():
    curve = lorenz_chart(LORENZ_POINTS, 0.4).data[1]
    assert curve.fill == "tonexty"  # to the previous trace: the diagonal
    assert curve.fillcolor.startswith("rgba(")


def test_lorenz_title_has_the_gini():
    assert lorenz_chart(LORENZ_POINTS, 0.456).layout.title.text == "Lorenz curve — Gini 0.46"
    assert lorenz_chart(LORENZ_POINTS, 0.455).layout.title.text == "Lorenz curve — Gini 0.46"
    assert lorenz_chart(LORENZ_POINTS, 0.0).layout.title.text == "Lorenz curve — Gini 0.00"


def test_lorenz_axes_are_percentages_with_titles():
    layout = lorenz_chart(LORENZ_POINTS, 0.4).layout
    assert layout.xaxis.title.text == "Share of clients (smallest first)"
    assert layout.yaxis.title.text == "Share of revenue"
    for axis in (layout.xaxis, layout.yaxis):
        assert tuple(axis.range) == (0, 100)
        assert axis.ticksuffix == "%"


def test_lorenz_hover_text():
    hover = lorenz_chart(LORENZ_POINTS, 0.4).data[1].hovertext
    assert hover[2] == "Smallest 50.0% of clients<br>bring 25.0% of revenue"


def test_lorenz_starts_the_curve_at_the_origin():
    curve = lorenz_chart([(0.5, 0.2), (1.0, 1.0)], 0.3).data[1]
    assert list(curve.x) == [0.0, 50.0, 100.0]
    assert list(curve.y) == [0.0, 20.0, 100.0]


def test_lorenz_without_points_shows_the_diagonal_and_a_note():
    figure = lorenz_chart([], 0.0)
    assert [t.name for t in figure.data] == ["Perfect equality"]
    assert "No income to show yet" in _annotation_texts(figure)


# --- shared look --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "figure", [pareto_chart(FOUR_CLIENTS, "EUR"), lorenz_chart(LORENZ_POINTS, 0.4)], ids=["pareto", "lorenz"]
)
def test_figures_share_one_look(figure):
    theme = chart_theme()
    layout = figure.layout
    assert layout.height == CHART_HEIGHT and 380 <= CHART_HEIGHT <= 420
    assert layout.template.layout.plot_bgcolor is not None  # a template is applied
    assert layout.font.family == theme.font_family
    assert layout.font.color == theme.text
    assert layout.paper_bgcolor == layout.plot_bgcolor == theme.background
    assert list(layout.colorway) == list(theme.palette)
    assert layout.separators == ".,"
    assert max(layout.margin.l, layout.margin.r, layout.margin.t, layout.margin.b) <= 60


def test_the_pareto_legend_sits_above_the_plot():
    legend = pareto_chart(FOUR_CLIENTS, "EUR").layout.legend
    assert legend.orientation == "h"
    assert legend.y > 1 and legend.yanchor == "bottom"


def test_trace_colours_follow_the_theme():
    theme = chart_theme()
    bars, line = pareto_chart(FOUR_CLIENTS, "EUR").data
    assert bars.marker.color[0] == theme.primary
    assert line.line.color == theme.palette[1]
    assert lorenz_chart(LORENZ_POINTS, 0.4).data[1].line.color == theme.primary
