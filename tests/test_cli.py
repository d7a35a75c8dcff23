"""Tests for the command line (analytics/cli.py, python -m analytics).

The main fixture is a small CSV whose every expected number is worked out by hand in the comments
next to it; the report is checked in-process through ``main([...])`` and once through a real
``python -m analytics`` subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from analytics.cli import main

ROOT = Path(__file__).resolve().parent.parent

JSON_KEYS = {
    "period", "rows", "total_revenue", "clients", "top_shares", "hhi", "hhi_points", "effective_clients",
    "gini", "pareto_80_clients", "risk", "clients_table", "lorenz",
}

# Line numbers as a text editor shows them (header is line 1).
INCOME_CSV = """\
date,client,amount
2024-03-15,Alpha,3500.00
2024-04-10,Bravo,1000.00
2024-05-20,Charlie,2000.00
2024-06-30,Alpha,-500.00
2024-07-05,Bravo,1000.00
2024-08-12,Delta,2000.00
2024-09-01,Bravo,1000.00
2024-09-15,Echo,not-a-number
"""
# By hand:
#   rows: 8 data rows read; line 9 (Echo, amount 'not-a-number') is rejected → 7 imported, 1 rejected.
#   Echo's date 2024-09-15 does not count: the last *imported* date is 2024-09-01.
#   net per client: Alpha 3500 − 500 (refund) = 3000; Bravo 1000 × 3 rows = 3000; Charlie 2000;
#   Delta 2000. Total 10000.
#   shares: Alpha .3, Bravo .3 (tie broken by name: Alpha first), Charlie .2, Delta .2.
#   top_shares: 1 → .3; 3 → .3+.3+.2 = .8; 5 and 10 → 1 (only 4 clients).
#   hhi = .09 + .09 + .04 + .04 = .26; points 2600; effective clients 1/.26 = 3.846…
#   gini on ascending x = 2000, 2000, 3000, 3000 (n = 4, Σx = 10000):
#       Σ(2i − n − 1)·x = (−3)(2000) + (−1)(2000) + (1)(3000) + (3)(3000) = −6000 − 2000 + 3000 + 9000 = 4000
#       G = 4000 / (4 · 10000) = 0.1
#   pareto_80: cumulative .3, .6, .8 → 3 clients (exactly 80% counts).
#   lorenz (ascending Delta, Charlie, Bravo, Alpha — ties ascending by name descending, see
#   concentration.py; either way equal revenues give the same y): cumulative 2000, 4000, 7000, 10000
#       → (0,0), (.25,.2), (.5,.4), (.75,.7), (1,1).
#   risk: top client 30% → "high" (25% ≤ share < 50%).
#   periods: --window all → 2024-03-15 … 2024-09-01;
#            default 12m → 2024-09-01 − 12 months + 1 day = 2023-09-02 … 2024-09-01.
EXPECTED_TABLE = [
    ("Alpha", 3000.0, 0.3),
    ("Bravo", 3000.0, 0.3),
    ("Charlie", 2000.0, 0.2),
    ("Delta", 2000.0, 0.2),
]
EXPECTED_LORENZ = [(0.0, 0.0), (0.25, 0.2), (0.5, 0.4), (0.75, 0.7), (1.0, 1.0)]


@pytest.fixture
def income_csv(tmp_path) -> Path:
    path = tmp_path / "income.csv"
    path.write_text(INCOME_CSV, encoding="utf-8")
    return path


def run_json(capsys, *argv: str) -> dict:
    code = main(["report", *map(str, argv), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    return json.loads(out)


def run_error(capsys, *argv: str) -> str:
    """Run the CLI expecting bad input: exit 2, nothing on stdout, exactly one 'error:' line on stderr."""
    code = main(["report", *map(str, argv)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert len(lines[0]) > len("error: ")
    return lines[0]


def approx(x):
    return pytest.approx(x, rel=1e-12, abs=1e-12)


def check_full_report(body: dict) -> None:
    """Every number of INCOME_CSV's whole-data report, as worked out by hand above."""
    assert set(body) == JSON_KEYS
    assert body["rows"] == {"read": 8, "imported": 7, "rejected": 1}
    assert body["total_revenue"] == 10000.0
    assert body["clients"] == 4
    assert set(body["top_shares"]) == {"1", "3", "5", "10"}
    assert body["top_shares"]["1"] == approx(0.3)
    assert body["top_shares"]["3"] == approx(0.8)
    assert body["top_shares"]["5"] == approx(1.0)
    assert body["top_shares"]["10"] == approx(1.0)
    assert body["hhi"] == approx(0.26)
    assert body["hhi_points"] == pytest.approx(2600, rel=1e-12)
    assert body["effective_clients"] == approx(1 / 0.26)
    assert body["gini"] == approx(0.1)
    assert body["pareto_80_clients"] == 3
    assert set(body["risk"]) == {"level", "reasons"}
    assert body["risk"]["level"] == "high"
    reasons = body["risk"]["reasons"]
    assert isinstance(reasons, list) and reasons and all(isinstance(r, str) and r for r in reasons)
    assert "Alpha" in reasons[0]
    assert [set(row) for row in body["clients_table"]] == [{"client", "revenue", "share"}] * 4
    assert [(r["client"], r["revenue"]) for r in body["clients_table"]] == [(c, v) for c, v, _ in EXPECTED_TABLE]
    for row, (_, _, share) in zip(body["clients_table"], EXPECTED_TABLE, strict=True):
        assert row["share"] == approx(share)
    assert len(body["lorenz"]) == len(EXPECTED_LORENZ)
    for point, (x, y) in zip(body["lorenz"], EXPECTED_LORENZ, strict=True):
        assert len(point) == 2
        assert point[0] == approx(x) and point[1] == approx(y)


# -- the report ----------------------------------------------------------------------------------------


def test_json_window_all(capsys, income_csv):
    body = run_json(capsys, income_csv, "--window", "all")
    assert body["period"] == {"start": "2024-03-15", "end": "2024-09-01"}
    check_full_report(body)


def test_json_default_window_is_trailing_12_months(capsys, income_csv):
    body = run_json(capsys, income_csv)
    # 2024-09-01 − 12 months = 2023-09-01, + 1 day = 2023-09-02; all data lies inside it
    assert body["period"] == {"start": "2023-09-02", "end": "2024-09-01"}
    check_full_report(body)
    assert run_json(capsys, income_csv, "--window", "12m") == body


def test_json_key_order_is_the_documented_one(capsys, income_csv):
    body = run_json(capsys, income_csv)
    assert list(body) == [
        "period", "rows", "total_revenue", "clients", "top_shares", "hhi", "hhi_points", "effective_clients",
        "gini", "pareto_80_clients", "risk", "clients_table", "lorenz",
    ]


def test_json_custom_window(capsys, income_csv):
    body = run_json(capsys, income_csv, "--window", "2024-01-01:2024-06-30")
    assert body["period"] == {"start": "2024-01-01", "end": "2024-06-30"}
    # By hand: rows dated 2024-01-01 … 2024-06-30, both ends included, so the 2024-06-30 refund counts:
    #   Alpha 3500 − 500 = 3000, Bravo 1000 (only 2024-04-10), Charlie 2000; Delta (Aug) is outside.
    #   Total 6000; shares 1/2, 1/3, 1/6. top1 .5; top3/5/10 = 1.
    #   hhi = 1/4 + 1/9 + 1/36 = (9 + 4 + 1)/36 = 14/36 = 7/18.
    #   gini, ascending 1000, 2000, 3000 (n = 3): (−2)(1000) + 0 + (2)(3000) = 4000; 4000/(3·6000) = 2/9.
    #   pareto: cumulative .5, .8333 → 2 clients.  Top client 50% → "critical".
    #   The rows block counts the whole file, not the window.
    assert body["rows"] == {"read": 8, "imported": 7, "rejected": 1}
    assert body["total_revenue"] == 6000.0
    assert body["clients"] == 3
    assert body["top_shares"]["1"] == approx(0.5)
    assert body["top_shares"]["3"] == approx(1.0)
    assert body["hhi"] == approx(7 / 18)
    assert body["hhi_points"] == pytest.approx(70000 / 18, rel=1e-12)
    assert body["effective_clients"] == approx(18 / 7)
    assert body["gini"] == approx(2 / 9)
    assert body["pareto_80_clients"] == 2
    assert body["risk"]["level"] == "critical"
    assert [(r["client"], r["revenue"]) for r in body["clients_table"]] == [
        ("Alpha", 3000.0), ("Charlie", 2000.0), ("Bravo", 1000.0)
    ]
    assert [r["share"] for r in body["clients_table"]] == [approx(1 / 2), approx(1 / 3), approx(1 / 6)]
    # lorenz: ascending Bravo 1000, Charlie 2000, Alpha 3000 → cumulative 1000, 3000, 6000 of 6000
    expected = [(0, 0), (1 / 3, 1 / 6), (2 / 3, 1 / 2), (1, 1)]
    assert [(approx(x), approx(y)) for x, y in expected] == [tuple(p) for p in body["lorenz"]]


def test_trailing_window_cuts_old_rows_and_leap_day(capsys, tmp_path):
    path = tmp_path / "leap.csv"
    path.write_text(
        "date,client,amount\n2023-01-31,Old,1000.00\n2024-01-15,A,250.00\n2024-02-29,B,500.00\n", encoding="utf-8"
    )
    body = run_json(capsys, path)
    # last date 2024-02-29; − 12 months → 2023-02-29 does not exist → 2023-02-28; + 1 day = 2023-03-01.
    # So Old (2023-01-31) is outside: total 250 + 500 = 750, B 2/3, A 1/3.
    assert body["period"] == {"start": "2023-03-01", "end": "2024-02-29"}
    assert body["total_revenue"] == 750.0
    assert [(r["client"], r["revenue"]) for r in body["clients_table"]] == [("B", 500.0), ("A", 250.0)]
    assert body["top_shares"]["1"] == approx(2 / 3)
    everything = run_json(capsys, path, "--window", "all")
    assert everything["period"] == {"start": "2023-01-31", "end": "2024-02-29"}
    assert everything["total_revenue"] == 1750.0  # 1000 + 250 + 500


def test_text_format(capsys, income_csv):
    code = main(["report", str(income_csv), "--window", "all"])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    # the top client and its share (3000 of 10000 = 30.0%, formatting.percent's one decimal)
    assert "Top client 30.0%" in out
    client_lines = [line for line in out.splitlines() if line.strip().startswith("Alpha")]
    assert len(client_lines) == 1
    assert "3,000.00" in client_lines[0] and "30.0%" in client_lines[0]
    assert "10,000.00 from 4 clients" in out
    assert "Period 15 Mar 2024 – 1 Sep 2024" in out
    assert "Rows: 8 read, 7 imported, 1 rejected" in out
    assert "Risk: HIGH" in out
    assert "Rejected line 9:" in out
    # clients listed largest first (Alpha, Bravo tie broken by name)
    names = [line.split()[0] for line in out.split("Clients:\n", 1)[1].splitlines() if line.startswith("  ")]
    assert names == ["Alpha", "Bravo", "Charlie", "Delta"]


def test_date_order_mdy_changes_the_period(capsys, tmp_path):
    path = tmp_path / "ambiguous.csv"
    path.write_text("date,client,amount\n03/04/2024,A,100.00\n05/06/2024,B,50.00\n", encoding="utf-8")
    # No day above 12, so the order is ambiguous and day-first is applied by default:
    #   dmy: 3 Apr 2024 … 5 Jun 2024;  mdy: 4 Mar 2024 … 6 May 2024.
    dmy = run_json(capsys, path, "--window", "all")
    assert dmy["period"] == {"start": "2024-04-03", "end": "2024-06-05"}
    assert run_json(capsys, path, "--window", "all", "--date-order", "dmy")["period"] == dmy["period"]
    mdy = run_json(capsys, path, "--window", "all", "--date-order", "mdy")
    assert mdy["period"] == {"start": "2024-03-04", "end": "2024-05-06"}
    assert mdy["total_revenue"] == dmy["total_revenue"] == 150.0


def test_forced_delimiter_tab(capsys, tmp_path):
    path = tmp_path / "tabs.tsv"
    path.write_text("date\tclient\tamount\n2024-01-05\tA\t10.00\n2024-01-06\tB\t30.00\n", encoding="utf-8")
    body = run_json(capsys, path, "--delimiter", "tab", "--window", "all")
    assert body["total_revenue"] == 40.0  # 10 + 30
    assert body["top_shares"]["1"] == approx(0.75)  # 30 / 40


def test_forced_decimal_comma(capsys, tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text("date;client;amount\n2024-01-05;A;1.234,50\n2024-01-06;B;765,50\n", encoding="utf-8")
    body = run_json(capsys, path, "--decimal", ",", "--window", "all")
    assert body["total_revenue"] == 2000.0  # 1234.50 + 765.50
    assert [r["revenue"] for r in body["clients_table"]] == [1234.5, 765.5]


def test_subprocess_json(income_csv):
    proc = subprocess.run(
        [sys.executable, "-m", "analytics", "report", str(income_csv), "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    body = json.loads(proc.stdout)
    assert body["period"] == {"start": "2023-09-02", "end": "2024-09-01"}
    check_full_report(body)


def test_subprocess_bad_input(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "analytics", "report", str(tmp_path / "missing.csv")],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and proc.stderr.startswith("error:")


def test_cli_writes_no_database(capsys, income_csv, tmp_path, monkeypatch):
    target = tmp_path / "must-not-exist.duckdb"
    monkeypatch.setenv("EGGBASKET_DB", str(target))
    run_json(capsys, income_csv)
    assert not target.exists()


# -- bad input -----------------------------------------------------------------------------------------


def test_missing_file(capsys, tmp_path):
    line = run_error(capsys, tmp_path / "nope.csv")
    assert "nope.csv" in line


def test_directory(capsys, tmp_path):
    line = run_error(capsys, tmp_path)
    assert "directory" in line


def test_empty_file(capsys, tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    run_error(capsys, tmp_path / "empty.csv")


def test_header_only_file(capsys, tmp_path):
    (tmp_path / "header.csv").write_text("date,client,amount\n", encoding="utf-8")
    run_error(capsys, tmp_path / "header.csv")


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4,  # a zip (xlsx) header
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200),  # legacy .xls (OLE)
        b"\x00\x01\x02\x03\xff\xfe\x00\x00" * 64,  # arbitrary binary with NUL bytes
    ],
    ids=["zip", "ole", "nul-bytes"],
)
def test_binary_file(capsys, tmp_path, content):
    path = tmp_path / "income.csv"
    path.write_bytes(content)
    run_error(capsys, path)


@pytest.mark.parametrize("window", ["13m", "last year", "2024-01-01", "2024-02-30:2024-03-01", "2024-06-30:2024-01-01"])
def test_bad_window(capsys, income_csv, window):
    line = run_error(capsys, income_csv, "--window", window)
    assert "indow" in line  # the message is about the window


def test_every_row_rejected(capsys, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("date,client,amount\nxx,A,1.00\n2024-01-01,,5.00\n2024-01-02,B,abc\n", encoding="utf-8")
    line = run_error(capsys, path)
    assert "3" in line  # "None of the 3 rows could be imported"


@pytest.mark.parametrize("window", ["2020-01-01:2020-12-31", "2024-06-30:2024-06-30"])
def test_window_with_no_revenue(capsys, income_csv, window):
    # 2020: no rows at all. 2024-06-30 alone: only Alpha's −500 refund, so no positive revenue.
    run_error(capsys, income_csv, "--window", window)


def test_only_refunds(capsys, tmp_path):
    path = tmp_path / "refunds.csv"
    path.write_text("date,client,amount\n2024-01-01,A,-10.00\n2024-01-02,B,-5.00\n", encoding="utf-8")
    run_error(capsys, path)


def test_unknown_encoding(capsys, income_csv):
    run_error(capsys, income_csv, "--encoding", "no-such-codec")


# -- bugs found (xfail until fixed; see the report) ----------------------------------------------------


def test_path_below_a_file(capsys, income_csv):
    run_error(capsys, income_csv / "x.csv")


def test_forced_utf16_on_utf8_file(capsys, income_csv):
    run_error(capsys, income_csv, "--encoding", "utf-16")


@pytest.mark.parametrize("codec", ["rot13", "base64"])
def test_forced_non_text_codec(capsys, income_csv, codec, tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # keep any leaked temp copy out of /tmp
    try:
        run_error(capsys, income_csv, "--encoding", codec)
    finally:
        leaked = list(scratch.iterdir())
    assert leaked == []  # the failed conversion must not leave its temporary copy behind


def test_text_top_share_never_crosses_the_risk_line(capsys, tmp_path):
    # By hand: Anchor 996.00 + ten clients × 900.40 = 996 + 9004 = 10000; Anchor's share is
    # 996 / 10000 = 9.96% < 10% → level "low". The text must not show it as 10% or more.
    rows = ["date,client,amount", "2024-01-10,Anchor,996.00"]
    rows += [f"2024-02-{day:02d},C{day:02d},900.40" for day in range(1, 11)]
    path = tmp_path / "low.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert run_json(capsys, path)["risk"]["level"] == "low"
    assert main(["report", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Risk: LOW" in out
    [line] = [line for line in out.splitlines() if line.startswith("Top client ")]
    shown = float(line.removeprefix("Top client ").split("%")[0])
    assert shown < 10
