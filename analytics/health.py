"""Client health: which clients are slipping away, from their payment rhythm, spend and punctuality.

One DuckDB statement computes every number per client; Python only turns rows into dataclasses and
words the flags. Money is summed exactly (``DECIMAL``) and returned as floats.

Rules
    client          a name after aliases (the ``income_view`` table macro, see
                    :mod:`analytics.clients`); with ``by_group=True`` each client group is one client.
    as_of           the day the health is judged on; default the dataset's last record date. Only
                    records dated on or before it are read (a calibration cut-off: "what did we know
                    then"). It may lie after the last record (days since the last payment grow).
    payment         a row with a positive amount. Refunds (negative amounts) are not payments: they
                    count in revenue but not in the payment count, dates or gaps.
    first / last payment   the earliest / latest payment date up to ``as_of``.
    payments        the number of payment rows.
    payment days    the distinct days with a payment (two invoices paid on one day are one day).
    median gap      the median number of days between consecutive payment days: the middle gap,
                    or the mean of the two middle gaps when their number is even. Null with fewer
                    than two payment days.
    days since last ``as_of`` − last payment, in days.
    overdue ratio   days since last ÷ median gap: 1 means the next payment is just due on the
                    client's usual rhythm, 2 means one whole expected payment was skipped. Null when
                    the median gap is (one payment day).
    revenue windows like :mod:`analytics.baseline`'s trailing window, both ends included:
                    *recent* = ``as_of − 6 months + 1 day`` … ``as_of``;
                    *prior*  = ``as_of − 12 months + 1 day`` … the day before the recent window.
                    ("− N months" keeps the day of the month, or falls back to the month's last day:
                    as_of 2026-08-31 gives recent 2026-03-01 … 2026-08-31, prior 2025-09-01 …
                    2026-02-28.) Revenue is net: refunds subtract.
    trailing revenue  recent + prior: net revenue in the 12 months ending at ``as_of``.
    trend           (recent − prior) ÷ prior, a share (−0.4 is "down 40%"). Null when prior ≤ 0 (no
                    base to compare with) or when the dataset starts after the prior window's first
                    day (a partly covered window would make every client look like it grew).
    days paid late  the mean of ``paid_date − due_date`` (days; early payment counts negative) over
                    the client's payments that have both dates (invoice exports). Null without such
                    payments. ``late_basis`` says how many payments it rests on.

Flags (plain words; thresholds below, each with its reason)
    "quiet for 3.2× its usual gap (95 days; usually 30 days)"  overdue ratio ≥ :data:`QUIET_RATIO`
    "spend down 45% (last 6 months vs the 6 before)"     trend ≤ −:data:`SPEND_DOWN_SHARE`
    "pays 25 days late on average"                       days paid late ≥ :data:`LATE_DAYS`
    "one-off client"                                     exactly :data:`ONE_OFF_PAYMENT_DAYS` payment day
    A one-off client gets no quiet or spend-down flag: with a single payment there is no rhythm to
    break, and "spend down 100%" would only repeat that it paid once. The numbers in the text are the
    client's own, rounded (ratio to one decimal without a trailing ".0", percent and days whole).

Order: by trailing revenue, largest first, then by name; :func:`by_revenue_at_risk` re-sorts by a
risk figure when one is available.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from .formatting import number, percent
from .store import INCOME_VIEW, Store, sql_by_group

RECENT_MONTHS = 6
"""The trend compares the last ``RECENT_MONTHS`` with the ``RECENT_MONTHS`` before them (the issue's
"last 6 months vs the 6 before"): long enough to hold several payments of a monthly client, short
enough that a fall shows within the year."""

QUIET_RATIO = 2.0
"""Flag a client whose days since the last payment reach twice its median gap. At 1× the next payment
is merely due; payment terms and bank days make 1–1.5× ordinary (a monthly client paying ten days
late reads 1.3×). At 2× a client on a steady rhythm has skipped one whole expected payment."""

SPEND_DOWN_SHARE = 0.40
"""Flag a fall of 40% or more in net revenue, last 6 months vs the 6 before. Half-year revenue of a
small client moves with invoice timing: one monthly invoice of six landing across the window edge
moves it by 17%, two by 33%. A fall of 40% is more than two of six monthly payments gone."""

LATE_DAYS = 14.0
"""Flag a client that pays on average 14 days or more after the due date: half of the 30-day default
business-to-business payment period of the EU Late Payment Directive (2011/7/EU, art. 3), i.e. more
than a bank-transfer delay or one reminder, a habit of paying half as long again as agreed."""

ONE_OFF_PAYMENT_DAYS = 1
"""A client with payments on a single day is a one-off: no rhythm, no trend to judge yet."""

QUIET, SPEND_DOWN, LATE, ONE_OFF = "quiet", "spend_down", "late", "one_off"

_HEALTH_SQL = f"""
WITH bounds AS (
    SELECT coalesce($as_of::DATE, (SELECT max(date) FROM income WHERE dataset_id = $dataset_id)) AS as_of,
           (SELECT min(date) FROM income WHERE dataset_id = $dataset_id) AS data_start
), windows AS (
    SELECT as_of, data_start,
           CAST(as_of - to_months($recent_months) + INTERVAL 1 DAY AS DATE) AS recent_start,
           CAST(as_of - to_months(2 * $recent_months) + INTERVAL 1 DAY AS DATE) AS prior_start
    FROM bounds
), seen AS (
    SELECT i.client, i.date, i.amount, i.due_date, i.paid_date
    FROM {INCOME_VIEW} i, windows w
    WHERE i.date <= w.as_of
), gaps AS (
    SELECT client, median(gap) AS median_gap, count(*) AS payment_days
    FROM (SELECT client, date - lag(date) OVER (PARTITION BY client ORDER BY date) AS gap
          FROM (SELECT DISTINCT client, date FROM seen WHERE amount > 0))
    GROUP BY client
), per_client AS (
    SELECT s.client,
           min(s.date) FILTER (WHERE s.amount > 0) AS first_payment,
           max(s.date) FILTER (WHERE s.amount > 0) AS last_payment,
           count(*) FILTER (WHERE s.amount > 0) AS payments,
           coalesce(sum(s.amount) FILTER (WHERE s.date >= w.recent_start), 0) AS recent,
           coalesce(sum(s.amount) FILTER (WHERE s.date >= w.prior_start AND s.date < w.recent_start), 0)
               AS prior,
           avg(s.paid_date - s.due_date)
               FILTER (WHERE s.amount > 0 AND s.due_date IS NOT NULL AND s.paid_date IS NOT NULL) AS days_late,
           count(*) FILTER (WHERE s.amount > 0 AND s.due_date IS NOT NULL AND s.paid_date IS NOT NULL)
               AS late_basis
    FROM seen s, windows w
    GROUP BY s.client
)
SELECT p.client, p.first_payment, p.last_payment, p.payments, coalesce(g.payment_days, 0),
       g.median_gap, w.as_of - p.last_payment AS days_since,
       (w.as_of - p.last_payment) / g.median_gap AS overdue_ratio,
       CAST(p.recent AS DOUBLE), CAST(p.prior AS DOUBLE),
       CASE WHEN p.prior > 0 AND w.data_start <= w.prior_start
            THEN CAST((p.recent - p.prior) / p.prior AS DOUBLE) END AS trend,
       p.days_late, p.late_basis,
       w.as_of, w.recent_start, w.prior_start
FROM per_client p LEFT JOIN gaps g USING (client), windows w
ORDER BY p.recent + p.prior DESC, p.client
"""
_HEALTH = sql_by_group(_HEALTH_SQL)


@dataclass(frozen=True)
class Flag:
    """One warning about a client: ``kind`` (QUIET, SPEND_DOWN, LATE, ONE_OFF) and its plain words."""

    kind: str
    text: str


@dataclass(frozen=True)
class ClientHealth:
    """One client's health as of the report's date (every rule in the module docstring)."""

    client: str
    first_payment: date | None  # None: only refunds up to as_of
    last_payment: date | None
    payments: int  # rows with a positive amount
    payment_days: int  # distinct days with a payment
    median_gap_days: float | None
    days_since_last: int | None
    overdue_ratio: float | None
    revenue_recent: float  # net, the last RECENT_MONTHS months
    revenue_prior: float  # net, the RECENT_MONTHS months before
    trend: float | None  # (recent − prior) / prior as a share
    days_late: float | None  # mean paid_date − due_date over payments with both
    late_basis: int  # how many payments days_late rests on
    flags: tuple[Flag, ...] = ()

    @property
    def trailing_revenue(self) -> float:
        """Net revenue in the 12 months ending at as_of (recent + prior)."""
        return self.revenue_recent + self.revenue_prior


@dataclass(frozen=True)
class HealthReport:
    """Every client's health, with the dates the windows were cut at."""

    as_of: date
    recent_start: date  # first day of the recent window (last 6 months)
    prior_start: date  # first day of the prior window (the 6 months before)
    clients: tuple[ClientHealth, ...]

    @property
    def flagged(self) -> tuple[ClientHealth, ...]:
        return tuple(c for c in self.clients if c.flags)

    @property
    def has_due_dates(self) -> bool:
        """Whether any payment up to as_of had both a due and a paid date (days paid late exist)."""
        return any(c.late_basis for c in self.clients)


class NoHealthDataError(ValueError):
    """No income record on or before ``as_of`` (or none at all): nothing to judge."""


def client_health(
    store: Store, dataset_id: int, *, as_of: date | None = None, by_group: bool = False
) -> HealthReport:
    """Per-client health of one dataset as of ``as_of`` (default its last record date); rules and
    flags in the module docstring."""
    params = {"dataset_id": dataset_id, "as_of": as_of, "recent_months": RECENT_MONTHS}
    with store.cursor() as cur:
        rows = cur.execute(_HEALTH[bool(by_group)], params).fetchall()
    if not rows:
        if as_of is not None:
            raise NoHealthDataError(f"There is no income on or before {as_of:%d %b %Y}: pick a later date.")
        raise NoHealthDataError("This dataset has no income rows: upload an income CSV to see client health.")
    clients = []
    for row in rows:
        (client, first, last, payments, payment_days, median_gap, days_since, ratio,
         recent, prior, trend, days_late, late_basis, *_) = row
        health = ClientHealth(
            client=client,
            first_payment=first,
            last_payment=last,
            payments=int(payments),
            payment_days=int(payment_days),
            median_gap_days=None if median_gap is None else float(median_gap),
            days_since_last=None if days_since is None else int(days_since),
            overdue_ratio=None if ratio is None else float(ratio),
            revenue_recent=float(recent),
            revenue_prior=float(prior),
            trend=trend,
            days_late=None if days_late is None else float(days_late),
            late_basis=int(late_basis),
        )
        clients.append(replace(health, flags=health_flags(health)))
    as_of_used, recent_start, prior_start = rows[0][-3:]
    return HealthReport(as_of_used, recent_start, prior_start, tuple(clients))


def health_flags(c: ClientHealth) -> tuple[Flag, ...]:
    """The warnings that apply to ``c``, in the order quiet, spend down, late, one-off."""
    if c.payment_days == ONE_OFF_PAYMENT_DAYS:
        flags = [Flag(ONE_OFF, "one-off client")]
        if c.days_late is not None and c.days_late >= LATE_DAYS:
            flags.insert(0, _late(c.days_late))
        return tuple(flags)
    flags = []
    if c.overdue_ratio is not None and c.overdue_ratio >= QUIET_RATIO:
        flags.append(Flag(QUIET, f"quiet for {_times(c.overdue_ratio)} its usual gap "
                                 f"({_days(c.days_since_last)}; usually {_days(c.median_gap_days)})"))
    if c.trend is not None and c.trend <= -SPEND_DOWN_SHARE:
        flags.append(Flag(SPEND_DOWN, f"spend down {percent(-c.trend, 0)} "
                                      f"(last {RECENT_MONTHS} months vs the {RECENT_MONTHS} before)"))
    if c.days_late is not None and c.days_late >= LATE_DAYS:
        flags.append(_late(c.days_late))
    return tuple(flags)


def by_revenue_at_risk(report: HealthReport, revenue_at_risk: Mapping[str, float]) -> HealthReport:
    """``report`` with its clients sorted by ``revenue_at_risk`` (client → amount), largest first;
    clients missing from the mapping come last in their trailing-revenue order."""
    order = {c.client: i for i, c in enumerate(report.clients)}
    ranked = sorted(report.clients, key=lambda c: (c.client not in revenue_at_risk,
                                                   -revenue_at_risk.get(c.client, 0.0), order[c.client]))
    return replace(report, clients=tuple(ranked))


def _late(days_late: float) -> Flag:
    return Flag(LATE, f"pays {_days(days_late)} late on average")


def _times(ratio: float) -> str:
    """``2.4×``; whole ratios without a decimal (``3×``, not ``3.0×``)."""
    text = number(ratio, 1)
    return (text[:-2] if text.endswith(".0") else text) + "×"


def _days(days: float | None) -> str:
    """``1 day``, ``25 days`` (rounded half away from zero)."""
    text = number(days or 0, 0)
    return f"{text} day" if text == "1" else f"{text} days"
