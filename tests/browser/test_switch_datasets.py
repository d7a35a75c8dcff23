"""With the demo and an upload in the database, a user switches the sidebar's dataset picker back
and forth: the overview's numbers follow, each time equal to the CLI's JSON for that dataset's file."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.helpers import (
    DEMO, DEMO_NAME, choose, cli_json, expect_overview, import_then_overview, import_upload, open_page, rerun, upload,
)

# By hand: Orbit 900 + 300 = 1,200 of 2,000 → top client 60.0%; Pixel 500, Quill 300.
CSV = (
    "date,client,amount,currency\n"
    "2026-05-04,Orbit Labs,900.00,USD\n"
    "2026-05-18,Pixel Forge,500.00,USD\n"
    "2026-06-02,Orbit Labs,300.00,USD\n"
    "2026-06-20,Quill & Ink,300.00,USD\n"
)


def agency_csv(tmp_path: Path) -> Path:
    path = tmp_path / "agency.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_switching_the_dataset_changes_the_overview(app_server, page, tmp_path: Path):
    path = agency_csv(tmp_path)
    mine, demo = cli_json("report", path), cli_json("report", DEMO)
    assert mine["top_shares"]["1"] == 0.6 and mine["total_revenue"] == 2000
    assert mine["top_shares"]["1"] != demo["top_shares"]["1"] and mine["hhi_points"] != demo["hhi_points"]

    open_page(page, app_server, "", "Revenue concentration")  # first launch: the demo
    expect_overview(page, demo, "EUR")
    upload(page, app_server, path)
    import_then_overview(page, 4, 4)
    # The new import is the active dataset.
    expect(page.locator(".st-key-dataset_picker [role=combobox]")).to_have_value("agency")
    expect_overview(page, mine, "USD")

    choose(page, "dataset_picker", DEMO_NAME)
    expect_overview(page, demo, "EUR")
    expect(page.get_by_text(f"{DEMO_NAME} · ", exact=False)).to_have_count(1)

    choose(page, "dataset_picker", "agency")
    expect_overview(page, mine, "USD")
    expect(page.get_by_text("Orbit Labs brings 60% of your revenue")).to_have_count(1)


def test_switching_the_dataset_on_the_scenario_page(app_server, page, tmp_path: Path):
    upload(page, app_server, agency_csv(tmp_path))
    import_upload(page, 4, 4)
    with rerun(page):
        page.get_by_role("link", name="What if a client leaves?").click()
    picked = page.locator(".st-key-scenario_clients")
    expect(picked).to_contain_text("Orbit Labs")
    expect(page.get_by_text("Losing Orbit Labs (60% of your income)", exact=False)).to_have_count(1)

    # The other dataset's largest client is picked in turn, as on a first visit.
    choose(page, "dataset_picker", DEMO_NAME)
    expect(picked).to_contain_text("Nordlicht GmbH")
    expect(page.get_by_text("Losing Nordlicht GmbH (45% of your income)", exact=False)).to_have_count(1)
    choose(page, "dataset_picker", "agency")
    expect(picked).to_contain_text("Orbit Labs")
