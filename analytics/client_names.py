"""How spellings of a client name are compared when suggesting merges (pure Python, no SQL).

Every spelling gets a :class:`NameKey` (:func:`name_key`); :mod:`analytics.clients` suggests two
names as one client when their keys agree, or when their spellings are close (:func:`similar_pairs`).

``plain`` — the name without case, accents, quotes, punctuation or spacing differences
    1. Unicode NFKD, combining marks dropped (é → e, ü → u, ą → a, ё → е, й → и), then casefolded
       (ß → ss); ł → l, ø → o, đ → d, æ → ae, œ → oe, ı → i (letters with no decomposition).
    2. Apostrophes (' ’ ʼ ` ´) are dropped: O'Brien → obrien, McDonald's → mcdonalds.
    3. Every other character that is not a letter or a digit — quotes « » „ “ ” " ‚ ‘ ‹ ›, dots,
       commas, hyphens, &, brackets, slashes — becomes a space; spaces are collapsed.
    4. Runs of two or more one-letter words are joined, so dotted abbreviations match their plain
       spelling: S.A. → sa, B.V. → bv, L.L.C. → llc, Sp. z o.o. → sp zoo, О.О.О. → ооо.
``core`` — ``plain`` without its legal form
    Legal forms (:data:`SUFFIX_FORMS`) are removed from the end, repeatedly (GmbH & Co. KG → three
    forms), and the forms usually written first (:data:`PREFIX_FORMS`: ООО, ОАО, АО, ЗАО, ПАО, ИП,
    ТОВ, OOO in Latin letters, SIA, UAB) also from the start. At least one word always stays, so a
    client literally called "AG" keeps its name. Covers EN (Inc, LLC, Ltd, Limited, Corp, Co, PLC,
    LLP), DE/AT/CH (GmbH, AG, KG, UG, GbR, OHG, e.V., KGaA, haftungsbeschränkt), FR/ES/IT/PT (S.A.,
    SARL, SAS, S.L., S.r.l., S.p.A., Ltda), NL/BE (B.V., N.V.), Nordic (AS, ASA, Oy, Oyj, AB, ApS),
    PL (Sp. z o.o., Sp. k., Sp. j., S.A.), CZ/SK/HU/Balkans (s.r.o., a.s., Kft, Zrt, d.o.o.) and RU.
    Known false friend: a name that really ends in one of these words ("Hotel Spa", "Gas AS") is
    compared without it.
``address`` — an e-mail address or a web domain stands for the company it belongs to
    ``jan@acme-gmbh.de``, ``acme.com``, ``https://www.acme.co.uk/``: the domain's registrable label
    (the label before the top-level domain, or before co/com/org/net/gov/ac/edu/ltd/plc + country
    code), hyphens as spaces, keyed as above: acme-gmbh.de → "acme gmbh" → core "acme". At a
    free-mail provider (:data:`FREE_MAIL`: gmail, outlook, yandex, wp, gmx, …) the domain says
    nothing, so the local part is used instead (jan.kowalski84@gmail.com → "jan kowalski", digits
    dropped), unless it is a generic mailbox (:data:`GENERIC_MAILBOXES`: info, office, biuro, …),
    which gives no key at all. ``plain`` = ``core`` for an address.
``fuzzy`` and ``digits`` — for close spellings
    ``fuzzy`` is ``core`` with its words sorted (word order does not matter; this is what
    ``rapidfuzz.fuzz.token_sort_ratio`` compares). ``digits`` are the digits of ``core`` in order:
    names whose numbers differ ("Client 12" / "Client 13", "Studio 54" / "Studio 55") are never
    called similar.

:func:`similar_pairs` — close spellings
    Pairs of distinct ``fuzzy`` keys with the same ``digits`` whose ``rapidfuzz.fuzz.ratio`` is at
    least :data:`SIMILARITY_THRESHOLD` (90 of 100: one typo in a name of about 10 letters or more,
    "Northwind Traders" / "Nortwind Traders" = 97.0; "Acme" / "Apex" = 50 is far below). Computed
    with ``rapidfuzz.process.cdist`` in blocks of keys with equal digits, sorted by length, each
    row compared only with keys whose length can still reach the threshold (for lengths a ≤ b the
    ratio is at most 2a / (a + b)), so 5,000 distinct names take well under a second.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

SIMILARITY_THRESHOLD = 90.0  # rapidfuzz ratio (0–100) of the word-sorted cores

# Legal forms as they look after the ``plain`` steps (dots gone, one-letter runs joined).
SUFFIX_FORMS: tuple[tuple[str, ...], ...] = tuple(
    tuple(form.split())
    for form in (
        # English-speaking countries
        "inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "co", "company", "plc",
        "llp", "lp", "pty", "pc",
        # German-speaking countries
        "gmbh", "mbh", "ag", "kg", "ug", "gbr", "ohg", "ev", "kgaa", "se", "haftungsbeschrankt",
        # French, Spanish, Italian, Portuguese
        "sa", "sarl", "sas", "sasu", "eurl", "sl", "slu", "srl", "spa", "sapa", "snc", "ltda", "lda",
        # Dutch, Belgian, Nordic
        "bv", "nv", "bvba", "vof", "as", "asa", "oy", "oyj", "ab", "aps",
        # Polish (Sp. z o.o. → "sp zoo"; Sp. k. → "sp k"; Sp. j. → "sp j")
        "sp zoo", "spzoo", "sp k", "sp j", "spolka z ograniczona odpowiedzialnoscia", "spolka akcyjna",
        # Czech, Slovak, Hungarian, Balkans
        "sro", "spol sro", "kft", "zrt", "nyrt", "bt", "doo", "dd",
        # Russian, Ukrainian (Cyrillic and Latin)
        "ооо", "оао", "ао", "зао", "пао", "ип", "тов", "ooo", "oao", "zao", "pao",
    )
)
PREFIX_FORMS: tuple[tuple[str, ...], ...] = tuple(
    (form,)
    for form in ("ооо", "оао", "ао", "зао", "пао", "ип", "тов", "ooo", "oao", "zao", "pao", "sia", "uab")
)
_SUFFIXES_BY_LAST_WORD: dict[str, list[tuple[str, ...]]] = {}
for _form in sorted(SUFFIX_FORMS, key=len, reverse=True):  # longest first: "spol sro" before "sro"
    _SUFFIXES_BY_LAST_WORD.setdefault(_form[-1], []).append(_form)
_PREFIXES = frozenset(form[0] for form in PREFIX_FORMS)

FREE_MAIL = frozenset(
    """gmail googlemail yahoo ymail rocketmail hotmail outlook live msn icloud me mac aol proton
    protonmail pm gmx web t-online freenet mail inbox email yandex ya rambler list bk ukr wp o2 onet
    op interia poczta tlen seznam centrum orange wanadoo free laposte sfr libero virgilio tiscali
    alice qq 163 126 naver zoho fastmail tutanota tuta hey posteo mailbox""".split()
)
GENERIC_MAILBOXES = frozenset(
    """info office contact kontakt hello hi mail email admin billing invoice invoices accounts
    accounting finance sales support team noreply no reply biuro buchhaltung rechnung rechnungen
    faktura faktury payments""".split()
)
_SECOND_LEVEL = frozenset("co com org net gov ac edu ltd plc or ne go".split())

_APOSTROPHES = dict.fromkeys(map(ord, "'’ʼ`´"), None)
_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "æ": "ae", "œ": "oe", "ı": "i"})
_NOT_WORD = re.compile(r"[\W_]+")
_EMAIL = re.compile(r"([^@\s]+)@((?:[a-z0-9-]+\.)+[a-z]{2,24})")
_DOMAIN = re.compile(r"(?:https?://)?(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,24})/?")


@dataclass(frozen=True)
class NameKey:
    """The comparison keys of one spelling (rules: module docstring)."""

    plain: str
    core: str
    address: bool = False

    @property
    def fuzzy(self) -> str:
        return " ".join(sorted(self.core.split()))

    @property
    def digits(self) -> str:
        return "".join(ch for ch in self.core if ch.isdigit())


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().translate(_LETTERS)
    words = _NOT_WORD.sub(" ", text.translate(_APOSTROPHES)).split()
    joined: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:  # the empty sentinel flushes the last run
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        joined.extend(["".join(run)] if len(run) > 1 else run)
        run = []
        if word:
            joined.append(word)
    return " ".join(joined)


def _core(plain: str) -> str:
    words = plain.split()
    stripped = True
    while stripped and len(words) > 1:
        stripped = False
        for form in _SUFFIXES_BY_LAST_WORD.get(words[-1], ()):
            if len(words) > len(form) and tuple(words[-len(form):]) == form:
                words, stripped = words[: -len(form)], True
                break
        if len(words) > 1 and words[0] in _PREFIXES:
            words, stripped = words[1:], True
    return " ".join(words)


def _registrable_label(domain: str) -> str:
    labels = domain.split(".")[:-1]  # without the top-level domain
    if len(labels) > 1 and labels[-1] in _SECOND_LEVEL:
        labels = labels[:-1]
    return labels[-1]


def _address_key(name: str) -> NameKey | None | bool:
    """The key of an e-mail address or web domain; ``None`` when it gives none; ``False`` when
    ``name`` is neither."""
    text = name.strip().casefold()
    email = _EMAIL.fullmatch(text)
    domain = email.group(2) if email else (m.group(1) if (m := _DOMAIN.fullmatch(text)) else None)
    if domain is None:
        return False
    label = _registrable_label(domain)
    if label in FREE_MAIL:
        if not email:
            return False  # "gmail.com" as a client name: compare it as a name
        source = re.sub(r"\d+", " ", email.group(1))
        plain = _plain(source)
        if plain in GENERIC_MAILBOXES or len(plain.replace(" ", "")) < 2:
            return None
    else:
        plain = _plain(label)
    if len(plain.replace(" ", "")) < 2:
        return None
    core = _core(plain)
    return NameKey(core, core, address=True)


def name_key(name: str) -> NameKey | None:
    """The :class:`NameKey` of one spelling, or ``None`` when it has no letter or digit to compare
    (or is a generic free-mail mailbox). Rules: module docstring."""
    address = _address_key(name)
    if address is not False:
        return address
    plain = _plain(name)
    if not plain:
        return None
    return NameKey(plain, _core(plain))


def similar_pairs(keys: Iterable[str], threshold: float = SIMILARITY_THRESHOLD) -> dict[tuple[str, str], float]:
    """``{(a, b): ratio}`` for every pair of distinct ``fuzzy`` keys ``a < b`` with equal digits and
    ``rapidfuzz.fuzz.ratio(a, b) >= threshold`` (rules and speed: module docstring)."""
    blocks: dict[str, list[str]] = defaultdict(list)
    for key in set(keys):
        if key:
            blocks["".join(ch for ch in key if ch.isdigit())].append(key)
    reach = (200.0 - threshold) / threshold  # ratio ≥ threshold needs len(b) ≤ len(a) × reach
    pairs: dict[tuple[str, str], float] = {}
    for block in blocks.values():
        if len(block) < 2:
            continue
        block.sort(key=lambda k: (len(k), k))
        lengths = [len(k) for k in block]
        for start in range(0, len(block), 256):
            rows = block[start : start + 256]
            stop = bisect.bisect_right(lengths, lengths[start + len(rows) - 1] * reach)
            # uint8 scores are rounded, so a near miss can show up: every hit is checked exactly below
            scores = process.cdist(rows, block[start:stop], scorer=fuzz.ratio, score_cutoff=threshold - 1,
                                   dtype=np.uint8, workers=-1)
            for r, c in zip(*np.nonzero(scores), strict=True):
                a, b = rows[r], block[start + c]
                if start + c <= start + r:
                    continue  # each pair once, from its earlier row; a key with itself never
                ratio = fuzz.ratio(a, b)
                if ratio >= threshold:
                    pairs[(a, b) if a < b else (b, a)] = round(ratio, 1)
    return pairs
