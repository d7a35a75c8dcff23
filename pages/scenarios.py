"""What if a client leaves? Simulate losing clients: income, runway, recovery, concentration after."""

from __future__ import annotations

import streamlit as st

from analytics.baseline import BASELINE_MONTHS, DEFAULT_BASELINE_MONTHS, Baseline
from analytics.formatting import money, months, number, percent
from analytics.saved_scenarios import (
    Finances,
    delete_scenario,
    remember_finances,
    remembered_finances,
    save_scenario,
    saved_scenarios,
)
from analytics.scenario import Loss, Scenario, month_label, simulate
from analytics.scenario_summary import scenario_summary
from pages.common import ensure_router, page_dataset, cached_baseline, dataset_revision, get_store, md_escape
from pages.scenario_charts import projection_chart, waterfall_chart

ensure_router()

_PICK, _TOP = "Pick clients", "Top clients"
_MAX_OFFERED = 100

dataset = page_dataset(
    "What if a client leaves?",
    "There is no income data yet. Upload an income CSV to simulate losing a client.",
)

store = get_store()
currency = dataset.base_currency
baseline_months = st.session_state.get("scenario_baseline_months", DEFAULT_BASELINE_MONTHS)
baseline = cached_baseline(store.cache_key, dataset_revision(dataset), baseline_months)
if isinstance(baseline, str):
    st.warning(baseline, icon=":material/info:")
    st.stop()
baseline: Baseline

summary_slot = st.container()

# -- inputs --------------------------------------------------------------------------------------
with st.container(border=True):
    left, middle, right = st.columns([5, 4, 4], gap="large")
    with left:
        mode = st.segmented_control("Who leaves", [_PICK, _TOP], default=_PICK, key="scenario_mode") or _PICK
        by_name = {c.client: c for c in baseline.clients}
        if mode == _PICK:
            # A picker with thousands of options makes every rerun slow; losing one of your
            # smallest clients is not the question here, so offer the largest ones.
            offered = list(by_name)[:_MAX_OFFERED]
            # A link such as ?client=Acme pre-selects that client; names from another dataset are dropped,
            # and when none is left (the user switched datasets) this one's largest client is picked,
            # as on a first visit. Only a picker the user emptied stays empty.
            wanted = st.query_params.pop("client", None)
            stored = st.session_state.get("scenario_clients")
            current = [n for n in stored or [] if n in offered]
            if wanted in by_name:
                offered = offered if wanted in offered else [*offered, wanted]
                current = [wanted]
            st.session_state["scenario_clients"] = current if current or stored == [] else [baseline.clients[0].client]
            picked = st.multiselect(
                "Clients to lose (largest first)" if len(offered) == len(by_name)
                else f"Clients to lose (your {_MAX_OFFERED} largest)",
                offered,
                format_func=lambda name: f"{name} — {percent(by_name[name].monthly / baseline.monthly)}",
                key="scenario_clients",
            )
        else:
            k = st.number_input("How many of your largest clients", 1, len(baseline.clients), 1, key="scenario_top_k")
            picked = [c.client for c in baseline.clients[: int(k)]]
        cut = st.slider("Share of their spend lost", 5, 100, 100, step=5, format="%d%%", key="scenario_cut",
                        help="100% = the client leaves; 30% = it cuts its spend by 30%.")
        start_options = [month_label(baseline.next_month, i) for i in range(1, 13)]
        start = st.selectbox("Starting in", start_options, key="scenario_start",
                             format_func=lambda m: f"{m} (next month)" if m == baseline.next_month else m)
    with middle:
        remembered = remembered_finances(store, dataset.id)
        expenses = st.number_input(f"Monthly expenses ({currency})", min_value=0.0, step=100.0,
                                   value=remembered.expenses, placeholder="optional", key=f"expenses_{dataset.id}")
        reserve = st.number_input(f"Cash reserve ({currency})", min_value=0.0, step=1000.0,
                                  value=remembered.reserve, placeholder="optional", key=f"reserve_{dataset.id}")
        if Finances(expenses, reserve) != remembered:
            remember_finances(store, dataset.id, Finances(expenses, reserve))
        st.selectbox("Baseline: average of the last", BASELINE_MONTHS, index=BASELINE_MONTHS.index(baseline_months),
                     format_func=lambda m: f"{m} months", key="scenario_baseline_months")
        st.caption(f"Baseline {baseline.start:%d %b %Y} – {baseline.end:%d %b %Y}, ÷ {baseline.months} months.")
    with right:
        recover_months = st.slider("Months to win replacement work", 0, 24, 0, key="scenario_recover_months",
                                   help="Replacement revenue grows linearly and is complete in this month of the loss.")
        recover_share = st.slider("Share of the lost income replaced", 0, 100, 50 if recover_months else 0, step=5,
                                  format="%d%%", key="scenario_recover_share", disabled=recover_months == 0)

if not picked:
    summary_slot.info("Pick at least one client to lose.", icon=":material/touch_app:")
    st.stop()

scenario = Scenario(
    losses=tuple(Loss(name, cut / 100, start) for name in picked),
    expenses=expenses,
    reserve=reserve or 0.0,
    recover_months=recover_months,
    recover_share=recover_share / 100 if recover_months else 0.0,
)
result = simulate(baseline, scenario)
summary = scenario_summary(result, currency, expenses, reserve or 0.0, {n: cut / 100 for n in picked})
summary_slot.markdown("##### " + md_escape(summary))

# -- results -------------------------------------------------------------------------------------
cards = st.columns(4)
cards[0].metric("Income drop per month", money(-result.lost_monthly, currency), f"-{percent(result.lost_share)}",
                help=f"{money(result.lost_yearly, currency)} a year, before any recovery.", border=True)
cards[1].metric("Runway", months(result.runway_months) if expenses is not None else "—",
                help="Months until the cash reserve runs out at the scenario's deficit. "
                "Enter your monthly expenses to see it." if expenses is None else
                "Months until the cash reserve runs out at the scenario's deficit.", border=True)
cards[2].metric("Clients to replace", "—" if result.clients_to_replace is None else number(result.clients_to_replace),
                help="Lost monthly income ÷ the average run-rate of the clients you keep, rounded up.", border=True)
if result.after is not None:
    cards[3].metric("Top client share after", percent(result.after.top_shares[1]),
                    f"{(result.after.top_shares[1] - result.before.top_shares[1]) * 100:+.1f} pts",
                    delta_color="inverse", border=True)
else:
    cards[3].metric("Top client share after", "—", help="No client would be left.", border=True)

left, right = st.columns(2)
left.plotly_chart(waterfall_chart(result, currency, expenses), width="stretch")
right.plotly_chart(projection_chart(result, currency), width="stretch")
if result.break_even_loss_share is not None:
    st.caption(f"Break-even: you can lose up to {percent(result.break_even_loss_share)} of your income "
               "before it falls below your expenses.")

st.subheader("Stress test: losing your largest clients at once")
st.dataframe(
    {
        "Lose top": [f"{row.k}" for row in result.stress],
        "Clients": [", ".join(row.clients) for row in result.stress],
        "Income lost": [row.lost_share * 100 for row in result.stress],
        "Income left / month": [row.scenario_monthly for row in result.stress],
        "Gap to expenses": [row.gap_to_expenses for row in result.stress],
        "Runway": [months(row.runway_months) if expenses is not None else "—" for row in result.stress],
    },
    column_config={
        "Income lost": st.column_config.NumberColumn(format="%.1f%%"),
        "Income left / month": st.column_config.NumberColumn(f"Income left / month ({currency})", format="accounting"),
        "Gap to expenses": st.column_config.NumberColumn(f"Gap to expenses ({currency})", format="accounting"),
    },
    hide_index=True,
    width="stretch",
)

# -- saved scenarios -------------------------------------------------------------------------------
st.subheader("Saved scenarios")
save_col, name_col = st.columns([1, 3], vertical_alignment="bottom")
name = name_col.text_input("Scenario name", placeholder="e.g. Nordlicht leaves in January", key="scenario_name")
if save_col.button("Save this scenario", icon=":material/bookmark_add:"):
    try:
        save_scenario(store, dataset.id, name, scenario, baseline_months)
        compared = [n for n in st.session_state.get("scenario_compare", []) if n != name.strip()]
        st.session_state["scenario_compare"] = (compared + [name.strip()])[-6:]  # show it at once
        st.toast(f"Saved “{name.strip()}”")
    except ValueError as exc:
        st.error(str(exc))

saved = saved_scenarios(store, dataset.id)
if not saved:
    st.caption("Save scenarios to compare them side by side.")
    st.stop()
names = [s.name for s in saved]
st.session_state["scenario_compare"] = [n for n in st.session_state.get("scenario_compare", names[-3:]) if n in names]
chosen = st.multiselect("Compare", names, key="scenario_compare", max_selections=6)
rows: dict[str, list[str]] = {"": ["Clients lost", "Income drop / month", "Income after / month", "Runway",
                                   "Clients to replace", "Top client share after"]}
for item in (s for s in saved if s.name in chosen):
    base = cached_baseline(store.cache_key, dataset_revision(dataset), item.baseline_months)
    try:
        r = simulate(base, item.scenario, with_stress=False)
    except ValueError as exc:
        rows[item.name] = [str(exc), "", "", "", "", ""]
        continue
    rows[item.name] = [
        ", ".join(f"{c.client}" + (f" ({percent(lo.cut, 0)})" if lo.cut < 1 else "")
                  for c, lo in zip(r.lost_clients, item.scenario.losses)),
        f"−{money(r.lost_monthly, currency)} ({percent(r.lost_share)})",
        money(r.scenario_monthly, currency),
        months(r.runway_months) if item.scenario.expenses is not None else "no expenses given",
        "—" if r.clients_to_replace is None else number(r.clients_to_replace),
        "—" if r.after is None else percent(r.after.top_shares[1]),
    ]
st.dataframe(rows, hide_index=True, width="stretch")
with st.popover("Delete a saved scenario", icon=":material/delete:"):
    doomed = st.selectbox("Scenario", [s.name for s in saved], key="scenario_delete_choice")
    if st.button("Delete", type="primary", key="scenario_delete"):
        delete_scenario(store, dataset.id, doomed)
        st.rerun()
