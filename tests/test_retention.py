"""Per-client payment histories and chances of leaving (analytics/retention.py).

Histories are checked against values worked out by hand from the fixture rows; the model choice
against its rules; the fitted route end to end on the CDNOW data against the published fit;
probabilities against the BG/NBD formulas written out in this file (the hypergeometric closed form
of P(alive after t), a second method to the module's quadrature).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from scipy import special

from analytics.bgnbd import MIN_CLIENTS_FOR_FIT, PRIOR_PARAMS
from analytics.clients import set_group
from analytics.retention import (
    METHOD_FIT,
    METHOD_PRIOR,
    WEEKS_PER_MONTH,
    client_histories,
    retention,
)
from analytics.scenario import UnknownClientError
from cdnow_helpers import CALIBRATION_END, PUBLISHED, PUBLISHED_LOG_LIKELIHOOD, insert_cdnow

ROWS = [
    ("2025-01-01", "Acme", "100.00"),
    ("2025-01-01", "Acme", "50.00"),  # same day: one purchase day
    ("2025-02-01", "Acme", "200.00"),
    ("2025-03-01", "Acme", "-80.00"),  # refund: not a purchase
    ("2025-04-10", "Acme", "300.00"),  # after the cut-off below
    ("2025-02-20", "Bolt", "500.00"),
    ("2025-01-15", "Crane", "-40.00"),  # refunds only: no history
    ("2025-03-04", "Dune", "0.00"),  # zero: not a payment
    ("2025-04-20", "Dune", "-10.00"),  # the dataset's last record date
]
CUT = date(2025, 3, 5)
# By hand, as of 2025-03-05:
#   Acme: payments on 01-01 (×2) and 02-01 → 3 payments, 2 days → x = 1; t_x = 31 days = 31/7 weeks;
#         T = 2025-03-05 − 2025-01-01 = 63 days = 9 weeks; last payment 2025-02-01.
#   Bolt: 1 payment → x = 0, t_x = 0, T = 13 days = 13/7 weeks.
#   Crane, Dune: no positive payment → no history.


def prior_p_alive(x, t_x, T, p=PRIOR_PARAMS):
    """1 / (1 + a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) for x > 0, else 1 (Fader, Hardie & Lee)."""
    if x == 0:
        return 1.0
    return 1.0 / (1.0 + p.a / (p.b + x - 1) * ((p.alpha + T) / (p.alpha + t_x)) ** (p.r + x))


def survival_factor(t, x, T, p=PRIOR_PARAMS):
    """E_p[((α+T)/(α+T+tp))^(r+x)], p ~ Beta(a, b+x), by Euler's integral and Pfaff's transformation:
    (1+c)^−a ₂F₁(a, a+b−r; a+b+x; c/(1+c)), c = t/(α+T)."""
    c = t / (p.alpha + T)
    return (1 + c) ** -p.a * special.hyp2f1(p.a, p.a + p.b - p.r, p.a + p.b + x, c / (1 + c))


def test_histories_by_hand(add_dataset, store):
    cut, histories = client_histories(store, add_dataset(ROWS), as_of=CUT)
    assert cut == CUT
    assert [(h.client, h.payments, h.x, h.last_payment) for h in histories] == [
        ("Acme", 3, 1, date(2025, 2, 1)), ("Bolt", 1, 0, date(2025, 2, 20))]
    acme, bolt = histories
    assert (acme.t_x, acme.T) == (pytest.approx(31 / 7), pytest.approx(9.0))
    assert (bolt.t_x, bolt.T) == (0.0, pytest.approx(13 / 7))


def test_default_cut_off_is_the_last_record_date(add_dataset, store):
    # Last record: Dune's refund on 2025-04-20. Acme then has 4 payments on 3 days (x = 2),
    # t_x = 2025-04-10 − 2025-01-01 = 99 days, T = 109 days.
    cut, histories = client_histories(store, add_dataset(ROWS))
    assert cut == date(2025, 4, 20)
    acme = histories[0]
    assert (acme.payments, acme.x, acme.t_x, acme.T) == (4, 2, pytest.approx(99 / 7), pytest.approx(109 / 7))


def test_small_dataset_uses_the_prior_and_says_so(add_dataset, store):
    r = retention(store, add_dataset(ROWS), as_of=CUT, horizon=12)
    assert r.model.method == METHOD_PRIOR and r.model.params == PRIOR_PARAMS and r.model.fit is None
    assert (r.model.clients, r.model.repeat_clients) == (2, 1)
    assert f"at least {MIN_CLIENTS_FOR_FIT} clients" in r.model.note
    assert "paid on one day only counts as still active" in r.model.note
    acme, bolt = r.client("Acme"), r.client("Bolt")
    t = 12 * WEEKS_PER_MONTH
    assert acme.p_alive == pytest.approx(prior_p_alive(1, 31 / 7, 9.0), rel=1e-12)
    assert acme.p_gone_now == pytest.approx(1 - acme.p_alive, rel=1e-12)
    assert acme.p_leave == pytest.approx(1 - acme.p_alive * survival_factor(t, 1, 9.0), rel=1e-7)
    assert bolt.p_alive == 1.0 and bolt.p_gone_now == 0.0
    assert bolt.p_leave == pytest.approx(1 - survival_factor(t, 0, 13 / 7), rel=1e-7)
    assert not acme.overridden and not bolt.overridden


def test_a_longer_horizon_means_a_higher_chance_of_leaving(add_dataset, store):
    ds = add_dataset(ROWS)
    year, two = retention(store, ds, as_of=CUT, horizon=12), retention(store, ds, as_of=CUT, horizon=24)
    for a, b in zip(year.clients, two.clients):
        assert a.p_gone_now == b.p_gone_now and a.p_gone_now < a.p_leave < b.p_leave < 1


def test_overrides_take_precedence(add_dataset, store):
    r = retention(store, add_dataset(ROWS), as_of=CUT, overrides={"Bolt": 0.4, "Acme": 0})
    bolt, acme = r.client("Bolt"), r.client("Acme")
    assert (bolt.p_leave, bolt.p_gone_now, bolt.overridden, bolt.p_alive) == (0.4, 0.0, True, 1.0)
    assert (acme.p_leave, acme.p_gone_now, acme.overridden) == (0.0, 0.0, True)
    assert acme.p_alive == pytest.approx(prior_p_alive(1, 31 / 7, 9.0))  # the model's figure, for display


@pytest.mark.parametrize(
    ("overrides", "error", "message"),
    [
        ({"acme": 0.5}, UnknownClientError, "No client named 'acme'.*Did you mean: Acme"),
        ({"Crane": 0.5}, UnknownClientError, "No client named 'Crane'"),  # refunds only
        ({"Acme": 1.5}, ValueError, "from 0 to 1"),
        ({"Acme": -0.1}, ValueError, "from 0 to 1"),
        ({"Acme": float("nan")}, ValueError, "from 0 to 1"),
        ({"Acme": "high"}, ValueError, "from 0 to 1"),
        ({"Acme": True}, ValueError, "from 0 to 1"),
    ],
)
def test_bad_overrides_are_refused(add_dataset, store, overrides, error, message):
    with pytest.raises(error, match=message):
        retention(store, add_dataset(ROWS), as_of=CUT, overrides=overrides)


def test_bad_horizon_and_cut_off_are_refused(add_dataset, store):
    ds = add_dataset(ROWS)
    with pytest.raises(ValueError, match="12 or 24"):
        retention(store, ds, horizon=6)
    with pytest.raises(ValueError, match="no payments on or before 31 Dec 2024"):
        retention(store, ds, as_of=date(2024, 12, 31))


def test_client_groups_count_as_one_client(add_dataset, store):
    ds = add_dataset(ROWS)
    set_group(store, ds, ["Acme", "Bolt"], "Acme Group")
    _, grouped = client_histories(store, ds, as_of=CUT, by_group=True)
    # Days 01-01, 02-01 (Acme) and 02-20 (Bolt): x = 2, t_x = 50 days, T = 63 days.
    assert [(h.client, h.payments, h.x) for h in grouped] == [("Acme Group", 4, 2)]
    assert (grouped[0].t_x, grouped[0].T) == (pytest.approx(50 / 7), pytest.approx(9.0))
    _, plain = client_histories(store, ds, as_of=CUT)
    assert [h.client for h in plain] == ["Acme", "Bolt"]


def test_a_fit_that_does_not_converge_falls_back_to_the_prior(add_dataset, store):
    # 10 clients paying every week for 20 weeks up to the cut-off and 20 one-off clients: enough
    # clients to try, but nothing shows anyone leaving, so the likelihood runs to b → ∞.
    end = date(2025, 6, 30)
    rows = [(end - timedelta(weeks=w), f"Weekly {i}", "100") for i in range(10) for w in range(20)]
    rows += [(end - timedelta(days=7 * k + 3), f"Once {k}", "100") for k in range(20)]
    r = retention(store, add_dataset(rows))
    assert (r.model.clients, r.model.repeat_clients) == (30, 10)
    assert r.model.method == METHOD_PRIOR and r.model.fit is not None and not r.model.fit.converged
    assert "could not be fitted reliably" in r.model.note


def test_cdnow_through_the_store_gives_the_published_fit(store):
    r = retention(store, insert_cdnow(store), as_of=CALIBRATION_END)
    assert r.model.method == METHOD_FIT and r.as_of == CALIBRATION_END
    p = r.model.params
    assert (round(p.r, 3), round(p.alpha, 3), round(p.a, 3), round(p.b, 3)) == (
        PUBLISHED.r, PUBLISHED.alpha, PUBLISHED.a, PUBLISHED.b)
    assert round(r.model.fit.log_likelihood, 1) == PUBLISHED_LOG_LIKELIHOOD
    assert (r.model.clients, len(r.clients)) == (2357, 2357)
    first = r.client("0001")  # Hardie's spreadsheet: x = 2, t_x = 30.43, T = 38.86
    assert (first.x, round(first.t_x, 2), round(first.T, 2)) == (2, 30.43, 38.86)
    assert "fitted to this dataset's 2357 clients (946 who paid on more than one day)" in r.model.note
    gone = np.array([c.p_gone_now for c in r.clients])
    leave = np.array([c.p_leave for c in r.clients])
    assert np.all((0 <= gone) & (gone <= leave) & (leave <= 1))
