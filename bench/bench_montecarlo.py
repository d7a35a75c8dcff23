"""Benchmark the revenue-at-risk engine (run by hand).

    .venv/bin/python bench/bench_montecarlo.py [--clients 1000] [--paths 10000] [--horizon 24] [--repeat 7]

1. ``simulate_revenue`` on ``--clients`` synthetic clients (log-normal run-rates, p_gone_now
   uniform on 0–0.3, p_leave = p_gone_now + uniform 0–0.5, sd = 30% of the run-rate, expenses at 70%
   of baseline), with and without the month-to-month noise; a new seed every run.
2. The BG/NBD fit on the CDNOW calibration data (2,357 customers, tests/data/CDNOW_sample.txt).

Each timing is the median of ``--repeat`` runs in this process, after one warm-up run.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from analytics.bgnbd import fit  # noqa: E402
from analytics.montecarlo import simulate_revenue  # noqa: E402
from cdnow_helpers import CALIBRATION_END, CDNOW, PURCHASES_SQL  # noqa: E402


def timed(step, repeat: int) -> tuple[float, object]:
    result = step(-1)  # warm-up
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        result = step(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--paths", type=int, default=10_000)
    parser.add_argument("--horizon", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    monthly = rng.lognormal(7.0, 1.0, args.clients)
    gone = rng.uniform(0.0, 0.3, args.clients)
    leave = np.minimum(1.0, gone + rng.uniform(0.0, 0.5, args.clients))
    sd = 0.3 * monthly
    expenses = 0.7 * float(monthly.sum())
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"numpy {np.__version__}, load average {os.getloadavg()[0]:.1f}")
    size = f"{args.paths:,} paths × {args.clients:,} clients × {args.horizon} months"

    with_noise, r = timed(lambda i: simulate_revenue(monthly, gone, leave, monthly_sd=sd, horizon=args.horizon,
                                                     paths=args.paths, expenses=expenses, seed=i + 1), args.repeat)
    print(f"simulate_revenue, {size}, with noise and expenses: median {with_noise:.3f} s "
          f"(P5 {r.p5:,.0f}, expected loss {r.expected_loss:,.0f})")
    no_noise, _ = timed(lambda i: simulate_revenue(monthly, gone, leave, horizon=args.horizon, paths=args.paths,
                                                   seed=i + 1), args.repeat)
    print(f"simulate_revenue, {size}, departures only: median {no_noise:.3f} s")

    with duckdb.connect() as con:
        cols = con.execute(
            f"SELECT count(DISTINCT day) - 1 AS x, (max(day) - min(day)) / 7.0 AS t_x, "
            f"(DATE '{CALIBRATION_END}' - min(day)) / 7.0 AS T FROM ({PURCHASES_SQL}) "
            f"WHERE day <= DATE '{CALIBRATION_END}' GROUP BY customer", [str(CDNOW)]).fetchnumpy()
    x, t_x, T = (np.asarray(cols[k], dtype=float) for k in ("x", "t_x", "T"))
    fit_time, result = timed(lambda i: fit(x, t_x, T), args.repeat)
    p = result.params
    print(f"BG/NBD fit on CDNOW ({x.size:,} customers): median {fit_time:.3f} s "
          f"(r {p.r:.3f}, alpha {p.alpha:.3f}, a {p.a:.3f}, b {p.b:.3f}, LL {result.log_likelihood:.1f})")


if __name__ == "__main__":
    main()
