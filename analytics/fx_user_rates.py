"""The user's own exchange rates: parsing them from text or rows and checking them for conflicts.
The rules are in :mod:`analytics.fx`."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

_CURRENCY = re.compile(r"[A-Z]{3}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FIELDS = ("currency", "rate", "valid_from", "valid_to")
_FORMAT_HELP = "currency,rate[,valid_from,valid_to] with dates like 2024-03-05"


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
