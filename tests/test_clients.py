"""Aliases and client groups (analytics/clients.py, the ``income_view`` macro of
analytics/store.py) and how every analysis follows them; every expected number is worked out by hand.
Merge suggestions are tested in test_client_names.py."""

from __future__ import annotations

from datetime import date

import pytest

from analytics.baseline import client_baseline
from analytics.categories import category_concentration
from analytics.client_mix import cohort_revenue, new_vs_returning
from analytics.clients import (
    aliases,
    clients_revision,
    groups,
    merge_clients,
    reject_merge,
    remove_alias,
    remove_from_group,
    set_alias,
    set_group,
)
from analytics.concentration import concentration
from analytics.over_time import concentration_over_time, revenue_by_period
from analytics.scenario import Loss, Scenario, simulate
from analytics.window import Window

YEAR_2025 = Window(date(2025, 1, 1), date(2025, 12, 31))


def table(report):
    return [(c.client, c.revenue, c.share) for c in report.clients_table]


# -- aliases ------------------------------------------------------------------------------------------


def test_alias_moves_revenue_and_share_to_its_target(add_dataset, store):
    ds = add_dataset([
        ("2025-01-10", "Acme GmbH", "600.00"),
        ("2025-02-10", "ACME GmbH", "200.00"),
        ("2025-03-10", "Beta", "200.00"),
    ])
    # Before: total 1000; Acme GmbH 600 (0.6), then ACME GmbH and Beta 200 each (0.2; ties by name,
    # "ACME GmbH" < "Beta").
    assert table(concentration(store, ds, YEAR_2025)) == [
        ("Acme GmbH", 600.0, 0.6), ("ACME GmbH", 200.0, 0.2), ("Beta", 200.0, 0.2)
    ]
    assert set_alias(store, ds, "ACME GmbH", "Acme GmbH") == "Acme GmbH"
    report = concentration(store, ds, YEAR_2025)
    # After: Acme GmbH 600 + 200 = 800 of 1000 = 0.8; Beta 0.2; HHI 0.8² + 0.2² = 0.68.
    assert table(report) == [("Acme GmbH", 800.0, 0.8), ("Beta", 200.0, 0.2)]
    assert report.clients == 2
    assert report.hhi == pytest.approx(0.68, abs=1e-12)
    assert report.total_revenue == 1000.0
    assert aliases(store, ds) == {"ACME GmbH": "Acme GmbH"}


def test_alias_to_an_alias_goes_to_its_target(add_dataset, store):
    ds = add_dataset([
        ("2025-01-10", "A", "100"), ("2025-01-11", "B", "50"), ("2025-01-12", "C", "25"), ("2025-01-13", "D", "25"),
    ])
    set_alias(store, ds, "B", "A")
    # C → B, and B is an alias of A: stored as C → A (no chain).
    assert set_alias(store, ds, "C", "B") == "A"
    assert aliases(store, ds) == {"B": "A", "C": "A"}
    # A 100 + 50 + 25 = 175 of 200 = 0.875; D 25 of 200 = 0.125.
    assert table(concentration(store, ds, YEAR_2025)) == [("A", 175.0, 0.875), ("D", 25.0, 0.125)]


def test_aliasing_a_target_repoints_its_aliases(add_dataset, store):
    ds = add_dataset([("2025-01-10", "A", "100"), ("2025-01-11", "B", "50"), ("2025-01-12", "Z", "50")])
    set_alias(store, ds, "B", "A")
    set_alias(store, ds, "A", "Z")
    # B pointed at A, which is now an alias of Z: B is re-pointed, so no chain B → A → Z.
    assert aliases(store, ds) == {"A": "Z", "B": "Z"}
    # Z 100 + 50 + 50 = 200 of 200 = 1.0.
    assert table(concentration(store, ds, YEAR_2025)) == [("Z", 200.0, 1.0)]


def test_alias_to_itself_or_a_cycle_is_refused(add_dataset, store):
    ds = add_dataset([("2025-01-10", "A", "100"), ("2025-01-11", "B", "50")])
    with pytest.raises(ValueError, match="itself"):
        set_alias(store, ds, "A", "A")
    set_alias(store, ds, "B", "A")
    with pytest.raises(ValueError, match="itself"):
        set_alias(store, ds, "A", "B")  # B resolves to A: A → A
    assert aliases(store, ds) == {"B": "A"}
    with pytest.raises(ValueError, match="name"):
        set_alias(store, ds, "  ", "A")
    with pytest.raises(ValueError, match="no dataset"):
        set_alias(store, ds + 1000, "B", "A")


def test_remove_alias_shows_the_name_again(add_dataset, store):
    ds = add_dataset([("2025-01-10", "A", "75"), ("2025-01-11", "B", "25")])
    set_alias(store, ds, "B", "A")
    remove_alias(store, ds, "B")
    # Back to A 75 of 100 = 0.75, B 0.25.
    assert table(concentration(store, ds, YEAR_2025)) == [("A", 75.0, 0.75), ("B", 25.0, 0.25)]
    assert aliases(store, ds) == {}


def test_aliases_belong_to_one_dataset(add_dataset, store):
    first = add_dataset([("2025-01-10", "A", "75"), ("2025-01-11", "B", "25")])
    second = add_dataset([("2025-01-10", "A", "75"), ("2025-01-11", "B", "25")])
    set_alias(store, first, "B", "A")
    # Only the first dataset merges B into A (100 of 100); the second still has A 0.75, B 0.25.
    assert table(concentration(store, first, YEAR_2025)) == [("A", 100.0, 1.0)]
    assert table(concentration(store, second, YEAR_2025)) == [("A", 75.0, 0.75), ("B", 25.0, 0.25)]


def test_merge_clients_aliases_every_name_at_once(add_dataset, store):
    ds = add_dataset([("2025-01-10", "Acme", "50"), ("2025-01-11", "ACME", "30"), ("2025-01-12", "acme.", "20")])
    assert merge_clients(store, ds, ("Acme", "ACME", "acme."), into="Acme") == "Acme"
    assert aliases(store, ds) == {"ACME": "Acme", "acme.": "Acme"}
    # Acme 50 + 30 + 20 = 100: one client with everything.
    assert table(concentration(store, ds, YEAR_2025)) == [("Acme", 100.0, 1.0)]


def test_no_alias_and_no_group_gives_the_same_report_either_way(add_dataset, store):
    ds = add_dataset([("2025-01-10", "A", "30"), ("2025-02-10", "B", "25"), ("2025-03-10", "C", "45")])
    assert concentration(store, ds, YEAR_2025, by_group=True) == concentration(store, ds, YEAR_2025)
    # And the plain figures: C 0.45, A 0.30, B 0.25.
    assert table(concentration(store, ds, YEAR_2025)) == [("C", 45.0, 0.45), ("A", 30.0, 0.3), ("B", 25.0, 0.25)]


# -- groups -------------------------------------------------------------------------------------------

GROUPED = [("2025-01-10", "A", "30"), ("2025-02-10", "B", "25"), ("2025-03-10", "C", "45")]


def test_group_counts_as_one_client_in_concentration(add_dataset, store):
    ds = add_dataset(GROUPED)
    set_group(store, ds, ["A", "B"], "G")
    by_client = concentration(store, ds, YEAR_2025)
    by_group = concentration(store, ds, YEAR_2025, by_group=True)
    # By client (groups ignored): C 45/100 = 0.45 on top; HHI 0.45² + 0.30² + 0.25² = 0.2025 + 0.09
    # + 0.0625 = 0.355; 3 clients.
    assert by_client.top_shares[1] == pytest.approx(0.45, abs=1e-12)
    assert by_client.hhi == pytest.approx(0.355, abs=1e-12)
    assert by_client.clients == 3
    # By group: G = A 30 + B 25 = 55 of 100 = 0.55 on top, then C 0.45; HHI 0.3025 + 0.2025 = 0.505.
    assert table(by_group) == [("G", 55.0, 0.55), ("C", 45.0, 0.45)]
    assert by_group.hhi == pytest.approx(0.505, abs=1e-12)
    assert by_group.clients == 2
    assert groups(store, ds) == {"G": ["A", "B"]}


def test_scenario_can_lose_a_whole_group(add_dataset, store):
    ds = add_dataset([
        ("2025-01-01", "Acme", "18000"), ("2025-12-31", "Acme", "18000"),
        ("2025-03-15", "Globex", "24000"), ("2025-06-15", "Initech", "12000"), ("2025-09-15", "Hooli", "6000"),
    ])
    set_group(store, ds, ["Acme", "Globex"], "Acme Group")
    baseline = client_baseline(store, ds, 12, by_group=True)
    # Window 2025-01-01 … 2025-12-31, ÷ 12: Acme Group (36000 + 24000) / 12 = 5000, Initech 1000,
    # Hooli 500; baseline 6500.
    assert [(c.client, c.monthly) for c in baseline.clients] == [
        ("Acme Group", 5000.0), ("Initech", 1000.0), ("Hooli", 500.0)
    ]
    result = simulate(baseline, Scenario((Loss("Acme Group"),)))
    # Losing the group: 5000 of 6500 = 0.76923…; 1500 a month is left.
    assert result.lost_monthly == pytest.approx(5000.0)
    assert result.lost_share == pytest.approx(5000 / 6500)
    assert result.scenario_monthly == pytest.approx(1500.0)
    # Without groups the same baseline lists the members: Acme 3000, Globex 2000.
    plain = client_baseline(store, ds, 12)
    assert [(c.client, c.monthly) for c in plain.clients][:2] == [("Acme", 3000.0), ("Globex", 2000.0)]


def test_group_member_given_by_an_alias_name_is_its_target(add_dataset, store):
    ds = add_dataset([("2025-01-10", "A", "30"), ("2025-01-11", "a", "10"), ("2025-01-12", "B", "20"),
                      ("2025-01-13", "C", "40")])
    set_alias(store, ds, "a", "A")
    set_group(store, ds, ["a", "B"], "G")  # "a" is an alias: A joins the group
    assert groups(store, ds) == {"G": ["A", "B"]}
    # By group: G = A 30 + a 10 + B 20 = 60 of 100 = 0.6; C 0.4.
    assert table(concentration(store, ds, YEAR_2025, by_group=True)) == [("G", 60.0, 0.6), ("C", 40.0, 0.4)]


def test_alias_takes_over_the_group_place_of_its_name(add_dataset, store):
    ds = add_dataset([("2025-01-10", "A", "30"), ("2025-01-11", "B", "20"), ("2025-01-12", "C", "50")])
    set_group(store, ds, ["B"], "G")
    set_alias(store, ds, "B", "A")  # B was in G, A in no group: A takes B's place
    assert groups(store, ds) == {"G": ["A"]}
    # By group: G = A 30 + B 20 = 50; C 50: each 0.5, ties by name ("C" < "G").
    assert table(concentration(store, ds, YEAR_2025, by_group=True)) == [("C", 50.0, 0.5), ("G", 50.0, 0.5)]


def test_stale_group_row_of_an_alias_never_double_counts(add_dataset, store):
    ds = add_dataset([("2025-01-10", "A", "30"), ("2025-01-11", "B", "20"), ("2025-01-12", "C", "50")])
    set_alias(store, ds, "B", "A")
    with store.cursor() as cur:  # an inconsistent state written behind the API's back
        cur.execute("INSERT INTO client_groups VALUES (?, 'B', 'H')", [ds])
    # The macro looks B up as an alias only: A 30 + B 20 = 50, C 50; total stays 100, not 120.
    report = concentration(store, ds, YEAR_2025, by_group=True)
    assert report.total_revenue == 100.0
    assert table(report) == [("A", 50.0, 0.5), ("C", 50.0, 0.5)]


def test_moving_and_removing_group_members(add_dataset, store):
    ds = add_dataset(GROUPED)
    set_group(store, ds, ["A", "B"], "G")
    set_group(store, ds, ["B"], "  H   two ")  # B moves to the trimmed "H two"; A stays in G
    assert groups(store, ds) == {"G": ["A"], "H two": ["B"]}
    remove_from_group(store, ds, ["A"])
    assert groups(store, ds) == {"H two": ["B"]}
    # By group: C 45, B shown as "H two" 25, A itself 30 → C 0.45, A 0.30, H two 0.25.
    assert table(concentration(store, ds, YEAR_2025, by_group=True)) == [
        ("C", 45.0, 0.45), ("A", 30.0, 0.3), ("H two", 25.0, 0.25)
    ]


def test_group_name_of_an_outside_client_is_refused(add_dataset, store):
    ds = add_dataset(GROUPED)
    with pytest.raises(ValueError, match="outside the group"):
        set_group(store, ds, ["A", "B"], "C")  # C would be counted with A and B
    set_group(store, ds, ["A", "B"], "A")  # a member may lend the group its name
    assert groups(store, ds) == {"A": ["A", "B"]}
    set_group(store, ds, ["C"], "H")
    with pytest.raises(ValueError, match="group"):
        set_alias(store, ds, "X", "H")  # "H" names a group and is not in it: X would join it unseen
    assert aliases(store, ds) == {}
    with pytest.raises(ValueError, match="needs a name"):
        set_group(store, ds, ["A"], " ")
    with pytest.raises(ValueError, match="at least one"):
        set_group(store, ds, [], "G")


def test_groups_in_the_series(add_dataset, store):
    ds = add_dataset(GROUPED + [("2025-04-15", "B", "60")])
    set_group(store, ds, ["A", "B"], "G")
    # Trailing 12 months at April 2025 (Jan…Apr): A 30, B 25 + 60 = 85, C 45; total 160.
    # By client: top1 = 85/160 = 0.53125; by group: G 115/160 = 0.71875, 2 active clients (G, C).
    april_client = concentration_over_time(store, ds)[-1]
    april_group = concentration_over_time(store, ds, by_group=True)[-1]
    assert april_client.top1 == pytest.approx(85 / 160) and april_client.active_clients == 3
    assert april_group.top1 == pytest.approx(115 / 160) and april_group.active_clients == 2
    # Cohorts by group: G's first row is A's (Jan, 2025-Q1); its Q2 revenue is B's 60: retention
    # 60 / Q1 (30 + 25 + C's 45 = 100) = 0.6 for the 2025-Q1 cohort (G and C, 2 clients).
    cells = cohort_revenue(store, ds, by_group=True)
    assert [(c.cohort, c.quarter, c.revenue, c.retention, c.cohort_clients) for c in cells] == [
        ("2025-Q1", "2025-Q1", 100.0, 1.0, 2), ("2025-Q1", "2025-Q2", 60.0, 0.6, 2)
    ]


def test_alias_makes_a_new_client_a_returning_one(add_dataset, store):
    ds = add_dataset([("2025-01-10", "Acme", "100"), ("2025-02-10", "ACME Inc", "50")])
    # Without alias: February's 50 comes from a new client (ACME Inc's first month).
    feb = new_vs_returning(store, ds)[1]
    assert (feb.new, feb.returning, feb.new_clients, feb.returning_clients) == (50.0, 0.0, 1, 0)
    set_alias(store, ds, "ACME Inc", "Acme")
    # With it: Acme's first month is January, so February's 50 is returning revenue from 1 client.
    feb = new_vs_returning(store, ds)[1]
    assert (feb.new, feb.returning, feb.new_clients, feb.returning_clients) == (0.0, 50.0, 0, 1)


def test_alias_changes_who_is_named_per_period(add_dataset, store):
    ds = add_dataset([("2025-01-10", "Acme", "100"), ("2025-01-11", "ACME", "80"), ("2025-01-12", "Beta", "120")])
    # top_n = 1 without alias: Beta 120 is the largest; Other holds Acme + ACME = 180 (2 clients).
    rows = revenue_by_period(store, ds, "month", top_n=1)
    assert [(r.client, r.revenue) for r in rows] == [("Beta", 120.0), ("Other (2 clients)", 180.0)]
    set_alias(store, ds, "ACME", "Acme")
    # With alias: Acme 100 + 80 = 180 is named; Other holds Beta 120 (1 client).
    rows = revenue_by_period(store, ds, "month", top_n=1)
    assert [(r.client, r.revenue) for r in rows] == [("Acme", 180.0), ("Other (1 client)", 120.0)]


def test_groups_in_category_client_mappings(add_dataset, store):
    ds = add_dataset(GROUPED, categories=["Web", "Design", "Web"])
    set_group(store, ds, ["A", "B"], "G")
    report = category_concentration(store, ds, YEAR_2025, by_group=True)
    # Categories are the same either way: Web = A 30 + C 45 = 75 (0.75), Design = B 25 (0.25).
    assert [(c.category, c.revenue, c.share) for c in report.categories] == [
        ("Web", 75.0, 0.75), ("Design", 25.0, 0.25)
    ]
    # G's main category: Web 30 > Design 25; C: Web. Pieces largest first: C Web 45, G Web 30, G Design 25.
    assert report.client_categories == {"G": "Web", "C": "Web"}
    assert report.client_pieces == (("C", "Web", 45.0), ("G", "Web", 30.0), ("G", "Design", 25.0))


# -- deleting and caching -----------------------------------------------------------------------------


def test_delete_dataset_deletes_its_aliases_groups_and_rejections(add_dataset, store):
    gone = add_dataset([("2025-01-10", "A", "1"), ("2025-01-11", "B", "1"), ("2025-01-12", "C", "1")])
    kept = add_dataset([("2025-01-10", "A", "1"), ("2025-01-11", "B", "1"), ("2025-01-12", "C", "1")])
    for ds in (gone, kept):
        set_alias(store, ds, "B", "A")
        set_group(store, ds, ["A", "C"], "G")
        reject_merge(store, ds, "A", "C")
    store.delete_dataset(gone)
    with store.cursor() as cur:
        counts = [cur.execute(f"SELECT dataset_id, count(*) FROM {t} GROUP BY ALL").fetchall()
                  for t in ("client_aliases", "client_groups", "client_merge_rejections")]
    # Only the kept dataset's rows remain: 1 alias, 2 group members, 1 rejected pair.
    assert counts == [[(kept, 1)], [(kept, 2)], [(kept, 1)]]


def test_clients_revision_changes_with_aliases_and_groups(add_dataset, store):
    ds = add_dataset(GROUPED)
    seen = [clients_revision(store, ds)]
    set_alias(store, ds, "B", "A")
    seen.append(clients_revision(store, ds))
    set_group(store, ds, ["A", "C"], "G")
    seen.append(clients_revision(store, ds))
    remove_alias(store, ds, "B")
    seen.append(clients_revision(store, ds))
    assert seen[0] == "" and len(set(seen)) == 4
