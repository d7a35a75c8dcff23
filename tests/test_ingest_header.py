"""Lines above the real header (titles, account numbers, periods, blank lines) and how they are skipped.

Files are written from each test with ``tmp_path``; expected rows, lines and totals are worked out by
hand from the literal file text in each test (line numbers are the file's physical lines, 1-based).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from analytics.ingest import import_file, inspect_file
from analytics.ingest.header import find_header, find_header_row, header_matches
from analytics.store import Store
from ingest_helpers import stored_rows, totals, write_bytes, write_csv

D = Decimal


def stored(store: Store, dataset_id: int) -> list[tuple]:
    """(source_line, date, client, amount) of every stored row, in file order."""
    return stored_rows(store, dataset_id, "source_line, date, client, amount")


# -- end to end -------------------------------------------------------------------------------------

RUSSIAN_STATEMENT = (
    "Выписка по счёту № 40702810500000012345\n"  # 1: title
    "ООО «Вектор», ИНН 7701234567\n"  # 2: account holder (a comma, no semicolon)
    "Период: 01.01.2024 - 31.03.2024\n"  # 3: period
    "Дата;Контрагент;Сумма;Назначение платежа\n"  # 4: the header
    "15.01.2024;ООО «Ромашка»;1 500,50;Оплата по счёту 1\n"  # 5
    "20.01.2024;ИП Иванов И.И.;12 000,00;Оплата по договору\n"  # 6
    "05.02.2024;ООО «Ромашка»;200,25;Оплата по счёту 4\n"  # 7
    "12.02.2024;АО «Берёза»;3 250,00;Аванс\n"  # 8
    "01.03.2024;ИП Иванов И.И.;сто;Ошибка\n"  # 9: rejected, the amount is a word
    "15.03.2024;ООО «Ромашка»;799,75;Оплата по счёту 7\n"  # 10
)


def test_windows_1251_statement_with_a_three_line_preamble(tmp_path, db):
    path = write_bytes(tmp_path, RUSSIAN_STATEMENT.encode("cp1251"))
    plan = inspect_file(path)
    try:
        assert plan.source.encoding == "cp1251"
        assert plan.dialect.skip == 3  # lines 1-3 are above the header on line 4
        assert plan.dialect.delimiter == ";" and plan.dialect.has_header
        assert plan.dialect.columns == ("Дата", "Контрагент", "Сумма", "Назначение платежа")
        assert (plan.mapping.date, plan.mapping.client, plan.mapping.amount) == ("Дата", "Контрагент", "Сумма")
        assert plan.mapping.description == "Назначение платежа"
        assert plan.decimal.value == ","
        assert plan.preview[0]["Контрагент"] == "ООО «Ромашка»"  # the first data row, line 5
    finally:
        plan.close()
    result = import_file(db, path)
    # Ромашка: 1500.50 + 200.25 + 799.75 = 2500.50; Иванов: 12000.00 (line 9 rejected); Берёза: 3250.00
    assert totals(db, result.dataset.id) == {
        "ООО «Ромашка»": D("2500.50"),
        "ИП Иванов И.И.": D("12000.00"),
        "АО «Берёза»": D("3250.00"),
    }
    assert [r[0] for r in stored(db, result.dataset.id)] == [5, 6, 7, 8, 10]  # physical lines
    assert [(r.line, r.raw) for r in result.rejected] == [(9, "01.03.2024;ИП Иванов И.И.;сто;Ошибка")]
    assert result.rejected[0].reason.startswith("unreadable amount 'сто'")
    assert result.rows_read == 6 and result.rows_imported == 5  # lines 5-10


def test_german_export_with_a_preamble_and_a_blank_line(tmp_path, db):
    text = (
        "Umsatzanzeige;Girokonto\n"  # 1
        "Kontonummer:;DE89 3704 0044 0532 0130 00\n"  # 2
        "Zeitraum:;01.01.2024 - 31.03.2024\n"  # 3
        "\n"  # 4: blank
        "Buchungsdatum;Auftraggeber/Empfänger;Verwendungszweck;Betrag;Währung\n"  # 5: the header
        "02.01.2024;Müller & Söhne GmbH;Rechnung 2024-001;1.250,00;EUR\n"  # 6
        "15.01.2024;Schmidt IT-Beratung;Rechnung 2024-002;3.400,50;EUR\n"  # 7
        "01.02.2024;Müller & Söhne GmbH;Rechnung 2024-003;980,00;EUR\n"  # 8
        "12.02.2024;Schmidt IT-Beratung;Rechnung 2024-004;400,50;EUR\n"  # 9
        "29.02.2024;Weiß Design;Rechnung 2024-005;2.000,00;EUR\n"  # 10
        "01.03.2024;Weiß Design;Rechnung 2024-006;abc;EUR\n"  # 11: rejected
    )
    path = write_bytes(tmp_path, text.encode("cp1252"))
    plan = inspect_file(path)
    try:
        assert plan.dialect.skip == 4  # lines 1-4, the blank one included
        assert plan.dialect.columns[:2] == ("Buchungsdatum", "Auftraggeber/Empfänger")
        assert plan.mapping.client == "Auftraggeber/Empfänger" and plan.mapping.amount == "Betrag"
        assert plan.mapping.currency == "Währung"
    finally:
        plan.close()
    result = import_file(db, path)
    # Müller: 1250.00 + 980.00 = 2230.00; Schmidt: 3400.50 + 400.50 = 3801.00; Weiß: 2000.00 (line 11 rejected)
    assert totals(db, result.dataset.id) == {
        "Müller & Söhne GmbH": D("2230.00"),
        "Schmidt IT-Beratung": D("3801.00"),
        "Weiß Design": D("2000.00"),
    }
    assert stored(db, result.dataset.id)[0] == (6, date(2024, 1, 2), "Müller & Söhne GmbH", D("1250.00"))
    assert [r[0] for r in stored(db, result.dataset.id)] == [6, 7, 8, 9, 10]
    assert [r.line for r in result.rejected] == [11]
    assert result.dataset.base_currency == "EUR"


def test_title_line_without_delimiters_and_no_blank_line(tmp_path, db):
    text = (
        "Income report 2024 (all clients)\n"  # 1: no comma at all
        "Date,Client,Amount\n"  # 2: the header
        "2024-01-05,Acme,100.50\n"  # 3
        "2024-01-06,Beta,oops\n"  # 4: rejected
        "2024-01-07,Acme,19.50\n"  # 5
        "2024-01-08,Beta,80.00\n"  # 6
    )
    path = write_csv(tmp_path, text)
    plan = inspect_file(path)
    try:
        assert plan.dialect.skip == 1 and plan.dialect.columns == ("Date", "Client", "Amount")
    finally:
        plan.close()
    result = import_file(db, path)
    # Acme: 100.50 + 19.50 = 120.00; Beta: 80.00 (line 4 rejected)
    assert totals(db, result.dataset.id) == {"Acme": D("120.00"), "Beta": D("80.00")}
    assert [r[0] for r in stored(db, result.dataset.id)] == [3, 5, 6]
    assert [r.line for r in result.rejected] == [4]


def test_title_with_fewer_delimiters_than_the_data(tmp_path, db):
    # The title has one comma (two fields); the table has four.
    text = (
        "Acme Consulting, invoices paid\n"  # 1
        "Paid on,Customer,Invoice,Total\n"  # 2: the header
        "2024-02-01,Nord AG,INV-1,1000\n"  # 3
        "2024-02-02,Süd AG,INV-2,250.25\n"  # 4
        "2024-02-03,Nord AG,INV-3,-100\n"  # 5: a refund
    )
    result = import_file(db, write_csv(tmp_path, text))
    # Nord: 1000.00 - 100.00 = 900.00; Süd: 250.25
    assert totals(db, result.dataset.id) == {"Nord AG": D("900.00"), "Süd AG": D("250.25")}
    assert [r[0] for r in stored(db, result.dataset.id)] == [3, 4, 5]


def test_leading_blank_lines_are_skipped_and_lines_stay_physical(tmp_path, db):
    # Regression: without ``skip`` DuckDB's reader took the header on line 3 for a data row.
    text = "\n\nDate,Client,Amount\n2024-01-05,A,1\n2024-01-06,B,x\n2024-01-07,C,3\n"
    path = write_csv(tmp_path, text)
    plan = inspect_file(path)
    try:
        assert plan.dialect.skip == 2 and plan.dialect.columns == ("Date", "Client", "Amount")
    finally:
        plan.close()
    result = import_file(db, path)
    assert [(r[0], r[2]) for r in stored(db, result.dataset.id)] == [(4, "A"), (6, "C")]
    assert [r.line for r in result.rejected] == [5]


def test_crlf_preamble(tmp_path, db):
    text = "Report\r\nPeriod: Q1 2024\r\nDate;Client;Amount\r\n05.01.2024;A;1,00\r\n06.01.2024;B;x\r\n"
    result = import_file(db, write_csv(tmp_path, text))
    assert [(r[0], r[2]) for r in stored(db, result.dataset.id)] == [(4, "A")]
    assert [r.line for r in result.rejected] == [5]


def test_file_without_preamble_is_read_as_before(tmp_path):
    path = write_csv(tmp_path, "Date,Client,Amount\n2024-01-05,Acme,1\n2024-01-06,Beta,2\n")
    plan = inspect_file(path)
    try:
        assert plan.dialect.skip == 0 and plan.dialect.columns == ("Date", "Client", "Amount")
    finally:
        plan.close()


# -- the rules, directly ----------------------------------------------------------------------------


def test_header_on_the_first_line_means_no_skip(tmp_path):
    path = write_csv(tmp_path, "Date;Client;Amount\n05.01.2024;A;1,00\n06.01.2024;B;2,00\n")
    found = find_header(str(path))
    assert (found.skip, found.delimiter, found.width, found.roles) == (0, ";", 3, 3)


def test_file_without_a_header_has_none(tmp_path):
    path = write_csv(tmp_path, "2024-03-05,Acme,100.50\n2024-03-06,Beta,200.00\n2024-03-07,Gamma,300.00\n")
    assert find_header(str(path)) is None


def test_padded_preamble_rows_as_a_workbook_writes_them():
    # Every row has four cells (a workbook's rows are padded to one width): the preamble rows have
    # one or two names, the header four, the data rows four.
    rows = [
        ["Kontoauszug", "", "", ""],  # 0: one name
        ["Konto", "DE12 3456", "", ""],  # 1: two names, fewer than 3/4 of the data's four
        ["", "", "", ""],  # 2: blank
        ["Datum", "Kunde", "Betrag", "Notiz"],  # 3: the header
        ["05.01.2024", "A", "1,00", "x"],
        ["06.01.2024", "B", "2,00", ""],
        ["07.01.2024", "C", "3,00", "y"],
    ]
    found = find_header_row(rows)
    assert (found.index, found.width, found.roles) == (3, 4, 4)  # Datum, Kunde, Betrag, Notiz


def test_a_header_that_names_roles_wins_over_an_earlier_row_of_names():
    rows = [
        ["Firma", "Acme GmbH", "Konto", "Haupt"],  # 0: four names, but only one role (Firma)
        ["Datum", "Kunde", "Betrag", "Notiz"],  # 1: four roles
        ["05.01.2024", "A", "1,00", "x"],
        ["06.01.2024", "B", "2,00", "y"],
    ]
    assert find_header_row(rows).index == 1


def test_data_rows_above_a_row_of_names_mean_no_header():
    # A file without a header whose third row happens to have no number or date: not a header.
    rows = [
        ["2024-01-05", "Acme", "100"],
        ["2024-01-06", "Beta", "200"],
        ["n/a", "Gamma", "unknown"],
        ["2024-01-07", "Delta", "5"],
    ]
    assert find_header_row(rows) is None


def test_header_needs_data_below_it():
    assert find_header_row([["Date", "Client", "Amount"]]) is None
    assert find_header_row([["Date", "Client", "Amount"], ["a", "b", "c"]]) is None  # no number or date


@pytest.mark.parametrize(
    ("cells", "is_header"),
    [
        (["Date", "Client", "Amount"], True),
        (["Date", "Client", "2024"], False),  # a year is a number
        (["Date", "Client", "$1,200.00"], False),
        (["Date", "Client", "(120,00) zł"], False),
        (["05.03.2024", "Client", "Amount"], False),
        (["Date", "", ""], False),  # one name only
    ],
)
def test_what_looks_like_a_header(cells, is_header):
    rows = [["Title"], cells, ["2024-01-05", "A", "1"], ["2024-01-06", "B", "2"]]
    found = find_header_row(rows)
    assert (found is not None and found.index == 1) is is_header


def test_delimiter_with_the_header_that_names_roles_wins(tmp_path):
    # Split by ',' the title has 2 fields and each data row 2 ("…;1 500" and "50"), but no header.
    text = "Kontoauszug, Konto 1234\nDatum;Kunde;Betrag\n05.01.2024;A;1 500,50\n06.01.2024;B;2,00\n"
    found = find_header(str(write_csv(tmp_path, text)))
    assert (found.skip, found.delimiter) == (1, ";")


def test_forced_delimiter_is_the_only_one_tried(tmp_path):
    path = write_csv(tmp_path, "Report\nDate,Client,Amount\n2024-01-05,A,1\n2024-01-06,B,2\n")
    assert find_header(str(path), ";") is None
    assert find_header(str(path), ",").skip == 1


@pytest.mark.parametrize(
    ("name", "matches"),
    [
        ("Date", True),
        ("Payment Date (UTC)", True),  # contains "payment date" as whole words
        ("Дата операции", True),
        ("Buchungsdatum", True),
        ("Data", True),  # Polish, as the whole name
        ("Customer data", False),  # "data" inside a longer name says nothing
        ("Update", False),
        ("Amount", False),
    ],
)
def test_header_matches_date(name, matches):
    assert header_matches(name, "date") is matches
