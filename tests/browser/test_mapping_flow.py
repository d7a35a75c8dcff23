"""A user uploads an invoicing export whose client column Eggbasket guesses wrong, fixes the column
mapping on the upload page, imports, and reads the overview: its numbers are those of the CLI's
JSON for the same file read with the same mapping, and those worked out by hand below."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.helpers import choose, cli_json, expect_overview, import_then_overview, metric, open_page, upload

# "Customer ID" contains "customer", so it is guessed as the client; the client is "Organisation",
# whose wording Eggbasket does not know. Nordwind AG pays under two customer IDs (two departments).
HEADER = "Booking date,Customer ID,Organisation,Net amount,Memo"
ROWS = (
    "2026-01-05,C-017,Nordwind AG,1200.00,January retainer\n"
    "2026-01-19,C-023,Kite & Co,300.00,Logo\n"
    "2026-02-05,C-017,Nordwind AG,1200.00,February retainer\n"
    "2026-02-10,C-031,Nordwind AG,800.00,Trade fair stand\n"
    "2026-02-21,C-044,Lumen Studio,500.00,Landing page\n"
    "2026-03-05,C-017,Nordwind AG,1200.00,March retainer\n"
    "2026-03-12,C-023,Kite & Co,-100.00,Partial refund\n"
)
# By hand, per organisation: Nordwind AG 1,200 × 3 + 800 = 4,400; Lumen Studio 500; Kite & Co
# 300 − 100 = 200; total 5,100. Top client 4,400 / 5,100 = 86.27% → "86.3%"; top 3 = 100.0%.
# HHI = (4400² + 500² + 200²) / 5100² × 10,000 = 19,650,000 / 26,010,000 × 10,000 = 7,554.8 → "7,555";
# effective clients = 26,010,000 / 19,650,000 = 1.32 → "1.3".
# Read by customer ID instead, C-017 would be the top client with 3,600 / 5,100 = 70.6%.


def file_and_cli_report(tmp_path: Path, name: str, header: str, rows: str, client: str) -> tuple[Path, dict]:
    """The file the user uploads, and the CLI's JSON report for it read with ``client`` as the client
    column. The CLI has no option to map columns by hand, so that is the same rows under a header it
    reads that way: ``client`` renamed to Client."""
    path = tmp_path / f"{name}.csv"
    path.write_text(f"{header}\n{rows}", encoding="utf-8")
    remapped = tmp_path / f"{name}-remapped.csv"
    remapped.write_text(f"{header.replace(client, 'Client')}\n{rows}", encoding="utf-8")
    return path, cli_json("report", remapped)


def test_fix_the_client_column_then_read_the_overview(app_server, page, tmp_path: Path):
    path, report = file_and_cli_report(tmp_path, "invoices", HEADER, ROWS, "Organisation")
    assert (report["total_revenue"], report["clients"]) == (5100, 3)
    assert [(c["client"], c["revenue"]) for c in report["clients_table"]] == [
        ("Nordwind AG", 4400), ("Lumen Studio", 500), ("Kite & Co", 200)]
    assert round(report["hhi_points"], 1) == 7554.8
    guessed = cli_json("report", path)  # the guess the user has to correct
    assert guessed["clients_table"][0]["client"] == "C-017"

    upload(page, app_server, path)
    client_box = page.locator(".st-key-map_client [role=combobox]")
    expect(client_box).to_have_value("Customer ID")
    expect(page.locator(".st-key-map_amount [role=combobox]")).to_have_value("Net amount")
    choose(page, "map_client", "Organisation")
    import_then_overview(page, 7, 7)
    expect_overview(page, report, None)
    expect(metric(page, "Top client share")).to_have_text("86.3%")
    expect(metric(page, "Top 3 clients")).to_have_text("100.0%")
    expect(metric(page, "HHI")).to_have_text("7,555")
    expect(metric(page, "Effective clients")).to_have_text("1.3")
    expect(page.get_by_text("5,100.00 from 3 paying clients")).to_have_count(1)
    expect(page.get_by_text("Nordwind AG brings 86% of your revenue")).to_have_count(1)


def test_choose_a_client_column_that_could_not_be_guessed(app_server, page, tmp_path: Path):
    # A bank-style export: the payer's name is in "Description", which is guessed as the description.
    rows = "2026-01-05,Nordwind AG,1200.00\n2026-01-19,Kite & Co,300.00\n2026-02-05,Nordwind AG,1200.00\n"
    path, report = file_and_cli_report(tmp_path, "statement", "Date,Description,Amount", rows, "Description")
    assert report["top_shares"]["1"] == 2400 / 2700  # by hand: Nordwind 2,400 of 2,700 → 88.9%

    open_page(page, app_server, "upload", "Upload income")
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(path))
    page.locator("[data-testid=stAlert], .st-key-map_client").first.wait_for()
    expect(page.locator(".st-key-map_client")).to_have_count(1, timeout=5_000)
    choose(page, "map_description", "(none)")
    choose(page, "map_client", "Description")
    import_then_overview(page, 3, 3)
    expect_overview(page, report, None)
    expect(metric(page, "Top client share")).to_have_text("88.9%")
