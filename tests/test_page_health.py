"""The client-health page (pages/health.py) with Streamlit's AppTest: on the demo, every number in
its table equals what plain Python computes from the demo CSV; its link opens the scenario page with
the client pre-selected; an empty database and hostile names are handled."""

from __future__ import annotations

import calendar
import csv
import statistics
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from analytics.formatting import money, percent
from analytics.ingest import import_file
from analytics.revenue_risk import RevenueRisk, revenue_risk
from analytics.store import MEMORY, Store
from pages.common import md_escape
from pages.risk_overrides import apply_edits, overrides_key
from conftest import insert_dataset
from test_pages import DEMO, db_path, run_app  # noqa: F401  (db_path is a fixture)

HEALTH = "pages/health.py"


def _months_before(day: date, months: int) -> date:
    """``day`` minus whole months, on the month's last day when the day does not exist there."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _demo_health(as_of: date | None = None) -> dict[str, dict]:
    """Per client of the demo CSV, as of ``as_of`` (default its last date): the table's figures,
    by plain Python."""
    rows = [(date.fromisoformat(r["date"]), r["client"], float(r["amount"]))
            for r in csv.DictReader(DEMO.open(encoding="utf-8"))]
    as_of = as_of or max(d for d, _, _ in rows)
    covered = min(d for d, _, _ in rows) <= _months_before(as_of, 12) + timedelta(days=1)
    rows = [r for r in rows if r[0] <= as_of]
    recent_start = _months_before(as_of, 6) + timedelta(days=1)
    prior_start = _months_before(as_of, 12) + timedelta(days=1)
    pay_days: dict[str, set[date]] = defaultdict(set)
    payments: dict[str, int] = defaultdict(int)
    recent: dict[str, float] = defaultdict(float)
    prior: dict[str, float] = defaultdict(float)
    for day, client, amount in rows:
        if amount > 0:
            pay_days[client].add(day)
            payments[client] += 1
        if day >= recent_start:
            recent[client] += amount
        elif day >= prior_start:
            prior[client] += amount
    out = {}
    for client, days in pay_days.items():
        ordered = sorted(days)
        gaps = [(b - a).days for a, b in zip(ordered, ordered[1:])]
        gap = statistics.median(gaps) if gaps else None
        since = (as_of - ordered[-1]).days
        out[client] = {
            "payments": payments[client],
            "last": ordered[-1],
            "since": since,
            "gap": gap,
            "ratio": since / gap if gap else None,
            "revenue": recent[client] + prior[client],
            # No trend without revenue before, or when the data starts inside the prior window.
            "trend": (recent[client] - prior[client]) / prior[client] * 100
            if prior[client] > 0 and covered else None,
        }
    return out


def _row(table, client: str) -> dict:
    return table[table["Client"] == client].iloc[0].to_dict()


def _signs(table, client: str) -> list[str]:
    return list(_row(table, client)["Warning signs"])


def _close(shown, expected) -> bool:
    if expected is None:
        return shown != shown or shown is None  # NaN or None
    return shown == pytest.approx(expected)


def _assert_table_matches(table, expected: dict[str, dict]) -> None:
    assert sorted(table["Client"]) == sorted(expected)
    for client, e in expected.items():
        row = _row(table, client)
        assert row["Payments"] == e["payments"], client
        assert row["Days since"] == e["since"], client
        assert row["Last payment"] == e["last"], client
        assert row["Last 12 months"] == pytest.approx(e["revenue"]), client
        assert _close(row["Usual gap"], e["gap"]), client
        assert _close(row["Overdue ratio"], e["ratio"]), client
        assert _close(row["Trend"], e["trend"]), client


def test_demo_table_matches_the_csv_worked_by_hand(db_path):
    at = run_app(HEALTH)
    table = at.dataframe[0].value
    expected = _demo_health()
    _assert_table_matches(table, expected)
    # The warning signs, in words, from the same figures: Greenleaf stopped 322 days ago on a
    # 30-day rhythm (10.7x) and earned nothing in the last 6 months; Studio Lumen is 2.9x quiet.
    greenleaf = expected["Greenleaf Co-op"]
    assert _signs(table, "Greenleaf Co-op") == [
        f"quiet for {greenleaf['ratio']:.1f}× its usual gap ({greenleaf['since']} days; usually 30 days)",
        "spend down 100% (last 6 months vs the 6 before)"]
    assert _signs(table, "Studio Lumen SARL")[0].startswith("quiet for 2.9×")
    assert _signs(table, "Tanaka Ceramics") == ["one-off client"]
    assert _signs(table, "Nordlicht GmbH") == []
    assert "Days late" not in table.columns  # the demo has no due dates
    flagged = sum(len(s) > 0 for s in table["Warning signs"])
    assert at.subheader[0].value == f"{flagged} of {len(expected)} clients show a warning sign on 30 Oct 2026"


def _demo_risk(**kwargs) -> RevenueRisk:
    """The engine's result for the demo, computed here on its own store (no page, no cache)."""
    with Store(MEMORY) as store:
        dataset = import_file(store, DEMO, name="demo").dataset
        return revenue_risk(store, dataset.id, **kwargs)


def _cards(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _chart(at, index: int) -> go.Figure:
    return pio.from_json(at.get("plotly_chart")[index].proto.spec)


def _assert_risk_shown(at, risk: RevenueRisk) -> None:
    cards = _cards(at)
    assert cards["Next 12 months (median)"] == money(risk.p50, "EUR")
    assert cards["Revenue at risk (95%)"] == money(risk.revenue_at_risk_95, "EUR")
    assert cards["Expected loss"] == money(risk.expected_loss, "EUR")
    below = risk.prob_below_expenses
    assert cards["A month below expenses"] == ("—" if below is None else percent(below))
    table = at.dataframe[0].value
    # Sorted by revenue at risk; clients with nothing to lose (no run-rate) after them.
    assert list(table["Client"][: len(risk.clients)]) == [c.client for c in risk.clients]
    for c in risk.clients:
        row = _row(table, c.client)
        assert row["Revenue at risk"] == pytest.approx(c.revenue_at_risk)
        assert row["Chance of leaving"] == pytest.approx(c.p_leave * 100)
        assert row["Still a client"] == pytest.approx(c.p_alive * 100)
        assert row["Set by hand"] == c.overridden
    fan = _chart(at, 0)
    assert fan.layout.title.text == "Monthly income across simulated futures"
    median = next(t for t in fan.data if t.name == "Median")
    assert list(median.y) == pytest.approx(list(risk.fan["p50"])) and len(median.x) == risk.horizon


def test_demo_revenue_at_risk_equals_the_engine(db_path):
    at = run_app(HEALTH)
    risk = _demo_risk()
    _assert_risk_shown(at, risk)
    assert risk.model.note in at.caption[0].value  # which method produced the numbers
    assert len(at.get("plotly_chart")) == 2  # the fan and the histogram
    (bars,) = _chart(at, 1).data
    assert sum(bars.y) == pytest.approx(100)
    assert at.page_link[-1].proto.query_string == urlencode({"client": risk.clients[0].client})


def test_hand_set_chances_expenses_horizon_and_futures_change_the_simulation(db_path):
    at = run_app(HEALTH)
    dataset_id = at.session_state["active_dataset_id"]
    at.session_state[overrides_key(dataset_id)] = {"Nordlicht GmbH": 0.9, "Bright Loop, Inc.": 0.0}
    at.number_input(key=f"health_expenses_{dataset_id}").set_value(9000.0)
    at.segmented_control(key="health_horizon").set_value(24)
    at.selectbox(key="health_paths").set_value(50_000).run()
    assert not at.exception
    overrides = {"Nordlicht GmbH": 0.9, "Bright Loop, Inc.": 0.0}
    risk = _demo_risk(horizon=24, paths=50_000, expenses=9000.0, overrides=overrides)
    assert risk.prob_below_expenses is not None
    _assert_risk_shown(at, risk)
    assert _row(at.dataframe[0].value, "Nordlicht GmbH")["Chance of leaving"] == pytest.approx(90)
    assert "**2 clients** with a chance of leaving set by hand" in at.caption[0].value
    expenses_line = next(t for t in _chart(at, 0).data if t.name == "Expenses")
    assert set(expenses_line.y) == {9000.0}
    # The expenses are remembered for the dataset: the scenario page starts with them.
    at.switch_page("pages/scenarios.py").run()
    assert at.number_input(key=f"expenses_{dataset_id}").value == 9000.0
    at.switch_page(HEALTH).run()
    next(b for b in at.button if b.label == "Give every client back to the model").click().run()
    assert at.session_state[overrides_key(dataset_id)] == {}
    assert not any(at.dataframe[0].value["Set by hand"])


def test_without_income_to_simulate_the_health_table_still_shows(db_path):
    # By hand: A's only payment is older than the 12 months before its refund, so its run-rate
    # window holds −100 and no client has income to lose; its health is still there.
    _own_dataset(db_path, [("2024-01-05", "A", "100"), ("2026-01-05", "A", "-100")])
    at = run_app(HEALTH)
    assert not at.exception
    assert at.warning[0].value.startswith("No revenue at risk to show: No client has positive net revenue")
    assert at.dataframe[0].value["Client"].tolist() == ["A"]
    assert "Revenue at risk" not in at.dataframe[0].value.columns


def test_the_link_opens_the_scenario_page_with_the_client_picked(db_path):
    at = run_app(HEALTH)
    link = at.page_link[-1]
    assert link.proto.page.endswith("scenarios.py") or link.proto.page == "scenarios"
    assert link.proto.query_string == urlencode({"client": "Nordlicht GmbH"})  # the top row by default
    at.selectbox(key="health_client").set_value("Kowalski & Syn Sp. z o.o.").run()
    link = at.page_link[-1]
    assert link.proto.query_string == "client=Kowalski+%26+Syn+Sp.+z+o.o."
    assert link.value == "What if Kowalski & Syn Sp\\. z o\\.o\\. leaves?"  # shown as text, not Markdown
    # What following the link does: the scenario page starts with that client to lose.
    at.query_params["client"] = "Kowalski & Syn Sp. z o.o."
    at.switch_page("pages/scenarios.py").run()
    assert not at.exception
    assert at.multiselect(key="scenario_clients").value == ["Kowalski & Syn Sp. z o.o."]


def test_an_earlier_as_of_date_judges_with_the_records_up_to_it(db_path):
    at = run_app(HEALTH)
    as_of = next(d for d in at.date_input if d.label == "As of")
    as_of.set_value(date(2025, 6, 30)).run()
    assert not at.exception
    table = at.dataframe[0].value
    _assert_table_matches(table, _demo_health(date(2025, 6, 30)))
    # By 30 Jun 2025 Greenleaf still paid monthly (last on 16 Jun) and Fjord & Fell had not started.
    assert "Fjord & Fell AS" not in set(table["Client"])
    assert _signs(table, "Greenleaf Co-op") == []
    assert _row(table, "Greenleaf Co-op")["Days since"] == 14


def test_empty_database_says_what_to_do_next(db_path):
    with Store(db_path) as store:
        store.set_setting("demo_offered", "1")  # a user who has deleted the demo
    at = run_app(HEALTH)
    assert "Upload an income CSV" in at.info[0].value
    assert not at.dataframe


def _own_dataset(db_path: Path, rows, **kwargs) -> None:
    with Store(db_path) as store:
        store.set_setting("demo_offered", "1")
        insert_dataset(store, rows, **kwargs)


def test_invoice_due_dates_add_the_days_late_column_and_flag(db_path):
    # By hand: Slow Co paid 20 and 30 days after the due dates → 25 days late on average.
    _own_dataset(db_path, [("2026-01-21", "Slow Co", "100"), ("2026-03-03", "Slow Co", "100"),
                           ("2026-03-05", "Fast Co", "100"), ("2026-03-10", "Fast Co", "100")],
                 terms=[("2026-01-01", "2026-01-21"), ("2026-02-01", "2026-03-03"),
                        ("2026-03-05", "2026-03-05"), ("2026-03-10", "2026-03-10")])
    table = run_app(HEALTH).dataframe[0].value
    assert _row(table, "Slow Co")["Days late"] == 25
    assert _signs(table, "Slow Co") == ["pays 25 days late on average"]
    assert _row(table, "Fast Co")["Days late"] == 0


def test_a_hostile_client_name_stays_text(db_path):
    name = "**Boss** <b>Co</b> [x](http://evil)"
    _own_dataset(db_path, [("2026-01-05", name, "900"), ("2026-01-06", "Other", "100")])
    at = run_app(HEALTH)
    assert at.dataframe[0].value["Client"].tolist() == [name, "Other"]  # a table cell is plain text
    link = at.page_link[-1]
    assert link.value == f"What if {md_escape(name)} leaves?"
    assert "\\*\\*Boss\\*\\* \\<b\\>" in link.value
    assert link.proto.query_string == urlencode({"client": name})


# -- hand-set chances of leaving (pages/risk_overrides.py) ------------------------------------------


def test_table_edits_set_and_clear_chances_of_leaving():
    clients = ["Acme", "Beta", "Gamma"]
    column = "Chance of leaving"
    edits = {"0": {column: 35.0}, 2: {column: 250.0}, 1: {"Client": "renamed"}, 7: {column: 10.0}}
    # Acme 35% → 0.35; Gamma clamped to 100%; a non-chance edit and a row past the end are ignored.
    assert apply_edits({}, clients, edits, column) == {"Acme": 0.35, "Gamma": 1.0}
    # An emptied cell gives the client back to the model; other hand-set values stay.
    assert apply_edits({"Acme": 0.35, "Beta": 0.2}, clients, {0: {column: None}}, column) == {"Beta": 0.2}
    assert overrides_key(3) != overrides_key(4)
