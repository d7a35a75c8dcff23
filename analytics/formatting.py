"""How Eggbasket writes numbers for people: one style for the pages, the charts and the command line.

Pure Python (no streamlit, no pandas); every function returns a ``str``.

The house style
    * Thousands are grouped with ``,`` and decimals follow ``.``: ``1,234.56``. The same grouping is
      used for every currency, so numbers line up and compare at a glance across the whole app.
    * Negative numbers start with a real minus sign, U+2212 ``−`` (not the hyphen ``-``), and the sign
      always comes first, before any currency symbol: ``−€350.00``, ``−350.00 zł``, ``−CHF 350.00``.
      A value that rounds to zero is never shown as negative (``−0.00`` becomes ``0.00``).
    * Rounding is *half away from zero* on the value as written (``Decimal`` ``ROUND_HALF_UP``, applied
      to the shortest decimal form of a float, i.e. ``repr``): ``0.005 → 0.01``, ``1.005 → 1.01``,
      ``2.675 → 2.68``, ``−0.005 → −0.01``. Not banker's rounding, and not the binary artefacts of
      ``round()`` / ``format()`` on floats (``round(2.675, 2) == 2.67``).
    * Money has two decimals for every currency. Symbols follow the usual convention of the
      currency's home: ``$1,234.56``, ``€1,234.56``, ``£1,234.56``, ``R1,234.56`` (prefix, no space);
      ``1,234.56 zł``, ``1,234.56 ₽`` (suffix after a space); ``CHF 1,234.56`` (code-like prefix with a
      space). A code without a known symbol is written after the number: ``1,234.56 XYZ``. No
      currency (``None``, ``""`` or ISO 4217's ``XXX``, "no currency") gives the bare ``1,234.56``.
      Codes are matched case-insensitively (``"eur"`` is EUR).
    * Short money (KPI cards, chart axes) uses ``k``, ``M`` and ``B`` with one decimal
      (``€12.3k``, ``€1.2M``, ``€4.0B``) and whole units below a thousand (``€950``). A value that
      rounds up to the next unit moves to it: ``999.5 → €1.0k``, ``999,950 → €1.0M``.
    * Percentages take a *share* (``0.452`` is 45.2 %) and always show the requested decimals:
      ``45.2%``, ``100.0%``; no space before ``%``.
    * Runways in months keep one decimal but drop a trailing ``.0``: ``0.5 months``, ``1 month``,
      ``4.2 months``, ``12 months``; ``None`` or infinity is ``unlimited``; a negative runway is
      ``0 months`` (the money has already run out).
    * A missing value (NaN) is written as an em dash ``—`` by every function.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal

MINUS = "\u2212"
"""The minus sign used for every negative number (U+2212 MINUS SIGN)."""

NOT_AVAILABLE = "\u2014"
"""What a missing (NaN) value is shown as (U+2014 EM DASH)."""

NO_CURRENCY = "XXX"
"""ISO 4217's code for "no currency"; formatted like ``None``."""

# code -> (symbol, where): "prefix" ("€1.00"), "prefix_space" ("CHF 1.00"), "suffix" ("1.00 zł").
_CURRENCY_STYLES: dict[str, tuple[str, str]] = {
    "USD": ("$", "prefix"),
    "EUR": ("€", "prefix"),
    "GBP": ("£", "prefix"),
    "JPY": ("¥", "prefix"),
    "CNY": ("CN¥", "prefix"),
    "INR": ("₹", "prefix"),
    "KRW": ("₩", "prefix"),
    "ILS": ("₪", "prefix"),
    "NGN": ("₦", "prefix"),
    "PHP": ("₱", "prefix"),
    "THB": ("฿", "prefix"),
    "TRY": ("₺", "prefix"),
    "ZAR": ("R", "prefix"),
    "BRL": ("R$", "prefix"),
    "MXN": ("MX$", "prefix"),
    "AUD": ("A$", "prefix"),
    "CAD": ("CA$", "prefix"),
    "NZD": ("NZ$", "prefix"),
    "HKD": ("HK$", "prefix"),
    "SGD": ("S$", "prefix"),
    "CHF": ("CHF", "prefix_space"),
    "PLN": ("zł", "suffix"),
    "RUB": ("₽", "suffix"),
    "UAH": ("₴", "suffix"),
    "CZK": ("Kč", "suffix"),
    "HUF": ("Ft", "suffix"),
    "RON": ("lei", "suffix"),
    "SEK": ("kr", "suffix"),
    "NOK": ("kr", "suffix"),
    "DKK": ("kr", "suffix"),
    "ISK": ("kr", "suffix"),
    "VND": ("₫", "suffix"),
}

# Enough digits to quantize any finite float (up to ~1.8e308) without InvalidOperation.
_DECIMAL_CONTEXT = Context(prec=400, rounding=ROUND_HALF_UP)

_SHORT_UNITS: tuple[tuple[Decimal, str], ...] = (
    (Decimal(1), ""),
    (Decimal(1_000), "k"),
    (Decimal(1_000_000), "M"),
    (Decimal(1_000_000_000), "B"),
)


def currency_symbol(code: str | None) -> str:
    """The symbol shown for an ISO 4217 ``code``: ``"€"`` for EUR, the code itself when no symbol is
    known (``"XYZ"``), and ``""`` for no currency (``None``, ``""``, ``"XXX"``)."""
    normalized = _normalize_code(code)
    if normalized is None:
        return ""
    return _CURRENCY_STYLES.get(normalized, (normalized, "suffix"))[0]


def money(amount: float, currency: str | None) -> str:
    """``amount`` with two decimals and the currency's symbol: ``money(-350, "EUR") == "−€350.00"``."""
    value = _to_decimal(amount)
    if value is None:
        return NOT_AVAILABLE
    return _with_currency(_grouped(value, 2), currency)


def money_short(amount: float, currency: str | None) -> str:
    """``amount`` compacted for a KPI card or an axis: ``"€950"``, ``"€12.3k"``, ``"€1.2M"``."""
    value = _to_decimal(amount)
    if value is None:
        return NOT_AVAILABLE
    return _with_currency(_compact(value), currency)


def percent(share: float, decimals: int = 1) -> str:
    """A share (``0.452``) as a percentage with exactly ``decimals`` decimals: ``"45.2%"``."""
    value = _to_decimal(share)
    if value is None:
        return NOT_AVAILABLE
    return _signed(*_grouped(value * 100, decimals)) + "%"


def number(x: float, decimals: int = 0) -> str:
    """A plain number with thousands grouped: ``number(2600) == "2,600"``, ``number(-1.5, 1) == "−1.5"``."""
    value = _to_decimal(x)
    if value is None:
        return NOT_AVAILABLE
    return _signed(*_grouped(value, decimals))


def months(n: float | None) -> str:
    """A runway in months: ``"unlimited"`` (None or infinity), ``"1 month"``, ``"4.2 months"``."""
    if n is None:
        return "unlimited"
    as_float = float(n)
    if math.isnan(as_float):
        return NOT_AVAILABLE
    if as_float == math.inf:
        return "unlimited"
    if as_float <= 0:
        return "0 months"
    _, digits = _grouped(_to_decimal(n), 1)
    if digits.endswith(".0"):
        digits = digits[:-2]
    unit = "month" if digits == "1" else "months"
    return f"{digits} {unit}"


def _normalize_code(code: str | None) -> str | None:
    """The upper-case ISO code, or ``None`` when there is no currency to show."""
    if code is None:
        return None
    normalized = code.strip().upper()
    if normalized in ("", NO_CURRENCY):
        return None
    return normalized


def _to_decimal(x: float | int | Decimal | None) -> Decimal | None:
    """``x`` as a Decimal of its shortest written form (``0.1`` → ``Decimal("0.1")``), or ``None``
    when ``x`` is NaN or infinite."""
    if isinstance(x, Decimal):
        return x if x.is_finite() else None
    if isinstance(x, int) and not isinstance(x, bool):
        return Decimal(x)
    as_float = float(x)
    if not math.isfinite(as_float):
        return None
    return Decimal(repr(as_float))


def _grouped(value: Decimal, decimals: int) -> tuple[bool, str]:
    """``(is_negative, digits)``: ``|value|`` rounded half away from zero to ``decimals`` places and
    grouped by thousands. ``is_negative`` is False when the rounded value is zero."""
    if decimals < 0:
        raise ValueError(f"decimals must be 0 or more, got {decimals}")
    quantum = Decimal(1).scaleb(-decimals)
    rounded = abs(value).quantize(quantum, rounding=ROUND_HALF_UP, context=_DECIMAL_CONTEXT)
    return (value < 0 and rounded != 0), f"{rounded:,.{decimals}f}"


def _compact(value: Decimal) -> tuple[bool, str]:
    """``(is_negative, digits)`` in the short style: whole units below 1,000, else one decimal of the
    largest unit (k, M, B) that keeps the rounded figure below 1,000 (B has no upper bound)."""
    magnitude = abs(value)
    for index, (scale, suffix) in enumerate(_SHORT_UNITS):
        decimals = 0 if suffix == "" else 1
        quantum = Decimal(1).scaleb(-decimals)
        scaled = _DECIMAL_CONTEXT.divide(magnitude, scale)
        rounded = scaled.quantize(quantum, rounding=ROUND_HALF_UP, context=_DECIMAL_CONTEXT)
        is_last = index == len(_SHORT_UNITS) - 1
        if rounded < 1000 or is_last:
            return (value < 0 and rounded != 0), f"{rounded:,.{decimals}f}{suffix}"
    raise AssertionError("unreachable: the last unit always returns")


def _signed(negative: bool, digits: str) -> str:
    """``digits`` with the minus sign in front when ``negative``."""
    return f"{MINUS}{digits}" if negative else digits


def _with_currency(signed_digits: tuple[bool, str], currency: str | None) -> str:
    """Place the currency's symbol around ``digits``, with the sign always first."""
    negative, digits = signed_digits
    code = _normalize_code(currency)
    if code is None:
        body = digits
    else:
        symbol, where = _CURRENCY_STYLES.get(code, (code, "suffix"))
        if where == "prefix":
            body = f"{symbol}{digits}"
        elif where == "prefix_space":
            body = f"{symbol} {digits}"
        else:
            body = f"{digits} {symbol}"
    return _signed(negative, body)
