"""Where each month's revenue comes from: new vs returning clients, client tenure, cohorts.

TYPES ONLY FOR NOW — the queries are being written (issue 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class NewReturningPoint:
    month: date  # first day of the month
    new: float  # revenue from clients whose first payment is in this month
    returning: float  # revenue from clients who paid before this month
    new_clients: int


@dataclass(frozen=True)
class TenurePoint:
    month: date
    first_year: float  # revenue from clients 0–11 months after their first payment month
    one_to_two_years: float  # 12–23 months
    two_plus_years: float  # 24 months or more


@dataclass(frozen=True)
class CohortCell:
    cohort: str  # quarter of the clients' first payment, "2024-Q1"
    quarter: str  # quarter the revenue was earned, "2024-Q3"
    quarters_since: int  # 0 for the cohort's own first quarter
    revenue: float
    retention: float  # revenue / the cohort's revenue in its first quarter
    clients: int  # cohort clients paying in that quarter
