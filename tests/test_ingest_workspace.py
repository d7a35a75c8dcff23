"""The import's scratch database: work tables go to a file that is removed afterwards, store tables stay put."""

from __future__ import annotations

import pytest

from analytics.ingest import workspace
from analytics.ingest.workspace import work_database


def _databases(cur) -> set[str]:
    return {row[0] for row in cur.execute("SELECT database_name FROM duckdb_databases()").fetchall()}


def test_work_tables_go_to_a_scratch_file_that_is_removed(store):
    with store.cursor() as cur:
        before = _databases(cur)
        with work_database(cur):
            cur.execute("CREATE TABLE eb_parsed AS SELECT 1 AS x")
            (where,) = cur.execute(
                "SELECT database_name FROM duckdb_tables() WHERE table_name = 'eb_parsed'"
            ).fetchone()
            assert where.startswith("eb_work_")
            # Store tables are still found by their plain names.
            assert cur.execute("SELECT count(*) FROM datasets").fetchone() == (0,)
            files = list(workspace.WORK_DIR.glob(f"{where}*"))
            assert files
        assert _databases(cur) == before
        assert not any(f.exists() for f in files)
        # Afterwards a plain CREATE goes to the store's own database again.
        cur.execute("CREATE TEMP TABLE t AS SELECT 1")


def test_the_scratch_file_goes_even_when_the_work_fails(store):
    with store.cursor() as cur:
        before = _databases(cur)
        with pytest.raises(RuntimeError), work_database(cur):
            raise RuntimeError("parse failed")
        assert _databases(cur) == before
