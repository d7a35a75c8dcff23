"""``python -m analytics simulate``: JSON contract and hand-computed values (analytics/cli.py).

The CSV below is written into ``tmp_path``; its baseline is worked out by hand:

    12 months (default): last record 2025-12-31 → window 2025-01-01 … 2025-12-31
        Acme 18000 + 18000 = 36000 (the 99999.99 on 2024-12-31 is outside) → 3000
        Globex 24000 → 2000; Initech 12000 → 1000; Hooli 6000 → 500; Umbrella 6000 → 500
        Wayne 1000 − 1500 = −500 → run-rate 0 (non_positive)
        baseline 7000; month 1 = 2026-01 … month 24 = 2027-12
    3 months (--baseline-months 3): window 2025-10-01 … 2025-12-31
        Acme 18000 (Dec 31) → 6000; Umbrella 6000 (Oct 15) → 2000; Wayne −500 → 0
        baseline 8000
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.cli import main

ROOT = Path(__file__).resolve().parent.parent

INCOME_CSV = """\
date,client,amount
2024-12-31,Acme,99999.99
2025-01-01,Acme,18000.00
2025-03-15,Globex,24000.00
2025-06-15,Initech,12000.00
2025-09-15,Hooli,6000.00
2025-10-15,Umbrella,6000.00
2025-11-20,Wayne,1000.00
2025-12-01,Wayne,-1500.00
2025-12-31,Acme,18000.00
"""

JSON_KEYS = [
    "baseline_monthly", "scenario_monthly", "lost_monthly", "lost_share", "runway_months",
    "clients_to_replace", "break_even_loss_share", "after", "projection", "stress",
]
MONTHS_24 = [f"2026-{m:02d}" for m in range(1, 13)] + [f"2027-{m:02d}" for m in range(1, 13)]


@pytest.fixture
def income_csv(tmp_path) -> Path:
    path = tmp_path / "income.csv"
    path.write_text(INCOME_CSV, encoding="utf-8")
    return path


def simulate_json(capsys, path, *flags):
    code = main(["simulate", str(path), *flags, "--format", "json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    return json.loads(out)


def approx_list(values):
    return [None if v is None else pytest.approx(v, rel=1e-12, abs=1e-9) for v in values]


def check_shape(body):
    assert list(body) == JSON_KEYS
    if body["after"] is not None:
        assert list(body["after"]) == ["top_shares", "hhi", "effective_clients"]
        assert list(body["after"]["top_shares"]) == ["1", "3"]
    assert len(body["projection"]) == 24
    assert all(list(row) == ["month", "baseline", "scenario", "cash"] for row in body["projection"])
    assert [row["month"] for row in body["projection"]] == MONTHS_24
    assert all(list(row) == ["k", "lost_share", "scenario_monthly", "runway_months"] for row in body["stress"])


# -- JSON values ----------------------------------------------------------------------------------------


def test_top_one_with_expenses_and_reserve(income_csv, capsys):
    # --top 1 = lose Acme (3000) from 2026-01; expenses 6000, reserve 9000.
    #   lost 3000, share 3/7, scenario 4000; deficit 2000: cash_m = 9000 − 2000·m
    #       (7000, 5000, 3000, 1000, −1000 …) → runway 4 + 1000/2000 = 4.5.
    #   to replace: 3000 ÷ mean(2000, 1000, 500, 500) = 3000/1000 = 3.
    #   break-even (7000 − 6000)/7000 = 1/7.
    #   after: .5, .25, .125, .125 → top-1 .5, top-3 .875, HHI .34375, effective 1/.34375 = 32/11.
    #   stress (reserve 9000 ÷ deficit): k=1 4000 → 4.5; k=2 2000 → 9000/4000 = 2.25;
    #       k=3 1000 → 9000/5000 = 1.8; k=4 500 → 9000/5500 = 18/11; k=5 0 → 9000/6000 = 1.5;
    #       lost shares 3/7, 5/7, 6/7, 6500/7000 = 13/14, 1.
    body = simulate_json(capsys, income_csv, "--top", "1", "--expenses", "6000", "--reserve", "9000")
    check_shape(body)
    assert body["baseline_monthly"] == 7000
    assert body["scenario_monthly"] == 4000
    assert body["lost_monthly"] == 3000
    assert body["lost_share"] == pytest.approx(3 / 7, rel=1e-12)
    assert body["runway_months"] == pytest.approx(4.5, rel=1e-12)
    assert body["clients_to_replace"] == 3
    assert body["break_even_loss_share"] == pytest.approx(1 / 7, rel=1e-12)
    assert body["after"]["top_shares"] == {"1": pytest.approx(0.5), "3": pytest.approx(0.875)}
    assert body["after"]["hhi"] == pytest.approx(0.34375, rel=1e-12)
    assert body["after"]["effective_clients"] == pytest.approx(32 / 11, rel=1e-12)
    assert [row["baseline"] for row in body["projection"]] == [7000] * 24
    assert [row["scenario"] for row in body["projection"]] == [4000] * 24
    assert [row["cash"] for row in body["projection"]] == [9000 - 2000 * m for m in range(1, 25)]
    assert [row["k"] for row in body["stress"]] == [1, 2, 3, 4, 5]
    assert [row["lost_share"] for row in body["stress"]] == approx_list([3 / 7, 5 / 7, 6 / 7, 13 / 14, 1])
    assert [row["scenario_monthly"] for row in body["stress"]] == [4000, 2000, 1000, 500, 0]
    assert [row["runway_months"] for row in body["stress"]] == approx_list([4.5, 2.25, 1.8, 18 / 11, 1.5])


def test_two_clients_half_cut_from_a_later_month(income_csv, capsys):
    # --lose Acme --lose Globex --cut 50 --from 2026-03; expenses 5000, reserve 1250.
    #   lost .5·3000 + .5·2000 = 2500; share 2500/7000 = 5/14; steady scenario 4500.
    #   projection: 2026-01, 2026-02 at 7000; from 2026-03 at 4500.
    #   cash: 1250 + 2000 = 3250; 5250; then −500 a month: cash_m = 5250 − 500·(m − 2) for m ≥ 2
    #       → month 12: 250, month 13: −250 → runway 12 + 250/500 = 12.5; month 24: −5750.
    #   remaining: Acme 1500, Globex 1000, Initech 1000, Hooli 500, Umbrella 500 (sum 4500, mean 900)
    #       → to replace 2500/900 = 2.78 → 3.
    #   after: 1/3, 2/9, 2/9, 1/9, 1/9 → top-1 1/3, top-3 7/9, HHI (9+4+4+1+1)/81 = 19/81, effective 81/19.
    #   break-even (7000 − 5000)/7000 = 2/7.
    #   stress (full losses from next month, reserve 1250, expenses 5000):
    #       k=1 4000: cash 250, −750 → 1 + 250/1000 = 1.25; k=2 2000 → 1250/3000 = 5/12;
    #       k=3 1000 → 1250/4000 = .3125; k=4 500 → 1250/4500 = 5/18; k=5 0 → 1250/5000 = .25.
    body = simulate_json(
        capsys, income_csv, "--lose", "Acme", "--lose", "Globex", "--cut", "50", "--from", "2026-03",
        "--expenses", "5000", "--reserve", "1250",
    )
    check_shape(body)
    assert body["baseline_monthly"] == 7000
    assert body["lost_monthly"] == 2500
    assert body["lost_share"] == pytest.approx(5 / 14, rel=1e-12)
    assert body["scenario_monthly"] == 4500
    assert [row["scenario"] for row in body["projection"]] == [7000, 7000] + [4500] * 22
    assert [row["cash"] for row in body["projection"]] == [3250] + [5250 - 500 * (m - 2) for m in range(2, 25)]
    assert body["projection"][11]["cash"] == 250 and body["projection"][12]["cash"] == -250
    assert body["runway_months"] == pytest.approx(12.5, rel=1e-12)
    assert body["clients_to_replace"] == 3
    assert body["break_even_loss_share"] == pytest.approx(2 / 7, rel=1e-12)
    assert body["after"]["top_shares"] == {"1": pytest.approx(1 / 3), "3": pytest.approx(7 / 9)}
    assert body["after"]["hhi"] == pytest.approx(19 / 81, rel=1e-12)
    assert body["after"]["effective_clients"] == pytest.approx(81 / 19, rel=1e-12)
    assert [row["lost_share"] for row in body["stress"]] == approx_list([3 / 7, 5 / 7, 6 / 7, 13 / 14, 1])
    assert [row["scenario_monthly"] for row in body["stress"]] == [4000, 2000, 1000, 500, 0]
    assert [row["runway_months"] for row in body["stress"]] == approx_list([1.25, 5 / 12, 0.3125, 5 / 18, 0.25])


def test_recovery_ramp(income_csv, capsys):
    # --lose Acme --recover-months 4 --recover-share 50; expenses 6000, reserve 5000.
    #   replacement in month k of the loss: .5 · min(k/4, 1) · 3000 = 375, 750, 1125, 1500, 1500 …
    #   scenario 4375, 4750, 5125, 5500, then 5500 (steady; lost before recovery still 3000).
    #   cash: 5000 − 1625 = 3375; − 1250 → 2125; − 875 → 1250; − 500 → 750; 250; −250 …
    #       → runway 5 + 250/500 = 5.5; month 24 = 250 − 500·19 = −9250.
    #   stress ignores recovery: reserve 5000 ÷ deficits 2000, 4000, 5000, 5500, 6000
    #       = 2.5, 1.25, 1, 10/11, 5/6.
    body = simulate_json(
        capsys, income_csv, "--lose", "Acme", "--recover-months", "4", "--recover-share", "50",
        "--expenses", "6000", "--reserve", "5000",
    )
    check_shape(body)
    assert [row["scenario"] for row in body["projection"]] == [4375, 4750, 5125, 5500] + [5500] * 20
    assert [row["cash"] for row in body["projection"]][:6] == [3375, 2125, 1250, 750, 250, -250]
    assert body["projection"][-1]["cash"] == -9250
    assert body["scenario_monthly"] == 5500
    assert body["lost_monthly"] == 3000
    assert body["lost_share"] == pytest.approx(3 / 7, rel=1e-12)
    assert body["runway_months"] == pytest.approx(5.5, rel=1e-12)
    assert body["clients_to_replace"] == 3
    assert [row["runway_months"] for row in body["stress"]] == approx_list([2.5, 1.25, 1.0, 10 / 11, 5 / 6])


def test_three_month_baseline(income_csv, capsys):
    # --baseline-months 3 → Acme 6000, Umbrella 2000, baseline 8000 (see the module docstring).
    #   --lose Umbrella --expenses 7000 (reserve 0): lost 2000, share .25, scenario 6000;
    #   deficit 1000 from month 1, reserve 0 → runway 0; cash −1000·m.
    #   to replace 2000/6000 → 1. after: Acme alone → top shares 1, 1; HHI 1; effective 1.
    #   break-even (8000 − 7000)/8000 = 1/8.
    #   stress: only 2 clients → k=1 (Acme: .75, 2000, runway 0), k=2 (1, 0, runway 0).
    body = simulate_json(capsys, income_csv, "--lose", "Umbrella", "--expenses", "7000", "--baseline-months", "3")
    check_shape(body)
    assert body["baseline_monthly"] == 8000
    assert body["lost_monthly"] == 2000
    assert body["lost_share"] == 0.25
    assert body["scenario_monthly"] == 6000
    assert body["runway_months"] == 0
    assert body["clients_to_replace"] == 1
    assert body["break_even_loss_share"] == pytest.approx(1 / 8, rel=1e-12)
    assert body["after"] == {"top_shares": {"1": 1.0, "3": 1.0}, "hhi": 1.0, "effective_clients": 1.0}
    assert [row["baseline"] for row in body["projection"]] == [8000] * 24
    assert [row["cash"] for row in body["projection"]] == [-1000 * m for m in range(1, 25)]
    assert body["stress"] == [
        {"k": 1, "lost_share": 0.75, "scenario_monthly": 2000, "runway_months": 0},
        {"k": 2, "lost_share": 1.0, "scenario_monthly": 0, "runway_months": 0},
    ]


def test_no_expenses_gives_nulls(income_csv, capsys):
    body = simulate_json(capsys, income_csv, "--lose", "acme")  # case-insensitive
    check_shape(body)
    assert body["lost_monthly"] == 3000
    assert body["runway_months"] is None
    assert body["break_even_loss_share"] is None
    assert all(row["cash"] is None for row in body["projection"])
    assert all(row["runway_months"] is None for row in body["stress"])


def test_losing_everyone_gives_null_after(income_csv, capsys):
    # --top 9 on 5 paying clients: all of them; Wayne (run-rate 0) is not among the top.
    body = simulate_json(capsys, income_csv, "--top", "9")
    assert body["scenario_monthly"] == 0
    assert body["lost_share"] == 1.0
    assert body["after"] is None
    assert body["clients_to_replace"] is None


# -- text ---------------------------------------------------------------------------------------------


def test_text_format_mentions_the_runway(income_csv, capsys):
    code = main(["simulate", str(income_csv), "--top", "1", "--expenses", "6000", "--reserve", "9000"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert "Runway: 4.5 months" in lines
    assert lines[0].startswith("Losing Acme (42.9%)")
    assert "Clients to replace: 3" in lines
    assert any("MORE concentrated" in line for line in lines)
    assert lines[-1].startswith("Stress: top 1:")


def test_text_format_unlimited_runway_without_expenses(income_csv, capsys):
    assert main(["simulate", str(income_csv), "--lose", "Hooli"]) == 0
    assert "Runway: unlimited" in capsys.readouterr().out.splitlines()


# -- errors -------------------------------------------------------------------------------------------


def test_unknown_client_exits_2_with_a_suggestion(income_csv, capsys):
    code = main(["simulate", str(income_csv), "--lose", "Globx", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err == "error: No client named 'Globx' in this dataset. Did you mean: Globex?\n"


@pytest.mark.parametrize(
    ("flags", "fragment"),
    [
        (["--lose", "Acme", "--cut", "150"], "between 0% and 100%"),
        (["--lose", "Acme", "--cut", "-5"], "between 0% and 100%"),
        (["--lose", "Acme", "--expenses", "-1"], "expenses cannot be negative"),
        (["--lose", "Acme", "--reserve", "-1"], "reserve cannot be negative"),
        (["--lose", "Acme", "--recover-months", "3", "--recover-share", "120"], "Recovery"),
        (["--lose", "Acme", "--from", "2026-13"], "YYYY-MM"),
        (["--top", "0"], "--top"),
    ],
)
def test_bad_flags_exit_2_with_one_line(income_csv, capsys, flags, fragment):
    code = main(["simulate", str(income_csv), *flags])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1
    assert fragment in err


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["simulate", str(tmp_path / "nope.csv"), "--top", "1"]) == 2
    assert capsys.readouterr().err.startswith("error: No such file")


def test_lose_or_top_is_required(income_csv):
    with pytest.raises(SystemExit) as info:
        main(["simulate", str(income_csv)])
    assert info.value.code == 2


def test_nan_expenses_rejected(income_csv, capsys):
    code = main(["simulate", str(income_csv), "--lose", "Acme", "--expenses", "nan", "--format", "json"])
    assert code == 2


# -- a real process -------------------------------------------------------------------------------------


def test_python_dash_m_simulate(income_csv):
    done = subprocess.run(
        [sys.executable, "-m", "analytics", "simulate", str(income_csv), "--top", "1",
         "--expenses", "6000", "--reserve", "9000", "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    body = json.loads(done.stdout)
    check_shape(body)
    assert (body["baseline_monthly"], body["scenario_monthly"], body["lost_monthly"]) == (7000, 4000, 3000)
    assert body["runway_months"] == pytest.approx(4.5)
    assert body["clients_to_replace"] == 3
    assert body["projection"][4] == {"month": "2026-05", "baseline": 7000, "scenario": 4000, "cash": -1000}

    bad = subprocess.run(
        [sys.executable, "-m", "analytics", "simulate", str(income_csv), "--lose", "Umbrela"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr == "error: No client named 'Umbrela' in this dataset. Did you mean: Umbrella?\n"
