"""A user opens the client-health page on the demo data, reads the revenue at risk and a client's
warning sign, picks a client whose name needs URL-encoding and follows its link to the scenario
page, where that client is the one to lose. The numbers on screen must be the ones analytics
computes for the same file."""

from __future__ import annotations

from urllib.parse import urlencode

from playwright.sync_api import expect

from analytics.formatting import money
from analytics.health import client_health
from analytics.ingest import import_file
from analytics.revenue_risk import revenue_risk
from analytics.store import MEMORY, Store
from tests.browser.conftest import ROOT, wait_for_app

DEMO = ROOT / "data" / "demo_income.csv"
PICK = "Kowalski & Syn Sp. z o.o."
TOP = "Nordlicht GmbH"  # the demo's largest revenue at risk: the table's first row


def demo_flags_and_risk(client: str, overrides: dict[str, float]) -> tuple[list[str], str, str]:
    """The client's warning signs and the revenue at risk (95%) the page should show, without and
    with the chances of leaving set by hand in ``overrides``."""
    with Store(MEMORY) as store:
        dataset = import_file(store, DEMO, name="demo").dataset
        report = client_health(store, dataset.id)
        risk = revenue_risk(store, dataset.id)
        hand_set = revenue_risk(store, dataset.id, overrides=overrides)
    flags = [f.text for f in next(c for c in report.clients if c.client == client).flags]
    return flags, money(risk.revenue_at_risk_95, risk.currency), money(hand_set.revenue_at_risk_95, risk.currency)


def test_a_flag_and_the_link_to_the_scenario_page(app_server, page):
    page.goto(f"{app_server}/health")
    wait_for_app(page)
    page.get_by_text("show a warning sign").first.wait_for()
    flags, at_risk, at_risk_by_hand = demo_flags_and_risk("Bright Loop, Inc.", {TOP: 0.9})
    card = page.locator("[data-testid=stMetric]", has_text="Revenue at risk (95%)")
    expect(card.locator("[data-testid=stMetricValue]")).to_have_text(at_risk)
    # The table is a canvas; its accessible grid holds the visible rows' text.
    table = page.locator("[data-testid=stDataFrame]").first
    row = table.locator("[role=row]", has_text="Bright Loop, Inc.")
    assert flags and flags[0].startswith("quiet for")
    expect(row).to_contain_text(flags[0])

    # Set the top client's chance of leaving to 90% in the table: its first row, two cells right
    # of the client's name (revenue at risk, then the chance).
    # Both charts drawn first, so the table no longer moves under the mouse.
    expect(page.locator("[data-testid=stPlotlyChart] .main-svg >> nth=0")).to_be_visible()
    expect(page.locator("[data-testid=stPlotlyChart]")).to_have_count(2)
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 60, box["y"] + 35 + 17)  # below the 35-pixel header, mid-row
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")  # opens the cell's editor (an input over the canvas) on its value
    editor = page.locator("input.gdg-input")
    expect(editor).to_be_focused()
    editor.fill("90")
    editor.press("Enter")
    wait_for_app(page)
    expect(card.locator("[data-testid=stMetricValue]")).to_have_text(at_risk_by_hand, timeout=30_000)
    page.get_by_text("1 client").first.wait_for()  # "… with a chance of leaving set by hand"

    picker = page.get_by_label("Client to let go")
    picker.click()
    picker.fill(PICK)  # the selectbox filters its options as you type
    page.get_by_role("option", name=PICK).click()
    wait_for_app(page)
    link = page.locator("[data-testid=stPageLink] a", has_text="leaves?")
    expect(link).to_have_attribute("href", f"scenarios?{urlencode({'client': PICK})}")
    link.click()
    wait_for_app(page)
    page.get_by_text(f"Losing {PICK}").first.wait_for()
    expect(page.locator("[data-testid=stMultiSelect]").first).to_contain_text(PICK)
