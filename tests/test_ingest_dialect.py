"""How the file is split into records and fields: delimiters, quoting, multi-line fields, line numbers.

Expected rows and totals are worked out by hand from the literal file text in each test.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from analytics.ingest import ImportSettings, IngestError, import_file, inspect_file
from analytics.store import Store
from ingest_helpers import stored_rows, totals, write_csv

D = Decimal


def stored(store: Store, dataset_id: int) -> list[tuple]:
    """(source_line, date, client, amount, description) of every stored row, in file order."""
    return stored_rows(store, dataset_id, "source_line, date, client, amount, description")


@pytest.mark.parametrize(
    ("delimiter", "label"), [(",", "comma"), (";", "semicolon"), ("\t", "tab"), ("|", "pipe")]
)
def test_delimiters(tmp_path, db, delimiter, label):
    lines = [
        ["Date", "Client", "Amount"],
        ["2024-01-05", "Acme", "100.50"],
        ["2024-01-06", "Beta", "200"],
        ["2024-01-07", "Acme", "19.50"],
    ]
    path = write_csv(tmp_path, "".join(delimiter.join(cells) + "\n" for cells in lines))
    plan = inspect_file(path)
    try:
        assert plan.dialect.delimiter == delimiter and plan.dialect.delimiter_label == label
        assert plan.dialect.has_header and plan.dialect.columns == ("Date", "Client", "Amount")
    finally:
        plan.close()
    result = import_file(db, path)
    # Acme: 100.50 + 19.50 = 120.00; Beta: 200.00
    assert totals(db, result.dataset.id) == {"Acme": D("120.00"), "Beta": D("200.00")}


def test_other_delimiters_inside_values_do_not_split(tmp_path, db):
    # tab-separated, commas inside names and amounts
    path = write_csv(tmp_path, "Date\tClient\tAmount\n2024-01-05\tAcme, Inc.\t1,100.50\n2024-01-06\tBeta, LLC\t2,200.00\n")
    result = import_file(db, path)
    assert totals(db, result.dataset.id) == {"Acme, Inc.": D("1100.50"), "Beta, LLC": D("2200.00")}


def test_quoted_fields_with_embedded_delimiters_and_doubled_quotes(tmp_path, db):
    path = write_csv(
        tmp_path,
        "Date;Client;Amount;Description\n"
        '05.03.2024;"Acme; Inc.";100,00;"said ""hello"""\n'
        '06.03.2024;"Beta ""B"" GmbH";"1.000,50";plain\n'
        '07.03.2024;"Acme; Inc.";-0,50;""\n',
    )
    result = import_file(db, path)
    assert result.rejected == []
    assert stored(db, result.dataset.id) == [
        (2, date(2024, 3, 5), "Acme; Inc.", D("100.00"), 'said "hello"'),
        (3, date(2024, 3, 6), 'Beta "B" GmbH', D("1000.50"), "plain"),
        (4, date(2024, 3, 7), "Acme; Inc.", D("-0.50"), None),
    ]


def test_embedded_newlines_keep_later_line_numbers_exact(tmp_path, db):
    text = (
        "Date,Client,Amount,Description\n"  # line 1
        '2024-01-05,Acme,100.00,"first line\n'  # line 2 (record spans lines 2-4)
        "second line\n"  # line 3
        'third line"\n'  # line 4
        "2024-01-06,Beta,50.00,plain\n"  # line 5
        "2024-01-07,Beta,oops,bad amount\n"  # line 6: rejected
        '2024-01-08,"Gamma\n'  # line 7 (record spans lines 7-8)
        'Corp",7.00,x\n'  # line 8
        "2024-01-09,Delta,1.00,x,extra\n"  # line 9: too many fields
        "2024-01-10,Delta,2.00,x\n"  # line 10
    )
    result = import_file(db, write_csv(tmp_path, text))
    assert [(r[0], r[2], r[3]) for r in stored(db, result.dataset.id)] == [
        (2, "Acme", D("100.00")),
        (5, "Beta", D("50.00")),
        (7, "Gamma Corp", D("7.00")),  # the line break inside the name collapses to one space
        (10, "Delta", D("2.00")),
    ]
    assert stored(db, result.dataset.id)[0][4] == "first line\nsecond line\nthird line"
    assert [r.line for r in result.rejected] == [6, 9]
    assert result.rows_read == 6 and result.rows_imported == 4


def test_crlf_file_with_embedded_newline(tmp_path, db):
    text = (
        "Date,Client,Amount,Note\r\n"
        '2024-01-05,Acme,100.00,"a\r\nb"\r\n'  # lines 2-3
        "2024-01-06,Beta,1,x,extra\r\n"  # line 4: too many fields
        "2024-01-07,Gamma,bad,x\r\n"  # line 5: bad amount
        "2024-01-08,Gamma,3,x\r\n"  # line 6
    )
    result = import_file(db, write_csv(tmp_path, text))
    assert [(r[0], r[2]) for r in stored(db, result.dataset.id)] == [(2, "Acme"), (6, "Gamma")]
    assert [(r.line, r.raw) for r in result.rejected] == [
        (4, "2024-01-06,Beta,1,x,extra"),  # raw text without the line break DuckDB reports before it
        (5, "2024-01-07,Gamma,bad,x"),
    ]


def test_blank_lines_keep_line_numbers_exact(tmp_path, db):
    text = (
        "Date,Client,Amount\n"  # 1
        "2024-01-05,Acme,100.00\n"  # 2
        "\n"  # 3
        "2024-01-06,Beta,1,extra\n"  # 4: too many fields
        "\n"  # 5
        "\n"  # 6
        "2024-01-07,Gamma,bad\n"  # 7: bad amount
        "2024-01-08,Delta\n"  # 8: too few fields
        "2024-01-09,Eps,3\n"  # 9
    )
    result = import_file(db, write_csv(tmp_path, text))
    assert [(r[0], r[2]) for r in stored(db, result.dataset.id)] == [(2, "Acme"), (9, "Eps")]
    assert [r.line for r in result.rejected] == [4, 7, 8]


def test_old_mac_line_endings(tmp_path, db):
    result = import_file(db, write_csv(tmp_path, "Date,Client,Amount\r2024-01-05,A,1\r2024-01-06,B,x\r2024-01-07,C,3\r"))
    assert [(r[0], r[2]) for r in stored(db, result.dataset.id)] == [(2, "A"), (4, "C")]
    assert [r.line for r in result.rejected] == [3]


def test_no_trailing_newline(tmp_path, db):
    result = import_file(db, write_csv(tmp_path, "Date,Client,Amount\n2024-01-05,A,1\n2024-01-06,B,x"))
    assert [r.line for r in result.rejected] == [3]


def test_file_without_header_row(tmp_path, db):
    path = write_csv(tmp_path, "2024-03-05,Acme,100.50\n2024-03-06,Beta,200.00\n2024-03-07,Gamma,300.00\n")
    plan = inspect_file(path)
    try:
        assert not plan.dialect.has_header
        assert plan.dialect.columns == ("column0", "column1", "column2")
    finally:
        plan.close()
    result = import_file(db, path)
    # no header: the first record is line 1
    assert [(r[0], r[2], r[3]) for r in stored(db, result.dataset.id)] == [
        (1, "Acme", D("100.50")),
        (2, "Beta", D("200.00")),
        (3, "Gamma", D("300.00")),
    ]


def test_single_record_files(tmp_path, db):
    # The sniffer sees one column in tiny files; the delimiter is then taken from the first line.
    result = import_file(db, write_csv(tmp_path, "Date;Client;Amount\n05.03.2024;A;100,50\n"))
    assert stored(db, result.dataset.id) == [(2, date(2024, 3, 5), "A", D("100.50"), None)]


def test_user_chosen_delimiter(tmp_path, db):
    # With ';' forced on a comma file everything is one column: the plan says so instead of guessing.
    path = write_csv(tmp_path, "Date,Client,Amount\n2024-01-05,A,1\n")
    with pytest.raises(IngestError) as info:
        import_file(db, path, ImportSettings(delimiter=";"))
    assert info.value.message.startswith("Could not split this file into columns (it reads as one column:")
    # and the right delimiter forced explicitly works
    assert import_file(db, path, ImportSettings(delimiter=",")).rows_imported == 1
