"""Revenue concentration across categories, against hand-worked shares and HHI."""

from __future__ import annotations

from datetime import date

import pytest

from analytics.categories import UNCATEGORISED, CategoryShare, category_concentration
from analytics.concentration import NoRevenueError
from analytics.risk import HIGHLY_CONCENTRATED, MODERATELY_CONCENTRATED, UNCONCENTRATED
from analytics.window import Window

YEAR_2025 = Window(date(2025, 1, 1), date(2025, 12, 31))

ROWS = [
    ("2025-01-10", "A", "500"),
    ("2025-02-10", "B", "300"),
    ("2025-03-10", "A", "200"),
    ("2025-04-10", "C", "150"),
    ("2025-05-10", "B", "-50"),
    ("2025-06-10", "D", "100"),
    ("2025-06-20", "D", "-180"),
    ("2024-12-31", "A", "999"),  # outside the window
]
CATEGORIES = ["Web development", "Web development", "Design", None, "Design", "Consulting", "Consulting", "Design"]


def test_shares_hhi_and_sentence(add_dataset, store):
    ds = add_dataset(ROWS, categories=CATEGORIES)
    report = category_concentration(store, ds, YEAR_2025)
    # In 2025: Web development 500 + 300 = 800; Design 200 − 50 = 150; no category 150;
    # Consulting 100 − 180 = −80 (excluded). Positive total 800 + 150 + 150 = 1100.
    assert report.total_revenue == 1100.0
    # Shares 8/11, 3/22, 3/22; Design before Uncategorised on the tie by name.
    assert report.categories == (
        CategoryShare("Web development", 800.0, pytest.approx(8 / 11, rel=1e-15)),
        CategoryShare("Design", 150.0, pytest.approx(3 / 22, rel=1e-15)),
        CategoryShare(UNCATEGORISED, 150.0, pytest.approx(3 / 22, rel=1e-15)),
    )
    assert report.excluded == (CategoryShare("Consulting", -80.0, 0.0),)
    assert report.top_category == "Web development"
    assert report.top_share == pytest.approx(8 / 11, rel=1e-15)
    # hhi = (8/11)² + 2·(3/22)² = 256/484 + 18/484 = 274/484 = 137/242 ≈ 0.5661 → 5,661 points.
    assert report.hhi == pytest.approx(137 / 242, rel=1e-12)
    assert report.hhi_points == pytest.approx(1_370_000 / 242, rel=1e-12)
    assert report.effective_categories == pytest.approx(242 / 137, rel=1e-12)
    assert report.hhi_band == HIGHLY_CONCENTRATED  # above 1,800
    # 8/11 = 72.7% → "73%".
    assert report.sentence == "Web development brings 73% of your revenue."
    # Main category per client in 2025: A Web 500 > Design 200; B Web 300 > Design −50;
    # C only uncategorised; D only Consulting (−80, still its main category).
    assert report.client_categories == {"A": "Web development", "B": "Web development", "C": UNCATEGORISED,
                                        "D": "Consulting"}


def test_client_main_category_tie_goes_to_the_first_name(add_dataset, store):
    ds = add_dataset([("2025-03-01", "A", "50"), ("2025-04-01", "A", "50")], categories=["Web", "Design"])
    # A: Design 50 = Web 50 → "Design" (first by name).
    assert category_concentration(store, ds, YEAR_2025).client_categories == {"A": "Design"}


def test_no_categories_in_the_dataset_gives_none(add_dataset, store):
    assert category_concentration(store, add_dataset(ROWS), YEAR_2025) is None
    assert category_concentration(store, add_dataset(ROWS, categories=[None] * len(ROWS)), YEAR_2025) is None


def test_categories_only_outside_the_window(add_dataset, store):
    # Only the 2024 row has a category; in 2025 everything is uncategorised:
    # 500 + 300 + 200 + 150 − 50 + 100 − 180 = 1020, one category with share 1.
    ds = add_dataset(ROWS, categories=[None] * 7 + ["Design"])
    report = category_concentration(store, ds, YEAR_2025)
    assert report.categories == (CategoryShare(UNCATEGORISED, 1020.0, 1.0),)
    assert report.hhi == 1.0 and report.effective_categories == 1.0
    assert report.sentence == "None of your revenue in this period has a category."


def test_single_category_sentence(add_dataset, store):
    ds = add_dataset([("2025-03-01", "A", "10"), ("2025-04-01", "B", "20")], categories=["Design", "Design"])
    report = category_concentration(store, ds, YEAR_2025)
    assert report.categories == (CategoryShare("Design", 30.0, 1.0),)
    assert report.sentence == "All your revenue in this period comes from Design."


def test_uncategorised_as_the_largest_group(add_dataset, store):
    ds = add_dataset([("2025-03-01", "A", "60"), ("2025-04-01", "B", "40")], categories=[None, "Design"])
    # No category 60 of 100 → "60%".
    sentence = category_concentration(store, ds, YEAR_2025).sentence
    assert sentence == "Income without a category brings 60% of your revenue."


@pytest.mark.parametrize(
    ("amounts", "points", "band"),
    [
        # 30, then seven of 10: 0.3² + 7 × 0.1² = 0.09 + 0.07 = 0.16 → 1,600 points.
        ([30] + [10] * 7, 1600, MODERATELY_CONCENTRATED),
        # 12 equal categories: 12 × (1/12)² = 1/12 → 833.3 points.
        ([5] * 12, 10_000 / 12, UNCONCENTRATED),
    ],
)
def test_hhi_band(add_dataset, store, amounts, points, band):
    rows = [("2025-05-05", f"Client {i}", str(a)) for i, a in enumerate(amounts)]
    ds = add_dataset(rows, categories=[f"Line {i:02d}" for i in range(len(amounts))])
    report = category_concentration(store, ds, YEAR_2025)
    assert report.hhi_points == pytest.approx(points, rel=1e-12)
    assert report.hhi_band == band
    assert report.effective_categories == pytest.approx(10_000 / points, rel=1e-12)


def test_window_without_positive_revenue_raises(add_dataset, store):
    ds = add_dataset([("2025-03-01", "A", "-10"), ("2024-03-01", "A", "50")], categories=["Design", "Design"])
    with pytest.raises(NoRevenueError):
        category_concentration(store, ds, YEAR_2025)
    with pytest.raises(NoRevenueError):  # nothing at all in the window
        category_concentration(store, ds, Window(date(2030, 1, 1), date(2030, 1, 31)))


def test_categories_helper_rejects_wrong_length(add_dataset):
    with pytest.raises(ValueError):
        add_dataset(ROWS, categories=["Design"])


def test_client_pieces_split_a_client_across_its_categories(add_dataset, store):
    # By hand: A earns 300 in Design and 100 in Web development; B 200 in Web development and a
    # -50 refund in Design (net Design for B is -50: not a piece). Pieces, largest first:
    # (A, Design, 300), (B, Web development, 200), (A, Web development, 100).
    ds = add_dataset(
        [("2025-03-01", "A", "300"), ("2025-03-02", "A", "100"), ("2025-03-03", "B", "200"),
         ("2025-03-04", "B", "-50")],
        categories=["Design", "Web development", "Web development", "Design"],
    )
    report = category_concentration(store, ds, YEAR_2025)
    assert report.client_pieces == (("A", "Design", 300.0), ("B", "Web development", 200.0),
                                    ("A", "Web development", 100.0))
