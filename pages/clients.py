"""Client names & groups: merge spellings of one client, and group clients under common control."""

from __future__ import annotations

import streamlit as st

from analytics.clients import (
    aliases,
    groups,
    merge_clients,
    reject_merge,
    remove_alias,
    remove_from_group,
    set_group,
    suggest_merges,
)
from analytics.formatting import percent
from analytics.window import WindowSpec
from pages.common import (
    page_dataset,
    cached_concentration,
    cached_window,
    dataset_revision,
    ensure_router,
    get_store,
    md_escape,
)

ensure_router()

dataset = page_dataset(
    "Client names & groups",
    "There is no income data yet. Upload an income CSV first.",
)
store = get_store()

st.subheader("Probably the same client")
st.caption("Names that differ only in case, punctuation, legal form (GmbH, Ltd, Sp. z o.o., ООО…), an e-mail "
           "address vs the company name, or a typo. Accept to count them as one client everywhere.")
suggestions = suggest_merges(store, dataset.id, limit=20)
if not suggestions:
    st.success("No likely duplicates among your client names.", icon=":material/check:")
for i, suggestion in enumerate(suggestions):
    with st.container(border=True):
        text, accept, reject = st.columns([6, 1, 1], vertical_alignment="center")
        text.markdown(f"**{md_escape(suggestion.keep)}** ← " + ", ".join(
            md_escape(n) for n in suggestion.names if n != suggestion.keep) + f"  \n{md_escape(suggestion.reason)}")
        if accept.button("Merge", key=f"merge_{i}", type="primary"):
            merge_clients(store, dataset.id, [n for n in suggestion.names if n != suggestion.keep], suggestion.keep)
            st.rerun()
        if reject.button("Not the same", key=f"reject_{i}"):
            reject_merge(store, dataset.id, *suggestion.names)
            st.rerun()

current_aliases = aliases(store, dataset.id)
if current_aliases:
    with st.expander(f"Merged names ({len(current_aliases)})"):
        for alias, target in sorted(current_aliases.items()):
            name_col, undo_col = st.columns([6, 1], vertical_alignment="center")
            name_col.markdown(f"{md_escape(alias)} → **{md_escape(target)}**")
            if undo_col.button("Undo", key=f"unalias_{alias}"):
                remove_alias(store, dataset.id, alias)
                st.rerun()

st.subheader("Client groups")
st.caption("Entities under common control count as one customer (ASC 280-10-50-42): put a parent's "
           "subsidiaries in one group, then use the sidebar switch to see concentration by group; a scenario "
           "can then drop the whole group.")
window = cached_window(store.cache_key, dataset_revision(dataset), WindowSpec("all"))
report = cached_concentration(store.cache_key, dataset_revision(dataset), window)
names = [c.client for c in report.clients_table] if not isinstance(report, str) else []
shares = {c.client: c.share for c in report.clients_table} if not isinstance(report, str) else {}
with st.form("new_group", clear_on_submit=True):
    members = st.multiselect("Clients", names, format_func=lambda n: f"{n} — {percent(shares.get(n, 0))}")
    group_name = st.text_input("Group name", placeholder="e.g. Nordlicht Holding")
    if st.form_submit_button("Create or extend group", icon=":material/group_add:"):
        try:
            set_group(store, dataset.id, members, group_name)
            st.rerun()
        except ValueError as exc:
            st.error(str(exc))
for group_name, members in groups(store, dataset.id).items():
    with st.container(border=True):
        text, remove = st.columns([6, 1], vertical_alignment="center")
        text.markdown(f"**{md_escape(group_name)}**: " + ", ".join(md_escape(m) for m in members))
        if remove.button("Ungroup", key=f"ungroup_{group_name}"):
            remove_from_group(store, dataset.id, members)
            st.rerun()
