"""Diversification: where the money comes from, how that changes, and what spreading it takes."""

from __future__ import annotations

import streamlit as st

from analytics.formatting import money, number, percent
from analytics.targets import plan_effective_clients, plan_top_share
from analytics.window import WindowSpec
from pages.common import (
    page_dataset,
    cached_baseline,
    cached_categories,
    cached_client_mix,
    cached_concentration,
    cached_over_time,
    cached_window,
    dataset_revision,
    ensure_router,
    get_store,
    md_escape,
    share_table,
)
from pages.diversification_charts import (
    cohort_heatmap,
    concentration_trend_chart,
    new_returning_chart,
    stacked_area_chart,
    target_chart,
    tenure_chart,
    treemap_chart,
)

ensure_router()

dataset = page_dataset(
    "Diversification",
    "There is no income data yet. Upload an income CSV to see where your money comes from.",
)

store = get_store()
revision = dataset_revision(dataset)
currency = dataset.base_currency
window = cached_window(store.cache_key, revision, WindowSpec("trailing_12m"))
report = cached_concentration(store.cache_key, revision, window)
if isinstance(report, str):
    st.warning(report, icon=":material/info:")
    st.stop()
categories = cached_categories(store.cache_key, revision, window)
over_time = cached_over_time(store.cache_key, revision)
mix = cached_client_mix(store.cache_key, revision)

st.caption(f"{md_escape(dataset.name)} · shares over the last 12 months ({window.label}), trends month by month.")

# 1. Where the money comes from ------------------------------------------------------------------
if categories:  # a client working in two service lines appears under both
    tiles = [(client, category, revenue, revenue / categories.total_revenue)
             for client, category, revenue in categories.client_pieces]
else:
    tiles = [(c.client, None, c.revenue, c.share) for c in report.clients_table]
left, right = st.columns([3, 2])
with left:
    st.plotly_chart(treemap_chart(tiles, currency), width="stretch")
with right:
    if categories:
        st.markdown("**By service line**")
        st.write(md_escape(categories.sentence))
        share_table("Category", [(c.category, c.revenue, c.share) for c in categories.categories], currency)
        st.caption(f"HHI across service lines {number(categories.hhi_points)} ({categories.hhi_band}); "
                   f"as concentrated as {number(categories.effective_categories, 1)} equal lines.")
    else:
        st.info("Map a **category** column (service or product line) on upload to see how much you depend "
                "on one kind of work as well as on one client.", icon=":material/category:")

# 2. How that changes ----------------------------------------------------------------------------
as_share = st.toggle("Show as share of each month (100%)", key="diversification_percent")
st.plotly_chart(stacked_area_chart(over_time.by_month, currency, as_percent=as_share), width="stretch")

st.plotly_chart(concentration_trend_chart(over_time.concentration, currency), width="stretch")
if over_time.concentration:
    last = over_time.concentration[-1]
    st.caption(f"Latest month: top client {percent(last.top1)}, top 3 {percent(last.top3)}, "
               f"{number(last.effective_clients, 1)} effective clients, {last.active_clients} active clients "
               "(paid in the last 12 months).")

left, right = st.columns(2)
with left:
    view = st.segmented_control("Split monthly revenue by", ["New vs returning", "Client tenure"],
                                default="New vs returning", key="diversification_split") or "New vs returning"
    figure = new_returning_chart(mix.new_returning, currency) if view == "New vs returning" \
        else tenure_chart(mix.tenure, currency)
    st.plotly_chart(figure, width="stretch")
with right:
    st.plotly_chart(cohort_heatmap(mix.cohorts, currency), width="stretch")

# 3. What spreading it takes ---------------------------------------------------------------------
st.subheader("Diversification target")
baseline = cached_baseline(store.cache_key, revision, 12)
if isinstance(baseline, str):
    st.info(baseline)
    st.stop()
kind_col, value_col = st.columns([2, 3])
kind = kind_col.radio("Target", ["Top client at most", "Effective clients at least"], key="target_kind")
try:
    if kind == "Top client at most":
        share = value_col.slider("Largest client's share of income", 5, 95, 25, step=5, format="%d%%",
                                 key="target_share")
        plan = plan_top_share(baseline, share / 100, currency)
    else:
        target = value_col.slider("Effective number of clients", 1.0, 30.0, 5.0, step=0.5, key="target_effective")
        plan = plan_effective_clients(baseline, target, currency)
except ValueError as exc:
    st.error(str(exc))
    st.stop()
(st.success if plan.reached else st.info)(md_escape(plan.message), icon=":material/flag:")
st.plotly_chart(target_chart(plan, currency), width="stretch")
st.caption(f"Assumes today's clients keep paying what they paid over {baseline.start:%d %b %Y} – "
           f"{baseline.end:%d %b %Y} ({money(baseline.monthly, currency)} a month) and new clients are of "
           f"today's median size ({money(plan.median_client_monthly, currency)} a month).")
