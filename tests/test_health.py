"""Client health (analytics/health.py): every metric and flag on small hand-made datasets, each
expected value worked out by hand in the comment above it."""

from __future__ import annotations

from datetime import date

import pytest

from analytics.clients import set_alias, set_group
from analytics.health import (
    LATE,
    LATE_DAYS,
    ONE_OFF,
    QUIET,
    QUIET_RATIO,
    SPEND_DOWN,
    SPEND_DOWN_SHARE,
    Flag,
    NoHealthDataError,
    by_revenue_at_risk,
    client_health,
)


def by_client(report):
    return {c.client: c for c in report.clients}


# -- payment rhythm --------------------------------------------------------------------------------


def test_payments_gaps_and_days_since_the_last_one(store, add_dataset):
    ds = add_dataset([
        ("2026-01-01", "Acme", "100"),
        ("2026-01-11", "Acme", "100"),   # gap 10
        ("2026-01-31", "Acme", "100"),   # gap 20
        ("2026-03-02", "Acme", "100"),   # gap 30 (28 days of February 2026 + 2)
        ("2026-03-02", "Acme", "50"),    # same day: a payment, not a new payment day
        ("2026-03-10", "Acme", "-40"),   # a refund: revenue, not a payment; still the last record
    ])
    report = client_health(store, ds)
    acme = by_client(report)["Acme"]
    assert report.as_of == date(2026, 3, 10)  # default: the last record date, a refund here
    assert (acme.first_payment, acme.last_payment) == (date(2026, 1, 1), date(2026, 3, 2))
    assert (acme.payments, acme.payment_days) == (5, 4)
    assert acme.median_gap_days == 20  # gaps 10, 20, 30
    assert acme.days_since_last == 8  # 10 Mar − 2 Mar
    assert acme.overdue_ratio == pytest.approx(8 / 20)
    assert acme.revenue_recent == pytest.approx(410)  # 4 × 100 + 50 − 40, all in the last 6 months
    assert acme.revenue_prior == 0
    assert acme.trend is None  # nothing before: no base
    assert acme.flags == ()


def test_median_of_an_even_number_of_gaps_is_the_mean_of_the_middle_two(store, add_dataset):
    ds = add_dataset([("2026-01-01", "Beta", "1"), ("2026-01-11", "Beta", "1"), ("2026-01-31", "Beta", "1")])
    assert by_client(client_health(store, ds))["Beta"].median_gap_days == 15  # gaps 10 and 20


@pytest.mark.parametrize(("as_of", "ratio", "flags"), [
    # Payments 1, 11, 21 January: usual gap 10 days.
    (date(2026, 2, 9), 1.9, ()),  # 19 days: just under QUIET_RATIO
    (date(2026, 2, 10), 2.0, (Flag(QUIET, "quiet for 2× its usual gap (20 days; usually 10 days)"),)),
    (date(2026, 2, 15), 2.5, (Flag(QUIET, "quiet for 2.5× its usual gap (25 days; usually 10 days)"),)),
])
def test_quiet_flag_from_twice_the_usual_gap(store, add_dataset, as_of, ratio, flags):
    assert QUIET_RATIO == 2.0
    ds = add_dataset([("2026-01-01", "Q", "1"), ("2026-01-11", "Q", "1"), ("2026-01-21", "Q", "1")])
    q = by_client(client_health(store, ds, as_of=as_of))["Q"]
    assert q.overdue_ratio == pytest.approx(ratio)
    assert q.flags == flags


# -- revenue trend -----------------------------------------------------------------------------------


def test_trend_windows_cut_exactly_at_six_and_twelve_months(store, add_dataset):
    # as_of 15 Jun 2026: recent = 16 Dec 2025 … 15 Jun 2026, prior = 16 Jun 2025 … 15 Dec 2025.
    ds = add_dataset([
        ("2025-06-15", "Edge", "1"),        # before the prior window: in neither
        ("2025-06-16", "Edge", "10"),       # first day of prior
        ("2025-12-15", "Edge", "100"),      # last day of prior
        ("2025-12-16", "Edge", "1000"),     # first day of recent
        ("2026-06-15", "Edge", "10000"),    # as_of itself
        ("2026-06-16", "Edge", "100000"),   # after as_of: not read at all
    ])
    report = client_health(store, ds, as_of=date(2026, 6, 15))
    assert (report.recent_start, report.prior_start) == (date(2025, 12, 16), date(2025, 6, 16))
    edge = by_client(report)["Edge"]
    assert edge.revenue_prior == pytest.approx(110)
    assert edge.revenue_recent == pytest.approx(11_000)
    assert edge.trailing_revenue == pytest.approx(11_110)
    assert edge.trend == pytest.approx((11_000 - 110) / 110)
    assert edge.last_payment == date(2026, 6, 15) and edge.days_since_last == 0
    assert edge.payments == 5  # the 16 June payment is after as_of


def test_windows_at_a_month_end_fall_back_to_the_last_day_of_shorter_months(store, add_dataset):
    # 31 Aug − 6 months = 28 Feb (no 31 Feb) → recent from 1 Mar; 31 Aug − 12 months = 31 Aug 2025 → 1 Sep.
    ds = add_dataset([("2025-01-01", "A", "1"), ("2026-08-31", "A", "1")])
    report = client_health(store, ds)
    assert (report.recent_start, report.prior_start) == (date(2026, 3, 1), date(2025, 9, 1))


@pytest.mark.parametrize(("recent", "flagged"), [("600", True), ("601", False)])
def test_spend_down_flag_from_a_forty_percent_fall(store, add_dataset, recent, flagged):
    assert SPEND_DOWN_SHARE == 0.40
    # as_of 15 Jun 2026; prior 1,000 (1 Sep 2025), recent 600 → −40% (flagged) or 601 → −39.9% (not).
    ds = add_dataset([("2025-06-01", "Other", "1"), ("2025-09-01", "Down", "1000"), ("2026-03-01", "Down", recent)])
    down = by_client(client_health(store, ds, as_of=date(2026, 6, 15)))["Down"]
    assert down.trend == pytest.approx((float(recent) - 1000) / 1000)
    assert down.overdue_ratio == pytest.approx(106 / 181)  # 1 Mar → 15 Jun, one gap of 181 days: not quiet
    expected = (Flag(SPEND_DOWN, "spend down 40% (last 6 months vs the 6 before)"),) if flagged else ()
    assert down.flags == expected


def test_refunds_lower_revenue_and_the_trend(store, add_dataset):
    # prior 1,000; recent 1,000 − 500 refund = 500 → −50%; the refund is not the last payment.
    ds = add_dataset([("2025-06-01", "R", "1000"), ("2025-09-01", "R", "1000"),
                      ("2026-03-01", "R", "1000"), ("2026-04-01", "R", "-500")])
    r = by_client(client_health(store, ds, as_of=date(2026, 6, 15)))["R"]
    assert (r.revenue_prior, r.revenue_recent) == (pytest.approx(1000), pytest.approx(500))
    assert r.trend == pytest.approx(-0.5)
    assert r.payments == 3 and r.last_payment == date(2026, 3, 1)
    assert [f.kind for f in r.flags] == [SPEND_DOWN]


def test_no_trend_without_a_positive_base_or_when_the_data_starts_inside_the_prior_window(store, add_dataset):
    # as_of 15 Jun 2026, prior window from 16 Jun 2025.
    covered = add_dataset([("2025-06-01", "New", "1"), ("2026-03-01", "New", "500"),
                           ("2025-09-01", "Refunded", "-100"), ("2026-03-01", "Refunded", "50")])
    report = by_client(client_health(store, covered, as_of=date(2026, 6, 15)))
    assert report["New"].trend is None  # prior 0 (its 1 June row is before the window)
    assert report["Refunded"].trend is None  # prior −100
    late_start = add_dataset([("2025-07-01", "A", "1000"), ("2026-03-01", "A", "100")])
    a = by_client(client_health(store, late_start, as_of=date(2026, 6, 15)))["A"]
    assert a.revenue_prior == 1000 and a.trend is None  # data from 1 Jul: the prior window is not whole


# -- paying late -------------------------------------------------------------------------------------


def test_days_paid_late_from_due_and_paid_dates(store, add_dataset):
    assert LATE_DAYS == 14
    rows = [
        ("2026-01-15", "Late", "100"), ("2026-02-15", "Late", "100"),
        ("2026-03-01", "Late", "-100"),    # a refund with dates: not a payment, ignored
        ("2026-03-05", "Late", "100"),     # due date only: ignored
        ("2026-01-14", "Prompt", "100"), ("2026-02-15", "Prompt", "100"),
        ("2026-01-05", "Early", "100"),
        ("2026-01-05", "NoTerms", "100"),
    ]
    terms = [
        ("2026-01-01", "2026-01-15"), ("2026-02-01", "2026-02-15"),  # 14 and 14 → 14.0: flagged
        ("2026-01-01", "2026-03-01"),
        ("2026-03-01", None),
        ("2026-01-01", "2026-01-14"), ("2026-02-01", "2026-02-15"),  # 13 and 14 → 13.5: not flagged
        ("2026-01-10", "2026-01-05"),                                # 5 days early → −5
        (None, None),
    ]
    report = client_health(store, add_dataset(rows, terms=terms))
    clients = by_client(report)
    assert (clients["Late"].days_late, clients["Late"].late_basis) == (14, 2)
    assert Flag(LATE, "pays 14 days late on average") in clients["Late"].flags
    assert clients["Prompt"].days_late == 13.5 and not any(f.kind == LATE for f in clients["Prompt"].flags)
    assert clients["Early"].days_late == -5
    assert clients["NoTerms"].days_late is None and clients["NoTerms"].late_basis == 0
    assert report.has_due_dates


def test_a_dataset_without_due_dates_has_no_lateness(store, add_dataset):
    report = client_health(store, add_dataset([("2026-01-05", "A", "100")]))
    assert not report.has_due_dates and report.clients[0].days_late is None


# -- one-off clients ---------------------------------------------------------------------------------


def test_one_payment_is_a_one_off_client_without_a_rhythm(store, add_dataset):
    ds = add_dataset([("2026-01-05", "Once", "300"), ("2026-02-01", "Twice same day", "100"),
                      ("2026-02-01", "Twice same day", "100"), ("2026-03-01", "Other", "1")])
    clients = by_client(client_health(store, ds))
    once = clients["Once"]
    assert (once.payments, once.payment_days, once.median_gap_days, once.overdue_ratio) == (1, 1, None, None)
    assert once.days_since_last == 55  # 5 Jan → 1 Mar
    assert once.flags == (Flag(ONE_OFF, "one-off client"),)
    same_day = clients["Twice same day"]
    assert (same_day.payments, same_day.payment_days) == (2, 1)
    assert same_day.flags == (Flag(ONE_OFF, "one-off client"),)
    assert clients["Other"].flags == (Flag(ONE_OFF, "one-off client"),)


def test_a_one_off_is_not_also_flagged_for_spending_less(store, add_dataset):
    # Paid once in the prior window, nothing since: trend −100%, but the flag is only "one-off".
    ds = add_dataset([("2025-06-01", "Other", "1"), ("2025-09-01", "Gone", "800"), ("2026-06-15", "Other", "1")])
    gone = by_client(client_health(store, ds))["Gone"]
    assert gone.trend == -1.0
    assert gone.flags == (Flag(ONE_OFF, "one-off client"),)


def test_a_one_off_that_paid_late_keeps_both_flags(store, add_dataset):
    ds = add_dataset([("2026-01-31", "Slow", "100")], terms=[("2026-01-01", "2026-01-31")])  # 30 days
    assert by_client(client_health(store, ds))["Slow"].flags == (
        Flag(LATE, "pays 30 days late on average"), Flag(ONE_OFF, "one-off client"))


def test_a_client_with_only_refunds_is_listed_without_payments(store, add_dataset):
    ds = add_dataset([("2026-01-05", "Paying", "100"), ("2026-01-20", "Refunded", "-50")])
    refunded = by_client(client_health(store, ds))["Refunded"]
    assert (refunded.payments, refunded.first_payment, refunded.days_since_last) == (0, None, None)
    assert refunded.revenue_recent == -50 and refunded.flags == ()


# -- names, cut-off, order, empty --------------------------------------------------------------------


def test_aliases_and_groups_apply(store, add_dataset):
    ds = add_dataset([("2026-01-01", "Acme", "100"), ("2026-01-11", "ACME Ltd", "100"),
                      ("2026-01-21", "Beta", "100"), ("2026-02-10", "Beta", "100")])
    set_alias(store, ds, "ACME Ltd", "Acme")
    clients = by_client(client_health(store, ds))
    assert set(clients) == {"Acme", "Beta"}
    assert clients["Acme"].payments == 2 and clients["Acme"].median_gap_days == 10
    set_group(store, ds, ["Acme", "Beta"], "Holding")
    assert set(by_client(client_health(store, ds))) == {"Acme", "Beta"}  # groups only by_group
    holding = by_client(client_health(store, ds, by_group=True))["Holding"]
    # Payment days 1, 11, 21 Jan and 10 Feb: gaps 10, 10, 20 → median 10; as_of 10 Feb.
    assert (holding.payments, holding.median_gap_days, holding.days_since_last) == (4, 10, 0)
    assert holding.revenue_recent == 400


def test_as_of_reads_only_records_up_to_it(store, add_dataset):
    ds = add_dataset([("2026-01-01", "A", "100"), ("2026-01-11", "A", "100"), ("2026-03-01", "A", "100"),
                      ("2026-03-01", "B", "100")])
    report = client_health(store, ds, as_of=date(2026, 1, 31))
    assert [c.client for c in report.clients] == ["A"]  # B's only row is after as_of
    a = report.clients[0]
    assert (a.payments, a.last_payment, a.days_since_last, a.revenue_recent) == (2, date(2026, 1, 11), 20, 200)
    assert [f.kind for f in a.flags] == [QUIET]  # 20 days / a 10-day gap = 2x


def test_clients_come_largest_trailing_revenue_first_then_by_name(store, add_dataset):
    ds = add_dataset([("2024-01-01", "Old", "9999"), ("2026-01-01", "B", "100"), ("2026-01-02", "A", "100"),
                      ("2026-01-03", "C", "300")])
    report = client_health(store, ds)
    assert [c.client for c in report.clients] == ["C", "A", "B", "Old"]  # Old: nothing in 12 months
    ranked = by_revenue_at_risk(report, {"A": 5.0, "Old": 50.0})
    assert [c.client for c in ranked.clients] == ["Old", "A", "C", "B"]  # unknown ones keep their order


def test_no_income_on_or_before_as_of_is_a_clear_error(store, add_dataset):
    ds = add_dataset([("2026-01-05", "A", "100")])
    with pytest.raises(NoHealthDataError, match="no income on or before 31 Dec 2025"):
        client_health(store, ds, as_of=date(2025, 12, 31))


def test_an_empty_dataset_is_a_clear_error(store, add_dataset):
    with pytest.raises(NoHealthDataError, match="no income rows"):
        client_health(store, add_dataset([]))
