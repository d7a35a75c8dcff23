"""The analysis window: spec parsing, its error messages, and the trailing-12-month rule.

Expected dates are worked out by hand from the rule start = last_date − 12 months + 1 day.
"""

from __future__ import annotations

from datetime import date

import pytest

from analytics.concentration import concentration
from analytics.window import (
    DEFAULT_WINDOW_SPEC,
    Window,
    WindowSpec,
    parse_window_spec,
    resolve_window,
)

# -- parse_window_spec ------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["12m", "12M", "  12m  "])
def test_trailing_12m_spec(spec):
    assert parse_window_spec(spec) == WindowSpec("trailing_12m")


@pytest.mark.parametrize("spec", ["all", "ALL", " All "])
def test_all_spec(spec):
    assert parse_window_spec(spec) == WindowSpec("all")


def test_default_spec_is_trailing_12_months():
    assert parse_window_spec(DEFAULT_WINDOW_SPEC).kind == "trailing_12m"


def test_custom_spec_keeps_both_dates():
    assert parse_window_spec("2025-01-01:2025-12-31") == WindowSpec("custom", date(2025, 1, 1), date(2025, 12, 31))


def test_custom_spec_of_one_day_is_allowed():
    assert parse_window_spec("2024-02-29:2024-02-29") == WindowSpec("custom", date(2024, 2, 29), date(2024, 2, 29))


@pytest.mark.parametrize(
    "spec", ["", "   ", "13m", "1y", "last year", "2025-01-01", "2025-01-01:2025-02-01:2025-03-01"]
)
def test_unknown_specs_say_what_is_accepted(spec):
    with pytest.raises(ValueError, match=r"not understood: use '12m' .*'all'.*'YYYY-MM-DD:YYYY-MM-DD'"):
        parse_window_spec(spec)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("2025/01/01:2025-02-01", r"start date '2025/01/01' is not in YYYY-MM-DD form"),
        ("20250101:2025-02-01", r"start date '20250101' is not in YYYY-MM-DD form"),
        ("2025-01-01:2025-W05-1", r"end date '2025-W05-1' is not in YYYY-MM-DD form"),
        ("2025-02-30:2025-03-01", r"start date '2025-02-30' is not a real calendar date"),
        ("2025-01-01:2025-02-29", r"end date '2025-02-29' is not a real calendar date"),  # 2025 is not a leap year
        ("2025-13-01:2025-12-31", r"start date '2025-13-01' is not a real calendar date"),
    ],
)
def test_bad_custom_dates_are_named(spec, message):
    with pytest.raises(ValueError, match=message):
        parse_window_spec(spec)


def test_custom_start_after_end_is_refused():
    with pytest.raises(ValueError, match=r"start 2025-12-31 is after its end 2025-01-01: swap the two dates"):
        parse_window_spec("2025-12-31:2025-01-01")


# -- Window -------------------------------------------------------------------------------------------


def test_window_label():
    assert Window(date(2025, 11, 1), date(2026, 10, 31)).label == "1 Nov 2025 – 31 Oct 2026"


def test_window_refuses_start_after_end():
    with pytest.raises(ValueError, match="after its end"):
        Window(date(2026, 1, 2), date(2026, 1, 1))


# -- resolve_window ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "expected_start"),
    [
        (date(2026, 10, 15), date(2025, 10, 16)),  # the brief's example
        (date(2024, 2, 29), date(2023, 3, 1)),  # 2023-02-29 does not exist → 2023-02-28, + 1 day
        (date(2026, 3, 31), date(2025, 4, 1)),  # 2025-03-31 + 1 day
        (date(2026, 1, 1), date(2025, 1, 2)),  # across a year boundary
        (date(2025, 2, 28), date(2024, 2, 29)),  # 2024-02-28 + 1 day lands on the leap day
    ],
)
def test_trailing_12_months_ends_on_last_record(add_dataset, store, last, expected_start):
    ds = add_dataset([("2019-06-01", "Old", "5.00"), (last, "Acme", "10.00")])
    assert resolve_window(store, ds, "12m") == Window(expected_start, last)


def test_default_window_is_trailing_12_months(add_dataset, store):
    ds = add_dataset([("2025-01-10", "A", "1.00"), ("2026-10-15", "A", "1.00")])
    assert resolve_window(store, ds) == Window(date(2025, 10, 16), date(2026, 10, 15))


def test_all_spans_first_to_last_record(add_dataset, store):
    ds = add_dataset([("2026-10-15", "A", "1.00"), ("2021-03-04", "B", "1.00"), ("2023-01-01", "C", "-1.00")])
    assert resolve_window(store, ds, "all") == Window(date(2021, 3, 4), date(2026, 10, 15))


def test_custom_window_is_taken_as_given(add_dataset, store):
    ds = add_dataset([("2026-10-15", "A", "1.00")])
    assert resolve_window(store, ds, "2020-01-01:2020-12-31") == Window(date(2020, 1, 1), date(2020, 12, 31))


def test_parsed_spec_is_accepted(add_dataset, store):
    ds = add_dataset([("2026-10-15", "A", "1.00")])
    spec = WindowSpec("custom", date(2026, 1, 1), date(2026, 1, 31))
    assert resolve_window(store, ds, spec) == Window(date(2026, 1, 1), date(2026, 1, 31))


def test_dataset_without_rows_has_no_window(add_dataset, store):
    empty = add_dataset([])
    add_dataset([("2026-10-15", "A", "1.00")])  # another dataset's rows must not count
    for spec in ("12m", "all", "2025-01-01:2025-12-31"):
        assert resolve_window(store, empty, spec) is None


def test_window_is_per_dataset(add_dataset, store):
    first = add_dataset([("2024-05-31", "A", "1.00")])
    add_dataset([("2026-10-15", "A", "1.00")])
    assert resolve_window(store, first, "12m") == Window(date(2023, 6, 1), date(2024, 5, 31))


def test_trailing_window_includes_start_day_and_excludes_the_day_before(add_dataset, store):
    # last record 2026-10-15 → window 2025-10-16..2026-10-15 (hand-computed above).
    ds = add_dataset(
        [
            ("2025-10-15", "Day before start", "1000.00"),
            ("2025-10-16", "Start day", "30.00"),
            ("2026-10-15", "Last day", "70.00"),
        ]
    )
    report = concentration(store, ds, resolve_window(store, ds, "12m"))
    assert [(c.client, c.revenue) for c in report.clients_table] == [("Last day", 70.0), ("Start day", 30.0)]
    assert report.total_revenue == 100.0


def test_leap_day_window_boundaries(add_dataset, store):
    # last record 2024-02-29 → window 2023-03-01..2024-02-29: 2023-02-28 is out, 2023-03-01 is in.
    ds = add_dataset(
        [
            ("2023-02-28", "Out", "500.00"),
            ("2023-03-01", "In", "25.00"),
            ("2024-02-29", "Leap", "75.00"),
        ]
    )
    report = concentration(store, ds, resolve_window(store, ds, "12m"))
    assert {c.client for c in report.clients_table} == {"In", "Leap"}
    assert report.top_shares[1] == 0.75
