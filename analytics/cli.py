"""Eggbasket's command line: ``python -m analytics report PATH``, ``simulate PATH`` and ``risk PATH``.

``report`` reads a CSV with exactly the app's ingest (into an in-memory database, so nothing is
written to disk) and prints the concentration of its revenue. ``--format json`` prints one object
whose keys are a stable contract for scripts: ``period``, ``rows``, ``total_revenue``, ``clients``,
``top_shares``, ``hhi``, ``hhi_points``, ``effective_clients``, ``gini``, ``pareto_80_clients``,
``risk``, ``clients_table``, ``lorenz``.

``simulate`` runs a loss scenario (see :mod:`analytics.scenario`); its JSON keys are
``baseline_monthly``, ``scenario_monthly``, ``lost_monthly``, ``lost_share``, ``runway_months``,
``clients_to_replace``, ``break_even_loss_share``, ``after``, ``projection``, ``stress``.

``risk`` simulates the next 12 (or 24) months from each client's chance of leaving (see
:mod:`analytics.revenue_risk`); its JSON keys are ``currency``, ``as_of``, ``horizon``, ``paths``,
``seed``, ``baseline_12``, ``p5``, ``p50``, ``p95``, ``expected_loss``, ``revenue_at_risk_95``,
``expenses``, ``prob_below_expenses``, ``model`` {``method``, ``params`` {r, alpha, a, b} in weeks or
null when the fixed prior was used, ``log_likelihood``, ``note``}, ``clients`` [{``client``,
``p_alive``, ``p_leave``, ``monthly_baseline``, ``revenue_at_risk``, ``downside_share``,
``overridden``}] and ``fan`` [{``month``, ``p5`` … ``p95``, ``expenses``}].

Bad input exits with status 2 and one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from collections.abc import Sequence
from datetime import date

from .concentration import ConcentrationReport, NoRevenueError, concentration
from .baseline import BASELINE_MONTHS, DEFAULT_BASELINE_MONTHS, NoBaselineError, client_baseline
from .formatting import money, months, number, percent
from .fx import parse_user_rates
from .ingest import ImportResult, ImportSettings, IngestError, import_file
from .montecarlo import DEFAULT_PATHS, HORIZONS
from .revenue_risk import RevenueRisk, revenue_risk
from .risk import percent_text
from .scenario import Loss, Scenario, ScenarioResult, simulate, top_losses
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
    _add_ingest_options(report)

    simulate = commands.add_parser("simulate", help="what if you lose clients: income, runway, recovery")
    simulate.add_argument("path", help="income CSV")
    who = simulate.add_mutually_exclusive_group(required=True)
    who.add_argument("--lose", action="append", metavar="CLIENT", help="a client to lose (repeatable)")
    who.add_argument("--top", type=int, metavar="K", help="lose the K largest clients")
    simulate.add_argument("--cut", type=float, default=100.0, metavar="PCT", help="share of their spend lost (default 100)")
    simulate.add_argument("--from", dest="start", metavar="YYYY-MM", help="month the loss starts (default: next month)")
    simulate.add_argument("--expenses", type=float, metavar="X", help="monthly expenses")
    simulate.add_argument("--reserve", type=float, default=0.0, metavar="Y", help="cash reserve")
    simulate.add_argument("--recover-months", type=int, default=0, metavar="N", help="months to win replacement revenue")
    simulate.add_argument("--recover-share", type=float, default=0.0, metavar="PCT", help="share of lost income replaced")
    simulate.add_argument("--baseline-months", type=int, choices=BASELINE_MONTHS, default=DEFAULT_BASELINE_MONTHS)
    _add_ingest_options(simulate)

    risk = commands.add_parser("risk", help="the odds of a bad year: Monte Carlo of clients leaving")
    risk.add_argument("path", help="income CSV")
    risk.add_argument("--as-of", metavar="YYYY-MM-DD", help="use only records up to this date (default: the last)")
    risk.add_argument("--paths", type=int, default=DEFAULT_PATHS, metavar="N", help="simulated futures (default 10,000)")
    risk.add_argument("--horizon", type=int, choices=HORIZONS, default=12, help="months ahead (default 12)")
    risk.add_argument("--expenses", type=float, metavar="X", help="monthly expenses")
    risk.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    _add_ingest_options(risk)
    return parser


def _add_ingest_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--format", choices=("json", "text"), default="text")
    command.add_argument("--date-order", choices=("dmy", "mdy"), help="force day-first or month-first dates")
    command.add_argument("--decimal", choices=(".", ","), help="force the decimal mark")
    command.add_argument("--delimiter", help="force the field delimiter (e.g. ';' or 'tab')")
    command.add_argument("--encoding", help="force the text encoding (e.g. cp1251)")
    command.add_argument("--preset", help="file layout: generic, bank, stripe, paypal, upwork, quickbooks, xero, "
                         "freshbooks (default: recognised from the header)")
    command.add_argument("--amounts", choices=("gross", "net"), help="gross or net where the export has both")
    command.add_argument("--sheet", help="Excel workbook: the sheet to read (default: the first with data)")
    command.add_argument("--base-currency", metavar="CODE", help="convert every amount to this currency "
                         "(default: the currency most rows are in)")
    command.add_argument("--rates", metavar="FILE", help="your own exchange rates: CSV currency,rate[,valid_from,"
                         "valid_to] (one unit of currency = rate units of the base currency)")


def _import_into(store: Store, args: argparse.Namespace) -> ImportResult:
    delimiter = "\t" if args.delimiter in ("tab", "\\t") else args.delimiter
    try:
        user_rates = tuple(parse_user_rates(Path(args.rates).read_bytes())) if args.rates else ()
    except (OSError, ValueError) as exc:
        raise CliError(f"--rates {args.rates}: {exc}") from exc
    settings = ImportSettings(
        encoding=args.encoding, delimiter=delimiter, decimal=args.decimal, date_order=args.date_order,
        preset=args.preset, amount_kind=args.amounts, sheet=args.sheet, base_currency=args.base_currency,
        user_rates=user_rates,
    )
    try:
        return import_file(store, args.path, settings)
    except IngestError as exc:
        raise CliError(exc.message) from exc
    except FileNotFoundError as exc:
        raise CliError(f"No such file: {args.path}") from exc
    except IsADirectoryError as exc:
        raise CliError(f"{args.path} is a directory, not a CSV file") from exc
    except OSError as exc:
        raise CliError(f"Cannot read {args.path}: {exc.strerror or exc}") from exc


def run_report(args: argparse.Namespace) -> tuple[ImportResult, ConcentrationReport]:
    try:
        spec = parse_window_spec(args.window)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    with Store(MEMORY) as store:
        result = _import_into(store, args)
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
        f"Top client {percent_text(report.top_shares[1], 1)}, top 3 {percent(report.top_shares[3])}, "
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


def run_simulate(args: argparse.Namespace) -> tuple[str, ScenarioResult]:
    """Import the file in memory, build the baseline and run the scenario the flags describe."""
    if args.top is not None and args.top < 1:
        raise CliError("--top needs a number of clients of at least 1.")
    with Store(MEMORY) as store:
        result = _import_into(store, args)
        try:
            baseline = client_baseline(store, result.dataset.id, args.baseline_months)
        except NoBaselineError as exc:
            raise CliError(str(exc)) from exc
    cut = args.cut / 100
    losses = (
        top_losses(baseline, args.top, cut, args.start)
        if args.top is not None
        else tuple(Loss(name, cut, args.start) for name in args.lose)
    )
    scenario = Scenario(
        losses=losses,
        expenses=args.expenses,
        reserve=args.reserve,
        recover_months=args.recover_months,
        recover_share=args.recover_share / 100,
    )
    try:
        return result.dataset.base_currency, simulate(baseline, scenario)
    except ValueError as exc:  # UnknownClientError included: it suggests the closest names
        raise CliError(str(exc)) from exc


def simulate_text(currency: str, r: ScenarioResult) -> str:
    lost = ", ".join(f"{c.client} ({percent(c.share)})" for c in r.lost_clients)
    lines = [
        f"Losing {lost}: {money(r.lost_monthly, currency)} a month ({money(r.lost_yearly, currency)} a year, "
        f"{percent(r.lost_share)} of income)",
        f"Monthly income {money(r.baseline_monthly, currency)} → {money(r.scenario_monthly, currency)}"
        + (f" (after recovering {money(r.recovered_monthly, currency)})" if r.recovered_monthly else ""),
        f"Runway: {months(r.runway_months)}",
        f"Clients to replace: {'—' if r.clients_to_replace is None else r.clients_to_replace}",
    ]
    if r.break_even_loss_share is not None:
        lines.append(f"Break-even loss: {percent(r.break_even_loss_share)} of income can go before income falls below expenses")
    if r.after is not None:
        lines.append(
            f"After: top client {percent(r.after.top_shares[1])}, HHI {number(r.after.hhi * 10_000)}, "
            f"effective clients {number(r.after.effective_clients, 1)}"
            + (" — the remaining clients are MORE concentrated" if r.more_concentrated else "")
        )
    lines.append("Stress: " + "; ".join(
        f"top {row.k}: −{percent(row.lost_share)}, {money(row.scenario_monthly, currency)}/month, runway "
        f"{months(row.runway_months)}" for row in r.stress
    ))
    return "\n".join(lines)


def run_risk(args: argparse.Namespace) -> RevenueRisk:
    """Import the file in memory and simulate its revenue at risk as the flags say."""
    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of is not None else None
    except ValueError as exc:
        raise CliError(f"--as-of {args.as_of}: not a date in YYYY-MM-DD form") from exc
    with Store(MEMORY) as store:
        result = _import_into(store, args)
        try:
            return revenue_risk(store, result.dataset.id, as_of=as_of, horizon=args.horizon, paths=args.paths,
                                expenses=args.expenses, seed=args.seed)
        except ValueError as exc:  # NoBaselineError and bad numbers included
            raise CliError(str(exc)) from exc


def risk_text(r: RevenueRisk) -> str:
    cur = r.currency
    lines = [
        f"Revenue at risk as of {r.as_of:%d %b %Y}: next 12 months, {number(r.paths)} simulated futures "
        f"(seed {r.seed})",
        f"Baseline {money(r.baseline_12, cur)}; P5 {money(r.p5, cur)}, median {money(r.p50, cur)}, "
        f"P95 {money(r.p95, cur)}",
        f"Expected loss {money(r.expected_loss, cur)}; revenue at risk (95%) {money(r.revenue_at_risk_95, cur)}",
    ]
    if r.prob_below_expenses is not None:
        lines.append(f"Income below expenses of {money(r.expenses, cur)} in at least one of {r.horizon} months: "
                     f"{percent(r.prob_below_expenses)} of futures")
    lines += [f"Model: {r.model.method}. {r.model.note}", "", "Clients by revenue at risk:"]
    width = max((len(c.client) for c in r.clients), default=6)
    lines += [
        f"  {c.client:<{width}}  still a client {percent(c.p_alive):>6}  leaves within {r.horizon} months "
        f"{percent(c.p_leave):>6}{' (yours)' if c.overridden else ''}  {money(c.monthly_baseline, cur):>14}/month  "
        f"at risk {money(c.revenue_at_risk, cur):>14}  downside {percent(c.downside_share):>6}"
        for c in r.clients
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "simulate":
            currency, outcome = run_simulate(args)
            body, text = outcome.to_json_dict(), lambda: simulate_text(currency, outcome)
        elif args.command == "risk":
            risk = run_risk(args)
            body, text = risk.to_json_dict(), lambda: risk_text(risk)
        else:
            result, report = run_report(args)
            body, text = report_json(result, report), lambda: report_text(result, report)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(json.dumps(body, ensure_ascii=False, indent=2) if args.format == "json" else text())
    return 0
