"""SQL expressions that turn the text of one CSV field into a date, an amount or a currency.

Every parser is a DuckDB SQL expression over a VARCHAR column, so a 10-million-row file is parsed
inside DuckDB in parallel, never row by row in Python. A value that does not parse becomes NULL,
and the importer turns that NULL into a rejected row with a reason.

Amounts
    Accepted: ``1234.56``, ``1,234.56``, ``1.234,56``, ``1 234,56`` (also with no-break and narrow
    spaces, or ``'`` as in Swiss ``1'234.56``), a currency symbol or ISO code before or after the
    number (``$1,200.00``, ``1200 EUR``, ``€ -350,00``, ``350 zł``), a sign before or after the
    number (``-120``, ``120-``) and accounting negatives in parentheses (``(120.00)``, also with the
    currency outside them: ``$ (1,200.00)``, ``(120,00) zł``); at most one currency per amount.
    The decimal mark is one per file (``.`` or ``,``); thousands groups must be well formed for it,
    so ``12,5`` in a decimal-point file (or ``12 5`` in any file) is rejected rather than read as 125.
    Amounts are rounded half away from zero to cents (DuckDB's DECIMAL cast).

Dates
    ``YYYY-MM-DD`` (also ``YYYY/MM/DD``, ``YYYY.MM.DD``); ``DD.MM.YYYY``, ``DD/MM/YYYY``,
    ``MM/DD/YYYY``, ``DD-MM-YYYY``, with 2- or 4-digit years (``yy`` means 20yy); any time after the
    date is ignored. Day-first or month-first is one setting per file (see
    :func:`detect_date_order`). English month names (``15 Mar 2024``, ``Mar 15, 2024``) and compact
    ``YYYYMMDD`` are read too.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

DECIMAL_MARKS = (".", ",")
DATE_ORDERS = ("dmy", "mdy")

_SPACES = r"[\s\x{00A0}\x{2007}\x{202F}\x{2009}]+"
_CURRENCY = r"[A-Za-z]{3}|US\$|[$€£¥₽₴₹]|zł|zl|руб\.?|р\.|Fr\."
# The currency may also sit outside the parentheses of an accounting negative, as Excel's
# accounting format writes it: ``$ (1,200.00)``, ``(120,00) zł``.
_AMOUNT_PATTERN = (
    r"^\s*(" + _CURRENCY + r")?\s*(\()?\s*([-−+])?\s*(" + _CURRENCY + r")?\s*([-−+])?\s*([0-9][0-9 .,'’]*?)\s*"
    r"(\))?\s*(" + _CURRENCY + r")?\s*(-)?\s*(\))?\s*$"
)
_AMOUNT_GROUPS = "['cur0', 'open', 'sign', 'cur1', 'sign2', 'num', 'close1', 'cur2', 'trail', 'close']"
# Thousands groups use the mark that is not the decimal mark, or a space (any kind of space is
# turned into ' ' first; the apostrophes of ``1'234.56`` are turned into ' ' for this check), so
# ``12,5`` in a decimal-point file or ``12 5`` is rejected, never read as 125.
_NUMBER_FORMS = {
    ".": r"[0-9]+(\.[0-9]+)?|[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?|[0-9]{1,3}( [0-9]{3})+(\.[0-9]+)?",
    ",": r"[0-9]+(,[0-9]+)?|[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?|[0-9]{1,3}( [0-9]{3})+(,[0-9]+)?",
}
_SYMBOL_CODES = {
    "$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB", "руб": "RUB",
    "руб.": "RUB", "р.": "RUB", "₴": "UAH", "₹": "INR", "zł": "PLN", "zl": "PLN", "Fr.": "CHF",
}
_DATE_PATTERN = r"^\s*([0-9]{1,4})([./-])([0-9]{1,2})([./-])([0-9]{1,4})([ T,].*)?$"
_DATE_GROUPS = "['a', 's1', 'b', 's2', 'c', 'rest']"
_TEXT_DATE_FORMATS = "['%d %b %Y', '%d %B %Y', '%b %d, %Y', '%B %d, %Y', '%d-%b-%Y', '%d-%b-%y', '%b %d %Y', '%Y%m%d']"


# Fast paths: most exports write plain numbers and ISO dates. These simple patterns let DuckDB skip
# the general regular expressions (about 25x slower) for such values; both paths give equal results.
_PLAIN_NUMBER = {".": r"-?[0-9]+(\.[0-9]+)?", ",": r"-?[0-9]+(,[0-9]+)?"}
_ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_ODD_SPACE = r"[\s\x{00A0}\x{2007}\x{202F}\x{2009}]{2}|^[\s\x{00A0}\x{2007}\x{202F}\x{2009}]|[\s\x{00A0}\x{2007}\x{202F}\x{2009}]$|[\t\r\n\x{00A0}\x{2007}\x{202F}\x{2009}]"


def _literal(text: str) -> str:
    """A SQL string literal for one of *our* constants (never user input)."""
    return "'" + text.replace("'", "''") + "'"


def amount_parts_sql(col: str) -> str:
    """A STRUCT of the amount's pieces (sign, currency tokens, number text); '' for missing parts."""
    cleaned = f"regexp_replace(coalesce({col}, ''), {_literal(_SPACES)}, ' ', 'g')"
    return f"regexp_extract({cleaned}, {_literal(_AMOUNT_PATTERN)}, {_AMOUNT_GROUPS})"


def amount_sql(parts: str, decimal: str) -> str:
    """DECIMAL(18,2) from the :func:`amount_parts_sql` struct ``parts``, NULL when not a valid amount."""
    if decimal not in DECIMAL_MARKS:
        raise ValueError(f"decimal mark must be one of {DECIMAL_MARKS}")
    grouped = f"regexp_replace({parts}.num, '[''’]', ' ', 'g')"
    number = f"replace({grouped}, ' ', '')"
    thousands = "," if decimal == "." else "."
    plain = f"replace(replace({number}, {_literal(thousands)}, ''), ',', '.')"
    negative = (
        f"({parts}.sign IN ('-', '−') OR {parts}.sign2 IN ('-', '−') OR {parts}.trail = '-' "
        f"OR {parts}.open = '(')"
    )
    closes = f"(({parts}.close1 = ')')::INTEGER + ({parts}.close = ')')::INTEGER)"
    balanced = f"(CASE WHEN {parts}.open = '(' THEN {closes} = 1 ELSE {closes} = 0 END)"
    currencies = " + ".join(f"({parts}.{group} <> '')::INTEGER" for group in ("cur0", "cur1", "cur2"))
    one_currency = f"({currencies} <= 1)"
    valid = (
        f"({parts}.num <> '' AND {balanced} AND {one_currency} "
        f"AND regexp_full_match({grouped}, {_literal(_NUMBER_FORMS[decimal])}))"
    )
    return (
        f"CASE WHEN {valid} THEN "
        f"(CASE WHEN {negative} THEN -1 ELSE 1 END) * TRY_CAST({plain} AS DECIMAL(18,2)) END"
    )


def plain_amount_sql(col: str, decimal: str) -> str:
    """TRUE when the text is a bare number in this file's decimal mark (``-1234.5``), which
    :func:`plain_amount_value_sql` reads without the general pattern."""
    return f"coalesce(regexp_full_match({col}, {_literal(_PLAIN_NUMBER[decimal])}), false)"


def plain_amount_value_sql(col: str) -> str:
    return f"TRY_CAST(replace({col}, ',', '.') AS DECIMAL(18,2))"


def client_sql(col: str) -> str:
    """The client name trimmed, inner runs of spaces (any Unicode space) collapsed; NULL if empty."""
    general = f"trim(regexp_replace({col}, {_literal(_SPACES)}, ' ', 'g'))"
    return f"nullif(CASE WHEN regexp_matches({col}, {_literal(_ODD_SPACE)}) THEN {general} ELSE {col} END, '')"


def amount_currency_sql(parts: str) -> str:
    """The ISO code written next to the amount (``$`` → USD, ``1200 eur`` → EUR), NULL if none."""
    token = f"nullif(coalesce(nullif({parts}.cur0, ''), nullif({parts}.cur1, ''), {parts}.cur2), '')"
    cases = " ".join(f"WHEN {_literal(sym)} THEN {_literal(code)}" for sym, code in _SYMBOL_CODES.items())
    return f"(CASE {token} {cases} ELSE upper({token}) END)"


def date_parts_sql(col: str) -> str:
    return f"regexp_extract(coalesce({col}, ''), {_literal(_DATE_PATTERN)}, {_DATE_GROUPS})"


def date_sql(col: str, parts: str, order: str) -> str:
    """DATE from the text in ``col`` (its :func:`date_parts_sql` struct is ``parts``), NULL if invalid."""
    if order not in DATE_ORDERS:
        raise ValueError(f"date order must be one of {DATE_ORDERS}")
    first, second = ("b", "a") if order == "mdy" else ("a", "b")
    year_first = f"length({parts}.a) = 4"
    y = (
        f"CASE WHEN {year_first} THEN TRY_CAST({parts}.a AS INTEGER) "
        f"WHEN length({parts}.c) = 4 THEN TRY_CAST({parts}.c AS INTEGER) "
        f"WHEN length({parts}.c) = 2 THEN 2000 + TRY_CAST({parts}.c AS INTEGER) END"
    )
    m = f"TRY_CAST(CASE WHEN {year_first} THEN {parts}.b ELSE {parts}.{second} END AS INTEGER)"
    d = f"TRY_CAST(CASE WHEN {year_first} THEN {parts}.c ELSE {parts}.{first} END AS INTEGER)"
    numeric = (
        f"CASE WHEN {parts}.a <> '' AND {parts}.s1 = {parts}.s2 AND NOT ({year_first} AND length({parts}.c) > 2) "
        f"THEN TRY_CAST(try_strptime(printf('%04d-%02d-%02d', {y}, {m}, {d}), '%Y-%m-%d') AS DATE) END"
    )
    text = f"TRY_CAST(try_strptime(trim({col}), {_TEXT_DATE_FORMATS}) AS DATE)"
    iso = f"regexp_full_match({col}, {_literal(_ISO_DATE)})"
    return f"CASE WHEN {iso} THEN TRY_CAST({col} AS DATE) ELSE coalesce(({numeric}), {text}) END"


@dataclass(frozen=True)
class Detected:
    """A per-file setting read from the values: ``value`` is what will be used; ``ambiguous`` means
    the values alone could not decide it, so the user must be asked (the default is applied)."""

    value: str
    ambiguous: bool
    evidence: str


def detect_decimal_mark(con: duckdb.DuckDBPyConnection, relation: str, col: str, delimiter: str) -> Detected:
    """Decide between decimal point and decimal comma from a column's values.

    Evidence for a comma: ``12,50``/``12,5`` endings or ``1.234,56``; for a point: ``12.50`` or
    ``1,234.56``. The side with more rows wins. With no evidence at all (only integers or only
    ``1,234``-like values) we fall back to the point, or the comma when fields are separated by
    ``;`` (the convention of every comma-decimal locale), and flag it ambiguous when a value such
    as ``1,234`` could be read either way.
    """
    parts = amount_parts_sql(col)
    number = f"replace(replace({parts}.num, ' ', ''), '''', '')"
    comma, point, either = con.execute(
        f"""
        SELECT
          count(*) FILTER (WHERE regexp_matches(n, '[0-9],[0-9]{{1,2}}$') OR regexp_matches(n, '[0-9]\\.[0-9]{{3}},[0-9]')),
          count(*) FILTER (WHERE regexp_matches(n, '[0-9]\\.[0-9]{{1,2}}$') OR regexp_matches(n, '[0-9],[0-9]{{3}}\\.[0-9]')),
          count(*) FILTER (WHERE regexp_matches(n, '[0-9][.,][0-9]{{3}}$'))
        FROM (SELECT {number} AS n FROM {relation})
        """
    ).fetchone()
    if comma > point:
        return Detected(",", False, f"{comma} values like 12,50 or 1.234,56")
    if point > 0:
        return Detected(".", False, f"{point} values like 12.50 or 1,234.56")
    fallback = "," if delimiter == ";" else "."
    return Detected(fallback, either > 0, "no value has cents; guessed from the delimiter" if either else "whole numbers only")


def detect_date_order(con: duckdb.DuckDBPyConnection, relation: str, col: str) -> Detected:
    """Decide day-first (``dmy``) or month-first (``mdy``) for dates like 03/04/2024.

    A first number above 12 proves day-first, a second number above 12 proves month-first. When no
    value proves either: dates written with dots (``03.04.2024``) are day-first by the convention of
    every locale that writes them so; slashes or dashes stay ambiguous, day-first is applied and the
    user is asked. When values prove both, the majority wins and the other rows are rejected.
    """
    parts = date_parts_sql(col)
    day_first, month_first, dotted, numeric = con.execute(
        f"""
        SELECT
          count(*) FILTER (WHERE TRY_CAST(p.a AS INTEGER) > 12 AND length(p.a) <= 2),
          count(*) FILTER (WHERE TRY_CAST(p.b AS INTEGER) > 12 AND length(p.a) <= 2),
          count(*) FILTER (WHERE p.s1 = '.' AND length(p.a) <= 2),
          count(*) FILTER (WHERE p.a <> '' AND length(p.a) <= 2)
        FROM (SELECT {parts} AS p FROM {relation})
        """
    ).fetchone()
    if day_first > month_first:
        return Detected("dmy", False, f"{day_first} dates have a day above 12 first")
    if month_first > day_first:
        return Detected("mdy", False, f"{month_first} dates have a day above 12 second")
    if numeric == 0:
        return Detected("dmy", False, "dates are year-first or written out")
    if dotted == numeric:
        return Detected("dmy", False, "dates written with dots are day-first")
    return Detected("dmy", True, "no date has a day above 12, so 03/04 could be 3 April or March 4")
