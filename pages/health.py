"""Client health: which clients are slipping away, in plain words, and a way to ask "what if this
client leaves?" on the scenario page."""

from __future__ import annotations

import streamlit as st

from analytics.formatting import number, percent
from analytics.health import LATE_DAYS, QUIET_RATIO, RECENT_MONTHS, SPEND_DOWN_SHARE, HealthReport
from pages.common import active_dataset, cached_health, dataset_revision, empty_state, ensure_router, get_store, md_escape

ensure_router()

_PICKED, _TABLE, _LAST_ROW = "health_client", "health_table", "health_table_row"

dataset = active_dataset()
st.title("Client health")
if dataset is None:
    empty_state("There is no income data yet. Upload an income CSV to see which clients are slipping away.")
    st.stop()

store = get_store()
currency = dataset.base_currency
as_of = st.columns([1, 3])[0].date_input("As of", value=dataset.last_date, min_value=dataset.first_date, format="YYYY-MM-DD",
                      key=f"health_as_of_{dataset.id}",
                      help="Judge the clients on this day, using only the payments up to it. "
                      "Defaults to the last record of the dataset.")
report = cached_health(store.cache_key, dataset_revision(dataset), as_of)
if isinstance(report, str):
    st.warning(report, icon=":material/info:")
    st.stop()
report: HealthReport

flagged = len(report.flagged)
st.markdown(f"##### {flagged} of {len(report.clients)} clients show a warning sign on {report.as_of:%d %b %Y}"
            if flagged else f"##### No client shows a warning sign on {report.as_of:%d %b %Y}")
st.caption(
    f"**Quiet**: no payment for {number(QUIET_RATIO)}× the client's usual gap between payments. "
    f"**Spend down**: {percent(SPEND_DOWN_SHARE, 0)} or more less revenue in the last {RECENT_MONTHS} months "
    f"({report.recent_start:%d %b %Y} – {report.as_of:%d %b %Y}) than in the {RECENT_MONTHS} before. "
    f"**Late**: paid {number(LATE_DAYS)} days or more after the due date on average (invoice exports only). "
    "**One-off**: paid on a single day so far."
)

# -- the table -------------------------------------------------------------------------------------
clients = report.clients
table = {
    "Client": [c.client for c in clients],
    "Warning signs": [[f.text for f in c.flags] for c in clients],
    "Last 12 months": [c.trailing_revenue for c in clients],
    "Trend": [None if c.trend is None else c.trend * 100 for c in clients],
    "Last payment": [c.last_payment for c in clients],
    "Days since": [c.days_since_last for c in clients],
    "Usual gap": [c.median_gap_days for c in clients],
    "Overdue ratio": [c.overdue_ratio for c in clients],
    "Payments": [c.payments for c in clients],
}
if report.has_due_dates:
    table["Days late"] = [c.days_late for c in clients]
event = st.dataframe(
    table,
    column_config={
        "Warning signs": st.column_config.ListColumn(width="large"),
        "Last 12 months": st.column_config.NumberColumn(
            f"Last 12 months ({currency})", format="accounting",
            help=f"Net revenue {report.prior_start:%d %b %Y} – {report.as_of:%d %b %Y} (refunds subtract)."),
        "Trend": st.column_config.NumberColumn(
            format="%+.0f%%", help=f"Net revenue of the last {RECENT_MONTHS} months vs the {RECENT_MONTHS} before; "
            "empty without revenue before or when the data does not reach back a year."),
        "Last payment": st.column_config.DateColumn(format="YYYY-MM-DD"),
        "Days since": st.column_config.NumberColumn(format="%d", help="Days from the last payment to the as-of date."),
        "Usual gap": st.column_config.NumberColumn(
            "Usual gap (days)", format="%.0f", help="Median number of days between payment days."),
        "Overdue ratio": st.column_config.NumberColumn(
            format="%.1f×", help="Days since the last payment ÷ the usual gap: 1× is due, 2× skipped one payment."),
        "Payments": st.column_config.NumberColumn(format="%d", help="Payments received (refunds not counted)."),
        "Days late": st.column_config.NumberColumn(
            format="%.1f", help="Average days between the due date and the payment, on invoices with both dates."),
    },
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key=_TABLE,
)

# -- what if this client leaves? ----------------------------------------------------------------------
names = [c.client for c in clients]
rows = event.selection.rows
row = rows[0] if rows else None
if row != st.session_state.get(_LAST_ROW):  # a newly selected row picks its client below
    st.session_state[_LAST_ROW] = row
    if row is not None and row < len(names):
        st.session_state[_PICKED] = names[row]
if st.session_state.get(_PICKED) not in names:
    st.session_state[_PICKED] = names[0]
st.subheader("What if you let a client go?")
pick_col, link_col = st.columns([2, 3], vertical_alignment="bottom")
picked = pick_col.selectbox("Client (or select a row above)", names, key=_PICKED)
with link_col:
    st.page_link("pages/scenarios.py", label=f"What if {md_escape(picked)} leaves?", icon=":material/trending_down:",
                 query_params={"client": picked})
