"""Eggbasket's Streamlit entry point: page router plus what every page shares (dataset picker).

Run with ``make run`` (or ``streamlit run app.py``). On first launch with an empty database the
demo dataset is imported, so a new user sees charts at once.
"""

from __future__ import annotations

import streamlit as st

from analytics.demo import ensure_demo
from pages.common import SHELL_RAN_KEY, get_store, set_active_dataset
from pages.sidebar import dataset_picker

st.set_page_config(page_title="Eggbasket", page_icon=":material/egg:", layout="wide")


def main() -> None:
    store = get_store()
    demo_id = ensure_demo(store)
    if demo_id is not None:
        set_active_dataset(demo_id)
    pages = [
        st.Page("pages/overview.py", title="Overview", icon=":material/pie_chart:", default=True),
        st.Page("pages/scenarios.py", title="What if a client leaves?", icon=":material/trending_down:"),
        st.Page("pages/health.py", title="Client health", icon=":material/monitor_heart:"),
        st.Page("pages/diversification.py", title="Diversification", icon=":material/donut_small:"),
        st.Page("pages/upload.py", title="Upload", icon=":material/upload:"),
        st.Page("pages/clients.py", title="Client names & groups", icon=":material/group:"),
        st.Page("pages/datasets.py", title="Datasets", icon=":material/database:"),
    ]
    navigation = st.navigation(pages)
    st.session_state[SHELL_RAN_KEY] = True
    dataset_picker()
    navigation.run()


main()
