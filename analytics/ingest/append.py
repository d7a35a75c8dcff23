"""Add a newer export of the same source to a dataset, storing only the rows it does not have yet.

A user who imported January–June from their bank or PayPal later downloads January–September: the
export overlaps the stored rows. :func:`append_plan` reads and checks the new file exactly like a
first import (same mapping, parsing, rejected rows), converts it to the dataset's base currency
(with the dataset's own exchange rates and any new ones), then keeps only the new rows.

Which rows are already there
    Each row gets a key:

    * its **transaction id** (the export's own id: Stripe ``id``, PayPal ``Transaction ID``,
      Upwork ``Ref ID``, an invoice number…) when the new file has an id column *and* the stored
      dataset has ids — ids are what the platform itself uses to tell rows apart;
    * otherwise **date, client, amount and description**: the date, the client name compared
      without letter case, the original amount with its currency (before conversion, so a rate
      change cannot make an old row look new), and the description (empty when there is none).

    Keys are counted, not just looked up: when the stored dataset has a key *n* times and the new
    file *m* times, the last *m − n* of them (in file order) are new. Two equal payments on one day
    are two payments, and an export that adds a third is not mistaken for one already stored.

New rows take the stored spelling of a client that differs only by letter case, so "ACME" in the
new export stays "Acme". Rejected rows of the new file are kept with the dataset, except those
already listed (same reason and text) from an earlier file. Everything is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from ..fx import UserRate
from ..store import Dataset, Store
from .errors import IngestError
from .importer import (
    ImportPlan,
    Progress,
    RejectedRow,
    drop_work_tables,
    prepare_rows,
    store_rates,
    store_rejected,
)
from .workspace import work_database

BY_TRANSACTION_ID = "transaction id"
BY_ROW_CONTENT = "date, client, amount and description"


@dataclass(frozen=True)
class AppendResult:
    dataset: Dataset  # after the append
    already_added: bool  # this very file was added to (or first imported as) the dataset before
    rows_read: int
    rows_added: int
    rows_already_there: int  # good rows of the file that the dataset already had
    rejected: list[RejectedRow]  # rejected rows of this file not listed before
    matched_on: str  # BY_TRANSACTION_ID or BY_ROW_CONTENT


def append_plan(
    store: Store,
    plan: ImportPlan,
    dataset_id: int,
    source_file: str | None = None,
    progress: Progress | None = None,
) -> AppendResult:
    """Add the rows of ``plan``'s file that ``dataset_id`` lacks (see the module docstring).

    Raises :class:`IngestError` for an unknown dataset or a file with no importable row."""
    report = progress or (lambda fraction, message: None)
    dataset = store.dataset(dataset_id)
    if dataset is None:
        raise IngestError("That dataset no longer exists; choose another or import the file as a new dataset.")
    source_file = source_file or Path(plan.original_path).name
    if _seen_before(store, dataset, plan.source.content_hash):
        with store.cursor() as cur:
            matched_on = _matched_on(cur, dataset_id, plan)
        return AppendResult(dataset, True, dataset.rows_read, 0, 0, [], matched_on)

    with store.cursor() as cur, work_database(cur):
        parsed = prepare_rows(cur, plan, report, base=dataset.base_currency,
                              extra_rates=_stored_rates(cur, dataset_id))
        report(0.75, "Finding the rows the dataset does not have yet…")
        matched_on = _matched_on(cur, dataset_id, plan)
        # The work table is changed before the store transaction (which may write to one database).
        cur.execute("UPDATE eb_parsed SET currency = ? WHERE currency IS NULL", [parsed.base])
        _use_stored_spellings(cur, dataset_id)
        cur.execute("BEGIN TRANSACTION")
        try:
            added = _insert_new_rows(cur, dataset_id, matched_on)
            rejected = _new_rejections(cur, dataset_id, parsed.rejected)
            store_rejected(cur, dataset_id, rejected)
            store_rates(cur, dataset_id, plan.user_rates)
            cur.execute(
                """UPDATE datasets SET rows_read = rows_read + ?, rows_imported = rows_imported + ?,
                                       rows_rejected = rows_rejected + ? WHERE id = ?""",
                [parsed.rows_read, added, len(rejected), dataset_id],
            )
            cur.execute(
                """INSERT INTO dataset_imports (dataset_id, source_file, content_hash, rows_read, rows_added,
                                                rows_rejected) VALUES (?, ?, ?, ?, ?, ?)""",
                [dataset_id, source_file, plan.source.content_hash, parsed.rows_read, added, len(rejected)],
            )
            store.refresh_period(dataset_id, cur)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        drop_work_tables(cur)
    report(1.0, "Done")
    return AppendResult(store.dataset(dataset_id), False, parsed.rows_read, added, parsed.imported - added,
                        rejected, matched_on)


def _seen_before(store: Store, dataset: Dataset, content_hash: str) -> bool:
    if dataset.content_hash == content_hash:
        return True
    with store.cursor() as cur:
        return cur.execute(
            "SELECT 1 FROM dataset_imports WHERE dataset_id = ? AND content_hash = ?", [dataset.id, content_hash]
        ).fetchone() is not None


def _stored_rates(cur: duckdb.DuckDBPyConnection, dataset_id: int) -> tuple[UserRate, ...]:
    """The user's exchange rates saved with the dataset, so new rows convert like the stored ones."""
    rows = cur.execute(
        "SELECT currency, CAST(rate AS VARCHAR), valid_from, valid_to FROM fx_rates WHERE dataset_id = ?", [dataset_id]
    ).fetchall()
    return tuple(UserRate(c, Decimal(r), f, t) for c, r, f, t in rows)


def _matched_on(cur: duckdb.DuckDBPyConnection, dataset_id: int, plan: ImportPlan) -> str:
    """Ids when the new file has an id column and the dataset has stored ids, else row content."""
    if plan.mapping.transaction_id is None:
        return BY_ROW_CONTENT
    has_ids = cur.execute(
        "SELECT 1 FROM income WHERE dataset_id = ? AND transaction_id IS NOT NULL LIMIT 1", [dataset_id]
    ).fetchone()
    return BY_TRANSACTION_ID if has_ids else BY_ROW_CONTENT


def _row_key_sql(by_id: bool) -> str:
    """The SQL key of a row of ``income`` or ``eb_parsed`` (same columns) — see the module docstring."""
    content = (
        "'row|' || strftime(date, '%Y-%m-%d') || '|' || lower(client) || '|' || "
        "CAST(coalesce(original_amount, amount) AS VARCHAR) || '|' || currency || '|' || coalesce(description, '')"
    )
    if by_id:
        return f"CASE WHEN transaction_id IS NOT NULL THEN 'id|' || transaction_id ELSE {content} END"
    return content


def _use_stored_spellings(cur: duckdb.DuckDBPyConnection, dataset_id: int) -> None:
    cur.execute(
        """UPDATE eb_parsed SET client = s.client
           FROM (SELECT lower(client) AS key, min(client) AS client FROM income WHERE dataset_id = ?
                 GROUP BY key) s
           WHERE lower(eb_parsed.client) = s.key AND eb_parsed.client <> s.client""",
        [dataset_id],
    )


def _insert_new_rows(cur: duckdb.DuckDBPyConnection, dataset_id: int, matched_on: str) -> int:
    key = _row_key_sql(matched_on == BY_TRANSACTION_ID)
    (added,) = cur.execute(
        f"""INSERT INTO income (dataset_id, date, client, amount, currency, original_amount, category,
                                description, source_line, transaction_id, due_date, paid_date)
            WITH incoming AS (
                SELECT *, {key} AS k, row_number() OVER (PARTITION BY {key} ORDER BY line) AS nth
                FROM eb_rows WHERE reason = ''
            ), stored AS (
                SELECT {key} AS k, count(*) AS n FROM income WHERE dataset_id = $dataset_id GROUP BY k
            )
            SELECT $dataset_id, date, client, amount, currency, original_amount, category, description, line,
                   transaction_id, due_date, paid_date
            FROM incoming LEFT JOIN stored USING (k)
            WHERE nth > coalesce(stored.n, 0)
            ORDER BY date, line""",
        {"dataset_id": dataset_id},
    ).fetchone()
    return int(added)


def _new_rejections(
    cur: duckdb.DuckDBPyConnection, dataset_id: int, rejected: list[RejectedRow]
) -> list[RejectedRow]:
    """The rejected rows not already listed for the dataset (same reason and record text)."""
    listed = set(cur.execute("SELECT reason, raw FROM rejected_rows WHERE dataset_id = ?", [dataset_id]).fetchall())
    return [r for r in rejected if (r.reason, r.raw) not in listed]
