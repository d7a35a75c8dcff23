"""Which parsed rows are income: a preset's status and type rules, the direction of bank and payment
rows, and totals rows. Each rule is a SQL expression that is NULL for an income row and the reason
(``not income: …``, ``totals row, not income``) otherwise; :mod:`.records` puts them into the one
statement that parses the file.

Order of the reasons (the first that applies is the row's reason, and it replaces any parse
problem, since a row that is not income need not be readable):

1. **Totals rows** — never income: a row whose client cell, or (when its date cell is empty or does
   not start with a digit, as in a ``TOTAL`` line) whose first non-empty cell, is one of the words
   in :data:`TOTAL_WORDS` (any letter case, spaces around it, an optional colon,
   optionally followed by a currency code or a parenthesis: ``TOTAL``, ``Total EUR``, ``Итого:``,
   ``Razem (PLN)``; "Total Fitness Ltd" is a client, not a totals row), and a row with no date whose
   amount equals the sum of the income rows above it (back to the previous row with no date; at
   least two rows): ``totals row, not income``.
2. **Preset rules** (see :mod:`.presets`): the first failing status/mode rule, then the type rule:
   ``not income: PayPal 'General Withdrawal'``, ``not income: Stripe status 'Failed'``.
3. **Direction** (only when the amount could be read): a charge refunded in full; for payment
   platforms with a type column an income type with a negative amount (money sent) or a refund type
   with a positive one (refund received); for bank statements any outgoing payment (a debit, a
   negative amount) and a zero row. (A Stripe net amount can still come out below zero when a
   partial refund and the fee exceed the charge: that is what the client's payment cost you, and it
   counts as such.)
"""

from __future__ import annotations

from dataclasses import dataclass

from . import presets
from .mapping import ColumnMapping, quote_ident
from .presets import Preset, TypeRule, ValueRule

TOTALS_REASON = "totals row, not income"

#: Words that make a row a totals (or balance) row, in English, German, Polish and Russian.
TOTAL_WORDS = (
    "total", "totals", "grand total", "subtotal", "sub-total", "sub total", "sum", "balance",
    "opening balance", "closing balance", "balance brought forward", "balance carried forward",
    "summe", "gesamt", "gesamtsumme", "zwischensumme", "saldo", "anfangssaldo", "endsaldo", "kontostand",
    "razem", "suma", "saldo początkowe", "saldo końcowe", "saldo otwarcia", "saldo zamknięcia",
    "итого", "итог", "всего", "сальдо", "остаток", "входящий остаток", "исходящий остаток",
)
# RE2: the word in any case, the currency code in capitals only ("Sum Ltd" is a client).
_TOTALS_PATTERN = (
    r"\s*(?i:" + "|".join(w.replace("-", r"\-") for w in TOTAL_WORDS) + r")\s*:?\s*([A-Z]{3}|\([^)]*\))?\s*:?\s*"
)


class Params:
    """Named bound parameters for one statement: ``bind(value)`` returns the placeholder."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def bind(self, value: object) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"


@dataclass(frozen=True)
class Applied:
    """A preset (or the bank rules) applied to one file: its rules with the file's column names.

    The client fallback and the refund/fee columns apply only while the mapping still has the
    preset's own client and amount columns (a column chosen by hand is read as it is)."""

    preset: Preset
    amount_kind: str | None
    client_fallback: tuple[str, ...] = ()
    refunded: str | None = None
    fees: tuple[str, ...] = ()
    rules: tuple[tuple[ValueRule, str], ...] = ()
    types: tuple[TypeRule, str] | None = None

    @property
    def bank(self) -> bool:
        return self.preset.name == presets.BANK


def apply(
    name: str | None, amount_kind: str | None, columns: tuple[str, ...], mapping: ColumnMapping
) -> Applied | None:
    """The rules of preset ``name`` for a file with ``columns`` read with ``mapping`` (None: generic)."""
    preset = presets.get(name)
    if preset is None:
        return None
    if preset.name == presets.BANK:
        return Applied(preset, None)
    spec = presets.amount_spec(preset, amount_kind)
    own_client = presets.find(columns, preset.client) == mapping.client
    own_amount = presets.find(columns, spec.column) == mapping.amount
    fallback = [presets.find(columns, (n,)) for n in preset.client] if own_client else []
    rules = [(rule, presets.find(columns, rule.column)) for rule in preset.rules]
    type_col = presets.find(columns, preset.types.column) if preset.types else None
    return Applied(
        preset,
        amount_kind,
        client_fallback=tuple(c for c in fallback if c and c != mapping.client),
        refunded=presets.find(columns, spec.refunded) if own_amount else None,
        fees=tuple(c for c in (presets.find(columns, f) for f in spec.fees) if c) if own_amount else (),
        rules=tuple((rule, col) for rule, col in rules if col),
        types=(preset.types, type_col) if type_col else None,
    )


def _shown(text: str) -> str:
    """SQL: the cell as a reason shows it: 'Value' (at most 60 characters), or (empty)."""
    return f"CASE WHEN nullif(trim({text}), '') IS NULL THEN '(empty)' ELSE '''' || left(trim({text}), 60) || '''' END"


def _in(values: frozenset[str], text: str, p: Params) -> str:
    """SQL: the trimmed, lower-cased cell is one of ``values`` (bound as a list)."""
    return f"coalesce(list_contains({p.bind(sorted(values))}::VARCHAR[], lower(trim({text}))), false)"


def rule_reason_sql(applied: Applied | None, p: Params) -> str:
    """SQL over the ``fields`` of :mod:`.records` (``rule{i}_text``, ``type_text``): the first failing
    status/type rule as a reason, else NULL."""
    if applied is None:
        return "NULL"
    checks = []
    for i, (rule, _col) in enumerate(applied.rules):
        text = f"rule{i}_text"
        failing = f"NOT {_in(rule.allowed, text, p)}" if rule.allowed else _in(rule.denied, text, p)
        checks.append(f"CASE WHEN {failing} THEN 'not income: ' || {p.bind(rule.label)} || ' ' || {_shown(text)} END")
    if applied.types:
        types, _col = applied.types
        counted = types.income | types.refunds | (types.net_only if applied.amount_kind == "net" else frozenset())
        label = p.bind(types.label)
        if types.net_only and applied.amount_kind != "net":
            checks.append(
                f"CASE WHEN {_in(types.net_only, 'type_text', p)} THEN 'not income: ' || {label} || ' ' || "
                f"{_shown('type_text')} || ' (a fee: counted with net amounts only)' END"
            )
        checks.append(
            f"CASE WHEN NOT {_in(counted, 'type_text', p)} THEN 'not income: ' || {label} || ' ' || "
            f"{_shown('type_text')} END"
        )
    return f"coalesce({', '.join(checks)})" if checks else "NULL"


def signed_amount_sql(applied: Applied | None, amount: str, p: Params) -> str:
    """SQL: the amount with the type's sign: refunds of invoice exports (credit notes, positive in the
    file) and per-client fees counted with net amounts become negative."""
    if applied is None or applied.types is None:
        return amount
    types, _col = applied.types
    negative = types.net_only if applied.amount_kind == "net" else frozenset()
    if not applied.preset.signed:
        negative = negative | types.refunds
    return f"CASE WHEN {_in(negative, 'type_text', p)} THEN -abs({amount}) ELSE {amount} END" if negative else amount


def direction_reason_sql(applied: Applied | None, amount: str, p: Params) -> str:
    """SQL over the parsed amount (and ``main_val``/``refunded_val``): why the direction makes the row
    not income, else NULL (also NULL while the amount is unreadable)."""
    if applied is None:
        return "NULL"
    checks = []
    if applied.refunded:
        checks.append(
            "CASE WHEN main_val > 0 AND abs(refunded_val) >= main_val THEN 'not income: refunded in full' END"
        )
    if applied.bank:
        checks.append(
            f"CASE WHEN {amount} < 0 THEN 'not income: outgoing payment' "
            f"WHEN {amount} = 0 THEN 'not income: zero amount' END"
        )
    elif applied.preset.signed and applied.types:
        types, _col = applied.types
        label = p.bind(types.label)
        checks.append(
            f"CASE WHEN {amount} < 0 AND {_in(types.income, 'type_text', p)} THEN 'not income: outgoing payment (' || "
            f"{label} || ' ' || {_shown('type_text')} || ')' "
            f"WHEN {amount} > 0 AND {_in(types.refunds, 'type_text', p)} THEN 'not income: refund received (' || "
            f"{label} || ' ' || {_shown('type_text')} || ')' END"
        )
    return f"CASE WHEN {amount} IS NOT NULL THEN coalesce({', '.join(checks)}) END" if checks else "NULL"


def rule_fields_sql(applied: Applied | None) -> list[str]:
    """The ``fields`` columns the rules read: ``rule{i}_text`` and ``type_text``."""
    if applied is None:
        return []
    out = [f"{quote_ident(col)} AS rule{i}_text" for i, (_rule, col) in enumerate(applied.rules)]
    if applied.types:
        out.append(f"{quote_ident(applied.types[1])} AS type_text")
    return out


def totals_word_sql(client: str, first_text: str, date_text: str) -> str:
    """SQL: TRUE when the client cell, or (when the date cell is empty or does not start with a
    digit, as in a ``TOTAL`` line) the first non-empty cell of the record, is a totals word.

    Reads the cells as they are in the file (the pattern allows spaces around the word)."""
    pattern = "'" + _TOTALS_PATTERN.replace("'", "''") + "'"
    no_date = f"coalesce(NOT (ltrim({date_text})[1] BETWEEN '0' AND '9'), true)"
    return (
        f"(coalesce(regexp_full_match({client}, {pattern}), false) OR "
        f"coalesce(CASE WHEN {no_date} THEN regexp_full_match({first_text}, {pattern}) END, false))"
    )


def first_text_sql(columns: tuple[str, ...]) -> str:
    """SQL: the first non-empty cell of the record (of ``eb_raw r``)."""
    return "coalesce(" + ", ".join(f"nullif(trim(r.{quote_ident(c)}), '')" for c in columns) + ")"


def mark_sum_rows(cur) -> None:
    """Rows with no date whose amount equals the sum of the income rows above them (back to the
    previous row with no date, at least two of them) are totals rows.

    A row with no date is one whose reason says so (or that is already a totals row); only ``eb_parsed``
    is read, and nothing at all is done when no row lacks a date (the usual case)."""
    no_date = f"(reason LIKE 'missing date%' OR reason = '{TOTALS_REASON}')"
    (candidates,) = cur.execute(
        "SELECT count(*) FROM eb_parsed WHERE reason LIKE 'missing date%' AND amount IS NOT NULL"
    ).fetchone()
    if not candidates:
        return
    cur.execute(
        f"""UPDATE eb_parsed SET reason = '{TOTALS_REASON}'
            FROM (
                SELECT rn, amount, reason,
                       sum(CASE WHEN reason = '' THEN amount END) OVER w AS above,
                       count(CASE WHEN reason = '' THEN 1 END) OVER w AS rows_above
                FROM (
                    SELECT rowid AS rn, amount, reason,
                           coalesce(sum({no_date}::INTEGER) OVER (ORDER BY rn ROWS BETWEEN UNBOUNDED PRECEDING
                                                                  AND 1 PRECEDING), 0) AS segment
                    FROM eb_parsed
                )
                WINDOW w AS (PARTITION BY segment ORDER BY rn ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
            ) t
            WHERE eb_parsed.rowid = t.rn AND t.reason LIKE 'missing date%' AND t.rows_above >= 2 AND t.amount = t.above"""
    )
