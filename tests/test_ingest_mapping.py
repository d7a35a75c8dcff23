"""Which column is the date, the client, the amount…: headers in four languages, values, overrides.

Expected mappings are read off the literal headers; expected totals are worked out by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from analytics.ingest import ColumnMapping, ImportSettings, IngestError, import_file, inspect_file, replan
from analytics.ingest.mapping import guess_from_headers, normalise_header
from ingest_helpers import totals, write_csv

D = Decimal


def mapping_of(path: Path, settings: ImportSettings = ImportSettings()) -> ColumnMapping:
    plan = inspect_file(path, settings)
    try:
        return plan.mapping
    finally:
        plan.close()


# -- headers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Date,Client,Amount", ("Date", "Client", "Amount")),
        ("date,customer,sum", ("date", "customer", "sum")),
        ("Дата;Клиент;Сумма", ("Дата", "Клиент", "Сумма")),
        ("Дата;Контрагент;Сумма", ("Дата", "Контрагент", "Сумма")),
        ("Data;Klient;Kwota", ("Data", "Klient", "Kwota")),
        ("Data;Kontrahent;Kwota", ("Data", "Kontrahent", "Kwota")),
        ("Datum;Kunde;Betrag", ("Datum", "Kunde", "Betrag")),
        # a different order, extra words and case
        ("Betrag;Buchungsdatum;Kunde", ("Buchungsdatum", "Kunde", "Betrag")),
        ("AMOUNT,Payment Date,Customer Name", ("Payment Date", "Customer Name", "AMOUNT")),
    ],
)
def test_required_roles_from_headers(header, expected):
    mapping = guess_from_headers(tuple(header.replace(";", ",").split(",")))
    assert (mapping.date, mapping.client, mapping.amount) == expected


def test_optional_roles_from_headers():
    mapping = guess_from_headers(("Data", "Kontrahent", "Kwota", "Waluta", "Kategoria", "Opis"))
    assert mapping == ColumnMapping("Data", "Kontrahent", "Kwota", "Waluta", "Kategoria", "Opis")
    mapping = guess_from_headers(("Дата", "Контрагент", "Сумма", "Валюта", "Назначение платежа"))
    assert mapping.currency == "Валюта" and mapping.description == "Назначение платежа" and mapping.category is None


def test_header_normalisation():
    assert normalise_header("\ufeff  Customer_Name: ") == "customer name"
    assert normalise_header('"Amount."') == "amount"


@pytest.mark.parametrize(
    ("text", "totals_expected"),
    [
        # Russian: Ромашка 1500.50 + 300.00 = 1800.50; Иванов -200.00
        ("Дата;Контрагент;Сумма\n05.03.2024;Ромашка;1 500,50\n06.03.2024;Иванов;-200,00\n07.03.2024;Ромашка;300,00\n",
         {"Ромашка": D("1800.50"), "Иванов": D("-200.00")}),
        # Polish: Firma A 100.50 + 0.50 = 101.00; Firma B 200.00
        ("Data;Klient;Kwota\n05.03.2024;Firma A;100,50\n06.03.2024;Firma B;200,00\n07.03.2024;Firma A;0,50\n",
         {"Firma A": D("101.00"), "Firma B": D("200.00")}),
        # German: Müller 100.50; Schmidt 1200.00 - 200.00 = 1000.00
        ("Datum;Kunde;Betrag\n05.03.2024;Müller;100,50\n06.03.2024;Schmidt;1.200,00\n07.03.2024;Schmidt;-200,00\n",
         {"Müller": D("100.50"), "Schmidt": D("1000.00")}),
    ],
    ids=["ru", "pl", "de"],
)
def test_localised_files_import(tmp_path, db, text, totals_expected):
    result = import_file(db, write_csv(tmp_path, text))
    assert result.rejected == []
    assert totals(db, result.dataset.id) == totals_expected


def test_optional_columns_are_stored(tmp_path, db):
    text = (
        "Datum;Kunde;Betrag;Währung;Kategorie;Verwendungszweck\n"
        "05.03.2024;Müller;100,50;eur;Beratung;RE-1\n"
        "06.03.2024;Schmidt;200,00;EUR; ;RE-2\n"
    )
    result = import_file(db, write_csv(tmp_path, text))
    with db.cursor() as cur:
        got = cur.execute(
            "SELECT client, currency, category, description FROM income WHERE dataset_id = ? ORDER BY source_line",
            [result.dataset.id],
        ).fetchall()
    # the currency column is upper-cased; a blank category is NULL
    assert got == [("Müller", "EUR", "Beratung", "RE-1"), ("Schmidt", "EUR", None, "RE-2")]
    assert result.dataset.base_currency == "EUR"


# -- values, when headers say nothing ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a,b,c\n2024-03-05,Acme,100.50\n2024-03-06,Beta,200.00\n2024-03-07,Gamma,300.00\n", ("a", "b", "c")),
        ("a,b,c\nAcme,100.50,2024-03-05\nBeta,200.00,2024-03-06\nGamma,300.00,2024-03-07\n", ("c", "a", "b")),
        ("Acme;05.03.2024;100,50\nBeta;06.03.2024;200,00\nGamma;07.03.2024;-300,00\n", ("column1", "column0", "column2")),
        ("2024-03-05,Acme,100.50\n2024-03-06,Beta,200.00\n2024-03-07,Gamma,300.00\n", ("column0", "column1", "column2")),
    ],
    ids=["abc-header", "abc-shuffled", "no-header-semicolon", "no-header-comma"],
)
def test_roles_from_values(tmp_path, text, expected):
    mapping = mapping_of(write_csv(tmp_path, text))
    assert (mapping.date, mapping.client, mapping.amount) == expected


def test_values_mapping_imports_the_right_totals(tmp_path, db):
    text = "x;y;z\nAcme;05.03.2024;100,50\nBeta;06.03.2024;200,00\nAcme;07.03.2024;-0,50\n"
    result = import_file(db, write_csv(tmp_path, text))
    # Acme: 100.50 - 0.50 = 100.00; Beta: 200.00
    assert totals(db, result.dataset.id) == {"Acme": D("100.00"), "Beta": D("200.00")}


# -- the user's mapping ------------------------------------------------------------------------------


def test_mapping_override(tmp_path, db):
    # Two amount-like columns: the guess takes "Amount", the user wants "Net".
    text = "Date,Client,Amount,Net\n2024-01-05,Acme,120.00,100.00\n2024-01-06,Acme,60.00,50.00\n"
    path = write_csv(tmp_path, text)
    assert mapping_of(path).amount == "Amount"
    override = ColumnMapping(date="Date", client="Client", amount="Net")
    result = import_file(db, path, ImportSettings(mapping=override))
    assert totals(db, result.dataset.id) == {"Acme": D("150.00")}  # 100 + 50, not 120 + 60


def test_replan_with_a_new_mapping(tmp_path):
    path = write_csv(tmp_path, "Date,Client,Amount,Net\n2024-01-05,Acme,120.00,100.00\n")
    plan = inspect_file(path)
    try:
        new = replan(plan, ImportSettings(mapping=ColumnMapping(date="Date", client="Client", amount="Net")))
        assert new.mapping.amount == "Net" and plan.mapping.amount == "Amount"
    finally:
        plan.close()


def test_override_naming_a_missing_column(tmp_path, db):
    # Regression: this used to surface DuckDB's "Binder Error: Referenced column ... not found".
    path = write_csv(tmp_path, "Date,Client,Amount\n2024-01-05,A,1\n")
    with pytest.raises(IngestError) as info:
        import_file(db, path, ImportSettings(mapping=ColumnMapping(date="Datum", client="Client", amount="Amount")))
    assert info.value.message == "The column 'Datum' chosen for date is not in this file (columns: Date, Client, Amount)."


def test_override_with_one_column_in_two_roles(tmp_path, db):
    path = write_csv(tmp_path, "Date,Client,Amount\n2024-01-05,A,1\n")
    with pytest.raises(IngestError) as info:
        import_file(db, path, ImportSettings(mapping=ColumnMapping(date="Date", client="Amount", amount="Amount")))
    assert info.value.message == "Column 'Amount' is mapped to two roles; each column can play one role only."


def test_no_column_can_be_an_amount_or_a_date(tmp_path, db):
    path = write_csv(tmp_path, "Name,Note\nAcme,hello\nBeta,world\n")
    with pytest.raises(IngestError) as info:
        import_file(db, path)
    assert info.value.message == (
        "Could not find a column for date and amount in this file (columns: Name, Note). "
        "Choose the columns by hand on the upload page."
    )
    assert db.datasets() == []


def test_no_amount_column(tmp_path, db):
    path = write_csv(tmp_path, "Date,Client,Note\n2024-01-05,Acme,hello\n2024-01-06,Beta,world\n")
    with pytest.raises(IngestError) as info:
        import_file(db, path)
    assert info.value.message.startswith("Could not find a column for amount in this file (columns: Date, Client, Note).")


def test_one_column_file(tmp_path, db):
    with pytest.raises(IngestError) as info:
        import_file(db, write_csv(tmp_path, "just some text\nhello\nworld\n"))
    assert info.value.message.startswith("Could not split this file into columns (it reads as one column:")


# -- optional roles: the export's row id, due and paid dates ------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # (date, transaction id, due date, paid date)
        ("Invoice Date,Client,Amount,Due Date,Paid Date,Transaction ID",
         ("Invoice Date", "Transaction ID", "Due Date", "Paid Date")),
        ("Дата;Контрагент;Сумма;Номер документа;Срок оплаты", ("Дата", "Номер документа", "Срок оплаты", None)),
        ("Data;Kontrahent;Kwota;Termin płatności;Data zapłaty", ("Data", None, "Termin płatności", "Data zapłaty")),
        ("Datum;Kunde;Betrag;Fälligkeitsdatum;Transaktions-ID", ("Datum", "Transaktions-ID", "Fälligkeitsdatum", None)),
        # Only a paid date: it is the payment's date, not an extra column.
        ("Paid on,Customer,Total", ("Paid on", None, None, None)),
        # "No." in a hand-kept sheet is a row number, which shifts when rows are added: never an id.
        ("No.,Date,Client,Amount", ("Date", None, None, None)),
    ],
)
def test_ids_and_invoice_dates_from_headers(header, expected):
    m = guess_from_headers(tuple(header.replace(";", ",").split(",")))
    assert (m.date, m.transaction_id, m.due_date, m.paid_date) == expected


def test_due_and_paid_dates_are_stored_and_an_unreadable_one_is_left_empty(tmp_path, db):
    path = write_csv(
        tmp_path,
        "Invoice Date,Client,Amount,Due Date,Paid Date\n"
        "01.03.2024,Acme,100,31.03.2024,05.04.2024\n"  # 5 days late
        "02.03.2024,Beta,50,soon,\n",  # an unreadable due date does not reject the payment
    )
    result = import_file(db, path)
    assert result.rejected == []
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT client, due_date, paid_date FROM income WHERE dataset_id = ? ORDER BY source_line",
            [result.dataset.id],
        ).fetchall()
    assert rows == [("Acme", date(2024, 3, 31), date(2024, 4, 5)), ("Beta", None, None)]
