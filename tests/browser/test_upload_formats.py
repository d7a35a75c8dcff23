"""A user uploads an Excel workbook and a Windows-1251 bank CSV (semicolons, decimal commas, a
preamble above the header) and both import with the right names and totals."""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook
from playwright.sync_api import expect

from tests.browser.helpers import import_then_overview, metric, upload


def test_upload_an_xlsx_workbook(app_server, page, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Income"
    sheet.append(["Date", "Client", "Amount"])
    # By hand: Nordwind 700 + 300 = 1,000 of 1,250 → top client 80.0%.
    for day, client, amount in [(5, "Nordwind", 700), (12, "Südlicht", 250), (20, "Nordwind", 300)]:
        sheet.append([dt.date(2026, 3, day), client, amount])
    path = tmp_path / "income.xlsx"
    book.save(path)

    upload(page, app_server, path)
    import_then_overview(page, 3, 3)
    expect(metric(page, "Top client share")).to_have_text("80.0%")


def test_upload_a_windows_1251_bank_csv(app_server, page, tmp_path):
    text = (
        "Выписка по счёту № 40702810000000000001\r\n"
        "Период: 01.03.2026 - 31.03.2026\r\n"
        "\r\n"
        "Дата;Контрагент;Сумма;Назначение платежа\r\n"
        "05.03.2026;ООО Ромашка;1 500,00;Оплата по счёту 12\r\n"
        "12.03.2026;ИП Петров;500,00;Оплата по счёту 13\r\n"
        "20.03.2026;ООО Ромашка;2 000,00;Оплата по счёту 14\r\n"
    )
    path = tmp_path / "vypiska.csv"
    path.write_bytes(text.encode("cp1251"))
    # By hand: ООО Ромашка 1,500 + 2,000 = 3,500 of 4,000 → 87.5%.
    upload(page, app_server, path)
    import_then_overview(page, 3, 3)
    expect(metric(page, "Top client share")).to_have_text("87.5%")
    page.get_by_text("ООО Ромашка brings 88% of your revenue", exact=False).wait_for()
