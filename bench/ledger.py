"""Synthetic income ledgers for benchmarks: power-law client sizes, realistic CSV text.

``python bench/ledger.py ROWS PATH [--clients N] [--seed S]`` writes a CSV with the columns
date, client, amount, currency, category, description. Client weights follow a Zipf law
(weight of the k-th client ∝ 1/k^1.1), so a few clients dominate as in real books; about 1% of
rows are refunds. Written with DuckDB (fast, bounded memory), deterministic for a seed.
"""

from __future__ import annotations

import argparse

import duckdb

_SQL = """
COPY (
    WITH rows AS (
        SELECT range AS i,
               hash(range, $seed) AS h1, hash(range + 7919, $seed) AS h2, hash(range + 104729, $seed) AS h3
        FROM range($rows)
    ), picked AS (
        SELECT i, h1, h2, h3,
               -- inverse-CDF sample of a Zipf-like law over 1..clients via a continuous power law
               least($clients, greatest(1, CAST(floor(pow((h1 % 1000000) / 1000000.0 * (pow($clients, -0.1) - 1) + 1, -1 / 0.1)) AS BIGINT))) AS k
        FROM rows
    )
    SELECT DATE '2022-01-01' + CAST(h2 % 1461 AS INTEGER) AS date,
           'Client ' || lpad(CAST(k AS VARCHAR), 5, '0') AS client,
           CAST(CASE WHEN h3 % 100 = 0 THEN -1 ELSE 1 END * (50 + (h3 % 500000) / 100.0) AS DECIMAL(18,2)) AS amount,
           'EUR' AS currency,
           ['Retainer', 'Web development', 'Design', 'Consulting'][1 + CAST(k % 4 AS INTEGER)] AS category,
           'Invoice ' || CAST(i AS VARCHAR) AS description
    FROM picked
    ORDER BY date
) TO '{path}' (HEADER, DELIMITER ',')
"""


def write_ledger(path: str, rows: int, clients: int = 2000, seed: int = 42) -> None:
    with duckdb.connect() as con:
        con.execute(_SQL.replace("{path}", path.replace("'", "''")), {"rows": rows, "clients": clients, "seed": seed})


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("path")
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    write_ledger(args.path, args.rows, args.clients, args.seed)
