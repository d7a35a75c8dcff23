"""Which column of the user's file is the date, the client, the amount… (the column mapping).

Guessed in two steps, and always shown to the user, who can change it:

1. **Header names**, in English, Russian, Polish and German (plus the usual export wordings of
   banks and invoicing tools): an exact match of the normalised name first, then a name that
   contains a synonym as a whole word.
2. **Values**, for required roles still missing: the column where most sample values parse as
   dates is the date; among the rest, where most parse as amounts is the amount; the remaining
   column with the most distinct text values is the client.

Bank statements often have no single amount but a **credit/debit pair** of columns ("Credit"/
"Debit", "Money in"/"Money out", "Haben"/"Soll", "Ma"/"Wn", "Uznania"/"Obciążenia",
"Приход"/"Расход", "Поступление"/"Списание"): the roles ``credit`` and ``debit``. They are guessed
only as a pair (both headers found; one of them alone says nothing, and "Приход" alone stays the
amount), and when they are, ``amount`` is left empty: a mapping has either one amount column or a
credit (and usually a debit) column, never both. :mod:`.records` turns the pair into one amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace

import duckdb

from . import values

REQUIRED_ROLES = ("date", "client", "amount")  # "amount" may be a credit column instead (see BANK_ROLES)
OPTIONAL_ROLES = ("currency", "category", "description", "transaction_id", "due_date", "paid_date")
BANK_ROLES = ("credit", "debit")  # a bank statement's money-in / money-out columns, instead of an amount
ROLES = REQUIRED_ROLES + OPTIONAL_ROLES + BANK_ROLES

#: Header synonyms per role, lower-case. Order matters only for readability.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": (
        "date", "payment date", "transaction date", "invoice date", "paid date", "date paid", "booking date",
        "value date", "created", "created date", "created (utc)", "day",
        "дата", "дата платежа", "дата операции", "дата оплаты", "дата поступления",
        "data", "data operacji", "data księgowania", "data transakcji", "data płatności", "data wpływu",
        "datum", "buchungsdatum", "buchungstag", "zahlungsdatum", "rechnungsdatum", "wertstellung", "valuta",
    ),
    "client": (
        "client", "customer", "client name", "customer name", "customer description", "company", "payer",
        "counterparty", "counterparty name", "payer name", "payer/payee", "other party", "from", "name",
        "bill to", "contact", "account name",
        "клиент", "контрагент", "плательщик", "заказчик", "покупатель", "наименование контрагента",
        "отправитель", "отправитель/получатель", "плательщик/получатель",
        "klient", "kontrahent", "nadawca", "płatnik", "zleceniodawca", "nazwa kontrahenta", "firma",
        "nadawca/odbiorca", "nadawca / odbiorca", "dane kontrahenta",
        "kunde", "auftraggeber", "zahlungspflichtiger", "kundenname", "name des kunden", "auftraggeber/empfänger",
        "beguenstigter/zahlungspflichtiger", "begünstigter/zahlungspflichtiger", "name zahlungsbeteiligter",
    ),
    "amount": (
        "amount", "sum", "total", "gross", "net", "value", "amount paid", "paid", "payment", "revenue", "income",
        "сумма", "сумма платежа", "приход", "поступление", "итого",
        "kwota", "kwota operacji", "wartość", "przychód", "suma",
        "betrag", "umsatz", "summe", "gesamt", "bruttobetrag", "nettobetrag", "einnahme",
    ),
    "currency": ("currency", "ccy", "curr", "валюта", "waluta", "währung", "waehrung"),
    "category": (
        "category", "service", "service line", "product", "project", "type of work",
        "категория", "услуга", "проект", "kategoria", "usługa", "projekt", "kategorie", "leistung",
    ),
    "description": (
        "description", "memo", "note", "notes", "details", "reference", "invoice", "invoice number",
        "описание", "назначение платежа", "комментарий", "opis", "tytuł", "tytul", "tytuł operacji",
        "beschreibung", "verwendungszweck", "notiz", "bemerkung",
    ),
    # The export's own id of each row: what a re-import of a newer export deduplicates on. Not
    # "No."/"#"/"Nr": in hand-kept sheets those are row numbers, which shift when rows are added.
    "transaction_id": (
        "id", "transaction id", "transaction reference", "ref id", "reference id", "payment id", "charge id",
        "receipt id", "transaction number", "txn id",
        "номер операции", "номер документа", "№ документа", "id операции", "идентификатор",
        "id transakcji", "numer transakcji", "numer referencyjny", "numer operacji",
        "transaktions-id", "transaktionsnummer", "transaktions id", "referenznummer",
    ),
    # Invoice exports: when the invoice was due and when it was paid (client health: days paid late).
    "due_date": (
        "due date", "due", "date due", "payment due", "invoice due date",
        "срок оплаты", "оплатить до", "termin płatności", "fälligkeitsdatum", "fällig am", "fällig",
        "zahlungsziel",
    ),
    "paid_date": (
        "paid date", "date paid", "paid on", "payment received", "last payment date", "fully paid date",
        "дата оплаты", "data zapłaty", "data płatności", "bezahlt am", "zahlungseingang",
    ),
    "credit": (
        "credit", "credits", "credit amount", "money in", "paid in", "deposit", "deposits", "incoming",
        "приход", "поступление", "поступления", "зачисление", "зачисления", "кредит",
        "uznania", "uznanie", "wpływy", "wpływ", "ma",
        "haben", "gutschrift", "gutschriften", "eingang", "eingänge",
    ),
    "debit": (
        "debit", "debits", "debit amount", "money out", "paid out", "withdrawal", "withdrawals", "outgoing",
        "расход", "списание", "списания", "дебет",
        "obciążenia", "obciążenie", "wypływy", "wypływ", "wn",
        "soll", "lastschrift", "lastschriften", "ausgang", "ausgänge",
    ),
}


@dataclass(frozen=True)
class ColumnMapping:
    """Column name for each role; optional roles may be None.

    ``credit``/``debit`` (bank statements) stand in for ``amount``: a mapping with a credit column
    needs no amount column (and must not have one: see :meth:`amount_conflict`).
    """

    date: str | None = None
    client: str | None = None
    amount: str | None = None
    currency: str | None = None
    category: str | None = None
    description: str | None = None
    transaction_id: str | None = None
    due_date: str | None = None
    paid_date: str | None = None
    credit: str | None = None
    debit: str | None = None

    def missing_required(self) -> list[str]:
        """The required roles with no column; ``amount`` counts as present when ``credit`` is."""
        return [
            role for role in REQUIRED_ROLES
            if getattr(self, role) is None and not (role == "amount" and self.credit is not None)
        ]

    @property
    def has_credit_debit(self) -> bool:
        return self.credit is not None or self.debit is not None

    def amount_conflict(self) -> bool:
        """True when both an amount column and a credit/debit column are chosen (one or the other)."""
        return self.amount is not None and self.has_credit_debit

    def as_dict(self) -> dict[str, str | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def duplicates(self) -> list[str]:
        used = [c for c in self.as_dict().values() if c is not None]
        return sorted({c for c in used if used.count(c) > 1})


def normalise_header(name: str) -> str:
    """Lower-case, no BOM, quotes, ``*`` marks (Xero marks its required columns ``*ContactName``) or
    ``#`` marks (mBank writes ``#Data operacji``) around it, runs of spaces/underscores as one space."""
    name = name.replace("\ufeff", "").strip().strip("\"'").lstrip("*#").lower()
    return re.sub(r"[\s_]+", " ", name).strip(" :.")


def guess_from_headers(columns: tuple[str, ...]) -> ColumnMapping:
    """Assign roles by header name; each column gets at most one role.

    The credit/debit pair is looked for first (exact names, then names containing a synonym) and
    kept only when both are found; the amount role is then left empty.
    """
    normalised = {col: normalise_header(col) for col in columns}
    chosen: dict[str, str] = {}
    credit = _find(normalised, "credit", ())
    debit = _find(normalised, "debit", (credit,))
    if credit and debit:
        chosen.update(credit=credit, debit=debit, amount=None)
    for exact in (True, False):
        for role in REQUIRED_ROLES + OPTIONAL_ROLES:
            if role in chosen:
                continue
            for col, norm in normalised.items():
                if col in chosen.values():
                    continue
                if _matches(norm, SYNONYMS[role], exact):
                    chosen[role] = col
                    break
    if "date" not in chosen and "paid_date" in chosen:  # a list of payments: the paid date is the date
        chosen["date"] = chosen.pop("paid_date")
    return ColumnMapping(**{role: col for role, col in chosen.items() if col is not None})


def _find(normalised: dict[str, str], role: str, taken: tuple[str | None, ...]) -> str | None:
    """The first column whose name is a synonym of ``role`` (exact names first), not in ``taken``."""
    for exact in (True, False):
        for col, norm in normalised.items():
            if col not in taken and _matches(norm, SYNONYMS[role], exact):
                return col
    return None


def _matches(norm: str, synonyms: tuple[str, ...], exact: bool) -> bool:
    if exact:
        return norm in synonyms
    return any(
        re.search(rf"(?<!\w){re.escape(s)}(?!\w)", norm) for s in synonyms if len(s) > 3 and s not in _TOO_GENERIC
    )


#: Synonyms matched only as the whole header: inside a longer name ("Product name", "Paid from")
#: they say nothing about the role.
_TOO_GENERIC = frozenset({"name", "from", "paid", "value", "contact", "invoice", "payment", "created", "data", "firma"})


def complete_from_values(
    con: duckdb.DuckDBPyConnection, sample: str, columns: tuple[str, ...], mapping: ColumnMapping
) -> ColumnMapping:
    """Fill the missing required roles from what the sample values look like.

    ``sample`` is a relation (table name) holding the first rows of the file as VARCHAR.
    """
    if not mapping.missing_required():
        return mapping
    profile = profile_columns(con, sample, columns)
    taken = {c for c in mapping.as_dict().values() if c}
    updates: dict[str, str] = {}

    def best(metric: str, minimum: float) -> str | None:
        candidates = [(p[metric], col) for col, p in profile.items() if col not in taken and p[metric] >= minimum]
        return max(candidates)[1] if candidates else None

    for role, metric, minimum in (("date", "date_share", 0.8), ("amount", "amount_share", 0.8)):
        if role == "amount" and mapping.credit is not None:
            continue  # the credit column is the amount
        if getattr(mapping, role) is None and (col := best(metric, minimum)):
            updates[role] = col
            taken.add(col)
    if mapping.client is None:
        text_cols = [
            (p["distinct"], col)
            for col, p in profile.items()
            if col not in taken and p["amount_share"] < 0.5 and p["date_share"] < 0.5 and p["filled_share"] >= 0.8
        ]
        if text_cols:
            updates["client"] = max(text_cols)[1]
    return replace(mapping, **updates)


def profile_columns(con: duckdb.DuckDBPyConnection, sample: str, columns: tuple[str, ...]) -> dict[str, dict]:
    """Per column: share of non-empty values that parse as a date / an amount, fill rate, distinct count."""
    selects = []
    for i, col in enumerate(columns):
        q = quote_ident(col)
        filled = f"nullif(trim({q}), '')"
        parts = values.amount_parts_sql(q)
        amount_ok = f"({values.amount_sql(parts, '.')} IS NOT NULL OR {values.amount_sql(parts, ',')} IS NOT NULL)"
        date_ok = f"({values.date_sql(q, values.date_parts_sql(q), 'dmy')} IS NOT NULL OR {values.date_sql(q, values.date_parts_sql(q), 'mdy')} IS NOT NULL)"
        selects.append(
            f"count({filled}) AS f{i}, count(*) FILTER (WHERE {filled} IS NOT NULL AND {date_ok}) AS d{i}, "
            f"count(*) FILTER (WHERE {filled} IS NOT NULL AND {amount_ok}) AS a{i}, count(DISTINCT lower({filled})) AS u{i}"
        )
    row = con.execute(f"SELECT count(*), {', '.join(selects)} FROM {sample}").fetchone()
    total = max(row[0], 1)
    out = {}
    for i, col in enumerate(columns):
        filled, dates, amounts, distinct = row[1 + 4 * i : 5 + 4 * i]
        out[col] = {
            "filled_share": filled / total,
            "date_share": dates / max(filled, 1),
            "amount_share": amounts / max(filled, 1),
            "distinct": distinct,
        }
    return out


def quote_ident(name: str) -> str:
    """A column name as a SQL identifier (identifiers cannot be bound parameters)."""
    return '"' + name.replace('"', '""') + '"'
