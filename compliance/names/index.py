"""The blocking index: every listed name and alias, found by near tokens, scored only when it
can still reach the threshold.

Build: each name is parsed once; its index keys are its token skeletons, its adjacent-token
joins and its one-word compact form; every key also enters a one-deletion neighbourhood
(typos and transliteration variants). Organisations' names also get acronym keys
(``acronym_keys``: a short word by its letters, a run of words by its initials), so that an
acronym and the words it abbreviates find each other when another word is shared too. Compound
abbreviations (Brestoblispolkom) and the words of their syllables are keyed there too. Postings are one int array; the neighbourhood of every
key and its postings, encoded for the query (below), are computed at build, and so are the
token weights and bound data of every name.

Query: per query token, the names near it (exact key, one edit, joined with a neighbour)
with their closeness. A name can only reach the threshold if the query weight it covers,
each token at its closeness, reaches the needed share: every posting entry near the query is
one integer (name, token, closeness code) and one sort gives every name's share, with no
Python loop over postings. Each candidate gets an upper bound of the score ``align`` can give
it (both sides' coverage at the keys' closeness, plus what tokens the index could not see
might still gain fuzzily; blended as align's better-covered-side rule does where it may apply); the best-bound candidates are aligned (each distinct listed form
once), and scoring stops once no remaining one can enter the result.

Repeats: the result lists of recent searches are kept (``_RESULT_CACHE_MAX``), and so is a recent
query's parse with its candidates and alignments (``_Query``), which its searches with another
country, limit or threshold share; neither changes a result.
"""

from __future__ import annotations

import bisect
import itertools
import math
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Hashable, Iterable
from typing import Any, Generic, TypeVar

import numpy as np
from pydantic import BaseModel, Field

from compliance.lists.model import Entity
from compliance.names import acronym_keys
from compliance.names.normalize import (
    PERSON_KINDS,
    NameRep,
    concepts_of,
    name_data,
    parse_name,
    query_variants,
    split_variants,
)
from compliance.names.score import (
    ACRONYM_CREDIT,
    CONTAINED_NAME_SCORE,
    COVER_MAX_SHARE,
    CUT_CAP,
    FIELD_WIDTH,
    GENERIC_WEIGHT,
    LIST_COMMON_WEIGHT,
    PERSON_MAX_SHARE,
    STOPWORD_WEIGHT,
    SYLLABIC_CREDIT,
    TRANSLATED_CREDIT,
    Alignment,
    _kh_reading,
    _patronymic_index,
    align,
    cut_align,
    default_weight,
    explain,
    field_cut,
    token_weights,
)

V = TypeVar("V")

# Calibrated on tests/data/name_pairs.csv and tests/data/real_name_pairs.csv (README "Party screening").
BLOCK_THRESHOLD = 0.90
REVIEW_THRESHOLD = 0.80

COUNTRY_MATCH_BONUS = 0.03
COUNTRY_MISMATCH_PENALTY = 0.05
# Legal forms of a person's own business (individual entrepreneur): a query with one may be a person.
_PERSON_BUSINESS_FORMS = frozenset(("ipu", "pboyul", "fop", "spd", "chp", "ie"))
# Names aligned at most per query (limits up to 10; above, three entities per result asked for).
# 20, not 15: readings lift namesakes' bounds, and at 15 they took the places of the entity
# looked for (query_ref: 18 entities lost at the default limit with 15, 6 with 20).
MAX_CANDIDATES = 20
# Names of one entity aligned before the rest of its aliases wait for other entities' names
# (``_cap_per_entity``; 3 lost fewest entities against an uncapped search on query_ref's lists).
PER_ENTITY = 3
# A token in more than this share of all names is too common to find candidates by.
COMMON_SHARE = 0.005
# Closeness of an indexed key one edit away from a query token (at least; longer tokens more).
NEAR_EDIT = 0.9
# Slack on the attainable-score bound (the country bonus is added separately).
BOUND_SLACK = 0.03
# A query cut by a 35-character field is compared by its beginning: the best candidates of its
# whole words (the cut word left out) are read as cut, at most this many (cut_align aligns twice).
CUT_CANDIDATES = 20
# A one-token query can only match names where the token has at least this share of the weight.
LONE_TOKEN_SHARE = 0.45
# Best credit align gives two tokens more than one edit apart (vowel variants: 0.9).
UNSEEN_CREDIT = 0.9
_NEAR_CACHE_MAX = 20_000
# Result lists of recent searches (name, country, kind, limit, threshold): a server or a batch
# outside the screener's PartyCache asks for the same party again; the index never changes.
_RESULT_CACHE_MAX = 1_024
# Parsed queries with their candidates and alignments (``_Query``): the same party searched
# with another country (a batch's rows), limit or threshold reuses them.
_QUERY_CACHE_MAX = 256
# Keys longer than this get no one-edit neighbourhood (its size grows with the square of the
# length: an 800 KB token would exhaust memory); they are still found exactly.
MAX_NEIGHBOUR_LEN = 48
# A query is screened on its first MAX_QUERY_TOKENS tokens (candidate search and alignment grow
# with the token count); the explanation says so.
MAX_QUERY_TOKENS = 40
# Query names longer than this (characters) are cut before parsing.
MAX_QUERY_CHARS = 2_000
# Queries of up to this many words are searched for listed names whole inside them (contained_name).
MAX_CONTAINED_QUERY = 6
# Bounds of this many candidates or more are computed as arrays (below: a Python loop is faster;
# 32 to 63 names: arrays 1.5x slower than the loop, measured on the latency bench's calls).
_VECTOR_MIN = 64
# Shares of this many posting entries or fewer are summed in plain Python (below: faster than arrays).
_SMALL_SHARES = 256
# Cut posting parts to the names that may reach the share before summing (``_prefilter``).
_PREFILTER = True
# Listed names of up to this many tokens have their bound data in padded arrays.
_PAD = 16


class _LRU(Generic[V]):
    """A small least-recently-used map: caches keyed by query text stay bounded in a server."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._d: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        v = self._d.get(key)  # one atomic dict read; the order is kept under the lock
        if v is not None:
            with self._lock:
                if key in self._d:
                    self._d.move_to_end(key)
        return v

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._d[key] = value
            self._d.move_to_end(key)
            while len(self._d) > self.maxsize:
                self._d.popitem(last=False)

    def __len__(self) -> int:
        return len(self._d)

    # The index is sent to Dask workers: a lock does not pickle, so send the map empty and
    # give the copy a new lock.
    def __getstate__(self) -> dict[str, Any]:
        return {"maxsize": self.maxsize}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.maxsize = state["maxsize"]
        self._d = OrderedDict()
        self._lock = threading.Lock()


class NameMatch(BaseModel):
    """One listed entity matching a query name."""

    entity_id: str
    list_name: str
    entity_name: str
    matched_name: str = Field(description="the listed name or alias that matched best")
    query: str
    score: float = Field(description="[0, 1], country evidence applied")
    explanation: str
    details: list[dict[str, Any]] = Field(default_factory=list)


_FLOATS: dict[float, float] = {}
# Every closeness a key near a query token can have, coded in 6 bits (0: none).
# An acronym key's closeness: align's credit, a hair less, so that a name reached through
# acronym keys alone is told apart (``_shares`` drops it: see there).
_ACRONYM_MARK = ACRONYM_CREDIT - 1e-9
_CLOSENESS = sorted({1.0, TRANSLATED_CREDIT, _ACRONYM_MARK, SYLLABIC_CREDIT} | {max(NEAR_EDIT, 1.0 - 1.0 / (n + 1)) for n in range(4, MAX_NEIGHBOUR_LEN + 1)} |
                    {max(NEAR_EDIT, 1.0 - 1.0 / n) for n in range(5, MAX_NEIGHBOUR_LEN + 1)})
assert len(_CLOSENESS) < 64 and MAX_QUERY_TOKENS <= 64
_CODE = {c: i for i, c in enumerate(_CLOSENESS, start=1)}
_VALUE_LIST = [0.0, *_CLOSENESS] + [0.0] * (63 - len(_CLOSENESS))
_VALUES = np.array(_VALUE_LIST)
_EMPTY = np.zeros(0, dtype=np.int64)


# The closeness of a concept, acronym or compound key, by its first character (align's credit).
_OWN_CLOSENESS = {"\x01": TRANSLATED_CREDIT, acronym_keys.ACRONYM: _ACRONYM_MARK, acronym_keys.RUN: _ACRONYM_MARK,
                  acronym_keys.WORDS: SYLLABIC_CREDIT, acronym_keys.COMPOUND: SYLLABIC_CREDIT}


def _one(x: float) -> float:
    """One float object per closeness value (the precomputed neighbourhoods hold many)."""
    return _FLOATS.setdefault(x, x)


# Closeness of a listed key one letter longer than a query key of length n, and of one at one
# substitution or one letter shorter (``_near_of``), by n: one float object each.
_NEAR_LACKS = [_one(max(NEAR_EDIT, 1.0 - 1.0 / (n + 1))) for n in range(MAX_NEIGHBOUR_LEN + 1)]
_NEAR_EDIT = [_one(max(NEAR_EDIT, 1.0 - 1.0 / n)) if n else 0.0 for n in range(MAX_NEIGHBOUR_LEN + 1)]


def _hash_bits(keys: Iterable[str]) -> bytes:
    """A one-hash Bloom filter of some strings, about 12 bits per string (a power of two): most
    deletions of a query key are in no listed key, and one bit of a few MiB tells so for most of
    them, where each lookup in the deletion map (millions of entries) is a cache miss. Built
    from ``hash``, which is seeded per process: an unpickled index builds its own."""
    hashes = np.fromiter((hash(k) for k in keys), dtype=np.int64)
    size = 1 << max(16, int(len(hashes) * 12).bit_length())
    bits = np.zeros(size, dtype=bool)
    bits[hashes & (size - 1)] = True
    return np.packbits(bits, bitorder="little").tobytes()


def _deletions(token: str) -> list[str]:
    return [token[:i] + token[i + 1:] for i in range(len(token))]


def _coverage(weights: list[float], closeness: list[float], pat: int | None, long: tuple[bool, ...],
              pairs: int) -> float:
    """The most one side's weighted coverage can be: tokens near the other name credited with
    their closeness; up to ``pairs`` tokens that the index saw no near key for may still align
    fuzzily (two edits, vowel variants) with at most UNSEEN_CREDIT."""
    total = 0.0
    got = 0.0
    unseen: list[float] = []
    for i, (w, c) in enumerate(zip(weights, closeness, strict=True)):
        if c == 0.0:
            if i == pat:
                continue
            if long[i]:
                unseen.append(w)
        total += w
        got += w * c
    if pairs and unseen:
        unseen.sort(reverse=True)
        got += UNSEEN_CREDIT * sum(unseen[:pairs])
    cov = got / total if total else 0.0
    if pairs and pat is not None and closeness[pat] == 0.0 and long[pat]:
        # The patronymic either stays unmatched (not counted: above) or aligns fuzzily (counted):
        # counting its credit but not its weight would exceed 1.
        cov = max(cov, _coverage(weights, closeness, None, long, pairs))
    return cov


def _total(weights: list[float]) -> float:
    """Sum in token order, as ``_coverage`` adds (the bound must be the same float)."""
    total = 0.0
    for w in weights:
        total += w
    return total


def _side(weights: list[float], total: float, closeness: list[float], pat: int | None, long: tuple[bool, ...],
          pairs: int) -> float:
    """``_coverage`` with the total of all weights given: the same float, computed faster."""
    got = 0.0
    for w, c in zip(weights, closeness, strict=True):
        got += w * c
    all_total = total
    skip = pat is not None and closeness[pat] == 0.0
    if skip:
        total = 0.0
        for i, w in enumerate(weights):
            if i != pat:
                total += w
    if pairs:
        unseen = [w for i, (w, c, x) in enumerate(zip(weights, closeness, long, strict=True))
                  if x and c == 0.0 and i != pat]
        if unseen:
            unseen.sort(reverse=True)
            got += UNSEEN_CREDIT * sum(unseen[:pairs])
    cov = got / total if total else 0.0
    if pairs and skip and pat is not None and long[pat]:  # as ``_coverage``
        cov = max(cov, _side(weights, all_total, closeness, None, long, pairs))
    return cov


def _coverage_np(weights: np.ndarray, closeness: np.ndarray, pat: np.ndarray, long: np.ndarray,
                 pairs: np.ndarray) -> np.ndarray:
    """``_coverage`` of many rows at once (``pat`` -1: none), the same floats: sums are
    ``cumsum`` along the row (token order), padding weighs 0."""
    zero = closeness == 0.0
    got = np.cumsum(weights * closeness, axis=1)[:, -1]
    skip = zero & (np.arange(weights.shape[1]) == pat[:, None])
    total = np.cumsum(np.where(skip, 0.0, weights), axis=1)[:, -1]
    if pairs.any():
        unseen = -np.sort(-np.where(zero & long & ~skip, weights, 0.0), axis=1)  # heaviest first
        top = np.cumsum(unseen, axis=1)[np.arange(len(pairs)), np.maximum(pairs - 1, 0)]
        got = np.where(pairs > 0, got + UNSEEN_CREDIT * top, got)
    cov: np.ndarray = np.where(total != 0.0, got / np.where(total != 0.0, total, 1.0), 0.0)
    # As ``_coverage``: an unseen long patronymic either uncounted (above) or aligned fuzzily.
    both = (pairs > 0) & (skip & long).any(axis=1)
    if both.any():
        cov = np.where(both, np.maximum(cov, _coverage_np(weights, closeness, np.full(len(pat), -1), long, pairs)), cov)
    return cov


def _truncate(rep: NameRep, n: int) -> NameRep:
    """The first ``n`` tokens of a (very long) parsed name; tokens cut to MAX_NEIGHBOUR_LEN * 4 letters."""
    cap = MAX_NEIGHBOUR_LEN * 4
    return NameRep(text=rep.text[:MAX_QUERY_CHARS], tokens=tuple(t[:cap] for t in rep.tokens[:n]),
                   skeletons=tuple(t[:cap] for t in rep.skeletons[:n]), ignored=rep.ignored[:n], concepts=rep.concepts[:n])


def _long_tokens(sks: tuple[str, ...]) -> tuple[bool, ...]:
    """Tokens long enough for a fuzzy alignment (align never fuzzes tokens of 3 letters or numbers)."""
    return tuple(len(sk) > 3 and not sk.isdigit() for sk in sks)


# The better-covered side's share (score.align): at most this; the bound blends the two sides'
# coverage so whenever the rule may apply.
_MAX_SHARE = max(COVER_MAX_SHARE, PERSON_MAX_SHARE)


def _share_flags(sks: tuple[str, ...]) -> tuple[tuple[bool, ...], tuple[bool, ...], tuple[bool, ...]]:
    """Per token, what align's better-covered-side rules ask of it: a distinctive word (5+
    letters, full weight, not a common word), a descriptive one (at least as wide as align's:
    low weight or a translated word, trade words included), a full name part (persons)."""
    data = name_data()
    distinct = tuple(len(sk) >= 5 and default_weight(sk) == 1.0 and sk not in data.common_words for sk in sks)
    descr = tuple(default_weight(sk) < 1.0 or bool(concepts_of(sk, data)) for sk in sks)
    full = tuple(len(sk) > 1 and default_weight(sk) != STOPWORD_WEIGHT for sk in sks)
    return distinct, descr, full


def _cover_possible(flags: tuple[tuple[bool, ...], tuple[bool, ...], tuple[bool, ...]], closeness: list[float],
                    long: tuple[bool, ...], pairs: int) -> tuple[bool, bool]:
    """Whether align may give this side the lesser share (organisations: its words the index saw
    nothing near are all descriptive, and a distinctive one may match) or the greater one
    (persons: two or more full name parts, each possibly matched at 0.9 or more)."""
    distinct, descr, full = flags
    org = True
    found = False
    per = 0
    for c, d, ds, f, x in zip(closeness, distinct, descr, full, long, strict=True):
        seen = c > 0.0 or (x and pairs > 0)
        if not seen and not ds:
            org = False
        if d and seen:
            found = True
        if f:
            per = per + 1 if per >= 0 and (c >= 0.9 or (c == 0.0 and x and pairs > 0)) else -1
    return org and found, per >= 2


def _blend(x: float, y: float, cover: bool) -> float:
    """align's mean of the two sides' coverage; with the better-covered side's rule possible,
    the greater share to the greater."""
    if cover:
        return _MAX_SHARE * x + (1 - _MAX_SHARE) * y if x >= y else _MAX_SHARE * y + (1 - _MAX_SHARE) * x
    return (x + y) / 2


def _blend_np(x: np.ndarray, y: np.ndarray, cover: np.ndarray) -> np.ndarray:
    """``_blend`` of many rows: the same floats."""
    hi, lo = np.maximum(x, y), np.minimum(x, y)
    out: np.ndarray = np.where(cover, _MAX_SHARE * hi + (1 - _MAX_SHARE) * lo, (x + y) / 2)
    return out


def _special(key: str) -> bool:
    """A concept or acronym key (a control character first): found exactly, no neighbourhood."""
    return key[0] < " "


def _keys_of(rep: NameRep) -> tuple[str, ...]:
    sks = rep.skeletons
    keys = dict.fromkeys(sks)
    keys.update(dict.fromkeys(x + y for x, y in zip(sks, sks[1:], strict=False)))
    keys[rep.compact] = None
    keys.update(dict.fromkeys(_concept_keys(rep)))
    return tuple(keys)


def _readings(rep: NameRep) -> list[tuple[int, str]]:
    """(token, skeleton) of each token's other readings (score._kh_reading: French ou/ch/j,
    Dutch oe/sj/tsj, Baltic -as/-is/-jus, Italian sc/c, Hungarian cs/zs, ...): align credits a
    token by any reading against any reading of the other side's."""
    out: list[tuple[int, str]] = []
    for j, (t, sk) in enumerate(zip(rep.tokens, rep.skeletons, strict=True)):
        for r in _kh_reading(t):
            if r and r != sk:
                out.append((j, r))
    return out


# A listed name written with initials (Sukharenka S.M.): each full word keyed with each initial
# ("\x06" word letter), so that a query of the whole name (Sukharenka Stiapan Mikalayevich) finds it
# through a word and another word's first letter. Read-style keys: they weigh nothing.
INITIALS_KEY = "\x06"
_INITIALS_MAX_TOKENS = 6  # persons' names; a long organisation name is not probed so


def _initials(sks: tuple[str, ...]) -> list[int]:
    """The tokens that are initials (one letter) of a name that has a full word too."""
    out = [i for i, sk in enumerate(sks) if len(sk) == 1 and sk.isalpha()]
    return out if len(out) < len(sks) else []


def _initial_keys(rep: NameRep) -> list[tuple[tuple[int, int], str]]:
    """((word, initial), key) of a listed name written with initials (``INITIALS_KEY``)."""
    sks = rep.skeletons
    inits = _initials(sks) if len(sks) <= _INITIALS_MAX_TOKENS else []
    return [((i, j), f"{INITIALS_KEY}{sk}{sks[j]}") for j in inits for i, sk in enumerate(sks)
            if len(sk) > 1 and not sk.isdigit()]


def _initial_probes(rep: NameRep, words: frozenset[str]) -> list[tuple[str, tuple[int, int]]]:
    """The ``INITIALS_KEY`` probes of a query: each full word that a listed name with initials
    has (``words``) with each other word's first letter (of its skeleton and as written:
    Khazalbek is skeleton hazalbek, and K. its initial)."""
    sks = rep.skeletons
    if len(sks) > _INITIALS_MAX_TOKENS or words.isdisjoint(sks):
        return []
    firsts = [{y[0], t[0]} if len(y) > 1 and y[0].isalpha() else set() for y, t in zip(sks, rep.tokens, strict=True)]
    return [(f"{INITIALS_KEY}{x}{c}", (i, j)) for i, x in enumerate(sks) if x in words
            for j, cs in enumerate(firsts) if j != i for c in sorted(cs)]


def _concept_keys(rep: NameRep) -> list[str]:
    """Index keys of the English concepts of translated words ('\x01plant' for zavod and plant)."""
    return ["\x01" + c for cs in rep.concepts for c in sorted(cs)]


class _Query:
    """A parsed query and what its searches at other countries, limits and thresholds share:
    the candidates per floor (and limit above 10) and align's results per listed form."""

    __slots__ = ("rep", "cut", "weights", "fcut", "candidates", "aligned")

    def __init__(self, rep: NameRep, cut: str, weights: tuple[list[float], list[float]],
                 fcut: tuple[NameRep, str] | None) -> None:
        self.rep = rep
        self.cut = cut  # the explanation's note of a query screened on its first words
        self.weights = weights  # token weights, organisation and person rules
        self.fcut = fcut  # ``field_cut``: the query read as cut by a 35-character field
        self.candidates: dict[tuple[float, int], tuple[list[tuple[float, int]], frozenset[int]]] = {}
        self.aligned: dict[tuple[int, bool], Alignment] = {}


class NameIndex:
    """Every name and alias of the loaded entities, indexed for fast candidate search."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self._entities: list[Entity] = []
        self._names: list[tuple[int, str, NameRep]] = []  # (entity index, listed name, parsed)
        postings: dict[str, list[int]] = defaultdict(list)
        acr_keys: list[list[tuple[str, tuple[int, ...]]]] = []  # per name: acronym keys, words credited
        # Other readings of listed tokens (``_readings``): keyed apart so they weigh nothing in
        # the document frequencies (weights, and so scores, stay as without them).
        read_post: dict[str, list[int]] = defaultdict(list)
        read_keys: list[list[tuple[int, str]]] = []  # per name: (token, reading)
        init_words: set[str] = set()  # the full words of listed names with initials (``_initial_keys``)
        for e in entities:
            ei = len(self._entities)
            self._entities.append(e)
            seen: set[tuple[str, ...]] = set()
            # A listed person's short legal-form words are name parts (Paek Se Bong); other kinds
            # are read as similarity reads a name of unknown kind.
            reading = True if e.kind in PERSON_KINDS else None
            for raw in e.all_names:
                for variant in split_variants(raw):
                    rep = parse_name(variant, reading)
                    if not rep.skeletons or rep.skeletons in seen:
                        continue
                    seen.add(rep.skeletons)
                    ni = len(self._names)
                    self._names.append((ei, variant, rep))
                    keys = _keys_of(rep)
                    for k in keys:
                        postings[k].append(ni)
                    reads = _readings(rep)
                    for (i, j), k in _initial_keys(rep) if e.kind in PERSON_KINDS or e.kind == "unknown" else ():
                        reads += [(i, k), (j, k)]
                        init_words.add(rep.skeletons[i])
                    for r in dict.fromkeys(r for _, r in reads if r not in keys):
                        read_post[r].append(ni)
                    read_keys.append(reads)
                    acr = acronym_keys.listed_keys(rep, e.kind)
                    for k in dict.fromkeys(k for k, _ in acr):
                        postings[k].append(ni)
                    acr_keys.append(acr)
        self._init_words = frozenset(init_words)
        total = max(1, len(self._names))
        self._total = total
        self._common = max(50, int(total * COMMON_SHARE))
        # Weights: rare words count more (inverse document frequency over the listed names).
        self._df = {k: len(v) for k, v in postings.items()}
        for k, post in read_post.items():
            if k in postings:  # a reading that is another name's token: one posting, names in order
                postings[k] = sorted(set(postings[k]).union(post))
            else:
                postings[k] = post
        del read_post
        self._weight_cache: dict[str, float] = {}
        # Every key gets an id; postings are slices of one int array (``_off[kid]:_off[kid + 1]``).
        self._kid: dict[str, int] = {k: i for i, k in enumerate(postings)}
        # One-deletion neighbourhood of every indexed key: finds typos and spelling variants.
        # Most deletions belong to one key: stored as the key itself, not a list (saves ~90 MB).
        # A listed key that a one-deletion of a query key can equal (4 to 47 letters) starts its
        # entry with its id: one lookup per deletion finds both.
        dels: dict[str, str | tuple[Any, ...]] = {}
        for k in postings:
            if 4 <= len(k) <= MAX_NEIGHBOUR_LEN and not k.isdigit() and not _special(k):
                for d in _deletions(k):
                    v = dels.get(d)
                    dels[d] = k if v is None else (v, k) if isinstance(v, str) else (*v, k)
        for k, i in self._kid.items():
            if 4 <= len(k) < MAX_NEIGHBOUR_LEN and not _special(k):
                v = dels.get(k)
                dels[k] = (i,) if v is None else (i, v) if isinstance(v, str) else (i, *v)
        self._dels = dels
        self._del_bits = _hash_bits(dels)
        # Token weights of every listed name, for organisation and person rules.
        self._name_weights: list[tuple[list[float], list[float], int | None]] = [
            (token_weights(rep, self.weight, False), token_weights(rep, self.weight, True),
             _patronymic_index(rep.skeletons)) for _, _, rep in self._names
        ]
        self._name_totals = [(_total(wo), _total(wp)) for wo, wp, _ in self._name_weights]
        self._name_long = [_long_tokens(rep.skeletons) for _, _, rep in self._names]
        self._name_flags = [_share_flags(rep.skeletons) for _, _, rep in self._names]
        # Names align reads the same way (one person on several lists, written alike) share an
        # id: a query aligns each such form once. The legal-form words align strips are part of
        # the form (its legal-form acronym rule reads them): else whichever name of a form was
        # aligned first would set the others' scores.
        forms: dict[tuple[Any, ...], int] = {}
        self._name_form = [forms.setdefault((rep.tokens, rep.skeletons, rep.concepts, rep.text.isascii(),
                                             tuple(rep.ignored)), len(forms))
                           for _, _, rep in self._names]
        kinds = [1 if e.kind in PERSON_KINDS else 2 if e.kind == "unknown" else 0 for e in self._entities]
        self._name_kind = [kinds[ei] for ei, _, _ in self._names]
        # Per name, the ids of its token, joined-pair, compact and concept keys (for the bound).
        kid = self._kid
        self._name_kids: list[tuple[tuple[int, ...], tuple[int, ...], int, tuple[tuple[int, int], ...]]] = [
            (tuple(kid[sk] for sk in rep.skeletons),
             tuple(kid[x + y] for x, y in zip(rep.skeletons, rep.skeletons[1:], strict=False)),
             kid[rep.compact],
             tuple((j, kid["\x01" + c]) for j, cs in enumerate(rep.concepts) for c in cs))
            for _, _, rep in self._names
        ]
        # Per name, its tokens' readings: (token, key id); names without share one empty tuple.
        empty: tuple[tuple[int, int], ...] = ()
        self._name_reads: list[tuple[tuple[int, int], ...]] = [
            tuple((j, kid[r]) for j, r in reads) if reads else empty for reads in read_keys]
        self._p_reads = np.array([bool(r) for r in self._name_reads], dtype=bool)
        del read_keys
        # Per name, its acronym keys (``acronym_keys``) and the words each credits.
        self._name_acr: list[tuple[tuple[int, tuple[int, ...]], ...]] = [
            tuple((kid[k], run) for k, run in acr) for acr in acr_keys]
        # Which key ids are acronym keys, one byte each (200 KB; a set of their ids took 4 MiB).
        acr_marks = (acronym_keys.ACRONYM, acronym_keys.RUN, acronym_keys.WORDS, acronym_keys.COMPOUND)
        self._acr_kids = bytes(k[:1] in acr_marks for k in kid)
        del acr_keys
        # The same per name as padded arrays, for the bounds of many candidates at once.
        m = len(self._names)
        self._p_org = np.zeros((m, _PAD))
        self._p_per = np.zeros((m, _PAD))
        self._p_tok = np.full((m, _PAD), -1, dtype=np.int64)
        self._p_pair = np.full((m, _PAD - 1), -1, dtype=np.int64)
        self._p_long = np.zeros((m, _PAD), dtype=bool)
        self._p_compact = np.array([kids[2] for kids in self._name_kids], dtype=np.int64)
        self._p_pat = np.array([-1 if p is None else p for _, _, p in self._name_weights], dtype=np.int64)
        self._p_wide = np.array([len(kids[0]) > _PAD for kids in self._name_kids], dtype=bool)
        self._p_distinct = np.zeros((m, _PAD), dtype=bool)
        self._p_descr = np.ones((m, _PAD), dtype=bool)  # padding: nothing to match
        self._p_full = np.zeros((m, _PAD), dtype=bool)
        for ni, ((wo, wp, _), (tok, joined, _, _), long) in enumerate(
                zip(self._name_weights, self._name_kids, self._name_long, strict=True)):
            if len(tok) <= _PAD:
                t = len(tok)
                self._p_org[ni, :t] = wo
                self._p_per[ni, :t] = wp
                self._p_tok[ni, :t] = tok
                self._p_pair[ni, :t - 1] = joined
                self._p_long[ni, :t] = long
                distinct, descr, full = self._name_flags[ni]
                self._p_distinct[ni, :t] = distinct
                self._p_descr[ni, :t] = descr
                self._p_full[ni, :t] = full
        # Long postings ("mohammad", "trading") sorted by the key's share of the name's weight,
        # heaviest first: a query cut to the names where that key matters reads only a prefix.
        # ``_lone_cut``: how many of them a one-token query reads (share above LONE_TOKEN_SHARE).
        self._lone_cut: dict[int, int] = {}
        for k, post in postings.items():
            if len(post) > self._common:
                w = self.weight(k)
                keyed = sorted((-min(1.0, w / (sum(self._name_weights[ni][0]) or 1.0)), ni) for ni in post)
                post[:] = [ni for _, ni in keyed]
                shares = [-x for x, _ in keyed]
                self._lone_cut[kid[k]] = bisect.bisect_left(shares, -LONE_TOKEN_SHARE, key=lambda x: -x)
        off = [0]
        for post in postings.values():
            off.append(off[-1] + len(post))
        self._off: list[int] = off
        self._post = np.fromiter(itertools.chain.from_iterable(postings.values()), dtype=np.int64, count=off[-1])
        self._near_cache: _LRU[tuple[tuple[int, float], ...]] = _LRU(_NEAR_CACHE_MAX)
        self._results: _LRU[tuple[NameMatch, ...]] = _LRU(_RESULT_CACHE_MAX)
        self._queries: _LRU[_Query] = _LRU(_QUERY_CACHE_MAX)
        # The neighbourhood of every indexed key, computed once: a query token that is a listed
        # word (most are) costs one lookup; only unlisted ones (typos, joined forms) are searched.
        self._near_pre: list[tuple[tuple[int, float], ...] | None] = [None] * len(kid)
        for k, i in kid.items():
            if 4 <= len(k) <= MAX_NEIGHBOUR_LEN and not k.isdigit() and not _special(k):
                self._near_pre[i] = self._near_of(k, True)
        # And the encoded postings of that neighbourhood (``_probe_keys``), all in one array:
        # ``_pre_keys[_pre_off[kid]:_pre_off[kid + 1]]`` (a concept key: its own postings).
        own = _OWN_CLOSENESS
        self._pre_off = [0]
        chunks: list[np.ndarray] = []
        for k, i in kid.items():
            arr = self._probe_keys(self._near_pre[i] or ((i, own.get(k[0], 1.0)),), False)
            chunks.append(arr)
            self._pre_off.append(self._pre_off[-1] + len(arr))
        self._pre_keys = np.concatenate(chunks) if chunks else _EMPTY
        del chunks

    # The deletion filter is built from the per-process string hash: not sent, built anew.
    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_del_bits"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._del_bits = _hash_bits(self._dels)

    # Probes covering more query tokens than this (joined forms) skip the substitution
    # neighbourhood: its lookups grow with the key's length.
    _subst_max_idxs = 2

    def __len__(self) -> int:
        return len(self._entities)

    @property
    def name_count(self) -> int:
        return len(self._names)

    def weight(self, sk: str) -> float:
        w = self._weight_cache.get(sk)
        if w is None:
            base = default_weight(sk)
            df = self._df.get(sk, 0)
            share = df / self._total
            if self._total >= 1000 and share > 0.002:
                # Common in the lists ("trading", "company", "ooo"): weight falls with frequency.
                base = min(base, max(GENERIC_WEIGHT, 1.0 - math.log10(share * 1000) / 2))
            if sk in self._df:  # listed keys only: query words must not grow the cache
                self._weight_cache[sk] = base
            w = base
        return w

    def _near(self, sk: str, substitutions: bool = True) -> tuple[tuple[int, float], ...]:
        """Ids of the indexed keys near one query key, with a rough closeness (cached: tokens
        recur). ``substitutions=False`` for joined probes: their letters are many and a typo
        inside a joined form is found through the separate tokens anyway."""
        if substitutions:
            k = self._kid.get(sk)
            if k is not None:
                pre = self._near_pre[k]
                if pre is not None:
                    return pre
        ck = sk if substitutions else "\x00" + sk
        hit = self._near_cache.get(ck)
        if hit is not None:
            return hit
        res = self._near_of(sk, substitutions)
        self._near_cache.put(ck, res)
        return res

    def _near_of(self, sk: str, substitutions: bool) -> tuple[tuple[int, float], ...]:
        """``_near`` without the caches."""
        kid = self._kid
        out: dict[int, float] = {}
        k = kid.get(sk)
        if k is not None:
            out[k] = 1.0
        n = len(sk)
        if 4 <= n <= MAX_NEIGHBOUR_LEN and not sk.isdigit():
            # One edit on a token of length L leaves OSA similarity 1 - 1/L (vowel variants
            # score at least 0.9): the closeness is an upper bound of the credit align gives.
            dels, bits = self._dels, self._del_bits
            mask = len(bits) * 8 - 1
            near = _NEAR_LACKS[n]
            h = hash(sk) & mask
            v = dels.get(sk) if bits[h >> 3] >> (h & 7) & 1 else None  # query lacks a letter
            if v is not None:
                if isinstance(v, str):
                    out.setdefault(kid[v], near)
                else:
                    for key in (v[1:] if isinstance(v[0], int) else v):
                        out.setdefault(kid[key], near)
            if n >= 5 and not substitutions:
                # A joined probe wants only listed keys one letter shorter (the query has an
                # extra letter): the key map itself says so, with no deletion map or filter.
                near = _NEAR_EDIT[n]
                kid_get = kid.get
                for i in range(n):
                    d = sk[:i] + sk[i + 1:]
                    k = kid_get(d)
                    if k is not None and not _special(d):
                        out.setdefault(k, near)
            elif n >= 5:  # shorter deletions are neither indexed (4 letters at least) nor probed
                near = _NEAR_EDIT[n]
                for d in [sk[:i] + sk[i + 1:] for i in range(n)]:
                    h = hash(d) & mask
                    if not bits[h >> 3] >> (h & 7) & 1:  # in no listed key (most are not)
                        continue
                    v = dels.get(d)
                    if v is None:
                        continue
                    if isinstance(v, str):
                        if substitutions:  # one substitution
                            out.setdefault(kid[v], near)
                        continue
                    if isinstance(v[0], int):  # query has an extra letter
                        out.setdefault(v[0], near)
                    if substitutions:
                        for key in v:
                            if isinstance(key, str):
                                out.setdefault(kid[key], near)
        return tuple(out.items())

    def _probe_keys(self, near: tuple[tuple[int, float], ...], lone: bool) -> np.ndarray:
        """The postings of some near keys as one array of ``name << 12 | closeness code``, each
        name once with its best closeness; long postings cut as the query needs."""
        off, common, post = self._off, self._common, self._post
        segs: list[np.ndarray] = []
        codes: list[int] = []
        for k, c in near:
            s, e = off[k], off[k + 1]
            if e - s > common:
                # One query token aligns with one listed token (or a joined pair): only names
                # where that token carries about half the weight can reach a match.
                e = s + self._lone_cut[k] if lone else min(e, s + common * 4)
            if e > s:
                segs.append(post[s:e])
                codes.append(_CODE[c])
        if not segs:
            return _EMPTY
        if len(segs) == 1:
            return (segs[0] << 12) | codes[0]
        keys = np.concatenate(segs)
        keys <<= 12
        keys |= np.repeat(np.array(codes, dtype=np.int64), [len(x) for x in segs])
        # A name near two of the keys: keep its best closeness (the last after sorting).
        keys.sort()
        name = keys >> 12
        last = np.empty(len(keys), dtype=bool)
        last[-1] = True
        np.not_equal(name[1:], name[:-1], out=last[:-1])
        return keys[last]

    def _shares(self, rep: NameRep, weights: list[float], need: float,
                kind: str | None = None) -> tuple[list[int], list[list[float]], dict[int, float], bool]:
        """The names whose share (sum of query token weight x closeness) reaches ``need``, each
        with its closeness per query token; the closeness of every key near the query, by key
        id; and whether an acronym key was probed (``_candidates`` credits acronyms then).

        Per query token, the names near it come from its own probe, the probes joining it with
        a neighbour (a name written as one word where the query has two, or the reverse) and
        its translations. Every posting entry is one integer, name << 12 | token << 6 |
        closeness code; after a sort the last entry of each (name, token) holds its best
        closeness. No Python loop runs over postings: a common token's thousand names cost
        microseconds, and listed words come with their neighbourhood's postings precomputed."""
        sks = rep.skeletons
        n = len(sks)
        probes: list[tuple[str, tuple[int, ...]]] = [(sk, (i,)) for i, sk in enumerate(sks)]
        probes += [(x + y, (i, i + 1)) for i, (x, y) in enumerate(zip(sks, sks[1:], strict=False))]
        if n > 2:
            probes.append((rep.compact, tuple(range(n))))
        # The query's tokens read the other ways (Loekasjenka as Lukashenka, Viktoras as Viktor).
        probes += [(r, (i,)) for i, r in _readings(rep)]
        parts: list[np.ndarray] = []
        toks: list[int] = []
        qnear: dict[int, float] = {}
        for i, cs in enumerate(rep.concepts):
            for c in cs:
                k = self._kid.get("\x01" + c)
                if k is None:
                    continue
                qnear[k] = TRANSLATED_CREDIT
                parts.append(self._pre_keys[self._pre_off[k]:self._pre_off[k + 1]])
                toks.append(i)
        kid_get, near_pre, pre_off, pre_keys = self._kid.get, self._near_pre, self._pre_off, self._pre_keys
        # Acronyms of the query against listed runs of words, and the reverse.
        acronyms = False
        for key, idxs in acronym_keys.query_probes(rep, kind):
            k = kid_get(key)
            if k is None or self._off[k + 1] - self._off[k] > self._common:
                continue  # initials too common to find candidates by (as COMMON_SHARE)
            qnear[k] = _OWN_CLOSENESS[key[0]]
            acronyms = True
            arr = pre_keys[pre_off[k]:pre_off[k + 1]]
            if len(arr):
                for i in idxs:
                    parts.append(arr)
                    toks.append(i)
        # Whole words against a listed name's initials (``_initial_keys``): exact keys only.
        for key, idxs in _initial_probes(rep, self._init_words):
            k = kid_get(key)
            if k is not None:
                qnear[k] = 1.0
                arr = pre_keys[pre_off[k]:pre_off[k + 1]]
                for i in idxs:
                    parts.append(arr)
                    toks.append(i)
        lone = n == 1
        for key, idxs in probes:
            subst = len(idxs) <= self._subst_max_idxs
            k = kid_get(key)
            # A listed key: neighbourhood and postings precomputed (with substitutions; keys too
            # short or long for neighbours have none either way).
            if k is not None and not lone and (subst or near_pre[k] is None):
                near = near_pre[k] or ((k, 1.0),)
                arr = pre_keys[pre_off[k]:pre_off[k + 1]]
            else:
                near = self._near(key, subst)
                arr = self._probe_keys(near, lone)
            for k, closeness in near:
                if qnear.get(k, 0.0) < closeness:
                    qnear[k] = closeness
            if len(arr):
                for i in idxs:
                    parts.append(arr)
                    toks.append(i)
        if not parts or sum(weights[i] for i in set(toks)) < need:
            return [], [], qnear, acronyms
        if _PREFILTER:
            parts = self._prefilter(parts, toks, weights, need)
        if sum(len(a) for a in parts) <= _SMALL_SHARES:
            names, rows = self._shares_py(parts, toks, weights, need, n)
        else:
            names, rows = self._shares_np(parts, toks, weights, need, n)
        if not names:
            return [], [], qnear, acronyms
        if acronyms:
            # A name that only an acronym brings (SONG TRADING COMPANY / STC LTD): align calls
            # any acronym of the other's initials a review, which on its own is mostly another
            # party; an acronym with another word in common (GTF NEMAN) is kept.
            kept_rows = [(ni, r) for ni, r in zip(names, rows, strict=True)
                         if any(c and c != _ACRONYM_MARK for c in r)]
            names, rows = [ni for ni, _ in kept_rows], [r for _, r in kept_rows]
        return names, rows, qnear, acronyms

    def _prefilter(self, parts: list[np.ndarray], toks: list[int], weights: list[float],
                   need: float) -> list[np.ndarray]:
        """The posting parts cut to the names that may reach ``need``: a name found only near
        query tokens whose weights sum below it cannot (closeness is at most 1), so the largest
        parts whose tokens stay below it ("light") keep only names that some other token's
        parts also hold. Most names near a common word (Vladimir) are then never summed."""
        size: dict[int, int] = {}
        for a, t in zip(parts, toks, strict=True):
            size[t] = size.get(t, 0) + len(a)
        light: set[int] = set()
        lw = 0.0
        for t in sorted(size, key=lambda t: (-size[t], t)):
            if lw + weights[t] < need - 1e-6:  # a margin for the order the share is summed in
                light.add(t)
                lw += weights[t]
        if not light:
            return parts
        heavy = [a for a, t in zip(parts, toks, strict=True) if t not in light]
        n_heavy = sum(len(a) for a in heavy)
        n_light = sum(size[t] for t in light)
        if n_light < n_heavy:
            return parts  # little to cut: not worth the filter
        # The heavy parts' names as a mask over all names: each light part is cut by one gather.
        keep = np.zeros(len(self._names), dtype=bool)
        keep[np.concatenate(heavy) >> 12 if len(heavy) > 1 else heavy[0] >> 12] = True
        return [a if t not in light else a[keep[a >> 12]] for a, t in zip(parts, toks, strict=True)]

    @staticmethod
    def _shares_py(parts: list[np.ndarray], toks: list[int], weights: list[float], need: float,
                   n: int) -> tuple[list[int], list[list[float]]]:
        """``_shares_np`` for few posting entries, in plain Python: numpy's per-call cost is
        most of the time on small arrays. The same floats: each name's share is summed in token
        order, one best code per (name, token), as the sorted array gives."""
        codes: dict[int, list[int]] = {}
        get = codes.get
        for arr, t in zip(parts, toks, strict=True):
            for x in arr.tolist():
                ni = x >> 12
                r = get(ni)
                if r is None:
                    r = codes[ni] = [0] * n
                c = x & 63
                if c > r[t]:
                    r[t] = c
        names: list[int] = []
        rows: list[list[float]] = []
        values = _VALUE_LIST
        for ni in sorted(codes):
            r = codes[ni]
            share = 0.0
            first = True
            for w, c in zip(weights, r, strict=True):
                if c:
                    # The array path sums entries only: start from the first (0.0 + x is x).
                    share = w * values[c] if first else share + w * values[c]
                    first = False
            if share >= need:
                names.append(ni)
                rows.append([values[c] for c in r])
        return names, rows

    @staticmethod
    def _shares_np(parts: list[np.ndarray], toks: list[int], weights: list[float], need: float,
                   n: int) -> tuple[list[int], list[list[float]]]:
        """The names reaching ``need`` and their closeness rows, from the posting parts (each
        ``name << 12 | code``) and the query token of each part, as arrays."""
        if len(parts) > 1:
            # One concatenation, then each part's token added in place (no array per part).
            keys = np.concatenate(parts)
            keys |= np.repeat(np.array(toks, dtype=np.int64) << 6, [len(a) for a in parts])
        else:
            keys = parts[0] | (toks[0] << 6)
        keys.sort()
        if len(toks) != len(set(toks)):  # a token with several parts: keep its best closeness
            pair = keys >> 6  # name << 6 | token
            last = np.empty(len(keys), dtype=bool)
            last[-1] = True
            np.not_equal(pair[1:], pair[:-1], out=last[:-1])
            keys = keys[last]
        name = keys >> 12
        first = np.empty(len(keys), dtype=bool)
        first[0] = True
        np.not_equal(name[1:], name[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        table = np.multiply.outer(np.array(weights), _VALUES).ravel()  # [token << 6 | code]
        share = np.add.reduceat(table[keys & 4095], starts)
        keep = share >= need
        if not keep.any():
            return [], []
        kept = keys[keep[np.cumsum(first) - 1]].tolist()
        names: list[int] = []
        rows: list[list[float]] = []
        row: list[float] = []
        cur = -1
        for x in kept:
            ni = x >> 12
            if ni != cur:
                cur = ni
                row = [0.0] * n
                names.append(ni)
                rows.append(row)
            row[(x >> 6) & 63] = _VALUE_LIST[x & 63]
        return names, rows

    def _candidates(self, rep: NameRep, floor: float, qw_org: list[float], qw_per: list[float],
                    kind: str | None = None, limit: int = 5) -> list[tuple[float, int]]:
        """(bound, name) of the names that share enough (near-)tokens with the query to
        possibly reach ``floor``, best attainable score first.

        A name's share is the query weight it covers, each token counted with the closeness of
        its nearest key; a name whose share cannot lift the symmetric score to the floor
        (score <= (share + 1) / 2) is never scored. The shares of all names near any query
        token are computed at once from the concatenated postings (sorted, one closeness per
        name and token); only the names reaching the share get a bound. With a person ``kind``,
        names of other entities are left out (they are never scored).
        """
        sks = rep.skeletons
        weights = [self.weight(sk) for sk in sks]
        total = sum(weights) or 1.0
        need = max(0.0, 2 * floor - 1.0 - 0.05) * total - 1e-9
        # The query's initials (Lukashenko A.G.) match any listed word of their letter, which
        # the keys cannot see: they may count in full, so the share asked of the rest is less.
        inits = _initials(sks)
        share_need = need - sum(weights[i] for i in inits) if inits else need
        names, ca_rows, qnear, acronyms = self._shares(rep, weights, share_need, kind)
        if inits:
            self._credit_initials(rep, inits, names, ca_rows, qnear)
        # A rare listed name whole inside the query with a few other words (score.contained_name)
        # reaches review below the share: found apart, by the postings of the query's rare words.
        inside = self._contained(rep, kind) if 2 <= len(sks) <= MAX_CONTAINED_QUERY else {}
        if not names:
            return sorted(((b, ni) for ni, b in inside.items()), key=lambda t: (-t[0], t[1]))
        q_pat = _patronymic_index(sks)
        q_long = _long_tokens(sks)
        low = floor - BOUND_SLACK - COUNTRY_MATCH_BONUS
        if kind and kind in PERSON_KINDS:  # entity kind per name: person (1), other (0), unknown (2)
            kept = [(ni, ca) for ni, ca in zip(names, ca_rows, strict=True) if self._name_kind[ni]]
            names, ca_rows = [ni for ni, _ in kept], [ca for _, ca in kept]
        concepts = any(rep.concepts)
        q_flags = _share_flags(sks)
        if len(names) >= _VECTOR_MIN:
            bounds = self._bounds_np(names, ca_rows, qw_org, qw_per, q_pat, q_long, qnear, concepts, q_flags, acronyms)
        else:
            bounds = self._bounds_py(names, ca_rows, qw_org, qw_per, q_pat, q_long, qnear, concepts, q_flags, acronyms)
        if inside:
            got = dict(zip(names, bounds, strict=True))
            for ni, b in inside.items():
                got[ni] = max(b, got.get(ni, 0.0))
            names, bounds = list(got), list(got.values())
        scored = [(b, ni) for b, ni in zip(bounds, names, strict=True) if b >= low]
        scored.sort(key=lambda t: (-t[0], t[1]))
        if limit <= 10:
            return self._cap_per_entity(scored)
        # A large limit: three entities per result asked for, counted as entities (one party has
        # many names on several lists: counting names would let one crowd out another), at most
        # four names per entity on average.
        cap = 3 * limit
        if len(scored) <= cap:
            return scored
        name_ent = self._names
        seen: set[int] = set()
        for n, (_, ni) in enumerate(scored):
            seen.add(name_ent[ni][0])
            if len(seen) > cap or n >= 4 * cap:
                return scored[:n]
        return scored

    def _contained(self, rep: NameRep, kind: str | None) -> dict[int, float]:
        """Names of fewer words than the query, each word a word of the query, one of them rare
        (``score.contained_name``), with the contained-name score as bound; not persons' (the
        person rules have no such rule). The rare words' postings are short."""
        if kind and kind in PERSON_KINDS:
            return {}
        sks = rep.skeletons
        kid_get = self._kid.get
        q_kids = {kid_get(sk) for sk in sks}
        out: dict[int, float] = {}
        kids, name_kind = self._name_kids, self._name_kind
        for sk in dict.fromkeys(sks):
            k = kid_get(sk) if len(sk) >= 7 else None
            if k is None or self.weight(sk) < LIST_COMMON_WEIGHT:
                continue
            for ni in self._post[self._off[k]:self._off[k + 1]].tolist():
                tok = kids[ni][0]
                if len(tok) < len(sks) and name_kind[ni] != 1 and all(t in q_kids for t in tok):
                    out[ni] = CONTAINED_NAME_SCORE
        return out

    def _credit_initials(self, rep: NameRep, inits: list[int], names: list[int], ca_rows: list[list[float]],
                         qnear: dict[int, float]) -> None:
        """Credit each query initial, for the bound, at 1.0 (more than align gives) against every
        word of its letter in the names of persons (and of unknown kind): the initial's closeness
        in the name's row, the word's key in ``qnear`` (another name's word of that key has the
        letter too). An organisation's words are aligned by organisation rules, which give a
        letter nothing against a word."""
        letters = [(i, {rep.skeletons[i], rep.tokens[i][:1]}) for i in inits]
        name_reps, kids, name_kind = self._names, self._name_kids, self._name_kind
        for ni, row in zip(names, ca_rows, strict=True):
            if not name_kind[ni]:
                continue
            cand = name_reps[ni][2]
            tok = kids[ni][0]
            for i, ls in letters:
                hit = False
                for j, (t, sk) in enumerate(zip(cand.tokens, cand.skeletons, strict=True)):
                    if sk[:1] in ls or t[:1] in ls:
                        hit = True
                        qnear[tok[j]] = 1.0
                if hit:
                    row[i] = 1.0

    def _cap_per_entity(self, scored: list[tuple[float, int]]) -> list[tuple[float, int]]:
        """The MAX_CANDIDATES names to align, best bound first, at most PER_ENTITY names of an
        entity before any other entity's later names: one party listed under many aliases (IRGC, Al-Haramain) would
        otherwise spend the cap on itself and crowd out the next entity. Aliases passed over
        fill what is left of the cap."""
        if len(scored) <= MAX_CANDIDATES:
            return scored
        name_ent = self._names
        per: dict[int, int] = {}
        chosen: list[tuple[float, int]] = []
        skipped: list[tuple[float, int]] = []
        for t in scored:
            ei = name_ent[t[1]][0]
            c = per.get(ei, 0)
            if c < PER_ENTITY:
                per[ei] = c + 1
                chosen.append(t)
                if len(chosen) == MAX_CANDIDATES:
                    return chosen  # every name passed over is an alias of a chosen entity
            else:
                skipped.append(t)
        chosen += skipped[:MAX_CANDIDATES - len(chosen)]
        # Bound order: the alignment loop stops at the first bound that cannot enter the result.
        chosen.sort(key=lambda t: (-t[0], t[1]))
        return chosen

    def _acronym_hits(self, names: list[int], qnear: dict[int, float]) -> dict[int, list[tuple[float, tuple[int, ...]]]]:
        """Per candidate name, (closeness, words credited) of each of its acronym keys near the
        query: read from the postings of the query's acronym keys (few, none too common), not
        from every candidate's own keys (dozens for an organisation's name)."""
        hits: dict[int, list[tuple[float, tuple[int, ...]]]] = {}
        acr_kids = self._acr_kids
        found = [(k, c) for k, c in qnear.items() if c and acr_kids[k]]
        if not found:
            return hits
        cand = set(names)
        off, post, acr = self._off, self._post, self._name_acr
        for k, c in found:
            for ni in post[off[k]:off[k + 1]].tolist():
                if ni in cand:
                    for kk, run in acr[ni]:
                        if kk == k:  # a key may credit two runs (one acronym form of two words)
                            hits.setdefault(ni, []).append((c, run))
        return hits

    def _bounds_py(self, names: list[int], ca_rows: list[list[float]], qw_org: list[float], qw_per: list[float],
                   q_pat: int | None, q_long: tuple[bool, ...], qnear: dict[int, float], concepts: bool,
                   q_flags: tuple[tuple[bool, ...], tuple[bool, ...], tuple[bool, ...]] | None = None, acronyms: bool = False) -> list[float]:
        """What align can attain at most, per name: each side's coverage, tokens credited with
        their closeness (an upper bound), a one-sided unmatched patronymic not counted; the
        better of the organisation and person rules, each side's coverage blended as the
        better-covered side's rule would where it may apply (``q_flags`` None: the query's
        side may always)."""
        # The query side depends on the closeness row only: many names share it.
        q_side: dict[tuple[tuple[float, ...], int], tuple[float, float, bool, bool]] = {}
        flags, reads = self._name_flags, self._name_reads
        acr = self._acronym_hits(names, qnear) if acronyms else {}
        q_unseen: dict[tuple[float, ...], int] = {}
        out: list[float] = []
        get = qnear.get
        kids, weights, totals, longs = self._name_kids, self._name_weights, self._name_totals, self._name_long
        for ni, ca in zip(names, ca_rows, strict=True):
            # ``_name_closeness``, inlined (the loop runs for every name reaching the share).
            tok, joined, compact, cons = kids[ni]
            cb = [get(k, 0.0) for k in tok]
            for j, k in enumerate(joined):
                c = get(k)
                if c is not None and (c > cb[j] or c > cb[j + 1]):
                    cb[j], cb[j + 1] = max(cb[j], c), max(cb[j + 1], c)
            c = get(compact)
            if c:
                cb = [max(x, c) for x in cb]
            if concepts:
                for j, k in cons:
                    c = get(k, 0.0)
                    if c > cb[j]:
                        cb[j] = c
            for j, k in reads[ni]:
                c = get(k, 0.0)
                if c > cb[j]:
                    cb[j] = c
            if acronyms:
                for c, run in acr.get(ni, ()):
                    for j in run:
                        if c > cb[j]:
                            cb[j] = c
            wo, wp, n_pat = weights[ni]
            n_long = longs[ni]
            pairs = 0
            if 0.0 in cb:
                n_unseen = 0
                for c, x in zip(cb, n_long, strict=True):
                    if x and c == 0.0:
                        n_unseen += 1
                if n_unseen:
                    ta = tuple(ca)
                    qu = q_unseen.get(ta)
                    if qu is None:
                        qu = q_unseen[ta] = sum(1 for c, x in zip(ca, q_long, strict=True) if x and c == 0.0)
                    pairs = min(n_unseen, qu)
            qkey = (tuple(ca), pairs)
            qs = q_side.get(qkey)
            if qs is None:
                qc = _cover_possible(q_flags, ca, q_long, pairs) if q_flags is not None else (True, True)
                qs = q_side[qkey] = (_coverage(qw_org, ca, None, q_long, pairs), _coverage(qw_per, ca, q_pat, q_long, pairs),
                                     *qc)
            to, tp = totals[ni]
            if pairs or n_pat is not None:
                so = _side(wo, to, cb, None, n_long, pairs)
                sp = _side(wp, tp, cb, n_pat, n_long, pairs)
            else:
                # ``_side`` without a patronymic or unseen pairs: the same sums, in token order.
                go = gp = 0.0
                for w, v, c in zip(wo, wp, cb, strict=True):
                    go += w * c
                    gp += v * c
                so = go / to if to else 0.0
                sp = gp / tp if tp else 0.0
            if qs[2] and qs[3]:
                co = cp = True
            else:
                no_, np_ = _cover_possible(flags[ni], cb, n_long, pairs)
                co, cp = qs[2] or no_, qs[3] or np_
            out.append(max(_blend(qs[0], so, co), _blend(qs[1], sp, cp)))
        return out

    def _bounds_np(self, names: list[int], ca_rows: list[list[float]], qw_org: list[float], qw_per: list[float],
                   q_pat: int | None, q_long: tuple[bool, ...], qnear: dict[int, float], concepts: bool,
                   q_flags: tuple[tuple[bool, ...], tuple[bool, ...], tuple[bool, ...]] | None = None, acronyms: bool = False) -> list[float]:
        """``_bounds_py`` for many names at once: the same floats (sums run in token order,
        ``cumsum`` along the row), names of more than ``_PAD`` tokens through ``_bounds_py``."""
        cand = np.array(names, dtype=np.int64)
        wide = self._p_wide[cand]
        if wide.any():
            out = self._bounds_np([ni for ni, w in zip(names, wide.tolist(), strict=True) if not w],
                                  [ca for ca, w in zip(ca_rows, wide.tolist(), strict=True) if not w],
                                  qw_org, qw_per, q_pat, q_long, qnear, concepts, q_flags, acronyms) if not wide.all() else []
            py = self._bounds_py([ni for ni, w in zip(names, wide.tolist(), strict=True) if w],
                                 [ca for ca, w in zip(ca_rows, wide.tolist(), strict=True) if w],
                                 qw_org, qw_per, q_pat, q_long, qnear, concepts, q_flags, acronyms)
            it_np, it_py = iter(out), iter(py)
            return [next(it_py) if w else next(it_np) for w in wide.tolist()]
        qk = np.fromiter(qnear.keys(), dtype=np.int64, count=len(qnear))
        qv = np.fromiter(qnear.values(), dtype=np.float64, count=len(qnear))
        order = np.argsort(qk)
        qk, qv = qk[order], qv[order]

        def look(ids: np.ndarray) -> np.ndarray:
            pos = np.minimum(np.searchsorted(qk, ids), len(qk) - 1)
            return np.where(qk[pos] == ids, qv[pos], 0.0)

        cb = look(self._p_tok[cand])
        joined = look(self._p_pair[cand])
        np.maximum(cb[:, :-1], joined, out=cb[:, :-1])
        np.maximum(cb[:, 1:], joined, out=cb[:, 1:])
        # Padding columns take the compact's closeness too: their weight is 0 and they are not long.
        cb = np.maximum(cb, look(self._p_compact[cand])[:, None])
        if concepts:
            for r, ni in enumerate(names):
                for j, k in self._name_kids[ni][3]:
                    c = qnear.get(k, 0.0)
                    if c > cb[r, j]:
                        cb[r, j] = c
        for r in np.flatnonzero(self._p_reads[cand]).tolist():
            for j, k in self._name_reads[names[r]]:
                c = qnear.get(k, 0.0)
                if c > cb[r, j]:
                    cb[r, j] = c
        if acronyms:
            hits = self._acronym_hits(names, qnear)
            for r, ni in enumerate(names):
                for c, run in hits.get(ni, ()):
                    for j in run:
                        if c > cb[r, j]:
                            cb[r, j] = c
        ca = np.array(ca_rows)
        q_long_a = np.array(q_long, dtype=bool)
        n_long = self._p_long[cand]
        n_unseen = ((cb == 0.0) & n_long).sum(axis=1)
        q_unseen = ((ca == 0.0) & q_long_a).sum(axis=1)
        pairs = np.where(n_unseen > 0, np.minimum(n_unseen, q_unseen), 0)
        k = len(names)
        q_pat_a = np.full(k, -1 if q_pat is None else q_pat, dtype=np.int64)
        no_pat = np.full(k, -1, dtype=np.int64)
        qo = _coverage_np(np.broadcast_to(np.array(qw_org), ca.shape), ca, no_pat, q_long_a, pairs)
        qp = _coverage_np(np.broadcast_to(np.array(qw_per), ca.shape), ca, q_pat_a, q_long_a, pairs)
        no = _coverage_np(self._p_org[cand], cb, no_pat, n_long, pairs)
        npe = _coverage_np(self._p_per[cand], cb, self._p_pat[cand], n_long, pairs)
        # The better-covered side's rules (``_cover_possible``), row by row.
        q_seen = (ca > 0.0) | (q_long_a & (pairs > 0)[:, None])
        if q_flags is None:
            q_org = q_per = np.ones(k, dtype=bool)
        else:
            q_distinct, q_descr, q_full = (np.array(f, dtype=bool) for f in q_flags)
            q_org = (q_seen | q_descr).all(axis=1) & (q_seen & q_distinct).any(axis=1)
            q_full_ok = (ca >= 0.9) | ((ca == 0.0) & q_long_a & (pairs > 0)[:, None])
            q_per = (q_full_ok | ~q_full).all(axis=1) & (q_full.sum() >= 2)
        n_seen = (cb > 0.0) | (n_long & (pairs > 0)[:, None])
        n_org = (n_seen | self._p_descr[cand]).all(axis=1) & (n_seen & self._p_distinct[cand]).any(axis=1)
        n_full = self._p_full[cand]
        n_full_ok = (cb >= 0.9) | ((cb == 0.0) & n_long & (pairs > 0)[:, None])
        n_per = (n_full_ok | ~n_full).all(axis=1) & (n_full.sum(axis=1) >= 2)
        bounds: list[float] = np.maximum(_blend_np(qo, no, q_org | n_org), _blend_np(qp, npe, q_per | n_per)).tolist()
        return bounds

    def search(self, name: str, *, country: str | None = None, kind: str | None = None, limit: int = 5,
               threshold: float | None = None) -> list[NameMatch]:
        """Entities whose names match, best first, one match per entity, score >= threshold.

        A name with embedded alternatives ("X a.k.a. Y", "X (ОАО Y)", "X / Y") is screened as a
        whole and as each alternative; each entity keeps its best match, and the explanation
        says which alternative matched. A repeated search returns the kept results (a new list
        of the same matches)."""
        if len(name) > MAX_QUERY_CHARS:  # a hostile name is not kept (the cache holds its key)
            return self._search(name, country=country, kind=kind, limit=limit, threshold=threshold)
        key = (name, country, kind, limit, threshold)
        hit = self._results.get(key)
        if hit is not None:
            return list(hit)
        out = self._search(name, country=country, kind=kind, limit=limit, threshold=threshold)
        self._results.put(key, tuple(out))
        return out

    def _search(self, name: str, *, country: str | None, kind: str | None, limit: int,
                threshold: float | None) -> list[NameMatch]:
        """``search`` without the result cache."""
        variants = query_variants(name[:MAX_QUERY_CHARS])
        if len(variants) == 1:
            return self._search_one(name, country=country, kind=kind, limit=limit, threshold=threshold)
        best: dict[str, NameMatch] = {}
        for i, variant in enumerate(variants):
            for m in self._search_one(variant, country=country, kind=kind, limit=limit, threshold=threshold):
                cur = best.get(m.entity_id)
                if cur is None or m.score > cur.score:
                    if i:
                        m = m.model_copy(update={
                            "query": name, "explanation": f"alternative '{variant}' of the query: {m.explanation}",
                            "details": [*m.details, {"token": variant, "how": "query alternative"}]})
                    best[m.entity_id] = m
        out = sorted(best.values(), key=lambda m: (-m.score, m.entity_id))
        return out[:limit]

    def _candidate_list(self, rep: NameRep, floor: float, q_weights: tuple[list[float], list[float]],
                        fcut: tuple[NameRep, str] | None, kind: str | None,
                        limit: int) -> tuple[list[tuple[float, int]], frozenset[int]]:
        """The candidates of a query at a floor, best bound first, and those found as cut."""
        cands = self._candidates(rep, floor, *q_weights, kind=kind, limit=limit)
        # A query cut by a 35-character field: the names of its whole words (the cut word left
        # out, as it lowers every bound) are candidates too, read as cut by cut_align (review at
        # most). Costs a second candidate search for such queries only (~0.8 ms).
        if fcut is None:
            return cands, frozenset()
        crep = fcut[0]
        seen = {ni for _, ni in cands}
        extra = self._candidates(crep, floor, token_weights(crep, self.weight, False),
                                 token_weights(crep, self.weight, True), kind=kind, limit=limit)[:CUT_CANDIDATES]
        if extra:
            cands = sorted([*cands, *((b, ni) for b, ni in extra if ni not in seen)], key=lambda t: (-t[0], t[1]))
        return cands, frozenset(ni for _, ni in extra)

    def _query(self, name: str, kind: str | None) -> _Query | None:
        """The parsed query and what its searches share (``_Query``), kept for recent names;
        None for a name with no tokens."""
        memo = self._queries.get((name, kind)) if len(name) <= MAX_QUERY_CHARS else None
        if memo is not None:
            return memo
        rep = parse_name(name[:MAX_QUERY_CHARS], True if (kind or "").lower() in PERSON_KINDS else None)
        if not rep.skeletons:
            return None
        cut = ""
        if len(name) > MAX_QUERY_CHARS or len(rep.skeletons) > MAX_QUERY_TOKENS:
            rep = _truncate(rep, MAX_QUERY_TOKENS)
            cut = f"; query too long: screened on its first {len(rep.tokens)} words"
        fcut = field_cut(rep) if len(rep.text) == FIELD_WIDTH else None
        memo = _Query(rep, cut, (token_weights(rep, self.weight, False), token_weights(rep, self.weight, True)), fcut)
        if len(name) <= MAX_QUERY_CHARS:
            self._queries.put((name, kind), memo)
        return memo

    def _search_one(self, name: str, *, country: str | None, kind: str | None, limit: int,
                    threshold: float | None) -> list[NameMatch]:
        query = self._query(name, kind)
        if query is None:
            return []
        rep, cut, q_weights, fcut = query.rep, query.cut, query.weights, query.fcut
        floor = REVIEW_THRESHOLD if threshold is None else threshold
        query_person = bool(kind) and kind in PERSON_KINDS
        # A query that names a company's legal form (Kft., GmbH, LLC, ООО) is no person: listed
        # persons are not matched to it (a nickname 'EL CHATO' is not 'Sato Engineering Kft.').
        # Two-letter forms are name parts of some persons (Kim Se, Ag), and a sole proprietor
        # (ИП, IP) is a person: they do not count.
        query_org = not query_person and kind not in ("unknown",) and any(
            len(f) > 2 and f not in _PERSON_BUSINESS_FORMS for f in rep.ignored)
        best: dict[int, tuple[float, Alignment, int]] = {}
        # This search's alignments (a field-cut reading may replace one); align's own results
        # are kept with the query for its other searches (another country, limit or threshold).
        aligned: dict[tuple[int, bool], Alignment] = {}
        plain = query.aligned
        # The limit matters to the candidates only above 10 (``_candidates``).
        ckey = (floor, limit if limit > 10 else 0)
        got = query.candidates.get(ckey)
        if got is None:
            got = query.candidates[ckey] = self._candidate_list(rep, floor, q_weights, fcut, kind, limit)
        cands, cut_names = got
        # Candidates left per form: an alignment is handed to later names of the same form.
        later: dict[int, int] = {}
        for _, ni in cands:
            later[self._name_form[ni]] = later.get(self._name_form[ni], 0) + 1
        for bound, ni in cands:
            later[self._name_form[ni]] -= 1
            # Best bound first: once no remaining candidate could enter the result, stop.
            if len(best) >= limit and bound + BOUND_SLACK + COUNTRY_MATCH_BONUS < sorted(
                    s for s, _, _ in best.values())[-limit]:
                break
            ei, _, cand = self._names[ni]
            cur = best.get(ei)
            if cur is not None and cur[0] >= 1.0 and not later[self._name_form[ni]]:
                continue  # another of the entity's names already scored the most there is
            entity = self._entities[ei]
            if query_person and entity.kind not in ("person", "unknown") or query_org and entity.kind in PERSON_KINDS:
                continue
            person = (entity.kind if entity.kind != "unknown" else (kind or "")) in PERSON_KINDS
            form = (self._name_form[ni], person)
            al = aligned.get(form)
            if al is None:
                al = plain.get(form)
                if al is None:
                    al = plain[form] = align(rep, cand, person=person, weight=self.weight, wa_pre=q_weights[person],
                                             wb_pre=self._name_weights[ni][1] if person else self._name_weights[ni][0])
                aligned[form] = al
                if fcut is not None and ni in cut_names and min(al.score, al.ceiling) < CUT_CAP:
                    al_cut = cut_align(fcut, cand, person=person, weight=self.weight)
                    if al_cut is not None and min(al_cut.score, al_cut.ceiling) > min(al.score, al.ceiling):
                        al = aligned[form] = al_cut
            score = al.score
            if country and entity.countries and score > 0:
                score = score + COUNTRY_MATCH_BONUS if country in entity.countries else score - COUNTRY_MISMATCH_PENALTY
            score = max(0.0, min(1.0, score, al.ceiling))
            if cur is None or score > cur[0]:
                best[ei] = (score, al, ni)
        out: list[NameMatch] = []
        # Best first, ties by entity id; only the results returned are explained.
        kept = sorted(((score, self._entities[ei].id, ei) for ei, (score, _, _) in best.items() if score >= floor),
                      key=lambda t: (-round(t[0], 4), t[1]))
        for _, _, ei in kept[:limit]:
            score, al, ni = best[ei]
            entity = self._entities[ei]
            _, listed, cand = self._names[ni]
            text, details = explain(rep, cand, al)
            if country and entity.countries:
                text += ("; same country " if country in entity.countries else "; different country ") + \
                    f"({country} vs {', '.join(entity.countries)})"
            out.append(NameMatch(entity_id=entity.id, list_name=entity.list_name, entity_name=entity.name,
                                 matched_name=listed, query=name, score=round(score, 4),
                                 explanation=f"{text}{cut}; score {score:.2f}", details=details))
        out.sort(key=lambda m: (-m.score, m.entity_id))
        return out[:limit]

    def search_many(self, names: Iterable[tuple[str, str | None]]) -> dict[tuple[str, str | None], list[NameMatch]]:
        """The batch path: each distinct (name, country) is searched once."""
        return {key: self.search(key[0], country=key[1]) for key in set(names)}
