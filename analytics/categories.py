"""How concentrated one dataset's revenue is across categories (service lines) in a window.

The same measures as :mod:`analytics.concentration`, with categories in place of clients, so a
freelancer sees whether one *kind* of work carries the business ("Web development brings 58% of
your revenue").

What each number means
    category          the ``category`` of an income row as imported (trimmed; an empty field is no
                      category). Rows without one are grouped as "Uncategorised" and that group
                      counts as one category below; a category literally called "Uncategorised"
                      is merged with it. Names are compared exactly (case matters).
    revenue           per category, the sum of its signed amounts in the window (refunds subtract).
                      Only categories with a **positive** net take part in the figures below; the
                      others are listed apart in ``excluded``.
    share             category net / total net of the positive categories (0–1).
    top_share         share of the largest category (ties: first by name).
    hhi               Σ share² (0–1); ``hhi_points`` = hhi × 10,000; ``hhi_band`` the 2023 US Merger
                      Guidelines band of :func:`analytics.risk.hhi_band`. ``effective_categories`` =
                      1 / hhi, the number of equal categories that would give the same HHI.
    sentence          one plain-language sentence about the largest category.
    client            a name after aliases (the ``income_view`` table macro, see
                      :mod:`analytics.clients`); with ``by_group=True`` a client group is one client
                      in ``client_categories`` and ``client_pieces``. Category figures are the same
                      either way.
    client_categories each client with a row in the window → its main category: the one that
                      brought it the most net revenue there (ties: first by name), "Uncategorised"
                      included. A client working in several categories is listed under one.

When there is no report
    :func:`category_concentration` returns ``None`` when no row of the **whole dataset** has a
    category (the file had no category column, or it was empty): there is nothing to show. It raises
    :class:`analytics.concentration.NoRevenueError`, as :func:`analytics.concentration.concentration`
    does, when the window holds no category with positive net revenue.

How it is computed
    One SQL statement: one scan of ``income`` (through ``income_view``) grouped by client and
    category in exact ``DECIMAL`` turned into integer cents, then grouping and window functions
    over that small result; Python only assembles the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analytics.concentration import NoRevenueError
from analytics.risk import hhi_band, part_percent_text
from analytics.store import INCOME_VIEW, Store, sql_by_group
from analytics.window import Window

UNCATEGORISED = "Uncategorised"


@dataclass(frozen=True)
class CategoryShare:
    """One category's net ``revenue`` in the window (base currency, 2 dp) and its ``share`` (0–1)."""

    category: str
    revenue: float
    share: float


@dataclass(frozen=True)
class CategoryReport:
    """Concentration of one dataset's revenue across categories in one window (module docstring)."""

    window: Window
    total_revenue: float
    categories: tuple[CategoryShare, ...]  # positive categories, largest first (ties by name)
    excluded: tuple[CategoryShare, ...]  # categories with net ≤ 0, share 0
    top_share: float
    hhi: float
    hhi_points: float
    hhi_band: str
    effective_categories: float
    sentence: str
    client_categories: dict[str, str] = field(default_factory=dict)  # client -> its main category
    # (client, category, net revenue) for every pair with positive net revenue, largest first: a
    # client working in two service lines appears under both, so category totals match ``categories``.
    client_pieces: tuple[tuple[str, str, float], ...] = ()

    @property
    def top_category(self) -> str:
        return self.categories[0].category


# Bound parameters: $dataset_id, $start, $end, $uncategorised. Rows of kind 'category' (positive
# ones first, largest first, with the totals repeated) and of kind 'client' (each client's main
# category), or one row of NULLs when the window is empty; ``has_categories`` on every row says
# whether the whole dataset has any category at all.
_CATEGORY_SQL = f"""
WITH per_pair AS MATERIALIZED (
    SELECT client, coalesce(category, $uncategorised) AS category, CAST(sum(amount) * 100 AS HUGEINT) AS net_cents
    FROM {INCOME_VIEW}
    WHERE date BETWEEN $start AND $end
    GROUP BY ALL
),
per_category AS (
    SELECT category, sum(net_cents) AS net_cents FROM per_pair GROUP BY category
),
ranked AS (
    SELECT category, net_cents,
           row_number() OVER (ORDER BY net_cents DESC, category) AS rank,
           sum(net_cents) FILTER (WHERE net_cents > 0) OVER () AS total_cents
    FROM per_category
),
shares AS (
    SELECT *, CASE WHEN net_cents > 0 THEN net_cents::DOUBLE / total_cents::DOUBLE ELSE 0.0 END AS share
    FROM ranked
),
main AS (  -- each client's main category: the most net revenue, ties by name
    SELECT client, first(category ORDER BY net_cents DESC, category) AS main_category
    FROM per_pair
    GROUP BY client
),
result AS (
    SELECT 'category' AS kind, category AS name, net_cents, share, total_cents,
           sum(share * share) OVER () AS hhi, rank, NULL AS main_category
    FROM shares
    UNION ALL
    SELECT 'client', client, NULL, NULL, NULL, NULL, NULL, main_category FROM main
    UNION ALL  -- each client's positive revenue within each category, for the treemap
    SELECT 'piece', client, net_cents, NULL, NULL, NULL, NULL, category FROM per_pair WHERE net_cents > 0
)
SELECT r.kind, r.name, r.net_cents, r.share, r.total_cents, r.hhi, r.main_category,
       EXISTS (SELECT 1 FROM income WHERE dataset_id = $dataset_id AND category IS NOT NULL) AS has_categories
FROM (SELECT 1) AS one LEFT JOIN result r ON true
ORDER BY r.kind, r.rank, r.name
"""
_CATEGORY = sql_by_group(_CATEGORY_SQL)


def _money(cents: int) -> float:
    return round(int(cents) / 100, 2)


def _sentence(top: CategoryShare, categories: int) -> str:
    """The largest category in one sentence; income without a category is named as such."""
    if categories == 1:
        if top.category == UNCATEGORISED:
            return "None of your revenue in this period has a category."
        return f"All your revenue in this period comes from {top.category}."
    subject = "Income without a category" if top.category == UNCATEGORISED else top.category
    return f"{subject} brings {part_percent_text(top.share)} of your revenue."


def category_concentration(
    store: Store, dataset_id: int, window: Window, *, by_group: bool = False
) -> CategoryReport | None:
    """Revenue concentration across categories in ``window``; ``None`` when the dataset has none.
    ``by_group=True`` lists client groups instead of their members in the client mappings.

    Raises :class:`NoRevenueError` when the window holds no category with positive net revenue.
    Every rule is in the module docstring.
    """
    params = {"dataset_id": dataset_id, "start": window.start, "end": window.end, "uncategorised": UNCATEGORISED}
    with store.cursor() as cur:
        result = cur.execute(_CATEGORY[bool(by_group)], params)
        columns = [d[0] for d in result.description]
        rows = [dict(zip(columns, values, strict=True)) for values in result.fetchall()]
    if not rows[0]["has_categories"]:
        return None
    category_rows = [r for r in rows if r["kind"] == "category"]
    included = [
        CategoryShare(r["name"], _money(r["net_cents"]), r["share"]) for r in category_rows if r["net_cents"] > 0
    ]
    excluded = [CategoryShare(r["name"], _money(r["net_cents"]), 0.0) for r in category_rows if r["net_cents"] <= 0]
    client_categories = {r["name"]: r["main_category"] for r in rows if r["kind"] == "client"}
    pieces = sorted(((r["name"], r["main_category"], _money(r["net_cents"])) for r in rows if r["kind"] == "piece"),
                    key=lambda piece: (-piece[2], piece[0], piece[1]))
    if not included:
        raise NoRevenueError(
            f"No positive revenue between {window.start.isoformat()} and {window.end.isoformat()}: "
            "nothing to measure. Pick a wider window or check the import."
        )
    total_cents, hhi = category_rows[0]["total_cents"], category_rows[0]["hhi"]  # the same on every row
    excluded.sort(key=lambda c: (c.revenue, c.category))  # largest loss first, as in concentration
    return CategoryReport(
        window=window,
        total_revenue=_money(total_cents),
        categories=tuple(included),
        excluded=tuple(excluded),
        top_share=included[0].share,
        hhi=hhi,
        hhi_points=hhi * 10_000,
        hhi_band=hhi_band(hhi * 10_000),
        effective_categories=1.0 / hhi,
        sentence=_sentence(included[0], len(included)),
        client_categories=client_categories,
        client_pieces=tuple(pieces),
    )
