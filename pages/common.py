"""What every page shares: the store, the active dataset, cached analytics, safe text.

Thin by design: no SQL and no business rules here, only Streamlit caching around ``analytics``.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from datetime import date

import streamlit as st

from analytics.clients import clients_revision
from analytics.categories import CategoryReport, category_concentration
from analytics.client_mix import (
    CohortCell,
    NewReturningPoint,
    TenurePoint,
    cohort_revenue,
    new_vs_returning,
    revenue_by_tenure,
)
from analytics.over_time import ConcentrationPoint, PeriodRevenue, concentration_over_time, revenue_by_period
from analytics.baseline import Baseline, NoBaselineError, client_baseline
from analytics.formatting import NO_CURRENCY
from analytics.health import HealthReport, NoHealthDataError, client_health
from analytics.revenue_risk import RevenueRisk, revenue_risk
from analytics.concentration import ConcentrationReport, NoRevenueError, concentration
from analytics.store import MEMORY, Dataset, Store, default_db_path
from analytics.window import Window, WindowSpec, resolve_window

ACTIVE_KEY = "active_dataset_id"
SHELL_RAN_KEY = "app_shell_ran"


def ensure_router() -> None:
    """Make sure this page runs under app.py's router, not as a bare script.

    Streamlit treats an app with a ``pages/`` folder as an old-style (v1) multipage app until the
    entry point has called ``st.navigation`` once in the server process; a first visit straight to
    ``/upload`` would run the page alone, without the sidebar or the demo import. Call this first in
    every page: in that one situation it switches the server to ``st.navigation`` mode (what
    ``st.navigation`` itself does) and, if app.py has not run yet in this session, reruns so
    app.py routes to the same page. (Streamlit's AppTest re-enters old-style mode on every run;
    there app.py has always run first, so no rerun is made and no widget event is lost: the page
    draws the shared sidebar itself instead.)
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if not st.session_state.get(SHELL_RAN_KEY):
            st.rerun()
        from pages.sidebar import dataset_picker  # here only: the sidebar module imports this one

        dataset_picker()  # what app.py would have drawn


@st.cache_resource(show_spinner=False)
def _shared_store(path: str) -> Store:
    """One Store (one DuckDB connection) per database file for the whole server process."""
    return Store(path)


# Private in-memory databases (EGGBASKET_DB=:memory:), one per browser session. The session state
# holds each Store; this map only finds it again by its cache key, and forgets it when the session
# (and so its Store) is gone.
_private_stores: weakref.WeakValueDictionary[str, Store] = weakref.WeakValueDictionary()
_PRIVATE_STORE = "private_store"


def _store_for(cache_key: str) -> Store:
    """The Store behind a cache key handed to the cached analytics below."""
    if cache_key.startswith(MEMORY):
        private = _private_stores.get(cache_key)
        if private is None:
            raise RuntimeError("This session's private database has ended; reload the page to start again.")
        return private
    return _shared_store(cache_key)


def get_store() -> Store:
    """The database of this browser session.

    With a file database (the default), every session shares it. With ``EGGBASKET_DB=:memory:``
    (public deployments) each session gets its own private in-memory database, so one visitor
    never sees another's uploads; it is gone when the session ends.
    """
    path = default_db_path()
    if path != MEMORY:
        return _shared_store(path)
    store = st.session_state.get(_PRIVATE_STORE)
    if store is None:
        store = st.session_state[_PRIVATE_STORE] = Store(MEMORY)
        _private_stores[store.cache_key] = store
    return store


def active_dataset() -> Dataset | None:
    """The dataset picked in the sidebar (the newest one when nothing was picked yet)."""
    store = get_store()
    wanted = st.session_state.get(ACTIVE_KEY)
    dataset = store.dataset(wanted) if wanted is not None else None
    if dataset is None:
        datasets = store.datasets()
        dataset = datasets[0] if datasets else None
        st.session_state[ACTIVE_KEY] = dataset.id if dataset else None
    return dataset


def set_active_dataset(dataset_id: int) -> None:
    st.session_state[ACTIVE_KEY] = dataset_id


BY_GROUP_KEY = "view_by_group"


def dataset_revision(dataset: Dataset) -> tuple:
    """Cache key part that changes whenever what a dataset's figures are computed from could have
    changed: its rows, its client aliases and groups, and whether groups count as one client
    (``revision[-1]``, the sidebar's "by group" switch)."""
    return (dataset.id, dataset.content_hash, dataset.rows_imported, str(dataset.imported_at),
            clients_revision(get_store(), dataset.id), bool(st.session_state.get(BY_GROUP_KEY)))


@st.cache_data(show_spinner="Measuring concentration…", max_entries=64)
def cached_window(db_path: str, revision: tuple, spec: WindowSpec) -> Window | None:
    return resolve_window(_store_for(db_path), revision[0], spec)


@st.cache_data(show_spinner="Measuring concentration…", max_entries=64)
def cached_concentration(db_path: str, revision: tuple, window: Window) -> ConcentrationReport | str:
    """The report, or the user-facing message when the window has no positive revenue."""
    try:
        return concentration(_store_for(db_path), revision[0], window, by_group=revision[-1])
    except NoRevenueError as exc:
        return str(exc)


@st.cache_data(show_spinner="Computing each client's run-rate…", max_entries=64)
def cached_baseline(db_path: str, revision: tuple, months: int) -> Baseline | str:
    """Per-client run-rates (the only part of a scenario that reads ``income``), or the message
    saying why there is none. Scenario arithmetic on top of it runs on every input change."""
    try:
        return client_baseline(_store_for(db_path), revision[0], months, by_group=revision[-1])
    except NoBaselineError as exc:
        return str(exc)


@st.cache_data(show_spinner="Checking each client's payments…", max_entries=64)
def cached_health(db_path: str, revision: tuple, as_of: date | None) -> HealthReport | str:
    """Every client's health as of ``as_of`` (None: the last record), or the message saying why
    there is none."""
    try:
        return client_health(_store_for(db_path), revision[0], as_of=as_of, by_group=revision[-1])
    except NoHealthDataError as exc:
        return str(exc)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_revenue_risk(db_path: str, revision: tuple, as_of: date | None, horizon: int, paths: int,
                        expenses: float | None, overrides: tuple[tuple[str, float], ...]) -> RevenueRisk | str:
    """The simulated futures (seed 0, so the same inputs always give the same numbers), or the
    message saying why there are none. ``overrides`` are (client, chance of leaving) pairs."""
    try:
        return revenue_risk(_store_for(db_path), revision[0], as_of=as_of, horizon=horizon, paths=paths,
                            expenses=expenses, overrides=dict(overrides), by_group=revision[-1])
    except ValueError as exc:
        return str(exc)


@dataclass(frozen=True)
class OverTime:
    """The month-by-month series of the diversification page."""

    by_month: list[PeriodRevenue]
    concentration: list[ConcentrationPoint]


@dataclass(frozen=True)
class ClientMix:
    new_returning: list[NewReturningPoint]
    tenure: list[TenurePoint]
    cohorts: list[CohortCell]


@st.cache_data(show_spinner="Tracing revenue over time…", max_entries=32)
def cached_over_time(db_path: str, revision: tuple) -> OverTime:
    store = _store_for(db_path)
    by_group = revision[-1]
    return OverTime(revenue_by_period(store, revision[0], "month", by_group=by_group),
                    concentration_over_time(store, revision[0], by_group=by_group))


@st.cache_data(show_spinner="Splitting revenue by client age…", max_entries=32)
def cached_client_mix(db_path: str, revision: tuple) -> ClientMix:
    store, by_group = _store_for(db_path), revision[-1]
    return ClientMix(new_vs_returning(store, revision[0], by_group=by_group),
                     revenue_by_tenure(store, revision[0], by_group=by_group),
                     cohort_revenue(store, revision[0], by_group=by_group))


@st.cache_data(show_spinner=False, max_entries=64)
def cached_categories(db_path: str, revision: tuple, window: Window) -> CategoryReport | None:
    """Revenue by category in the window; None when the dataset has no category or no positive one."""
    try:
        return category_concentration(_store_for(db_path), revision[0], window, by_group=revision[-1])
    except NoRevenueError:
        return None


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def md_escape(text: str) -> str:
    """Client names are data: shown through Markdown they must not become links, bold or HTML."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def currency_note(code: str) -> str:
    """' (EUR)' after a dataset name; nothing when the file never said its currency (ISO 'XXX')."""
    return "" if code in ("", NO_CURRENCY) else f" ({code})"


def share_table(label: str, rows: list[tuple[str, float, float]], currency: str) -> None:
    """A sortable table of (name, revenue, share 0–1) with money and a share bar."""
    st.dataframe(
        {
            label: [name for name, _, _ in rows],
            "Revenue": [revenue for _, revenue, _ in rows],
            "Share": [share * 100 for _, _, share in rows],
        },
        column_config={
            "Revenue": st.column_config.NumberColumn(f"Revenue ({currency})", format="accounting"),
            "Share": st.column_config.ProgressColumn("Share of revenue", format="%.1f%%", min_value=0, max_value=100),
        },
        hide_index=True,
        width="stretch",
    )


def page_dataset(title: str, empty_message: str) -> Dataset:
    """Show the page ``title`` and return the active dataset; with no dataset, show ``empty_message``
    with a link to the upload page and stop the page there."""
    dataset = active_dataset()
    st.title(title)
    if dataset is None:
        empty_state(empty_message)
        st.stop()
    return dataset


def empty_state(message: str) -> None:
    """Tell the user what to do next when there is nothing to show."""
    st.info(message, icon=":material/upload_file:")
    st.page_link("pages/upload.py", label="Upload an income CSV", icon=":material/upload:")
