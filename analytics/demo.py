"""The demo dataset a new user sees on first launch (``data/demo_income.csv``).

It is imported once into an empty database; if the user later deletes it, it is not forced back
(the ``demo_offered`` setting remembers that it was offered).
"""

from __future__ import annotations

from pathlib import Path

from .ingest import import_file
from .store import Store

DEMO_CSV = Path(__file__).resolve().parent.parent / "data" / "demo_income.csv"
DEMO_NAME = "Demo: a small design studio"
_OFFERED = "demo_offered"


def ensure_demo(store: Store) -> int | None:
    """Import the demo into an empty database that has never had it; return its dataset id (or None)."""
    if store.get_setting(_OFFERED) or store.datasets():
        return None
    result = import_file(store, DEMO_CSV, name=DEMO_NAME)
    store.set_setting(_OFFERED, "1")
    return result.dataset.id
