"""Turn concentration numbers into a plain-language risk level a freelancer can act on.

Risk level — from the **share of revenue that comes from the single largest client**:

==============  =====================  ==========================================================
level           top client share       where the line comes from
==============  =====================  ==========================================================
``low``         below 10%
``moderate``    10% up to below 25%    10%: US GAAP, ASC 280-10-50-42 — a public company must
                                       disclose any single customer that brings 10% or more of
                                       its revenue, i.e. the accounting line for "major customer".
``high``        25% up to below 50%    25%: the usual warning line for one client used in
                                       freelancer advice and by lenders looking at a small
                                       business's customer concentration (a convention, not a rule).
``critical``    50% or more            half or more of income depends on one client.
==============  =====================  ==========================================================

Each line belongs to the level above it: exactly 10% is moderate, 25% high, 50% critical. Comparing
floats with these lines is safe for shares from :mod:`analytics.concentration`: each is one correctly
rounded division of exact integer cents, so a true 10% arrives as exactly the float ``0.1``.

HHI band — reported beside the level, from the 2023 US Merger Guidelines (DOJ/FTC), section 2.1,
as summarised on the DOJ's HHI page: HHI (in points, 0–10,000) below 1,000 "unconcentrated",
1,000 to 1,800 "moderately concentrated", above 1,800 "highly concentrated". So 1,000 and 1,800
are both moderately concentrated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from analytics import formatting

# Top-client share lines (fractions of revenue); see the module docstring for their sources.
MAJOR_CUSTOMER_SHARE = 0.10  # ASC 280-10-50-42 major-customer disclosure line
HIGH_RISK_SHARE = 0.25  # freelancer / lender warning line for one client
CRITICAL_SHARE = 0.50  # half of income from one client

# HHI lines in points (2023 US Merger Guidelines, section 2.1).
HHI_MODERATE_FROM = 1_000  # 1,000 and above: moderately concentrated
HHI_HIGHLY_ABOVE = 1_800  # strictly above 1,800: highly concentrated

LOW, MODERATE, HIGH, CRITICAL = "low", "moderate", "high", "critical"
UNCONCENTRATED = "unconcentrated"
MODERATELY_CONCENTRATED = "moderately concentrated"
HIGHLY_CONCENTRATED = "highly concentrated"


@dataclass(frozen=True)
class RiskAssessment:
    """A risk ``level`` (low/moderate/high/critical), the sentences that explain it, and the HHI band."""

    level: str
    reasons: list[str]
    hhi_band: str


def risk_level(top_share: float) -> str:
    """Level for the largest client's share of revenue (a fraction 0–1); lines as in the module docstring."""
    if top_share >= CRITICAL_SHARE:
        return CRITICAL
    if top_share >= HIGH_RISK_SHARE:
        return HIGH
    if top_share >= MAJOR_CUSTOMER_SHARE:
        return MODERATE
    return LOW


def hhi_band(hhi_points: float) -> str:
    """2023 US Merger Guidelines band for an HHI in points (0–10,000)."""
    if hhi_points > HHI_HIGHLY_ABOVE:
        return HIGHLY_CONCENTRATED
    if hhi_points >= HHI_MODERATE_FROM:
        return MODERATELY_CONCENTRATED
    return UNCONCENTRATED


def _consistent_text(
    value: float, decimals: int, write: Callable[[float, int], str], reads_as: Callable[[float], object], target: object
) -> str:
    """``write(value, decimals)``, or with more decimals when rounding would move it across a line.

    ``reads_as`` classifies the number as displayed; decimals are added until it classifies as
    ``target`` (the class of the true value), so e.g. a 9.99% share never reads "10.0%" while its
    level is "low", and an HHI of 1,800.4 never reads "1,800" while it is highly concentrated.
    """
    text = ""
    for places in range(decimals, decimals + 7):
        text = write(value, places)
        shown = float(text.rstrip("%").replace(",", "").replace(formatting.MINUS, "-"))
        if reads_as(shown) == target:
            return text
    return text


def percent_text(share: float, decimals: int | None = None) -> str:
    """A top-client share (0–1) as a percentage that never reads as another risk level.

    ``decimals`` defaults to the house style of the reasons: whole percent from 10% up, one decimal
    below. More decimals appear only when rounding would cross a risk line (0.0999 → "9.99%",
    not "10.0%").
    """
    if decimals is None:
        decimals = 0 if share >= 0.1 else 1
    return _consistent_text(
        share, decimals, formatting.percent, lambda shown: risk_level(shown / 100), risk_level(share)
    )


def part_percent_text(share: float) -> str:
    """Like :func:`percent_text` for a share of several clients: never "100%" while some revenue is left."""
    decimals = 0 if share >= 0.1 else 1
    return _consistent_text(share, decimals, formatting.percent, lambda shown: shown >= 100, share >= 1)


def hhi_text(hhi_points: float) -> str:
    """HHI points with thousands grouped ("3,850"), whole unless rounding would cross a band line ("1,800.4")."""
    return _consistent_text(hhi_points, 0, formatting.number, hhi_band, hhi_band(hhi_points))


# Simple fractions a reader pictures at once, smallest first.
_FRACTIONS = (
    (1 / 10, "a tenth"),
    (1 / 5, "a fifth"),
    (1 / 4, "a quarter"),
    (1 / 3, "a third"),
    (2 / 5, "two fifths"),
    (1 / 2, "half"),
    (3 / 5, "three fifths"),
    (2 / 3, "two thirds"),
    (3 / 4, "three quarters"),
    (4 / 5, "four fifths"),
    (9 / 10, "nine tenths"),
)
_ABOUT = 0.005  # within half a percentage point of a fraction: "about"
_ALMOST = 0.10  # up to 10% (relative) below a fraction: "almost"
_FLOAT_SLACK = 1e-12  # 0.1 - 0.09 is 0.010000000000000009 in binary floats; 9% still counts as "almost"


def loss_text(share: float) -> str:
    """How much income losing a client with this share would cut, in words: "by almost half".

    "about X" within half a percentage point of a simple fraction X, "almost X" up to a tenth below
    it (45% → "almost half"), otherwise "more than" the fraction below; under 9% the percentage itself.
    """
    for fraction, words in _FRACTIONS:
        if abs(share - fraction) < _ABOUT:
            return f"by about {words}"
    above = [(f, w) for f, w in _FRACTIONS if f > share]
    if above and (above[0][0] - share) <= _ALMOST * above[0][0] + _FLOAT_SLACK:
        return f"by almost {above[0][1]}"
    below = [(f, w) for f, w in _FRACTIONS if f < share]
    if below:
        return f"by more than {below[-1][1]}"
    return f"by {percent_text(share)}"


def assess(
    *,
    top_client: str,
    top_share: float,
    top3_share: float,
    hhi_points: float,
    effective_clients: float,
    clients: int,
) -> RiskAssessment:
    """Risk level, HHI band and plain-language reasons for one period's concentration numbers.

    ``top_share``/``top3_share`` are fractions (0–1) of the period's revenue, ``hhi_points`` is the
    HHI on the 0–10,000 scale, ``effective_clients`` = 1 / HHI (as a fraction), ``clients`` the
    number of clients with positive revenue.
    """
    level = risk_level(top_share)
    band = hhi_band(hhi_points)
    guideline = f"{band} by the 2023 US Merger Guidelines"
    if clients == 1:
        reasons = [
            f"Only one client paid you in this period: losing {top_client} would leave you with no income.",
            f"HHI {hhi_text(hhi_points)}, the maximum: {guideline}.",
        ]
        return RiskAssessment(level, reasons, band)
    reasons = [
        f"{top_client} brings {percent_text(top_share)} of your revenue: "
        f"losing it would cut your income {loss_text(top_share)}."
    ]
    if clients > 3:
        reasons.append(f"Your top 3 clients bring {part_percent_text(top3_share)} of revenue.")
    else:
        reasons.append(f"All your revenue comes from {clients} clients.")
    reasons.append(
        f"Revenue is as concentrated as if you had {formatting.number(effective_clients, 1)} equal clients "
        f"(HHI {hhi_text(hhi_points)}: {guideline})."
    )
    return RiskAssessment(level, reasons, band)
