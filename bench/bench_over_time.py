"""Benchmark the diversification series on a large stored ledger (run by hand).

    .venv/bin/python bench/bench_over_time.py [--rows 10000000] [--clients 2000] [--repeat 5]

The ledger (``bench/ledger.py``) is loaded straight into the ``income`` table with SQL (the import
pipeline is measured by bench_foundation.py), then each series is timed cold, median of ``--repeat``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics.client_mix import cohort_revenue, new_vs_returning, revenue_by_tenure  # noqa: E402
from analytics.concentration import concentration  # noqa: E402
from analytics.over_time import concentration_over_time, revenue_by_period  # noqa: E402
from analytics.store import Store  # noqa: E402
from analytics.window import resolve_window  # noqa: E402
from bench.ledger import write_ledger  # noqa: E402


def load(store: Store, csv_path: str) -> int:
    with store.transaction() as cur:
        (dataset_id,) = cur.execute(
            "INSERT INTO datasets (name, content_hash, rows_read, rows_imported, rows_rejected, base_currency) "
            "VALUES ('bench', 'bench', 0, 0, 0, 'EUR') RETURNING id").fetchone()
        cur.execute(
            "INSERT INTO income SELECT ?, date, client, amount, currency, category, description, 0 "
            "FROM read_csv(?) ORDER BY date", [dataset_id, csv_path])
        store.refresh_period(dataset_id, cur)
    return dataset_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="eggbasket-bench-") as workdir:
        csv_path = os.path.join(workdir, "ledger.csv")
        write_ledger(csv_path, args.rows, clients=args.clients)
        with Store(os.path.join(workdir, "bench.duckdb")) as store:
            dataset_id = load(store, csv_path)
            window = resolve_window(store, dataset_id, "12m")
            steps = {
                "concentration (12 months)": lambda: concentration(store, dataset_id, window),
                "concentration_over_time": lambda: concentration_over_time(store, dataset_id),
                "revenue_by_period month": lambda: revenue_by_period(store, dataset_id, "month"),
                "revenue_by_period quarter": lambda: revenue_by_period(store, dataset_id, "quarter"),
                "new_vs_returning": lambda: new_vs_returning(store, dataset_id),
                "revenue_by_tenure": lambda: revenue_by_tenure(store, dataset_id),
                "cohort_revenue": lambda: cohort_revenue(store, dataset_id),
            }
            result = {}
            for name, step in steps.items():
                samples = []
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    step()
                    samples.append(time.perf_counter() - t0)
                result[name] = round(statistics.median(samples), 3)
    print(json.dumps({"rows": args.rows, "clients": args.clients, "median_seconds": result}, indent=2))


if __name__ == "__main__":
    main()
