"""Risk levels, HHI bands and the plain-language reasons, at and around every line."""

from __future__ import annotations

from datetime import date

import pytest

from analytics.concentration import concentration
from analytics.risk import (
    assess,
    hhi_band,
    hhi_text,
    loss_text,
    part_percent_text,
    percent_text,
    risk_level,
)
from analytics.window import Window


@pytest.mark.parametrize(
    ("top_share", "level"),
    [
        (0.0, "low"),
        (0.0999, "low"),  # 9.99%
        (0.1, "moderate"),  # 10% exactly: ASC 280 major customer
        (0.2499, "moderate"),
        (0.25, "high"),  # 25% exactly
        (0.4999, "high"),  # 49.99%
        (0.5, "critical"),  # 50% exactly
        (1.0, "critical"),
    ],
)
def test_risk_level_boundaries(top_share, level):
    assert risk_level(top_share) == level


@pytest.mark.parametrize(
    ("points", "band"),
    [
        (0, "unconcentrated"),
        (999, "unconcentrated"),
        (999.99, "unconcentrated"),
        (1000, "moderately concentrated"),  # 1,000 exactly
        (1800, "moderately concentrated"),  # 1,800 exactly is not yet "highly"
        (1800.01, "highly concentrated"),
        (1801, "highly concentrated"),
        (10_000, "highly concentrated"),
    ],
)
def test_hhi_band_boundaries(points, band):
    assert hhi_band(points) == band


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0.45, "45%"),
        (0.1, "10%"),
        (0.25, "25%"),
        (0.085, "8.5%"),
        (0.05, "5.0%"),
        (0.0999, "9.99%"),  # "10.0%" would read as moderate while the level is low
        (0.2496, "24.96%"),  # "25%" / "25.0%" would read as high
        (0.4999, "49.99%"),  # "50%" would read as critical
        (0.4949, "49%"),  # rounds down, stays on the right side of 50%
    ],
)
def test_percent_text_never_crosses_a_risk_line(share, text):
    assert percent_text(share) == text


@pytest.mark.parametrize(("share", "text"), [(0.78, "78%"), (0.996, "99.6%"), (1.0, "100%")])
def test_part_percent_text_says_100_only_when_it_is_all(share, text):
    assert part_percent_text(share) == text


@pytest.mark.parametrize(
    ("points", "text"),
    [
        (3850, "3,850"),
        (2600.0000000000005, "2,600"),
        (10_000, "10,000"),
        (1000, "1,000"),
        (999.6, "999.6"),  # "1,000" would read as moderately concentrated
        (1800, "1,800"),
        (1800.4, "1,800.4"),  # "1,800" would read as moderately concentrated
        (1800.04, "1,800.04"),
    ],
)
def test_hhi_text_never_crosses_a_band_line(points, text):
    assert hhi_text(points) == text


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0.45, "by almost half"),
        (0.5, "by about half"),
        (0.3343, "by about a third"),
        (0.41, "by more than two fifths"),
        (0.09, "by almost a tenth"),
        (0.62, "by almost two thirds"),
        (0.95, "by more than nine tenths"),
        (0.05, "by 5.0%"),
    ],
)
def test_loss_text(share, text):
    assert loss_text(share) == text


def test_assess_brief_example():
    # HHI 3,850 → effective clients 10,000 / 3,850 = 2.597… → "2.6"
    risk = assess(
        top_client="Acme Corp",
        top_share=0.45,
        top3_share=0.78,
        hhi_points=3850,
        effective_clients=10_000 / 3850,
        clients=6,
    )
    assert risk.level == "high"
    assert risk.hhi_band == "highly concentrated"
    assert risk.reasons == [
        "Acme Corp brings 45% of your revenue: losing it would cut your income by almost half.",
        "Your top 3 clients bring 78% of revenue.",
        "Revenue is as concentrated as if you had 2.6 equal clients "
        "(HHI 3,850: highly concentrated by the 2023 US Merger Guidelines).",
    ]


def test_assess_single_client():
    risk = assess(
        top_client="Solo Ltd", top_share=1.0, top3_share=1.0, hhi_points=10_000, effective_clients=1.0, clients=1
    )
    assert risk.level == "critical"
    assert risk.reasons == [
        "Only one client paid you in this period: losing Solo Ltd would leave you with no income.",
        "HHI 10,000, the maximum: highly concentrated by the 2023 US Merger Guidelines.",
    ]


def test_assess_two_clients():
    # 60/40: HHI 0.36 + 0.16 = 0.52 → 5,200 points, effective clients 1/0.52 = 1.92… → "1.9"
    risk = assess(
        top_client="Big", top_share=0.6, top3_share=1.0, hhi_points=5200, effective_clients=1 / 0.52, clients=2
    )
    assert risk.level == "critical"
    assert risk.reasons == [
        "Big brings 60% of your revenue: losing it would cut your income by about three fifths.",
        "All your revenue comes from 2 clients.",
        "Revenue is as concentrated as if you had 1.9 equal clients "
        "(HHI 5,200: highly concentrated by the 2023 US Merger Guidelines).",
    ]


def test_assess_low_risk_many_clients():
    # 20 equal clients: top 5%, top 3 15%, HHI 20 · 0.05² = 0.05 → 500 points, 20 effective clients.
    risk = assess(top_client="A", top_share=0.05, top3_share=0.15, hhi_points=500, effective_clients=20, clients=20)
    assert risk.level == "low"
    assert risk.hhi_band == "unconcentrated"
    assert risk.reasons[0] == "A brings 5.0% of your revenue: losing it would cut your income by 5.0%."
    assert risk.reasons[2] == (
        "Revenue is as concentrated as if you had 20.0 equal clients "
        "(HHI 500: unconcentrated by the 2023 US Merger Guidelines)."
    )


# -- the lines hold on shares computed from stored amounts -------------------------------------------------


@pytest.mark.parametrize(
    ("amounts", "level", "shown"),
    [
        (["999.00"] + ["900.10"] * 10, "low", "9.99%"),  # 999 / 10,000
        (["12.34"] * 10, "moderate", "10%"),  # 10 equal clients: exactly 10%
        (["3.33"] * 4, "high", "25%"),  # 4 equal clients: exactly 25%
        (["0.07"] * 2, "critical", "50%"),  # 2 equal clients: exactly 50%
        (["4999.00", "5001.00"], "critical", "50%"),  # 50.01% rounds to 50%: same level, no extra decimals
        (["4999.00", "2000.00", "2000.00", "1001.00"], "high", "49.99%"),
    ],
)
def test_levels_at_exact_lines_from_stored_amounts(add_dataset, store, amounts, level, shown):
    ds = add_dataset([("2025-06-01", f"Client {i:02d}", a) for i, a in enumerate(amounts)])
    report = concentration(store, ds, Window(date(2025, 1, 1), date(2025, 12, 31)))
    assert report.risk.level == level
    assert f" brings {shown} of your revenue" in report.risk.reasons[0]
