"""Client health: which clients are slipping away, in plain words; the odds of a bad year across
thousands of simulated futures; and a way to ask "what if this client leaves?" on the scenario page."""

from __future__ import annotations

import streamlit as st

from analytics.formatting import money, number, percent
from analytics.health import LATE_DAYS, QUIET_RATIO, RECENT_MONTHS, SPEND_DOWN_SHARE, HealthReport, by_revenue_at_risk
from analytics.montecarlo import DEFAULT_PATHS, HORIZONS, MAX_PATHS
from analytics.revenue_risk import RevenueRisk
from analytics.saved_scenarios import Finances, remember_finances, remembered_finances
from pages.common import (
    page_dataset, cached_health, cached_revenue_risk, dataset_revision, ensure_router, get_store,
    md_escape,
)
from pages.risk_charts import fan_chart, revenue_histogram
from pages.risk_overrides import apply_edits, for_clients, overrides_key

ensure_router()

_PICKED = "health_client"
_CHANCE = "Chance of leaving"
_PATH_CHOICES = (DEFAULT_PATHS, 50_000, MAX_PATHS)

dataset = page_dataset(
    "Client health",
    "There is no income data yet. Upload an income CSV to see which clients are slipping away.",
)

store = get_store()
currency = dataset.base_currency
revision = dataset_revision(dataset)
overrides_at = overrides_key(dataset.id)
overrides = st.session_state.setdefault(overrides_at, {})

# -- inputs ----------------------------------------------------------------------------------------
date_col, horizon_col, paths_col, expenses_col = st.columns([3, 3, 3, 4], vertical_alignment="bottom")
as_of = date_col.date_input("As of", value=dataset.last_date, min_value=dataset.first_date, format="YYYY-MM-DD",
                            key=f"health_as_of_{dataset.id}",
                            help="Judge the clients on this day, using only the payments up to it. "
                            "Defaults to the last record of the dataset.")
horizon = horizon_col.segmented_control("Simulate the next", HORIZONS, default=HORIZONS[0], key="health_horizon",
                                        format_func=lambda m: f"{m} months") or HORIZONS[0]
paths = paths_col.selectbox("Futures to simulate", _PATH_CHOICES, key="health_paths", format_func=number,
                            help="More futures give steadier percentiles and take longer.")
remembered = remembered_finances(store, dataset.id)
expenses = expenses_col.number_input(f"Monthly expenses ({currency})", min_value=0.0, step=100.0,
                                     value=remembered.expenses, placeholder="optional",
                                     key=f"health_expenses_{dataset.id}",
                                     help="Shared with the scenario page. Gives the chance that a month's "
                                     "income falls below them.")
if expenses != remembered.expenses:
    remember_finances(store, dataset.id, Finances(expenses, remembered.reserve))

report = cached_health(store.cache_key, revision, as_of)
if isinstance(report, str):
    st.warning(report, icon=":material/info:")
    st.stop()
report: HealthReport

# -- revenue at risk -------------------------------------------------------------------------------
paying = [c.client for c in report.clients if c.payments]
with st.spinner(f"Simulating {number(paths)} futures…"):
    risk = cached_revenue_risk(store.cache_key, revision, as_of, horizon, paths, expenses,
                               for_clients(overrides, paying))
if isinstance(risk, str):
    st.warning(f"No revenue at risk to show: {risk}", icon=":material/info:")
else:
    risk: RevenueRisk
    report = by_revenue_at_risk(report, {c.client: c.revenue_at_risk for c in risk.clients})
    cards = st.columns(4)
    cards[0].metric("Next 12 months (median)", money(risk.p50, currency), border=True,
                    help=f"Half of the {number(risk.paths)} simulated futures earn more than this in the next "
                    f"12 months, half less. 90% of them fall between {money(risk.p5, currency)} (P5) and "
                    f"{money(risk.p95, currency)} (P95). If every client stayed on its run-rate: "
                    f"{money(risk.baseline_12, currency)}.")
    cards[1].metric("Revenue at risk (95%)", money(risk.revenue_at_risk_95, currency), border=True,
                    help=f"The baseline {money(risk.baseline_12, currency)} minus P5: in 1 future of 20 you earn "
                    "at least this much less than if every client stayed.")
    cards[2].metric("Expected loss", money(risk.expected_loss, currency), border=True,
                    help="The baseline minus the average of the futures: the revenue you should expect to lose "
                    "to clients leaving in the next 12 months.")
    cards[3].metric("A month below expenses",
                    "—" if risk.prob_below_expenses is None else percent(risk.prob_below_expenses), border=True,
                    help="Enter your monthly expenses to see it." if risk.prob_below_expenses is None else
                    f"The chance that a month's income falls below your expenses: the share of the futures in which "
                    f"at least one of the next {risk.horizon} months brings in "
                    f"less than {money(expenses, currency)}.")
    hand_set = sum(c.overridden for c in risk.clients)
    st.caption(f"**How these numbers were made:** {risk.model.note} Each client's run-rate is its average month "
               f"of the 12 months to {risk.as_of:%d %b %Y}; {number(risk.paths)} futures simulated (seed {risk.seed})."
               + (f" **{hand_set} client{'s' if hand_set != 1 else ''}** with a chance of leaving set by hand."
                  if hand_set else ""))
    left, right = st.columns(2)
    left.plotly_chart(fan_chart(risk.fan, currency), width="stretch")
    right.plotly_chart(revenue_histogram(risk.totals_12, risk.baseline_12, risk.p5, currency), width="stretch")

# -- the clients -------------------------------------------------------------------------------------
flagged = len(report.flagged)
st.subheader(f"{flagged} of {len(report.clients)} clients show a warning sign on {report.as_of:%d %b %Y}"
             if flagged else f"No client shows a warning sign on {report.as_of:%d %b %Y}")
st.caption(
    f"**Quiet**: no payment for {number(QUIET_RATIO)}× the client's usual gap between payments. "
    f"**Spend down**: {percent(SPEND_DOWN_SHARE, 0)} or more less revenue in the last {RECENT_MONTHS} months "
    f"({report.recent_start:%d %b %Y} – {report.as_of:%d %b %Y}) than in the {RECENT_MONTHS} before. "
    f"**Late**: paid {number(LATE_DAYS)} days or more after the due date on average (invoice exports only). "
    "**One-off**: paid on a single day so far."
)
clients = report.clients
names = [c.client for c in clients]
by_client = {} if isinstance(risk, str) else {c.client: c for c in risk.clients}
table = {"Client": names, "Warning signs": [[f.text for f in c.flags] for c in clients]}
if by_client:
    odds = [by_client.get(name) for name in names]
    table |= {
        "Revenue at risk": [None if o is None else o.revenue_at_risk for o in odds],
        _CHANCE: [None if o is None else o.p_leave * 100 for o in odds],
        "Set by hand": [o is not None and o.overridden for o in odds],
        "Still a client": [None if o is None else o.p_alive * 100 for o in odds],
    }
table |= {
    "Last 12 months": [c.trailing_revenue for c in clients],
    "Trend": [None if c.trend is None else c.trend * 100 for c in clients],
    "Days since": [c.days_since_last for c in clients],
    "Usual gap": [c.median_gap_days for c in clients],
    "Overdue ratio": [c.overdue_ratio for c in clients],
    "Payments": [c.payments for c in clients],
    "Last payment": [c.last_payment for c in clients],
}
if report.has_due_dates:
    table["Days late"] = [c.days_late for c in clients]
columns = {
    "Client": st.column_config.TextColumn(pinned=True),
    "Warning signs": st.column_config.ListColumn(width=360),
    "Revenue at risk": st.column_config.NumberColumn(
        f"Revenue at risk ({currency})", format="accounting",
        help="Revenue you should expect to lose from this client in the next 12 months, given its chance of leaving."),
    _CHANCE: st.column_config.NumberColumn(
        f"{_CHANCE} (%)", format="%.1f%%", min_value=0, max_value=100, step=0.1,
        help=f"Chance the client is gone within {horizon} months. Type your own figure to override the model; "
        "empty the cell to go back to the model."),
    "Set by hand": st.column_config.CheckboxColumn(help="The chance of leaving is yours, not the model's."),
    "Still a client": st.column_config.NumberColumn(
        "Still a client (%)", format="%.1f%%", help="The model's chance that the client is still with you today."),
    "Last 12 months": st.column_config.NumberColumn(
        f"Last 12 months ({currency})", format="accounting",
        help=f"Net revenue {report.prior_start:%d %b %Y} – {report.as_of:%d %b %Y} (refunds subtract)."),
    "Trend": st.column_config.NumberColumn(
        format="%+.0f%%", help=f"Net revenue of the last {RECENT_MONTHS} months vs the {RECENT_MONTHS} before; "
        "empty without revenue before or when the data does not reach back a year."),
    "Days since": st.column_config.NumberColumn(format="%d", help="Days from the last payment to the as-of date."),
    "Usual gap": st.column_config.NumberColumn(
        "Usual gap (days)", format="%.0f", help="Median number of days between payment days."),
    "Overdue ratio": st.column_config.NumberColumn(
        format="%.1f×", help="Days since the last payment ÷ the usual gap: 1× is due, 2× skipped one payment."),
    "Payments": st.column_config.NumberColumn(format="%d", help="Payments received (refunds not counted)."),
    "Last payment": st.column_config.DateColumn(format="YYYY-MM-DD"),
    "Days late": st.column_config.NumberColumn(
        format="%.1f", help="Average days between the due date and the payment, on invoices with both dates."),
}
# Every applied edit changes the rows (their order follows revenue at risk), so the editor starts
# afresh under a new key; its edits live on in the overrides.
version_at = f"{overrides_at}_version"
editor_key = f"health_editor_{dataset.id}_{st.session_state.setdefault(version_at, 0)}"


def _apply_table_edits(shown: list[str], key: str) -> None:
    """Turn the edits of the table as it was shown (``shown``: its clients in row order) into overrides."""
    st.session_state[overrides_at] = apply_edits(st.session_state[overrides_at], shown,
                                                 st.session_state[key]["edited_rows"], _CHANCE)
    st.session_state[version_at] += 1


order = ("Client", "Revenue at risk", _CHANCE, "Warning signs")  # the rest as built
st.data_editor(table, column_config=columns, column_order=[c for c in order if c in table] +
               [c for c in table if c not in order], disabled=[c for c in table if c != _CHANCE], hide_index=True,
               width="stretch", key=editor_key, on_change=_apply_table_edits, args=(names, editor_key))
if overrides and st.button("Give every client back to the model", icon=":material/restart_alt:",
                           key="health_reset_overrides"):
    st.session_state[overrides_at] = {}
    st.session_state[version_at] += 1
    st.rerun()

# -- what if this client leaves? ----------------------------------------------------------------------
if st.session_state.get(_PICKED) not in names:
    st.session_state[_PICKED] = names[0]
st.subheader("What if you let a client go?")
pick_col, link_col = st.columns([2, 3], vertical_alignment="bottom")
picked = pick_col.selectbox("Client to let go", names, key=_PICKED)
with link_col:
    st.page_link("pages/scenarios.py", label=f"What if {md_escape(picked)} leaves?", icon=":material/trending_down:",
                 query_params={"client": picked})
