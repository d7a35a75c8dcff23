"""The scenario in one plain-language paragraph, e.g. "Losing Acme (41% of your income) leaves you
€2,300.00 short each month; your reserve lasts 4 months; you would need 3 new clients of your
average size to recover." Used by the scenario page and the CLI's text output."""

from __future__ import annotations

from .formatting import money, months, percent
from .scenario import LostClient, ScenarioResult


def _names(lost: tuple[LostClient, ...]) -> str:
    names = [c.client for c in lost]
    if len(names) <= 2:
        return " and ".join(names)
    if len(names) == 3:
        return f"{names[0]}, {names[1]} and {names[2]}"
    return f"{names[0]}, {names[1]} and {len(names) - 2} more clients"


def _what(result: ScenarioResult, cuts: dict[str, float]) -> str:
    lost = result.lost_clients
    share = percent(result.lost_share, 0)
    if len(lost) == 1 and cuts.get(lost[0].client, 1.0) < 1.0:
        return f"{lost[0].client} cutting its spend by {percent(cuts[lost[0].client], 0)} ({share} of your income)"
    if all(cut >= 1.0 for cut in cuts.values()):
        return f"Losing {_names(lost)} ({share} of your income)"
    return f"Losing part of {_names(lost)}'s spend ({share} of your income)"


def scenario_summary(result: ScenarioResult, currency: str | None, expenses: float | None,
                     reserve: float, cuts: dict[str, float]) -> str:
    """One paragraph; ``cuts`` maps each lost client to its cut (0–1)."""
    if not result.lost_clients or result.lost_monthly <= 0:
        return "Pick a client to lose to see what it would do to your income."
    parts = []
    income_after = money(result.scenario_monthly, currency)
    if expenses is None:
        parts.append(f"{_what(result, cuts)} cuts your income by {money(result.lost_monthly, currency)} "
                     f"a month, to {income_after}")
    elif result.scenario_monthly < expenses:
        parts.append(f"{_what(result, cuts)} leaves you {money(expenses - result.scenario_monthly, currency)} "
                     f"short each month")
    else:
        parts.append(f"{_what(result, cuts)} still leaves your expenses covered, with "
                     f"{money(result.scenario_monthly - expenses, currency)} to spare each month")
    if expenses is not None:
        if result.runway_months is None:
            if result.scenario_monthly < expenses or any(p.scenario < expenses for p in result.projection):
                parts.append("your cash never runs out")
        elif result.runway_months == 0:
            parts.append("you have no reserve to bridge the gap" if reserve == 0 else "your reserve is gone in the first month")
        else:
            parts.append(f"your reserve lasts {months(result.runway_months)}")
    if result.clients_to_replace is None:
        parts.append("no client would be left to build on")
    elif result.clients_to_replace > 0:
        n = result.clients_to_replace
        parts.append(f"you would need {n} new client{'s' if n != 1 else ''} of your average size to recover")
    text = "; ".join(parts) + "."
    if result.more_concentrated and result.after is not None:
        text += (f" The clients you keep would be more concentrated than today: the largest would bring "
                 f"{percent(result.after.top_shares[1], 0)} of what is left.")
    return text
