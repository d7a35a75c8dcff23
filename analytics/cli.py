"""Eggbasket's command line: ``python -m analytics report PATH``.

``report`` reads a CSV with exactly the app's ingest (into an in-memory database, so nothing is
written to disk) and prints the concentration of its revenue. ``--format json`` prints one object
whose keys are a stable contract for scripts: ``period``, ``rows``, ``total_revenue``, ``clients``,
``top_shares``, ``hhi``, ``hhi_points``, ``effective_clients``, ``gini``, ``pareto_80_clients``,
``risk``, ``clients_table``, ``lorenz``. Bad input exits with status 2 and one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from .concentration import ConcentrationReport, NoRevenueError, concentration
from .formatting import money, number, percent
from .ingest import ImportResult, ImportSettings, IngestError, import_file
from .store import MEMORY, Store
from .window import parse_window_spec, resolve_window

EXIT_BAD_INPUT = 2


class CliError(Exception):
    """A user-facing problem: printed as one line on stderr, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analytics", description="Eggbasket: how concentrated is your revenue across clients?"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="concentration report for an income CSV")
    report.add_argument("path", help="income CSV (date, client, amount; any common export layout)")
    report.add_argument(
        "--window", default="12m", help="12m (trailing 12 months, default), all, or START:END (YYYY-MM-DD:YYYY-MM-DD)"
    )
    report.add_argument("--format", choices=("json", "text"), default="text")
    report.add_argument("--date-order", choices=("dmy", "mdy"), help="force day-first or month-first dates")
    report.add_argument("--decimal", choices=(".", ","), help="force the decimal mark")
    report.add_argument("--delimiter", help="force the field delimiter (e.g. ';' or 'tab')")
    report.add_argument("--encoding", help="force the text encoding (e.g. cp1251)")
    return parser


def run_report(args: argparse.Namespace) -> tuple[ImportResult, ConcentrationReport]:
    try:
        spec = parse_window_spec(args.window)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    delimiter = "\t" if args.delimiter in ("tab", "\\t") else args.delimiter
    settings = ImportSettings(
        encoding=args.encoding, delimiter=delimiter, decimal=args.decimal, date_order=args.date_order
    )
    with Store(MEMORY) as store:
        try:
            result = import_file(store, args.path, settings)
        except IngestError as exc:
            raise CliError(exc.message) from exc
        except FileNotFoundError as exc:
            raise CliError(f"No such file: {args.path}") from exc
        except IsADirectoryError as exc:
            raise CliError(f"{args.path} is a directory, not a CSV file") from exc
        window = resolve_window(store, result.dataset.id, spec)
        try:
            return result, concentration(store, result.dataset.id, window)
        except NoRevenueError as exc:
            raise CliError(str(exc)) from exc


def report_json(result: ImportResult, report: ConcentrationReport) -> dict:
    body = report.to_json_dict()
    rows = {"read": result.rows_read, "imported": result.rows_imported, "rejected": len(result.rejected)}
    return {"period": body.pop("period"), "rows": rows, **body}


def report_text(result: ImportResult, report: ConcentrationReport) -> str:
    cur = result.dataset.base_currency
    lines = [
        f"Period {report.window.label}: {money(report.total_revenue, cur)} from {report.clients} clients",
        f"Rows: {number(result.rows_read)} read, {number(result.rows_imported)} imported, "
        f"{number(len(result.rejected))} rejected",
        f"Risk: {report.risk.level.upper()}",
        *(f"  - {reason}" for reason in report.risk.reasons),
        f"Top client {percent(report.top_shares[1])}, top 3 {percent(report.top_shares[3])}, "
        f"top 5 {percent(report.top_shares[5])}, top 10 {percent(report.top_shares[10])}",
        f"HHI {number(report.hhi_points)} ({report.risk.hhi_band}); effective clients "
        f"{number(report.effective_clients, 1)}; Gini {report.gini:.3f}; "
        f"{report.pareto_80_clients} clients make 80% of revenue",
        "",
        "Clients:",
    ]
    width = max((len(c.client) for c in report.clients_table), default=6)
    lines += [f"  {c.client:<{width}}  {money(c.revenue, cur):>16}  {percent(c.share):>6}" for c in report.clients_table]
    for row in result.rejected[:20]:
        lines.append(f"Rejected line {row.line}: {row.reason}")
    if len(result.rejected) > 20:
        lines.append(f"… and {len(result.rejected) - 20} more rejected rows")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result, report = run_report(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.format == "json":
        print(json.dumps(report_json(result, report), ensure_ascii=False, indent=2))
    else:
        print(report_text(result, report))
    return 0
