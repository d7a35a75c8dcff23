"""Independent checks of the demo dataset (data/demo_income.csv and data/generate_demo.py).

Deliberately uses only the standard library's ``csv`` module, not Eggbasket's ingest code, so the
demo file is checked against the brief rather than against the code that will read it.
"""

from __future__ import annotations

import calendar
import csv
import importlib.util
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CSV_PATH = ROOT / "data" / "demo_income.csv"
GENERATOR = ROOT / "data" / "generate_demo.py"
HEADER = ["date", "client", "amount", "currency", "category", "description"]
AMOUNT_RE = re.compile(r"^-?\d+\.\d{2}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _load_generator():
    spec = importlib.util.spec_from_file_location("eggbasket_generate_demo", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator():
    return _load_generator()


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with open(CSV_PATH, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == HEADER
        return list(reader)


def _minus_months(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + (d.month - 1) - months, 12)
    m += 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


# --- determinism ---------------------------------------------------------------------------------


def test_committed_csv_is_what_the_generator_writes(generator, tmp_path):
    out = tmp_path / "demo.csv"
    generator.write_csv(generator.generate_rows(), out)
    assert out.read_bytes() == CSV_PATH.read_bytes(), (
        "data/demo_income.csv is stale: run `python data/generate_demo.py`"
    )


def test_generate_rows_matches_the_file(generator, rows):
    assert generator.generate_rows() == rows
    assert generator.generate_rows() == generator.generate_rows()


def test_command_line_is_deterministic_across_hash_seeds(tmp_path):
    outputs = []
    for seed in ("1", "4242"):
        out = tmp_path / f"demo-{seed}.csv"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, str(GENERATOR), "--out", str(out)],
            check=True, env=env, cwd=tmp_path, capture_output=True,
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == CSV_PATH.read_bytes()


# --- format --------------------------------------------------------------------------------------


def test_file_encoding_and_layout():
    raw = CSV_PATH.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    text = raw.decode("utf-8")
    assert text.splitlines()[0] == ",".join(HEADER)
    assert "ООО Вектор" in text  # Unicode survives


def test_fields_are_well_formed(rows):
    assert 150 <= len(rows) <= 300
    for i, r in enumerate(rows, start=2):
        for k in HEADER:
            assert r[k] and r[k].strip() == r[k], f"line {i}: {k} empty or padded"
        assert DATE_RE.match(r["date"]), f"line {i}: {r['date']!r}"
        date.fromisoformat(r["date"])
        assert AMOUNT_RE.match(r["amount"]), f"line {i}: {r['amount']!r}"
        assert Decimal(r["amount"]) != 0
        assert None not in r, f"line {i}: extra fields"


def test_sorted_by_date(rows):
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)


def test_one_currency(rows):
    assert {r["currency"] for r in rows} == {"EUR"}


# --- shape of the story --------------------------------------------------------------------------


def test_24_months_from_2024_11_to_2026_10(rows):
    months = sorted({r["date"][:7] for r in rows})
    expected = [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)]
    expected = [ym for ym in expected if "2024-11" <= ym <= "2026-10"]
    assert len(expected) == 24
    assert months == expected
    assert rows[-1]["date"] >= "2026-10-20", "last record should be in late October 2026"


def test_about_fifteen_clients(rows):
    clients = {r["client"] for r in rows}
    assert 13 <= len(clients) <= 17


def test_exactly_one_refund(rows):
    negative = [r for r in rows if Decimal(r["amount"]) < 0]
    assert len(negative) == 1
    refund = negative[0]
    assert "refund" in refund["description"].lower()
    # refunded to a client who had paid more than that before
    paid_before = sum(
        Decimal(r["amount"]) for r in rows
        if r["client"] == refund["client"] and r["date"] <= refund["date"] and r is not refund
    )
    assert paid_before > -Decimal(refund["amount"])


def test_some_one_off_clients(rows):
    counts = Counter(r["client"] for r in rows)
    assert sum(1 for n in counts.values() if n == 1) >= 3


def test_realistic_amounts(rows):
    positive = [Decimal(r["amount"]) for r in rows if Decimal(r["amount"]) > 0]
    assert max(positive) <= Decimal("15000.00")
    assert min(positive) >= Decimal("100.00")
    assert any(a != a.to_integral_value() for a in positive), "some amounts have cents"


def test_top_client_near_45_percent_of_trailing_12_months(rows):
    last = max(date.fromisoformat(r["date"]) for r in rows)
    start = _minus_months(last, 12) + timedelta(days=1)
    by_client: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows:
        if start <= date.fromisoformat(r["date"]) <= last:
            by_client[r["client"]] += Decimal(r["amount"])
    total = sum(by_client.values())
    top, top_amount = max(by_client.items(), key=lambda kv: kv[1])
    share = top_amount / total
    assert Decimal("0.43") <= share <= Decimal("0.47"), f"{top}: {share:.4f}"


def test_top_client_is_also_top_all_time(rows):
    last = max(date.fromisoformat(r["date"]) for r in rows)
    start = _minus_months(last, 12) + timedelta(days=1)
    all_time: dict[str, Decimal] = defaultdict(Decimal)
    trailing: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows:
        amount = Decimal(r["amount"])
        all_time[r["client"]] += amount
        if date.fromisoformat(r["date"]) >= start:
            trailing[r["client"]] += amount
    assert max(all_time, key=all_time.get) == max(trailing, key=trailing.get)


def test_minus_months_helper():
    assert _minus_months(date(2026, 10, 30), 12) == date(2025, 10, 30)
    assert _minus_months(date(2024, 2, 29), 12) == date(2023, 2, 28)
    assert _minus_months(date(2026, 3, 31), 1) == date(2026, 2, 28)
