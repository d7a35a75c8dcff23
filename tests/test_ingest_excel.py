"""Excel workbooks: sheets, cell values, serial dates stored as numbers, damaged and protected files.

Workbooks are written from each test with openpyxl into ``tmp_path``. Serial numbers are worked out
from 45292 = 2024-01-01 (1899-12-30 + 45292 days); expected rows, lines (= sheet rows) and totals
are worked out by hand in the comment beside them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from analytics.ingest import ImportSettings, IngestError, import_file, inspect_file
from analytics.ingest.excel import cell_text, format_number, serial_to_date
from analytics.store import MEMORY, Store
from ingest_helpers import stored_rows, totals, write_bytes

D = Decimal


def write_xlsx(tmp_path: Path, sheets: dict[str, list[list]], name: str = "income.xlsx", number_formats=None) -> Path:
    """A workbook with one sheet per ``sheets`` item (rows from A1; None is an empty cell).
    ``number_formats`` maps (sheet, "A3") to a number format for that cell."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    for (title, cell), number_format in (number_formats or {}).items():
        workbook[title][cell].number_format = number_format
    path = tmp_path / name
    workbook.save(path)
    return path


def stored(store: Store, dataset_id: int) -> list[tuple]:
    """(source_line, date, client, amount) of every stored row, in file order."""
    return stored_rows(store, dataset_id, "source_line, date, client, amount")


def ingest_error(path: Path, settings: ImportSettings = ImportSettings()) -> str:
    """The message of the IngestError importing ``path`` raises; checks nothing was stored."""
    with Store(MEMORY) as s:
        with pytest.raises(IngestError) as info:
            import_file(s, path, settings)
        assert s.datasets() == []
    return info.value.message


INCOME = [
    ["Date", "Client", "Amount", "Description"],  # row 1
    [dt.date(2024, 1, 15), "Acme GmbH", 1500.00, "Invoice 1"],  # row 2: a date cell
    [45311, "Beta LLC", 320.75, "Invoice 2"],  # row 3: serial as a plain number: 45292 + 19 = 2024-01-20
    [dt.datetime(2024, 2, 3, 14, 30), "Acme GmbH", 899.99, "Invoice 3"],  # row 4: date and time
    [45337, "Gamma Ltd", 1200, "Invoice 4"],  # row 5: 45292 + 31 (Jan) + 14 = 45337 = 2024-02-15
    [dt.date(2024, 3, 1), "Beta LLC", -120.25, "Refund for invoice 2"],  # row 6: a refund
    [45358.5, "Acme GmbH", 0.1 + 0.2, "Invoice 5"],  # row 7: 45292 + 31 + 29 (Feb 2024) + 6 = 2024-03-07, noon
    [None, "Total", 3800.79, None],  # row 8: totals row, no date
]
# The serials are formatted as numbers ("0", "General"), as an export that lost the date format.
INCOME_FORMATS = {("Income", "A3"): "0", ("Income", "A5"): "General", ("Income", "A7"): "0.00"}


def test_workbook_with_dates_serials_refund_and_totals_row(tmp_path, db):
    path = write_xlsx(tmp_path, {"Income": INCOME}, number_formats=INCOME_FORMATS)
    plan = inspect_file(path)
    try:
        assert plan.source.converted and plan.source.path != str(path)
        assert plan.source.sheets == ("Income",) and plan.source.sheet == "Income"
        # the workbook's bytes plus the sheet: each sheet of a workbook is its own dataset
        assert plan.source.content_hash == hashlib.sha256(path.read_bytes()).hexdigest() + ":Income"
        assert plan.dialect.columns == ("Date", "Client", "Amount", "Description")
        assert plan.dialect.delimiter == "," and plan.dialect.skip == 0
        assert plan.decimal.value == "."
        assert [row["Date"] for row in plan.preview[:6]] == [
            "2024-01-15", "2024-01-20", "2024-02-03", "2024-02-15", "2024-03-01", "2024-03-07",
        ]
        assert [row["Amount"] for row in plan.preview[:6]] == ["1500", "320.75", "899.99", "1200", "-120.25", "0.3"]
    finally:
        plan.close()
    result = import_file(db, path)
    assert stored(db, result.dataset.id) == [
        (2, dt.date(2024, 1, 15), "Acme GmbH", D("1500.00")),
        (3, dt.date(2024, 1, 20), "Beta LLC", D("320.75")),
        (4, dt.date(2024, 2, 3), "Acme GmbH", D("899.99")),
        (5, dt.date(2024, 2, 15), "Gamma Ltd", D("1200.00")),
        (6, dt.date(2024, 3, 1), "Beta LLC", D("-120.25")),
        (7, dt.date(2024, 3, 7), "Acme GmbH", D("0.30")),
    ]
    # Acme: 1500.00 + 899.99 + 0.30 = 2400.29; Beta: 320.75 - 120.25 = 200.50; Gamma: 1200.00
    # (all three: 3800.79, the totals row, which is not income)
    assert totals(db, result.dataset.id) == {"Acme GmbH": D("2400.29"), "Beta LLC": D("200.50"), "Gamma Ltd": D("1200.00")}
    assert result.rows_imported == 6
    assert "Total" not in totals(db, result.dataset.id)
    assert 8 in [r.line for r in result.rejected]  # the totals row, listed by its sheet row (reason not checked)
    assert result.dataset.content_hash == hashlib.sha256(path.read_bytes()).hexdigest() + ":Income"


def test_converted_copy_of_a_workbook_is_deleted(tmp_path):
    plan = inspect_file(write_xlsx(tmp_path, {"Income": INCOME[:3]}, number_formats=INCOME_FORMATS))
    temp = Path(plan.source.path)
    assert temp.exists()
    plan.close()
    assert not temp.exists()


def test_workbook_saved_with_a_csv_name_is_read_as_a_workbook(tmp_path, db):
    path = write_xlsx(tmp_path, {"Income": INCOME[:3]}, name="income.csv", number_formats=INCOME_FORMATS)
    result = import_file(db, path)
    # rows 2 and 3 of INCOME
    assert stored(db, result.dataset.id) == [
        (2, dt.date(2024, 1, 15), "Acme GmbH", D("1500.00")),
        (3, dt.date(2024, 1, 20), "Beta LLC", D("320.75")),
    ]


# -- sheets -----------------------------------------------------------------------------------------

SHEETS = {
    "Notes": [],  # an empty first sheet
    "2024": [["Date", "Client", "Amount"], [dt.date(2024, 1, 5), "Acme", 100.5], [dt.date(2024, 1, 6), "Beta", 50]],
    "2023": [["Date", "Client", "Amount"], [dt.date(2023, 12, 5), "Gamma", 10.25], [dt.date(2023, 12, 6), "Gamma", 4.75]],
}


def test_default_sheet_is_the_first_with_data(tmp_path, db):
    path = write_xlsx(tmp_path, SHEETS)
    plan = inspect_file(path)
    try:
        assert plan.source.sheets == ("Notes", "2024", "2023") and plan.source.sheet == "2024"
    finally:
        plan.close()
    result = import_file(db, path)
    # sheet 2024: Acme 100.50, Beta 50.00
    assert totals(db, result.dataset.id) == {"Acme": D("100.50"), "Beta": D("50.00")}


def test_second_sheet_by_name(tmp_path, db):
    path = write_xlsx(tmp_path, SHEETS)
    first = import_file(db, path)  # sheet 2024
    result = import_file(db, path, ImportSettings(sheet="2023"))
    # another sheet of the same workbook is a new dataset, not a duplicate of the first
    assert not result.duplicate and result.dataset.id != first.dataset.id
    # sheet 2023: Gamma 10.25 + 4.75 = 15.00
    assert totals(db, result.dataset.id) == {"Gamma": D("15.00")}
    assert [r[0] for r in stored(db, result.dataset.id)] == [2, 3]
    assert import_file(db, path, ImportSettings(sheet="2023")).duplicate  # the same sheet again is


def test_unknown_sheet_lists_the_sheets(tmp_path):
    message = ingest_error(write_xlsx(tmp_path, SHEETS), ImportSettings(sheet="2025"))
    assert message == "The workbook has no sheet named '2025'. Its sheets: 'Notes', '2024', '2023'."


def test_chosen_empty_sheet(tmp_path):
    message = ingest_error(write_xlsx(tmp_path, SHEETS), ImportSettings(sheet="Notes"))
    assert message == "The sheet 'Notes' is empty. Choose another sheet: '2024', '2023'."


def test_workbook_without_data(tmp_path):
    assert ingest_error(write_xlsx(tmp_path, {"A": [], "B": []})) == "The workbook has no data: every sheet is empty."


def test_sheet_setting_is_ignored_for_a_csv(tmp_path, db):
    path = write_bytes(tmp_path, b"Date,Client,Amount\n2024-01-05,A,1\n")
    assert import_file(db, path, ImportSettings(sheet="2024")).rows_imported == 1


# -- layout: preamble rows, rows above the data, line breaks in cells ------------------------------


def test_preamble_rows_in_a_sheet_keep_sheet_row_numbers(tmp_path, db):
    rows = [
        ["Kontoauszug Q1 2024"],  # row 1: a title in A1 only
        ["Konto", "DE89 3704 0044 0532 0130 00"],  # row 2: two cells of four
        [],  # row 3: empty
        ["Datum", "Kunde", "Betrag", "Notiz"],  # row 4: the header
        [dt.date(2024, 1, 5), "Müller", 100.5, "Line one\nline two"],  # row 5: a line break in a cell
        [dt.date(2024, 1, 6), "Schmidt", "zwölf", None],  # row 6: rejected amount
        [dt.date(2024, 1, 7), "Müller", 9.5, None],  # row 7
    ]
    path = write_xlsx(tmp_path, {"Konto": rows})
    plan = inspect_file(path)
    try:
        assert plan.dialect.skip == 3 and plan.dialect.columns == ("Datum", "Kunde", "Betrag", "Notiz")
    finally:
        plan.close()
    result = import_file(db, path)
    # Müller: 100.50 + 9.50 = 110.00
    assert totals(db, result.dataset.id) == {"Müller": D("110.00")}
    assert [r[0] for r in stored(db, result.dataset.id)] == [5, 7]
    assert [r.line for r in result.rejected] == [6]
    notes = stored_rows(db, result.dataset.id, "description")
    assert notes == [("Line one line two",), (None,)]  # the line break became a space


def test_data_starting_below_and_right_of_a1(tmp_path, db):
    workbook = Workbook()
    sheet = workbook.active
    sheet["C3"], sheet["D3"], sheet["E3"] = "Date", "Client", "Amount"  # header on row 3, from column C
    sheet["C4"], sheet["D4"], sheet["E4"] = dt.date(2024, 1, 5), "Acme", 10
    sheet["C5"], sheet["D5"], sheet["E5"] = dt.date(2024, 1, 6), "Acme", "bad"
    path = tmp_path / "offset.xlsx"
    workbook.save(path)
    result = import_file(db, path)
    assert stored(db, result.dataset.id) == [(4, dt.date(2024, 1, 5), "Acme", D("10.00"))]  # sheet row 4
    assert [r.line for r in result.rejected] == [5]


# -- serial numbers ---------------------------------------------------------------------------------


def test_numbers_outside_the_serial_range_are_not_dates(tmp_path, db):
    # 20240105 is beyond 80,000: the column is not a serial-date column, the numbers stay numbers
    # (and the importer reads them as compact YYYYMMDD dates).
    rows = [["Date", "Client", "Amount"], [20240105, "Acme", 10], [20240106, "Acme", 5]]
    result = import_file(db, write_xlsx(tmp_path, {"S": rows}))
    assert [r[1] for r in stored(db, result.dataset.id)] == [dt.date(2024, 1, 5), dt.date(2024, 1, 6)]


def test_serial_range_check_is_per_column(tmp_path):
    # One number out of range (12) keeps the whole column as numbers: 45300 stays "45300".
    rows = [["Date", "Client", "Amount"], [45300, "A", 1], [12, "B", 2]]
    plan = inspect_file(write_xlsx(tmp_path, {"S": rows}))
    try:
        assert [row["Date"] for row in plan.preview] == ["45300", "12"]
    finally:
        plan.close()


def test_numbers_in_a_column_not_named_like_a_date_stay_numbers(tmp_path):
    rows = [["Date", "Client", "Invoice", "Amount"], [dt.date(2024, 1, 5), "A", 45300, 1]]
    plan = inspect_file(write_xlsx(tmp_path, {"S": rows}))
    try:
        assert plan.preview[0]["Invoice"] == "45300" and plan.preview[0]["Date"] == "2024-01-05"
    finally:
        plan.close()


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, dt.date(1900, 1, 1)),
        (59, dt.date(1900, 2, 28)),
        (60, None),  # Excel's 1900-02-29, a day that never was
        (61, dt.date(1900, 3, 1)),
        # 45292 - 20000 = 25292 days before 2024-01-01: 1955→2024 is 69 years with 17 leap days
        # (1956…2020) = 25202 days, and 1954-10-03 → 1955-01-01 is 29 + 30 + 31 = 90 days
        (20_000, dt.date(1954, 10, 3)),
        (45_292, dt.date(2024, 1, 1)),
        (45_292.999, dt.date(2024, 1, 1)),  # the time of day is dropped
        # 2024→2119 is 95 years with 23 leap days (2024…2116 but not 2100) = 34698 days, so
        # 2119-01-01 is 45292 + 34698 = 79990 and 80000 is ten days later
        (80_000, dt.date(2119, 1, 11)),
        (0, None),
    ],
)
def test_serial_to_date(serial, expected):
    assert serial_to_date(serial) == expected


# -- cell values ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234.5, "1234.5"),
        (1200.0, "1200"),
        (1200, "1200"),
        (0.1 + 0.2, "0.3"),  # 0.30000000000000004 rounded to 15 significant digits
        (1e-7, "0.0000001"),  # no exponent
        (1.5e-11, "0"),  # more than 10 decimals: rounded to 10
        (12345678901234567.0, "12345678901234600"),  # 15 significant digits, as Excel keeps them
        (-0.0, "0"),
        (-120.25, "-120.25"),
        (True, "TRUE"),
        (False, "FALSE"),
        ("", ""),
        (None, ""),
        (dt.date(2024, 3, 5), "2024-03-05"),
        (dt.datetime(2024, 3, 5, 23, 59), "2024-03-05"),
        (dt.time(10, 30), "10:30:00"),
        ("two\r\nlines", "two lines"),
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


def test_format_number_is_plain_decimal():
    assert format_number(1e20) == "100000000000000000000"
    assert format_number(-1234567.891) == "-1234567.891"


# -- files that cannot be read ----------------------------------------------------------------------

UNREADABLE = "The file could not be opened as an Excel workbook: it is damaged or incomplete."
PROTECTED = "The file could not be opened as an Excel workbook: it is password-protected."


def test_corrupt_xlsx(tmp_path):
    path = write_bytes(tmp_path, b"PK\x03\x04" + b"\x8f garbage \x00" * 100, name="income.xlsx")
    assert ingest_error(path).startswith(UNREADABLE)


def test_truncated_xlsx_with_a_csv_name(tmp_path):
    # The first half of a real workbook: not a valid zip, but its first bytes name xl/ parts.
    data = write_xlsx(tmp_path, {"Income": INCOME}).read_bytes()
    assert b"xl/" in data[: len(data) // 2]
    assert ingest_error(write_bytes(tmp_path, data[: len(data) // 2], name="upload.csv")).startswith(UNREADABLE)


def test_zip_that_is_not_a_workbook_is_not_a_csv(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")  # a Word document's part
    message = ingest_error(write_bytes(tmp_path, buffer.getvalue(), name="report.docx"))
    assert message.startswith("This is an Excel workbook (or another zipped/binary document), not a CSV file.")


def test_password_protected_xlsx(tmp_path):
    # An encrypted .xlsx is an OLE2 file with an EncryptedPackage stream; a stand-in with that
    # stream name (openpyxl cannot encrypt) is enough for the rule.
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le") + bytes(60)
    assert ingest_error(write_bytes(tmp_path, data, name="upload.bin")).startswith(PROTECTED)


def test_corrupt_xls(tmp_path):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)
    assert ingest_error(write_bytes(tmp_path, data, name="income.xls")).startswith(UNREADABLE)
