"""Sanctioned-party name matching.

Names are parsed (``normalize``: transliteration, legal forms, skeletons), candidates are found
through a blocking index (exact token skeletons, a one-deletion neighbourhood for typos and
transliteration variants, joined adjacent tokens), and only those candidates are scored
(``score``: weighted token alignment with rapidfuzz). Every match carries an explanation.

Public API: ``similarity``, ``normalize_name``, ``NameIndex``, ``NameMatch``, and the two
thresholds calibrated on ``tests/data/name_pairs.csv``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, Field

from compliance.lists.model import Entity
from compliance.names.normalize import NameRep, normalize_name, parse_name, split_variants
from compliance.names.score import GENERIC_WEIGHT, PERSON_KINDS, Alignment, align, default_weight, explain

__all__ = ["BLOCK_THRESHOLD", "REVIEW_THRESHOLD", "NameIndex", "NameMatch", "normalize_name", "similarity"]

# Calibrated on tests/data/name_pairs.csv (see README "Name matching").
BLOCK_THRESHOLD = 0.90
REVIEW_THRESHOLD = 0.80

COUNTRY_MATCH_BONUS = 0.03
COUNTRY_MISMATCH_PENALTY = 0.05
MAX_CANDIDATES = 15
# A token in more than this share of all names is too common to find candidates by.
COMMON_SHARE = 0.005


def similarity(a: str, b: str, kind: str | None = None) -> float:
    """How alike two names are, in [0, 1]; symmetric. ``kind``: person, organization, company,
    vessel or None (None: person rules only when both look like personal names is not guessed —
    organisation rules apply)."""
    ra, rb = parse_name(a), parse_name(b)
    person = (kind or "").lower() in PERSON_KINDS
    s1 = align(ra, rb, person=person).score
    s2 = align(rb, ra, person=person).score
    return round(max(s1, s2), 6)


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


def _deletions(token: str) -> list[str]:
    return [token[:i] + token[i + 1:] for i in range(len(token))]


class NameIndex:
    """Every name and alias of the loaded entities, indexed for fast candidate search."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self._entities: list[Entity] = []
        self._names: list[tuple[int, str, NameRep]] = []  # (entity index, listed name, parsed)
        postings: dict[str, list[int]] = defaultdict(list)
        for e in entities:
            ei = len(self._entities)
            self._entities.append(e)
            seen: set[tuple[str, ...]] = set()
            for raw in e.all_names:
                for variant in split_variants(raw):
                    rep = parse_name(variant)
                    if not rep.skeletons or rep.skeletons in seen:
                        continue
                    seen.add(rep.skeletons)
                    ni = len(self._names)
                    self._names.append((ei, variant, rep))
                    keys = set(rep.skeletons)
                    keys.update(x + y for x, y in zip(rep.skeletons, rep.skeletons[1:], strict=False))
                    keys.add(rep.compact)
                    for k in keys:
                        postings[k].append(ni)
        self._postings: dict[str, list[int]] = dict(postings)
        total = max(1, len(self._names))
        self._common = max(50, int(total * COMMON_SHARE))
        # Weights: rare words count more (inverse document frequency over the listed names).
        df = {k: len(v) for k, v in self._postings.items()}
        self._weight_cache: dict[str, float] = {}
        self._df = df
        self._total = total
        # One-deletion neighbourhood of every indexed key: finds typos and spelling variants.
        dels: dict[str, list[str]] = defaultdict(list)
        for k in self._postings:
            if len(k) >= 4 and not k.isdigit():
                for d in _deletions(k):
                    dels[d].append(k)
        self._dels: dict[str, list[str]] = dict(dels)

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
            w = self._weight_cache[sk] = base
        return w

    def _keys_for(self, sk: str) -> list[tuple[str, float]]:
        """Indexed keys near one query token skeleton, with a rough closeness."""
        out: dict[str, float] = {}
        if sk in self._postings:
            out[sk] = 1.0
        if len(sk) >= 4 and not sk.isdigit():
            for k in self._dels.get(sk, ()):  # query lacks a letter
                out.setdefault(k, 0.9)
            for d in _deletions(sk):
                if d in self._postings and len(d) >= 4:  # query has an extra letter
                    out.setdefault(d, 0.9)
                if len(sk) >= 5:
                    for k in self._dels.get(d, ()):  # one substitution
                        out.setdefault(k, 0.85)
        return list(out.items())

    def _candidates(self, rep: NameRep, floor: float) -> list[int]:
        """Names sharing enough (near-)tokens with the query to possibly reach ``floor``.

        Each name collects, per query token, the weight of that token times how close the
        indexed key is; a name whose share of the query weight cannot lift the symmetric
        score to the floor (score <= (share + 1) / 2) is never scored.
        """
        sks = list(rep.skeletons)
        weights = [self.weight(sk) for sk in sks]
        total = sum(weights) or 1.0
        probes: list[tuple[str, tuple[int, ...]]] = [(sk, (i,)) for i, sk in enumerate(sks)]
        probes += [(x + y, (i, i + 1)) for i, (x, y) in enumerate(zip(sks, sks[1:], strict=False))]
        if len(sks) > 2:
            probes.append((rep.compact, tuple(range(len(sks)))))
        hits: dict[int, dict[int, float]] = defaultdict(dict)
        deferred: list[tuple[list[int], tuple[int, ...], float]] = []
        rare_found = False
        for sk, idxs in probes:
            for key, closeness in self._keys_for(sk):
                post = self._postings[key]
                if len(post) > self._common:
                    deferred.append((post, idxs, closeness))
                    continue
                rare_found = True
                for ni in post:
                    h = hits[ni]
                    for i in idxs:
                        if h.get(i, 0.0) < closeness:
                            h[i] = closeness
        if not rare_found:
            for post, idxs, closeness in deferred:
                for ni in post[: self._common * 4]:
                    h = hits[ni]
                    for i in idxs:
                        if h.get(i, 0.0) < closeness:
                            h[i] = closeness
        need = max(0.0, 2 * floor - 1.0 - 0.05)
        scored = []
        for ni, h in hits.items():
            share = sum(weights[i] * c for i, c in h.items()) / total
            if share >= need:
                scored.append((share, ni))
        scored.sort(reverse=True)
        return [ni for _, ni in scored[:MAX_CANDIDATES]]

    def search(self, name: str, *, country: str | None = None, kind: str | None = None, limit: int = 5,
               threshold: float | None = None) -> list[NameMatch]:
        """Entities whose names match, best first, one match per entity, score >= threshold."""
        rep = parse_name(name)
        if not rep.skeletons:
            return []
        floor = REVIEW_THRESHOLD if threshold is None else threshold
        best: dict[int, tuple[float, Alignment, int]] = {}
        for ni in self._candidates(rep, floor):
            ei, _, cand = self._names[ni]
            entity = self._entities[ei]
            ekind = entity.kind if entity.kind != "unknown" else (kind or "")
            if kind and kind in PERSON_KINDS and entity.kind not in ("person", "unknown"):
                continue
            al = align(rep, cand, person=ekind in PERSON_KINDS, weight=self.weight)
            score = al.score
            if country and entity.countries and score > 0:
                score = score + COUNTRY_MATCH_BONUS if country in entity.countries else score - COUNTRY_MISMATCH_PENALTY
            score = max(0.0, min(1.0, score))
            cur = best.get(ei)
            if cur is None or score > cur[0]:
                best[ei] = (score, al, ni)
        out: list[NameMatch] = []
        for ei, (score, al, ni) in best.items():
            if score < floor:
                continue
            entity = self._entities[ei]
            _, listed, cand = self._names[ni]
            text, details = explain(rep, cand, al)
            if country and entity.countries:
                text += ("; same country " if country in entity.countries else "; different country ") + \
                    f"({country} vs {', '.join(entity.countries)})"
            out.append(NameMatch(entity_id=entity.id, list_name=entity.list_name, entity_name=entity.name,
                                 matched_name=listed, query=name, score=round(score, 4),
                                 explanation=f"{text}; score {score:.2f}", details=details))
        out.sort(key=lambda m: (-m.score, m.entity_id))
        return out[:limit]

    def search_many(self, names: Iterable[tuple[str, str | None]]) -> dict[tuple[str, str | None], list[NameMatch]]:
        """The batch path: each distinct (name, country) is searched once."""
        return {key: self.search(key[0], country=key[1]) for key in set(names)}
