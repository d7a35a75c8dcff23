"""analytics.fx_user_rates: the user's own exchange-rate table (CSV or store rows), validated.

Expected values are read off the literal input text next to each assertion.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb
import pytest

from analytics.fx import UserRate, build_rates_table, parse_user_rates


# -- parse_user_rates --------------------------------------------------------------------------------


def test_parse_user_rates_csv_with_header_comments_and_ranges():
    text = (
        "currency,rate,valid_from,valid_to\n"
        "# my bank's rates\n"
        "uah, 0.0245\n"
        "\n"
        "USD,4.0,2024-03-01,2024-03-31\n"
        "KZT,0.002,,2024-06-30\n"
        "UAH,0.0245\n"  # exact duplicate: dropped
    )
    assert parse_user_rates(text) == [
        UserRate("UAH", Decimal("0.0245")),
        UserRate("USD", Decimal("4.0"), date(2024, 3, 1), date(2024, 3, 31)),
        UserRate("KZT", Decimal("0.002"), None, date(2024, 6, 30)),
    ]


def test_parse_user_rates_header_in_other_order_semicolons_decimal_comma_and_bom():
    text = "\ufeffrate;currency\n0,0245;UAH\n"
    assert parse_user_rates(text.encode("utf-8")) == [UserRate("UAH", Decimal("0.0245"))]
    assert parse_user_rates("UAH;0,0245;2024-01-01;\n") == [UserRate("UAH", Decimal("0.0245"), date(2024, 1, 1))]


def test_parse_user_rates_from_store_rows_and_mappings():
    rows = [
        ("UAH", Decimal("0.02450000"), None, None),
        ("USD", Decimal("4.00000000"), date(2024, 3, 1), date(2024, 3, 31)),
        {"currency": "KZT", "rate": "0.002"},
    ]
    assert parse_user_rates(rows) == [
        UserRate("UAH", Decimal("0.0245")),
        UserRate("USD", Decimal(4), date(2024, 3, 1), date(2024, 3, 31)),
        UserRate("KZT", Decimal("0.002")),
    ]


def test_parse_user_rates_empty_text_is_no_rates():
    assert parse_user_rates("") == []
    assert parse_user_rates("currency,rate\n") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("US,1.1", "line 1: 'US' is not a three-letter currency code like USD"),
        ("US1,1.1", "line 1: 'US1' is not a three-letter currency code like USD"),
        (",1.1", "line 1: the currency is empty"),
        ("UAH,", "line 1: the rate is empty"),
        ("UAH,abc", "line 1: rate 'abc' is not a number"),
        ("UAH,nan", "line 1: rate 'nan' is not a number"),
        ("UAH,0", "line 1: rate must be greater than 0, got 0"),
        ("UAH,-0.5", "line 1: rate must be greater than 0, got -0.5"),
        ('UAH,"0,0245"', "line 1: rate '0,0245' is not a number"),  # comma CSV: use a dot
        ("UAH;1.234,5", "line 1: rate '1.234,5': write it without thousands separators"),
        ("UAH,1.5,05/03/2024", "line 1: valid_from '05/03/2024' is not a date like 2024-03-05"),
        ("UAH,1.5,,2024-02-30", "line 1: valid_to '2024-02-30' is not a real date"),
        ("UAH,1.5,2024-05-01,2024-04-01", "line 1: valid_from 2024-05-01 is after valid_to 2024-04-01"),
        ("UAH,1.5,2024-01-01,2024-12-31,x", "line 1: expected currency,rate[,valid_from,valid_to]"),
        ("UAH", "line 1: expected currency,rate[,valid_from,valid_to]"),
        ("currency,amount\nUAH,1", "line 1: the header must name the columns currency, rate"),
        (b"UAH,\xff1", "not UTF-8 text"),
    ],
)
def test_parse_user_rates_errors(text, message):
    with pytest.raises(ValueError) as err:
        parse_user_rates(text)
    assert message in str(err.value)


def test_parse_user_rates_reports_every_bad_line_with_its_number():
    text = "currency,rate\nUAH,0.025\nXX,1\n\nKZT,-1\n"
    with pytest.raises(ValueError) as err:
        parse_user_rates(text)
    assert str(err.value) == (
        "line 3: 'XX' is not a three-letter currency code like USD; line 5: rate must be greater than 0, got -1"
    )


def test_overlapping_user_rates_must_be_nested():
    with pytest.raises(ValueError) as err:
        parse_user_rates("UAH,0.025,2024-01-01,2024-06-30\nUAH,0.027,2024-03-01,2024-12-31\n")
    assert str(err.value) == (
        "line 1 and line 2: the ranges of UAH 0.025 (2024-01-01 to 2024-06-30) and "
        "UAH 0.027 (2024-03-01 to 2024-12-31) partly overlap; make one lie inside the other or split them"
    )
    with pytest.raises(ValueError, match="two different rates for the same dates"):
        parse_user_rates("UAH,0.025\nUAH,0.027\n")
    # nested, touching-free and other-currency ranges are fine
    assert len(parse_user_rates("UAH,0.025\nUAH,0.03,2024-03-01,2024-03-31\nUAH,0.02,2023-01-01,2023-01-31\nKZT,1\n")) == 4
    # build_rates_table checks too
    with pytest.raises(ValueError, match="partly overlap"):
        build_rates_table(
            duckdb.connect(),
            "t",
            "EUR",
            [],
            [UserRate("UAH", 1, None, date(2024, 6, 30)), UserRate("UAH", 2, date(2024, 1, 1), None)],
        )


def test_user_rate_validates_its_fields():
    assert UserRate(" usd ", 4).currency == "USD"
    assert UserRate("USD", 4.25).rate == Decimal("4.25")
    with pytest.raises(ValueError, match="not a number"):
        UserRate("USD", True)
    with pytest.raises(ValueError, match="is not a date"):
        UserRate("USD", 1, "2024-01-01")
