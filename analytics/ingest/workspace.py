"""A scratch database file for one import's work table (``eb_parsed``), so a large file never has to fit in memory.

DuckDB keeps temporary tables in memory, uncompressed: ``eb_parsed`` for a 10-million-row file is
well over a gigabyte and, under the store's memory budget, spills to disk slowly. A table in an
attached database *file* is instead compressed and written out row group by row group as it fills
(DuckDB's optimistic writes), like the ``CREATE TABLE … AS SELECT * FROM read_csv(…)`` that is
our benchmark floor. So each import attaches a fresh file under the system's temporary directory,
puts it first on the cursor's ``search_path`` (unqualified ``eb_parsed`` is created and found there;
``income`` and the other store tables are still found in the store's own database), and detaches and
deletes it afterwards. Files left by a killed process are removed by the next import after a day.

A transaction may write to only one database: the work table is changed before the store
transaction begins, and only read inside it.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb

WORK_DIR = Path(tempfile.gettempdir()) / "eggbasket-work"
_STALE_SECONDS = 24 * 3600


@contextlib.contextmanager
def work_database(cur: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Within the block, unqualified tables that ``cur`` creates go to a scratch database file."""
    WORK_DIR.mkdir(exist_ok=True)
    _remove_stale()
    (main,) = cur.execute("SELECT current_database()").fetchone()
    alias = f"eb_work_{uuid.uuid4().hex}"
    path = WORK_DIR / f"{alias}.duckdb"
    literal = str(path).replace("'", "''")  # ATTACH takes no bound parameter; the path is ours
    cur.execute(f"ATTACH '{literal}' AS {alias}")
    try:
        cur.execute("SET search_path = ?", [f'{alias}.main,"{main.replace(chr(34), chr(34) * 2)}".main'])
        try:
            yield
        finally:
            cur.execute("RESET search_path")
    finally:
        cur.execute(f"DETACH {alias}")
        for leftover in (path, path.with_name(path.name + ".wal")):
            leftover.unlink(missing_ok=True)


def _remove_stale() -> None:
    """Delete work files older than a day (their import was killed; no live import is that old)."""
    for old in WORK_DIR.glob("eb_work_*"):
        with contextlib.suppress(OSError):
            if time.time() - old.stat().st_mtime > _STALE_SECONDS:
                old.unlink()
