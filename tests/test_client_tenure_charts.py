"""New vs returning and tenure bars, and the cohort heatmap (pages/client_tenure_charts.py).
Inputs are hand-built dataclasses."""

import pytest

from analytics.client_mix import CohortCell, NewReturningPoint, TenurePoint
from pages.chart_theme import chart_theme
from pages.diversification_charts import (
    COHORT_TITLE,
    FIRST_YEAR_TRACE,
    NEW_RETURNING_TITLE,
    NEW_TRACE,
    ONE_TO_TWO_TRACE,
    RETENTION_CAP,
    RETURNING_TRACE,
    TENURE_TITLE,
    TWO_PLUS_TRACE,
    cohort_heatmap,
    new_returning_chart,
    tenure_chart,
)
from chart_helpers import EVIL, EVIL_ESCAPED, _empty_note, _month, _no_raw_html, _title


# --- new vs returning, tenure -------------------------------------------------------------------


def test_new_returning_stacked_bars_with_new_client_counts():
    points = [
        NewReturningPoint(_month(1), 200.0, 800.0, 1),
        NewReturningPoint(_month(0), 0.0, 500.0, 0),
        NewReturningPoint(_month(2), 600.0, 400.0, 3),
    ]
    figure = new_returning_chart(points, "EUR")
    assert _title(figure) == NEW_RETURNING_TITLE
    assert [t.type for t in figure.data] == ["bar", "bar"]
    assert [t.name for t in figure.data] == [RETURNING_TRACE, NEW_TRACE]
    assert figure.layout.barmode == "stack"
    returning, new = figure.data
    assert list(returning.y) == [500.0, 800.0, 400.0]
    assert list(new.y) == [0.0, 200.0, 600.0]
    assert new.hovertext[1] == "New clients: €200.00 (20.0%) from 1 new client"
    assert new.hovertext[2] == "New clients: €600.00 (60.0%) from 3 new clients"
    assert returning.hovertext[0] == "Returning clients: €500.00 (100.0%)"
    counted = new_returning_chart([NewReturningPoint(_month(0), 0.0, 50.0, 0, returning_clients=2)], "EUR")
    assert counted.data[0].hovertext[0] == "Returning clients: €50.00 (100.0%) from 2 returning clients"
    assert figure.layout.yaxis.title.text == "Revenue per month (€)"
    assert figure.layout.xaxis.title.text == "Month"
    assert figure.layout.hovermode == "x unified"
    assert returning.marker.color == chart_theme().primary


def test_tenure_stacked_bars_oldest_at_the_bottom():
    points = [TenurePoint(_month(0), 100.0, 200.0, 300.0), TenurePoint(_month(1), 0.0, 0.0, 0.0)]
    figure = tenure_chart(points, "GBP")
    assert _title(figure) == TENURE_TITLE
    assert [t.name for t in figure.data] == [TWO_PLUS_TRACE, ONE_TO_TWO_TRACE, FIRST_YEAR_TRACE]
    assert [t.type for t in figure.data] == ["bar"] * 3
    assert figure.layout.barmode == "stack"
    assert [list(t.y) for t in figure.data] == [[300.0, 0.0], [200.0, 0.0], [100.0, 0.0]]
    assert figure.layout.legend.traceorder == "reversed"  # legend reads First year, 1–2, 2+
    assert figure.data[2].hovertext[0] == "First year: £100.00 (16.7%)"
    assert figure.data[2].hovertext[1] == "First year: £0.00"
    assert figure.layout.yaxis.title.text == "Revenue per month (£)"


@pytest.mark.parametrize("builder", [new_returning_chart, tenure_chart])
def test_monthly_bars_empty(builder):
    figure = builder([], "EUR")
    assert not figure.data and _empty_note(figure)
    assert figure.layout.yaxis.title.text == "Revenue per month (€)"


# --- cohort heatmap -----------------------------------------------------------------------------


_CELLS = [
    CohortCell("2026-Q2", "2026-Q2", 0, 1000.0, 1.0, 4),
    CohortCell("2026-Q1", "2026-Q1", 0, 2000.0, 1.0, 5),
    CohortCell("2026-Q1", "2026-Q2", 1, 1500.0, 0.75, 4),
    CohortCell("2026-Q1", "2026-Q3", 2, 4000.0, 2.0, 3, cohort_clients=5),
    CohortCell("2026-Q2", "2026-Q3", 1, 1200.0, 1.2, 2),
]


def test_cohort_heatmap_values_and_layout():
    figure = cohort_heatmap(_CELLS, "EUR")
    assert _title(figure) == COHORT_TITLE
    (trace,) = figure.data
    assert trace.type == "heatmap"
    assert list(trace.y) == ["2026-Q1", "2026-Q2"]
    assert figure.layout.yaxis.autorange == "reversed"  # the oldest cohort at the top
    assert list(trace.x) == ["Q+0", "Q+1", "Q+2"]
    assert [list(row) for row in trace.z] == [[100.0, 75.0, 200.0], [100.0, 120.0, None]]
    assert trace.zmin == 0 and trace.zmax == RETENTION_CAP == 150
    assert trace.zauto is False
    assert [list(row) for row in trace.text] == [["100%", "75%", "200%"], ["100%", "120%", ""]]
    assert trace.texttemplate == "%{text}"
    assert trace.colorbar.ticktext[-1] == "150%+"
    hover = trace.hovertext[0][2]
    for part in ("Cohort 2026-Q1", "2026-Q3 (Q+2)", "€4,000.00", "200.0%", "Paying clients: 3 of 5"):
        assert part in hover
    assert figure.layout.xaxis.title.text and figure.layout.yaxis.title.text


def test_cohort_heatmap_escapes_and_drops_text_when_large():
    figure = cohort_heatmap([CohortCell(EVIL, "q", 0, 1.0, 1.0, 1)], None)
    assert figure.data[0].y[0] == EVIL_ESCAPED
    _no_raw_html(figure)
    cells = [CohortCell(f"20{c:02d}-Q1", "q", q, 1.0, 1.0, 1) for c in range(20) for q in range(3)]
    assert cohort_heatmap(cells, None).data[0].texttemplate == ""


def test_cohort_heatmap_empty():
    figure = cohort_heatmap([], "EUR")
    assert not figure.data and _empty_note(figure)
