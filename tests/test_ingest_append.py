"""Adding a newer export of the same source to a dataset: only the rows it does not have are stored.

Every expected count and total is worked out by hand from the literal files beside it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from analytics.ingest import IngestError, append_file, import_file
from analytics.ingest import append as append_module
from analytics.ingest.append import BY_ROW_CONTENT, BY_TRANSACTION_ID
from ingest_helpers import stored_rows, totals, write_csv

D = Decimal

JUNE = (
    "date,client,amount,description\n"
    "2024-06-03,Acme,1000.00,Invoice 1\n"  # 2
    "2024-06-10,Beta,250.00,Invoice 2\n"  # 3
    "2024-06-10,Beta,250.00,Invoice 2\n"  # 4 the same payment twice on one day: two payments
    "2024-06-20,Gamma,400.00,\n"  # 5
)
# The September export repeats June (with a different case for Acme) and adds three rows.
SEPTEMBER = (
    "date,client,amount,description\n"
    "2024-06-03,ACME,1000.00,Invoice 1\n"  # 2 stored (Acme, any case)
    "2024-06-10,Beta,250.00,Invoice 2\n"  # 3 stored
    "2024-06-10,Beta,250.00,Invoice 2\n"  # 4 stored (the second of two)
    "2024-06-10,Beta,250.00,Invoice 2\n"  # 5 NEW: a third equal payment
    "2024-06-20,Gamma,400.00,\n"  # 6 stored
    "2024-07-15,ACME,1200.00,Invoice 3\n"  # 7 NEW
    "2024-09-01,Delta,90.50,Invoice 4\n"  # 8 NEW
)


def test_only_rows_the_dataset_lacks_are_added(tmp_path, db):
    first = import_file(db, write_csv(tmp_path, JUNE, "june.csv"))
    result = append_file(db, write_csv(tmp_path, SEPTEMBER, "september.csv"), first.dataset.id)

    assert (result.rows_read, result.rows_added, result.rows_already_there, result.matched_on) == (
        7, 3, 4, BY_ROW_CONTENT
    )
    # Acme 1000 + 1200 = 2200; Beta 3 × 250 = 750; Gamma 400; Delta 90.50
    assert totals(db, first.dataset.id) == {
        "Acme": D("2200.00"), "Beta": D("750.00"), "Gamma": D("400.00"), "Delta": D("90.50")
    }
    dataset = result.dataset
    assert (dataset.rows_imported, dataset.first_date, dataset.last_date) == (7, date(2024, 6, 3), date(2024, 9, 1))
    # The new rows keep their line in the newer file; ACME takes the stored spelling.
    added = stored_rows(db, dataset.id, "client, amount, source_line")
    assert ("Acme", D("1200.00"), 7) in added and ("Beta", D("250.00"), 5) in added
    (file, _at, read, added_rows, rejected), = db.dataset_imports(dataset.id)  # what the datasets page lists
    assert (file, read, added_rows, rejected) == ("september.csv", 7, 3, 0)


def test_the_same_newer_file_twice_adds_nothing_more(tmp_path, db):
    first = import_file(db, write_csv(tmp_path, JUNE, "june.csv"))
    september = write_csv(tmp_path, SEPTEMBER, "september.csv")
    append_file(db, september, first.dataset.id)
    again = append_file(db, september, first.dataset.id)
    assert (again.already_added, again.rows_added) == (True, 0)
    assert db.dataset(first.dataset.id).rows_imported == 7
    # The file first imported is recognised too.
    assert append_file(db, tmp_path / "june.csv", first.dataset.id).already_added


def test_an_export_with_nothing_new_adds_nothing(tmp_path, db):
    first = import_file(db, write_csv(tmp_path, JUNE, "june.csv"))
    same_rows = write_csv(tmp_path, JUNE.replace("date,client", "Date,Client"), "june-again.csv")  # other bytes
    result = append_file(db, same_rows, first.dataset.id)
    assert (result.already_added, result.rows_added, result.rows_already_there) == (False, 0, 4)
    assert totals(db, first.dataset.id) == {"Acme": D("1000.00"), "Beta": D("500.00"), "Gamma": D("400.00")}


PAYMENTS_Q1 = (
    "Transaction ID,Date,Client,Amount,Description\n"
    "T-1,2024-01-05,Acme,100.00,Retainer\n"
    "T-2,2024-02-05,Acme,100.00,Retainer\n"
    "T-3,2024-02-05,Beta,300.00,Logo\n"
)
# The newer export rewrote a description (T-3) and has two payments identical in content to
# stored ones but with their own ids (T-4, T-5): ids decide, so T-3 is stored and T-4/T-5 are new.
PAYMENTS_Q2 = (
    "Transaction ID,Date,Client,Amount,Description\n"
    "T-1,2024-01-05,Acme,100.00,Retainer\n"
    "T-2,2024-02-05,Acme,100.00,Retainer\n"
    "T-3,2024-02-05,Beta,300.00,Logo design (final)\n"
    "T-4,2024-02-05,Acme,100.00,Retainer\n"
    "T-5,2024-03-05,Acme,100.00,Retainer\n"
)


def test_transaction_ids_decide_when_both_files_have_them(tmp_path, db):
    first = import_file(db, write_csv(tmp_path, PAYMENTS_Q1, "q1.csv"))
    result = append_file(db, write_csv(tmp_path, PAYMENTS_Q2, "q2.csv"), first.dataset.id)
    assert (result.matched_on, result.rows_added, result.rows_already_there) == (BY_TRANSACTION_ID, 2, 3)
    assert totals(db, first.dataset.id) == {"Acme": D("400.00"), "Beta": D("300.00")}
    ids = [row[0] for row in stored_rows(db, first.dataset.id, "transaction_id")]
    assert sorted(ids) == ["T-1", "T-2", "T-3", "T-4", "T-5"]


def test_without_stored_ids_rows_are_matched_on_content(tmp_path, db):
    no_ids = "\n".join(line.split(",", 1)[1] for line in PAYMENTS_Q1.splitlines()) + "\n"
    first = import_file(db, write_csv(tmp_path, no_ids, "q1.csv"))
    result = append_file(db, write_csv(tmp_path, PAYMENTS_Q2, "q2.csv"), first.dataset.id)
    # By content: T-1 and T-2 are stored; T-3's description changed, so it counts as new; T-4 is a
    # second "2024-02-05 Acme 100.00 Retainer" (one stored) so new; T-5 new.
    assert (result.matched_on, result.rows_added) == (BY_ROW_CONTENT, 3)
    assert totals(db, first.dataset.id) == {"Acme": D("400.00"), "Beta": D("600.00")}


def test_new_rows_convert_to_the_dataset_base_currency(tmp_path, db):
    first = import_file(db, write_csv(tmp_path, "date,client,amount,currency\n2024-03-01,Acme,100.00,EUR\n", "a.csv"))
    # Mostly USD, so a first import would have chosen USD; appended rows follow the dataset's EUR.
    newer = ("date,client,amount,currency\n2024-03-01,Acme,100.00,EUR\n2024-03-04,Acme,50.00,USD\n"
             "2024-03-05,Beta,20.00,USD\n")
    result = append_file(db, write_csv(tmp_path, newer, "b.csv"), first.dataset.id)
    assert (result.rows_added, result.dataset.base_currency) == (2, "EUR")
    rows = stored_rows(db, first.dataset.id, "client, original_amount, currency, amount")
    usd = [r for r in rows if r[2] == "USD"]
    assert [(r[0], r[1]) for r in usd] == [("Acme", D("50.00")), ("Beta", D("20.00"))]
    assert all(r[3] < r[1] for r in usd)  # USD was worth less than EUR in March 2024 (ECB: ~1.09 USD/EUR)


def test_rejected_rows_are_listed_once_across_files(tmp_path, db):
    old = "date,client,amount\n2024-01-02,Acme,100\n2024-01-03,Beta,abc\n"
    new = "date,client,amount\n2024-01-02,Acme,100\n2024-01-03,Beta,abc\n2024-02-01,,50\n2024-02-02,Gamma,70\n"
    first = import_file(db, write_csv(tmp_path, old, "old.csv"))
    result = append_file(db, write_csv(tmp_path, new, "new.csv"), first.dataset.id)
    assert [(r.line, r.reason) for r in result.rejected] == [(4, "missing client")]
    assert [row[1] for row in db.rejected_rows(first.dataset.id)] == [
        "unreadable amount 'abc' (decimal mark '.')", "missing client"
    ]
    assert db.dataset(first.dataset.id).rows_rejected == 2


def test_a_failure_while_storing_leaves_the_dataset_as_it_was(tmp_path, db, monkeypatch):
    first = import_file(db, write_csv(tmp_path, JUNE, "june.csv"))

    def boom(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(append_module, "store_rejected", boom)
    with pytest.raises(RuntimeError):
        append_file(db, write_csv(tmp_path, SEPTEMBER, "september.csv"), first.dataset.id)
    assert db.dataset(first.dataset.id).rows_imported == 4
    assert totals(db, first.dataset.id) == {"Acme": D("1000.00"), "Beta": D("500.00"), "Gamma": D("400.00")}
    assert db.dataset_imports(first.dataset.id) == []


def test_unusable_files_and_datasets_are_clear_errors(tmp_path, db):
    first = import_file(db, write_csv(tmp_path, JUNE, "june.csv"))
    with pytest.raises(IngestError, match="None of the 1 rows"):
        append_file(db, write_csv(tmp_path, "date,client,amount\nnot a date,Acme,1\n", "bad.csv"), first.dataset.id)
    with pytest.raises(IngestError, match="no longer exists"):
        append_file(db, write_csv(tmp_path, SEPTEMBER, "september.csv"), first.dataset.id + 99)
    assert db.dataset(first.dataset.id).rows_imported == 4


def test_deleting_the_dataset_forgets_its_added_exports(tmp_path, db):
    first = import_file(db, write_csv(tmp_path, JUNE, "june.csv"))
    append_file(db, write_csv(tmp_path, SEPTEMBER, "september.csv"), first.dataset.id)
    db.delete_dataset(first.dataset.id)
    assert db.dataset_imports(first.dataset.id) == []
