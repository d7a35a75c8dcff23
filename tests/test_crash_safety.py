"""A crash in the middle of an import loses nothing: the process is killed (SIGKILL) while it
writes a large dataset; the database opens afterwards with every earlier dataset intact and no
trace of the half-written one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analytics.ingest import import_file
from analytics.store import Store
from bench.ledger import write_ledger

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import sys
sys.path.insert(0, {root!r})
from analytics.ingest import import_plan, inspect_file
from analytics.store import Store
def progress(fraction, message):
    print(message, flush=True)
with Store({db!r}) as store:
    import_plan(store, inspect_file({csv!r}), progress=progress)
print("finished", flush=True)
"""


@pytest.mark.parametrize("kill_at", ["Reading and checking every row…", "Saving…"])
def test_killing_an_import_keeps_earlier_data_and_no_partial_dataset(tmp_path, kill_at):
    db = tmp_path / "books.duckdb"
    small = tmp_path / "small.csv"
    small.write_text("date,client,amount\n2026-01-05,Acme,300.00\n2026-02-05,Beta,100.00\n", encoding="utf-8")
    with Store(db) as store:
        earlier = import_file(store, small).dataset
    big = tmp_path / "big.csv"
    write_ledger(str(big), 2_000_000)

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), db=str(db), csv=str(big))],
        stdout=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    for line in child.stdout:
        if line.strip() == kill_at:
            time.sleep(0.2)  # well inside that step: the whole import takes seconds
            break
        assert time.monotonic() < deadline
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL  # it really was cut short, not finished

    with Store(db) as store:
        datasets = store.datasets()
        assert [d.id for d in datasets] == [earlier.id]
        with store.cursor() as cur:
            assert cur.execute("SELECT count(*), sum(amount) FROM income").fetchone() == (2, 400)
            assert cur.execute("SELECT count(*) FROM income WHERE dataset_id <> ?", [earlier.id]).fetchone() == (0,)
        # and the database still takes new imports
        again = tmp_path / "again.csv"
        again.write_text("date,client,amount\n2026-03-05,Gamma,50.00\n", encoding="utf-8")
        assert import_file(store, again).rows_imported == 1
