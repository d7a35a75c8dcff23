"""Which column of the user's file is the date, the client, the amount… (the column mapping).

Guessed in two steps, and always shown to the user, who can change it:

1. **Header names**, in English, Russian, Polish and German (plus the usual export wordings of
   banks and invoicing tools): an exact match of the normalised name first, then a name that
   contains a synonym as a whole word.
2. **Values**, for required roles still missing: the column where most sample values parse as
   dates is the date; among the rest, where most parse as amounts is the amount; the remaining
   column with the most distinct text values is the client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace

import duckdb

from . import values

REQUIRED_ROLES = ("date", "client", "amount")
OPTIONAL_ROLES = ("currency", "category", "description")
ROLES = REQUIRED_ROLES + OPTIONAL_ROLES

#: Header synonyms per role, lower-case. Order matters only for readability.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": (
        "date", "payment date", "transaction date", "invoice date", "paid date", "date paid", "booking date",
        "value date", "created", "created date", "created (utc)", "day",
        "дата", "дата платежа", "дата операции", "дата оплаты", "дата поступления",
        "data", "data operacji", "data księgowania", "data transakcji", "data płatności", "data wpływu",
        "datum", "buchungsdatum", "zahlungsdatum", "rechnungsdatum", "wertstellung", "valuta",
    ),
    "client": (
        "client", "customer", "client name", "customer name", "customer description", "company", "payer",
        "counterparty", "from", "name", "bill to", "contact", "account name",
        "клиент", "контрагент", "плательщик", "заказчик", "покупатель", "наименование контрагента",
        "klient", "kontrahent", "nadawca", "płatnik", "zleceniodawca", "nazwa kontrahenta", "firma",
        "kunde", "auftraggeber", "zahlungspflichtiger", "kundenname", "name des kunden", "auftraggeber/empfänger",
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
}


@dataclass(frozen=True)
class ColumnMapping:
    """Column name for each role; optional roles may be None."""

    date: str | None = None
    client: str | None = None
    amount: str | None = None
    currency: str | None = None
    category: str | None = None
    description: str | None = None

    def missing_required(self) -> list[str]:
        return [role for role in REQUIRED_ROLES if getattr(self, role) is None]

    def as_dict(self) -> dict[str, str | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def duplicates(self) -> list[str]:
        used = [c for c in self.as_dict().values() if c is not None]
        return sorted({c for c in used if used.count(c) > 1})


def normalise_header(name: str) -> str:
    name = name.replace("\ufeff", "").strip().strip("\"'").lower()
    return re.sub(r"[\s_]+", " ", name).strip(" :.")


def guess_from_headers(columns: tuple[str, ...]) -> ColumnMapping:
    """Assign roles by header name; each column gets at most one role."""
    normalised = {col: normalise_header(col) for col in columns}
    chosen: dict[str, str] = {}
    for exact in (True, False):
        for role in ROLES:
            if role in chosen:
                continue
            for col, norm in normalised.items():
                if col in chosen.values():
                    continue
                if _matches(norm, SYNONYMS[role], exact):
                    chosen[role] = col
                    break
    return ColumnMapping(**chosen)


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
