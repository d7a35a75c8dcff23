"""Tests for analytics/export.py: spreadsheet-safe CSV downloads.

Expected outputs are written out by hand; the CSV is read back with the standard library's ``csv``
module, an independent reader.
"""

from __future__ import annotations

import codecs
import csv
import io
from decimal import Decimal

import pytest

from analytics.export import neutralise_cell, rejected_rows_csv, to_csv_bytes


def read_back(data: bytes) -> list[list[str]]:
    assert data.startswith(codecs.BOM_UTF8)
    text = data[len(codecs.BOM_UTF8):].decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


# -- neutralise_cell -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+41 79 000 00 00", "'+41 79 000 00 00"),
        ("-500.00", "'-500.00"),  # text, even though it looks like a number
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ('=HYPERLINK("http://x")', "'=HYPERLINK(\"http://x\")"),
        ("=", "'="),
    ],
)
def test_formula_starts_are_prefixed(cell, expected):
    assert neutralise_cell(cell) == expected


@pytest.mark.parametrize(
    "cell",
    ["Acme Ltd", "", "a=b", "2024-01-01", "1+1", "x@example.com", " =not at start", "'already quoted", "Müller & Söhne"],
)
def test_ordinary_text_untouched(cell):
    assert neutralise_cell(cell) == cell


@pytest.mark.parametrize("value", [0, 42, -5, -3.25, 1.5, Decimal("-12.50"), None, True])
def test_non_text_untouched(value):
    result = neutralise_cell(value)
    assert result is value  # the very same object: a negative number stays a number


# -- to_csv_bytes ---------------------------------------------------------------------------------------


def test_starts_with_utf8_bom_and_uses_crlf():
    data = to_csv_bytes(["a", "b"], [["1", "2"]])
    assert data[:3] == b"\xef\xbb\xbf"
    assert data == b"\xef\xbb\xbfa,b\r\n1,2\r\n"  # written out by hand


def test_header_only():
    assert to_csv_bytes(["line", "reason"], []) == b"\xef\xbb\xbfline,reason\r\n"


def test_round_trip_quotes_commas_newlines():
    rows = [
        ["plain", 'say "hi"', "a,b,c"],
        ["multi\nline", "crlf\r\ninside", "Müller & Söhne — €5"],
        ["", "  spaces  ", ";semi;"],
    ]
    assert read_back(to_csv_bytes(["x", "y", "z"], rows)) == [["x", "y", "z"], *rows]


def test_formulas_neutralised_in_output():
    rows = [['=HYPERLINK("http://x")', "+1", "-2", "@a", "ok"]]
    back = read_back(to_csv_bytes(["a", "b", "c", "d", "e"], rows))
    assert back[1] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@a", "ok"]


def test_numbers_and_none_in_output():
    back = read_back(to_csv_bytes(["n", "f", "neg", "none"], [[7, 2.5, -3, None]]))
    # numbers are written as numbers (no quote prefix), None as an empty cell
    assert back[1] == ["7", "2.5", "-3", ""]


def test_header_is_written_as_given():
    back = read_back(to_csv_bytes(["line", "reason, with comma"], []))
    assert back == [["line", "reason, with comma"]]


def test_accepts_any_iterable_of_rows():
    back = read_back(to_csv_bytes(["a"], (("r" + str(i),) for i in range(3))))
    assert back == [["a"], ["r0"], ["r1"], ["r2"]]


# -- rejected_rows_csv ----------------------------------------------------------------------------------


def test_rejected_rows_csv():
    rows = [
        (3, "unreadable amount 'abc' (decimal mark '.')", "2024-01-01,Acme,abc"),
        (7, "missing client", "=cmd|' /C calc'!A0,,5"),
        (12, "more fields than the 3 columns of the header", None),
    ]
    back = read_back(rejected_rows_csv(rows))
    assert back == [
        ["line", "reason", "original record"],
        ["3", "unreadable amount 'abc' (decimal mark '.')", "2024-01-01,Acme,abc"],
        ["7", "missing client", "'=cmd|' /C calc'!A0,,5"],
        ["12", "more fields than the 3 columns of the header", ""],
    ]


def test_rejected_rows_csv_empty():
    assert read_back(rejected_rows_csv([])) == [["line", "reason", "original record"]]
