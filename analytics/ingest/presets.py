"""Platform export layouts (presets): which columns of a known export are the date, the client and
the amount, and which of its rows are income.

A preset is recognised from the header (every name of its ``signature`` present, compared with
:func:`.mapping.normalise_header`, so case, ``*`` marks and extra spaces do not matter) or chosen by
hand with ``ImportSettings(preset=NAME)``; ``ImportSettings(preset="generic")`` turns recognition
off. The plan names the preset it uses (``ImportPlan.preset``). Where an export has both a gross and
a net amount, ``ImportSettings(amount_kind="gross"|"net")`` chooses (default: gross).

Rows a preset does not count as income are **not dropped**: they are listed with the rejected rows,
with their line and a reason that starts with ``not income:`` (for example
``not income: PayPal 'General Withdrawal'``), so the user sees every line the file had.

The layouts below are from each platform's own help pages (titles as the platforms name them). The
columns of an export can differ by account settings, region, language and version, and platforms
rename columns over time: every role therefore lists the header spellings it accepts, in order of
preference, and the user can change the column mapping on the upload page.

``stripe`` — Stripe Dashboard, Payments → Export ("Payments export columns", unified payments CSV)
    Columns: ``id, Description, Seller Message, Created (UTC) | Created date (UTC), Amount, Amount
    Refunded, Currency, Converted Amount, Converted Amount Refunded, Fee, Taxes On Fee | Tax,
    Converted Currency, Mode, Status, Statement Descriptor, Customer ID, Customer Description,
    Customer Email, Captured, Card …, Invoice ID, …``. There is no net column: ``Amount`` is what
    the customer was charged in ``Currency``; ``Fee`` is Stripe's fee in the account's settlement
    currency (``Converted Currency``). Client: ``Customer Description``, and on rows where it is
    empty ``Customer Email``. Date: ``Created (UTC)``.
    **Gross** = ``Amount − Amount Refunded`` in ``Currency``. **Net** = ``Converted Amount −
    Converted Amount Refunded − Fee`` in ``Converted Currency`` (what reached the Stripe balance).
    Income: ``Status`` Paid, succeeded, Refunded or Partially refunded (the refunded part is taken
    off by the formula above); a charge refunded in full is ``not income: refunded in full`` (its
    fee is not counted either); Failed, Canceled, Pending, Uncaptured… are not income, nor are
    ``Mode`` Test payments or ``Captured`` false.

``paypal`` — PayPal, Activity → Statements → "Activity download" (CSV, "Balance affecting")
    Columns: ``Date, Time, TimeZone, Name, Type, Status, Currency, Gross, Fee, Net, From Email
    Address, To Email Address, Transaction ID, …, Item Title, …, Subject, Note, …, Balance Impact``.
    Client: ``Name``. Date: ``Date``. **Gross** = ``Gross``; **net** = ``Net`` (= Gross + Fee, the
    fee being negative), both in ``Currency``.
    Income: ``Status`` Completed (also Refunded, Partially Refunded and Reversed: a payment that was
    completed and later returned; the return is its own row, with a negative amount) and a payment
    ``Type`` (see ``_PAYPAL_PAYMENTS``) with a positive amount; a negative payment is money you sent:
    ``not income: outgoing payment``. Refunds you gave (``Payment Refund``, ``Payment Reversal``,
    ``Chargeback``; negative amounts) are negative income of that client; a positive refund is
    money returned to you for a purchase: ``not income: refund received``. Every other type —
    transfers and withdrawals to a bank, bank deposits, currency conversions, holds, authorisations,
    fees — is not income.

``upwork`` — Upwork, Reports → "Transaction history" (freelancer), Download CSV
    Columns: ``Date, Ref ID, Type, Description, Agency, Freelancer, Team, Account Name, PO,
    Amount, Amount in local currency, Currency, Balance``. Client: ``Client`` where the export has
    it, else ``Team`` (the client's team/company). Date: ``Date`` (``Sep 8, 2024``). Amount:
    ``Amount``, in US dollars (a freelancer's Upwork balance is kept in USD; ``Amount in local
    currency``/``Currency`` are the local equivalent and are not used), so the currency is USD
    unless the user says otherwise.
    Income: ``Type`` Hourly, Fixed Price (Fixed-price), Bonus, Milestone with a positive amount;
    ``Refund`` with a negative amount is negative income. **Gross** counts the earnings only;
    **net** also counts each ``Service Fee`` row as negative income of its client (Upwork's fee on
    that client's work). Withdrawals, Withdrawal Fees, Membership Fees, Connects and everything else
    are not income (they belong to no client).

``quickbooks`` — QuickBooks Online, Reports → "Invoice List" (export to CSV/Excel)
    Columns: ``Date, Transaction Type?, Num, Customer, Memo/Description?, Due Date, Amount, Open
    Balance, Status?``. Client: ``Customer``. Date: ``Date`` (the invoice date). Amount: ``Amount``
    (the invoice total).
    Income: every issued invoice, paid or not (revenue is counted when invoiced, as the report
    lists it); ``Status`` Voided, Deleted or Draft is not income; where a ``Transaction Type``
    column is present, Invoice and Sales Receipt are income, Credit Memo and Refund Receipt
    negative income, other types not income. The report's ``TOTAL`` line is a totals row.

``xero`` — Xero, Business → Invoices → Export ("Invoice export", CSV; also the sales-invoice import
template), one row per invoice **line**
    Columns: ``ContactName, EmailAddress, PO…/SA… address, InvoiceNumber, Reference, InvoiceDate,
    DueDate, PlannedDate, Total, TaxTotal, InvoiceAmountPaid, InvoiceAmountDue, InventoryItemCode,
    Description, Quantity, UnitAmount, Discount, LineAmount, AccountCode, TaxType, TaxAmount,
    Tracking…, Currency, Type, Sent, Status``. Client: ``ContactName`` (``Contact``, ``To`` in
    other Xero layouts). Date: ``InvoiceDate``. Amount: ``LineAmount`` (one line; ``Total`` repeats
    the invoice total on every line and is not used), as the invoice states it (tax exclusive or
    inclusive per invoice), so there is no gross/net choice.
    Income: ``Status`` other than Draft, Awaiting Approval (Submitted), Voided, Deleted; ``Type``
    Sales invoice (ACCREC) is income, Sales credit note (ACCRECCREDIT) negative income, others
    (Bill, overpayments, prepayments) not income.

``freshbooks`` — FreshBooks, Reports → "Invoice Details" (export CSV), one row per invoice line
    Columns: ``Client, Invoice #, Date Issued, Invoice Status, Date Paid, Item Name, Item
    Description, Rate, Quantity, Discount Percentage, Line Subtotal, Tax 1 Type, Tax 1 Amount,
    Tax 2 Type, Tax 2 Amount, Line Total, Currency``. Client: ``Client`` (``Organization``).
    Date: ``Date Issued``. **Gross** = ``Line Total`` (with tax); **net** = ``Line Subtotal``
    (before tax), in ``Currency``.
    Income: every issued invoice; ``Invoice Status`` Draft is not income.

``bank`` — any bank statement (no fixed layout; recognised by :func:`looks_like_bank_statement`)
    A credit/debit pair of columns, or one signed amount. Only incoming payments are income (a
    credit above zero, or a positive signed amount); outgoing payments (debits, negative amounts)
    are ``not income: outgoing payment``, and a row of zero is ``not income: zero amount``. The
    counterparty column is the client. In any other (generic) file a negative amount stays what it
    is, a refund: negative income.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import IngestError
from .mapping import ColumnMapping, normalise_header

GENERIC = "generic"  # ImportSettings(preset=GENERIC): no preset, not a bank statement
BANK = "bank"
AMOUNT_KINDS = ("gross", "net")

Names = tuple[str, ...]  # header spellings of one column, normalised, in order of preference


@dataclass(frozen=True)
class ValueRule:
    """A text column that decides whether a row is income: with ``allowed``, only those values are
    (an empty cell is not); with ``denied``, every value but those is. Values are compared trimmed
    and lower-cased. A file without the column is not checked."""

    column: Names
    label: str  # how the reason names it: "not income: {label} 'Failed'"
    allowed: frozenset[str] = frozenset()
    denied: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TypeRule:
    """The transaction-type column: ``income`` types count as they are, ``refunds`` as negative
    income, ``net_only`` (per-client fees) as negative income with net amounts and not at all with
    gross amounts; any other type is not income."""

    column: Names
    label: str
    income: frozenset[str]
    refunds: frozenset[str] = frozenset()
    net_only: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AmountSpec:
    """Amount = ``column`` − ``refunded`` − each of ``fees`` (absolute values; empty cells are 0),
    in the currency of ``currency`` (when the file has it)."""

    column: Names
    currency: Names = ()
    refunded: Names = ()
    fees: tuple[Names, ...] = ()


@dataclass(frozen=True)
class Preset:
    name: str
    label: str  # for the UI: "PayPal activity download"
    source: str  # the platform's help page the layout is documented on
    signature: tuple[str, ...]  # header names (as the platform writes them) that must all be present
    date: Names
    client: Names  # the first present is the client; the others fill rows where it is empty
    gross: AmountSpec
    net: AmountSpec | None = None
    description: Names = ()
    category: Names = ()
    transaction_id: Names = ()  # the export's own row id (a re-import dedupes on it)
    due_date: Names = ()  # invoice exports: when the invoice was due …
    paid_date: Names = ()  # … and when it was paid
    rules: tuple[ValueRule, ...] = ()
    types: TypeRule | None = None
    signed: bool = False  # payments: a negative amount of an income type is money sent, not income
    currency: str | None = None  # the currency when the file names none (and the user gave none)

    @property
    def has_net(self) -> bool:
        return self.net is not None

    def missing(self, columns: tuple[str, ...]) -> list[str]:
        """The signature columns ``columns`` lacks (compared normalised)."""
        present = {normalise_header(c) for c in columns}
        return [name for name in self.signature if normalise_header(name) not in present]


def _n(*names: str) -> Names:
    return tuple(normalise_header(n) for n in names)


def _set(*values: str) -> frozenset[str]:
    return frozenset(v.lower() for v in values)


_PAYPAL_PAYMENTS = _set(
    "General Payment", "Express Checkout Payment", "Website Payment", "Mobile Payment", "Subscription Payment",
    "Recurring Payment", "Pre-approved Payment Bill User Payment", "PreApproved Payment Bill User Payment",
    "Invoice Payment", "Payment Received", "Web Accept Payment Received", "Shopping Cart Payment Received",
    "Virtual Terminal Transaction", "Direct Credit Card Payment", "Donation Payment", "eBay Auction Payment",
    "Mass Pay Payment", "Mass Payment", "Instant Payment", "Buyer Credit Payment", "Payment",
)

PRESETS: tuple[Preset, ...] = (
    Preset(
        name="stripe",
        label="Stripe payments export",
        source="Stripe Docs, \"Payments export columns\" (Dashboard → Payments → Export, unified payments CSV)",
        signature=("Amount", "Amount Refunded", "Currency", "Status", "Customer Email"),
        date=_n("Created (UTC)", "Created date (UTC)", "Created"),
        client=_n("Customer Description", "Customer Email"),
        gross=AmountSpec(_n("Amount"), currency=_n("Currency"), refunded=_n("Amount Refunded")),
        net=AmountSpec(
            _n("Converted Amount"), currency=_n("Converted Currency"), refunded=_n("Converted Amount Refunded"),
            fees=(_n("Fee"),),
        ),
        description=_n("Description"),
        transaction_id=_n("id"),
        rules=(
            ValueRule(
                _n("Status"), "Stripe status", allowed=_set("Paid", "succeeded", "Refunded", "Partially refunded")
            ),
            ValueRule(_n("Mode"), "Stripe mode", denied=_set("Test")),
            ValueRule(_n("Captured"), "Stripe captured", denied=_set("false")),
        ),
        signed=True,
    ),
    Preset(
        name="paypal",
        label="PayPal activity download",
        source="PayPal Help Center, \"Activity download\" (Activity → Statements → Activity download, CSV)",
        signature=("Name", "Type", "Status", "Currency", "Gross", "Fee", "Net"),
        date=_n("Date"),
        client=_n("Name"),
        gross=AmountSpec(_n("Gross"), currency=_n("Currency")),
        net=AmountSpec(_n("Net"), currency=_n("Currency")),
        description=_n("Item Title", "Subject", "Note"),
        transaction_id=_n("Transaction ID"),
        rules=(
            ValueRule(
                _n("Status"), "PayPal status",
                allowed=_set("Completed", "Refunded", "Partially Refunded", "Reversed"),
            ),
        ),
        types=TypeRule(
            _n("Type"), "PayPal", income=_PAYPAL_PAYMENTS,
            refunds=_set("Payment Refund", "Payment Reversal", "Chargeback", "Refund"),
        ),
        signed=True,
    ),
    Preset(
        name="upwork",
        label="Upwork transaction history",
        source="Upwork Help Center, \"Transaction history\" (Reports → Transaction history → Download CSV)",
        signature=("Date", "Ref ID", "Type", "Amount"),
        date=_n("Date"),
        client=_n("Client", "Client Name", "Team"),
        gross=AmountSpec(_n("Amount")),
        net=AmountSpec(_n("Amount")),
        description=_n("Description"),
        transaction_id=_n("Ref ID"),
        types=TypeRule(
            _n("Type", "Transaction type"), "Upwork",
            income=_set("Hourly", "Fixed Price", "Fixed-price", "Bonus", "Milestone"),
            refunds=_set("Refund"),
            net_only=_set("Service Fee"),
        ),
        signed=True,
        currency="USD",
    ),
    Preset(
        name="quickbooks",
        label="QuickBooks Online invoice list",
        source="QuickBooks Online Help, \"Invoice List\" report (Reports → Invoice List → Export to CSV/Excel)",
        signature=("Date", "Customer", "Amount", "Open Balance"),
        date=_n("Date", "Invoice Date"),
        client=_n("Customer", "Customer full name"),
        gross=AmountSpec(_n("Amount", "Total"), currency=_n("Currency")),
        description=_n("Memo/Description", "Num", "No."),
        transaction_id=_n("Num", "No."),
        due_date=_n("Due Date"),
        rules=(ValueRule(_n("Status"), "QuickBooks status", denied=_set("Voided", "Void", "Deleted", "Draft")),),
        types=TypeRule(
            _n("Transaction Type"), "QuickBooks", income=_set("Invoice", "Sales Receipt"),
            refunds=_set("Credit Memo", "Refund Receipt"),
        ),
    ),
    Preset(
        name="xero",
        label="Xero invoice export",
        source="Xero Central, \"Export invoices\" / invoice import template (Business → Invoices → Export, CSV)",
        signature=("ContactName", "InvoiceNumber", "InvoiceDate", "LineAmount"),
        date=_n("InvoiceDate"),
        client=_n("ContactName", "Contact", "To"),
        gross=AmountSpec(_n("LineAmount"), currency=_n("Currency")),
        description=_n("Description", "InvoiceNumber"),
        transaction_id=_n("InvoiceNumber"),
        due_date=_n("DueDate"),
        rules=(
            ValueRule(
                _n("Status"), "Xero status",
                denied=_set("Draft", "Awaiting Approval", "Submitted", "Voided", "Deleted"),
            ),
        ),
        types=TypeRule(
            _n("Type"), "Xero", income=_set("Sales invoice", "ACCREC"),
            refunds=_set("Sales credit note", "ACCRECCREDIT"),
        ),
    ),
    Preset(
        name="freshbooks",
        label="FreshBooks invoice details",
        source="FreshBooks Support, \"Invoice Details Report\" (Reports → Invoice Details → Export CSV)",
        signature=("Client", "Invoice #", "Date Issued"),
        date=_n("Date Issued"),
        client=_n("Client", "Organization"),
        gross=AmountSpec(_n("Line Total", "Total", "Amount"), currency=_n("Currency")),
        net=AmountSpec(_n("Line Subtotal", "Subtotal"), currency=_n("Currency")),
        description=_n("Item Name", "Item Description", "Invoice #"),
        transaction_id=_n("Invoice #"),
        due_date=_n("Due Date"),
        paid_date=_n("Date Paid", "Paid Date"),
        rules=(ValueRule(_n("Invoice Status", "Status"), "FreshBooks status", denied=_set("Draft")),),
    ),
    Preset(
        name=BANK,
        label="Bank statement",
        source="any bank's statement export: a credit/debit pair of columns or one signed amount",
        signature=(),
        date=(),
        client=(),
        gross=AmountSpec(()),
        signed=True,
    ),
)

_BY_NAME = {p.name: p for p in PRESETS}

#: Headers of a running balance or of a payer-or-payee column: only bank statements have them, so a
#: file with one is read as a bank statement (negative amounts are outgoing payments).
BANK_HEADERS = frozenset(_n(
    "Balance", "Running Balance", "Account Balance", "Saldo", "Saldo po operacji", "Saldo po transakcji",
    "Kontostand", "Остаток", "Остаток по счету", "Остаток на счете",
    "Payer/Payee", "Payee/Payer", "Auftraggeber/Empfänger", "Beguenstigter/Zahlungspflichtiger",
    "Begünstigter/Zahlungspflichtiger", "Nadawca/Odbiorca", "Nadawca / Odbiorca", "Отправитель/Получатель",
    "Плательщик/Получатель",
))


def get(name: str | None) -> Preset | None:
    """The preset called ``name`` (None or "generic": none); IngestError for an unknown name."""
    if name is None or name == GENERIC:
        return None
    if name not in _BY_NAME:
        raise IngestError(f"Unknown file layout {name!r}; choose one of: {', '.join([GENERIC, *_BY_NAME])}.")
    return _BY_NAME[name]


def detect(columns: tuple[str, ...]) -> Preset | None:
    """The first preset (in ``PRESETS`` order) whose whole signature is among ``columns``."""
    return next((p for p in PRESETS if p.signature and not p.missing(columns)), None)


def looks_like_bank_statement(columns: tuple[str, ...], mapping: ColumnMapping) -> bool:
    """A bank statement: the mapping has a credit/debit column, or a header is a running balance or
    a payer-or-payee column (:data:`BANK_HEADERS`)."""
    return mapping.has_credit_debit or any(normalise_header(c) in BANK_HEADERS for c in columns)


def find(columns: tuple[str, ...], names: Names) -> str | None:
    """The file's column (as spelled in the file) for the first of ``names`` it has."""
    by_norm: dict[str, str] = {}
    for col in columns:
        by_norm.setdefault(normalise_header(col), col)
    return next((by_norm[n] for n in names if n in by_norm), None)


def check_amount_kind(preset: Preset | None, amount_kind: str | None) -> tuple[str | None, str | None]:
    """(the amount kind to use, a warning or None): "gross" by default where the preset has a net
    amount too, None where it has one amount only (a "net" request is then ignored, with a warning)."""
    if amount_kind is not None and amount_kind not in AMOUNT_KINDS:
        raise IngestError(f"Amount kind must be 'gross' or 'net', not {amount_kind!r}.")
    if preset is None or not preset.has_net:
        warning = None
        if amount_kind == "net":
            what = preset.label if preset else "This file"
            warning = (
                f"{what} has one amount column only, so there is no net amount to choose; "
                "the amounts are read as they are."
            )
        return None, warning
    return amount_kind or "gross", None


def amount_spec(preset: Preset, amount_kind: str | None) -> AmountSpec:
    return preset.net if amount_kind == "net" and preset.net else preset.gross


def mapping_for(preset: Preset, columns: tuple[str, ...], amount_kind: str | None) -> ColumnMapping:
    """The column mapping a preset gives this file's columns (roles it cannot find stay None)."""
    spec = amount_spec(preset, amount_kind)
    transaction_id = find(columns, preset.transaction_id)
    # A column plays one role: the invoice number is the row id first, the description only without one.
    others = tuple(c for c in columns if c != transaction_id)
    return ColumnMapping(
        date=find(columns, preset.date),
        client=find(columns, preset.client),
        amount=find(columns, spec.column),
        currency=find(columns, spec.currency),
        category=find(columns, preset.category),
        description=find(others, preset.description),
        transaction_id=transaction_id,
        due_date=find(columns, preset.due_date),
        paid_date=find(columns, preset.paid_date),
    )


def choose(requested: str | None, columns: tuple[str, ...], mapping: ColumnMapping) -> Preset | None:
    """The layout to read the file with: ``requested`` by name (IngestError when the header lacks
    one of its signature columns), or,
    when None, the preset the header matches, else "bank" when the file looks like a bank
    statement (see :func:`looks_like_bank_statement` for ``mapping``), else None (generic)."""
    if requested is None:
        found = detect(columns)
        if found is None and looks_like_bank_statement(columns, mapping):
            found = _BY_NAME[BANK]
        return found
    preset = get(requested)
    if preset is not None and (missing := preset.missing(columns)):
        raise IngestError(
            f"This file does not look like a {preset.label}: it has no column {', '.join(missing)} "
            f"(columns: {', '.join(columns)}). Choose another layout or 'generic'."
        )
    return preset


def bank_if_credit_debit(preset: Preset | None, mapping: ColumnMapping) -> Preset | None:
    """A credit/debit mapping is a bank statement whatever was chosen: debits are outgoing payments,
    never refunds. (A platform preset keeps its own rules.)"""
    if mapping.has_credit_debit and (preset is None or not preset.signature):
        return _BY_NAME[BANK]
    return preset
