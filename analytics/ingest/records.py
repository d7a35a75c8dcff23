"""Read and parse every record of the file into ``eb_parsed`` in one SQL statement.

``eb_parsed(rn, line, date, client, amount, original_amount, currency, category, description,
transaction_id, due_date, paid_date, reason, raw)``: ``reason``
is '' for an income row, else why the row is not imported. Rules:

- **Date, client, currency, category, description**: parsed by :mod:`.values`; a preset's client
  column is filled from its fallback column where empty (Stripe: Customer Email).
- **Amount**, one of:
    * the amount column, less a preset's refunded and fee columns where it has them
      (:class:`.presets.AmountSpec`; their absolute values; an empty cell is 0);
    * a **credit/debit pair** (bank statements): a credit that is not empty or zero is the amount;
      otherwise a debit that is not empty or zero is an outgoing payment of minus its absolute value;
      both empty is a missing amount.
  The currency is the currency column's, else a symbol or code next to the amount, else the plan's.
- **Generic files** (no preset, not a bank statement): a negative amount is a refund and stays
  negative income.
- **Which rows are income**: :mod:`.row_filters` (totals rows, preset rules, direction), whose
  reason replaces any parse problem of the row.

Clients that differ only by letter case are then merged (:func:`merge_case_variants`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from . import row_filters, values
from .mapping import quote_ident

if TYPE_CHECKING:
    from .importer import ImportPlan


def parse_records(cur: duckdb.DuckDBPyConnection, plan: ImportPlan, source: str, source_args: list) -> None:
    """Build ``eb_parsed`` for ``plan`` from ``source``: a relation of the file's well-formed
    records, all fields as text, in file order.

    The file is read once, in parallel, as it is parsed: nothing holds all of its text. The rows
    keep the file's order (DuckDB preserves insertion order), so a row's ``rowid`` + 1 is its
    record number ``rn``; :func:`create_rows_view` adds ``rn`` and the file ``line``. ``raw``,
    the record's text rebuilt from its fields with the file's delimiter, is kept only for rows
    rejected here (:func:`fill_raw` adds it for rows rejected later). ``original_amount`` is the
    amount as written; ``currency`` is NULL when neither the row nor the plan names one (it is the
    base currency then)."""
    m = plan.mapping
    decimal = plan.decimal.value
    applied = row_filters.apply(plan.preset, plan.amount_kind, plan.dialect.columns, m)
    p = row_filters.Params()
    source = f"{_bind_positional(source, source_args, p)} r"
    q = {role: quote_ident(col) if col else None for role, col in m.as_dict().items()}

    inputs = {"main": m.amount, "credit": m.credit, "debit": m.debit}
    if applied:
        inputs["refunded"] = applied.refunded
        inputs.update({f"fee{i}": col for i, col in enumerate(applied.fees)})
    inputs = {name: col for name, col in inputs.items() if col}
    field_cols, value_cols = [], []
    for name, col in inputs.items():
        qc = quote_ident(col)
        plain = values.plain_amount_sql(qc, decimal)
        field_cols.append(
            f"{qc} AS {name}_text, {plain} AS {name}_plain, CASE WHEN NOT {plain} THEN {values.amount_parts_sql(qc)} END AS {name}_ap"
        )
        value_cols.append(
            f"CASE WHEN {name}_plain THEN {values.plain_amount_value_sql(f'{name}_text')} "
            f"ELSE {values.amount_sql(f'{name}_ap', decimal)} END AS {name}_val"
        )

    if m.credit:
        amount, amount_text, symbol = _credit_debit(m.debit is not None)
    else:
        adjust = "".join(f" - coalesce(abs({n}_val), 0)" for n in inputs if n == "refunded" or n.startswith("fee"))
        amount = row_filters.signed_amount_sql(applied, f"(main_val{adjust})", p)
        amount_text = "main_text"
        symbol = f"CASE WHEN NOT main_plain THEN {values.amount_currency_sql('main_ap')} END"
    unreadable_adjustments = [
        f"CASE WHEN nullif(trim({n}_text), '') IS NOT NULL AND {n}_val IS NULL THEN 'unreadable amount ''' || "
        f"left({n}_text, 40) || ''' in column ' || {p.bind(col)} END"
        for n, col in inputs.items() if n == "refunded" or n.startswith("fee")
    ]

    date_value = values.date_sql(q["date"], values.date_parts_sql(q["date"]), plan.date_order.value)
    client_col = q["client"]
    if applied and applied.client_fallback:
        fallbacks = ", ".join(quote_ident(c) for c in applied.client_fallback)
        client_col = f"coalesce(nullif(trim({q['client']}), ''), {fallbacks})"
    client = values.client_sql(client_col)
    currency_col = f"nullif(upper(trim({q['currency']})), '')" if q["currency"] else "NULL"
    optional = {
        role: (f"nullif(trim({q[role]}), '')" if q[role] else "CAST(NULL AS VARCHAR)")
        for role in ("category", "description", "transaction_id")
    }
    # Due and paid dates only inform client health: an unreadable one is left empty, the payment stays.
    optional.update({
        role: (values.date_sql(q[role], values.date_parts_sql(q[role]), plan.date_order.value) if q[role] else "CAST(NULL AS DATE)")
        for role in ("due_date", "paid_date")
    })
    order_word = "DD/MM/YYYY" if plan.date_order.value == "dmy" else "MM/DD/YYYY"
    extra_fields = "".join(f", {f}" for f in field_cols + row_filters.rule_fields_sql(applied))
    extra_values = "".join(f", {v}" for v in value_cols)
    is_total = row_filters.totals_word_sql(q["client"], row_filters.first_text_sql(plan.dialect.columns), q["date"])
    rule_reason = row_filters.rule_reason_sql(applied, p)
    direction = row_filters.direction_reason_sql(applied, "amount", p)
    problems = ", ".join(
        [
            "CASE WHEN nullif(trim(date_text), '') IS NULL THEN 'missing date' "
            f"WHEN date IS NULL THEN 'unreadable date ''' || left(date_text, 40) || ''' (expected {order_word} or YYYY-MM-DD)' END",
            "CASE WHEN client IS NULL THEN 'missing client' END",
            "CASE WHEN nullif(trim(amount_text), '') IS NULL THEN 'missing amount' "
            f"WHEN amount IS NULL THEN 'unreadable amount ''' || left(amount_text, 40) || ''' (decimal mark ''{decimal}'')' END",
            *unreadable_adjustments,
            "CASE WHEN NOT regexp_full_match(currency, '[A-Z]{3}') THEN 'unknown currency ''' || left(currency, 20) || '''' END",
        ]
    )
    raw_cols = ", ".join(f'r.{quote_ident(c)} AS "eb_raw_{i}"' for i, c in enumerate(plan.dialect.columns))
    raw_text = "concat_ws(" + p.bind(plan.dialect.delimiter) + ", " + ", ".join(
        f'coalesce("eb_raw_{i}", \'\')' for i in range(len(plan.dialect.columns))
    ) + ")"
    cur.execute(
        f"""CREATE OR REPLACE TABLE eb_parsed AS  -- in the import's work database (.workspace)
        WITH fields AS (
            SELECT {raw_cols}, {q['date']} AS date_text, {date_value} AS date, {client} AS client,
                   {currency_col} AS currency_text, {optional['category']} AS category,
                   {optional['description']} AS description, {optional['transaction_id']} AS transaction_id,
                   {optional['due_date']} AS due_date, {optional['paid_date']} AS paid_date,
                   {is_total} AS is_total{extra_fields}
            FROM {source}
        ), parsed AS (
            SELECT *{extra_values} FROM fields
        ), amounts AS (
            SELECT *, {amount} AS amount, {amount_text} AS amount_text,
                   coalesce(currency_text, {symbol}, {p.bind(plan.currency)}) AS currency
            FROM parsed
        )
        , judged AS (
            SELECT *, CASE WHEN is_total THEN '{row_filters.TOTALS_REASON}'
                      ELSE coalesce({rule_reason}, {direction}, concat_ws('; ', {problems}))
                      END AS reason
            FROM amounts
        )
        SELECT date, client, amount, amount AS original_amount, currency, category, description,
               transaction_id, due_date, paid_date, reason, CASE WHEN reason <> '' THEN {raw_text} END AS raw
        FROM judged""",
        p.values,
    )
    row_filters.mark_sum_rows(cur)
    merge_case_variants(cur)


def _credit_debit(has_debit: bool) -> tuple[str, str, str]:
    """(amount, amount text, currency symbol) SQL for a credit column and an optional debit column."""
    credit_used = "(nullif(trim(credit_text), '') IS NOT NULL AND coalesce(credit_val <> 0, true))"
    if not has_debit:
        symbol = f"CASE WHEN NOT credit_plain THEN {values.amount_currency_sql('credit_ap')} END"
        return "credit_val", "credit_text", symbol
    debit_used = "(nullif(trim(debit_text), '') IS NOT NULL AND coalesce(debit_val <> 0, true))"
    amount = (
        f"CASE WHEN {credit_used} THEN credit_val WHEN {debit_used} THEN -abs(debit_val) "
        "ELSE coalesce(credit_val, -abs(debit_val)) END"
    )
    text = (
        f"CASE WHEN {credit_used} THEN credit_text WHEN {debit_used} THEN debit_text "
        "ELSE coalesce(nullif(trim(credit_text), ''), debit_text) END"
    )
    symbol = (
        f"CASE WHEN {credit_used} OR NOT {debit_used} THEN (CASE WHEN NOT credit_plain THEN "
        f"{values.amount_currency_sql('credit_ap')} END) "
        f"ELSE (CASE WHEN NOT debit_plain THEN {values.amount_currency_sql('debit_ap')} END) END"
    )
    return amount, text, symbol


def merge_case_variants(cur: duckdb.DuckDBPyConnection) -> None:
    """Clients that differ only by letter case are one client, shown by its most frequent spelling
    (ties: the spelling that appears first in the file)."""
    cur.execute(
        """UPDATE eb_parsed SET client = c.canonical
           FROM (SELECT lower(client) AS key,
                        first(client ORDER BY n DESC, first_row) AS canonical, count(*) AS spellings
                 FROM (SELECT client, count(*) AS n, min(rowid) AS first_row
                       FROM eb_parsed WHERE client IS NOT NULL GROUP BY client)
                 GROUP BY key HAVING count(*) > 1) c
           WHERE lower(eb_parsed.client) = c.key"""
    )


def create_rows_view(cur: duckdb.DuckDBPyConnection, line_offset: int | None) -> None:
    """``eb_rows``: ``eb_parsed`` with each row's record number ``rn`` and file ``line``, which is
    ``rn + line_offset``, or (None) looked up in ``eb_lines`` (see :func:`.lines.number_lines`)."""
    if line_offset is None:
        cur.execute("CREATE OR REPLACE VIEW eb_rows AS SELECT p.rowid + 1 AS rn, l.line, p.* "
                    "FROM eb_parsed p JOIN eb_lines l ON l.rn = p.rowid + 1")
    else:
        cur.execute(f"CREATE OR REPLACE VIEW eb_rows AS SELECT rowid + 1 AS rn, rowid + 1 + {int(line_offset)} "
                    "AS line, * FROM eb_parsed")


def fill_raw(cur: duckdb.DuckDBPyConnection, source: str, source_args: list, columns: tuple[str, ...],
             delimiter: str) -> None:
    """Add the record text to rows rejected after parsing (a currency with no rate), reading the
    file again only when there are any. ``source`` reads the same well-formed records."""
    (missing,) = cur.execute("SELECT count(*) FROM eb_parsed WHERE reason <> '' AND raw IS NULL").fetchone()
    if not missing:
        return
    text = "concat_ws(?, " + ", ".join(f"coalesce({quote_ident(c)}, '')" for c in columns) + ")"
    cur.execute(
        f"""UPDATE eb_parsed SET raw = f.raw
            FROM (SELECT rn, {text} AS raw FROM (SELECT row_number() OVER () AS rn, * FROM {source})
                  WHERE rn IN (SELECT rowid + 1 FROM eb_parsed WHERE reason <> '' AND raw IS NULL)) f
            WHERE eb_parsed.rowid + 1 = f.rn""",
        [delimiter, *source_args],
    )


def _bind_positional(sql: str, args: list, p: row_filters.Params) -> str:
    """``sql`` with each ``?`` replaced by a named parameter of ``p`` bound to the next of ``args``."""
    parts = sql.split("?")
    if len(parts) != len(args) + 1:
        raise ValueError("one value per placeholder")
    return parts[0] + "".join(p.bind(value) + part for value, part in zip(args, parts[1:]))
