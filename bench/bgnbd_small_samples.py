"""How small a dataset can the BG/NBD fit handle? The study behind ``MIN_CLIENTS_FOR_FIT`` (run by hand).

    .venv/bin/python bench/bgnbd_small_samples.py [--draws 40] [--sizes 10,20,30,50,100]

For each number of clients n, ``--draws`` populations are drawn from known parameters (a
freelancer-like book: about one payment a month on average, clients observed 1–24 months) with
``analytics.bgnbd.sample_population``. Each is fitted; the table shows how often the fit converged,
how many clients had a repeat payment, and the mean absolute error of P(alive) against the true
parameters' P(alive) for the converged fit and for ``PRIOR_PARAMS`` on the same clients.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics.bgnbd import PRIOR_PARAMS, BgNbdParams, fit, p_alive, sample_population  # noqa: E402

TRUTH = BgNbdParams(r=0.8, alpha=3.0, a=1.0, b=10.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=40)
    parser.add_argument("--sizes", default="10,20,30,50,100")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print(f"truth {TRUTH}, {args.draws} draws per size, T ~ uniform(4, 104) weeks")
    print("| clients | repeat clients (mean) | fit converged | P(alive) error, fit | P(alive) error, prior |")
    print("|---:|---:|---:|---:|---:|")
    for n in (int(v) for v in args.sizes.split(",")):
        rng = np.random.default_rng([args.seed, n])
        converged, repeat, err_fit, err_prior = 0, [], [], []
        for _ in range(args.draws):
            x, t_x, T = sample_population(TRUTH, n, rng.uniform(4, 104, n), rng)
            repeat.append(int((x > 0).sum()))
            result = fit(x, t_x, T)
            if result.converged:
                converged += 1
                true = p_alive(TRUTH, x, t_x, T)
                err_fit.append(np.mean(np.abs(p_alive(result.params, x, t_x, T) - true)))
                err_prior.append(np.mean(np.abs(p_alive(PRIOR_PARAMS, x, t_x, T) - true)))
        print(f"| {n} | {np.mean(repeat):.1f} | {converged / args.draws:.0%} | "
              f"{np.mean(err_fit):.3f} | {np.mean(err_prior):.3f} |")


if __name__ == "__main__":
    main()
