"""Name keys and merge suggestions (analytics/client_names.py, suggest_merges/reject_merge in
analytics/clients.py); every expected pair is worked out by hand."""

from __future__ import annotations

import random
import time
from itertools import combinations

import pytest
from rapidfuzz import fuzz

from analytics.client_names import SIMILARITY_THRESHOLD, name_key, similar_pairs
from analytics.clients import (
    ADDRESS,
    LEGAL_FORM,
    REASONS,
    SIMILAR,
    SPELLING,
    MergeSuggestion,
    reject_merge,
    set_alias,
    suggest_merges,
)


# -- name keys ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "plain", "core", "address"),
    [
        ("ACME gmbh.", "acme gmbh", "acme", False),
        ("Kowalski Sp. z o.o.", "kowalski sp zoo", "kowalski", False),  # one-letter run z o o → zoo
        ("ООО «Ромашка»", "ооо ромашка", "ромашка", False),  # Russian form written first
        ('OOO "Romashka"', "ooo romashka", "romashka", False),
        ("Acme Holding GmbH & Co. KG", "acme holding gmbh co kg", "acme holding", False),  # KG, Co, GmbH
        ("Société Générale S.A.", "societe generale sa", "societe generale", False),
        ("O'Brien Ltd", "obrien ltd", "obrien", False),
        ("AG", "ag", "ag", False),  # never stripped to nothing
        ("jan@acme-gmbh.de", "acme", "acme", True),  # acme-gmbh → "acme gmbh" → core "acme"
        ("https://www.acme.co.uk/", "acme", "acme", True),  # co.uk skipped
        ("jan.kowalski84@gmail.com", "jan kowalski", "jan kowalski", True),  # free mail: local part
    ],
)
def test_name_keys(name, plain, core, address):
    key = name_key(name)
    assert (key.plain, key.core, key.address) == (plain, core, address)


def test_generic_free_mail_box_and_punctuation_give_no_key():
    assert name_key("info@gmail.com") is None
    assert name_key("— ¿ —") is None


def test_similar_pairs_equal_brute_force():
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"
    keys = set()
    for _ in range(400):
        word = "".join(rng.choice(letters) for _ in range(rng.randint(3, 16)))
        keys.add(word)
        typo = list(word)
        typo[rng.randrange(len(typo))] = rng.choice(letters)  # one substitution: often ≥ 90 when long
        keys.add("".join(typo))
    keys.update({"client 00012", "client 00013", "northwind traders", "nortwind traders"})
    # The oracle: every pair, fuzz.ratio directly, same digits.
    expected = {
        (a, b) if a < b else (b, a): round(fuzz.ratio(a, b), 1)
        for a, b in combinations(sorted(keys), 2)
        if fuzz.ratio(a, b) >= SIMILARITY_THRESHOLD and [c for c in a if c.isdigit()] == [c for c in b if c.isdigit()]
    }
    found = similar_pairs(keys)
    assert found == expected
    assert found[("northwind traders", "nortwind traders")] == 97.0  # 1 - 1/33 deletion: 32·2/33 = 96.97
    assert fuzz.ratio("client 00012", "client 00013") > 91  # 1 − 2/24 = 91.7: close, but
    assert ("client 00012", "client 00013") not in found  # the digits differ
    assert len(expected) > 50  # the oracle really has pairs to find


# -- merge suggestions --------------------------------------------------------------------------------


def suggestion_for(store, ds, name):
    return next((s for s in suggest_merges(store, ds) if name in s.names), None)


@pytest.mark.parametrize(
    ("spellings", "reason"),
    [
        (["Acme Consulting", "ACME consulting.", "acme-consulting"], REASONS[SPELLING]),
        (["„Bäckerei Schmidt“", "Backerei Schmidt"], REASONS[SPELLING]),  # quotes and an accent
        (["Globex Inc.", "Globex, LLC", "Globex Limited"], REASONS[LEGAL_FORM]),  # EN
        (["Initech GmbH", "Initech AG", "Initech UG (haftungsbeschränkt)"], REASONS[LEGAL_FORM]),  # DE
        (["Kowalski Sp. z o.o.", "Kowalski"], REASONS[LEGAL_FORM]),  # PL
        (["ООО «Ромашка»", "Ромашка АО"], REASONS[LEGAL_FORM]),  # RU, form first and form last
        (['OOO "Romashka"', "Romashka"], REASONS[LEGAL_FORM]),  # RU in Latin letters
        (["jan@acme-gmbh.de", "Acme GmbH"], REASONS[ADDRESS]),
        (["acme.com", "Acme"], REASONS[ADDRESS]),
        (["Northwind Traders", "Nortwind Traders"], REASONS[SIMILAR]),
    ],
)
def test_each_rule_suggests_its_names(add_dataset, store, spellings, reason):
    # Revenue 300, 200, 100 in the order given, plus an unrelated client: the first spelling has the
    # most revenue and is kept; the others follow largest first.
    amounts = ["300", "200", "100"]
    ds = add_dataset([(f"2025-01-{i + 10}", name, amounts[i]) for i, name in enumerate(spellings)]
                     + [("2025-02-01", "Zebra Werke", "50")])
    suggestions = suggest_merges(store, ds)
    assert len(suggestions) == 1
    (s,) = suggestions
    assert s.names == tuple(spellings) and s.keep == spellings[0]
    assert s.reason == reason
    if reason == REASONS[SIMILAR]:
        # "northwind traders" (17) vs "nortwind traders" (16): one deletion, ratio 2·16 / 33 = 96.97.
        assert s.score == 97.0
    else:
        assert s.score == 100.0


@pytest.mark.parametrize(
    "names",
    [
        ["Acme GmbH", "Apex GmbH"],  # cores acme / apex: ratio 50
        ["Client 00012", "Client 00013"],  # ratio 1 − 2/24 = 91.7, but the numbers differ
        ["info@gmail.com", "info@yahoo.com"],  # generic free-mail boxes give no key
        ["Smith Consulting", "Smith Construction"],  # sorted cores: 6 edits in 34 characters, 1 − 6/34 = 82.4
        ["jan@gmail.com", "eva@gmail.com"],  # free mail: local parts jan / eva, not "gmail"
    ],
)
def test_clearly_different_names_are_not_suggested(add_dataset, store, names):
    ds = add_dataset([("2025-01-10", names[0], "10"), ("2025-01-11", names[1], "10")])
    assert suggest_merges(store, ds) == []


def test_suggestion_joins_rules_and_keeps_the_biggest_spelling(add_dataset, store):
    ds = add_dataset([
        ("2025-01-10", "acme gmbh", "100"),
        ("2025-01-11", "ACME GmbH", "500"),  # the most revenue: kept
        ("2025-01-12", "Acme", "200"),
        ("2025-01-13", "billing@acme.de", "50"),
    ])
    (s,) = suggest_merges(store, ds)
    # All four share core "acme": the two GmbH spellings by case (plain "acme gmbh"), Acme by legal
    # form, the address by its domain. Order by revenue: 500, 200, 100, 50.
    assert s == MergeSuggestion(
        names=("ACME GmbH", "Acme", "acme gmbh", "billing@acme.de"),
        keep="ACME GmbH",
        score=100.0,
        reason="; ".join(REASONS[k] for k in range(3)),
    )


def test_rejected_suggestion_is_not_repeated(add_dataset, store):
    ds = add_dataset([
        ("2025-01-10", "Acme GmbH", "100"), ("2025-01-11", "Acme AG", "50"),
        ("2025-01-12", "Northwind Traders", "30"), ("2025-01-13", "Nortwind Traders", "20"),
    ])
    first = suggest_merges(store, ds)
    # Two suggestions: the exact one (score 100) before the similar one (97.0).
    assert [(s.names, s.score) for s in first] == [
        (("Acme GmbH", "Acme AG"), 100.0), (("Northwind Traders", "Nortwind Traders"), 97.0)
    ]
    reject_merge(store, ds, *first[0].names)
    assert [s.names for s in suggest_merges(store, ds)] == [("Northwind Traders", "Nortwind Traders")]
    with pytest.raises(ValueError, match="two different"):
        reject_merge(store, ds, "Acme AG", "Acme AG")


def test_rejected_pair_is_never_put_in_one_suggestion(add_dataset, store):
    ds = add_dataset([("2025-01-10", "Acme", "300"), ("2025-01-11", "ACME", "200"), ("2025-01-12", "acme.", "100")])
    reject_merge(store, ds, "ACME", "Acme")
    # All three have plain key "acme". Links in name order ("ACME" < "Acme" < "acme."):
    # ACME–Acme rejected; ACME–acme. joins; Acme–acme. would put Acme with ACME: skipped.
    # Left: ACME (200) with acme. (100), ACME kept.
    assert [(s.names, s.keep) for s in suggest_merges(store, ds)] == [(("ACME", "acme."), "ACME")]


def test_aliased_names_are_not_suggested_again(add_dataset, store):
    ds = add_dataset([("2025-01-10", "Acme", "300"), ("2025-01-11", "ACME", "200"), ("2025-01-12", "acme.", "100")])
    set_alias(store, ds, "ACME", "Acme")
    # ACME is now part of Acme (300 + 200 = 500); only acme. is left to suggest with it.
    assert [(s.names, s.keep) for s in suggest_merges(store, ds)] == [(("Acme", "acme."), "Acme")]
    set_alias(store, ds, "acme.", "Acme")
    assert suggest_merges(store, ds) == []


def test_alias_spelling_still_finds_its_lookalikes(add_dataset, store):
    ds = add_dataset([("2025-01-10", "Acme Inc", "300"), ("2025-01-11", "ACME INC.", "50"),
                      ("2025-01-12", "Acme Holdings", "100")])
    set_alias(store, ds, "Acme Inc", "Acme Holdings")  # renamed: the target alone would not match
    # "ACME INC." matches the alias spelling "Acme Inc" (plain "acme inc"), so it is suggested with
    # Acme Holdings (100 + 300 = 400), which is kept.
    assert [(s.names, s.keep) for s in suggest_merges(store, ds)] == [(("Acme Holdings", "ACME INC."), "Acme Holdings")]


def test_limit_and_order_of_suggestions(add_dataset, store):
    ds = add_dataset([
        ("2025-01-10", "Beta", "10"), ("2025-01-11", "BETA", "10"),  # exact, combined 20
        ("2025-01-12", "Gamma Ltd", "500"), ("2025-01-13", "Gamma", "100"),  # exact, combined 600
        ("2025-01-14", "Northwind Traders", "900"), ("2025-01-15", "Nortwind Traders", "900"),  # similar, 97.0
    ])
    # Score first (100, 100, 97.0), then combined revenue: Gamma 600 before Beta 20.
    assert [s.keep for s in suggest_merges(store, ds)] == ["Gamma Ltd", "BETA", "Northwind Traders"]
    assert [s.keep for s in suggest_merges(store, ds, limit=1)] == ["Gamma Ltd"]
    with pytest.raises(ValueError):
        suggest_merges(store, ds, limit=-1)


def test_five_thousand_clients_stay_fast(add_dataset, store):
    rng = random.Random(11)
    syllables = ["ka", "lo", "mi", "ner", "tos", "vi", "ra", "bel", "dun", "sor", "te", "qua", "fen", "gri"]
    names: set[str] = set()
    while len(names) < 5000:
        names.add(" ".join("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))).title()
                           for _ in range(rng.randint(1, 3))))
    planted = ["Planted Example GmbH", "Planted Example AG", "Northwind Traders", "Nortwind Traders"]
    names.update(planted)
    ds = add_dataset([])
    with store.cursor() as cur:  # one statement: row-by-row inserts would take longer than the test
        cur.execute(
            "INSERT INTO income (dataset_id, date, client, amount, currency, source_line)"
            " SELECT ?, DATE '2025-01-10', unnest(?::VARCHAR[]), 1, 'EUR', 2",
            [ds, sorted(names)],
        )
    started = time.perf_counter()
    suggestions = suggest_merges(store, ds, limit=10_000)
    elapsed = time.perf_counter() - started
    # Measured about 0.5 s on a shared 2-core VM; 15 s would mean the pruning is gone.
    assert elapsed < 15
    assert all(s.score >= SIMILARITY_THRESHOLD for s in suggestions)
    found = [set(s.names) for s in suggestions]
    assert set(planted[:2]) in found and set(planted[2:]) in found  # legal form; one typo
