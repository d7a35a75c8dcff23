"""Datasets: what has been imported, renamed or removed."""

from __future__ import annotations

import streamlit as st

from analytics.export import rejected_rows_csv
from analytics.formatting import number
from pages.common import ACTIVE_KEY, currency_note, empty_state, ensure_router, get_store, md_escape

ensure_router()

st.title("Datasets")
store = get_store()
datasets = store.datasets()
if not datasets:
    empty_state("No dataset yet. Upload an income CSV to create one.")
    st.stop()

st.dataframe(
    {
        "Name": [d.name for d in datasets],
        "Source file": [d.source_file for d in datasets],
        "Rows": [d.rows_imported for d in datasets],
        "Rejected": [d.rows_rejected for d in datasets],
        "Period": [f"{d.first_date:%d %b %Y} – {d.last_date:%d %b %Y}" if d.first_date else "—" for d in datasets],
        "Currency": [d.base_currency for d in datasets],
        "Imported": [d.imported_at for d in datasets],
    },
    column_config={"Imported": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm")},
    hide_index=True,
    width="stretch",
)

by_id = {d.id: d for d in datasets}
chosen = st.selectbox("Dataset", list(by_id), format_func=lambda i: by_id[i].name, key="datasets_choice",
                      index=list(by_id).index(st.session_state.get(ACTIVE_KEY)) if st.session_state.get(ACTIVE_KEY) in by_id else 0)
dataset = by_id[chosen]
st.caption(f"{number(dataset.rows_imported)} rows imported from {md_escape(dataset.source_file or '?')}"
           f"{currency_note(dataset.base_currency)}; {number(dataset.rows_rejected)} rejected.")
added_exports = store.dataset_imports(dataset.id)
if added_exports:
    with st.expander(f"Newer exports added ({number(len(added_exports))})"):
        st.dataframe(
            {
                "File": [row[0] for row in added_exports],
                "Added": [row[1] for row in added_exports],
                "Rows read": [row[2] for row in added_exports],
                "New rows": [row[3] for row in added_exports],
                "Rejected": [row[4] for row in added_exports],
            },
            column_config={"Added": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm")},
            hide_index=True,
            width="stretch",
        )

rename_col, append_col, reject_col, delete_col = st.columns(4)
with rename_col.popover("Rename", icon=":material/edit:"):
    new_name = st.text_input("New name", value=dataset.name, key=f"rename_{dataset.id}")
    if st.button("Save name", key=f"rename_save_{dataset.id}"):
        try:
            store.rename_dataset(dataset.id, new_name)
            st.rerun()
        except ValueError as exc:
            st.error(str(exc))
if dataset.rows_rejected:
    reject_col.download_button(
        f"Rejected rows ({number(dataset.rows_rejected)})",
        rejected_rows_csv(store.rejected_rows(dataset.id)),
        file_name=f"{dataset.name}-rejected.csv",
        mime="text/csv",
        icon=":material/download:",
    )
append_col.page_link("pages/upload.py", label="Add a newer export", icon=":material/add:",
                     query_params={"into": str(dataset.id)},
                     help="Upload a newer download of the same account or platform: only the rows this dataset "
                     "does not have yet are added.")
with delete_col.popover("Delete", icon=":material/delete:"):
    st.warning(f"Delete **{md_escape(dataset.name)}** with its {number(dataset.rows_imported)} rows and saved "
               "scenarios? This cannot be undone.")
    confirm = st.checkbox("Yes, delete it", key=f"delete_confirm_{dataset.id}")
    if st.button("Delete dataset", type="primary", disabled=not confirm, key=f"delete_{dataset.id}"):
        store.delete_dataset(dataset.id)
        if st.session_state.get(ACTIVE_KEY) == dataset.id:
            st.session_state.pop(ACTIVE_KEY, None)
        st.rerun()
