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
from dataclasses import field as dataclass_field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from compliance.display import SIGNS

_CYR: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "ye", "ж": "zh",
    "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ў": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}
# Letters only Belarusian has: there г is h (Гродна = Hrodna).
_BELARUSIAN = set("іў")
# ISO 9 letters whose diacritic carries a sound (û = ю, â = я, ŝ = щ).
# ISO 9 / scientific soft and hard signs (ʹ ʺ: Belarusʹ, obʺedinenie) are silent, as ь ъ: read
# as apostrophes, two of them made a quoted span of the words between (Nacionalʹnyj ... Belarusʹ).
_SPECIAL = {"ʹ": "", "ʺ": "", "û": "yu", "â": "ya", "ŝ": "shch", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_APOSTROPHES = re.compile(r"[\u0027\u2019\u02bc\u2018\u0060\u00b4]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# A "?" inside a word is a character lost to an encoding (Mus?ab for Mus'ab, ?bd for ʿAbd).
# An initial written as its transliteration's two letters (Kuzmenko V.Yu., Zh. Alferov): one
# letter, as a Cyrillic initial reads (Ю. = Y.); only before a dot, so no word is cut.
_DIGRAPH_INITIAL = re.compile(r"(?<![a-z])(?:([yij])[uaeo]|([zkcs])h|(t)s|(s)hch|(s)ch)\.")
_LOST = re.compile(r"(?<=[a-z])\?(?=[a-z])")

# Ordered: longer digraphs first.
# "ck" first: a ts read as c must not then join a k (Shapetska, Slutsk, BTSK = БЦК keep their c).
_SKELETON_RULES: tuple[tuple[str, str], ...] = (
    ("ck", "k"), ("schtsch", "s"), ("szcz", "s"), ("shch", "s"), ("tsch", "c"), ("yo", "e"), ("jo", "e"), ("sch", "s"), ("tch", "c"), ("zh", "z"), ("kh", "h"), ("ch", "c"),
    ("sh", "s"), ("ts", "c"), ("tz", "c"), ("cz", "c"), ("sz", "s"), ("ph", "f"), ("th", "t"),
    ("gh", "h"), ("dz", "d"), ("x", "ks"), ("q", "k"), ("w", "v"), ("j", "i"), ("y", "i"), ("g", "h"),
)
_DOUBLE = re.compile(r"(.)\1+")
# u between vowels is the glide w (Naualna / Nawalna, Daua / Dawa); not after o (French ou).
_U_GLIDE = re.compile(r"(?<=[ae])u(?=[aeio])")


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
    # Translated words: skeleton (or its stem) -> the English concepts it means.
    concepts: dict[str, frozenset[str]]
    # Skeletons of very common name parts and words (names.yaml common_*): never proof alone.
    common_given: frozenset[str] = frozenset()
    common_surnames: frozenset[str] = frozenset()
    common_words: frozenset[str] = frozenset()
    # English concept -> first letters (skeleton) of its words in every language: acronyms
    # are written in either (NNK = Novaya Neftyanaya Kompaniya = New Oil Company).
    concept_initials: dict[str, frozenset[str]] = dataclass_field(default_factory=dict)
    # Words that belong to a unitary-enterprise legal form when they directly precede it
    # (Republican Production and Trade | Unitary Enterprise): names.yaml unitary_modifiers.
    unitary_modifiers: frozenset[str] = frozenset()
    # Diminutive (skeleton) -> the given names (canonical skeletons) it is short for: Sasha ->
    # aleksandr, aleksandra (names.yaml diminutives).
    diminutives: dict[str, frozenset[str]] = dataclass_field(default_factory=dict)
    # Places (skeletons) of four letters whose stem, the last vowel cut, is three: Lida, Tula.
    short_places: frozenset[str] = frozenset()
    # Skeletons of name parts that mark a name as Arabic (names.yaml arabic_markers: Abu, Al,
    # Mohammed): its vowels are written many ways (Teir / Tair, Jamileh / Jamila).
    arabic_markers: frozenset[str] = frozenset()
    # Cities and regions (skeletons, names.yaml places): the same body or firm of another place
    # is another party (the Gomel / Brest Regional Executive Committee).
    places: frozenset[str] = frozenset()
    # Titles and honorifics written before a person's name on one list and not on another
    # (Haji, Mullah, Shaykh, Colonel: names.yaml person_titles): they tell no one apart.
    person_titles: frozenset[str] = frozenset()


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
    patronymics: dict[str, str] = {}
    for group in raw["given_names"]:
        forms = [t for g in group for t in latin_tokens(str(g))[:1]]
        sks = [skeleton(t) for t in forms]
        for s in sks:
            given.setdefault(s, sks[0])
        for form in forms:
            for male, pat in _patronymic_forms(form):
                patronymics.setdefault(skeleton(pat), sks[0] + ("ovic" if male else "ovna"))
    names = set(given.values())  # patronymics are not given names (common_given below)
    for s, canon in patronymics.items():
        given.setdefault(s, canon)
    concepts: dict[str, set[str]] = {}
    initials: dict[str, set[str]] = {}
    for english, words in (raw.get("translations") or {}).items():
        for w in [english, *words]:
            wtoks = latin_tokens(str(w))
            if len(wtoks) != 1:
                continue  # one word each: phrases are matched word by word
            initials.setdefault(str(english), set()).add(skeleton(wtoks[0])[0])
            for key in _concept_keys(skeleton(wtoks[0])):
                concepts.setdefault(key, set()).add(str(english))
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

    common_given = frozenset({given.get(s, s) for s in sk_set("common_given")} | names)
    modifiers = frozenset(t for w in raw.get("unitary_modifiers") or [] for t in latin_tokens(str(w)))
    dims: dict[str, set[str]] = {}
    for full, shorts in (raw.get("diminutives") or {}).items():
        name = given.get(skeleton(latin_tokens(str(full))[0]))
        if name is None:
            raise ValueError(f"names.yaml diminutives: {full!r} is not a given name there")
        for short in shorts:
            sk = skeleton(latin_tokens(str(short))[0])
            if given.get(sk, name) == name:  # a short form that is another name's full form: not read so
                dims.setdefault(sk, set()).add(name)
    return NameData(frozenset(singles), ordered, cons, {k: tuple(v) for k, v in by_first.items()},
                    {k: tuple(v) for k, v in cons_first.items()}, frozenset(generic), given,
                    {k: frozenset(v) for k, v in concepts.items()},
                    common_given, sk_set("common_surnames"), sk_set("common_words"),
                    {k: frozenset(v) for k, v in initials.items()}, modifiers,
                    {k: frozenset(v) for k, v in dims.items()},
                    frozenset(sk for sk in sk_set("short_places") if len(sk) == 4 and sk[-1] in "aoe"),
                    frozenset(given.get(sk, sk) for sk in sk_set("arabic_markers")), sk_set("places"),
                    sk_set("person_titles"))


_PAT_MALE = ("ovich", "evich", "avich", "ich", "yevich", "ievich", "yich")
_PAT_FEMALE = ("ovna", "evna", "auna", "euna", "ichna", "yevna", "ievna", "aeuna", "avna")  # avna: -awna (Radzivonawna)


def _patronymic_forms(form: str) -> list[tuple[bool, str]]:
    """Russian / Belarusian / Ukrainian patronymics of a given name (male?, form): Petr,
    Piatro -> Petrovich, Piatrovich; Mikalai -> Mikalaevich, Mikalaeuna; Pavel -> Pavlovich."""
    if len(form) < 3 or not form.isalpha():
        return []
    stems = {form}
    if form[-1] in "aeiouy":
        stems.add(form[:-1])
    if len(form) >= 5 and form[-2] in "aeiouy" and form[-3] not in "aeiouy":
        stems.add(form[:-2] + form[-1])  # fleeting vowel: Pavel -> Pavl-ovich
    return [(True, s + x) for s in stems for x in _PAT_MALE] + [(False, s + x) for s in stems for x in _PAT_FEMALE]


# Adjective and case endings of Russian / Belarusian words (skeleton letters: y is i).
_ENDINGS = ("aia", "oie", "ogo", "oho", "aga", "ova", "ovo", "ih", "ii", "oi", "ai", "ie", "oe", "ae", "ui", "a", "i", "e",
            "o", "u")


def _stem(sk: str) -> str:
    for e in _ENDINGS:
        if sk.endswith(e) and len(sk) - len(e) >= 4:
            return sk[: -len(e)]
    return sk


def _concept_keys(sk: str) -> tuple[str, ...]:
    """Lookup keys of a word in the translation vocabulary: its skeleton, its stem, and (long
    stems) the stem's consonants, which Russian and Belarusian spellings share."""
    stem = _stem(sk)
    keys = [sk, "~" + stem]
    cons = stem.translate(_VOWELS)
    if len(stem) >= 8 and len(cons) >= 5:  # long words only: short proper names collide (naftan/neftyan)
        keys.append("#" + cons)
    return tuple(keys)


def concepts_of(sk: str, data: NameData) -> frozenset[str]:
    return _concepts_of(sk) if data is name_data() else _concepts_in(sk, data)


@lru_cache(maxsize=200_000)
def _concepts_of(sk: str) -> frozenset[str]:
    return _concepts_in(sk, name_data())


def _concepts_in(sk: str, data: NameData) -> frozenset[str]:
    if len(sk) < 3 or sk.isdigit():
        return frozenset()
    out = _concepts_by_keys(sk, data)
    if not out and len(sk) >= 4:
        # A word the vocabulary lacks in this romanisation: read as another system writes it.
        # Only the Russian and Belarusian words: an English word is read as it is written
        # (class is no Polish glass).
        english = _english_keys(data)
        for alt in _other_romanisations(sk):
            out = _concepts_by_keys(alt, data, english)
            if out:
                break
    return out


def _concepts_by_keys(sk: str, data: NameData, skip: frozenset[str] = frozenset()) -> frozenset[str]:
    out: frozenset[str] = frozenset()
    for key in _concept_keys(sk):
        hit = data.concepts.get(key) if key not in skip else None
        if hit:
            out = out | hit
    return out


_ENGLISH_KEYS: dict[int, tuple[NameData, frozenset[str]]] = {}


def _english_keys(data: NameData) -> frozenset[str]:
    """Lookup keys of the vocabulary's English words (built once per loaded name data)."""
    got = _ENGLISH_KEYS.get(id(data))
    if got is None or got[0] is not data:
        keys = frozenset(k for e in data.concept_initials for t in latin_tokens(e) for k in _concept_keys(skeleton(t)))
        got = _ENGLISH_KEYS[id(data)] = (data, keys)
    return got[1]


# Skeleton letters of one Cyrillic word in other romanisations, to the vocabulary's (English-
# style) skeleton: French ou for у (Oupravlenie); GOST 7.79 B x for х (ximii, skeleton "ks");
# Polish ch for х (chimii, skeleton "c");
# German z for ц and s for з before a vowel (Awiazionnyi, Sawod); ISO 9 folded to ASCII, which
# loses я's iotation (Novaâ -> Novaa: a doubled a ends no Russian word otherwise).
_GERMAN_Z = re.compile(r"(?<![a-z])s(?=[aeiou])|(?<=[aeiou])s(?=[aeiou])")
_FOLDED_YA = re.compile(r"aa$")


def _other_romanisations(sk: str) -> list[str]:
    out: list[str] = []
    if "ou" in sk:
        french = sk.replace("ou", "u")
        out.append(french)
        if "c" in french:
            out.append(french.replace("c", "s"))  # French ch for ш, chtch for щ (skeleton c)
    if "ks" in sk:
        out.append(sk.replace("ks", "h"))
    if "c" in sk:
        out.append(sk.replace("c", "h"))  # Polish, German, Czech ch for х (chimii), skeleton c
    if "z" in sk or "s" in sk:
        german = _GERMAN_Z.sub("z", sk.replace("z", "c"))
        if german != sk:
            out.append(german)
    if sk.endswith("aa"):
        out.append(_FOLDED_YA.sub("aia", sk))
    return out


_VOWELS = str.maketrans("", "", "aeiouy")


@lru_cache(maxsize=200_000)
def _legal_key(token: str) -> str:
    """Long words by their consonants, short ones ("s", "z") as written."""
    return skeleton(token).translate(_VOWELS) if len(token) >= 4 else "=" + token


_SIGNS = {ord(c): " " for c in SIGNS}  # NFKC would make ™ the letters "TM"


def to_latin(text: str) -> str:
    """NFKC, case-folded, Cyrillic transliterated, diacritics folded; ASCII out."""
    if not text.isascii():
        text = text.translate(_SIGNS)
    text = unicodedata.normalize("NFKC", text).casefold()
    if text.isascii():
        return text
    if "šč" in text:  # Łacinka/Czech-style шч, щ (before the diacritics are folded away)
        text = text.replace("šč", "shch")
    belarusian = any(c in _BELARUSIAN for c in text)
    out: list[str] = []
    last = len(text) - 1
    for i, c in enumerate(text):
        if c < "\u0080":
            out.append(c)
        elif c in _CYR:
            lat = "h" if belarusian and c == "г" else _CYR[c]
            if len(lat) > 1 and (i == 0 or not text[i - 1].isalpha()) and (i == last or not text[i + 1].isalpha()):
                lat = lat[0]  # an initial (Кузьменко В.Ю.): one letter, as Kuzmenko V.Y.
            out.append(lat)
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
    """Other scripts (Arabic, Chinese, Greek ...) appear in the official lists; ICU knows them.
    ICU is slow per call (a few ms for a Chinese name), so words are transliterated once each
    and Chinese characters one by one (each is one syllable: the same text as the whole)."""
    out: list[str] = []
    for word in text.split():
        if not any(_is_han(c) for c in word):
            out.append(_icu_word(word))
            continue
        run = ""
        for c in word:
            if _is_han(c):
                if run:
                    out.append(_icu_word(run))
                    run = ""
                out.append(_icu_word(c))
            else:
                run += c
        if run:
            out.append(_icu_word(run))
    return " ".join(out)


def _is_han(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"


@lru_cache(maxsize=50_000)
def _icu_word(word: str) -> str:
    try:
        from normality import ascii_text

        return (ascii_text(word) or "").lower()
    except Exception:  # pragma: no cover - normality/ICU missing: drop what we cannot read
        return "".join(c for c in word if c.isascii())


# Apostrophes used as quotes around a trade name, even with no space before them
# (OJSC'Lakokraska'): a pair closed before a non-letter. An apostrophe inside a word (O'Brien,
# Ma'ruf, Mus'ab) is no quote.
_APOSTROPHE_QUOTES = re.compile(r"[\u0027\u2019\u02bc\u2018\u0060\u00b4]([^\u0027\u2019\u02bc\u2018\u0060\u00b4\s][^\u0027\u2019\u02bc\u2018\u0060\u00b4]*?[^\W_])[\u0027\u2019\u02bc\u2018\u0060\u00b4](?![^\W_])")
_DIGIT = re.compile(r"\d")
# Ordinal endings of a number (140th, 1st, 140-й read 140-i / 140-go): the number itself.
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th|-(?:[iy]j?|yi|ii|oi|go|ogo|ia|ya|ja|aia))\b"
                      # and the number sign before it: Plant No. 140, Nr 140, № 140 (NFKC: No)
                      # (any marks between: an unreadable letter read '?' in No?0 goes too, else a
                      # second pass would drop the 'no' the first kept)
                      r"|\b(?:no|nr)[\W_]*(?=\d)")


def _one_letter(m: re.Match[str]) -> str:
    return next(g for g in m.groups() if g) + "."


def latin_tokens(text: str) -> list[str]:
    latin = to_latin(text)
    if "'" in latin or "`" in latin:
        latin = _APOSTROPHE_QUOTES.sub(r" \1 ", latin)
    latin = _LOST.sub("", _APOSTROPHES.sub("", latin))
    if "." in latin:
        latin = _DIGRAPH_INITIAL.sub(_one_letter, latin)
    if _DIGIT.search(latin):
        latin = _ORDINAL.sub("", latin)
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
    if "u" in s:
        s = _U_GLIDE.sub("v", s)
    return _DOUBLE.sub(r"\1", s)


@dataclass(frozen=True, slots=True)
class NameRep:
    """A parsed name: readable tokens, their skeletons, and what was removed."""

    text: str
    tokens: tuple[str, ...]  # readable Latin
    skeletons: tuple[str, ...]
    ignored: tuple[str, ...]  # legal forms removed
    # Per token, the English concepts of a translated word (zavod: plant, works, factory).
    concepts: tuple[frozenset[str], ...] = ()
    # Skeletons before given names and patronymics were mapped to one form: a spelling the
    # name data lacks (Henadsewitsch) can still be close to the other side's own spelling.
    raw: tuple[str, ...] = ()

    @property
    def compact(self) -> str:
        return "".join(self.skeletons)

    @property
    def numbers(self) -> frozenset[str]:
        return _numbers(self.skeletons)


@lru_cache(maxsize=200_000)
def _numbers(skeletons: tuple[str, ...]) -> frozenset[str]:
    return frozenset(s for s in skeletons if s.isdigit())


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
    if tokens[i] in data.legal_single:
        return 1
    if i + 2 < len(tokens) and (tokens[i] in data.legal_by_first or tokens[i + 1] in _legal_by_second()):
        return _legal_mistyped(tuple(tokens[i:i + 6]), data)
    return 0


@lru_cache(maxsize=1)
def _legal_by_second() -> dict[str, tuple[tuple[str, ...], ...]]:
    """The legal forms of three words or more by their second word (the first may be mistyped)."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for p in name_data().legal_phrases:
        if len(p) >= 3:
            out.setdefault(p[1], []).append(p)
    return {k: tuple(v) for k, v in out.items()}


def _legal_mistyped(window: tuple[str, ...], data: NameData) -> int:
    """A legal form of three words or more with one of its long words mistyped (Public Joint
    Stock Comany, Limited Liabilty Company): one letter dropped, added, changed or two swapped in
    a word of five letters or more, the other words as written; how many tokens it spans."""
    if len(window) < 3:
        return 0
    cands = [p for p in data.legal_by_first.get(window[0], ()) if len(p) >= 3]
    cands += _legal_by_second().get(window[1], ())
    for phrase in cands:
        k = len(phrase)
        if len(window) < k:
            continue
        diff = [(x, y) for x, y in zip(window[:k], phrase, strict=True) if x != y]
        if len(diff) == 1 and min(len(diff[0][0]), len(diff[0][1])) >= 5 and _one_slip(*diff[0]):
            return k
    return 0


def _one_slip(x: str, y: str) -> bool:
    """One letter dropped, added or changed, or two neighbours swapped."""
    if abs(len(x) - len(y)) > 1:
        return False
    if len(x) == len(y):
        d = [k for k in range(len(x)) if x[k] != y[k]]
        return len(d) == 1 or (len(d) == 2 and d[1] == d[0] + 1 and x[d[0]] == y[d[1]] and x[d[1]] == y[d[0]])
    if len(x) < len(y):
        x, y = y, x
    return any(x[:k] + x[k + 1:] == y for k in range(len(x)))


def _legal_typo(token: str, data: NameData) -> str:
    """A legal form as ERP data mistypes it: zero for O (0AO, 000 = ООО), two letters swapped
    (OJCS, CJCS); the token as it is otherwise."""
    if "0" in token:
        fixed = token.replace("0", "o")
        if fixed in data.legal_single and (not token.isdigit() or fixed == "ooo"):
            return fixed
        return token
    return _legal_swaps().get(token, token) if len(token) >= 4 else token


# How other romanisations write the letters of a Cyrillic abbreviation that our Latin form
# writes ch (Ч), v (В), u (У): Polish (CzPTUP), French (TchPTOuP), German (TschPTUP), ISO 9
# folded to ASCII (CPTUP, from ČPTUP). One system per variant, as a text uses one.
_LEGAL_ROMANISATIONS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("ch", "cz"), ("v", "w")), (("ch", "tch"), ("u", "ou")), (("ch", "tsch"), ("v", "w")), (("ch", "c"),))


@lru_cache(maxsize=1)
def _legal_swaps() -> dict[str, str]:
    """Legal forms of four letters or more with two neighbouring letters swapped (OJCS), or an
    abbreviation of Cyrillic letters in another romanisation (CzPTUP, GWTUP) -> the form."""
    singles = name_data().legal_single
    out: dict[str, str] = {}
    for form in singles:
        if len(form) >= 4 and form.isalpha():
            for k in range(len(form) - 1):
                swapped = form[:k] + form[k + 1] + form[k] + form[k + 2:]
                if swapped not in singles:
                    out.setdefault(swapped, form)
    for form in sorted(singles):
        # Only abbreviations without vowels but the u of УП (chptup, gvtup, rptup): a word-like
        # form (gmbh, ltd) is not a letter-by-letter abbreviation of Cyrillic.
        if not (form.isalpha() and 3 <= len(form) <= 7 and form.endswith(("up", "upp"))):
            continue
        for system in _LEGAL_ROMANISATIONS:
            spelt = form
            for a, b in system:
                spelt = spelt.replace(a, b)
            if spelt != form and len(spelt) >= 4 and spelt not in singles:
                out.setdefault(spelt, form)
    return out


def _legal_typos(tokens: list[str], data: NameData, letters: int) -> list[str]:
    """A name's first and last words read as legal forms when they are one mistyped or written
    letter by letter, at least ``letters`` of them (L.L.C., O.A.O., J.S.C.): only there, where
    legal forms stand, as a person's initials are letters too."""
    out = list(tokens)
    n = len(out)
    # Single letters at the start or end that together spell a legal form.
    k = 0
    while k < n and len(out[k]) == 1 and out[k].isalpha():
        k += 1
    if letters <= k < n and "".join(out[:k]) in data.legal_single:
        out = ["".join(out[:k]), *out[k:]]
    n = len(out)
    k = n
    while k > 0 and len(out[k - 1]) == 1 and out[k - 1].isalpha():
        k -= 1
    if n - k >= letters and k > 0 and "".join(out[k:]) in data.legal_single:
        out = [*out[:k], "".join(out[k:])]
    if len(out) >= 2:
        out[0], out[-1] = _legal_typo(out[0], data), _legal_typo(out[-1], data)
    return out


def _strip_legal(tokens: list[str], data: NameData, person: bool | None = False,
                 cyrillic: bool = False) -> tuple[list[str], list[str]]:
    """Tokens without their legal forms, and the forms removed. ``person``: True for a person's
    name, None when the kind is unknown, False for an organisation (see ``_name_part``);
    ``cyrillic``: the name was written in Cyrillic."""
    if person is not True and tokens:
        # Letters of a legal form: two in an organisation's name (S.A.), three when the kind is
        # unknown (O.A.O., L.L.C.), where two may be a person's initials (Ivanov A. O.).
        tokens = _legal_typos(tokens, data, letters=2 if person is False else 3)
    keys = [_legal_key(t) for t in tokens]
    spans: list[tuple[int, int]] = []  # (start, end) of each legal form, the unitary owner included
    i = 0
    while i < len(tokens):
        k = _legal_at(tokens, keys, i, data)
        if k:
            start = i
            if any(t.startswith("unitar") for t in tokens[i:i + k]):
                # Belarusian unitary enterprises name their owner and trade in the form itself
                # (State Owned Foreign Trade / Republican Production and Trade Unitary Enterprise).
                floor = spans[-1][1] if spans else 0
                while start > floor and tokens[start - 1] in data.unitary_modifiers:
                    start -= 1
            spans.append((start, i + k))
            i += k
        else:
            i += 1
    if person is not False and spans:
        spans = [sp for sp in spans if not _name_part(tokens, sp, spans, data, person, cyrillic)]
    if not spans:
        return tokens, []
    kept: list[str] = []
    ignored: list[str] = []
    prev = 0
    for start, end in spans:
        kept.extend(tokens[prev:start])
        ignored.append(" ".join(tokens[start:end]))
        prev = end
    kept.extend(tokens[prev:])
    if not kept:  # a name that is only a legal form ("AO") keeps its words
        return tokens, []
    return kept, ignored


_VOWEL = re.compile(r"[aeiouy]")


def _name_part(tokens: list[str], span: tuple[int, int], spans: list[tuple[int, int]], data: NameData,
               person: bool | None, cyrillic: bool = False) -> bool:
    """Whether a legal form found in a name is rather one of its name parts: Se in Paek Se Bong
    (Societas Europaea), Sa, Ao, Ip are Korean and Chinese syllables too, Ag the Tuareg "son of".
    Only a word of two letters with a vowel (never LLC, OOO, GmbH or a phrase); in a person's
    name always; of unknown kind between two other words (legal forms stand first or last) when
    nothing else says organisation: no other legal form, no generic, common or vocabulary word
    (Shipping, Zavod), no number."""
    start, end = span
    if (person or cyrillic) and all(len(t) == 1 for t in tokens[start:end]):
        # A person's initials (Kalinouski S.A., Ivanov N.V.), not S.A. or N.V.; in Cyrillic
        # (Каліноўскі С.А.) whatever the kind: those forms of single letters are Latin ones.
        return True
    word = tokens[start]
    if end - start != 1 or len(word) > 2 or not _VOWEL.search(word) or word.isdigit():
        return False
    if person:
        return True
    if start == 0 or end == len(tokens) or len(spans) > 1:
        return False
    return not any(t.isdigit() or (sk := skeleton(t)) in data.generic or sk in data.common_words or
                   _concepts_in(sk, data) for k, t in enumerate(tokens) if k != start)


@lru_cache(maxsize=200_000)
def parse_name(text: str, person: bool | None = None) -> NameRep:
    """A name parsed; ``person``: True for a person's name (short legal-form words are name parts:
    Paek Se Bong), None for a name of unknown kind (the same when the name reads as a person's),
    False for an organisation."""
    if person:
        base = parse_name(text)
        if not base.ignored:
            # Nothing stripped (or only name parts, which a person's reading keeps too): the
            # same parse, one cache entry's work.
            return base
    data = name_data()
    tokens, ignored = _strip_legal(latin_tokens(text), data, person,
                                   cyrillic=person is None and not text.isascii() and bool(_CYRILLIC.search(text)))
    raw = tuple(skeleton(t) for t in tokens)
    sks = tuple(data.given.get(s, s) for s in raw)
    concepts = tuple(concepts_of(s, data) for s in raw)
    return NameRep(text=text, tokens=tuple(tokens), skeletons=sks, ignored=tuple(ignored), concepts=concepts,
                   raw=raw if raw != sks else ())


# Kinds of party that are people (the CLI's and the lists' words).
PERSON_KINDS = frozenset(("person", "individual"))


def name_reading(kind: str | None) -> bool | None:
    """How ``parse_name`` reads short legal-form words for a party of this kind: True for a
    person (name parts: Kim Se), False for an organisation, company or vessel (legal forms),
    None when the kind is not given or unknown (by the name's look)."""
    if not kind or kind.lower() == "unknown":
        return None
    return kind.lower() in PERSON_KINDS


def normalize_name(name: str, kind: str | None = None) -> str:
    """The readable normal form: Latin tokens without legal forms, space-separated. ``kind``:
    as for ``similarity`` (person, organization, ...); None reads the name by its look, so a
    person's name can lose a part that is also a legal form (Kim Se -> kim; as a person: kim se)."""
    return " ".join(parse_name(name, name_reading(kind)).tokens)


# "X a.k.a. Y", "X aka Y", "X f.k.a. Y", "X (formerly Y)", "X, also known as Y", "X / Y".
_ALT_MARKERS = re.compile(
    r"(?:\s*[,;]\s*|\s+|^)(?:a\.\s?k\.\s?a\.?|aka|f\.\s?k\.\s?a\.?|fka|n\.\s?k\.\s?a\.?|nka|also\s+known\s+as|"
    r"formerly\s+known\s+as|formerly|previously\s+known\s+as|now\s+known\s+as|ранее|он\s+же|она\s+же)"
    r"(?=[\s:,(]|$)[\s:,]*|\s+/\s+",
    re.IGNORECASE)
_PARENS = re.compile(r"\(([^)]*)\)")


def _only_legal_or_generic(inner: str, whole: str) -> bool:
    """'(Pty)', '(Private) Limited', '(Trading House)': part of the name, not an alternative."""
    data = name_data()
    toks = latin_tokens(inner)
    if not toks:
        return True
    if all(skeleton(t) in data.generic or t in data.legal_single for t in toks):
        return True
    # Inside a legal phrase of the whole name read without the brackets ("Beta (Private) Limited").
    kept, _ = _strip_legal(latin_tokens(whole.replace("(", " ").replace(")", " ")), data)
    return not set(toks) & set(kept)


@lru_cache(maxsize=50_000)
def query_variants(name: str) -> tuple[str, ...]:
    """``split_variants(name, query=True)``, cached (bounded): a batch repeats its party names."""
    if "(" not in name and "/" not in name and ";" not in name and not _MARKER_HINT.search(name):
        return (name,)
    return tuple(split_variants(name, query=True))


_MARKER_HINT = re.compile(r"k\.?\s?a\b|known|formerly|ранее|же\b", re.IGNORECASE)


def split_variants(name: str, *, query: bool = False) -> list[str]:
    """A name and the names inside it, the whole first: 'X (ABC)' also gives 'X' and 'ABC';
    'X a.k.a. Y', 'X (formerly Y)', 'X / Y' give X and Y (a query 'X; Y' too); listed names 'X — managing company of
    holding Y' also give 'X' (``query=True`` skips that dash split: a query's words after a dash
    may be what tells two companies apart). Legal-form or generic parentheses ('Foo (Pty) Ltd')
    are not split off."""
    out = [name]

    def add(part: str) -> None:
        part = part.strip(" ,;:-—–/")
        if len(part) >= 2 and part not in out and latin_tokens(part):
            out.append(part)

    inners = [m for m in _PARENS.findall(name) if not _only_legal_or_generic(m, name)]
    base = _PARENS.sub(lambda m: " " if not _only_legal_or_generic(m.group(1), name) else m.group(0), name)
    base = re.sub(r"\s+", " ", base).strip()
    if base != name:
        add(base)
    for inner in inners:
        pieces = _ALT_MARKERS.split(inner.strip())
        for p in pieces:
            add(p)
    for source in [base] if base else []:
        pieces = _ALT_MARKERS.split(source)
        if len(pieces) > 1:
            for p in pieces:
                add(p)
    if query and ";" in base:
        # A query holding a list of names ("Mortaza Safari; Morteza Saferi"): each is a name.
        for p in base.split(";"):
            add(p)
    if not query:
        for part in re.split(r"\s+[—–-]\s+", base):
            if len(part.strip(" ,;")) >= 3:
                add(part)
    return out
