"""Diversification target planner: how much revenue from other clients reaching a target takes.

TYPES ONLY FOR NOW — being written (issue 4).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TargetPlan:
    kind: str  # "top_share" (top client at most X) or "effective_clients" (at least N)
    target: float
    current: float  # today's top share or effective clients
    reached: bool  # already met today
    extra_monthly: float  # revenue per month needed from other (new) clients; 0 when reached
    new_clients: int  # that revenue in new clients of today's median size, rounded up
    median_client_monthly: float
    baseline_monthly: float
    message: str  # the answer in plain words
