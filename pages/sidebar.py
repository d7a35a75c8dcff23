"""The sidebar every page shares: the active dataset, switchable, and the by-group switch."""

from __future__ import annotations

import streamlit as st

from analytics.clients import groups
from pages.common import BY_GROUP_KEY, active_dataset, currency_note, get_store, set_active_dataset

_PICKER_KEY = "dataset_picker"


def dataset_picker() -> None:
    """Sidebar: the active dataset, switchable, with a link to upload another."""
    store = get_store()
    datasets = store.datasets()
    with st.sidebar:
        st.markdown("### :material/egg: Eggbasket")
        st.caption("Don't put all your eggs in one basket.")
        if not datasets:
            st.caption("No dataset yet.")
            return
        current = active_dataset()
        by_id = {d.id: d for d in datasets}
        # Keep the widget in step with the active dataset, which other pages may change (an import).
        st.session_state[_PICKER_KEY] = current.id
        chosen = st.selectbox(
            "Dataset",
            options=list(by_id),
            format_func=lambda i: by_id[i].name,
            key=_PICKER_KEY,
            on_change=lambda: set_active_dataset(st.session_state[_PICKER_KEY]),
        )
        d = by_id[chosen]
        period = f"{d.first_date:%d %b %Y} – {d.last_date:%d %b %Y}" if d.first_date else "no rows"
        st.caption(f"{d.rows_imported:,} rows · {period}{currency_note(d.base_currency)}")
        if groups(store, d.id):
            st.toggle("Count client groups as one client", key=BY_GROUP_KEY,
                      help="Entities under common control count as one customer (ASC 280-10-50-42).")
