"""A user opens the scenario page on the demo data, enters expenses and a reserve, and sees the
runway for losing the top client; losing the top two shortens it. The numbers on screen must match
the CLI's JSON for the same file."""

from __future__ import annotations

import json
import subprocess
import sys

from analytics.formatting import months
from tests.browser.conftest import ROOT, wait_for_app

DEMO = str(ROOT / "data" / "demo_income.csv")


def cli_runway(top: int) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "analytics", "simulate", DEMO, "--top", str(top), "--expenses", "9000",
         "--reserve", "20000", "--format", "json"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    return months(json.loads(out)["runway_months"])


def runway_on_screen(page) -> str:
    card = page.locator("[data-testid=stMetric]", has_text="Runway")
    return card.locator("[data-testid=stMetricValue]").inner_text().strip()


def test_losing_the_top_client_shows_its_runway(app_server, page):
    page.goto(f"{app_server}/scenarios")
    wait_for_app(page)
    page.get_by_text("Losing Nordlicht GmbH").first.wait_for()
    assert runway_on_screen(page) == "—"  # no expenses yet: no runway to show

    page.get_by_label("Monthly expenses (EUR)").fill("9000")
    page.keyboard.press("Enter")
    wait_for_app(page)
    page.get_by_label("Cash reserve (EUR)").fill("20000")
    page.keyboard.press("Enter")
    wait_for_app(page)
    one = cli_runway(1)
    page.locator("[data-testid=stMetric]", has_text="Runway").get_by_text(one).wait_for()

    page.get_by_text("Top clients", exact=True).click()
    wait_for_app(page)
    page.get_by_label("How many of your largest clients").fill("2")
    page.keyboard.press("Enter")
    wait_for_app(page)
    two = cli_runway(2)
    assert two != one
    page.locator("[data-testid=stMetric]", has_text="Runway").get_by_text(two).wait_for()
