"""A user uploads a semicolon CSV with decimal commas, imports it, and reads the top client's share."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import wait_for_app
from tests.browser.helpers import import_upload, upload

# Hand-worked: Acme 600,00 + 150,00 − 50,00 (refund) = 700; Beta 200; Gamma 100; total 1,000.
# Top client share = 700 / 1,000 = 70.0%; top 3 = 100.0%.
CSV = (
    "Datum;Kunde;Betrag\n"
    "01.03.2026;Acme;600,00\n"
    "15.03.2026;Beta;200,00\n"
    "20.03.2026;Acme;150,00\n"
    "25.03.2026;Acme;-50,00\n"
    "28.03.2026;Gamma;100,00\n"
    "31.03.2026;;5,00\n"
)


def test_upload_then_overview_shows_top_client_share(app_server, page, tmp_path: Path):
    csv_path = tmp_path / "march.csv"
    csv_path.write_text(CSV, encoding="utf-8")

    upload(page, app_server, csv_path)
    import_upload(page, 5, 6)
    page.get_by_text("1 rejected").wait_for()

    page.get_by_role("link", name="See the concentration overview").click()
    wait_for_app(page)
    top_card = page.locator("[data-testid=stMetric]", has_text="Top client share")
    top_card.get_by_text("70.0%").wait_for()
    expect(page.locator("[data-testid=stMetric]", has_text="Top 3 clients").get_by_text("100.0%")).to_have_count(1)
    expect(page.get_by_text("Risk: CRITICAL")).to_have_count(1)
