"""The one place that owns Eggbasket's DuckDB database.

Where the database lives
    ``EGGBASKET_DB`` (a file path, or ``:memory:``) when set, else ``data/eggbasket.duckdb`` beside
    the package. The schema is created on first use, so a new path is a new, empty database.

Tables
    ``datasets``      one row per imported file: name, source file name, content hash (SHA-256 of the
                      bytes the user gave), import time, row counts and base currency.
    ``income``        the canonical income table every analysis reads: one row per accepted income
                      record, ``amount`` signed (refunds are negative) in the dataset's base
                      currency, ``currency`` and ``original_amount`` as the file gave them,
                      ``source_line`` the record's line in the user's file.
    ``fx_rates``      the user's own exchange rates per dataset: one unit of ``currency`` is worth
                      ``rate`` units of the base currency, optionally only from/to given dates.
    ``scenarios``     loss scenarios saved by name per dataset (JSON spec, see analytics.saved_scenarios).
    ``settings``      small key/value facts about the database (e.g. whether the demo was offered).
    ``rejected_rows`` every record that was *not* imported, with its line and the reason, so the
                      list can be shown and downloaded again later.
    ``client_aliases`` per dataset, ``alias`` (a client name as it appears in ``income``) is shown
                      and counted as ``client``; never a chain (see analytics.clients).
    ``client_groups`` per dataset, ``client`` (a name after aliases) belongs to ``group_name``:
                      entities under common control that count as one customer.
    ``client_merge_rejections`` pairs of names (``a`` < ``b``) the user said are NOT one client, so
                      analytics.clients never suggests merging them again.

The ``income_view(ds, by_group)`` table macro
    What every analysis reads instead of ``income``: the income rows of dataset ``ds`` (all columns
    of ``income``), with ``client`` replaced by its alias target when it has one and, when
    ``by_group`` is true, by the group name of that (resolved) client when it is in a group.
    Clients with no alias and no group stay themselves. One ``LEFT JOIN`` of ``income`` on a small
    name → shown-name map built from the two tables (each name at most once: an alias is never
    also looked up as a group member, so no income row is ever duplicated); the caller's date
    filters are pushed down into the ``income`` scan. Cost, measured on 1,000,000 rows: while the
    alias and group tables are empty DuckDB drops the lookup from the plan (one scan of ``income``,
    as before the macro, ~1 ms more planning); with aliases, the join makes the step that reads
    ``income`` about 1.5× slower (concentration: ~20 → ~30 ms). Analyses call it through
    :data:`INCOME_VIEW` / :func:`sql_by_group`.

Threads and connections
    DuckDB's Python docs: a ``DuckDBPyConnection`` is not thread-safe; to share one database between
    threads, open one connection and give each thread (here: each operation) its own ``cursor()``.
    Streamlit serves every browser session on its own thread, so :class:`Store` holds exactly one
    connection and every method works on a fresh cursor. A DuckDB file may be opened read-write by
    one process at a time; the app keeps one :class:`Store` per database path for the whole process.

Atomicity
    :meth:`Store.transaction` wraps ``BEGIN``/``COMMIT`` on one cursor and rolls back on any
    exception, so an import is stored whole or not at all (DuckDB's WAL also rolls back a transaction
    that was cut short by a crash).

User values only ever reach SQL as bound parameters.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "data" / "eggbasket.duckdb"
MEMORY = ":memory:"

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS dataset_id_seq START 1;
CREATE TABLE IF NOT EXISTS datasets (
    id            INTEGER PRIMARY KEY DEFAULT nextval('dataset_id_seq'),
    name          VARCHAR NOT NULL,
    source_file   VARCHAR,
    content_hash  VARCHAR NOT NULL UNIQUE,
    imported_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    rows_read     INTEGER NOT NULL,
    rows_imported INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL,
    base_currency VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS income (
    dataset_id  INTEGER NOT NULL,
    date        DATE NOT NULL,
    client      VARCHAR NOT NULL,
    amount      DECIMAL(18,2) NOT NULL,
    currency    VARCHAR NOT NULL,
    original_amount DECIMAL(18,2),
    category    VARCHAR,
    description VARCHAR,
    source_line INTEGER NOT NULL,
    transaction_id VARCHAR,  -- the export's own id of the row, when it has one (re-import dedupe)
    due_date    DATE,        -- invoice exports: when the invoice was due …
    paid_date   DATE         -- … and when it was paid (client health: days paid late)
);
ALTER TABLE income ADD COLUMN IF NOT EXISTS original_amount DECIMAL(18,2);  -- databases from before
ALTER TABLE income ADD COLUMN IF NOT EXISTS transaction_id VARCHAR;
ALTER TABLE income ADD COLUMN IF NOT EXISTS due_date DATE;
ALTER TABLE income ADD COLUMN IF NOT EXISTS paid_date DATE;
-- The period of each dataset, kept with it so listing datasets never scans income (10M rows).
ALTER TABLE datasets ADD COLUMN IF NOT EXISTS first_date DATE;
ALTER TABLE datasets ADD COLUMN IF NOT EXISTS last_date DATE;
CREATE TABLE IF NOT EXISTS fx_rates (
    dataset_id INTEGER NOT NULL,
    currency   VARCHAR NOT NULL,
    rate       DOUBLE NOT NULL,
    valid_from DATE,
    valid_to   DATE
);
CREATE TABLE IF NOT EXISTS settings (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);
CREATE TABLE IF NOT EXISTS scenarios (
    dataset_id      INTEGER NOT NULL,
    name            VARCHAR NOT NULL,
    spec            VARCHAR NOT NULL,
    baseline_months INTEGER NOT NULL,
    saved_at        TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (dataset_id, name)
);
CREATE TABLE IF NOT EXISTS rejected_rows (
    dataset_id  INTEGER NOT NULL,
    source_line INTEGER NOT NULL,
    reason      VARCHAR NOT NULL,
    raw         VARCHAR
);
-- Newer exports added to a dataset after its first import (only their new rows were stored).
CREATE TABLE IF NOT EXISTS dataset_imports (
    dataset_id    INTEGER NOT NULL,
    source_file   VARCHAR,
    content_hash  VARCHAR NOT NULL,
    imported_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    rows_read     INTEGER NOT NULL,
    rows_added    INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS client_aliases (
    dataset_id INTEGER NOT NULL,
    alias      VARCHAR NOT NULL,
    client     VARCHAR NOT NULL,
    PRIMARY KEY (dataset_id, alias)
);
CREATE TABLE IF NOT EXISTS client_groups (
    dataset_id INTEGER NOT NULL,
    client     VARCHAR NOT NULL,
    group_name VARCHAR NOT NULL,
    PRIMARY KEY (dataset_id, client)
);
CREATE TABLE IF NOT EXISTS client_merge_rejections (
    dataset_id INTEGER NOT NULL,
    a          VARCHAR NOT NULL,
    b          VARCHAR NOT NULL,
    PRIMARY KEY (dataset_id, a, b)
);
CREATE OR REPLACE MACRO income_view(ds, by_group) AS TABLE
    WITH shown AS (  -- name in income -> name to show; at most one row per name
        SELECT a.alias AS name,
               CASE WHEN by_group THEN coalesce(g.group_name, a.client) ELSE a.client END AS shown
        FROM client_aliases a
        LEFT JOIN client_groups g ON by_group AND g.dataset_id = ds AND g.client = a.client
        WHERE a.dataset_id = ds
        UNION ALL
        SELECT g.client, g.group_name
        FROM client_groups g
        WHERE by_group AND g.dataset_id = ds
          AND NOT EXISTS (SELECT 1 FROM client_aliases a WHERE a.dataset_id = ds AND a.alias = g.client)
    )
    SELECT i.dataset_id, i.date, coalesce(s.shown, i.client) AS client, i.amount, i.currency,
           i.original_amount, i.category, i.description, i.source_line,
           i.transaction_id, i.due_date, i.paid_date
    FROM income i LEFT JOIN shown s ON s.name = i.client
    WHERE i.dataset_id = ds;
"""


INCOME_VIEW = "income_view($dataset_id, false)"  # what every analysis reads FROM (client names)
INCOME_VIEW_BY_GROUP = "income_view($dataset_id, true)"  # … with each client group as one client


def sql_by_group(sql: str) -> dict[bool, str]:
    """``{False: sql, True: sql reading INCOME_VIEW_BY_GROUP}`` for a statement reading ``INCOME_VIEW``.

    The flag is spelled into the SQL text, not bound: it is chosen by code between two fixed texts
    (no user value reaches SQL this way), DuckDB then drops the group lookup from the plan when it
    is false, and a statement still runs with only its own parameters. Raises ``ValueError`` when
    ``sql`` does not read ``INCOME_VIEW`` (a programming error caught at import).
    """
    if INCOME_VIEW not in sql:
        raise ValueError("The statement does not read income_view($dataset_id, false).")
    return {False: sql, True: sql.replace(INCOME_VIEW, INCOME_VIEW_BY_GROUP)}


#: DuckDB's memory budget for this process's database, unless ``$EGGBASKET_MEMORY_LIMIT`` says
#: otherwise ("2GB", "768MB"). Past it DuckDB spills to a temporary directory instead of growing:
#: with 512 MB a 10-million-row import peaks under 1 GB of resident memory in all (see
#: bench/RESULTS.md), while the app's queries, which aggregate per client or month, stay in memory.
#: DuckDB's own default is 80% of the machine's RAM, which a large import would take.
DEFAULT_MEMORY_LIMIT = "512MB"
_MEMORY_LIMIT = re.compile(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


def memory_limit() -> str:
    """The memory budget to give DuckDB (``$EGGBASKET_MEMORY_LIMIT`` or :data:`DEFAULT_MEMORY_LIMIT`)."""
    value = os.environ.get("EGGBASKET_MEMORY_LIMIT", "").strip() or DEFAULT_MEMORY_LIMIT
    if not _MEMORY_LIMIT.fullmatch(value):
        raise ValueError(f"EGGBASKET_MEMORY_LIMIT must look like 512MB or 2GB, not {value!r}.")
    return value


def default_db_path() -> str:
    """The database the app and CLI use unless told otherwise: ``$EGGBASKET_DB`` or the data/ file."""
    return os.environ.get("EGGBASKET_DB") or str(DEFAULT_DB_PATH)


@dataclass(frozen=True)
class Dataset:
    """One imported file, as listed in the ``datasets`` table."""

    id: int
    name: str
    source_file: str | None
    content_hash: str
    imported_at: datetime
    rows_read: int
    rows_imported: int
    rows_rejected: int
    base_currency: str
    first_date: date | None = None
    last_date: date | None = None


class Store:
    """A DuckDB database holding datasets and their income rows.

    Safe to share between threads: one connection, one cursor per operation.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None):
        self.path = str(path) if path is not None else default_db_path()
        # What caches key results on: the file path, or a unique token for a private in-memory database.
        self.cache_key = self.path if self.path != MEMORY else f"{MEMORY}{uuid.uuid4().hex}"
        if self.path != MEMORY:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        config = {"memory_limit": memory_limit()}
        if self.path == MEMORY:  # a file database spills next to itself (<file>.tmp); this one to /tmp
            config["temp_directory"] = str(Path(tempfile.gettempdir()) / "eggbasket-spill")
        self._con = duckdb.connect(self.path, config=config)
        self._closed = False
        self._lock = threading.Lock()
        with self.cursor() as cur:
            cur.execute(SCHEMA)
            self._fill_periods(cur)

    # -- connections ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A fresh cursor on the shared connection, closed afterwards."""
        with self._lock:  # cursor() itself mutates the parent connection's bookkeeping
            cur = self._con.cursor()
        # No progress bar: DuckDB would print one to stdout for long queries (server logs, CLI JSON).
        cur.execute("SET enable_progress_bar = false")
        try:
            yield cur
        finally:
            cur.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside ``BEGIN``…``COMMIT``; any exception rolls the whole transaction back."""
        with self.cursor() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")

    def close(self) -> None:
        if not self._closed:
            self._con.close()
            self._closed = True

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- datasets ---------------------------------------------------------------------------------
    _DATASET_SELECT = """
        SELECT d.id, d.name, d.source_file, d.content_hash, d.imported_at, d.rows_read,
               d.rows_imported, d.rows_rejected, d.base_currency,
               d.first_date, d.last_date
        FROM datasets d
    """

    @staticmethod
    def _fill_periods(cur: duckdb.DuckDBPyConnection) -> None:
        """Datasets stored before the period columns existed (or by hand) get them once."""
        cur.execute(
            """UPDATE datasets SET first_date = p.first, last_date = p.last
               FROM (SELECT dataset_id, min(date) AS first, max(date) AS last FROM income GROUP BY dataset_id) p
               WHERE p.dataset_id = datasets.id AND datasets.first_date IS NULL"""
        )

    def refresh_period(self, dataset_id: int, cur: duckdb.DuckDBPyConnection | None = None) -> None:
        """Recompute a dataset's first and last date from its income rows (after rows change)."""
        sql = """UPDATE datasets SET first_date = (SELECT min(date) FROM income WHERE dataset_id = $id),
                                     last_date = (SELECT max(date) FROM income WHERE dataset_id = $id)
                 WHERE id = $id"""
        if cur is not None:
            cur.execute(sql, {"id": dataset_id})
            return
        with self.cursor() as own:
            own.execute(sql, {"id": dataset_id})

    def datasets(self) -> list[Dataset]:
        """Every dataset, newest import first."""
        with self.cursor() as cur:
            rows = cur.execute(self._DATASET_SELECT + " ORDER BY d.imported_at DESC, d.id DESC").fetchall()
        return [Dataset(*row) for row in rows]

    def dataset(self, dataset_id: int) -> Dataset | None:
        with self.cursor() as cur:
            row = cur.execute(self._DATASET_SELECT + " WHERE d.id = ?", [dataset_id]).fetchone()
        return Dataset(*row) if row else None

    def dataset_by_hash(self, content_hash: str) -> Dataset | None:
        with self.cursor() as cur:
            row = cur.execute(self._DATASET_SELECT + " WHERE d.content_hash = ?", [content_hash]).fetchone()
        return Dataset(*row) if row else None

    def rename_dataset(self, dataset_id: int, name: str) -> None:
        name = " ".join(name.split())
        if not name:
            raise ValueError("A dataset needs a name.")
        with self.cursor() as cur:
            cur.execute("UPDATE datasets SET name = ? WHERE id = ?", [name, dataset_id])

    def delete_dataset(self, dataset_id: int) -> None:
        """Remove a dataset with its income and rejected rows, saved scenarios, client aliases,
        client groups and rejected merge suggestions, in one transaction."""
        with self.transaction() as cur:
            for table in ("income", "rejected_rows", "scenarios", "client_aliases", "client_groups",
                          "client_merge_rejections", "fx_rates", "dataset_imports"):
                cur.execute(f"DELETE FROM {table} WHERE dataset_id = ?", [dataset_id])
            cur.execute("DELETE FROM datasets WHERE id = ?", [dataset_id])
            cur.execute("DELETE FROM settings WHERE starts_with(key, ?)", [f"dataset:{dataset_id}:"])

    def dataset_imports(self, dataset_id: int) -> list[tuple]:
        """(source file, imported at, rows read, rows added, rows rejected) of each newer export
        added to the dataset, oldest first."""
        with self.cursor() as cur:
            return cur.execute(
                """SELECT source_file, imported_at, rows_read, rows_added, rows_rejected FROM dataset_imports
                   WHERE dataset_id = ? ORDER BY imported_at, rowid""",
                [dataset_id],
            ).fetchall()

    def rejected_rows(self, dataset_id: int) -> list[tuple[int, str, str | None]]:
        """(line, reason, raw text) for every record of the dataset that was not imported."""
        with self.cursor() as cur:
            return cur.execute(
                "SELECT source_line, reason, raw FROM rejected_rows WHERE dataset_id = ? ORDER BY source_line",
                [dataset_id],
            ).fetchall()

    # -- settings ---------------------------------------------------------------------------------
    def get_setting(self, key: str) -> str | None:
        with self.cursor() as cur:
            row = cur.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_setting(self, key: str, value: str) -> None:
        with self.cursor() as cur:
            cur.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [key, value])
