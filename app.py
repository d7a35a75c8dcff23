"""Eggbasket's Streamlit entry point: page router plus what every page shares (dataset picker).

Run with ``make run`` (or ``streamlit run app.py``). On first launch with an empty database the
demo dataset is imported, so a new user sees charts at once.
"""

from __future__ import annotations

import streamlit as st

from analytics.demo import ensure_demo
from pages.common import SHELL_RAN_KEY, active_dataset, currency_note, get_store, set_active_dataset

_PICKER_KEY = "dataset_picker"

st.set_page_config(page_title="Eggbasket", page_icon=":material/egg:", layout="wide")


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


def main() -> None:
    store = get_store()
    demo_id = ensure_demo(store)
    if demo_id is not None:
        set_active_dataset(demo_id)
    pages = [
        st.Page("pages/overview.py", title="Overview", icon=":material/pie_chart:", default=True),
        st.Page("pages/scenarios.py", title="What if a client leaves?", icon=":material/trending_down:"),
        st.Page("pages/diversification.py", title="Diversification", icon=":material/donut_small:"),
        st.Page("pages/upload.py", title="Upload", icon=":material/upload:"),
        st.Page("pages/datasets.py", title="Datasets", icon=":material/database:"),
    ]
    navigation = st.navigation(pages)
    st.session_state[SHELL_RAN_KEY] = True
    dataset_picker()
    navigation.run()


main()
