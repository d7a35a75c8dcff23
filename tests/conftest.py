"""Shared test fixtures: an in-memory store and a helper to put a dataset with income rows into it."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal

import pytest

from analytics.store import MEMORY, Store

# (date, client, amount) or (date, client, amount, currency); dates as date or "YYYY-MM-DD",
# amounts as str/Decimal/int (floats are accepted but a string keeps the cents exact).
IncomeRow = tuple


@pytest.fixture
def store() -> Iterator[Store]:
    """A fresh, empty in-memory database."""
    with Store(MEMORY) as s:
        yield s


_hash_counter = itertools.count(1)


def insert_dataset(
    store: Store,
    rows: Iterable[IncomeRow],
    *,
    name: str = "test",
    base_currency: str = "EUR",
    categories: Sequence[str | None] | None = None,
    terms: Sequence[tuple[date | str | None, date | str | None]] | None = None,
) -> int:
    """Insert a dataset and its income rows (line numbers 2, 3, …); return the dataset id.

    ``categories``, when given, holds one category (or None) per row, in the order of ``rows``;
    ``terms`` likewise one ``(due_date, paid_date)`` pair per row (either may be None), as an
    invoice export gives them.
    """
    rows = list(rows)
    if categories is not None and len(categories) != len(rows):
        raise ValueError(f"{len(categories)} categories for {len(rows)} rows")
    if terms is not None and len(terms) != len(rows):
        raise ValueError(f"{len(terms)} due/paid date pairs for {len(rows)} rows")
    with store.transaction() as cur:
        (dataset_id,) = cur.execute(
            """INSERT INTO datasets (name, source_file, content_hash, rows_read, rows_imported,
                                     rows_rejected, base_currency)
               VALUES (?, ?, ?, ?, ?, 0, ?) RETURNING id""",
            [name, f"{name}.csv", f"test-hash-{next(_hash_counter)}", len(rows), len(rows), base_currency],
        ).fetchone()
        values = []
        for line, (day, client, amount, *rest) in enumerate(rows, start=2):
            day = _as_date(day)
            currency = rest[0] if rest else base_currency
            values.append([dataset_id, day, client, Decimal(str(amount)), currency, line])
        if values:
            cur.executemany(
                "INSERT INTO income (dataset_id, date, client, amount, currency, source_line)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                values,
            )
        if categories is not None:
            cur.executemany(
                "UPDATE income SET category = ? WHERE dataset_id = ? AND source_line = ?",
                [[category, dataset_id, line] for line, category in enumerate(categories, start=2)],
            )
        if terms is not None:
            cur.executemany(
                "UPDATE income SET due_date = ?, paid_date = ? WHERE dataset_id = ? AND source_line = ?",
                [[_as_date(due), _as_date(paid), dataset_id, line]
                 for line, (due, paid) in enumerate(terms, start=2)],
            )
        store.refresh_period(dataset_id, cur)
    return dataset_id


def _as_date(day: date | str | None) -> date | None:
    return day if day is None or isinstance(day, date) else date.fromisoformat(day)


@pytest.fixture
def add_dataset(store: Store) -> Callable[..., int]:
    """``add_dataset(rows, name=..., base_currency=...) -> dataset_id`` on the ``store`` fixture."""
    return lambda rows, **kwargs: insert_dataset(store, rows, **kwargs)


@pytest.fixture
def db(store: Store) -> Store:
    """The ``store`` fixture under the name the ingest tests (``tests/test_ingest_*.py``) use."""
    return store
