"""Tests for analytics/demo.py: the demo dataset offered once on first launch.

The imported demo is checked against data/demo_income.csv read independently with the standard
library's ``csv`` module (not Eggbasket's ingest).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from analytics.demo import DEMO_CSV, DEMO_NAME, ensure_demo
from analytics.store import Store

ROOT = Path(__file__).resolve().parent.parent
CSV_PATH = ROOT / "data" / "demo_income.csv"


@pytest.fixture(scope="module")
def demo_records() -> list[tuple[int, dict[str, str]]]:
    """(first physical line, record) for every record of the demo CSV, via the csv module."""
    records = []
    with open(CSV_PATH, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        previous_end = reader.line_num  # 0 before the header is read
        for row in reader:
            if previous_end == 0:  # the header was read together with the first record
                previous_end = 1
            records.append((previous_end + 1, row))
            previous_end = reader.line_num
    return records


def _income(store: Store, dataset_id: int) -> list[tuple]:
    with store.cursor() as cur:
        return cur.execute(
            "SELECT source_line, date, client, amount, currency FROM income WHERE dataset_id = ? ORDER BY source_line",
            [dataset_id],
        ).fetchall()


def test_demo_path_is_the_data_file():
    assert DEMO_CSV == CSV_PATH
    assert CSV_PATH.is_file()


def test_imports_once_into_an_empty_store(store):
    dataset_id = ensure_demo(store)
    assert dataset_id is not None
    [d] = store.datasets()
    assert d.id == dataset_id
    assert d.name == DEMO_NAME
    assert d.source_file == "demo_income.csv"
    assert store.get_setting("demo_offered") is not None
    # second call: nothing new
    assert ensure_demo(store) is None
    assert [x.id for x in store.datasets()] == [dataset_id]


def test_imported_demo_matches_the_csv(store, demo_records):
    dataset_id = ensure_demo(store)
    d = store.dataset(dataset_id)
    n = len(demo_records)
    assert n > 0
    # every demo row is a valid EUR row (checked here, independently of the ingest)
    currencies = {row["currency"] for _, row in demo_records}
    assert currencies == {"EUR"}
    assert (d.rows_read, d.rows_imported, d.rows_rejected) == (n, n, 0)
    assert d.base_currency == "EUR"
    assert store.rejected_rows(dataset_id) == []

    rows = _income(store, dataset_id)
    assert len(rows) == n
    expected_total = sum(Decimal(row["amount"]) for _, row in demo_records)
    assert sum(amount for _, _, _, amount, _ in rows) == expected_total

    expected_by_client: dict[str, Decimal] = defaultdict(Decimal)
    for _, row in demo_records:
        expected_by_client[row["client"]] += Decimal(row["amount"])
    got_by_client: dict[str, Decimal] = defaultdict(Decimal)
    for _, _, client, amount, _ in rows:
        got_by_client[client] += amount
    assert got_by_client == expected_by_client

    # record by record: line, date, client, amount
    expected_rows = [
        (line, date.fromisoformat(row["date"]), row["client"], Decimal(row["amount"]), row["currency"])
        for line, row in demo_records
    ]
    assert rows == expected_rows

    dates = [date.fromisoformat(row["date"]) for _, row in demo_records]
    assert (d.first_date, d.last_date) == (min(dates), max(dates))


def test_not_reimported_after_user_deleted_it(store):
    dataset_id = ensure_demo(store)
    store.delete_dataset(dataset_id)
    assert store.datasets() == []
    assert ensure_demo(store) is None  # the setting remembers the demo was offered
    assert store.datasets() == []


def test_not_reimported_after_delete_in_file_store(tmp_path):
    path = tmp_path / "eb.duckdb"
    with Store(path) as s:
        s.delete_dataset(ensure_demo(s))
    with Store(path) as s:  # a later app start
        assert ensure_demo(s) is None
        assert s.datasets() == []


def test_nothing_when_store_has_another_dataset(store, add_dataset):
    mine = add_dataset([("2024-01-01", "Acme", "100.00")], name="mine")
    assert ensure_demo(store) is None
    assert [d.id for d in store.datasets()] == [mine]
    with store.cursor() as cur:
        (n,) = cur.execute("SELECT count(*) FROM income").fetchone()
    assert n == 1  # only the one row written above
