"""Scenarios saved by name per dataset, and the expenses/reserve remembered for each dataset.

A saved scenario is its inputs (losses, expenses, reserve, recovery, baseline length) as JSON in
the ``scenarios`` table, never its results: results are recomputed from the dataset when shown, so
they always match the data. Saving under an existing name replaces that scenario.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from .baseline import DEFAULT_BASELINE_MONTHS
from .scenario import Loss, Scenario
from .store import Store


@dataclass(frozen=True)
class SavedScenario:
    name: str
    scenario: Scenario
    baseline_months: int


def scenario_to_json(scenario: Scenario) -> str:
    return json.dumps(asdict(scenario), ensure_ascii=False, sort_keys=True)


def scenario_from_json(text: str) -> Scenario:
    data = json.loads(text)
    data["losses"] = tuple(Loss(**loss) for loss in data["losses"])
    return Scenario(**data)


def save_scenario(store: Store, dataset_id: int, name: str, scenario: Scenario,
                  baseline_months: int = DEFAULT_BASELINE_MONTHS) -> None:
    name = name.strip()
    if not name:
        raise ValueError("Give the scenario a name.")
    with store.cursor() as cur:
        cur.execute(
            "INSERT OR REPLACE INTO scenarios (dataset_id, name, spec, baseline_months) VALUES (?, ?, ?, ?)",
            [dataset_id, name, scenario_to_json(scenario), baseline_months],
        )


def saved_scenarios(store: Store, dataset_id: int) -> list[SavedScenario]:
    """The dataset's saved scenarios, oldest first."""
    with store.cursor() as cur:
        rows = cur.execute(
            "SELECT name, spec, baseline_months FROM scenarios WHERE dataset_id = ? ORDER BY saved_at, name",
            [dataset_id],
        ).fetchall()
    return [SavedScenario(name, scenario_from_json(spec), months) for name, spec, months in rows]


def delete_scenario(store: Store, dataset_id: int, name: str) -> None:
    with store.cursor() as cur:
        cur.execute("DELETE FROM scenarios WHERE dataset_id = ? AND name = ?", [dataset_id, name])


@dataclass(frozen=True)
class Finances:
    """What the user told us about their costs: monthly ``expenses`` and cash ``reserve`` (None = not given)."""

    expenses: float | None = None
    reserve: float | None = None


def _key(dataset_id: int, what: str) -> str:
    return f"dataset:{dataset_id}:{what}"


def remembered_finances(store: Store, dataset_id: int) -> Finances:
    values = {what: store.get_setting(_key(dataset_id, what)) for what in ("expenses", "reserve")}
    return Finances(**{what: (float(v) if v not in (None, "") else None) for what, v in values.items()})


def remember_finances(store: Store, dataset_id: int, finances: Finances) -> None:
    for what in ("expenses", "reserve"):
        value = getattr(finances, what)
        store.set_setting(_key(dataset_id, what), "" if value is None else repr(float(value)))
