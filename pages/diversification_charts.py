"""The diversification page's figures, in one import: where the money comes from and how that changes.

The builders live in three modules, one concern each; this module only re-exports their public
names, so the page and its tests import from one place:

* :mod:`pages.revenue_mix_charts` — :func:`treemap_chart` (revenue per client, grouped by category
  when there are categories) and :func:`stacked_area_chart` (revenue per client month by month or
  quarter by quarter, or as shares), with :func:`quarter_name`;
* :mod:`pages.concentration_charts` — :func:`concentration_trend_chart` (top-client and top-3
  shares and effective clients over time, over the risk bands of :mod:`analytics.risk`) and
  :func:`target_chart` (today vs a diversification target, with what reaching it takes);
* :mod:`pages.client_tenure_charts` — :func:`new_returning_chart` and :func:`tenure_chart` (each
  month's revenue by client age) and :func:`cohort_heatmap` (revenue retention of each
  first-payment quarter's clients).

They share the theme, layout and helpers of :mod:`pages.chart_theme`. Colours carry the same
meaning on every chart: the primary teal is the established business (returning clients, 2+ years,
today when the target is met), the amber is what is new (new clients, first year), the neutral
slate is "Other" and the target, and the burnt orange is risk.
"""

from __future__ import annotations

from pages.client_tenure_charts import (
    COHORT_TITLE,
    FIRST_YEAR_TRACE,
    MAX_LABELLED_CELLS,
    NEW_RETURNING_TITLE,
    NEW_TRACE,
    ONE_TO_TWO_TRACE,
    RETENTION_CAP,
    RETURNING_TRACE,
    TENURE_TITLE,
    TWO_PLUS_TRACE,
    cohort_heatmap,
    new_returning_chart,
    tenure_chart,
)
from pages.concentration_charts import (
    EFFECTIVE_TRACE,
    RISK_BANDS,
    TARGET_HEIGHT,
    TARGET_LABEL,
    TARGET_TITLES,
    TODAY_LABEL,
    TOP1_TRACE,
    TOP3_TRACE,
    TREND_TITLE,
    concentration_trend_chart,
    target_chart,
)
from pages.revenue_mix_charts import (
    MAX_AREA_SERIES,
    MAX_TREEMAP_CLIENTS,
    SHARE_SUFFIX,
    STACKED_QUARTERLY_TITLE,
    STACKED_TITLE,
    TREEMAP_TITLE,
    UNCATEGORISED,
    quarter_name,
    stacked_area_chart,
    treemap_chart,
)

__all__ = [
    # figures
    "cohort_heatmap",
    "concentration_trend_chart",
    "new_returning_chart",
    "stacked_area_chart",
    "target_chart",
    "tenure_chart",
    "treemap_chart",
    "quarter_name",
    # titles, labels and limits
    "COHORT_TITLE",
    "EFFECTIVE_TRACE",
    "FIRST_YEAR_TRACE",
    "MAX_AREA_SERIES",
    "MAX_LABELLED_CELLS",
    "MAX_TREEMAP_CLIENTS",
    "NEW_RETURNING_TITLE",
    "NEW_TRACE",
    "ONE_TO_TWO_TRACE",
    "RETENTION_CAP",
    "RETURNING_TRACE",
    "RISK_BANDS",
    "SHARE_SUFFIX",
    "STACKED_QUARTERLY_TITLE",
    "STACKED_TITLE",
    "TARGET_HEIGHT",
    "TARGET_LABEL",
    "TARGET_TITLES",
    "TENURE_TITLE",
    "TODAY_LABEL",
    "TOP1_TRACE",
    "TOP3_TRACE",
    "TREEMAP_TITLE",
    "TREND_TITLE",
    "TWO_PLUS_TRACE",
    "UNCATEGORISED",
]
