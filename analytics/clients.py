"""One client under many names (aliases), client groups, and suggestions of names to merge.

Every analysis reads ``income_view`` (see :mod:`analytics.store`), which applies what is stored here.
Names are matched exactly as imported (case, spaces and punctuation matter); everything is per
dataset; every change is one transaction. A change to a ``dataset_id`` that does not exist raises
``ValueError``; reading one gives an empty result.

Aliases (table ``client_aliases``)
    :func:`set_alias` ``(alias, client)``: rows whose client is ``alias`` are shown and counted as
    ``client`` in every figure (totals, shares, baselines, series).
    - No chains: when ``client`` is itself an alias, the alias goes to *its* target; aliases that
      pointed at ``alias`` are re-pointed to the new target. So every alias points at a name that
      is not an alias.
    - An alias to itself is refused (``ValueError``), also when it would close a cycle (B → A exists,
      then A → B resolves to A → A).
    - Setting an alias for a name that already has one replaces it.
    - Group membership follows the name that is shown: if ``alias`` was in a group, the target takes
      that place, unless the target is already in a group (then the target's group wins).
    :func:`remove_alias` shows the name as itself again (in no group). :func:`aliases` lists them.
    :func:`merge_clients` makes several names aliases of one, in one transaction.

Groups (table ``client_groups``; ASC 280-10-50-42: entities under common control are one customer)
    :func:`set_group` puts clients (alias names are replaced by their targets) in a group, moving them
    out of any other group; a group's other members stay. With ``by_group=True`` every analysis
    shows and counts the group's name in place of its members; clients in no group stay themselves.
    The group name is trimmed (inner spaces collapsed) and may not be blank, nor the name of a
    client outside the group (that client would silently be counted with it): ``ValueError``. For
    the same reason :func:`set_alias` refuses a target that is the name of a group it is not in.
    :func:`remove_from_group`, :func:`groups` (group → its clients, sorted).

Merge suggestions (:func:`suggest_merges`)
    Candidates are the names shown after aliases (two names already aliased together are one name
    and never suggested); groups play no part. Each of them carries its spellings (itself and its aliases), compared with
    the keys of :mod:`analytics.client_names`. Two names are linked when a spelling of each has:
    - the same ``plain`` key: "same name apart from case, accents, quotes, punctuation or spacing";
    - else the same ``core`` key, both from names: "same name apart from the legal form";
    - else the same ``core`` key, one from an e-mail address or web domain: "e-mail address or web
      domain of the same name";
    - else close spellings (``fuzzy`` keys with ratio ≥ ``SIMILARITY_THRESHOLD`` = 90 and the same
      digits, or the same words in another order): "similar spelling". Exact links score 100,
      similar ones their ratio (1 dp).
    Links are joined strongest first (score, then the order above, then names) into suggestions of
    two or more names, never joining two names the user rejected (:func:`reject_merge`, table
    ``client_merge_rejections``, names stored as shown, alias names resolved; rejecting a suggestion
    rejects every pair in it, so it is not suggested again). A suggestion's ``score`` is its weakest link; ``reason`` lists its link kinds
    in the order above; ``keep`` is the name with the most net revenue over the whole dataset (ties:
    alphabetically first) and comes first in ``names``, the others follow by revenue. Suggestions
    are ordered by score, then combined revenue (largest first), then ``keep``; at most ``limit``.

Caching (:func:`clients_revision`)
    A short text that changes whenever the aliases or groups of a dataset change: add it to the cache
    key of any cached analysis so that a merge shows at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

import duckdb

from analytics.client_names import NameKey, name_key, similar_pairs
from analytics.store import Store

SPELLING, LEGAL_FORM, ADDRESS, SIMILAR = range(4)  # link kinds, strongest first
REASONS = {
    SPELLING: "same name apart from case, accents, quotes, punctuation or spacing",
    LEGAL_FORM: "same name apart from the legal form",
    ADDRESS: "e-mail address or web domain of the same name",
    SIMILAR: "similar spelling",
}


@dataclass(frozen=True)
class MergeSuggestion:
    """Names that are probably one client; ``keep`` (also ``names[0]``) is the one with the most revenue."""

    names: tuple[str, ...]
    keep: str
    score: float  # 0–100: 100 for names equal after normalisation, else the weakest similarity
    reason: str


# -- helpers on an open cursor -----------------------------------------------------------------------
def _name(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"The {what} needs a name.")
    return value


def _check_dataset(cur: duckdb.DuckDBPyConnection, dataset_id: int) -> None:
    if cur.execute("SELECT 1 FROM datasets WHERE id = ?", [dataset_id]).fetchone() is None:
        raise ValueError(f"There is no dataset {dataset_id}.")


def _resolve(cur: duckdb.DuckDBPyConnection, dataset_id: int, name: str) -> str:
    sql = "SELECT client FROM client_aliases WHERE dataset_id = ? AND alias = ?"
    row = cur.execute(sql, [dataset_id, name]).fetchone()
    return row[0] if row else name


def _group_of(cur: duckdb.DuckDBPyConnection, dataset_id: int, client: str) -> str | None:
    sql = "SELECT group_name FROM client_groups WHERE dataset_id = ? AND client = ?"
    row = cur.execute(sql, [dataset_id, client]).fetchone()
    return row[0] if row else None


def _set_alias(cur: duckdb.DuckDBPyConnection, dataset_id: int, alias: str, client: str) -> str:
    target = _resolve(cur, dataset_id, _name(client, "client"))
    if target == _name(alias, "alias"):
        raise ValueError(f"'{alias}' cannot be an alias of itself.")
    named_group = cur.execute(
        "SELECT 1 FROM client_groups WHERE dataset_id = ? AND group_name = ? LIMIT 1", [dataset_id, target]
    ).fetchone()
    if named_group and _group_of(cur, dataset_id, target) != target:
        raise ValueError(f"'{target}' is the name of a client group; pick a client name.")
    cur.execute("UPDATE client_aliases SET client = ? WHERE dataset_id = ? AND client = ?", [target, dataset_id, alias])
    cur.execute("INSERT OR REPLACE INTO client_aliases VALUES (?, ?, ?)", [dataset_id, alias, target])
    group = _group_of(cur, dataset_id, alias)
    if group is not None:
        cur.execute("DELETE FROM client_groups WHERE dataset_id = ? AND client = ?", [dataset_id, alias])
        if _group_of(cur, dataset_id, target) is None:
            cur.execute("INSERT INTO client_groups VALUES (?, ?, ?)", [dataset_id, target, group])
    return target


# -- aliases -----------------------------------------------------------------------------------------
def set_alias(store: Store, dataset_id: int, alias: str, client: str) -> str:
    """Show and count ``alias`` as ``client``; returns the name it now resolves to (rules: module docstring)."""
    with store.transaction() as cur:
        _check_dataset(cur, dataset_id)
        return _set_alias(cur, dataset_id, alias, client)


def merge_clients(store: Store, dataset_id: int, names: Iterable[str], into: str) -> str:
    """Make every name in ``names`` (other than ``into``) an alias of ``into``, all or nothing."""
    with store.transaction() as cur:
        _check_dataset(cur, dataset_id)
        target = _resolve(cur, dataset_id, _name(into, "client"))
        for name in names:
            if name not in (into, target):
                _set_alias(cur, dataset_id, name, target)
        return target


def remove_alias(store: Store, dataset_id: int, alias: str) -> None:
    """Show ``alias`` as itself again (no-op when it is not an alias)."""
    with store.transaction() as cur:
        _check_dataset(cur, dataset_id)
        cur.execute("DELETE FROM client_aliases WHERE dataset_id = ? AND alias = ?", [dataset_id, alias])


def aliases(store: Store, dataset_id: int) -> dict[str, str]:
    """``{alias: client}`` for one dataset, sorted by alias."""
    with store.cursor() as cur:
        rows = cur.execute(
            "SELECT alias, client FROM client_aliases WHERE dataset_id = ? ORDER BY alias", [dataset_id]
        ).fetchall()
    return dict(rows)


# -- groups ------------------------------------------------------------------------------------------
def set_group(store: Store, dataset_id: int, clients: Iterable[str], group_name: str) -> None:
    """Put ``clients`` in the group ``group_name`` (rules: module docstring)."""
    group_name = " ".join(_name(group_name, "group").split())
    with store.transaction() as cur:
        _check_dataset(cur, dataset_id)
        members = {_resolve(cur, dataset_id, _name(c, "client")) for c in clients}
        if not members:
            raise ValueError("A group needs at least one client.")
        members |= {c for (c,) in cur.execute(
            "SELECT client FROM client_groups WHERE dataset_id = ? AND group_name = ?", [dataset_id, group_name]
        ).fetchall()}
        clash = cur.execute(
            "SELECT 1 FROM income_view(?, false) WHERE client = ? LIMIT 1", [dataset_id, group_name]
        ).fetchone() or cur.execute(
            "SELECT 1 FROM client_aliases WHERE dataset_id = ? AND client = ? LIMIT 1", [dataset_id, group_name]
        ).fetchone()
        if clash and group_name not in members:
            raise ValueError(f"'{group_name}' is the name of a client outside the group; pick another group name.")
        cur.executemany(
            "INSERT OR REPLACE INTO client_groups VALUES (?, ?, ?)",
            [[dataset_id, client, group_name] for client in sorted(members)],
        )


def remove_from_group(store: Store, dataset_id: int, clients: Iterable[str]) -> None:
    """Take ``clients`` (alias names resolved) out of their groups; a group with no client left is gone."""
    with store.transaction() as cur:
        _check_dataset(cur, dataset_id)
        for client in clients:
            cur.execute("DELETE FROM client_groups WHERE dataset_id = ? AND client = ?",
                        [dataset_id, _resolve(cur, dataset_id, client)])


def groups(store: Store, dataset_id: int) -> dict[str, list[str]]:
    """``{group name: [its clients, sorted]}`` for one dataset, sorted by group name."""
    with store.cursor() as cur:
        rows = cur.execute(
            "SELECT group_name, list(client ORDER BY client) FROM client_groups WHERE dataset_id = ?"
            " GROUP BY group_name ORDER BY group_name",
            [dataset_id],
        ).fetchall()
    return {name: list(members) for name, members in rows}


def clients_revision(store: Store, dataset_id: int) -> str:
    """A fingerprint of the dataset's aliases and groups ('' when it has none), for cache keys."""
    with store.cursor() as cur:
        (revision,) = cur.execute(
            """SELECT coalesce(md5(string_agg(kind || chr(31) || a || chr(31) || b, chr(30) ORDER BY kind, a, b)), '')
               FROM (SELECT 'alias' AS kind, alias AS a, client AS b FROM client_aliases WHERE dataset_id = $ds
                     UNION ALL
                     SELECT 'group', client, group_name FROM client_groups WHERE dataset_id = $ds)""",
            {"ds": dataset_id},
        ).fetchone()
    return revision


# -- merge suggestions -------------------------------------------------------------------------------
def reject_merge(store: Store, dataset_id: int, *names: str) -> None:
    """Record that ``names`` (two or more, e.g. ``*suggestion.names``) are not one client: no pair
    of them is suggested again."""
    with store.transaction() as cur:
        _check_dataset(cur, dataset_id)
        resolved = sorted({_resolve(cur, dataset_id, _name(n, "client")) for n in names})
        if len(resolved) < 2:
            raise ValueError("A rejected merge needs two different names.")
        cur.executemany(
            "INSERT OR IGNORE INTO client_merge_rejections VALUES (?, ?, ?)",
            [[dataset_id, a, b] for a, b in combinations(resolved, 2)],
        )


_SPELLINGS_SQL = """
SELECT i.client AS spelling, coalesce(a.client, i.client) AS name, CAST(sum(i.amount) * 100 AS HUGEINT) AS cents
FROM income i LEFT JOIN client_aliases a ON a.dataset_id = i.dataset_id AND a.alias = i.client
WHERE i.dataset_id = $ds
GROUP BY ALL
"""


def _links(spellings: dict[str, set[str]]) -> dict[tuple[str, str], tuple[float, int]]:
    """``{(a, b): (score, kind)}`` for every linked pair of names ``a < b`` (rules: module docstring)."""
    keys: dict[str, list[NameKey]] = {
        name: [k for k in map(name_key, sorted(names)) if k is not None] for name, names in spellings.items()
    }
    by_plain: dict[str, set[str]] = defaultdict(set)
    by_core: dict[str, dict[str, bool]] = defaultdict(dict)  # core -> {name: reached from a name (not an address)}
    by_fuzzy: dict[str, set[str]] = defaultdict(set)
    for name, name_keys in keys.items():
        for k in name_keys:
            if not k.address:
                by_plain[k.plain].add(name)
            by_core[k.core][name] = by_core[k.core].get(name, False) or not k.address
            by_fuzzy[k.fuzzy].add(name)

    links: dict[tuple[str, str], tuple[float, int]] = {}

    def link(a: str, b: str, score: float, kind: int) -> None:
        pair = (a, b) if a < b else (b, a)
        best = links.get(pair)
        if a != b and (best is None or (score, -kind) > (best[0], -best[1])):
            links[pair] = (score, kind)

    for names in by_plain.values():
        for a, b in combinations(sorted(names), 2):
            link(a, b, 100.0, SPELLING)
    for from_name in by_core.values():
        for a, b in combinations(sorted(from_name), 2):
            link(a, b, 100.0, LEGAL_FORM if from_name[a] and from_name[b] else ADDRESS)
    for names in by_fuzzy.values():
        for a, b in combinations(sorted(names), 2):
            link(a, b, 100.0, SIMILAR)
    for (x, y), score in similar_pairs(by_fuzzy).items():
        for a in by_fuzzy[x]:
            for b in by_fuzzy[y]:
                link(a, b, score, SIMILAR)
    return links


def suggest_merges(store: Store, dataset_id: int, limit: int = 50) -> list[MergeSuggestion]:
    """Names that are probably one client, most certain first (rules: module docstring)."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValueError("The number of suggestions must be a whole number, 0 or more.")
    with store.cursor() as cur:
        rows = cur.execute(_SPELLINGS_SQL, {"ds": dataset_id}).fetchall()
        rejected_rows = cur.execute(
            "SELECT a, b FROM client_merge_rejections WHERE dataset_id = ?", [dataset_id]
        ).fetchall()
    spellings: dict[str, set[str]] = defaultdict(set)
    revenue: dict[str, int] = defaultdict(int)
    for spelling, name, cents in rows:
        spellings[name].update((spelling, name))
        revenue[name] += int(cents)
    rejected: dict[str, set[str]] = defaultdict(set)
    for a, b in rejected_rows:
        rejected[a].add(b)
        rejected[b].add(a)

    # Join links strongest first; a union that would put a rejected pair together is skipped.
    members = {name: {name} for name in spellings}  # representative -> its names
    owner = {name: name for name in spellings}  # name -> representative
    weakest: dict[str, float] = {}
    kinds: dict[str, set[int]] = defaultdict(set)
    links = _links(spellings)
    for (a, b), (score, kind) in sorted(links.items(), key=lambda item: (-item[1][0], item[1][1], item[0])):
        ra, rb = owner[a], owner[b]
        if ra == rb:
            continue
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        if any(rejected[name] & members[ra] for name in members[rb]):
            continue
        for name in members[rb]:
            owner[name] = ra
        members[ra] |= members.pop(rb)
        weakest[ra] = min(score, weakest.get(ra, 100.0), weakest.pop(rb, 100.0))
        kinds[ra] |= kinds.pop(rb, set()) | {kind}

    suggestions = []
    for rep, names in members.items():
        if len(names) < 2:
            continue
        ordered = tuple(sorted(names, key=lambda n: (-revenue[n], n)))
        reason = "; ".join(REASONS[k] for k in sorted(kinds[rep]))
        suggestions.append((MergeSuggestion(ordered, ordered[0], weakest[rep], reason), sum(revenue[n] for n in names)))
    suggestions.sort(key=lambda item: (-item[0].score, -item[1], item[0].keep))
    return [s for s, _ in suggestions[:limit]]
