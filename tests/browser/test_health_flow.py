"""A user opens the client-health page on the demo data, reads a client's warning sign, picks a
client whose name needs URL-encoding and follows its link to the scenario page, where that client
is the one to lose. The flag on screen must be the one analytics computes for the same file."""

from __future__ import annotations

from urllib.parse import urlencode

from playwright.sync_api import expect

from analytics.health import client_health
from analytics.ingest import import_file
from analytics.store import MEMORY, Store
from tests.browser.conftest import ROOT, wait_for_app

DEMO = ROOT / "data" / "demo_income.csv"
PICK = "Kowalski & Syn Sp. z o.o."


def demo_flags(client: str) -> list[str]:
    with Store(MEMORY) as store:
        dataset = import_file(store, DEMO, name="demo").dataset
        report = client_health(store, dataset.id)
    return [f.text for f in next(c for c in report.clients if c.client == client).flags]


def test_a_flag_and_the_link_to_the_scenario_page(app_server, page):
    page.goto(f"{app_server}/health")
    wait_for_app(page)
    page.get_by_text("show a warning sign").first.wait_for()
    # The table is a canvas; its accessible grid holds the visible rows' text.
    row = page.locator("[data-testid=stDataFrame] [role=row]", has_text="Bright Loop, Inc.")
    expected = demo_flags("Bright Loop, Inc.")
    assert expected and expected[0].startswith("quiet for")
    expect(row).to_contain_text(expected[0])

    page.get_by_label("Client (or select a row above)").click()
    page.get_by_role("option", name=PICK).click()
    wait_for_app(page)
    link = page.locator("[data-testid=stPageLink] a", has_text="leaves?")
    expect(link).to_have_attribute("href", f"scenarios?{urlencode({'client': PICK})}")
    link.click()
    wait_for_app(page)
    page.get_by_text(f"Losing {PICK}").first.wait_for()
    expect(page.locator("[data-testid=stMultiSelect]").first).to_contain_text(PICK)
