"""A user opens the scenario page on the demo data, enters expenses and a reserve, and sees the
runway for losing the top client; losing the top two shortens it. The numbers on screen must match
the CLI's JSON for the same file."""

from __future__ import annotations

from playwright.sync_api import expect

from analytics.formatting import months
from tests.browser.helpers import DEMO, cli_json, enter, metric, open_page, rerun


def cli_runway(top: int) -> str:
    outcome = cli_json("simulate", DEMO, "--top", str(top), "--expenses", "9000", "--reserve", "20000")
    return months(outcome["runway_months"])


def test_losing_the_top_client_shows_its_runway(app_server, page):
    open_page(page, app_server, "scenarios", "Losing Nordlicht GmbH")
    expect(metric(page, "Runway")).to_have_text("—")  # no expenses yet: no runway to show

    enter(page, "Monthly expenses (EUR)", "9000")
    enter(page, "Cash reserve (EUR)", "20000")
    one = cli_runway(1)
    expect(metric(page, "Runway")).to_have_text(one)

    with rerun(page):
        page.get_by_text("Top clients", exact=True).click()
    enter(page, "How many of your largest clients", "2")
    two = cli_runway(2)
    assert two != one
    expect(metric(page, "Runway")).to_have_text(two)
