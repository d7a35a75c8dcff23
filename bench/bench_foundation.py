"""Benchmark the foundation on a synthetic ledger (run by hand; results go to bench/RESULTS.md).

    .venv/bin/python bench/bench_foundation.py [--rows 1000000] [--repeat 3]

Measured, each in a fresh subprocess (so peak RSS is that step's own), median of ``--repeat`` runs:
  import     ours (``import_file`` into a file database) vs DuckDB's bare ``read_csv`` into a table
             (the floor) vs ``pandas.read_csv`` (what a user would write)
  overview   ``concentration()`` on the stored rows (cold), and the overview page through AppTest:
             first run (caches cold) and a rerun (what a user feels when clicking around)
  scenario   ``client_baseline()`` (the SQL part, cached by the page), ``simulate()`` (what runs on
             every input change), and the scenario page's rerun after moving the cut slider
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = r"""
import json, sys, time
sys.path.insert(0, {root!r})
kind, csv_path, db_path = sys.argv[1], sys.argv[2], sys.argv[3]
t0 = time.perf_counter()
if kind == "ours":
    from analytics.ingest import import_file
    from analytics.store import Store
    with Store(db_path) as store:
        import_file(store, csv_path)
elif kind == "duckdb":
    import duckdb
    with duckdb.connect(db_path) as con:
        con.execute("SET enable_progress_bar = false")
        con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [csv_path])
elif kind == "pandas":
    import pandas
    frame = pandas.read_csv(csv_path)
seconds = time.perf_counter() - t0
# VmHWM: this process's own peak resident memory (ru_maxrss would include the parent's, as
# Linux carries it across fork and exec).
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({{"seconds": seconds, "peak_mb": peak_kb / 1024}}))
"""


def run_child(kind: str, csv_path: str, workdir: str) -> dict:
    db_path = os.path.join(workdir, f"{kind}-{time.monotonic_ns()}.duckdb")
    out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT)), kind, csv_path, db_path],
                         check=True, capture_output=True, text=True).stdout
    Path(db_path).unlink(missing_ok=True)
    Path(db_path + ".wal").unlink(missing_ok=True)
    return json.loads(out)


def median_of(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def bench_import(csv_path: str, repeat: int, workdir: str) -> dict:
    results = {}
    for kind in ("duckdb", "ours", "pandas"):
        runs = [run_child(kind, csv_path, workdir) for _ in range(repeat)]
        results[kind] = {"seconds": statistics.median(r["seconds"] for r in runs),
                         "peak_mb": statistics.median(r["peak_mb"] for r in runs)}
    return results


def bench_app(db_path: str, repeat: int) -> dict:
    os.environ["EGGBASKET_DB"] = db_path
    from streamlit.testing.v1 import AppTest

    from analytics.baseline import client_baseline
    from analytics.concentration import concentration
    from analytics.scenario import Scenario, simulate, top_losses
    from analytics.store import Store
    from analytics.window import resolve_window

    with Store(db_path) as store:
        dataset_id = store.datasets()[0].id
        window = resolve_window(store, dataset_id, "12m")
        out = {"concentration_cold": median_of(lambda: concentration(store, dataset_id, window), repeat)}
        out["baseline_sql"] = median_of(lambda: client_baseline(store, dataset_id), repeat)
        baseline = client_baseline(store, dataset_id)
        scenario = Scenario(top_losses(baseline, 2), expenses=baseline.monthly * 0.8, reserve=1e6,
                            recover_months=6, recover_share=0.5)
        out["simulate"] = median_of(lambda: simulate(baseline, scenario), max(repeat, 20))
        store.set_setting("demo_offered", "1")

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    t0 = time.perf_counter()
    at.run()
    out["overview_first_run"] = time.perf_counter() - t0
    out["overview_rerun"] = median_of(at.run, repeat)
    at.switch_page("pages/scenarios.py")
    t0 = time.perf_counter()
    at.run()
    out["scenario_first_run"] = time.perf_counter() - t0
    cuts = iter([50, 60, 70, 80, 90, 95] * 10)
    out["scenario_change_rerun"] = median_of(lambda: at.slider(key="scenario_cut").set_value(next(cuts)).run(), repeat)
    assert not at.exception, at.exception
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--import-only", action="store_true", help="skip the app timings (10M-row runs)")
    parser.add_argument("--app-only", action="store_true", help="skip the import comparison (10M-row runs)")
    parser.add_argument("--csv", help="an existing ledger CSV to use instead of writing one")
    args = parser.parse_args()
    from bench.ledger import write_ledger

    with tempfile.TemporaryDirectory(prefix="eggbasket-bench-") as workdir:
        csv_path = args.csv or os.path.join(workdir, "ledger.csv")
        if not args.csv:
            write_ledger(csv_path, args.rows)
        size_mb = os.path.getsize(csv_path) / 2**20
        imports = {} if args.app_only else bench_import(csv_path, args.repeat, workdir)
        if args.import_only:
            print(json.dumps({"rows": args.rows, "csv_mb": round(size_mb, 1), "import": imports}, indent=2))
            return
        db_path = os.path.join(workdir, "app.duckdb")
        from analytics.ingest import import_file
        from analytics.store import Store

        with Store(db_path) as store:
            import_file(store, csv_path)
        app = bench_app(db_path, args.repeat)
    report = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "rows": args.rows, "csv_mb": round(size_mb, 1), "import": imports, "app": app,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
