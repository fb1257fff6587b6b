"""Name normalisation: script, transliteration variants, legal forms, tokens.

A name becomes a list of tokens in two forms: a readable Latin form (for explanations) and a
*skeleton* that collapses the spelling variants transliteration produces, so Беларуськалий,
Беларуськалій, Belaruskali, Belaruskaliy and Byelaruskaliy all meet:

- Cyrillic (Russian, Belarusian, Ukrainian letters) to Latin, BGN/PCGN-like;
- Łacinka, ISO 9 and other diacritics folded (č→c, ŭ→u, ł→l); other scripts through ICU;
- digraph variants collapsed (kh/h/ch, zh/z/j, ts/tz/c, shch/sch/sh, y/j/i, ye/ie/e, x/ks,
  w/v, g/h for Belarusian г, dz/d for Belarusian дз), doubled letters collapsed;
- legal forms (ОАО, ААТ, ЧУП, ИООО, JSC, GmbH, "Open Joint Stock Company", ...) removed and
  reported; numbers kept as significant tokens;
- given names mapped to one form across languages (Aliaksandr = Aleksandr = Alexander).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

_CYR: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "ye", "ж": "zh",
    "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ў": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}
# Letters only Belarusian has: there г is h (Гродна = Hrodna).
_BELARUSIAN = set("іў")
# ISO 9 letters whose diacritic carries a sound (û = ю, â = я, ŝ = щ).
_SPECIAL = {"û": "yu", "â": "ya", "ŝ": "shch", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
_APOSTROPHES = re.compile(r"[\u0027\u2019\u02bc\u2018\u0060\u00b4]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")

# Ordered: longer digraphs first.
_SKELETON_RULES: tuple[tuple[str, str], ...] = (
    ("szcz", "s"), ("shch", "s"), ("tsch", "c"), ("yo", "e"), ("jo", "e"), ("sch", "s"), ("tch", "c"), ("zh", "z"), ("kh", "h"), ("ch", "c"),
    ("sh", "s"), ("ts", "c"), ("tz", "c"), ("cz", "c"), ("sz", "s"), ("ph", "f"), ("th", "t"), ("ck", "k"),
    ("gh", "h"), ("dz", "d"), ("x", "ks"), ("q", "k"), ("w", "v"), ("j", "i"), ("y", "i"), ("g", "h"),
)
_DOUBLE = re.compile(r"(.)\1+")


@dataclass(frozen=True, slots=True)
class NameData:
    legal_single: frozenset[str]
    legal_phrases: tuple[tuple[str, ...], ...]
    # Consonant skeletons of the phrases whose words are all long: transliterations of one
    # Cyrillic form differ in vowels (otkrytoe/otkrytoye, aktsionernoe/aktsyyanernae).
    legal_consonants: tuple[tuple[str, ...], ...]
    # The same, by first word (longest first): a name is scanned once, not once per phrase.
    legal_by_first: dict[str, tuple[tuple[str, ...], ...]]
    legal_cons_by_first: dict[str, tuple[tuple[str, ...], ...]]
    generic: frozenset[str]  # skeletons
    given: dict[str, str]  # skeleton -> canonical skeleton
    # Skeletons of very common name parts and words (names.yaml common_*): never proof alone.
    common_given: frozenset[str] = frozenset()
    common_surnames: frozenset[str] = frozenset()
    common_words: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def name_data() -> NameData:
    raw: dict[str, Any] = yaml.safe_load(resources.files("compliance.names").joinpath("data/names.yaml")
                                         .read_text(encoding="utf-8"))
    singles: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    for form in raw["legal_forms"]:
        toks = tuple(latin_tokens(str(form)))
        if len(toks) == 1:
            singles.add(toks[0])
        elif toks:
            phrases.add(toks)
    generic = {skeleton(t) for w in raw["generic"] for t in latin_tokens(str(w))}
    given: dict[str, str] = {}
    for group in raw["given_names"]:
        sks = [skeleton(str(g)) for g in group]
        for s in sks:
            given.setdefault(s, sks[0])
    ordered = tuple(sorted(phrases, key=len, reverse=True))
    cons = tuple(sorted({tuple(_legal_key(t) for t in p) for p in ordered if sum(len(t) >= 4 for t in p) >= 2},
                        key=len, reverse=True))
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for p in ordered:
        by_first.setdefault(p[0], []).append(p)
    cons_first: dict[str, list[tuple[str, ...]]] = {}
    for p in cons:
        cons_first.setdefault(p[0], []).append(p)
    def sk_set(key: str) -> frozenset[str]:
        return frozenset(skeleton(t) for w in raw.get(key) or [] for t in latin_tokens(str(w)))

    common_given = frozenset({given.get(s, s) for s in sk_set("common_given")} | set(given.values()))
    return NameData(frozenset(singles), ordered, cons, {k: tuple(v) for k, v in by_first.items()},
                    {k: tuple(v) for k, v in cons_first.items()}, frozenset(generic), given,
                    common_given, sk_set("common_surnames"), sk_set("common_words"))


_VOWELS = str.maketrans("", "", "aeiouy")


@lru_cache(maxsize=200_000)
def _legal_key(token: str) -> str:
    """Long words by their consonants, short ones ("s", "z") as written."""
    return skeleton(token).translate(_VOWELS) if len(token) >= 4 else "=" + token


def to_latin(text: str) -> str:
    """NFKC, case-folded, Cyrillic transliterated, diacritics folded; ASCII out."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if "šč" in text:  # Łacinka/Czech-style шч, щ (before the diacritics are folded away)
        text = text.replace("šč", "shch")
    belarusian = any(c in _BELARUSIAN for c in text)
    out: list[str] = []
    for c in text:
        if c < "\u0080":
            out.append(c)
        elif c in _CYR:
            out.append("h" if belarusian and c == "г" else _CYR[c])
        elif c in _SPECIAL:
            out.append(_SPECIAL[c])
        else:
            out.append(c)
    latin = "".join(out)
    if latin.isascii():
        return latin
    folded = "".join(c for c in unicodedata.normalize("NFKD", latin) if not unicodedata.combining(c))
    if folded.isascii():
        return folded
    return _icu_ascii(folded)


def _icu_ascii(text: str) -> str:
    # Other scripts (Arabic, Chinese, Greek ...) appear in the official lists; ICU knows them.
    try:
        from normality import ascii_text

        return (ascii_text(text) or "").lower()
    except Exception:  # pragma: no cover - normality/ICU missing: drop what we cannot read
        return "".join(c for c in text if c.isascii())


def latin_tokens(text: str) -> list[str]:
    latin = _APOSTROPHES.sub("", to_latin(text))
    return [t for t in _NON_ALNUM.split(latin) if t]


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """Collapse transliteration variants of one Latin token."""
    if token.isdigit():
        return token.lstrip("0") or "0"
    s = token
    for a, b in _SKELETON_RULES:
        if a in s:
            s = s.replace(a, b)
    s = s.replace("ie", "e")
    return _DOUBLE.sub(r"\1", s)


@dataclass(frozen=True, slots=True)
class NameRep:
    """A parsed name: readable tokens, their skeletons, and what was removed."""

    text: str
    tokens: tuple[str, ...]  # readable Latin
    skeletons: tuple[str, ...]
    ignored: tuple[str, ...]  # legal forms removed

    @property
    def compact(self) -> str:
        return "".join(self.skeletons)

    @property
    def numbers(self) -> frozenset[str]:
        return frozenset(s for s in self.skeletons if s.isdigit())


def _legal_at(tokens: list[str], keys: list[str], i: int, data: NameData) -> int:
    """How many tokens from ``i`` form a legal form (0: none)."""
    for phrase in data.legal_by_first.get(tokens[i], ()):
        k = len(phrase)
        if tuple(tokens[i:i + k]) == phrase:
            return k
    for cphrase in data.legal_cons_by_first.get(keys[i], ()):
        k = len(cphrase)
        if tuple(keys[i:i + k]) == cphrase:
            return k
    return 1 if tokens[i] in data.legal_single else 0


def _strip_legal(tokens: list[str], data: NameData) -> tuple[list[str], list[str]]:
    kept: list[str] = []
    ignored: list[str] = []
    keys = [_legal_key(t) for t in tokens]
    i = 0
    while i < len(tokens):
        k = _legal_at(tokens, keys, i, data)
        if k:
            ignored.append(" ".join(tokens[i:i + k]))
            i += k
        else:
            kept.append(tokens[i])
            i += 1
    if not kept:  # a name that is only a legal form ("AO") keeps its words
        return tokens, []
    return kept, ignored


@lru_cache(maxsize=200_000)
def parse_name(text: str) -> NameRep:
    data = name_data()
    tokens, ignored = _strip_legal(latin_tokens(text), data)
    sks = []
    for t in tokens:
        s = skeleton(t)
        sks.append(data.given.get(s, s))
    return NameRep(text=text, tokens=tuple(tokens), skeletons=tuple(sks), ignored=tuple(ignored))


def normalize_name(name: str) -> str:
    """The readable normal form: Latin tokens without legal forms, space-separated."""
    return " ".join(parse_name(name).tokens)


def split_variants(name: str) -> list[str]:
    """A listed name and the names inside it: 'X (ABC)' also gives 'X' and 'ABC'; 'X — managing
    company of holding Y' also gives 'X'."""
    out = [name]
    base = re.sub(r"\s*\([^)]*\)", " ", name).strip()
    if base and base != name:
        out.append(base)
    for inner in re.findall(r"\(([^)]*)\)", name):
        inner = inner.strip()
        if len(inner) >= 2:
            out.append(inner)
    for part in re.split(r"\s+[—–-]\s+", base):
        part = part.strip(" ,;")
        if part and part not in out and len(part) >= 3:
            out.append(part)
    return out
