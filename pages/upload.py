"""Upload: bring an income CSV, check what was detected, fix the mapping, import it."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import streamlit as st

from analytics.export import rejected_rows_csv
from analytics.ingest.mapping import BANK_ROLES
from analytics.ingest.presets import GENERIC, PRESETS
from analytics.ingest import (
    AppendResult,
    OPTIONAL_ROLES,
    REQUIRED_ROLES,
    ColumnMapping,
    ImportPlan,
    ImportSettings,
    IngestError,
    append_plan,
    import_plan,
    inspect_file,
    replan,
)
from analytics.formatting import number
from analytics.fx import parse_user_rates
from analytics.store import Dataset
from pages.common import ensure_router, currency_note, get_store, md_escape, set_active_dataset

ensure_router()

_PLAN = "upload_plan"
_FILE = "upload_file_id"
_RESULT = "upload_result"
_NONE = "(none)"
_CHOOSE = "(choose a column)"
_NEW = "new"
_DELIMITERS = {",": "Comma ,", ";": "Semicolon ;", "\t": "Tab", "|": "Pipe |"}
_ENCODINGS = ["utf-8", "utf-8-sig", "cp1251", "cp1250", "cp1252", "latin-1", "utf-16"]
_DATE_ORDERS = {"dmy": "Day first (31/12/2024)", "mdy": "Month first (12/31/2024)"}
_DECIMALS = {".": "Point (1,234.56)", ",": "Comma (1.234,56)"}
_ROLE_LABELS = {
    "date": "Date",
    "client": "Client",
    "amount": "Amount",
    "currency": "Currency (optional)",
    "category": "Category (optional)",
    "description": "Description (optional)",
    "transaction_id": "Transaction ID (optional)",
    "due_date": "Due date (optional)",
    "paid_date": "Paid date (optional)",
    "credit": "Money in (credit)",
    "debit": "Money out (debit, optional)",
}

st.title("Upload income")
st.write(
    "Upload an income export: a bank statement, a PayPal/Stripe/Upwork export, or your own spreadsheet "
    "saved as CSV. It needs a **date**, a **client** and an **amount** per row; refunds are negative amounts."
)

uploaded = st.file_uploader("Income CSV", type=None, key="upload_widget", help="Up to 1 GB.")


_UPLOAD_DIR = Path(tempfile.gettempdir()) / "eggbasket-uploads"
_STALE_SECONDS = 24 * 3600


def _save_upload(file) -> str:
    """Write the upload to a temporary file DuckDB can read; uploads left by ended sessions are
    removed after a day."""
    _UPLOAD_DIR.mkdir(exist_ok=True)
    for old in _UPLOAD_DIR.iterdir():
        try:
            if time.time() - old.stat().st_mtime > _STALE_SECONDS:
                old.unlink()
        except OSError:
            pass
    suffix = Path(file.name).suffix or ".csv"
    fd, path = tempfile.mkstemp(prefix="upload-", suffix=suffix, dir=_UPLOAD_DIR)
    with os.fdopen(fd, "wb") as out:
        out.write(file.getbuffer())
    return path


def _forget_plan() -> None:
    plan: ImportPlan | None = st.session_state.pop(_PLAN, None)
    if plan is not None:
        plan.close()
        Path(plan.original_path).unlink(missing_ok=True)
    st.session_state.pop(_FILE, None)


if uploaded is None:
    _forget_plan()
    result = st.session_state.get(_RESULT)
    if result is None:
        st.stop()
elif st.session_state.get(_FILE) != uploaded.file_id:
    _forget_plan()
    st.session_state.pop(_RESULT, None)
    path = _save_upload(uploaded)
    try:
        with st.spinner(f"Reading {uploaded.name}…"):
            st.session_state[_PLAN] = inspect_file(path)
        st.session_state[_FILE] = uploaded.file_id
    except IngestError as exc:
        Path(path).unlink(missing_ok=True)
        st.error(exc.message, icon=":material/error:")
        st.stop()

def _reinspect(plan: ImportPlan, settings: ImportSettings) -> None:
    """Read the file again with a different sheet (a workbook's sheets are separate tables)."""
    try:
        new = inspect_file(plan.original_path, settings)
    except IngestError as exc:
        st.error(exc.message, icon=":material/error:")
        st.stop()
    plan.source.cleanup()
    st.session_state[_PLAN] = new
    st.rerun()


def _choose_target(datasets: list[Dataset]) -> Dataset | None:
    """Where the import goes: None for a new dataset, else the dataset a newer export is added to
    (pre-selected by the datasets page's "Add a newer export" link, ``?into=ID``)."""
    if not datasets:
        return None
    by_id = {d.id: d for d in datasets}
    wanted = st.query_params.get("into")
    options = [_NEW, *by_id]
    index = options.index(int(wanted)) if wanted and wanted.isdigit() and int(wanted) in by_id else 0
    choice = st.selectbox(
        "Save as", options, index=index, key="import_target",
        format_func=lambda o: "A new dataset" if o == _NEW else f"{by_id[o].name}: add only the rows it does not have",
        help="A newer export of a file you imported before (the same bank account or platform, a longer period) "
        "can be added to its dataset: rows it already has are skipped.",
    )
    return None if choice == _NEW else by_id[choice]


def _show_append_result(result: AppendResult) -> None:
    name = md_escape(result.dataset.name)
    if result.already_added:
        st.info(f"This file was already added to **{name}**; nothing changed. It is now the active dataset.",
                icon=":material/content_copy:")
        return
    st.success(
        f"Added **{number(result.rows_added)}** new rows to **{name}**{currency_note(result.dataset.base_currency)}; "
        f"{number(result.rows_already_there)} of the file's rows were already there (matched on {result.matched_on}). "
        f"{number(len(result.rejected))} new rejected rows.",
        icon=":material/check_circle:",
    )


plan: ImportPlan | None = st.session_state.get(_PLAN)
if plan is not None:
    st.subheader("1. How the file is read")
    layouts = [GENERIC, *(p.name for p in PRESETS)]
    labels = {GENERIC: "Generic table", **{p.name: p.label for p in PRESETS}}
    top = st.columns(3)
    layout = top[0].selectbox("Layout", layouts, index=layouts.index(plan.preset or GENERIC),
                              format_func=labels.get, help="Recognised from the column names; change it if wrong.")
    amount_kind = plan.amount_kind
    if plan.amount_kind is not None:
        amount_kind = top[1].radio("Amounts", ["gross", "net"], index=["gross", "net"].index(plan.amount_kind),
                                   format_func={"gross": "Gross (what the client paid)",
                                                "net": "Net (after platform fees)"}.get, horizontal=True)
    if plan.source.sheets:
        sheet = top[2].selectbox("Sheet", plan.source.sheets, index=plan.source.sheets.index(plan.source.sheet))
        if sheet != plan.source.sheet:
            _reinspect(plan, ImportSettings(sheet=sheet))
    cols = st.columns(4)
    delimiter = plan.dialect.delimiter
    encoding = plan.source.encoding
    if not plan.source.sheets:  # a workbook has neither: its cells are read as they are
        delimiter = cols[0].selectbox(
            "Delimiter", list(_DELIMITERS), index=list(_DELIMITERS).index(plan.dialect.delimiter)
            if plan.dialect.delimiter in _DELIMITERS else 0, format_func=_DELIMITERS.get,
        )
        encodings = _ENCODINGS if plan.source.encoding in _ENCODINGS else [plan.source.encoding, *_ENCODINGS]
        encoding = cols[1].selectbox(
            "Encoding", encodings, index=encodings.index(plan.source.encoding), help="Detected from the file's bytes."
        )
    decimal = cols[2].radio("Decimal mark", list(_DECIMALS), index=list(_DECIMALS).index(plan.decimal.value),
                            format_func=_DECIMALS.get, help=plan.decimal.evidence)
    date_order = cols[3].radio("Dates", list(_DATE_ORDERS), index=list(_DATE_ORDERS).index(plan.date_order.value),
                               format_func=_DATE_ORDERS.get, help=plan.date_order.evidence)
    for warning in plan.warnings:
        st.warning(warning, icon=":material/help:")

    st.subheader("2. Which column is which")
    columns = list(plan.dialect.columns)
    bank = plan.mapping.has_credit_debit
    roles = (*REQUIRED_ROLES, *OPTIONAL_ROLES, *(BANK_ROLES if bank else ()))
    role_cols = st.columns(4)
    chosen: dict[str, str | None] = {}
    for i, role in enumerate(roles):
        box = role_cols[i % 4]
        current = getattr(plan.mapping, role)
        required = role in ("date", "client") or (role == "amount" and not bank)
        options = columns if required and current in columns else [_CHOOSE if required else _NONE, *columns]
        value = box.selectbox(_ROLE_LABELS[role], options,
                              index=options.index(current) if current in options else 0, key=f"map_{role}")
        chosen[role] = None if value in (_NONE, _CHOOSE) else value
    if plan.mapping_problem:
        st.warning(plan.mapping_problem, icon=":material/touch_app:")
    st.subheader("3. Currencies")
    money_cols = st.columns(3)
    currency = money_cols[0].text_input(
        "Currency when the file does not say", value=plan.currency or "", max_chars=3,
        placeholder="e.g. EUR", help="ISO code for rows that name no currency. Leave empty to take it from the file.",
    ).strip().upper() or None
    base_currency = money_cols[1].text_input(
        "Show everything in", value=plan.base_currency or "", max_chars=3, placeholder="most common",
        help="Every amount is converted to this currency at the rate of its own date (European Central Bank "
        "reference rates, or your own). Empty: the currency most rows are in.",
    ).strip().upper() or None
    rates_file = money_cols[2].file_uploader(
        "Your own exchange rates (optional)", type=["csv", "txt"], key="rates_upload",
        help="CSV with currency,rate[,valid_from,valid_to]: one unit of the currency is worth rate units of "
        "the base currency. Needed for currencies the ECB does not publish (e.g. UAH, KZT).",
    )
    try:
        user_rates = tuple(parse_user_rates(rates_file.getvalue())) if rates_file else ()
    except ValueError as exc:
        st.error(f"Exchange rates: {exc}", icon=":material/error:")
        user_rates = ()

    layout_changed = layout != (plan.preset or GENERIC) or amount_kind != plan.amount_kind
    wanted = ImportSettings(
        encoding=encoding if encoding != plan.source.encoding else None,
        delimiter=delimiter if delimiter != plan.dialect.delimiter else None,
        mapping=None if layout_changed else ColumnMapping(**{**plan.mapping.as_dict(), **chosen}),
        # Until the columns are chosen nothing was detected: detect then, don't take the defaults shown.
        decimal=None if layout_changed or plan.mapping_problem else decimal,
        date_order=None if plan.mapping_problem else date_order,
        currency=currency,
        preset=layout,
        amount_kind=amount_kind,
        base_currency=base_currency,
        user_rates=user_rates,
    )
    changed = (
        layout_changed or wanted.encoding or wanted.delimiter or wanted.mapping != plan.mapping
        or (not plan.mapping_problem and (decimal != plan.decimal.value or date_order != plan.date_order.value))
        or currency != plan.currency
        or base_currency != plan.base_currency or user_rates != plan.user_rates
    )
    if changed:
        try:
            st.session_state[_PLAN] = replan(plan, wanted)
        except IngestError as exc:
            st.error(exc.message, icon=":material/error:")
            st.stop()
        st.rerun()

    st.subheader("4. Preview")
    st.caption(f"The first {len(plan.preview)} rows as read from the file ({plan.source.encoding}, "
               f"{plan.dialect.delimiter_label}-separated).")
    st.dataframe(plan.preview, hide_index=True, width="stretch")

    target = _choose_target(get_store().datasets())
    if target is None:
        name = st.text_input("Dataset name", value=Path(uploaded.name).stem if uploaded else "")
    else:
        st.caption(f"Rows already in **{md_escape(target.name)}** are recognised by the export's transaction id when "
                   "both have one, else by date, client, amount and description; only the others are added.")
    label = "Import" if target is None else "Add the new rows"
    if st.button(label, type="primary", icon=":material/download:", key="import_button",
                 disabled=plan.mapping_problem is not None):
        bar = st.progress(0.0, text="Starting…")
        report = lambda f, msg: bar.progress(f, text=msg)  # noqa: E731
        try:
            if target is None:
                result = import_plan(get_store(), plan, name=name or None, source_file=uploaded.name, progress=report)
            else:
                result = append_plan(get_store(), plan, target.id, source_file=uploaded.name, progress=report)
        except IngestError as exc:
            bar.empty()
            st.error(exc.message, icon=":material/error:")
            if exc.rejected:
                st.dataframe([{"Line": r.line, "Reason": r.reason, "Record": r.raw} for r in exc.rejected[:1000]],
                             hide_index=True, width="stretch")
            st.stop()
        bar.empty()
        set_active_dataset(result.dataset.id)
        st.session_state[_RESULT] = result
        st.rerun()

result = st.session_state.get(_RESULT)
if result is not None:
    st.subheader("Import result")
    if isinstance(result, AppendResult):
        _show_append_result(result)
    elif result.duplicate:
        st.info(f"This file was already imported as **{md_escape(result.dataset.name)}**; it is now the active dataset.",
                icon=":material/content_copy:")
    else:
        st.success(
            f"Imported **{number(result.rows_imported)}** of {number(result.rows_read)} rows into "
            f"**{md_escape(result.dataset.name)}**{currency_note(result.dataset.base_currency)}. "
            f"{number(len(result.rejected))} rejected.",
            icon=":material/check_circle:",
        )
    st.page_link("pages/overview.py", label="See the concentration overview", icon=":material/pie_chart:")
    if result.rejected:
        st.markdown(f"**Rejected rows ({number(len(result.rejected))})** — fix them in the file and import again:")
        st.dataframe(
            [{"Line": r.line, "Reason": r.reason, "Record": r.raw} for r in result.rejected[:5000]],
            hide_index=True, width="stretch",
        )
        st.download_button(
            "Download rejected rows (CSV)",
            rejected_rows_csv((r.line, r.reason, r.raw) for r in result.rejected),
            file_name=f"{result.dataset.name}-rejected.csv",
            mime="text/csv",
            icon=":material/download:",
        )
