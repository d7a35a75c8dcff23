"""Amounts and dates: the SQL parsers of ``analytics.ingest.values`` and whole files through the import.

Every expected number below is worked out by hand from the literal input next to it (the comment says
how); none is computed by the code under test.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import duckdb
import pytest

from analytics.ingest import ImportSettings, IngestError, import_file, inspect_file, replan, import_plan
from analytics.ingest import values
from analytics.store import MEMORY, Store
from ingest_helpers import stored_rows as rows
from ingest_helpers import totals, write_csv

D = Decimal


# -- helpers (the db fixture is in tests/conftest.py; write_csv, rows, totals in tests/ingest_helpers.py)


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect() as c:
        yield c


def parse_amount(con: duckdb.DuckDBPyConnection, text: str, decimal: str) -> tuple[Decimal | None, str | None]:
    sql = (
        f"SELECT {values.amount_sql('p', decimal)}, {values.amount_currency_sql('p')} "
        f"FROM (SELECT {values.amount_parts_sql('x')} AS p FROM (SELECT ?::VARCHAR AS x))"
    )
    return con.execute(sql, [text]).fetchone()


def parse_date(con: duckdb.DuckDBPyConnection, text: str, order: str) -> date | None:
    sql = f"SELECT {values.date_sql('x', values.date_parts_sql('x'), order)} FROM (SELECT ?::VARCHAR AS x)"
    return con.execute(sql, [text]).fetchone()[0]


# -- amounts, one value at a time ------------------------------------------------------------------

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("text", "decimal", "amount", "currency"),
    [
        ("1234.56", ".", D("1234.56"), None),
        ("12,50", ",", D("12.50"), None),
        ("1,234.56", ".", D("1234.56"), None),  # comma groups thousands in a decimal-point file
        ("1.234,56", ",", D("1234.56"), None),  # dot groups thousands in a decimal-comma file
        ("1 234,56", ",", D("1234.56"), None),  # plain space
        (f"1{NBSP}234,56", ",", D("1234.56"), None),  # no-break space U+00A0
        (f"1{NNBSP}234,56", ",", D("1234.56"), None),  # narrow no-break space U+202F
        ("1 234 567.89", ".", D("1234567.89"), None),
        ("1'234.56", ".", D("1234.56"), None),  # Swiss apostrophe
        ("$1,200.00", ".", D("1200.00"), "USD"),
        ("1200 EUR", ".", D("1200.00"), "EUR"),
        ("1200 eur", ".", D("1200.00"), "EUR"),
        ("€ -350,00", ",", D("-350.00"), "EUR"),
        ("350 zł", ",", D("350.00"), "PLN"),
        ("(120.00)", ".", D("-120.00"), None),  # accounting negative
        ("($120.00)", ".", D("-120.00"), "USD"),
        ("$ (1,200.00)", ".", D("-1200.00"), "USD"),  # Excel accounting format: symbol outside
        ("(120,00) zł", ",", D("-120.00"), "PLN"),
        ("120.00-", ".", D("-120.00"), None),  # trailing minus
        ("-$5.00", ".", D("-5.00"), "USD"),
        ("−42,00", ",", D("-42.00"), None),  # U+2212 minus sign
        ("+7", ".", D("7.00"), None),
        ("  7  ", ".", D("7.00"), None),
    ],
)
def test_amount_forms(con, text, decimal, amount, currency):
    assert parse_amount(con, text, decimal) == (amount, currency)


@pytest.mark.parametrize(
    ("text", "decimal"),
    [
        ("12,5", "."),  # not 125: a thousands group has exactly three digits
        ("1,23.45", "."),
        ("12.5", ","),
        ("12 5", "."),  # a space is a thousands separator only between groups of three
        ("1 23,00", ","),
        ("1,234.56", ","),  # a decimal-point amount in a decimal-comma file
        ("1.234,56", "."),
        ("(120.00", "."),  # unbalanced parenthesis
        ("120.00)", "."),
        ("((5))", "."),
        ("USD 5 EUR", "."),  # two currencies on one amount
        ("abc", "."),
        ("", "."),
        (".5", "."),
        ("1e5", "."),
    ],
)
def test_amount_rejected(con, text, decimal):
    assert parse_amount(con, text, decimal)[0] is None


def test_amount_sql_refuses_unknown_decimal_mark():
    with pytest.raises(ValueError):
        values.amount_sql("p", "x")


# -- amounts, whole files ----------------------------------------------------------------------------


def test_decimal_point_file_totals_with_refunds(tmp_path, db):
    path = write_csv(
        tmp_path,
        "date,client,amount\n"
        "2024-01-05,Acme,\"1,234.56\"\n"
        "2024-01-06,Acme,(234.56)\n"
        "2024-01-07,Beta,100.10\n"
        "2024-01-08,Beta,0.40-\n"
        "2024-01-09,Beta,-50\n",
    )
    plan = inspect_file(path)
    assert plan.decimal.value == "." and not plan.decimal.ambiguous
    plan.close()
    result = import_file(db, path)
    assert result.rows_imported == 5 and result.rejected == []
    # Acme: 1234.56 - 234.56 = 1000.00; Beta: 100.10 - 0.40 - 50 = 49.70
    assert totals(db, result.dataset.id) == {"Acme": D("1000.00"), "Beta": D("49.70")}


def test_decimal_comma_file_with_space_thousands(tmp_path, db):
    path = write_csv(
        tmp_path,
        "Datum;Kunde;Betrag\n"
        "05.03.2024;Müller;1.234,56\n"
        "06.03.2024;Müller;1 000,44\n"
        f"07.03.2024;Schmidt;2{NBSP}500,00\n"
        f"08.03.2024;Schmidt;-1{NNBSP}000,50\n"
        "09.03.2024;Schmidt;0,5\n",
    )
    plan = inspect_file(path)
    assert plan.decimal.value == "," and not plan.decimal.ambiguous
    plan.close()
    result = import_file(db, path)
    assert result.rejected == []
    # Müller: 1234.56 + 1000.44 = 2235.00; Schmidt: 2500.00 - 1000.50 + 0.50 = 1500.00
    assert totals(db, result.dataset.id) == {"Müller": D("2235.00"), "Schmidt": D("1500.00")}


def test_twelve_comma_five_in_a_decimal_point_file_is_rejected(tmp_path, db):
    path = write_csv(
        tmp_path,
        "date,client,amount\n2024-01-05,Acme,10.25\n2024-01-06,Acme,\"12,5\"\n2024-01-07,Acme,2.75\n",
    )
    result = import_file(db, path)
    # 10.25 + 2.75 = 13.00; the "12,5" on line 3 is neither 125 nor 12.5
    assert totals(db, result.dataset.id) == {"Acme": D("13.00")}
    assert [(r.line, r.reason) for r in result.rejected] == [(3, "unreadable amount '12,5' (decimal mark '.')")]


def test_currency_symbols_around_the_number(tmp_path, db):
    path = write_csv(
        tmp_path,
        "Data;Klient;Kwota\n"
        "05.03.2024;Alfa;350 zł\n"
        "06.03.2024;Alfa;1 234,50 zł\n"
        "07.03.2024;Beta;(100,00) zł\n"
        "08.03.2024;Beta;250,00\n",  # no symbol: in the file's currency
    )
    result = import_file(db, path)
    assert result.rejected == []
    assert result.dataset.base_currency == "PLN"
    # Alfa: 350 + 1234.50 = 1584.50; Beta: -100 + 250 = 150.00; every row PLN
    assert rows(db, result.dataset.id) == [
        (2, date(2024, 3, 5), "Alfa", D("350.00"), "PLN"),
        (3, date(2024, 3, 6), "Alfa", D("1234.50"), "PLN"),
        (4, date(2024, 3, 7), "Beta", D("-100.00"), "PLN"),
        (5, date(2024, 3, 8), "Beta", D("250.00"), "PLN"),
    ]
    assert totals(db, result.dataset.id) == {"Alfa": D("1584.50"), "Beta": D("150.00")}


def test_amounts_without_a_symbol_take_the_currency_the_other_rows_name(tmp_path, db):
    # Regression: unmarked rows used to count as currency XXX and outvote (reject) the "$" row.
    path = write_csv(
        tmp_path,
        'date,client,amount\n2024-01-05,Acme,"1,234.56"\n2024-01-06,Acme,"$1,200.00"\n2024-01-07,Beta,(120.00)\n',
    )
    result = import_file(db, path)
    assert result.rejected == [] and result.dataset.base_currency == "USD"
    # Acme: 1234.56 + 1200.00 = 2434.56; Beta: -120.00
    assert totals(db, result.dataset.id) == {"Acme": D("2434.56"), "Beta": D("-120.00")}


def test_euro_codes_and_symbols(tmp_path, db):
    path = write_csv(tmp_path, "Date;Client;Amount\n05.01.2024;A;1200 EUR\n06.01.2024;A;€ -350,00\n07.01.2024;B;99,99 €\n")
    result = import_file(db, path)
    # A: 1200 - 350 = 850.00; B: 99.99
    assert totals(db, result.dataset.id) == {"A": D("850.00"), "B": D("99.99")}
    assert {r[4] for r in rows(db, result.dataset.id)} == {"EUR"}


def test_file_that_never_names_a_currency_is_xxx_unless_the_user_says(tmp_path, db):
    text = "date,client,amount\n2024-01-05,Acme,10\n"
    assert import_file(db, write_csv(tmp_path, text, "a.csv")).dataset.base_currency == "XXX"
    chosen = import_file(db, write_csv(tmp_path, text + "2024-01-06,Acme,5\n", "b.csv"), ImportSettings(currency="EUR"))
    assert chosen.dataset.base_currency == "EUR"
    assert [r[4] for r in rows(db, chosen.dataset.id)] == ["EUR", "EUR"]


def test_ambiguous_thousands_with_semicolons_is_flagged(tmp_path):
    # "1.234" could be 1.234 or 1234: no value has cents, so the plan says it guessed.
    path = write_csv(tmp_path, "Datum;Kunde;Betrag\n05.03.2024;A;1.234\n06.03.2024;B;2.000\n")
    plan = inspect_file(path)
    try:
        assert plan.decimal.value == "," and plan.decimal.ambiguous
        assert any("could be read two ways" in w for w in plan.warnings)
    finally:
        plan.close()


# -- dates, one value at a time ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2024-03-05", "dmy", date(2024, 3, 5)),
        ("2024-03-05", "mdy", date(2024, 3, 5)),  # year-first ignores the order
        ("2024-03-05T10:00:00Z", "dmy", date(2024, 3, 5)),
        ("2024-03-05 10:00:00", "dmy", date(2024, 3, 5)),
        ("05.03.2024", "dmy", date(2024, 3, 5)),
        ("05.03.2024 10:33", "dmy", date(2024, 3, 5)),
        ("05/03/2024", "dmy", date(2024, 3, 5)),
        ("05/03/2024 10:33", "dmy", date(2024, 3, 5)),
        ("05/03/2024", "mdy", date(2024, 5, 3)),
        ("03/25/2024 10:33 PM", "mdy", date(2024, 3, 25)),
        ("5.3.24", "dmy", date(2024, 3, 5)),
        ("15 Mar 2024", "dmy", date(2024, 3, 15)),
    ],
)
def test_date_forms(con, text, order, expected):
    assert parse_date(con, text, order) == expected


@pytest.mark.parametrize(
    ("text", "order"),
    [("31.02.2024", "dmy"), ("2024-13-01", "dmy"), ("25/03/2024", "mdy"), ("05/03-2024", "dmy"), ("yesterday", "dmy"), ("", "dmy")],
)
def test_date_rejected(con, text, order):
    assert parse_date(con, text, order) is None


# -- dates, whole files -----------------------------------------------------------------------------


def _dates_of(store: Store, result) -> list[date]:
    return [r[1] for r in rows(store, result.dataset.id)]


@pytest.mark.parametrize(
    ("header_and_rows", "order", "expected"),
    [
        # ISO, with and without a time part
        ("date,client,amount\n2024-03-05,A,1\n2024-03-06T10:00:00Z,A,2\n", "dmy",
         [date(2024, 3, 5), date(2024, 3, 6)]),
        # dotted day-first, with and without a time
        ("date;client;amount\n05.03.2024;A;1\n06.03.2024 10:33;A;2\n", "dmy",
         [date(2024, 3, 5), date(2024, 3, 6)]),
        # slashes, the 25 in first place proves day-first
        ("date,client,amount\n05/03/2024,A,1\n25/03/2024 10:33,A,2\n", "dmy",
         [date(2024, 3, 5), date(2024, 3, 25)]),
        # slashes, the 25 in second place proves month-first
        ("date,client,amount\n03/05/2024,A,1\n03/25/2024 10:33,A,2\n", "mdy",
         [date(2024, 3, 5), date(2024, 3, 25)]),
    ],
)
def test_date_order_detected_from_values(tmp_path, db, header_and_rows, order, expected):
    path = write_csv(tmp_path, header_and_rows)
    plan = inspect_file(path)
    try:
        assert plan.date_order.value == order and not plan.date_order.ambiguous
        assert plan.warnings == []
        result = import_plan(db, plan)
    finally:
        plan.close()
    assert result.rejected == []
    assert _dates_of(db, result) == expected


def test_ambiguous_slash_dates_default_day_first_and_can_be_switched(tmp_path):
    path = write_csv(tmp_path, "date,client,amount\n03/05/2024,A,1\n04/06/2024,A,2\n")
    plan = inspect_file(path)
    try:
        assert plan.date_order.ambiguous and plan.needs_date_order_choice
        assert plan.date_order.value == "dmy"
        assert len(plan.warnings) == 1 and "could be 3 April or March 4" in plan.warnings[0]
        with Store(MEMORY) as first:
            # day-first: 3 May and 4 June
            assert _dates_of(first, import_plan(first, plan)) == [date(2024, 5, 3), date(2024, 6, 4)]
        switched = replan(plan, ImportSettings(date_order="mdy"))
        assert not switched.date_order.ambiguous and switched.warnings == []
        with Store(MEMORY) as second:
            # month-first: 5 March and 6 April
            assert _dates_of(second, import_plan(second, switched)) == [date(2024, 3, 5), date(2024, 4, 6)]
    finally:
        plan.close()


def test_date_order_setting_through_import_file(tmp_path, db):
    path = write_csv(tmp_path, "date,client,amount\n01/02/2024,A,1\n")
    result = import_file(db, path, ImportSettings(date_order="mdy"))
    assert _dates_of(db, result) == [date(2024, 1, 2)]  # January 2nd, not 1 February


def test_dotted_dates_are_day_first_by_convention(tmp_path):
    path = write_csv(tmp_path, "date;client;amount\n03.05.2024;A;1\n04.06.2024;A;2\n")
    plan = inspect_file(path)
    try:
        assert plan.date_order.value == "dmy" and not plan.date_order.ambiguous
        assert plan.warnings == []
    finally:
        plan.close()


def test_invalid_dates_are_rejected_with_a_reason(tmp_path, db):
    path = write_csv(tmp_path, "date;client;amount\n28.02.2024;A;10\n31.02.2024;A;20\n29.02.2024;A;30\n29.02.2023;B;40\n")
    result = import_file(db, path)
    # 2024 is a leap year, 2023 is not: lines 3 (31 Feb) and 5 (29 Feb 2023) are rejected; A = 10 + 30
    assert totals(db, result.dataset.id) == {"A": D("40.00")}
    assert [(r.line, r.reason) for r in result.rejected] == [
        (3, "unreadable date '31.02.2024' (expected DD/MM/YYYY or YYYY-MM-DD)"),
        (5, "unreadable date '29.02.2023' (expected DD/MM/YYYY or YYYY-MM-DD)"),
    ]


def test_every_date_unreadable_is_an_error(tmp_path, db):
    path = write_csv(tmp_path, "date,client,amount\nsoon,A,1\nlater,B,2\n")
    with pytest.raises(IngestError) as info:
        import_file(db, path)
    assert info.value.message.startswith("None of the 2 rows could be imported. First problem, line 2: unreadable date 'soon'")
    assert [r.line for r in info.value.rejected] == [2, 3]
    assert db.datasets() == []
