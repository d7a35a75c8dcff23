"""The chances of leaving the user sets by hand on the client-health page.

They live in the browser session, one dict per dataset (client → probability 0–1), and reach the
simulation as its ``overrides``. The page's table shows each client's chance of leaving in percent
in an editable column; :func:`apply_edits` turns one round of edits of that column into the new
overrides. No streamlit import, so it is testable on its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def overrides_key(dataset_id: int) -> str:
    """The session-state key of one dataset's hand-set chances of leaving."""
    return f"health_overrides_{dataset_id}"


def apply_edits(current: Mapping[str, float], clients: Sequence[str], edited_rows: Mapping[object, Mapping],
                column: str) -> dict[str, float]:
    """``current`` with one round of table edits applied.

    ``clients`` are the table's clients in row order and ``edited_rows`` is ``st.data_editor``'s
    ``{row: {column: value}}``: a number in ``column`` (percent, 0–100) sets that client's chance
    of leaving; an emptied cell (None) gives the client back to the model. Edits of other columns
    and rows beyond ``clients`` are ignored; values are clamped to 0–100%.
    """
    overrides = dict(current)
    for row, changes in edited_rows.items():
        index = int(row)
        if column not in changes or not 0 <= index < len(clients):
            continue
        value = changes[column]
        if value is None:
            overrides.pop(clients[index], None)
        else:
            overrides[clients[index]] = min(100.0, max(0.0, float(value))) / 100
    return overrides


def for_clients(overrides: Mapping[str, float], clients: Sequence[str]) -> tuple[tuple[str, float], ...]:
    """The hand-set chances of the given ``clients`` only (a client set by hand may not exist at
    an earlier as-of date), as sorted pairs: a stable cache key for the simulation."""
    known = set(clients)
    return tuple(sorted((client, p) for client, p in overrides.items() if client in known))
