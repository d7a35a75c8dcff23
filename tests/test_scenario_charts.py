"""The scenario page's figures: the income waterfall and the 24-month projection."""

from datetime import date

import plotly.graph_objects as go
import pytest

from analytics.baseline import Baseline, ClientRate
from analytics.scenario import (
    PROJECTION_MONTHS,
    Concentration,
    LostClient,
    Loss,
    MonthProjection,
    Scenario,
    ScenarioResult,
    simulate,
)
from pages.chart_theme import CHART_HEIGHT, chart_theme
from pages.scenario_charts import (
    AFTER_LABEL,
    BASELINE_TRACE,
    CASH_OUT_TEXT,
    CASH_TRACE,
    EXPENSES_TRACE,
    MAX_LOSS_BARS,
    PROJECTION_HEIGHT,
    RECOVERY_LABEL,
    SCENARIO_TRACE,
    TODAY_LABEL,
    WATERFALL_TITLE,
    month_name,
    projection_chart,
    waterfall_chart,
)

_CONCENTRATION = Concentration({1: 0.5, 3: 1.0}, 0.38, 2.6, 3)


def _result(
    baseline: float = 7000.0,
    lost: tuple[tuple[str, float], ...] = (("Acme", 3000.0), ("Beta", 2000.0)),
    recovered: float = 1000.0,
    projection: tuple[MonthProjection, ...] = (),
    cash_out_month: str | None = None,
    runway_months: float | None = None,
) -> ScenarioResult:
    """A hand-built result: ``lost`` is (client, monthly) from next month (Nov 2026)."""
    lost_monthly = sum(amount for _, amount in lost)
    return ScenarioResult(
        baseline_monthly=baseline,
        scenario_monthly=baseline - lost_monthly + recovered,
        lost_monthly=lost_monthly,
        lost_share=lost_monthly / baseline,
        recovered_monthly=recovered,
        lost_clients=tuple(LostClient(name, amount, amount / baseline, "2026-11") for name, amount in lost),
        runway_months=runway_months,
        cash_out_month=cash_out_month,
        clients_to_replace=1,
        break_even_loss_share=None,
        before=_CONCENTRATION,
        after=_CONCENTRATION,
        projection=projection,
    )


def _baseline(rates: list[tuple[str, float]]) -> Baseline:
    """A 12-month baseline ending 31 Oct 2026 (projection from Nov 2026), run-rates as given."""
    clients = tuple(ClientRate(name, rate * 12, rate) for name, rate in rates)
    return Baseline(date(2025, 11, 1), date(2026, 10, 31), 12, clients, ())


_FOUR = _baseline([("Acme", 3000.0), ("Beta", 2000.0), ("Gamma", 1200.0), ("Delta", 800.0)])


def _shapes(figure: go.Figure, name: str) -> list:
    return [s for s in figure.layout.shapes if s.name == name]


def _annotations(figure: go.Figure, name: str) -> list:
    return [a for a in figure.layout.annotations if a.name == name]


def _trace(figure: go.Figure, name: str):
    matches = [t for t in figure.data if t.name == name]
    assert len(matches) == 1, f"expected one trace named {name!r}, got {[t.name for t in figure.data]}"
    return matches[0]


# --- waterfall ----------------------------------------------------------------------------------


def test_waterfall_goes_from_today_through_losses_and_recovery_to_after():
    figure = waterfall_chart(_result(), "EUR")
    (trace,) = figure.data
    assert isinstance(trace, go.Waterfall)
    assert list(trace.y) == [7000, -3000, -2000, 1000, 3000]
    assert list(trace.measure) == ["absolute", "relative", "relative", "relative", "total"]
    assert list(figure.layout.xaxis.ticktext) == [TODAY_LABEL, "Acme", "Beta", RECOVERY_LABEL, AFTER_LABEL]
    assert list(figure.layout.xaxis.tickvals) == list(trace.x)


def test_waterfall_has_no_recovery_bar_without_recovery():
    figure = waterfall_chart(_result(recovered=0.0), "EUR")
    (trace,) = figure.data
    assert list(trace.y) == [7000, -3000, -2000, 2000]
    assert list(trace.measure) == ["absolute", "relative", "relative", "total"]
    assert RECOVERY_LABEL not in figure.layout.xaxis.ticktext


def test_waterfall_from_simulate_ends_at_the_scenario_income():
    losses = (Loss("Acme"), Loss("Beta", cut=0.5))
    result = simulate(_FOUR, Scenario(losses, recover_months=4, recover_share=0.5))
    (trace,) = waterfall_chart(result, "EUR").data
    assert list(trace.y) == pytest.approx([7000, -3000, -1000, 2000, 5000])
    assert trace.y[-1] == pytest.approx(result.scenario_monthly)


def test_waterfall_titles_and_money_formatting():
    figure = waterfall_chart(_result(), "EUR")
    assert figure.layout.title.text == WATERFALL_TITLE
    assert figure.layout.yaxis.title.text == "Income per month (€)"
    assert figure.layout.height == CHART_HEIGHT
    (trace,) = figure.data
    assert trace.hoverinfo == "text"
    assert "€7,000.00" in trace.hovertext[0]
    assert "−€3,000.00" in trace.hovertext[1]
    assert "42.9%" in trace.hovertext[1] and "Nov 2026" in trace.hovertext[1]
    assert "+€1,000.00" in trace.hovertext[3]
    assert list(trace.text) == ["€7.0k", "−€3.0k", "−€2.0k", "+€1.0k", "€3.0k"]


def test_waterfall_axis_title_without_currency_has_no_parentheses():
    assert waterfall_chart(_result(), None).layout.yaxis.title.text == "Income per month"
    assert waterfall_chart(_result(), "XYZ").layout.yaxis.title.text == "Income per month (XYZ)"


def test_waterfall_colours_follow_the_theme():
    theme = chart_theme()
    (trace,) = waterfall_chart(_result(), "EUR").data
    assert trace.increasing.marker.color == theme.primary
    assert trace.totals.marker.color == theme.neutral
    assert trace.decreasing.marker.color not in (theme.primary, theme.neutral)


def test_waterfall_expenses_line_only_when_expenses_are_given():
    without = waterfall_chart(_result(), "EUR")
    assert _shapes(without, "expenses line") == []
    assert _annotations(without, "expenses label") == []

    figure = waterfall_chart(_result(), "EUR", expenses=4500.0)
    (line,) = _shapes(figure, "expenses line")
    assert line.y0 == line.y1 == 4500.0
    assert line.line.dash == "dash"
    (label,) = _annotations(figure, "expenses label")
    assert label.text == "Expenses €4,500.00"


def test_waterfall_zero_expenses_still_draws_the_line():
    figure = waterfall_chart(_result(), "EUR", expenses=0.0)
    assert len(_shapes(figure, "expenses line")) == 1


def test_waterfall_escapes_html_in_client_names():
    name = "<b>Evil</b> & Sons"
    figure = waterfall_chart(_result(lost=((name, 3000.0),)), "EUR")
    (trace,) = figure.data
    tick = figure.layout.xaxis.ticktext[1]
    assert "<" not in tick and "&lt;b&gt;" in tick
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; Sons" in trace.hovertext[1]
    assert "<b>Evil</b>" not in trace.hovertext[1]


def test_waterfall_shortens_long_names_on_the_axis_but_not_in_the_hover():
    name = "Very Long Client Name International GmbH"
    figure = waterfall_chart(_result(lost=((name, 3000.0),)), "EUR")
    tick = figure.layout.xaxis.ticktext[1]
    assert tick.endswith("…") and len(tick) <= 14
    assert name in figure.data[0].hovertext[1]


def test_waterfall_orders_losses_largest_first_and_merges_one_client_lost_twice():
    result = _result(lost=(("Small", 500.0), ("Big", 2000.0), ("Small", 700.0)), recovered=0.0)
    figure = waterfall_chart(result, "EUR")
    assert list(figure.layout.xaxis.ticktext) == [TODAY_LABEL, "Big", "Small", AFTER_LABEL]
    assert list(figure.data[0].y) == [7000, -2000, -1200, 3800]


def test_waterfall_collapses_more_than_twelve_lost_clients_into_other():
    lost = tuple((f"Client {i:02d}", float(100 * (i + 1))) for i in range(15))  # 100 … 1,500
    total = sum(amount for _, amount in lost)
    figure = waterfall_chart(_result(baseline=20000.0, lost=lost, recovered=0.0), "EUR")
    (trace,) = figure.data
    ticks = list(figure.layout.xaxis.ticktext)
    loss_values = list(trace.y[1:-1])
    assert len(loss_values) == MAX_LOSS_BARS
    # The 11 largest (1,500 … 500) kept, the 4 smallest (100 … 400) summed.
    assert loss_values[:-1] == [-float(100 * (i + 1)) for i in range(14, 3, -1)]
    assert ticks[-2] == "Other (4 clients)"
    assert loss_values[-1] == pytest.approx(-(100 + 200 + 300 + 400))
    assert sum(loss_values) == pytest.approx(-total)
    assert trace.y[-1] == pytest.approx(20000 - total)
    assert figure.layout.xaxis.tickangle == -45


def test_waterfall_keeps_exactly_twelve_lost_clients():
    lost = tuple((f"Client {i:02d}", 100.0) for i in range(MAX_LOSS_BARS))
    figure = waterfall_chart(_result(baseline=5000.0, lost=lost, recovered=0.0), "EUR")
    ticks = list(figure.layout.xaxis.ticktext)
    assert len(ticks) == MAX_LOSS_BARS + 2
    assert not any(t.startswith("Other") for t in ticks)


# --- projection ---------------------------------------------------------------------------------


def _projected(
    expenses: float | None = 4500.0, reserve: float = 12000.0, losses=(Loss("Acme"), Loss("Beta"))
) -> ScenarioResult:
    """Lose Acme and Beta (5,000 of 7,000) from Nov 2026, no recovery."""
    return simulate(_FOUR, Scenario(tuple(losses), expenses=expenses, reserve=reserve))


def test_month_name():
    assert month_name("2026-11") == "Nov 2026"
    assert month_name("2027-01") == "Jan 2027"


def test_projection_has_24_months_and_named_traces():
    result = _projected()
    figure = projection_chart(result, "EUR")
    assert [t.name for t in figure.data] == [BASELINE_TRACE, SCENARIO_TRACE, EXPENSES_TRACE, CASH_TRACE]
    for trace in figure.data:
        assert len(trace.x) == PROJECTION_MONTHS == 24
        assert trace.x[0] == "2026-11-01" and trace.x[-1] == "2028-10-01"
    assert list(_trace(figure, SCENARIO_TRACE).y) == pytest.approx([p.scenario for p in result.projection])
    assert list(_trace(figure, CASH_TRACE).y) == pytest.approx([p.cash for p in result.projection])
    assert set(_trace(figure, EXPENSES_TRACE).y) == {4500.0}


def test_projection_styles():
    theme = chart_theme()
    figure = projection_chart(_projected(), "EUR")
    baseline = _trace(figure, BASELINE_TRACE)
    assert baseline.line.dash == "dash" and baseline.line.color == theme.neutral
    assert _trace(figure, SCENARIO_TRACE).line.color == theme.primary
    assert _trace(figure, EXPENSES_TRACE).line.dash == "dot"
    cash = _trace(figure, CASH_TRACE)
    assert isinstance(cash, go.Bar) and cash.yaxis == "y2"


def test_projection_titles_axes_and_unified_hover():
    figure = projection_chart(_projected(), "EUR")
    layout = figure.layout
    assert layout.title.text == "Next 24 months"
    assert layout.xaxis.title.text == "Month"
    assert layout.xaxis.tickformat == "%b %Y"
    assert layout.yaxis.title.text == "Income per month (€)"
    assert layout.yaxis2.title.text == "Cash balance (€)"
    assert layout.hovermode == "x unified"
    assert layout.hoversubplots == "axis"
    assert layout.height == PROJECTION_HEIGHT
    scenario = _trace(figure, SCENARIO_TRACE)
    assert scenario.hovertext[0] == "€2,000.00"
    assert "%{hovertext}" in scenario.hovertemplate


def test_projection_negative_cash_is_formatted_with_a_minus_sign():
    figure = projection_chart(_projected(), "EUR")
    cash = _trace(figure, CASH_TRACE)
    assert cash.hovertext[-1].startswith("−€")


def test_projection_without_expenses_has_only_the_income_lines():
    result = _projected(expenses=None)
    figure = projection_chart(result, None)
    assert [t.name for t in figure.data] == [BASELINE_TRACE, SCENARIO_TRACE]
    assert "yaxis2" not in figure.layout.to_plotly_json()
    assert figure.layout.yaxis.title.text == "Income per month"
    assert figure.layout.height == CHART_HEIGHT
    assert _shapes(figure, "cash-out marker") == []


def test_projection_marks_the_month_the_cash_runs_out():
    result = _projected()
    # 12,000 reserve; 2,000 income − 4,500 expenses = −2,500 a month: negative in the 5th month.
    assert result.cash_out_month == "2027-03"
    figure = projection_chart(result, "EUR")
    (marker,) = _shapes(figure, "cash-out marker")
    assert marker.x0 == marker.x1 == "2027-03-01"
    assert marker.x0 in _trace(figure, CASH_TRACE).x
    (label,) = _annotations(figure, "cash-out label")
    assert CASH_OUT_TEXT in label.text and "Mar 2027" in label.text
    assert label.x == "2027-03-01"


def test_projection_has_no_cash_out_marker_when_cash_lasts():
    result = _projected(losses=(Loss("Delta"),))  # 6,200 income > 4,500 expenses
    assert result.cash_out_month is None and result.runway_months is None
    figure = projection_chart(result, "EUR")
    assert _shapes(figure, "cash-out marker") == []
    assert _annotations(figure, "cash-out label") == []
    assert _annotations(figure, "runway note") == []


def test_projection_notes_a_runway_beyond_the_chart():
    result = simulate(_FOUR, Scenario((Loss("Delta"),), expenses=6500.0, reserve=20000.0))
    assert result.cash_out_month is None and result.runway_months > 24
    figure = projection_chart(result, "EUR")
    assert _shapes(figure, "cash-out marker") == []
    (note,) = _annotations(figure, "runway note")
    assert "beyond 24 months" in note.text and "66.7 months" in note.text


def test_projection_marker_from_a_hand_built_result():
    rows = tuple(
        MonthProjection(f"2026-{m:02d}" if m <= 12 else f"2027-{m - 12:02d}", 5000.0, 3000.0, 4000.0,
                        2000.0 - 1000.0 * i)
        for i, m in enumerate(range(3, 3 + 24))
    )
    result = _result(baseline=5000.0, lost=(("A & B <Ltd>", 2000.0),), recovered=0.0, projection=rows,
                     cash_out_month="2026-05", runway_months=2.0)
    figure = projection_chart(result, "GBP")
    assert len(figure.data[0].x) == 24
    (marker,) = _shapes(figure, "cash-out marker")
    assert marker.x0 == "2026-05-01"
    assert "May 2026" in _annotations(figure, "cash-out label")[0].text
    assert figure.layout.yaxis2.title.text == "Cash balance (£)"


def test_projection_escapes_a_currency_code_used_as_symbol():
    figure = projection_chart(_projected(), "<B>")
    assert figure.layout.yaxis.title.text == "Income per month (&lt;B&gt;)"
    assert all("<B>" not in text for text in _trace(figure, SCENARIO_TRACE).hovertext)


def test_projection_without_rows_says_so():
    figure = projection_chart(_result(projection=()), "EUR")
    assert figure.data == ()
    assert [a.name for a in figure.layout.annotations] == ["empty note"]
