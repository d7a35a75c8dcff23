"""A user opens the diversification page on the demo data and switches the monthly revenue chart
to the 100% view: the chart's axis changes from money to a share of each month."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import wait_for_app


def test_toggle_the_100_percent_view(app_server, page):
    page.goto(f"{app_server}/diversification")
    wait_for_app(page)
    page.get_by_text("Monthly revenue by client").first.wait_for()
    page.get_by_text("Revenue per month (€)").first.wait_for()

    page.get_by_text("Show as share of each month (100%)").click()
    wait_for_app(page)
    page.get_by_text("Monthly revenue by client — share").first.wait_for()
    page.get_by_text("Share of monthly revenue").first.wait_for()
    # Right after a rerun Streamlit may still show the previous run's element for a moment, so
    # wait for the count to settle instead of reading it once.
    expect(page.locator("[data-testid=stPlotlyChart]")).to_have_count(6, timeout=30_000)
