"""Overview: how concentrated is the active dataset's revenue, and how risky is that?"""

from __future__ import annotations

from datetime import date

import streamlit as st

from analytics.formatting import money, number, percent
from analytics.risk import percent_text
from analytics.window import WindowSpec
from pages.charts import lorenz_chart, pareto_chart
from pages.common import (
    ensure_router,
    page_dataset,
    cached_concentration,
    cached_window,
    dataset_revision,
    get_store,
    md_escape,
    share_table,
)

ensure_router()

_WINDOWS = {"Last 12 months": "trailing_12m", "All time": "all", "Custom": "custom"}
_RISK_BOX = {"low": st.success, "moderate": st.info, "high": st.warning, "critical": st.error}

dataset = page_dataset(
    "Revenue concentration",
    "There is no income data yet. Upload an income CSV to see how concentrated your revenue is.",
)

choice = st.segmented_control("Period", list(_WINDOWS), default="Last 12 months", key="overview_window")
kind = _WINDOWS[choice or "Last 12 months"]
spec = WindowSpec(kind)
if kind == "custom":
    picked = st.date_input(
        "From – to",
        value=(dataset.first_date, dataset.last_date),
        min_value=date(1990, 1, 1),
        key="overview_custom_range",
    )
    if len(picked) != 2:
        st.caption("Pick the end date too.")
        st.stop()
    spec = WindowSpec("custom", picked[0], picked[1])

store = get_store()
revision = dataset_revision(dataset)
window = cached_window(store.cache_key, revision, spec)
report = cached_concentration(store.cache_key, revision, window)
if isinstance(report, str):
    st.warning(report, icon=":material/info:")
    st.stop()

currency = dataset.base_currency
st.caption(
    f"{md_escape(dataset.name)} · {window.label} · {money(report.total_revenue, currency)} "
    f"from {number(report.clients)} paying clients"
)

risk = report.risk
_RISK_BOX[risk.level](
    f"**Risk: {risk.level.upper()}**\n\n" + "\n".join(f"- {md_escape(reason)}" for reason in risk.reasons),
    icon=":material/egg:",
)

cards = st.columns(4)
top = report.clients_table[0]
cards[0].metric("Top client share", percent_text(report.top_shares[1], 1), help=f"{top.client}: {money(top.revenue, currency)}", border=True)
cards[1].metric("Top 3 clients", percent(report.top_shares[3]), border=True)
cards[2].metric(
    "Effective clients",
    number(report.effective_clients, 1),
    help="1 / HHI: how many equal-sized clients would give the same concentration.",
    border=True,
)
cards[3].metric(
    "HHI",
    number(report.hhi_points),
    delta=risk.hhi_band,
    delta_color="off",
    delta_arrow="off",
    help="Sum of squared client shares × 10,000. Bands from the 2023 US Merger Guidelines: "
    "below 1,000 unconcentrated, 1,000–1,800 moderately, above 1,800 highly concentrated.",
    border=True,
)

left, right = st.columns(2)
with left:
    st.plotly_chart(
        pareto_chart([(c.client, c.revenue, c.share) for c in report.clients_table], currency),
        width="stretch",
    )
    st.caption(f"{report.pareto_80_clients} of {report.clients} clients bring 80% of your revenue.")
with right:
    st.plotly_chart(lorenz_chart(report.lorenz, report.gini), width="stretch")
    st.caption(f"Gini {report.gini:.2f}: 0 means every client pays the same; near 1, one client pays nearly all.")

st.subheader("Clients")
share_table("Client", [(c.client, c.revenue, c.share) for c in report.clients_table], currency)
if report.excluded_clients:
    st.caption(
        "Not counted (refunds equal or exceed payments in this period): "
        + ", ".join(f"{md_escape(c.client)} ({money(c.revenue, currency)})" for c in report.excluded_clients)
    )
