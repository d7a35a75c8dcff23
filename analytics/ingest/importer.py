"""Inspect an income CSV, then import it into the store as one atomic dataset.

Two steps, so the upload page can show what was detected and let the user change it:

``inspect_file(path, settings)``
    detects encoding, dialect (DuckDB's sniffer), column mapping, decimal mark and date order, and
    returns an :class:`ImportPlan` with a preview. Nothing is stored.
``import_plan(store, plan, name)``
    reads the whole file once with DuckDB's ``read_csv`` (all fields as text, malformed records
    captured by DuckDB's reject tables) and parses every field in SQL as it streams
    (:mod:`.records`, :mod:`.values`) into one typed work table, then in one transaction writes the
    dataset, its income rows and its rejected rows. Either all of it is stored or none.
    :mod:`.append` adds a newer export of the same source to a dataset the same way.

Line numbers (``source_line``) are the line of the record in the user's file, counting the header
and any lines above it, as a text editor shows them; a record whose quoted field spans several
lines is numbered by its first line.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from ..fx import UserRate
from ..store import Dataset, Store
from . import currencies, presets, records, values
from .dialect import Dialect, sniff
from .errors import IngestError
from .lines import number_lines
from .mapping import ColumnMapping, complete_from_values, guess_from_headers, quote_ident
from .source import TextSource, open_text_source
from .workspace import work_database

PREVIEW_ROWS = 20
_PROFILE_ROWS = 2000

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class ImportSettings:
    """What the user chose on the upload page (or on the command line); None means "detect"."""

    encoding: str | None = None
    delimiter: str | None = None
    mapping: ColumnMapping | None = None
    decimal: str | None = None
    date_order: str | None = None
    currency: str | None = None
    sheet: str | None = None  # Excel workbooks: the sheet to read (None = the first)
    preset: str | None = None  # a platform export layout by name (None = recognise from the header)
    amount_kind: str | None = None  # "gross" or "net" where a platform export has both
    base_currency: str | None = None  # what every amount is converted to (None = the most common)
    user_rates: tuple[UserRate, ...] = ()  # the user's own exchange rates (they override the ECB's)


@dataclass
class ImportPlan:
    """Everything detected about one file, ready to import. Call :meth:`close` when done."""

    original_path: str
    source: TextSource
    dialect: Dialect
    mapping: ColumnMapping
    decimal: values.Detected
    date_order: values.Detected
    currency: str | None
    preview: list[dict[str, str | None]]
    warnings: list[str] = field(default_factory=list)
    #: Why the file cannot be imported as mapped (a required column not found), for the user to fix
    #: by choosing the columns; None when the mapping is complete.
    mapping_problem: str | None = None
    preset: str | None = None  # the platform layout in use (see .presets), "bank", or None (generic)
    amount_kind: str | None = None  # "gross"/"net" where the preset has both, else None
    base_currency: str | None = None  # None: the currency most rows are in
    user_rates: tuple[UserRate, ...] = ()

    @property
    def needs_date_order_choice(self) -> bool:
        return self.date_order.ambiguous

    @property
    def preset_label(self) -> str | None:
        """The layout in use as the UI names it ("PayPal activity download"), None for a generic file."""
        preset = presets.get(self.preset)
        return preset.label if preset else None

    def close(self) -> None:
        self.source.cleanup()


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reason: str
    raw: str | None


@dataclass(frozen=True)
class ImportResult:
    dataset: Dataset
    duplicate: bool
    rows_read: int
    rows_imported: int
    rejected: list[RejectedRow]


def inspect_file(path: str | os.PathLike[str], settings: ImportSettings = ImportSettings()) -> ImportPlan:
    """Detect how to read the file at ``path``; raise :class:`IngestError` for unusable files."""
    source = open_text_source(path, settings.encoding, settings.sheet)
    try:
        with duckdb.connect() as con:
            dialect = sniff(con, source.path, settings.delimiter)
            _load_sample(con, source.path, dialect)
            (rows_in_sample,) = con.execute("SELECT count(*) FROM eb_sample").fetchone()
            if rows_in_sample == 0:
                raise IngestError(
                    "The file has a header row but no data rows."
                    if dialect.has_header
                    else "The file has no rows that can be read as a table."
                )
            guessed = guess_from_headers(dialect.columns)
            preset = presets.choose(settings.preset, dialect.columns, settings.mapping or guessed)
            kind, kind_warning = presets.check_amount_kind(preset, settings.amount_kind)
            mapping = settings.mapping or _layout_mapping(con, dialect.columns, preset, kind, guessed)
            preset = presets.bank_if_credit_debit(preset, mapping)
            plan = ImportPlan(
                original_path=str(path),
                source=source,
                dialect=dialect,
                mapping=mapping,
                decimal=values.Detected("."  , False, ""),
                date_order=values.Detected("dmy", False, ""),
                currency=settings.currency or (preset.currency if preset else None),
                preview=_preview(con),
                preset=preset.name if preset else None,
                amount_kind=kind,
                base_currency=currencies.currency_code(settings.base_currency),
                user_rates=tuple(settings.user_rates),
            )
            _detect_value_settings(con, plan, settings)
            plan.warnings += [kind_warning] if kind_warning else []
            return plan
    except BaseException:
        source.cleanup()
        raise


def replan(plan: ImportPlan, settings: ImportSettings) -> ImportPlan:
    """Apply the user's changes (mapping, decimal mark, date order, currency, layout, amount kind).

    ``settings.preset``/``amount_kind`` None keep the plan's. A mapping that differs from the plan's
    is the user's and is used as given; otherwise a change of layout or amount kind takes that
    layout's columns (so the amount column follows a switch from gross to net)."""
    if settings.encoding or (settings.delimiter and settings.delimiter != plan.dialect.delimiter):
        plan.close()
        return inspect_file(plan.original_path, settings)
    columns = plan.dialect.columns
    users = settings.mapping if settings.mapping is not None and settings.mapping != plan.mapping else None
    with duckdb.connect() as con:
        _load_sample(con, plan.source.path, plan.dialect)
        preset = presets.choose(settings.preset or plan.preset or presets.GENERIC, columns, users or plan.mapping)
        kind, kind_warning = presets.check_amount_kind(preset, settings.amount_kind or plan.amount_kind)
        name = preset.name if preset else None
        changed = name != plan.preset or kind != plan.amount_kind
        mapping = users or plan.mapping
        if not users and changed:
            mapping = _layout_mapping(con, columns, preset, kind, guess_from_headers(columns))
        preset = presets.bank_if_credit_debit(preset, mapping)
        currency = settings.currency or (plan.currency if not changed else (preset.currency if preset else None))
        new = replace(
            plan, mapping=mapping, currency=currency, preset=preset.name if preset else None, amount_kind=kind,
            base_currency=currencies.currency_code(settings.base_currency),  # None: the most common again
            user_rates=tuple(settings.user_rates),
        )
        _detect_value_settings(con, new, settings)
    new.warnings += [kind_warning] if kind_warning else []
    return new


def _layout_mapping(
    con: duckdb.DuckDBPyConnection, columns: tuple[str, ...], preset: presets.Preset | None, kind: str | None,
    guessed: ColumnMapping,
) -> ColumnMapping:
    """A platform preset's columns, else the header guess; missing required roles from the values."""
    if preset is not None and preset.signature:
        guessed = presets.mapping_for(preset, columns, kind)
    return complete_from_values(con, "eb_sample", columns, guessed)


def _load_sample(con: duckdb.DuckDBPyConnection, path: str, dialect: Dialect) -> None:
    args_sql, args = dialect.read_csv_args()
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE eb_sample AS SELECT * FROM read_csv(?, {args_sql}, "
            f"ignore_errors = true) LIMIT {_PROFILE_ROWS}",
            [path, *args],
        )
    except duckdb.Error as exc:
        raise IngestError(f"Could not read the file as CSV: {str(exc).strip().splitlines()[0]}") from exc


def _preview(con: duckdb.DuckDBPyConnection) -> list[dict[str, str | None]]:
    cur = con.execute(f"SELECT * FROM eb_sample LIMIT {PREVIEW_ROWS}")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _detect_value_settings(con: duckdb.DuckDBPyConnection, plan: ImportPlan, settings: ImportSettings) -> None:
    """Fill ``plan.decimal`` and ``plan.date_order`` from the sample (or the user's choice)."""
    missing = plan.mapping.missing_required()
    found = ", ".join(plan.dialect.columns)
    if missing and len(plan.dialect.columns) == 1:
        raise IngestError(
            f"Could not split this file into columns (it reads as one column: {found}). "
            "Is it a CSV export with a header row?"
        )
    plan.warnings = []
    plan.mapping_problem = (
        f"Could not find a column for {' and '.join(missing)} in this file (columns: {found}). "
        "Choose the columns by hand on the upload page." if missing else None
    )
    if missing:
        return
    unknown = [(role, col) for role, col in plan.mapping.as_dict().items() if col and col not in plan.dialect.columns]
    if unknown:
        role, col = unknown[0]
        raise IngestError(
            f"The column {col!r} chosen for {role} is not in this file (columns: {', '.join(plan.dialect.columns)})."
        )
    if dup := plan.mapping.duplicates():
        raise IngestError(f"Column {dup[0]!r} is mapped to two roles; each column can play one role only.")
    m = plan.mapping
    if m.amount_conflict():
        raise IngestError(
            f"Choose either one amount column ({m.amount!r}) or a credit/debit pair of columns, not both."
        )
    # The decimal mark is read from the amount column, or from the credit and debit columns together.
    amounts = [quote_ident(c) for c in (m.amount, m.credit, m.debit) if c]
    relation = " UNION ALL ".join(f"SELECT {c} AS amount FROM eb_sample" for c in amounts)
    plan.decimal = (
        values.Detected(settings.decimal, False, "chosen by you")
        if settings.decimal
        else values.detect_decimal_mark(con, f"({relation})", "amount", plan.dialect.delimiter)
    )
    plan.date_order = (
        values.Detected(settings.date_order, False, "chosen by you")
        if settings.date_order
        else values.detect_date_order(con, "eb_sample", quote_ident(m.date))
    )
    if plan.date_order.ambiguous:
        plan.warnings.append(
            "Dates like 03/04/2024 could be 3 April or March 4 and no date in the file settles it: "
            "they are read day-first (3 April). Change the date order if that is wrong."
        )
    if plan.decimal.ambiguous:
        plan.warnings.append(
            f"Amounts like 1{plan.decimal.value}234 could be read two ways and no amount has cents: "
            f"'{plan.decimal.value}' is taken as the decimal mark. Change it if that is wrong."
        )


# -- the import --------------------------------------------------------------------------------------


def import_plan(
    store: Store,
    plan: ImportPlan,
    name: str | None = None,
    source_file: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import the file described by ``plan`` as a new dataset (or find the identical one stored).

    Raises :class:`IngestError` when no row at all can be imported (nothing is stored then).
    """
    report = progress or (lambda fraction, message: None)
    source_file = source_file or Path(plan.original_path).name
    existing = store.dataset_by_hash(plan.source.content_hash)
    if existing:
        return ImportResult(existing, True, existing.rows_read, existing.rows_imported, [])

    with store.cursor() as cur, work_database(cur):
        parsed = prepare_rows(cur, plan, report)
        report(0.75, "Saving…")
        dataset_id = _store_dataset(cur, plan, name, source_file, parsed)
        drop_work_tables(cur)
    if dataset_id is None:  # someone else stored the same file a moment ago
        existing = store.dataset_by_hash(plan.source.content_hash)
        return ImportResult(existing, True, existing.rows_read, existing.rows_imported, [])
    report(1.0, "Done")
    return ImportResult(store.dataset(dataset_id), False, parsed.rows_read, parsed.imported, parsed.rejected)


@dataclass(frozen=True)
class ParsedFile:
    """What :func:`prepare_rows` left in ``eb_parsed``: counts, the rejected rows, the base currency."""

    rows_read: int
    imported: int
    rejected: list[RejectedRow]
    base: str


def prepare_rows(
    cur: duckdb.DuckDBPyConnection, plan: ImportPlan, report: Progress, base: str | None = None,
    extra_rates: tuple[UserRate, ...] = (),
) -> ParsedFile:
    """Read and parse the whole file into the work table ``eb_parsed`` (``reason`` '' for
    income rows), converted to ``base`` (None: the plan's, else the most common currency) with the
    plan's rates and then ``extra_rates``. Raises :class:`IngestError` when no row can be imported."""
    if plan.mapping_problem:
        raise IngestError(plan.mapping_problem)
    report(0.05, "Reading and checking every row…")
    structural = _read_and_parse(cur, plan)
    (good_count,) = cur.execute("SELECT count(*) FROM eb_parsed").fetchone()
    records.create_rows_view(cur, number_lines(cur, plan.source.path, plan.dialect, good_count, structural))
    report(0.6, "Converting currencies…")
    base = base or plan.base_currency or currencies.base_currency(cur)
    currencies.convert_to_base(cur, base, tuple(plan.user_rates) + tuple(extra_rates))
    source, source_args = _records_source(plan, store_rejects=False)
    records.fill_raw(cur, source, source_args, plan.dialect.columns, plan.dialect.delimiter)
    rejected = _rejected_rows(cur, structural)
    (imported,) = cur.execute("SELECT count(*) FROM eb_parsed WHERE reason = ''").fetchone()
    rows_read = good_count + len(structural)
    if rows_read == 0:
        raise IngestError("The file has a header row but no data rows.")
    if imported == 0:
        raise IngestError(
            f"None of the {rows_read:,} rows could be imported. First problem, line "
            f"{rejected[0].line}: {rejected[0].reason}.",
            rejected=rejected,
        )
    return ParsedFile(rows_read, imported, rejected, base)


def drop_work_tables(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute("DROP VIEW IF EXISTS eb_rows; DROP TABLE IF EXISTS eb_parsed; DROP TABLE IF EXISTS eb_lines")


def _records_source(plan: ImportPlan, store_rejects: bool) -> tuple[str, list]:
    """SQL reading the file's well-formed records (all fields as text) in file order, and its bound
    values. With ``store_rejects`` malformed records (too many or too few fields, bad quoting) go to
    DuckDB's reject tables with their record number and raw text; without, they are skipped."""
    args_sql, args = plan.dialect.read_csv_args()
    rejects = (", store_rejects = true, rejects_table = 'eb_reject_errors', rejects_scan = 'eb_reject_scans'"
               if store_rejects else ", ignore_errors = true")
    return f"read_csv(?, {args_sql}{rejects})", [plan.source.path, *args]


def _read_and_parse(cur: duckdb.DuckDBPyConnection, plan: ImportPlan) -> list[tuple[int, str, str]]:
    """Read the file once into ``eb_parsed`` (:mod:`.records`); return the malformed records as
    (record number, reason, text)."""
    source, source_args = _records_source(plan, store_rejects=True)
    try:
        records.parse_records(cur, plan, source, source_args)
    except duckdb.Error as exc:
        raise IngestError(f"Could not read the file as CSV: {str(exc).strip().splitlines()[0]}") from exc
    structural = cur.execute(
        """SELECT line, string_agg(DISTINCT error_type, ', ' ORDER BY error_type), any_value(csv_line)
           FROM eb_reject_errors GROUP BY line ORDER BY line"""
    ).fetchall()
    cur.execute("DROP TABLE IF EXISTS eb_reject_errors; DROP TABLE IF EXISTS eb_reject_scans")
    # csv_line can start with the line breaks of blank lines before the record: not part of it.
    return [
        (int(line), _structural_reason(kind, plan.dialect), raw.strip("\r\n") if raw else raw)
        for line, kind, raw in structural
    ]


def _structural_reason(kind: str, dialect: Dialect) -> str:
    expected = len(dialect.columns)
    return {
        "TOO MANY COLUMNS": f"more fields than the {expected} columns of the header "
        f"(an unquoted {dialect.delimiter_label} inside a value?)",
        "MISSING COLUMNS": f"fewer fields than the {expected} columns of the header",
        "UNQUOTED VALUE": "a quote character inside an unquoted value",
        "LINE SIZE OVER MAXIMUM": "the line is longer than the reader's maximum line size",
        "INVALID UNICODE": "the line is not valid text in the file's encoding",
    }.get(kind, f"malformed record ({kind.lower()})")


def _rejected_rows(cur: duckdb.DuckDBPyConnection, structural: list[tuple[int, str, str]]) -> list[RejectedRow]:
    """Every rejected record with its line, reason and original text."""
    parsed = cur.execute("SELECT line, reason, raw FROM eb_rows WHERE reason <> '' ORDER BY line").fetchall()
    rows = [RejectedRow(*r) for r in parsed] + [RejectedRow(*r) for r in structural]
    return sorted(rows, key=lambda r: r.line)


def _store_dataset(
    cur: duckdb.DuckDBPyConnection, plan: ImportPlan, name: str | None, source_file: str, parsed: ParsedFile
) -> int | None:
    """Write dataset, income and rejected rows in one transaction; None if the hash already exists."""
    cur.execute("BEGIN TRANSACTION")
    try:
        (dataset_id,) = cur.execute(
            """INSERT INTO datasets (name, source_file, content_hash, rows_read, rows_imported, rows_rejected,
                                     base_currency)
               VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            [name or Path(source_file).stem, source_file, plan.source.content_hash, parsed.rows_read,
             parsed.imported, len(parsed.rejected), parsed.base],
        ).fetchone()
        cur.execute(
            """INSERT INTO income (dataset_id, date, client, amount, currency, original_amount, category,
                                  description, source_line, transaction_id, due_date, paid_date)
               SELECT $id, date, client, amount, coalesce(currency, $base), original_amount, category,
                      description, line, transaction_id, due_date, paid_date
               FROM eb_rows WHERE reason = ''""",
            {"id": dataset_id, "base": parsed.base},
        )
        cur.execute(
            """UPDATE datasets SET first_date = p.first, last_date = p.last
               FROM (SELECT min(date) AS first, max(date) AS last FROM eb_parsed WHERE reason = '') p
               WHERE id = ?""",
            [dataset_id],
        )
        store_rates(cur, dataset_id, plan.user_rates)
        store_rejected(cur, dataset_id, parsed.rejected)
        cur.execute("COMMIT")
    except duckdb.ConstraintException:
        cur.execute("ROLLBACK")
        # Only the unique content hash means "someone else stored this file a moment ago";
        # any other constraint failure is a real error and must not pass for a duplicate.
        if cur.execute("SELECT 1 FROM datasets WHERE content_hash = ?", [plan.source.content_hash]).fetchone():
            return None
        raise
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    return dataset_id


def store_rates(cur: duckdb.DuckDBPyConnection, dataset_id: int, rates: tuple[UserRate, ...]) -> None:
    if rates:
        cur.executemany(
            "INSERT INTO fx_rates VALUES (?, ?, ?, ?, ?)",
            [[dataset_id, r.currency, float(r.rate), r.valid_from, r.valid_to] for r in rates],
        )


def store_rejected(cur: duckdb.DuckDBPyConnection, dataset_id: int, rejected: list[RejectedRow]) -> None:
    if rejected:
        cur.executemany(
            "INSERT INTO rejected_rows VALUES (?, ?, ?, ?)", [[dataset_id, r.line, r.reason, r.raw] for r in rejected]
        )
