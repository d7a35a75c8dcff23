"""Each client's chance of still being your client, now and at the end of the horizon (BG/NBD).

Payment history (one DuckDB query over ``income_view``)
    As of a cut-off date ``as_of`` (default: the dataset's last record date), using only records
    up to it, per client (per client group with ``by_group=True``):

    ``payments``     positive income records (refunds and zero amounts are not purchases);
    ``x``            distinct days with a positive payment − 1 ("repeat purchases", counted on
                     distinct days as in Fader, Hardie & Lee's CDNOW analysis);
    ``t_x``          weeks from the first to the last payment day;
    ``T``            weeks from the first payment day to ``as_of``;
    ``last_payment`` the last payment day.
    Weeks are days / 7, the time unit of :data:`analytics.bgnbd.PRIOR_PARAMS` and of the CDNOW fit.

Which parameters (``method``)
    ``bgnbd-fit``    a maximum-likelihood fit on this dataset's clients, used when the dataset
                     has at least :data:`~analytics.bgnbd.MIN_CLIENTS_FOR_FIT` clients, of which
                     at least :data:`~analytics.bgnbd.MIN_REPEAT_CLIENTS_FOR_FIT` paid on two or more
                     days, and the fit converged;
    ``bgnbd-prior``  otherwise the fixed :data:`~analytics.bgnbd.PRIOR_PARAMS`, still updated by
                     each client's own history through the model's formulas.
    ``note`` says in plain words which one produced the numbers and why, for the UI.

Per client
    ``p_alive``      P(still a client at ``as_of``) (:func:`analytics.bgnbd.p_alive`);
    ``p_gone_now``   1 − p_alive;
    ``p_leave``      P(gone by the end of the horizon) = 1 − P(alive at as_of + horizon), the
                     horizon in weeks = months × :data:`WEEKS_PER_MONTH`
                     (:func:`analytics.bgnbd.p_alive_after`).

Manual overrides
    ``overrides`` maps a client to the user's own chance (0–1) that it is gone by the end of the
    horizon. It replaces the model for that client: ``p_leave`` = the override and ``p_gone_now`` = 0
    (the user is taken to know whether the client is still there; the chance is spread over the
    horizon by the Monte Carlo's constant monthly hazard); ``p_alive`` stays the model's figure, and
    ``overridden`` is true.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np

from .bgnbd import (
    MIN_CLIENTS_FOR_FIT,
    MIN_REPEAT_CLIENTS_FOR_FIT,
    PRIOR_PARAMS,
    BgNbdFit,
    BgNbdParams,
    fit,
    p_alive,
    p_alive_after,
)
from .montecarlo import HORIZONS
from .scenario import UnknownClientError
from .store import INCOME_VIEW, Store, sql_by_group

METHOD_FIT = "bgnbd-fit"
METHOD_PRIOR = "bgnbd-prior"
# The average Gregorian month in weeks: 365.25 days / 12 / 7 ≈ 4.348.
WEEKS_PER_MONTH = 365.25 / 12 / 7

_HISTORY_SQL = f"""
WITH cut AS (
    SELECT coalesce(CAST($as_of AS DATE),
                    (SELECT max(date) FROM income WHERE dataset_id = $dataset_id)) AS as_of
)
SELECT i.client, count(*) AS payments, count(DISTINCT i.date) - 1 AS x,
       (max(i.date) - min(i.date)) / 7.0 AS t_x, (any_value(c.as_of) - min(i.date)) / 7.0 AS T,
       max(i.date) AS last_payment
FROM {INCOME_VIEW} i, cut c
WHERE i.date <= c.as_of AND i.amount > 0
GROUP BY i.client
ORDER BY i.client
"""
_HISTORY = sql_by_group(_HISTORY_SQL)
_AS_OF_SQL = "SELECT coalesce(CAST($as_of AS DATE), max(date)) FROM income WHERE dataset_id = $dataset_id"


@dataclass(frozen=True)
class ClientHistory:
    """One client's payment history as of the cut-off (definitions in the module docstring)."""

    client: str
    payments: int
    x: int
    t_x: float
    T: float
    last_payment: date


@dataclass(frozen=True)
class RetentionModel:
    """The parameters used (``params``: fitted, or PRIOR_PARAMS), the fit when one was tried
    (even if it was not used), and a plain-language ``note`` for the UI."""

    method: str
    params: BgNbdParams
    fit: BgNbdFit | None
    clients: int
    repeat_clients: int
    note: str


@dataclass(frozen=True)
class ClientRetention(ClientHistory):
    """A client's history with its chances (definitions in the module docstring)."""

    p_alive: float
    p_gone_now: float
    p_leave: float
    overridden: bool


@dataclass(frozen=True)
class Retention:
    as_of: date
    horizon: int  # months
    model: RetentionModel
    clients: tuple[ClientRetention, ...]  # by client name

    def client(self, name: str) -> ClientRetention | None:
        return next((c for c in self.clients if c.client == name), None)


def client_histories(
    store: Store, dataset_id: int, *, as_of: date | None = None, by_group: bool = False
) -> tuple[date, tuple[ClientHistory, ...]]:
    """(as_of used, each client's history up to it); ``ValueError`` when there is no payment."""
    params = {"dataset_id": dataset_id, "as_of": as_of}
    with store.cursor() as cur:
        (cut,) = cur.execute(_AS_OF_SQL, params).fetchone()
        rows = cur.execute(_HISTORY[bool(by_group)], params).fetchall() if cut is not None else []
    if not rows:
        when = f" on or before {as_of:%d %b %Y}" if as_of is not None else ""
        raise ValueError(f"This dataset has no payments{when} to judge its clients by.")
    return cut, tuple(ClientHistory(c, int(n), int(x), float(tx), float(t), last) for c, n, x, tx, t, last in rows)


def choose_model(x, t_x, T) -> RetentionModel:
    """Fit when the data is large enough and the fit converges, else PRIOR_PARAMS (module docstring)."""
    x = np.asarray(x, dtype=float)
    clients, repeat = int(x.size), int(np.count_nonzero(x > 0))
    counts = f"{clients} client{'s' if clients != 1 else ''} ({repeat} who paid on more than one day)"
    one_day = _ONE_DAY_NOTE if repeat < clients else ""
    if clients < MIN_CLIENTS_FOR_FIT or repeat < MIN_REPEAT_CLIENTS_FOR_FIT:
        why = (f"This dataset has {counts}; fitting the model needs at least {MIN_CLIENTS_FOR_FIT} clients "
               f"with at least {MIN_REPEAT_CLIENTS_FOR_FIT} repeat payers.")
        return RetentionModel(METHOD_PRIOR, PRIOR_PARAMS, None, clients, repeat, _prior_note(why) + one_day)
    try:
        result = fit(x, t_x, T)
    except ValueError:
        result = None
    if result is None or not result.converged:
        why = f"The model could not be fitted reliably to this dataset's {counts}."
        return RetentionModel(METHOD_PRIOR, PRIOR_PARAMS, result, clients, repeat, _prior_note(why) + one_day)
    p = result.params
    note = (f"Chances from the BG/NBD model fitted to this dataset's {counts}: r = {p.r:.3f}, "
            f"alpha = {p.alpha:.3f} weeks, a = {p.a:.3f}, b = {p.b:.3f}; each client's own payment "
            "rhythm and silence since its last payment decide its numbers.")
    return RetentionModel(METHOD_FIT, p, result, clients, repeat, note + one_day)


# The model's blind spot, said wherever it applies: with x = 0, P(alive) = 1 (bgnbd.p_alive).
_ONE_DAY_NOTE = (" A client that paid on one day only counts as still active: the model can only see a "
                 "client leave after a repeat payment.")


def _prior_note(why: str) -> str:
    return (f"{why} The numbers use fixed typical assumptions instead (about one payment a month, a client "
            "relationship of about two years), adjusted by each client's own payment rhythm and silence since "
            "its last payment.")


def retention(
    store: Store,
    dataset_id: int,
    *,
    as_of: date | None = None,
    horizon: int = 12,
    overrides: Mapping[str, float] | None = None,
    by_group: bool = False,
) -> Retention:
    """Per-client P(alive) and chance of leaving within ``horizon`` months, as of ``as_of``.

    Raises ``ValueError`` (``UnknownClientError`` for an override naming no client) with a
    plain message on bad input.
    """
    if horizon not in HORIZONS:
        raise ValueError(f"The horizon must be {' or '.join(map(str, HORIZONS))} months, got {horizon!r}.")
    cut, histories = client_histories(store, dataset_id, as_of=as_of, by_group=by_group)
    overrides = _check_overrides(overrides or {}, [h.client for h in histories])
    x, t_x, T = (np.array([getattr(h, k) for h in histories], dtype=float) for k in ("x", "t_x", "T"))
    model = choose_model(x, t_x, T)
    alive = p_alive(model.params, x, t_x, T)
    alive_later = p_alive_after(model.params, horizon * WEEKS_PER_MONTH, x, t_x, T)
    clients = []
    for h, now, later in zip(histories, alive, alive_later):
        chosen = overrides.get(h.client)
        gone_now, leave = (0.0, chosen) if chosen is not None else (1.0 - float(now), 1.0 - float(later))
        clients.append(ClientRetention(**vars(h), p_alive=float(now), p_gone_now=gone_now, p_leave=leave,
                                       overridden=chosen is not None))
    return Retention(cut, horizon, model, tuple(clients))


def _check_overrides(overrides: Mapping[str, float], names: list[str]) -> dict[str, float]:
    known = set(names)
    checked = {}
    for client, value in overrides.items():
        if client not in known:
            raise UnknownClientError(client, difflib.get_close_matches(client, names, n=3, cutoff=0.5))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or not 0.0 <= value <= 1.0:
            raise ValueError(f"The chance of losing {client} must be a number from 0 to 1, got {value!r}.")
        checked[client] = float(value)
    return checked
