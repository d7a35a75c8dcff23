"""Every formatted number checked against a hand-written expectation."""

from decimal import Decimal

import pytest

from analytics.formatting import (
    MINUS,
    currency_symbol,
    money,
    money_short,
    months,
    number,
    percent,
)

NAN = float("nan")
INF = float("inf")


def test_minus_is_the_real_minus_sign():
    assert MINUS == "\u2212"


@pytest.mark.parametrize(
    ("currency", "expected"),
    [
        ("USD", "$1,234.56"),
        ("EUR", "€1,234.56"),
        ("GBP", "£1,234.56"),
        ("PLN", "1,234.56 zł"),
        ("RUB", "1,234.56 ₽"),
        ("ZAR", "R1,234.56"),
        ("CHF", "CHF 1,234.56"),
        ("XYZ", "1,234.56 XYZ"),
        (None, "1,234.56"),
        ("", "1,234.56"),
        ("XXX", "1,234.56"),
    ],
)
def test_money_places_each_currency_conventionally(currency, expected):
    assert money(1234.56, currency) == expected


def test_money_codes_are_case_and_space_insensitive():
    assert money(1234.56, " eur ") == "€1,234.56"
    assert money(1, "xxx") == "1.00"


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (-350, "EUR", "\u2212€350.00"),
        (-350, "PLN", "\u2212350.00 zł"),
        (-350, "CHF", "\u2212CHF 350.00"),
        (-350, "XYZ", "\u2212350.00 XYZ"),
        (-1234567.891, None, "\u22121,234,567.89"),
    ],
)
def test_money_negatives_put_the_minus_sign_first(amount, currency, expected):
    assert money(amount, currency) == expected
    assert "-" not in money(amount, currency)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0.005, "€0.01"),  # half up, not banker's (which gives 0.00)
        (0.015, "€0.02"),
        (0.025, "€0.03"),  # banker's would give 0.02
        (1.005, "€1.01"),  # the float 1.005 is 1.00499999…; rounded as written
        (2.675, "€2.68"),  # round(2.675, 2) == 2.67
        (0.004, "€0.00"),
        (-0.005, "\u2212€0.01"),  # half away from zero
        (-0.004, "€0.00"),  # rounds to zero: never "−€0.00"
        (-0.0, "€0.00"),
        (999.995, "€1,000.00"),
        (Decimal("12.345"), "€12.35"),
        (7, "€7.00"),
    ],
)
def test_money_rounds_half_away_from_zero(amount, expected):
    assert money(amount, "EUR") == expected


def test_money_of_huge_and_missing_values():
    assert money(1e21, "USD") == "$1,000,000,000,000,000,000,000.00"
    assert money(NAN, "EUR") == "—"
    assert money(INF, "EUR") == "—"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "€0"),
        (0.4, "€0"),
        (950, "€950"),
        (999, "€999"),
        (999.4, "€999"),
        (999.5, "€1.0k"),  # rounds to 1,000, so it is shown in thousands
        (1000, "€1.0k"),
        (12_345, "€12.3k"),
        (12_350, "€12.4k"),
        (999_949, "€999.9k"),
        (999_950, "€1.0M"),
        (1_234_567, "€1.2M"),
        (999_950_000, "€1.0B"),
        (4_000_000_000, "€4.0B"),
        (1_500_000_000_000, "€1,500.0B"),
        (-12_345, "\u2212€12.3k"),
        (-0.4, "€0"),
    ],
)
def test_money_short_boundaries(amount, expected):
    assert money_short(amount, "EUR") == expected


@pytest.mark.parametrize(
    ("currency", "expected"),
    [("USD", "$12.3k"), ("PLN", "12.3k zł"), ("CHF", "CHF 12.3k"), ("XYZ", "12.3k XYZ"), (None, "12.3k")],
)
def test_money_short_places_the_currency_like_money(currency, expected):
    assert money_short(12_345, currency) == expected


def test_money_short_of_missing_value():
    assert money_short(NAN, "EUR") == "—"


@pytest.mark.parametrize(
    ("share", "decimals", "expected"),
    [
        (0.452, 1, "45.2%"),
        (1.0, 1, "100.0%"),
        (0.0, 1, "0.0%"),
        (0.12345, 2, "12.35%"),
        (0.00125, 2, "0.13%"),  # half up
        (0.4525, 1, "45.3%"),
        (0.455, 0, "46%"),
        (12.5, 1, "1,250.0%"),
        (-0.05, 1, "\u22125.0%"),
        (-0.0001, 1, "0.0%"),
        (NAN, 1, "—"),
    ],
)
def test_percent(share, decimals, expected):
    assert percent(share, decimals) == expected


def test_percent_defaults_to_one_decimal():
    assert percent(0.5) == "50.0%"


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        (2600, 0, "2,600"),
        (2600.5, 0, "2,601"),
        (1234567, 0, "1,234,567"),
        (0.456, 2, "0.46"),
        (0.455, 2, "0.46"),
        (-1.5, 1, "\u22121.5"),
        (-0.4, 0, "0"),
        (12, 2, "12.00"),
        (NAN, 0, "—"),
    ],
)
def test_number(x, decimals, expected):
    assert number(x, decimals) == expected


def test_number_rejects_negative_decimals():
    with pytest.raises(ValueError):
        number(1, -1)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (None, "unlimited"),
        (INF, "unlimited"),
        (0.5, "0.5 months"),
        (1, "1 month"),
        (1.0, "1 month"),
        (0.96, "1 month"),  # rounds to 1.0
        (1.04, "1 month"),
        (1.05, "1.1 months"),
        (4.2, "4.2 months"),
        (4.0, "4 months"),
        (12, "12 months"),
        (1234.56, "1,234.6 months"),
        (0.04, "0 months"),
        (0, "0 months"),
        (-3, "0 months"),
        (float("-inf"), "0 months"),
        (NAN, "—"),
    ],
)
def test_months(n, expected):
    assert months(n) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("EUR", "€"),
        ("usd", "$"),
        ("PLN", "zł"),
        ("CHF", "CHF"),
        ("XYZ", "XYZ"),
        (None, ""),
        ("", ""),
        ("XXX", ""),
    ],
)
def test_currency_symbol(code, expected):
    assert currency_symbol(code) == expected
