"""First launch on an empty database: the demo dataset is imported by itself and the overview shows
its concentration, the same numbers as the CLI's JSON for ``data/demo_income.csv``, which in turn
match a plain pandas computation over the file."""

from __future__ import annotations

import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DEMO, DEMO_NAME, cli_json, expect_overview, open_page


def test_first_launch_shows_the_demo_overview(app_server, page):
    report = cli_json("report", DEMO)

    # A second way: the trailing 12 months ending at the last payment, revenue per client, shares.
    income = pd.read_csv(DEMO, parse_dates=["date"])
    last = income["date"].max()
    window = income[income["date"] > last - pd.DateOffset(years=1)]
    revenue = window.groupby(window["client"].str.strip().str.lower())["amount"].sum()
    shares = revenue[revenue > 0] / revenue[revenue > 0].sum()
    assert report["total_revenue"] == pytest.approx(revenue[revenue > 0].sum())
    assert report["clients"] == len(shares)
    assert report["top_shares"]["1"] == pytest.approx(shares.max())
    assert report["top_shares"]["3"] == pytest.approx(shares.nlargest(3).sum())
    assert report["hhi_points"] == pytest.approx((shares**2).sum() * 10_000)
    assert report["effective_clients"] == pytest.approx(1 / (shares**2).sum())

    open_page(page, app_server, "", "Revenue concentration")
    expect(page.locator(".st-key-dataset_picker [role=combobox]")).to_have_value(DEMO_NAME)
    expect_overview(page, report, "EUR")
    # The risk box gives the CLI's reasons word for word.
    for reason in report["risk"]["reasons"]:
        expect(page.get_by_role("listitem").filter(has_text=reason)).to_have_count(1)
