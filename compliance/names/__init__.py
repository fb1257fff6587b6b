"""Party-name matching (fallback v0): normalise, transliterate, strip legal forms, rapidfuzz."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from rapidfuzz import fuzz

from compliance.lists.model import Entity

BLOCK_THRESHOLD = 0.90
REVIEW_THRESHOLD = 0.80

_CYR = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіўєї",
                ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t",
                 "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "i", "u", "e", "i"], strict=True))
_LEGAL = {"oao", "zao", "pao", "ooo", "ao", "jsc", "ojsc", "cjsc", "llc", "ltd", "limited", "inc", "corp", "gmbh", "ag",
          "uab", "sia", "plc", "ip", "chup", "chtup", "iooo", "sooo", "rup", "up", "odo", "too", "aat", "tav", "open", "joint", "stock", "company", "closed", "republican", "unitary", "enterprise", "co", "sp", "z", "o"}


@lru_cache(maxsize=100_000)
def normalize_name(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    text = "".join(_CYR.get(c, c) for c in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w\s]", " ", text)
    tokens = [t for t in text.split() if t not in _LEGAL]
    return " ".join(tokens)


def similarity(a: str, b: str, kind: str | None = None) -> float:
    na, nb = normalize_name(a), normalize_name(b)
    if not na or not nb:
        return 0.0
    return float(fuzz.token_sort_ratio(na, nb)) / 100.0


class NameMatch(BaseModel):
    entity_id: str
    list_name: str
    entity_name: str
    matched_name: str
    query: str
    score: float
    explanation: str
    details: list[dict[str, Any]] = []


class NameIndex:
    def __init__(self, entities: Iterable[Entity]) -> None:
        self._names: list[tuple[str, str, Entity]] = []
        for e in entities:
            for n in e.all_names:
                norm = normalize_name(n)
                if norm:
                    self._names.append((norm, n, e))
        self._count = len({e.id for _, _, e in self._names})

    def __len__(self) -> int:
        return self._count

    def search(self, name: str, *, country: str | None = None, kind: str | None = None, limit: int = 5,
               threshold: float | None = None) -> list[NameMatch]:
        q = normalize_name(name)
        if not q:
            return []
        floor = REVIEW_THRESHOLD if threshold is None else threshold
        best: dict[str, NameMatch] = {}
        for norm, raw, e in self._names:
            score = fuzz.token_sort_ratio(q, norm) / 100.0
            if score < floor:
                continue
            if country and e.countries:
                score = min(1.0, score + 0.02) if country in e.countries else score - 0.03
            if score < floor:
                continue
            cur = best.get(e.id)
            if cur is None or score > cur.score:
                best[e.id] = NameMatch(entity_id=e.id, list_name=e.list_name, entity_name=e.name, matched_name=raw,
                                       query=name, score=score,
                                       explanation=f"'{q}' ~ '{norm}' (token sort ratio {score:.2f})")
        return sorted(best.values(), key=lambda m: -m.score)[:limit]

    def search_many(self, names: Iterable[tuple[str, str | None]]) -> dict[tuple[str, str | None], list[NameMatch]]:
        return {key: self.search(key[0], country=key[1]) for key in set(names)}
