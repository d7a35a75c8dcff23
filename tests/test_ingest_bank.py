"""Bank statements: a credit/debit pair of columns or one signed amount; only incoming payments are
income, outgoing ones are listed as not income. Generic files keep negative amounts as refunds.

Every expected mapping is read off the literal header; every total, line and reason is worked out
by hand from the literal file text in a comment beside it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from analytics.ingest import ColumnMapping, ImportSettings, IngestError, import_file, inspect_file
from analytics.ingest.mapping import guess_from_headers
from ingest_helpers import totals, write_csv

D = Decimal


def reasons(result) -> list[tuple[int, str]]:
    return [(r.line, r.reason) for r in result.rejected]


def plan_of(path, settings: ImportSettings = ImportSettings()):
    plan = inspect_file(path, settings)
    plan.close()
    return plan


# -- credit/debit pairs -----------------------------------------------------------------------------

POLISH = (
    "Data operacji;Opis operacji;Nadawca/Odbiorca;Uznania;Obciążenia;Saldo\n"  # 1
    "02.01.2024;Przelew przychodzący FV 1/2024;Firma Alfa Sp. z o.o.;5 000,00;;15 000,00\n"  # 2 in
    "03.01.2024;Opłata za prowadzenie rachunku;mBank S.A.;;12,00;14 988,00\n"  # 3 out
    "10.01.2024;Przelew FV 2/2024;Beta S.A.;2 460,00;;17 448,00\n"  # 4 in
    "15.01.2024;Składki ZUS;Zakład Ubezpieczeń Społecznych;;1 600,32;15 847,68\n"  # 5 out
    "20.01.2024;Przelew FV 3/2024;Firma Alfa Sp. z o.o.;1 230,50;;17 078,18\n"  # 6 in
    ";Saldo końcowe;;;;17 078,18\n"  # 7 closing balance
)


def test_polish_credit_debit_statement(tmp_path, db):
    path = write_csv(tmp_path, POLISH)
    plan = plan_of(path)
    assert plan.preset == "bank" and plan.preset_label == "Bank statement"
    assert plan.mapping == ColumnMapping(
        date="Data operacji", client="Nadawca/Odbiorca", description="Opis operacji", credit="Uznania", debit="Obciążenia"
    )
    assert plan.decimal.value == ","
    result = import_file(db, path)
    assert reasons(result) == [
        (3, "not income: outgoing payment"),
        (5, "not income: outgoing payment"),
        (7, "totals row, not income"),  # its first cell is "Saldo końcowe"
    ]
    # Firma Alfa 5,000.00 + 1,230.50 = 6,230.50; Beta 2,460.00
    assert totals(db, result.dataset.id) == {"Firma Alfa Sp. z o.o.": D("6230.50"), "Beta S.A.": D("2460.00")}


GERMAN = (
    "Buchungstag;Valuta;Auftraggeber/Empfänger;Verwendungszweck;Soll;Haben;Währung\n"  # 1
    "02.01.2024;02.01.2024;Müller GmbH;RE 2024-001;;1.190,00;EUR\n"  # 2 in
    "05.01.2024;05.01.2024;Stadtwerke Köln;Strom Januar;-85,40;;EUR\n"  # 3 out (written negative)
    "12.01.2024;12.01.2024;Schmidt & Co. KG;RE 2024-002;;2.380,00;EUR\n"  # 4 in
    "31.01.2024;31.01.2024;Müller GmbH;RE 2024-003;;595,00;EUR\n"  # 5 in
    "31.01.2024;31.01.2024;Finanzamt;USt 4. Quartal;1.000,00;;EUR\n"  # 6 out (written positive)
)


def test_german_soll_haben_statement(tmp_path, db):
    path = write_csv(tmp_path, GERMAN)
    plan = plan_of(path)
    assert plan.preset == "bank"
    assert plan.mapping == ColumnMapping(
        date="Buchungstag", client="Auftraggeber/Empfänger", currency="Währung", description="Verwendungszweck",
        credit="Haben", debit="Soll",
    )
    result = import_file(db, path)
    assert reasons(result) == [(3, "not income: outgoing payment"), (6, "not income: outgoing payment")]
    # Müller GmbH 1,190.00 + 595.00 = 1,785.00; Schmidt & Co. KG 2,380.00
    assert totals(db, result.dataset.id) == {"Müller GmbH": D("1785.00"), "Schmidt & Co. KG": D("2380.00")}
    assert result.dataset.base_currency == "EUR"


RUSSIAN = (
    "Дата;Контрагент;Приход;Расход;Назначение платежа\n"  # 1
    "05.02.2024;ООО Ромашка;150 000,00;;Оплата по счету 12\n"  # 2 in
    "06.02.2024;ИП Петров;;20 000,00;Аренда офиса\n"  # 3 out
    "12.02.2024;АО Лютик;75 500,50;;Оплата по счету 13\n"  # 4 in
    "20.02.2024;ООО Ромашка;50 000,00;;Оплата по счету 14\n"  # 5 in
    ";Итого;275 500,50;20 000,00;\n"  # 6 totals
)


def test_russian_prihod_rashod_statement(tmp_path, db):
    path = write_csv(tmp_path, RUSSIAN)
    assert plan_of(path).mapping == ColumnMapping(
        date="Дата", client="Контрагент", description="Назначение платежа", credit="Приход", debit="Расход"
    )
    result = import_file(db, path)
    assert reasons(result) == [(3, "not income: outgoing payment"), (6, "totals row, not income")]
    # ООО Ромашка 150,000.00 + 50,000.00 = 200,000.00; АО Лютик 75,500.50
    assert totals(db, result.dataset.id) == {"ООО Ромашка": D("200000.00"), "АО Лютик": D("75500.50")}


def test_money_in_money_out(tmp_path, db):
    text = (
        "Date,Counterparty,Reference,Money out,Money in,Balance\n"  # 1
        "2024-06-03,Fabrikam Ltd,INV-31,,1200.00,3200.00\n"  # 2 in
        "2024-06-04,HMRC,VAT Q1,800.00,,2400.00\n"  # 3 out
        "2024-06-10,Tailspin Toys,INV-32,,450.00,2850.00\n"  # 4 in
        "2024-06-11,Fabrikam Ltd,INV-33,0.00,0.00,2850.00\n"  # 5 nothing moved
    )
    result = import_file(db, write_csv(tmp_path, text))
    assert reasons(result) == [(3, "not income: outgoing payment"), (5, "not income: zero amount")]
    # Fabrikam Ltd 1,200.00; Tailspin Toys 450.00
    assert totals(db, result.dataset.id) == {"Fabrikam Ltd": D("1200.00"), "Tailspin Toys": D("450.00")}


# -- signed amounts ---------------------------------------------------------------------------------

SIGNED = (
    "Date,Description,Counterparty,Amount,Balance\n"  # 1
    "2024-05-02,Invoice 17,Northwind Ltd,1500.00,4500.00\n"  # 2 in
    "2024-05-03,Card payment,Coffee Shop,-4.50,4495.50\n"  # 3 out
    "2024-05-10,Invoice 18,Contoso plc,2200.00,6695.50\n"  # 4 in
    "2024-05-15,Refund to customer,Northwind Ltd,-300.00,6395.50\n"  # 5 out
    "2024-05-20,Invoice 19,Northwind Ltd,750.00,7145.50\n"  # 6 in
    "2024-05-31,Card check,Bank,0.00,7145.50\n"  # 7 zero
)
BANK_REASONS = [(3, "not income: outgoing payment"), (5, "not income: outgoing payment"), (7, "not income: zero amount")]
# as a bank statement: Northwind Ltd 1,500.00 + 750.00 = 2,250.00; Contoso plc 2,200.00
BANK_TOTALS = {"Northwind Ltd": D("2250.00"), "Contoso plc": D("2200.00")}
# as a generic file: Northwind Ltd 1,500.00 − 300.00 + 750.00 = 1,950.00; Contoso plc 2,200.00;
# Coffee Shop −4.50 and Bank 0.00 (a generic negative amount is a refund)
GENERIC_TOTALS = {
    "Northwind Ltd": D("1950.00"), "Contoso plc": D("2200.00"), "Coffee Shop": D("-4.50"), "Bank": D("0.00"),
}
NO_BALANCE = "\n".join(line.rsplit(",", 1)[0] for line in SIGNED.splitlines()) + "\n"


def test_signed_amount_with_a_running_balance_is_a_bank_statement(tmp_path, db):
    path = write_csv(tmp_path, SIGNED)
    assert plan_of(path).preset == "bank"  # the "Balance" column says so
    result = import_file(db, path)
    assert reasons(result) == BANK_REASONS
    assert totals(db, result.dataset.id) == BANK_TOTALS


def test_signed_amount_without_bank_signs_is_generic(tmp_path, db):
    path = write_csv(tmp_path, NO_BALANCE)
    assert NO_BALANCE.splitlines()[0] == "Date,Description,Counterparty,Amount"
    assert plan_of(path).preset is None
    result = import_file(db, path)
    assert result.rejected == []
    assert totals(db, result.dataset.id) == GENERIC_TOTALS


def test_bank_chosen_by_hand(tmp_path, db):
    result = import_file(db, write_csv(tmp_path, NO_BALANCE), ImportSettings(preset="bank"))
    assert reasons(result) == BANK_REASONS
    assert totals(db, result.dataset.id) == BANK_TOTALS


def test_generic_chosen_by_hand_keeps_refunds(tmp_path, db):
    result = import_file(db, write_csv(tmp_path, SIGNED), ImportSettings(preset="generic"))
    assert result.rejected == []
    assert totals(db, result.dataset.id) == GENERIC_TOTALS


# -- the mapping ------------------------------------------------------------------------------------


def test_existing_callers_keep_working():
    assert ColumnMapping("Date", "Client", "Amount") == ColumnMapping(date="Date", client="Client", amount="Amount")
    assert ColumnMapping(date="Date", client="Client", amount="Amount").missing_required() == []
    assert ColumnMapping(date="Date", client="Client", credit="In").missing_required() == []
    assert ColumnMapping(date="Date", client="Client", debit="Out").missing_required() == ["amount"]
    assert ColumnMapping(date="Date").missing_required() == ["client", "amount"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (("Date", "Payer", "Credit", "Debit"), ("Payer", None, "Credit", "Debit")),
        (("Datum", "Auftraggeber", "Soll", "Haben"), ("Auftraggeber", None, "Haben", "Soll")),
        (("Data", "Kontrahent", "Wn", "Ma"), ("Kontrahent", None, "Ma", "Wn")),
        (("Дата", "Контрагент", "Поступление", "Списание"), ("Контрагент", None, "Поступление", "Списание")),
        # one side alone says nothing: "Приход" alone is the amount
        (("Дата", "Контрагент", "Приход"), ("Контрагент", "Приход", None, None)),
    ],
)
def test_credit_debit_pairs_from_headers(header, expected):
    m = guess_from_headers(header)
    assert (m.client, m.amount, m.credit, m.debit) == expected


def test_amount_and_credit_together_are_refused(tmp_path, db):
    path = write_csv(tmp_path, GERMAN)
    both = ColumnMapping(date="Buchungstag", client="Auftraggeber/Empfänger", amount="Haben", credit="Haben")
    with pytest.raises(IngestError) as info:
        import_file(db, path, ImportSettings(mapping=both))
    assert info.value.message == "Column 'Haben' is mapped to two roles; each column can play one role only."
    both = ColumnMapping(date="Buchungstag", client="Auftraggeber/Empfänger", amount="Soll", credit="Haben")
    with pytest.raises(IngestError) as info:
        import_file(db, path, ImportSettings(mapping=both))
    assert info.value.message == "Choose either one amount column ('Soll') or a credit/debit pair of columns, not both."


def test_credit_column_alone_chosen_by_hand(tmp_path, db):
    # Only "Haben" chosen: the rows with an empty Haben cell have no amount; it is still a bank statement
    mapping = ColumnMapping(date="Buchungstag", client="Auftraggeber/Empfänger", credit="Haben")
    path = write_csv(tmp_path, GERMAN)
    assert plan_of(path, ImportSettings(mapping=mapping)).preset == "bank"
    result = import_file(db, path, ImportSettings(mapping=mapping))
    assert reasons(result) == [(3, "missing amount"), (6, "missing amount")]
    assert totals(db, result.dataset.id) == {"Müller GmbH": D("1785.00"), "Schmidt & Co. KG": D("2380.00")}
