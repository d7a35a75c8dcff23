"""``python -m analytics risk``: JSON contract, the --as-of cut-off and bad input (analytics/cli.py).

The CSV below is written into ``tmp_path``; by hand:

    as of 2025-12-31 (--as-of): Delta's 2026 payment does not exist yet. Window 2025-01-01 … 12-31;
        the data starts 2025-01-10, after the trailing start, so the whole span (Jan … Dec = 12
        calendar months) counts: Alpha 12 × 1000 / 12 = 1000, Bravo 3000 / 12 = 250,
        Charlie 600 / 12 = 50 → baseline_12 = 12 × 1300 = 15,600.
        Alpha: 12 payment days → x = 11, t_x = Dec 10 − Jan 10 = 334 days, T = Dec 31 − Jan 10 = 355 days.
        Bravo, Charlie: one payment day → x = 0 → P(alive) = 1.
    default (last record 2026-02-01): window 2025-02-02 … 2026-02-01: Alpha 11 × 1000 (Feb … Dec),
        Bravo 3000, Charlie 600, Delta 5000 → baseline_12 = 19,600.
    Four clients: the fixed prior is used (fewer than 30 clients), so params are null.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from analytics.bgnbd import PRIOR_PARAMS
from analytics.cli import main
from analytics.montecarlo import MIN_PATHS
from cdnow_helpers import CALIBRATION_END, CDNOW, PUBLISHED, PUBLISHED_LOG_LIKELIHOOD, PURCHASES_SQL

ROOT = Path(__file__).resolve().parent.parent

INCOME_CSV = "date,client,amount\n" + "".join(f"2025-{m:02d}-10,Alpha,1000.00\n" for m in range(1, 13)) + """\
2025-06-15,Bravo,3000.00
2025-12-31,Charlie,600.00
2026-02-01,Delta,5000.00
"""
KEYS = ["currency", "as_of", "horizon", "paths", "seed", "baseline_12", "p5", "p50", "p95", "expected_loss",
        "revenue_at_risk_95", "expenses", "prob_below_expenses", "model", "clients", "fan"]


@pytest.fixture
def income_csv(tmp_path) -> Path:
    path = tmp_path / "income.csv"
    path.write_text(INCOME_CSV, encoding="utf-8")
    return path


def risk_json(capsys, path, *flags) -> dict:
    code = main(["risk", str(path), *map(str, flags), "--format", "json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    return json.loads(out)


def risk_error(capsys, *argv) -> str:
    code = main(["risk", *map(str, argv)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "") and "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def prior_p_alive(x: int, t_x: float, T: float) -> float:
    p = PRIOR_PARAMS
    return 1.0 / (1.0 + p.a / (p.b + x - 1) * ((p.alpha + T) / (p.alpha + t_x)) ** (p.r + x))


def test_as_of_cuts_the_records(capsys, income_csv):
    body = risk_json(capsys, income_csv, "--as-of", "2025-12-31", "--paths", MIN_PATHS)
    assert list(body) == KEYS
    assert (body["as_of"], body["currency"], body["baseline_12"]) == ("2025-12-31", "XXX", 15_600.0)  # no currency column: ISO "no currency"
    clients = {c["client"]: c for c in body["clients"]}
    assert sorted(clients) == ["Alpha", "Bravo", "Charlie"]  # no Delta yet
    assert clients["Alpha"]["p_alive"] == pytest.approx(prior_p_alive(11, 334 / 7, 355 / 7), rel=1e-12)
    assert clients["Bravo"]["p_alive"] == clients["Charlie"]["p_alive"] == 1.0
    assert [c["monthly_baseline"] for c in body["clients"] if c["client"] == "Bravo"] == [250.0]
    assert body["fan"][0]["month"] == "2026-01" and len(body["fan"]) == 12


def test_default_cut_off_is_the_last_record(capsys, income_csv):
    body = risk_json(capsys, income_csv, "--paths", MIN_PATHS)
    assert body["as_of"] == "2026-02-01" and body["baseline_12"] == 19_600.0
    assert "Delta" in {c["client"] for c in body["clients"]}
    assert body["fan"][0]["month"] == "2026-03"


def test_numbers_hang_together(capsys, income_csv):
    body = risk_json(capsys, income_csv, "--as-of", "2025-12-31", "--expenses", "1000")
    assert body["paths"] == 10_000 and body["seed"] == 0 and body["horizon"] == 12
    assert body["model"]["method"] == "bgnbd-prior" and body["model"]["params"] is None
    assert body["model"]["log_likelihood"] is None and body["model"]["note"]
    assert body["p5"] <= body["p50"] <= body["p95"]
    assert body["revenue_at_risk_95"] == pytest.approx(body["baseline_12"] - body["p5"], abs=0.011)
    assert 0.0 <= body["prob_below_expenses"] <= 1.0 and body["expenses"] == 1000.0
    # Each client's revenue at risk from its own p_alive / p_leave, by the closed form:
    # monthly × Σ_{m=1..12} (1 − (1 − g)(1 − h)^m), g = 1 − p_alive, (1 − h)^12 = (1 − p_leave)/(1 − g).
    for c in body["clients"]:
        g, p = 1 - c["p_alive"], c["p_leave"]
        keep = ((1 - p) / (1 - g)) ** (1 / 12)
        lost = sum(1 - (1 - g) * keep ** m for m in range(1, 13))
        assert c["revenue_at_risk"] == pytest.approx(c["monthly_baseline"] * lost, abs=0.011)
    risks = [c["revenue_at_risk"] for c in body["clients"]]
    assert risks == sorted(risks, reverse=True)


def test_seed_paths_and_horizon(capsys, income_csv):
    a = risk_json(capsys, income_csv, "--seed", 7, "--paths", 2000, "--horizon", 24)
    b = risk_json(capsys, income_csv, "--seed", 7, "--paths", 2000, "--horizon", 24)
    c = risk_json(capsys, income_csv, "--seed", 8, "--paths", 2000, "--horizon", 24)
    assert a == b and a["p5"] != c["p5"]
    assert (a["seed"], a["paths"], a["horizon"], len(a["fan"])) == (7, 2000, 24, 24)
    assert a["prob_below_expenses"] is None and a["fan"][0]["expenses"] is None


def test_cdnow_gives_the_published_fit(capsys, tmp_path):
    # The CDNOW records as an income CSV (amount = number of CDs, see cdnow_helpers.insert_cdnow).
    path = tmp_path / "cdnow.csv"
    with duckdb.connect() as con:
        rows = con.execute(f"SELECT day, lpad(CAST(customer AS VARCHAR), 4, '0'), cds FROM ({PURCHASES_SQL})",
                           [str(CDNOW)]).fetchall()
    path.write_text("date,client,amount\n" + "".join(f"{d},{c},{n}\n" for d, c, n in rows), encoding="utf-8")
    body = risk_json(capsys, path, "--as-of", CALIBRATION_END, "--paths", MIN_PATHS)
    assert body["model"]["method"] == "bgnbd-fit"
    assert {k: round(v, 3) for k, v in body["model"]["params"].items()} == PUBLISHED.as_dict()
    assert round(body["model"]["log_likelihood"], 1) == PUBLISHED_LOG_LIKELIHOOD


def test_text_format(capsys, income_csv):
    assert main(["risk", str(income_csv), "--as-of", "2025-12-31", "--paths", str(MIN_PATHS), "--expenses", "900"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Revenue at risk as of 31 Dec 2025: next 12 months, 1,000 simulated futures (seed 0)")
    assert "Baseline 15,600.00" in out and "Model: bgnbd-prior." in out
    assert "Income below expenses of 900.00" in out
    assert all(name in out for name in ("Alpha", "Bravo", "Charlie")) and "Delta" not in out


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--as-of", "2025-13-01"], "--as-of 2025-13-01: not a date"),
        (["--as-of", "2024-01-01"], "no payments on or before 01 Jan 2024"),
        (["--paths", "10"], "number of paths"),
        (["--expenses", "-5"], "Expenses must be"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, income_csv, flags, message):
    assert message in risk_error(capsys, income_csv, *flags)


def test_missing_file(capsys, tmp_path):
    assert "No such file" in risk_error(capsys, tmp_path / "missing.csv")


def test_only_refunds_is_bad_input(capsys, tmp_path):
    path = tmp_path / "refunds.csv"
    path.write_text("date,client,amount\n2025-01-01,A,-10.00\n", encoding="utf-8")
    assert "no payments" in risk_error(capsys, path)


def test_subprocess_json(income_csv):
    proc = subprocess.run(
        [sys.executable, "-m", "analytics", "risk", str(income_csv), "--paths", str(MIN_PATHS), "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert (proc.returncode, proc.stderr) == (0, "")
    assert list(json.loads(proc.stdout)) == KEYS
