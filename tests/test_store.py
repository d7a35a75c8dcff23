"""Tests for analytics/store.py: schema, database location, transactions, datasets, settings, threads.

Every expected count below is worked out by hand from the rows the test itself writes (see the
comments); nothing is compared with a number the store computed by the same query.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from analytics import store as store_module
from analytics.store import MEMORY, Store, default_db_path
from conftest import insert_dataset

ROOT = Path(__file__).resolve().parent.parent
TABLES = {"datasets", "fx_rates", "income", "rejected_rows", "scenarios", "settings",
          "client_aliases", "client_groups", "client_merge_rejections", "dataset_imports"}


def _tables(store: Store) -> set[str]:
    with store.cursor() as cur:
        rows = cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()
    return {name for (name,) in rows}


def _count(store: Store, table: str, where: str = "", params: list | None = None) -> int:
    with store.cursor() as cur:
        (n,) = cur.execute(f"SELECT count(*) FROM {table} {where}", params or []).fetchone()
    return n


def _add_rejected(store: Store, dataset_id: int, lines: list[int]) -> None:
    with store.transaction() as cur:
        cur.executemany(
            "INSERT INTO rejected_rows VALUES (?, ?, ?, ?)",
            [[dataset_id, line, "unreadable amount", f"raw {line}"] for line in lines],
        )


# -- schema and location ---------------------------------------------------------------------------


def test_schema_created_on_first_use_in_memory():
    with Store(MEMORY) as s:
        assert _tables(s) == TABLES
        assert s.datasets() == []
        assert s.get_setting("anything") is None


def test_schema_created_in_new_file_and_parent_dirs(tmp_path):
    path = tmp_path / "deep" / "er" / "eb.duckdb"
    with Store(path) as s:
        assert s.path == str(path)
        assert _tables(s) == TABLES
    assert path.is_file()


def test_reopening_file_keeps_data_and_schema_is_idempotent(tmp_path):
    path = tmp_path / "eb.duckdb"
    with Store(path) as first:
        ds = insert_dataset(first, [("2024-01-02", "Acme", "100.50"), ("2024-02-03", "Beta", "20.00")], name="kept")
        _add_rejected(first, ds, [4])
        first.set_setting("demo_offered", "1")
    # First store is closed: DuckDB allows one read-write process per file. Re-running the
    # CREATE ... IF NOT EXISTS schema must not drop or duplicate anything.
    with Store(path) as second:
        assert _tables(second) == TABLES
        [d] = second.datasets()
        assert (d.id, d.name, d.rows_read) == (ds, "kept", 2)
        assert (d.first_date, d.last_date) == (date(2024, 1, 2), date(2024, 2, 3))
        assert _count(second, "income") == 2
        assert second.rejected_rows(ds) == [(4, "unreadable amount", "raw 4")]
        assert second.get_setting("demo_offered") == "1"
        # the id sequence survived too: the next dataset gets a new id, not ds again
        assert insert_dataset(second, [("2024-03-01", "Gamma", "1")]) != ds


def test_data_survives_close_and_reopen_many_times(tmp_path):
    path = tmp_path / "eb.duckdb"
    for round_no in range(1, 4):
        with Store(path) as s:
            insert_dataset(s, [("2024-01-01", f"Client {round_no}", "10.00")], name=f"round {round_no}")
    with Store(path) as s:
        # three rounds, one dataset and one income row each (by construction above)
        assert sorted(d.name for d in s.datasets()) == ["round 1", "round 2", "round 3"]
        assert _count(s, "income") == 3
        with s.cursor() as cur:
            (total,) = cur.execute("SELECT sum(amount) FROM income").fetchone()
        assert total == Decimal("30.00")  # 3 × 10.00


def test_env_var_chooses_the_path(tmp_path, monkeypatch):
    target = tmp_path / "from_env.duckdb"
    monkeypatch.setenv("EGGBASKET_DB", str(target))
    assert default_db_path() == str(target)
    with Store() as s:
        assert s.path == str(target)
        s.set_setting("k", "v")
    assert target.is_file()
    with Store(target) as s:
        assert s.get_setting("k") == "v"


def test_env_var_memory(tmp_path, monkeypatch):
    monkeypatch.setenv("EGGBASKET_DB", MEMORY)
    monkeypatch.chdir(tmp_path)
    with Store() as s:
        assert s.path == MEMORY
        s.set_setting("k", "v")
        assert s.get_setting("k") == "v"
    with Store() as s:  # a new in-memory database is empty
        assert s.get_setting("k") is None
    assert list(tmp_path.iterdir()) == []  # no file called ':memory:' appeared anywhere


def test_explicit_path_beats_env(tmp_path, monkeypatch):
    monkeypatch.setenv("EGGBASKET_DB", str(tmp_path / "env.duckdb"))
    with Store(tmp_path / "explicit.duckdb") as s:
        assert s.path == str(tmp_path / "explicit.duckdb")
    assert not (tmp_path / "env.duckdb").exists()


@pytest.mark.parametrize("value", [None, ""])
def test_default_path_is_data_dir_beside_the_package(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("EGGBASKET_DB", raising=False)
    else:
        monkeypatch.setenv("EGGBASKET_DB", value)  # empty means unset
    # Independent of the module's own formula: the repo root found from this test file's location.
    expected = ROOT / "data" / "eggbasket.duckdb"
    assert Path(default_db_path()) == expected
    assert store_module.DEFAULT_DB_PATH == expected


# -- transactions ------------------------------------------------------------------------------------


def test_transaction_commits_on_success(store):
    with store.transaction() as cur:
        cur.execute("INSERT INTO settings VALUES ('a', '1')")
        cur.execute("INSERT INTO settings VALUES ('b', '2')")
    assert store.get_setting("a") == "1"
    assert store.get_setting("b") == "2"


def test_transaction_commits_on_success_file(tmp_path):
    path = tmp_path / "eb.duckdb"
    with Store(path) as s:
        with s.transaction() as cur:
            cur.execute("INSERT INTO settings VALUES ('a', '1')")
    with Store(path) as s:
        assert s.get_setting("a") == "1"


def test_transaction_rolls_back_on_exception(store, add_dataset):
    keep = add_dataset([("2024-01-01", "Keep", "5")])
    with pytest.raises(RuntimeError, match="boom"):
        with store.transaction() as cur:
            cur.execute("INSERT INTO settings VALUES ('a', '1')")
            cur.execute(
                "INSERT INTO income (dataset_id, date, client, amount, currency, source_line) "
                "VALUES (?, DATE '2024-01-01', 'X', 1, 'EUR', 2)",
                [keep],
            )
            cur.execute("DELETE FROM income WHERE client = 'Keep'")
            # visible inside the transaction ...
            assert cur.execute("SELECT value FROM settings WHERE key = 'a'").fetchone() == ("1",)
            raise RuntimeError("boom")
    # ... and none of it afterwards: the insert, the second insert and the delete are all undone
    assert store.get_setting("a") is None
    with store.cursor() as cur:
        assert cur.execute("SELECT client FROM income ORDER BY client").fetchall() == [("Keep",)]


def test_transaction_rolls_back_on_base_exception(store):
    with pytest.raises(KeyboardInterrupt):
        with store.transaction() as cur:
            cur.execute("INSERT INTO settings VALUES ('a', '1')")
            raise KeyboardInterrupt
    assert store.get_setting("a") is None


def test_transaction_rolls_back_on_database_error_and_store_stays_usable(store):
    with pytest.raises(duckdb.ConstraintException):
        with store.transaction() as cur:
            cur.execute("INSERT INTO settings VALUES ('a', '1')")
            cur.execute("INSERT INTO settings VALUES ('a', '2')")  # primary key violation
    assert store.get_setting("a") is None
    with store.transaction() as cur:
        cur.execute("INSERT INTO settings VALUES ('a', '3')")
    assert store.get_setting("a") == "3"


def test_rollback_file_database_leaves_nothing_after_reopen(tmp_path):
    path = tmp_path / "eb.duckdb"
    with Store(path) as s:
        with pytest.raises(ValueError):
            with s.transaction() as cur:
                cur.execute("INSERT INTO settings VALUES ('a', '1')")
                raise ValueError
    with Store(path) as s:
        assert _count(s, "settings") == 0


# -- datasets ----------------------------------------------------------------------------------------


def test_delete_dataset_removes_only_its_rows(store, add_dataset):
    a = add_dataset([("2024-01-01", "A1", "1"), ("2024-01-02", "A2", "2"), ("2024-01-03", "A3", "3")], name="a")
    b = add_dataset([("2024-02-01", "B1", "10"), ("2024-02-02", "B2", "20")], name="b")
    _add_rejected(store, a, [5, 6])
    _add_rejected(store, b, [4])
    store.delete_dataset(a)
    assert store.dataset(a) is None
    assert [d.id for d in store.datasets()] == [b]
    # a had 3 income rows and 2 rejected rows, b has 2 and 1 (written above)
    assert _count(store, "income", "WHERE dataset_id = ?", [a]) == 0
    assert _count(store, "rejected_rows", "WHERE dataset_id = ?", [a]) == 0
    assert _count(store, "income", "WHERE dataset_id = ?", [b]) == 2
    assert store.rejected_rows(b) == [(4, "unreadable amount", "raw 4")]
    assert store.rejected_rows(a) == []


def test_delete_missing_dataset_is_harmless(store, add_dataset):
    a = add_dataset([("2024-01-01", "A", "1")])
    store.delete_dataset(a + 1000)
    assert [d.id for d in store.datasets()] == [a]


def _insert_at(store: Store, name: str, imported_at: datetime) -> int:
    ds = insert_dataset(store, [], name=name)
    with store.cursor() as cur:
        cur.execute("UPDATE datasets SET imported_at = ? WHERE id = ?", [imported_at, ds])
    return ds


def test_datasets_newest_first(store):
    old = _insert_at(store, "old", datetime(2023, 5, 1, 9, 0))
    new = _insert_at(store, "new", datetime(2025, 1, 1, 9, 0))
    mid = _insert_at(store, "mid", datetime(2024, 7, 1, 9, 0))
    # imported_at: new 2025 > mid 2024 > old 2023, whatever the insertion (id) order
    assert [d.id for d in store.datasets()] == [new, mid, old]


def test_datasets_same_time_newest_id_first(store):
    same = datetime(2024, 1, 1, 12, 0)
    first = _insert_at(store, "first", same)
    second = _insert_at(store, "second", same)
    assert [d.id for d in store.datasets()] == [second, first]


def test_dataset_first_and_last_dates_and_fields(store, add_dataset):
    ds = add_dataset(
        [("2024-05-10", "A", "1"), ("2023-12-31", "B", "-2"), ("2024-02-29", "C", "3")], name="dates", base_currency="PLN"
    )
    empty = add_dataset([], name="empty")
    d = store.dataset(ds)
    # min/max of the three dates written above
    assert (d.first_date, d.last_date) == (date(2023, 12, 31), date(2024, 5, 10))
    assert (d.name, d.source_file, d.base_currency) == ("dates", "dates.csv", "PLN")
    assert (d.rows_read, d.rows_imported, d.rows_rejected) == (3, 3, 0)
    assert isinstance(d.imported_at, datetime)
    e = store.dataset(empty)
    assert (e.first_date, e.last_date) == (None, None)
    by_id = {x.id: x for x in store.datasets()}
    assert by_id[ds] == d
    assert store.dataset_by_hash(d.content_hash) == d
    assert store.dataset_by_hash("no such hash") is None
    assert store.dataset(ds + empty + 1000) is None


def test_content_hash_is_unique(store):
    with store.transaction() as cur:
        cur.execute(
            "INSERT INTO datasets (name, content_hash, rows_read, rows_imported, rows_rejected, base_currency)"
            " VALUES ('a', 'h', 1, 1, 0, 'EUR')"
        )
    with pytest.raises(duckdb.ConstraintException):
        with store.transaction() as cur:
            cur.execute(
                "INSERT INTO datasets (name, content_hash, rows_read, rows_imported, rows_rejected, base_currency)"
                " VALUES ('b', 'h', 1, 1, 0, 'EUR')"
            )
    assert [d.name for d in store.datasets()] == ["a"]


def test_rejected_rows_ordered_by_line(store, add_dataset):
    ds = add_dataset([("2024-01-01", "A", "1")])
    _add_rejected(store, ds, [9, 3, 7])
    assert [line for line, _, _ in store.rejected_rows(ds)] == [3, 7, 9]


# -- settings ----------------------------------------------------------------------------------------


def test_settings_get_set_overwrite(store):
    assert store.get_setting("theme") is None
    store.set_setting("theme", "dark")
    assert store.get_setting("theme") == "dark"
    store.set_setting("theme", "light")
    assert store.get_setting("theme") == "light"
    store.set_setting("other", "x")
    assert store.get_setting("theme") == "light"
    assert _count(store, "settings") == 2  # overwrite replaced, did not add a row
    store.set_setting("quote's", "it's; DROP TABLE settings")  # bound parameters, not SQL text
    assert store.get_setting("quote's") == "it's; DROP TABLE settings"
    assert _tables(store) == TABLES


def test_close_is_idempotent(tmp_path):
    s = Store(tmp_path / "eb.duckdb")
    s.close()
    s.close()
    with Store(tmp_path / "eb.duckdb") as again:  # the file is released
        assert _tables(again) == TABLES


# -- threads -----------------------------------------------------------------------------------------

THREADS = 8
OPS = 50


def test_threads_share_one_store(tmp_path):
    path = tmp_path / "threads.duckdb"
    with Store(path) as s:
        datasets = [insert_dataset(s, [], name=f"t{i}") for i in range(THREADS)]
        errors: list[BaseException] = []
        start = threading.Barrier(THREADS)

        def work(t: int) -> None:
            try:
                start.wait()
                ds = datasets[t]
                for i in range(OPS):
                    if i % 2 == 0:  # write: one income row in a transaction, plus a setting
                        with s.transaction() as cur:
                            cur.execute(
                                "INSERT INTO income (dataset_id, date, client, amount, currency, source_line) "
                                "VALUES (?, DATE '2024-01-01', ?, ?, 'EUR', ?)",
                                [ds, f"c{t}", Decimal(i), i + 2],
                            )
                        s.set_setting(f"t{t}-{i}", str(i))
                    else:  # read: this thread's own rows so far, which only it writes
                        with s.cursor() as cur:
                            (n,) = cur.execute("SELECT count(*) FROM income WHERE dataset_id = ?", [ds]).fetchone()
                        assert n == (i + 1) // 2, (t, i, n)  # writes at i = 0, 2, …, i-1
                        assert s.get_setting(f"t{t}-{i - 1}") == str(i - 1)
                        assert s.dataset(ds).name == f"t{t}"
            except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=120)
        assert not any(th.is_alive() for th in threads)
        assert errors == []
        # each thread wrote on the 25 even i in 0..48: 8 × 25 = 200 income rows and 200 settings
        writes = len(range(0, OPS, 2))
        assert writes == 25
        assert _count(s, "income") == THREADS * writes == 200
        assert _count(s, "settings") == 200
        # amounts: each thread wrote 0 + 2 + … + 48 = 2·(0+…+24) = 2·300 = 600
        with s.cursor() as cur:
            per = dict(cur.execute("SELECT dataset_id, sum(amount) FROM income GROUP BY dataset_id").fetchall())
        assert per == {ds: Decimal("600.00") for ds in datasets}
    with Store(path) as again:  # and all of it was committed to the file
        assert _count(again, "income") == 200
        assert _count(again, "settings") == 200


def test_dataset_periods_are_filled_for_databases_from_before(tmp_path):
    # A database written before datasets kept their period: the first and last dates are NULL
    # until the store is opened again, which fills them once from the income rows.
    path = tmp_path / "old.duckdb"
    with Store(path) as store:
        dataset_id = insert_dataset(store, [("2024-03-05", "A", "10"), ("2024-01-02", "B", "5")])
        with store.cursor() as cur:
            cur.execute("UPDATE datasets SET first_date = NULL, last_date = NULL")
        assert store.dataset(dataset_id).first_date is None
    with Store(path) as store:
        d = store.dataset(dataset_id)
        assert (d.first_date, d.last_date) == (date(2024, 1, 2), date(2024, 3, 5))


# -- memory budget -----------------------------------------------------------------------------------


def _memory_limit(store: Store) -> str:
    with store.cursor() as cur:
        return cur.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def test_duckdb_gets_a_bounded_memory_budget(monkeypatch):
    monkeypatch.delenv("EGGBASKET_MEMORY_LIMIT", raising=False)
    with Store(MEMORY) as s:
        assert _memory_limit(s) == "488.2 MiB"  # 512 × 10^6 bytes, as DuckDB prints it (/ 2^20)
    monkeypatch.setenv("EGGBASKET_MEMORY_LIMIT", "2GB")
    with Store(MEMORY) as s:
        assert _memory_limit(s) == "1.8 GiB"  # 2 × 10^9 / 2^30 = 1.86, printed to one decimal


def test_a_malformed_memory_budget_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("EGGBASKET_MEMORY_LIMIT", "lots")
    with pytest.raises(ValueError, match="512MB or 2GB"):
        Store(MEMORY)
