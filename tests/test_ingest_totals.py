"""Totals rows ("Total", "Итого", "Razem", "Summe"…, or a dateless row that sums the rows above)
are never income: they are listed as rejected with the reason "totals row, not income".

Every expected total, line and reason is worked out by hand from the literal file text.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from analytics.ingest import import_file
from ingest_helpers import totals, write_csv

D = Decimal
TOTALS = "totals row, not income"


def reasons(result) -> list[tuple[int, str]]:
    return [(r.line, r.reason) for r in result.rejected]


@pytest.mark.parametrize(
    ("text", "totals_lines", "expected"),
    [
        (  # English: "Total" in the client column, with and without a date
            "Date,Client,Amount\n"  # 1
            "2024-01-05,Acme,100.00\n"  # 2
            "2024-01-06,Beta,50.00\n"  # 3
            "2024-01-31,Total,150.00\n"  # 4
            ",TOTAL EUR,150.00\n",  # 5
            [4, 5],
            {"Acme": D("100.00"), "Beta": D("50.00")},
        ),
        (  # Russian: "Итого:" in the date column (the first cell of the row)
            "Дата;Контрагент;Сумма\n"  # 1
            "05.03.2024;ООО Ромашка;1 000,00\n"  # 2
            "06.03.2024;ИП Лютиков;500,00\n"  # 3
            "Итого:;;1 500,00\n"  # 4
            "Всего;;1 500,00\n",  # 5
            [4, 5],
            {"ООО Ромашка": D("1000.00"), "ИП Лютиков": D("500.00")},
        ),
        (  # Polish: "RAZEM" / "Suma (PLN)" in the client column of a dateless row
            "Data;Kontrahent;Kwota\n"  # 1
            "05.03.2024;Firma A;200,00\n"  # 2
            "06.03.2024;Firma B;300,00\n"  # 3
            ";RAZEM;500,00\n"  # 4
            ";Suma (PLN):;500,00\n",  # 5
            [4, 5],
            {"Firma A": D("200.00"), "Firma B": D("300.00")},
        ),
        (  # German: "Summe" and "Gesamt" in the first column, the date further right
            "Kunde;Datum;Betrag\n"  # 1
            "Müller GmbH;05.03.2024;1.000,00\n"  # 2
            "Schmidt KG;06.03.2024;250,50\n"  # 3
            "Summe;;1.250,50\n"  # 4
            "Gesamt:;;1.250,50\n",  # 5
            [4, 5],
            {"Müller GmbH": D("1000.00"), "Schmidt KG": D("250.50")},
        ),
    ],
    ids=["en", "ru", "pl", "de"],
)
def test_totals_words(tmp_path, db, text, totals_lines, expected):
    result = import_file(db, write_csv(tmp_path, text))
    assert reasons(result) == [(line, TOTALS) for line in totals_lines]
    assert totals(db, result.dataset.id) == expected


def test_a_dateless_row_that_sums_the_rows_above(tmp_path, db):
    text = (
        "Date,Client,Amount,Note\n"  # 1
        "2024-01-05,Acme,100.00,\n"  # 2
        "2024-01-06,Beta,50.00,\n"  # 3
        ",,150.00,January\n"  # 4 = 100 + 50: a subtotal
        "2024-02-01,Acme,30.00,\n"  # 5
        "2024-02-02,Beta,20.00,\n"  # 6
        ",,50.00,February\n"  # 7 = 30 + 20 (the rows since the previous subtotal)
        ",Gamma,40.00,\n"  # 8 no date, and 40 is not the sum above (nothing since line 7)
        "2024-03-01,Acme,25.00,\n"  # 9
        ",Beta,25.00,\n"  # 10 no date; 25 equals the one row above, but a total sums two rows or more
    )
    result = import_file(db, write_csv(tmp_path, text))
    assert reasons(result) == [(4, TOTALS), (7, TOTALS), (8, "missing date"), (10, "missing date")]
    # Acme 100 + 30 + 25 = 155.00; Beta 50 + 20 = 70.00
    assert totals(db, result.dataset.id) == {"Acme": D("155.00"), "Beta": D("70.00")}


def test_clients_whose_names_start_like_a_total_are_clients(tmp_path, db):
    text = (
        "Date,Client,Amount\n"
        "2024-01-05,Total Fitness Ltd,100.00\n"
        "2024-01-06,Sum Ltd,50.00\n"
        "2024-01-07,Balance Studio,25.00\n"
        "2024-01-08,Gesamtschule Nord,10.00\n"
    )
    result = import_file(db, write_csv(tmp_path, text))
    assert result.rejected == []
    assert totals(db, result.dataset.id) == {
        "Total Fitness Ltd": D("100.00"), "Sum Ltd": D("50.00"), "Balance Studio": D("25.00"),
        "Gesamtschule Nord": D("10.00"),
    }
