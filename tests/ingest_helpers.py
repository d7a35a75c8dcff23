"""Helpers the ingest tests share: writing a file into ``tmp_path`` and reading back what an import stored.

Plain functions (the in-memory database is the ``db`` fixture of ``tests/conftest.py``).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from analytics.store import Store


def write_bytes(tmp_path: Path, data: bytes, name: str = "income.csv") -> Path:
    """``data`` as the file ``tmp_path / name``; returns its path."""
    path = tmp_path / name
    path.write_bytes(data)
    return path


def write_csv(tmp_path: Path, text: str, name: str = "income.csv", encoding: str = "utf-8") -> Path:
    """``text`` encoded with ``encoding`` as the file ``tmp_path / name``; returns its path."""
    return write_bytes(tmp_path, text.encode(encoding), name)


def stored_rows(
    store: Store, dataset_id: int, columns: str = "source_line, date, client, amount, currency"
) -> list[tuple]:
    """``columns`` (SQL, comma-separated) of every stored income row of the dataset, in file order;
    by default (source_line, date, client, amount, currency)."""
    with store.cursor() as cur:
        return cur.execute(
            f"SELECT {columns} FROM income WHERE dataset_id = ? ORDER BY source_line", [dataset_id]
        ).fetchall()


def totals(store: Store, dataset_id: int) -> dict[str, Decimal]:
    """The sum of the stored amounts per client of the dataset."""
    with store.cursor() as cur:
        return dict(
            cur.execute("SELECT client, sum(amount) FROM income WHERE dataset_id = ? GROUP BY client", [dataset_id]).fetchall()
        )
