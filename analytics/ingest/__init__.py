"""Income file ingest: detect how a CSV is written, parse it in DuckDB, store it atomically.

Public entry points: :func:`inspect_file` (detect, preview), :func:`replan` (apply the user's
changes), :func:`import_plan` (store), and :func:`import_file` (both at once, for the CLI and tests).
"""

from __future__ import annotations

import os

from ..store import Store
from .append import AppendResult, append_plan
from .errors import IngestError
from .importer import (
    ImportPlan,
    ImportResult,
    ImportSettings,
    RejectedRow,
    import_plan,
    inspect_file,
    replan,
)
from .mapping import OPTIONAL_ROLES, REQUIRED_ROLES, ROLES, ColumnMapping


def import_file(
    store: Store,
    path: str | os.PathLike[str],
    settings: ImportSettings = ImportSettings(),
    name: str | None = None,
) -> ImportResult:
    """Inspect and import ``path`` with the detected (or given) settings."""
    plan = inspect_file(path, settings)
    try:
        return import_plan(store, plan, name=name)
    finally:
        plan.close()


def append_file(
    store: Store,
    path: str | os.PathLike[str],
    dataset_id: int,
    settings: ImportSettings = ImportSettings(),
) -> AppendResult:
    """Inspect ``path`` and add the rows ``dataset_id`` does not have yet (see :mod:`.append`)."""
    plan = inspect_file(path, settings)
    try:
        return append_plan(store, plan, dataset_id)
    finally:
        plan.close()


__all__ = [
    "AppendResult", "append_file", "append_plan", "ColumnMapping", "ImportPlan", "ImportResult", "ImportSettings", "IngestError", "RejectedRow",
    "OPTIONAL_ROLES", "REQUIRED_ROLES", "ROLES", "import_file", "import_plan", "inspect_file", "replan",
]
