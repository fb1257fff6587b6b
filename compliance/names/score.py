"""Scoring two parsed names: weighted token alignment, person rules, explanation.

Score in [0, 1], symmetric. Each token of one name is aligned to at most one token of the
other (exact skeleton, transliteration variant, initial, or fuzzy with rapidfuzz
Levenshtein); the score is the mean of the weighted share of each name that is matched.
Rare words weigh more than common ones (weights from the loaded lists), generic words alone
never make a match, numbers must be equal, persons need more than a surname.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz.distance import OSA, Levenshtein

from compliance.names.normalize import (
    _DOUBLE,
    _SKELETON_RULES,
    NameRep,
    concepts_of,
    latin_tokens,
    name_data,
    skeleton,
)

FUZZY_FLOOR = 0.75  # token similarity below this is no match
GENERIC_WEIGHT = 0.25
PATRONYMIC_WEIGHT = 0.5
INITIAL_CREDIT = 0.6
AKANYE_CREDIT = 0.95  # Baskov / Baskau: the Belarusian a for the Russian o, nothing else changed
GENERIC_ONLY_CAP = 0.6
GENERIC_SAME_CAP = 0.8  # the same name of generic words only (Belarus Trading): review at most
CONTAINED_NAME_SCORE = 0.85  # a rare listed name whole inside a longer one (Acme & Belaruskali): review
CONTAINED_EXTRA = 2  # at most this many other words around it
NUMBER_MISMATCH_CAP = 0.6
PLACE_MISMATCH_CAP = 0.75  # Minsk / Vitebsk Civil Aviation Plant: below review
SURNAME_ONLY_CAP = 0.7
MIDDLE_CONFLICT_CAP = 0.78
TRANSLATED_CREDIT = 0.95  # a word and its translation (zavod / plant): nearly as good as the same word
SHORT_NAME_CAP = 0.88  # a lone acronym (MAZ, BPC) is worth a review, never a block by itself
# "Review at most" rules: a ceiling kept after the country bonus (the index applies it again).
REVIEW_CEILING = 0.88
# Two very common name parts only (Aleksandr Ivanov, Wei Zhang): review unless other evidence;
# the country bonus (+0.03) can still lift it to the block threshold.
COMMON_NAME_CAP = 0.87
OTHER_GENDER_CREDIT = 0.3  # Aleksandr / Aleksandra: another person
TRANSPOSED_SHORT_CREDIT = 0.85  # Abd / Adb
LIST_COMMON_WEIGHT = 0.95  # a weight below this means the word is frequent in the loaded lists

Weight = Callable[[str], float]


@dataclass(slots=True)
class Alignment:
    score: float
    pairs: list[tuple[int, int, float, str]] = field(default_factory=list)  # (i, j, credit, how)
    notes: list[str] = field(default_factory=list)
    ceiling: float = 1.0  # applies after the country evidence too


# The better-covered side counts more: a name and the same name with descriptive words added
# (Belshina / Belshina Tyre Works) are one party more often than not.
COVER_MAX_SHARE = 0.7
PERSON_MAX_SHARE = 0.7
PERSON_VARIANT_SHARE = 0.6
NEAR_PLUS_EXTRA_CAP = 0.78
STOPWORD_WEIGHT = 0.05  # "of", "the", "imeni": long official names have many
_STOPWORDS = frozenset(skeleton(w) for w in (
    "of", "the", "and", "for", "de", "la", "del", "i", "v", "na", "po", "a", "an", "named", "after", "imeni", "imeny",
    "et", "und", "im", "pri", "z", "s", "ve", "da", "do",
    "al", "el", "ul"))  # the Arabic article (Al-Ghamari, Harakat ul-Ansar)


@lru_cache(maxsize=200_000)
def default_weight(sk: str) -> float:
    if sk in _STOPWORDS:
        return STOPWORD_WEIGHT
    data = name_data()
    return GENERIC_WEIGHT if sk in data.generic else 1.0


@lru_cache(maxsize=200_000)
def _descriptive(sk: str) -> bool:
    """A generic word, a stop word or a word of the translation vocabulary (tyre, works,
    management): it describes an organisation rather than names it."""
    if sk in _TRADE_WORDS or sk in _REGION_WORDS:
        return False
    concepts = concepts_of(sk, name_data())
    if concepts and not concepts.isdisjoint(_REGION_CONCEPTS):
        return False
    return default_weight(sk) < 1.0 or bool(concepts)


# Where a firm works (Transneft-Sibir / Transneft-Central Siberia, X / North X): another regional
# firm of the group as often as the same one, so not a description of it.
_REGION_CONCEPTS = frozenset(("central", "northern", "southern", "eastern", "western", "north", "south", "east",
                              "west"))
_REGION_WORDS = frozenset(skeleton(w) for w in _REGION_CONCEPTS)


# A name plus one of these is as often a separate trading or holding vehicle (Belaruskali /
# Belaruskali Trading House, X Group Capital): no credit for the better-covered side.
_TRADE_WORDS = frozenset(skeleton(w) for w in (
    "trading", "trade", "group", "capital", "invest", "investment", "investments", "import", "export", "supply",
    "supplies", "international", "intl", "global", "finance", "financial", "logistics", "services", "service",
    "solutions", "systems", "partners", "consulting", "distribution", "house", "dom", "torgovyi", "torgovy",
    "grupp", "gruppa", "energy", "energo"))


_PATRONYMIC_ENDINGS = ("vic", "vna", "auna")


@lru_cache(maxsize=200_000)
def _patronymic_index(skeletons: tuple[str, ...]) -> int | None:
    """Which token is the patronymic (Grigoryevich, Ivanovna, Mikhailauna), if any.

    With two candidates ("Aleksandr Grigorievich Volfovich") the second token is the patronymic
    (Russian order First Patronymic Last); a lone candidate in a two-token name is a surname.
    """
    if len(skeletons) < 3:
        return None
    cands = [i for i, sk in enumerate(skeletons) if len(sk) >= 6 and sk.endswith(_PATRONYMIC_ENDINGS)]
    if not cands:
        return None
    if len(cands) == 1:
        # Beside initials only (M. P. Bedunkevich, Volfovich A.G.) a -vich word is the surname:
        # a patronymic is written out only after a given name written out.
        if all(len(sk) == 1 for k, sk in enumerate(skeletons) if k != cands[0]):
            return None
        return cands[0]
    return 1 if 1 in cands else cands[-1]


_VOWELS = str.maketrans("", "", "aeiou")


def _consonants(sk: str) -> str:
    return sk.translate(_VOWELS)


# Surname-forming suffixes (skeletons), by family: a Polish -ski, a Ukrainian -chuk / -iuk, a
# Ukrainian or Belarusian -enko / -enka and a -vich (-wicz) are four surnames on one stem
# (Kowalski / Kovalchuk / Kovalenko / Kovalevich), however alike their letters; the spellings of one
# suffix (-sky / -ski / -skii, -enka / -enko / -anka, -vich / -wicz) stay one family.
_SURNAME_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("skaia", "ski"), ("skai", "ski"), ("ska", "ski"), ("ski", "ski"), ("cuk", "uk"), ("iuk", "uk"),
    ("enko", "enko"), ("enka", "enko"), ("anka", "enko"), ("anko", "enko"), ("ovic", "vic"), ("evic", "vic"),
    ("vic", "vic"), ("vna", "vic"), ("ovna", "vic"),
)


@lru_cache(maxsize=100_000)
def _surname_suffix(sk: str) -> str | None:
    for suffix, family in _SURNAME_SUFFIXES:
        if sk.endswith(suffix) and len(sk) - len(suffix) >= 3:
            return family
    return None


def _suffix_clash(x: str, y: str) -> bool:
    """Two skeletons ending in suffixes of two surname families (Kovalski / Kovalcuk)."""
    fx, fy = _surname_suffix(x), _surname_suffix(y)
    return fx is not None and fy is not None and fx != fy


def _place_key(sk: str) -> str:
    # One place in its Russian and Belarusian forms (Grodno / Hrodna, Mogilev / Mahiliou,
    # Vitebsk / Viciebsk): consonants, Belarusian ў as в, ц as т.
    return _consonants(_be_u(sk)).replace("c", "t")


def _other_place(a: NameRep, b: NameRep) -> bool:
    """Both names name a place and no place of one is a place of the other."""
    pa = _places_in(a.skeletons)
    if not pa:
        return False
    pb = _places_in(b.skeletons)
    return bool(pb) and pa.isdisjoint(pb)


@lru_cache(maxsize=100_000)
def _places_in(skeletons: tuple[str, ...]) -> frozenset[str]:
    places = name_data().places
    return frozenset(_place_key(sk) for sk in skeletons if sk in places)


def _initials_match(short: NameRep, long: NameRep) -> bool:
    """'BPC' for 'Belarusian Potash Company' (legal forms count: 'JSC' letters are not needed)."""
    if len(short.skeletons) != 1 or len(long.tokens) < 2:
        return False
    acronym = short.tokens[0]
    return 2 <= len(acronym) <= 6 and acronym.isalpha() and acronym == "".join(t[0] for t in long.tokens)


@lru_cache(maxsize=50_000)
def _legal_acronyms(tokens: tuple[str, ...], forms: tuple[str, ...]) -> tuple[int, ...]:
    """Which tokens abbreviate one of the legal forms ``forms``."""
    inits = [_form_initials(f) for f in forms]
    return tuple(k for k, tok in enumerate(tokens)
                 if 3 <= len(tok) <= 6 and any(_abbreviates(tok, ini) for ini in inits))


@lru_cache(maxsize=1_000)
def _form_initials(form: str) -> str:
    return "".join(w[0] for w in form.split())


def _abbreviates(token: str, initials: str) -> bool:
    """``token`` (3 to 6 letters) abbreviates the legal-form phrase with these word initials:
    its letters are initials in order, from the first word to the last (an acronym may skip a
    word: SFTUE for State Owned Foreign Trade Unitary Enterprise)."""
    if len(initials) < len(token) or token[0] != initials[0] or token[-1] != initials[-1] or not token.isalpha():
        return False
    k = 0
    for c in token:
        k = initials.find(c, k)
        if k < 0:
            return False
        k += 1
    return True


# Pair kinds judged by the words on both sides when deciding whether only generic or common
# words match: a word joined to a run of the other's, and a translation (the Russian word of a
# generic English one is not on the generic list: Natsionalnyy Bank / National Bank).
_RUN_KINDS = frozenset(("acronym", "split", "translated", "abbreviated"))
ACRONYM_CREDIT = 0.9  # an acronym and the words it abbreviates (GTF / Grodno Tobacco Factory)
# Words an acronym may leave out ("Ministry of Internal Affairs" = MIA, "imeni" in Russian).
_ACRONYM_SKIP = _STOPWORDS | {"y"}
_LETTER = {"g": "h", "w": "v", "j": "i", "y": "i", "q": "k", "x": "k"}


_CH = re.compile(r"(?<![st])ch")
_FR_GU = re.compile(r"gu(?=[eiy])")
_FR_INE = re.compile(r"(?<=[iy]n)e$")
_IO = re.compile(r"(?<=[^aeiouy])io(?=[^aeiouy]|$)")
_IT_SC = re.compile(r"sci(?=[aou])|sc(?=[eiy]|$|[^aeiouyh])")
_IT_C = re.compile(r"ci(?=[aou])|c(?=[eiy]|$|[^aeiouyhkszt])")
# A Baltic man's ending after a consonant.
# not -us (Henrikus is no Henrik), but -ius after a hushing sound (Kovačius, Volfovičius, from č š ž)
_BALTIC = re.compile(r"(?<=[^aeiouy])[ai]?s$|(?<=[aei]j)us$|(?<=[csz])ius$")
_GERMAN_S = re.compile(r"^s(?=[aeiouy])")


@lru_cache(maxsize=200_000)
def _kh_reading(token: str) -> tuple[str, ...]:
    """Skeletons of a token read the other ways Latin spellings write Cyrillic, given names
    mapped: ch as х (kh), French ch as ш with ou as у, Swedish tj as ч and sj as ш, Polish ck as цк,
    German z as ц, s as з and ch as х; () when nothing reads otherwise."""
    out: list[str] = []
    if "ch" in token:
        out.append(skeleton(_CH.sub("kh", token)))
    if "ou" in token or "ch" in token or "j" in token or "gu" in token:
        # French: ou is у, ch ш, tch ч, j ж, gu before e/i г, -ine -ин, io ё (Joukov, Gueorgui,
        # Khrouchtchiov); Turkish j is ж too (Jukov).
        fr = _FR_GU.sub("g", _FR_INE.sub("n", token.replace("ou", "u").replace("tch", "\x00")))
        out.append(skeleton(_IO.sub("yo", _CH.sub("sh", fr).replace("\x00", "ch").replace("j", "zh"))))
    if token.startswith("dj") and len(token) >= 5:
        # French dj for the Arabic and Turkic j (Djamel = Jamal, Djaafar, Djibril).
        out.append(skeleton(token[1:]))
    if "j" in token and len(token) >= 5:
        # Spanish: j is х, gu before e/i г (Jruschov, Mijail); not a Korean syllable (Jin / Chin).
        out.append(skeleton(_IO.sub("yo", _FR_GU.sub("g", token.replace("j", "kh")))))
    if "tj" in token or "sj" in token or "oe" in token or "zj" in token:
        # Swedish and Norwegian: tj is ч, sj is ш (Andrejevitj = Andreevich, Sjapetko = Shapetko);
        # Dutch: oe is у, sjtsj щ, tsj ч, zj ж (Sjtsjoekin = Shchukin, Zjoekov = Zhukov).
        nl = token.replace("sjtsj", "shch").replace("tsj", "ch").replace("zj", "zh").replace("oe", "u")
        out.append(skeleton(nl.replace("tj", "ch").replace("sj", "sh")))
    if "sc" in token or "c" in token[-1:] or "ci" in token:
        # Italian: sc(i) is ш, c(i) ч before a vowel or at the end (Sciusckevic, Gorbaciov).
        it = _IT_C.sub("ch", _IT_SC.sub("sh", token))
        out.append(skeleton(_IO.sub("yo", it)))
    if "sch" in token:
        # German sch is ж as well as ш (Schukow = Zhukov, Breschnew = Brezhnev).
        out.append(skeleton(token.replace("schtsch", "shch").replace("tsch", "ch").replace("sch", "zh")))
    if len(token) >= 7 and token.endswith("ova") and token[-4] not in "aeiouy":
        # Czech and Slovak add -ová to a woman's surname for its final -a (Pachodavová = Pachodava
        # in the EU lists' Czech and Slovak name variants).
        fem = token[:-3] + "a"
        out.append(skeleton(fem))
        if "ch" in fem:  # Czech ch is х
            out.append(skeleton(_CH.sub("kh", fem)))
    if "x" in token and len(token) >= 4:
        # GOST 7.79 system B writes х as x (Xrenin, Mixail, Xoldingz).
        out.append(skeleton(token.replace("x", "kh")))
    if "cs" in token or "zs" in token:
        # Hungarian: cs is ч, zs ж, scs щ (s is ш and sz с: the skeleton reads those alike).
        out.append(skeleton(token.replace("scs", "shch").replace("cs", "ch").replace("zs", "zh")))
    if len(token) >= 5 and _BALTIC.search(token):
        # Lithuanian and Latvian add a man's nominative ending to his name (Viktoras, Andrejus,
        # Sečinas; Viktors, Dmitrijs): the name without it, if four letters or more stay
        # (Lukas, Jonas, Linas are no Luk, Jon, Lin).
        stem = _BALTIC.sub("", token)
        if len(stem) >= 4:
            out.append(skeleton(stem))
            if "ch" in stem:  # Lithuanian ch is х (Chreninas = Khrenin)
                out.append(skeleton(_CH.sub("kh", stem)))
    if "ck" in token:
        # Polish and Czech ck is ц + к (Słuck = Slutsk); the skeleton reads English ck as k.
        out.append(skeleton(token.replace("ck", "tsk")))
    if ("z" in token and "zh" not in token and "sz" not in token and "cz" not in token) or _GERMAN_S.match(token):
        # German: z is ц, s before a vowel is з (Sajaz = Заяц, Sacharow = Захаров).
        out.append(skeleton(_CH.sub("kh", _GERMAN_S.sub("\x00", token.replace("z", "ts")).replace("\x00", "z"))))
    given = name_data().given
    return tuple(dict.fromkeys(given.get(sk, sk) for sk in out))


# Latin c before a, o, u or a consonant is k, and ti in -tion, -tia is ts (Latin natio): how
# English and Latin spellings differ from a Russian word's transliteration (Product / Produkt,
# Elektronika / Electronica, Auction / Aukcion = аукцион, Konstruktsiya / Constructia).
_LATIN_C = re.compile(r"c(?![eiyhzs])")
_LATIN_TI = re.compile(r"(?<=[^s])ti(?=ons?$|ya$|i?a$)")  # -tion, -tia (not Matias: a Spanish name)


LATIN_FLOOR = 0.9


@lru_cache(maxsize=200_000)
def _latin_reading(token: str) -> tuple[str, ...]:
    """The skeleton of an organisation's word read with Latin c and ti (``_LATIN_C``), () when
    that reads the same. Not for persons: Matias and Macias are two families."""
    if "c" not in token and "ti" not in token:
        return ()
    sk = skeleton(_LATIN_TI.sub("tsi", _LATIN_C.sub("k", token)))
    return (sk,) if sk != skeleton(token) else ()


@lru_cache(maxsize=50_000)
def _latin_readings(tokens: tuple[str, ...], person: bool) -> tuple[tuple[str, ...], ...]:
    """``_latin_reading`` of each token of a name, once per name; none for a person's."""
    empty: tuple[str, ...] = ()
    return tuple(empty for _ in tokens) if person else tuple(_latin_reading(t) for t in tokens)


# English words as Russian and Belarusian write them down by ear (Emirates Blue Sky = Эмирейтс
# Блю Скай = Emireits Blyu Skai; Leasing = Лизинг; Solutions = Солюшнс), ordered.
_ENGLISH_SOUNDS: tuple[tuple[str, re.Pattern[str], str], ...] = tuple((hint, re.compile(p), r) for hint, p, r in (
    # (a substring the rule needs, pattern, replacement): most words skip most rules.
    ("tion", r"tion(?=s?$)", "shn"),
    ("ue", r"(?<=[^aeiou])ue$", "yu"),
    ("y", r"^([^aeiouy]+)y$", r"\1ai"),
    ("igh", r"igh", "ai"),
    ("a", r"a(?=[^aeiouy]es?$)", "ei"),
    ("e", r"(?<=[^aeiou])e(?=s?$)", ""),
    ("e", r"ea|ee", "i"),
    ("oo", r"oo", "u"),
    ("s", r"(?<=[aeiou])s(?=[aeiou])", "z"),
    ("ch", r"(?<![st])ch(?![aeiouy])", "k"),  # Greek ch before a consonant or at the end (Tech / Tek)
    ("c", r"c(?=[eiy])", "s"),
    ("c", r"c(?!h)", "k"),
))


@lru_cache(maxsize=200_000)
def _english_reading(token: str) -> tuple[str, ...]:
    """The skeleton of an English word as Russian spells it by ear (organisations: their names
    are English words transcribed), () when it reads the same."""
    if len(token) < 3 or not token.isalpha():
        return ()
    out = token
    for hint, pattern, repl in _ENGLISH_SOUNDS:
        if hint in out:
            out = pattern.sub(repl, out)
    sk = skeleton(out)
    return (sk,) if sk != skeleton(token) else ()


def _heard_pairs(a: NameRep, b: NameRep, used_a: set[int], used_b: set[int]) -> list[tuple[float, int, int, str]]:
    """Candidate pairs of unmatched words where one is the other's English word written by ear."""
    out: list[tuple[float, int, int, str]] = []
    free_b = [(j, _english_reading(b.tokens[j])) for j in range(len(b.tokens)) if j not in used_b]
    for i in range(len(a.tokens)):
        if i in used_a:
            continue
        ex = _english_reading(a.tokens[i])
        for j, ey in free_b:
            if ex or ey:
                c, how = _heard(a, b, i, j)
                if c > 0:
                    out.append((c, i, j, how))
    return out


def _heard(a: NameRep, b: NameRep, i: int, j: int) -> tuple[float, str]:
    """Credit for word ``i`` of ``a`` and ``j`` of ``b`` when one is read as English by ear."""
    tx, ty, x, y = a.tokens[i], b.tokens[j], a.skeletons[i], b.skeletons[j]
    ex, ey = _english_reading(tx), _english_reading(ty)
    c, how = 0.0, ""
    if (ex or ey) and -3 <= len(x) - len(y) <= 3:
        # A word heard keeps its first sounds and about its length.
        for e in ex:
            if e[:2] == y[:2] and -2 <= len(e) - len(y) <= 2:
                c2, how2 = token_similarity(e, y, False, tx, ty)
                if c2 > c:
                    c, how = c2, how2
        for e in ey:
            if e[:2] == x[:2] and -2 <= len(e) - len(x) <= 2:
                c2, how2 = token_similarity(x, e, False, tx, ty)
                if c2 > c:
                    c, how = c2, how2
    return c, "transcribed" if how == "exact" else how


@lru_cache(maxsize=200_000)
def _acronym_letters(token: str) -> tuple[str, ...]:
    """An acronym's letters in the skeleton alphabet: letter by letter (S.H. = two words), and
    with Cyrillic digraphs read as one letter (BTSK = БЦК: b, c, k)."""
    if not 2 <= len(token) <= 6 or not token.isalpha():
        return ()
    plain = "".join(_LETTER.get(c, c) for c in token)
    digraphs = token
    for x, y in _SKELETON_RULES:
        if x in digraphs:
            digraphs = digraphs.replace(x, y)
    return (plain,) if digraphs == plain else (plain, digraphs)


def _initials(rep: NameRep, j: int) -> frozenset[str]:
    data = name_data()
    raw = rep.raw or rep.skeletons
    out = {raw[j][:1], _LETTER.get(rep.tokens[j][:1], rep.tokens[j][:1])}
    for concept in rep.concepts[j] if rep.concepts else ():
        out |= data.concept_initials.get(concept, frozenset())
    return frozenset(out)


def _acronym_runs(a: NameRep, b: NameRep, used_a: set[int], used_b: set[int]) -> list[tuple[int, list[int]]]:
    """Unmatched acronyms of ``a`` that abbreviate a run of unmatched words of ``b``: (token of
    a, the run of b). Two letters only next to another matched word (SK Shock)."""
    out: list[tuple[int, list[int]]] = []
    if len(b.tokens) < 2:
        return out
    taken = set(used_b)
    inits: list[frozenset[str]] | None = None
    generic = name_data().generic
    for i, tok in enumerate(a.tokens):
        if i in used_a or a.skeletons[i] in generic:
            continue
        for letters in _acronym_letters(tok):
            if (len(letters) < 3 and not used_a) or len(letters) > len(b.tokens) - len(taken):
                continue
            if inits is None:
                inits = [_initials(b, j) for j in range(len(b.tokens))]
            run = _find_run(letters, b, taken, inits)
            if run is not None:
                out.append((i, run))
                taken.update(run)
                break
    return out


SPLIT_FLOOR = 0.88


def _split_runs(a: NameRep, b: NameRep, used_a: set[int], used_b: set[int]) -> list[tuple[int, list[int], float]]:
    """Unmatched words of ``a`` (6+ letters) spelled by two or three adjacent unmatched words
    of ``b``: (word of a, the run, credit)."""
    out: list[tuple[int, list[int], float]] = []
    free = [j for j in range(len(b.skeletons)) if j not in used_b]
    if len(free) < 2:
        return out
    taken = set(used_b)
    for i, x in enumerate(a.skeletons):
        if i in used_a or len(x) < 6 or x.isdigit():
            continue
        best: tuple[float, list[int]] | None = None
        for j0 in range(len(b.skeletons) - 1):
            if b.skeletons[j0][:1] != x[0]:
                continue  # a word split in two keeps its first letter
            for k in (2, 3):
                run = list(range(j0, j0 + k))
                if run[-1] >= len(b.skeletons) or any(j in taken for j in run):
                    break
                joined = "".join(b.skeletons[j] for j in run)
                if abs(len(joined) - len(x)) > 3 or any(b.skeletons[j].isdigit() for j in run):
                    continue
                c = Levenshtein.normalized_similarity(x, joined)
                if c >= SPLIT_FLOOR and (best is None or c > best[0]):
                    best = (c, run)
        if best is not None:
            c, run = best
            data = name_data()
            if all(b.skeletons[j] in data.generic or b.skeletons[j] in data.common_words for j in run):
                continue  # common words run together (GlobalEnergy, InterShipping): no evidence
            out.append((i, run, c))
            taken.update(best[1])
    return out


SYLLABIC_CREDIT = 0.9  # a compound of leading syllables and the words they begin (Brestoblispolkom)
_LINK_VOWELS = "oe"  # Russian compounds join their parts with o or e (neft-e-khim, stekl-o-volokno)
_CASE_ENDS = frozenset(("a", "u", "e", "i", "om", "ov", "ah", "ih"))  # gorispolkom-a


@lru_cache(maxsize=1)
def _concept_words() -> dict[str, tuple[str, ...]]:
    """English concept -> skeletons of its words in every language (names.yaml translations)."""
    out: dict[str, set[str]] = {}
    for key, concepts in name_data().concepts.items():
        if key[:1] not in "~#":
            for c in concepts:
                out.setdefault(c, set()).add(key)
    return {c: tuple(sorted(v)) for c, v in out.items()}


SLIPPED_FLOOR = 0.8


@lru_cache(maxsize=100_000)
def _slipped_translation(sk: str, concepts: frozenset[str]) -> float:
    """Credit for a word the vocabulary lacks against a word that means ``concepts``: the word
    is one of the concepts' translations with a slip (7 letters or more, the first kept, one
    edit in 7 letters, two in 10: Natsyyalny / Natsyyanalny, Natsionalnyi); 0 otherwise."""
    if len(sk) < 7 or not sk.isalpha():
        return 0.0
    words = _concept_words()
    best = 0.0
    for concept in concepts:
        for w in words.get(concept, ()):
            if w[0] == sk[0] and len(w) >= 7 and -2 <= len(w) - len(sk) <= 2:
                best = max(best, OSA.normalized_similarity(sk, w))
    return TRANSLATED_CREDIT * best if best >= SLIPPED_FLOOR else 0.0


@lru_cache(maxsize=50_000)
def _name_sources(rep: NameRep) -> tuple[tuple[tuple[str, ...], ...], frozenset[str]]:
    """``_word_sources`` of each word of a name, and the first three letters of them all."""
    raw = rep.raw or rep.skeletons
    empty: frozenset[str] = frozenset()
    per = [_word_sources(rep.skeletons[j], raw[j], rep.tokens[j], rep.concepts[j] if rep.concepts else empty)
           for j in range(len(rep.skeletons))]
    return tuple(w for w, _ in per), frozenset().union(*(h for _, h in per))


@lru_cache(maxsize=50_000)
def _word_sources(sk: str, raw: str, token: str, concepts: frozenset[str]) -> tuple[tuple[str, ...], frozenset[str]]:
    """The words a syllable of an abbreviation may begin for this word: itself (skeleton and
    letters: Brestskii is brescki) and, for a word of the translation vocabulary, its
    translations (kom for committee: komitet); and their first three letters."""
    words = _concept_words()
    out = {sk, raw, token}
    for c in concepts:
        out.update(words.get(c, ()))
    kept = tuple(w for w in out if len(w) >= 3)
    return kept, frozenset(w[:3] for w in kept)


def _syllabic_runs(a: NameRep, b: NameRep, used_a: set[int], used_b: set[int]) -> list[tuple[int, list[int]]]:
    """Unmatched words of ``a`` made of the leading syllables of unmatched words of ``b`` in
    order (Soviet compound abbreviations: Brestoblispolkom = Brest oblast ispolnitelnyi komitet,
    Bellesbumprom = Belarusian les bumaga promyshlennost): (word of a, the words of b). Between
    two of those words ``b`` may have only matched, stop or descriptive words."""
    out: list[tuple[int, list[int]]] = []
    nb = len(b.skeletons)
    if nb - len(used_b) < 2:
        return out
    cands = [i for i, x in enumerate(a.skeletons) if i not in used_a and len(x) >= 6 and x.isalpha()]
    if not cands:
        return out
    sources, heads = _name_sources(b)
    src: list[tuple[str, ...]] | None = None
    taken = set(used_b)
    for i in cands:
        x = a.skeletons[i]
        if x[:3] not in heads:
            continue
        if src is None:
            src = [() if j in used_b else sources[j] for j in range(nb)]
        run = _syllables(x, b, src, taken)
        if run is not None:
            # The descriptive words it leaves out between its syllables are part of what it
            # stands for (Belneftekhim: Belarusian State Oil and Chemical Concern).
            run = [j for j in range(run[0], run[-1] + 1) if j not in taken and b.skeletons[j] not in _STOPWORDS]
            out.append((i, run))
            taken.update(run)
    return out


@lru_cache(maxsize=50_000)
def _skippable(sk: str) -> bool:
    """A stop, generic or vocabulary word (trade too): an abbreviation may leave it out."""
    return default_weight(sk) < 1.0 or bool(concepts_of(sk, name_data()))


def _syllables(x: str, b: NameRep, src: list[tuple[str, ...]], taken: set[int]) -> list[int] | None:
    """Words of ``b`` (two or more, in order) whose leading syllables spell ``x``; None if none."""
    n = len(b.skeletons)
    raw = b.raw or b.skeletons
    translated: list[int] = []  # the run's words read through a translation, on the current path

    def done(run: list[int]) -> bool:
        # Two syllables of the words as written are a brand as often (Logex / Logistics Express):
        # three, or one read through a translation (kali for potash: kaliinaia).
        return len(run) >= 3 or (len(run) == 2 and bool(translated))

    def rest(p: int, j0: int, run: list[int]) -> list[int] | None:
        if p == len(x):
            return run if done(run) else None
        if len(run) >= 2 and x[p:] in _CASE_ENDS and x[p - 1] not in "aeiou":
            return run if done(run) else None
        for j in range(j0, n):
            if j not in taken:
                for w in src[j]:
                    got = segment(p, j, w, run)
                    if got is not None:
                        return got
            if run and j not in taken and not _skippable(b.skeletons[j]):
                return None  # an unmatched name word in between: not this run
        return None

    def segment(p: int, j: int, w: str, run: list[int]) -> list[int] | None:
        # A common prefix of x[p:] and w, three letters or more, ending in a consonant unless it
        # is the whole word or ends x (spets, vnesh, tekhnika); longest first.
        m = 0
        while m < len(w) and p + m < len(x) and x[p + m] == w[m]:
            m += 1
        for k in range(m, 2, -1):
            nxt = p + k
            if x[nxt - 1] in "aeiou" and k < len(w) and nxt < len(x):
                continue
            starts = [nxt]
            if nxt < len(x) and x[nxt] in _LINK_VOWELS:
                starts.append(nxt + 1)
            if nxt < len(x):
                starts.append(nxt - 1)  # a doubled letter written once (bel-les-bum-prom: belesbumprom)
            seg = x[p:nxt]
            own = any(f.startswith(seg) for f in (b.skeletons[j], raw[j], b.tokens[j]))
            if not own:
                translated.append(j)
            for q in starts:
                got = rest(q, j + 1, [*run, j])
                if got is not None:
                    return got
            if not own:
                translated.pop()
        return None

    return rest(0, 0, [])


def _phrase_runs(a: NameRep, b: NameRep, used_a: set[int], used_b: set[int],
                 own: dict[int, int] | None = None) -> list[tuple[int, list[int]]]:
    """Unmatched words of ``a`` whose translation is a phrase (names.yaml translations with a
    key of several words) written out by adjacent unmatched words of ``b``. ``own``: words of
    ``a`` already translated by one word of ``b`` (Neftepererabatyvayushchiy / Refinery), which
    may take the rest of their phrase around it (Oil Refinery)."""
    out: list[tuple[int, list[int]]] = []
    taken = set(used_b)
    for i, concepts in enumerate(a.concepts):
        mine = own.get(i) if own else None
        if i in used_a and mine is None:
            continue
        for concept in concepts:
            if " " not in concept:
                continue
            words = _phrase_skeletons(concept)
            k = len(words)
            for j0 in range(len(b.skeletons) - k + 1):
                run = list(range(j0, j0 + k))
                if mine is not None and mine not in run:
                    continue
                if b.skeletons[j0:j0 + k] == words and not taken.intersection(j for j in run if j != mine):
                    out.append((i, run))
                    taken.update(run)
                    break
            else:
                continue
            break
    return out


@lru_cache(maxsize=50_000)
def _has_phrase(concepts: tuple[frozenset[str], ...]) -> bool:
    """Whether a word of a name translates a phrase (real estate)."""
    return any(" " in c for cs in concepts for c in cs)


@lru_cache(maxsize=1_000)
def _phrase_skeletons(phrase: str) -> tuple[str, ...]:
    return tuple(skeleton(t) for t in phrase.split())


# Words any firm's name ends with (X Trading Company, X Group Holding): their initials (TC, G, H)
# are in most acronyms, so they tell nothing about which firm an acronym stands for.
_ACRONYM_FILLER = _TRADE_WORDS | frozenset(skeleton(w) for w in (
    "company", "kompaniya", "co", "corporation", "corp", "incorporated", "limited", "firm", "firma", "enterprise",
    "enterprises", "holding", "holdings", "industries", "industry", "industrial", "commercial", "business",
    "plant", "factory", "works", "zavod", "fabrika", "general", "united", "universal", "transport", "shipping",
    "forwarding"))
WEAK_ACRONYM_SCORE = 0.78  # below review; the country bonus (+0.03) lifts it to review
WEAK_ACRONYM_LEGAL_SCORE = 0.8  # the same legal form written on both sides: review


@lru_cache(maxsize=50_000)
def _weak_acronym(run: tuple[str, ...], concepts: tuple[frozenset[str], ...]) -> bool:
    """Whether an acronym of these words (skeletons of the run it abbreviates) is weak evidence.

    The rule: an acronym stands for a name only through letters of words that tell firms apart.
    Filler words (company, trading, group, plant) give none; so an acronym is weak when fewer than
    two of its letters come from other words (STC / Song Trading Company: only S, and every
    S-something Trading Company is an STC), and strong when two or more do (GTF / Grodno Tobacco
    Factory, BPC / Belarusian Potash Company, MAZ / Minsk Automobile Plant, DML / Digital Media
    Lab): then the acronym is the distinctive part of the name, as the lists write it.
    """
    info = 0
    for k, sk in enumerate(run):
        if sk in _ACRONYM_SKIP or sk in _ACRONYM_FILLER:
            continue
        if concepts and concepts[k] and all(skeleton(c) in _ACRONYM_FILLER for c in concepts[k]):
            continue  # a translation of filler words (kompaniya, torgovaya, zavod)
        info += 1
    return info < 2


def _find_run(letters: str, b: NameRep, used_b: set[int], inits: list[frozenset[str]]) -> list[int] | None:

    def match(li: int, j: int, run: list[int]) -> list[int] | None:
        if li == len(letters):
            return run
        if j >= len(b.tokens) or j in used_b:
            return None
        if letters[li] in inits[j]:
            got = match(li + 1, j + 1, [*run, j])
            if got is not None:
                return got
        if run and b.tokens[j] in _ACRONYM_SKIP:
            return match(li, j + 1, [*run, j])
        return None

    for j0 in range(len(b.tokens)):
        if j0 not in used_b and letters[0] in inits[j0]:
            got = match(0, j0, [])
            if got is not None:
                return got
    return None


def token_similarity(a: str, b: str, person: bool, raw_a: str = "", raw_b: str = "") -> tuple[float, str]:
    """Credit in [0, 1] for aligning two token skeletons, and how they matched."""
    if a == b:
        return 1.0, "exact"
    # Only the first raw letter matters (initials); caching on it keeps the cache small.
    return _token_similarity(a, b, person, (raw_a or a)[0], (raw_b or b)[0])


def _gender_forms(x: str, y: str) -> bool:
    """Masculine and feminine forms of one name (Ivanov/Ivanova, Aleksandr/Aleksandra,
    Kovalevskii/Kovalevskaia, Kowalski/Kowalska); skeletons."""
    for f, m in ((x, y), (y, x)):
        if len(m) >= 3 and f == m + "a" and (m.endswith(("ov", "ev", "in", "yn")) or m in name_data().common_given):
            return True
        if len(f) == len(m) >= 5 and f[-1] == "a" and f[:-2] == m[:-2] and (m[-2:] == "er" and f[-2] == "r" or
                                                                         m[-1] == "o" and f[:-1] == m[:-1]):
            # Alexander / Alexandra, Alessandro / Alessandra: the woman's name for the man's, when
            # either is a known given name
            nd = name_data()
            if nd.given.get(m, m) in nd.common_given or nd.given.get(f, f) in nd.common_given:
                return True
        if len(f) >= 5 and f.endswith("a") and m.endswith("i") and f[:-1] == m[:-1]:
            return True
        if len(f) >= 6 and f.endswith("aia") and m.endswith("i") and f[:-3] == m[:-1]:
            return True
    return False


_IJY = {"j": "i", "y": "i"}
ABBREVIATION_CREDIT = 0.85  # Shpg / Shipping, Mohd / Mohammed, Mgmt / Management


_MUHAMMAD_SHORT = frozenset(("mohd", "mhd", "muhd"))
_MUHAMMAD = re.compile(r"^m[ou]ham+[ae]d$")  # skeletons of Muhammad, Mohammed, Mohamad …


def _abbreviation(x: str, y: str, person: bool = False) -> bool:
    """x a word's usual abbreviation: three to five of its consonants in order, with its first
    and last letters and at most one vowel (Shpg = Shipping, Mgmt = Management, Mohd = Mohammed,
    Intl = International, Bldg = Building); skeletons. Three letters only for an -ing word (Shpg,
    Mfg: STC is an acronym of words, which the runs find); never the other's beginning (Chong of
    Chongchongang: a split)."""
    if person:
        # In a person's name only Muhammad's (Mohd, Mhd, Muhd: Mhd is not Mahmoud)
        return x in _MUHAMMAD_SHORT and _MUHAMMAD.match(y) is not None
    short = len(x) == 3 and y.endswith("inh")
    if not (4 <= len(x) <= 5 or short) or len(y) < len(x) + 3 or \
            x[0] != y[0] or x[-1] != y[-1] or y.startswith(x):
        return False
    if sum(ch in "aeiou" for ch in x) > 1 or sum(ch not in "aeiou" for ch in x) < 3:
        return False
    it = iter(y)
    return all(ch in it for ch in x)


def _ing_form(x: str, y: str) -> bool:
    """An English -ing noun and its stem (Banking / Bank, Shipping / Ship); skeletons, where -ing
    is inh."""
    if len(x) < len(y):
        x, y = y, x
    return len(y) >= 3 and x.endswith("inh") and x[:-3] == y


@lru_cache(maxsize=100_000)
def _other_gender(x: str, y: str) -> bool:
    """A man's and a woman's given name (Aleksandr / Aleksandra), as _token_similarity reads them."""
    if not _gender_forms(x, y):
        return False
    given = name_data().common_given
    return x in given or y in given or x[:-1] in given or y[:-1] in given


@lru_cache(maxsize=500_000)
def _token_similarity(a: str, b: str, person: bool, first_a: str, first_b: str) -> tuple[float, str]:
    if a.isdigit() or b.isdigit():
        return 0.0, ""
    if person and _gender_forms(a, b):
        if _other_gender(a, b):
            return OTHER_GENDER_CREDIT, "other gender form"
        return 0.9, "gender form"
    if person and (len(a) == 1 or len(b) == 1):
        # J, Y and I begin one name in different schemes (Jurij / Yuriy / Iurii for Юрий).
        firsts_a = {_IJY.get(c, c) for c in (a[0], first_a)}
        firsts_b = {_IJY.get(c, c) for c in (b[0], first_b)}
        return (INITIAL_CREDIT, "initial") if firsts_a & firsts_b else (0.0, "")
    gap = abs(len(a) - len(b))
    if gap >= 3:
        if _abbreviation(a, b, person) or _abbreviation(b, a, person):
            return ABBREVIATION_CREDIT, "abbreviation"
        if gap == 3 and not person and _ing_form(a, b):
            return 0.9, "inflected"
    if min(len(a), len(b)) <= 3:
        if not person and len(a) == len(b) == 3 and _reduced_o(a, b):
            return REDUCED_CREDIT, "reduced vowel"
        if person and len(a) == len(b) == 3 and a[0] == b[0] and a[1:] == b[:0:-1]:
            # Two letters swapped in a short name part (Abd / Adb): a typing slip. Persons only:
            # a short organisation word is an acronym, and ABC / ACB are two organisations.
            return TRANSPOSED_SHORT_CREDIT, "transposed"
        return 0.0, ""
    s = OSA.normalized_similarity(a, b)
    if s < 0.95 and abs(len(a) - len(b)) <= 1:  # _be_u keeps the length
        # Belarusian ў written u where Russian has в (Shautsou/Shevtsov, Paulauna/Pavlovna).
        va, vb = _be_u(a), _be_u(b)
        # Same consonants, other vowels: akanye and transliteration (Lukashenka/Lukashenko,
        # Varabei/Vorobei, Hrodna/Grodno, Karpiankou/Karpenkov).
        ca, cb = _consonants(va), _consonants(vb)
        if len(ca) >= 3 and ca == cb:
            if len(va) == len(vb) and all(x == y or x + y in ("oa", "ao") for x, y in zip(va, vb, strict=True)):
                # Only Russian o written a (akanye, -ov / -au): the Belarusian form of the same name
                # (Baskov / Baskau, Grodno / Hrodna), all but as good as the same spelling.
                return max(s, AKANYE_CREDIT), "vowel variant"
            return max(s, 0.9), "vowel variant"
        if len(ca) == 2 and ca == cb and len(va) == len(vb) >= 5 and \
                all(x == y or x + y in ("oa", "ao") for x, y in zip(va, vb, strict=True)):
            # Two consonants only (Soiko / Soika): the Belarusian a for o is still the one change.
            return max(s, 0.9), "vowel variant"
        # Belarusian ць where Russian has т (Tsertsel/Tertel, Shatsila/Shatilo, Artsiom/Artem):
        # a review-level variant, not proof.
        if len(ca) >= 3 and "c" in ca + cb and ca.replace("c", "t") == cb.replace("c", "t") and \
                ca.count("c") + cb.count("c") <= 2:
            return max(s, 0.85), "vowel variant"
    if not person and s < 0.9 and abs(len(a) - len(b)) >= 2:
        c = max(_place_adjective(a, b), _place_adjective(b, a))
        if c > 0:
            return c, "inflected"
    if not person and s < 0.9 and (a.endswith(_ADJ_ENDS) or b.endswith(_ADJ_ENDS)):
        # Russian/Belarusian adjectives against the noun or English word (Minski/Minsk,
        # Avtomobilnyi/Automobile): compare without the adjective ending.
        sa, sb = _ADJ.sub(r"\1", a), _ADJ.sub(r"\1", b)
        if (sa != a or sb != b) and min(len(sa), len(sb)) >= 4:
            st = OSA.normalized_similarity(sa, sb)
            # An adjective of a place only of that place (_place_adjective): Minskii / Pinsk
            # is another town, not a near spelling.
            place = (sa != a and sa.endswith("sk")) or (sb != b and sb.endswith("sk"))
            if st >= 0.8 and st * 0.95 > s and not (place and st < 1.0):
                return st * 0.95 if st < 1.0 else 0.9, "inflected"
    if not person and s < 0.9:
        # The same word with another language's ending: English adjectives of places
        # (Belarus / Belarusian) and Latin / Romance noun endings (Milenio / Millennium).
        if a[:5] == b[:5] and len(a) != len(b):
            x, y = (a, b) if len(a) > len(b) else (b, a)
            # German -er adjectives of places too (Grodnoer, Minsker = of Grodno, of Minsk).
            if x.startswith(y) and (x[len(y):] in _DEMONYM_ENDS or (y.endswith("ia") and x == y + "n") or
                                    (x == y + "er" and y.endswith(("o", "a", "sk")))):
                return 0.9, "inflected"
        if a[:5] == b[:5]:  # the stems below are 5 letters or more
            sa, sb = _ROMANCE.sub("", a), _ROMANCE.sub("", b)
            if sa == sb and len(sa) >= 5:
                return 0.9, "inflected"
    if s < FUZZY_FLOOR:
        # A long name written as one word on one side ("grodnoazot") is handled by the caller.
        return 0.0, ""
    # Near misses count less than close variants. For persons a changed consonant is more
    # often another family (Volfovich/Volkovich) than a typo: review, not block.
    credit = s if (s >= 0.8 and not person) or s >= 0.95 else (s - 0.5) * 2
    if person and len(a) == len(b) and sorted(a) == sorted(b) and Levenshtein.distance(a, b) == 2 and \
            OSA.distance(a, b) == 1:
        # Two neighbouring letters swapped (Khadem/Kahdem) is a typing slip, not another family.
        credit = max(credit, 0.9)
    return credit, f"fuzzy {s:.2f}"


# One romanised Korean / Chinese syllable: initial, vowel, final (McCune-Reischauer, Revised
# Romanisation, Wade-Giles and Pinyin spellings).
_SYLLABLE = re.compile(r"(kk|tt|pp|ss|jj|ch|ts|tz|zh|sh|[kgndtrlmbpsjhcwyfxqz]?)"
                       r"(yae|wae|yeo|ae|ya|eo|ye|yo|wa|oe|wo|we|wi|yu|eu|ui|oo|ou|ee|ai|ao|ei|ia|ie|iu|io|ua|uo|a|e|o|u|i)"
                       r"(ng|k|n|t|l|m|p)?")
# Initials the romanisations write either way: unaspirated stops voiced or not (Bong / Pong,
# Chang / Jang, Tae / Dae, Kim / Gim).
_SYLLABLE_INITIAL = {"k": "K", "g": "K", "kk": "K", "t": "T", "d": "T", "tt": "T", "p": "P", "b": "P", "pp": "P",
                     "ch": "J", "j": "J", "jj": "J", "zh": "J", "ts": "C", "tz": "C", "s": "S", "ss": "S", "r": "L",
                     "l": "L"}
# Vowels McCune-Reischauer without its breves, Revised Romanisation and older spellings write
# alike (ㅓ eo / o / ou as in Young, ㅕ yeo / yo / you, ㅡ eu / u, ㅚ oe / we, ㅐ ae / ai).
_SYLLABLE_VOWEL = {"eo": "o", "ou": "o", "yeo": "yo", "eu": "u", "oo": "u", "oe": "we", "ai": "ae"}
SYLLABLE_CREDIT = 0.9


@lru_cache(maxsize=50_000)
def _syllabic(tokens: tuple[str, ...]) -> bool:
    """Two or more name parts, each one romanised syllable (Kim Jong Un, Paek Se Bong)."""
    full = [t for t in tokens if len(t) > 1]
    return len(full) >= 2 and all(_SYLLABLE.fullmatch(t) for t in full)


@lru_cache(maxsize=50_000)
def _syllable_variant(x: str, y: str) -> bool:
    """One syllable in two romanisations: the same vowel and final, an initial of one class."""
    mx, my = _SYLLABLE.fullmatch(x), _SYLLABLE.fullmatch(y)
    if mx is None or my is None or mx.group(3) != my.group(3):
        return False
    ix, iy = mx.group(1), my.group(1)
    vx, vy = mx.group(2), my.group(2)
    if vx == vy:
        return bool(ix and iy) and ix != iy and _SYLLABLE_INITIAL.get(ix, ix) == _SYLLABLE_INITIAL.get(iy, iy)
    # The same initial, the vowel as another romanisation writes it (Young / Yong / Yeong,
    # Cheol / Chol, Choe / Chwe)
    return ix == iy and _SYLLABLE_VOWEL.get(vx, vx) == _SYLLABLE_VOWEL.get(vy, vy)


ARABIC_VOWEL_CREDIT = 0.9  # Teir / Tair in an Arabic name: one name part written two ways
_AR_DIPHTHONG = re.compile(r"[ae][iy]")


@lru_cache(maxsize=100_000)
def _arabic_key(token: str) -> str:
    """A name part of an Arabic name with its vowels read as the lists' romanisations write
    them: ta marbuta -ah / -eh as -a (Jamileh / Jamila, Salameh / Salama), o / ou / oo as u
    (Omar / Umar, Thouaib), ee / ie as i, the diphthongs ai, ay, ei, ey as one (Teir / Tair,
    Seif / Saif), fatha e as a (Yehia / Yahia); doubled letters once. Vowel qualities and
    positions that make other names stay apart (Said / Saad, Rami / Rima)."""
    t = token[:-1] if len(token) >= 5 and token.endswith(("ah", "eh")) else token
    t = t.replace("ou", "u").replace("oo", "u").replace("o", "u").replace("ee", "i").replace("ie", "i")
    t = _AR_DIPHTHONG.sub("ay", t).replace("e", "a")
    return _DOUBLE.sub(r"\1", t)


@lru_cache(maxsize=50_000)
def _arabic_name(skeletons: tuple[str, ...]) -> bool:
    """Whether a person's name has a part that marks it as Arabic (names.yaml arabic_markers)."""
    return not name_data().arabic_markers.isdisjoint(skeletons)


ARABIC_SAME_SCORE = 0.95
# Abd (servant of) joined to the article as the lists write it: Abdul, Abdel, Abdoul, Abdol = Abd al.
_ABD_AL = re.compile(r"^abd(?:ou|[aeiou])l")


# The article assimilated to a sun letter (ad-Din, ar-Rahman, as-Salam) or written ul / el, and the
# second parts of compound names it joins (Nur ad-Din = Nuruddin = Nur al-Din, Abd ar-Rahman =
# Abdurrahman, Shams ud-Din = Shamsuddin).
_ARTICLE_FORMS = frozenset(("al", "el", "ul", "il", "ad", "ud", "ed", "ar", "ur", "er", "as", "us", "es", "az", "uz",
                            "an", "un", "at", "ut", "ash", "ush", "ath", "uth", "adh", "udh"))
_SUN_JOINED = re.compile(r"^(?P<stem>[a-z]{3,}?)(?:[aeiu]l|[aeiu](?P<c>[dtrszn])(?=(?P=c)))"
                         r"(?P<rest>(?:din|deen|dine|rahman|rahim|razzaq|salam|sattar|zaman|nur|noor|islam|haq|haqq|"
                         r"aziz|karim|jabbar|ghani|qadir|latif|wahab|wahhab|majid|hamid|hakim|malik|llah|lah|lla|la)$)")


@lru_cache(maxsize=50_000)
def _arabic_compact(tokens: tuple[str, ...]) -> str:
    """An Arabic name as one word, each part read by ``_arabic_key`` after Abed / Abd and
    Abdul / Abdel are written Abd / Abdal and the article of a compound as al, apart (ad-Din) or
    joined (Shamsuddin): Abdullah and Abed Allah, Abd al-Aziz and Abdelaziz, Nuruddin and Nur
    ad-Din read alike; the order of the parts is kept."""
    out = []
    for k, t in enumerate(tokens):
        if t in _ARTICLE_FORMS and k + 1 < len(tokens) and (t in _ARTICLES or tokens[k + 1][:1] == t[1:2]):
            out.append("al")  # ad-Din, ar-Rahman: the article before its sun letter
            continue
        t = "abd" if t == "abed" else _ABD_AL.sub("abdal", t)
        m = _SUN_JOINED.match(t) if len(t) >= 7 else None
        if m is not None:  # the parts read as if written apart (Salahuddin = Salah ud-Din)
            rest = m.group("rest")
            # Allah as the whole word reads (alla: -ah as ta marbuta): Abdullah = Abed Allah.
            rest = "la" if rest in ("llah", "lah", "lla", "la") else _arabic_key(rest)
            out.extend((_arabic_key(m.group("stem")), "al", rest))
            continue
        out.append(_arabic_key(t))
    return _DOUBLE.sub(r"\1", "".join(out))


TYPO_FLOOR = 0.8


@lru_cache(maxsize=200_000)
def _typo_credit(x: str, y: str) -> tuple[float, str]:
    """One slip in a word of five letters or more as written (an edit or two letters swapped);
    (0, "") otherwise, and for numbers."""
    if not (x.isalpha() and y.isalpha()) or abs(len(x) - len(y)) > 1 or x[0] != y[0]:
        return 0.0, ""
    s = OSA.normalized_similarity(x, y)
    return (s, f"fuzzy {s:.2f}") if s >= TYPO_FLOOR and OSA.distance(x, y) == 1 else (0.0, "")


REDUCED_CREDIT = 0.85


def _reduced_o(x: str, y: str) -> bool:
    """Two acronyms of three letters, one o where the other has a: the same words in Russian and
    in Belarusian, which writes unstressed o as a (OKB / AKB: опытно- / досьледна-канструктарскае
    бюро is written АКБ); skeletons."""
    diff = [k for k in range(3) if x[k] != y[k]]
    return len(diff) == 1 and {x[diff[0]], y[diff[0]]} == {"o", "a"} and x.isalpha() and y.isalpha()


TRUNCATED_CREDIT = 0.8
DIMINUTIVE_CREDIT = 0.85  # Sasha / Aleksandr (names.yaml diminutives)
# What a longer word adds to a name part that is no cut: surname, patronymic and gender endings
# (Ivan / Ivanov, Christian / Christiansen, Petr / Petrovich, Marian / Mariana).
_NOT_CUT = ("a", "ov", "ova", "ev", "eva", "in", "ina", "yn", "yna", "sen", "son", "ez", "es", "ich", "ovich",
            "evich", "ovna", "evna", "ichna", "enko", "uk", "chuk", "ski", "ska", "sky", "skii", "skaya", "ik",
            "skiy", "skij", "skyi", "skyy", "skaja", "skaia",  # -ский as each scheme writes it (Zubkov / Zubkovskiy)
            "yk", "ko", "s", "i", "y", "o", "e", "ou", "ouna", "avich", "auna",
            "ette", "etta", "ine", "elle", "ka", "na")  # and feminine forms (Henri / Henriette)


@lru_cache(maxsize=100_000)
def _truncated(x: str, y: str) -> bool:
    """One name part is the other cut short at the end of a name (Henri / Henrikus: a list's
    field ends there): the shorter, five letters or more, begins the longer, which adds two to
    four letters that are no surname, patronymic or gender ending."""
    short, long = (x, y) if len(x) < len(y) else (y, x)
    return len(short) >= 5 and 2 <= len(long) - len(short) <= 4 and long.startswith(short) and \
        long[len(short):] not in _NOT_CUT and short.isalpha()


_ARTICLES = ("al", "el", "ul")
_ARTICLE_SET = frozenset(_ARTICLES)
ARTICLE_CREDIT = 0.95


def _article_joined(x: str, y: str, art_x: bool, art_y: bool) -> bool:
    """One word is the other with the Arabic article written on (Alhaitham / Haytham, 5+ letters
    after it), and the name without it writes the article apart elsewhere (Al Ali, Al Haytham):
    a name merely starting with al (Alberta / Berta) is not read so."""
    long, short, art_short = (x, y, art_y) if len(x) > len(y) else (y, x, art_x)
    return art_short and len(long) == len(short) + 2 and len(short) >= 5 and long[:2] in _ARTICLES and \
        long[2:] == short


_DEMONYM_ENDS = frozenset(("ian", "ean", "ese", "ish"))  # and Russia / Russian
_ROMANCE = re.compile(r"(ium|ion|um|us|os|as|es|ia|io|ie|o|a|e|i)$")
_ADJ = re.compile(r"(sk|n)(aia|aie|oie|oe|ae|ie|ii|i|a)$")
_ADJ_ENDS = tuple(p + e for p in ("sk", "n") for e in ("aia", "aie", "oie", "oe", "ae", "ie", "ii", "i", "a"))
# A Russian / Belarusian adjective of a place (skeleton letters): the stem, -an-/-en- for places
# ending in a vowel (Orsha: orsh-anskii, Grodno: grodn-enskii), then -sk- (c: ts+k, the t of Brest
# or of Polotsk joined) and the ending (-ii, -aia, -oe; Belarusian -i, -aia, -ae; genitive -oho).
_PLACE_ADJ = re.compile(r"^(?P<stem>[a-z]{3,}?)(?P<infix>[ae]n)?(?P<s>[sc])k(?:i|aia|aie|ae|oe|oie|ie|a|oho|aha|oi|ai|ih|im)$")
PLACE_ADJECTIVE_CREDIT = 0.9


@lru_cache(maxsize=1)
def _short_stems() -> frozenset[str]:
    return frozenset(p[:-1] for p in name_data().short_places)


@lru_cache(maxsize=100_000)
def _place_stems(adj: str) -> tuple[str, ...]:
    """The place names an adjective may come from (skeletons), () if it is not one: Minskii:
    minsk (a place in -sk keeps it); Gomelskii: homel; Brestskii (brescki): brest; Polotskii
    (polocki): polock; Grodnenskii: hrodn (Grodno, Hrodna without their last vowel)."""
    m = _PLACE_ADJ.match(adj)
    if m is None:
        return ()
    stem, infix, s = m.group("stem", "infix", "s")
    short = not infix and s == "s" and stem in _short_stems()  # Lidski: lid
    if len(adj) < 7 and not short:
        return ()
    if infix:
        # -en-/-an- follows a place's stem without its last vowel (or the n of Grodno before it:
        # Hrodzenski, Molodechnenskii); never an -sk- place (Minsk has no -en-).
        return (stem, stem + "n") if len(stem) >= 3 else ()
    out = [stem + s + "k"] if s == "c" else [stem + "sk"]
    if len(stem) >= 4:  # shorter stems make other words (Polskii is no Pola) ...
        out.append(stem + "t" if s == "c" else stem)
    elif short:  # ... but for the places named so (names.yaml short_places: Lidskii / Lida, not Lido)
        out.extend(p for p in name_data().short_places if p[:-1] == stem)
    return tuple(out)


def _place_adjective(adj: str, place: str) -> float:
    """Credit for a place adjective against the place's name (Гомельский / Homel, Минский /
    Minsk, Гродненский / Hrodna, Магілёўскі / Mogilev): the place is one of ``_place_stems``
    (with or without its last vowel), letter for letter or with other vowels only (akanye,
    transliteration: Mahilioŭ / Mogilev); 0 otherwise. A near spelling is not enough (Minskii /
    Pinsk): the place stem must be the other word."""
    if len(place) < 4 or not place.isalpha():
        return 0.0
    stems = _place_stems(adj)
    if not stems:
        return 0.0
    # The place without its last vowel (Grodno, Hrodna, Orsha, Lida), or a plural -ichi
    # (Baranovichi: baranovic-skii); not any -i (Homely is no Gomel).
    cut = place[:-1] if place[-1] in "aoe" or place.endswith("ci") else ""
    for stem in stems:
        if (stem == place and len(stem) >= 4) or stem == cut:
            return PLACE_ADJECTIVE_CREDIT
    forms = (place, cut) if cut else (place,)
    for stem in stems:
        for form in forms:
            if len(stem) == len(form) >= 4:
                cs, cf = _consonants(_be_u(stem)), _consonants(_be_u(form))
                if len(cs) >= 3 and cs == cf and stem[0] == form[0]:
                    return PLACE_ADJECTIVE_CREDIT
                if len(cs) >= 3 and cs.replace("c", "t") == cf.replace("c", "t") and stem[0] == form[0]:
                    return 0.85  # Belarusian ц for т (Viciebsk / Vitebsk): as the vowel variant rule
    return 0.0


_BE_U = re.compile(r"(?<=[aeio])u(?=[^aeiou]|$)")


def _be_u(sk: str) -> str:
    return _BE_U.sub("v", sk)


def token_weights(rep: NameRep, weight: Weight, person: bool) -> list[float]:
    """Each token's weight in a name (rarity, patronymic and initials lowered); precomputed by
    the index for listed names."""
    pat = _patronymic_index(rep.skeletons) if person else None
    titles = name_data().person_titles if person and len(rep.skeletons) > 1 else frozenset()
    out = []
    for i, sk in enumerate(rep.skeletons):
        w = weight(sk)
        if sk in titles:
            w = min(w, STOPWORD_WEIGHT)  # Haji, Shaykh, Colonel: one list writes them, another not
        elif person and len(sk) == 1:
            w = min(w, 0.3)
        elif i == pat:
            w = min(w, PATRONYMIC_WEIGHT)
        out.append(w)
    return out


# Skeletons of the words before the person's name (imia: Belarusian імя).
_NAMED_AFTER = tuple(tuple(skeleton(w) for w in m) for m in (("named", "after"), ("imeni",), ("imeny",), ("imia",)))


@lru_cache(maxsize=50_000)
def _honorific(skeletons: tuple[str, ...]) -> tuple[int, ...]:
    """The tokens of the person an organisation is named after (Iz-Kartex named after P.G.
    Korobkov, Zavod imeni V.I. Lenina): initials, then a surname or a given name and surname.
    An honour, not the firm's own name, and many firms share it: low weight."""
    for k in range(len(skeletons)):
        for marker in _NAMED_AFTER:
            if skeletons[k:k + len(marker)] == marker:
                j = k + len(marker)
                while j < len(skeletons) and len(skeletons[j]) == 1:
                    j += 1
                if j < len(skeletons) and not skeletons[j].isdigit():
                    if skeletons[j] in name_data().common_given and j + 1 < len(skeletons):
                        j += 1  # Named after Sergei Kirov
                    return tuple(range(k + len(marker), j + 1))
                return ()
    return ()


def align(a: NameRep, b: NameRep, *, person: bool, weight: Weight = default_weight,
          wa_pre: Sequence[float] | None = None, wb_pre: Sequence[float] | None = None) -> Alignment:
    """Score two names (see module docstring). ``wa_pre``/``wb_pre``: token weights computed
    beforehand with ``token_weights`` (the index does this once per name)."""
    if not a.skeletons or not b.skeletons:
        return Alignment(0.0)
    wa = list(wa_pre) if wa_pre is not None else token_weights(a, weight, person)
    wb = list(wb_pre) if wb_pre is not None else token_weights(b, weight, person)
    if not person:
        # The person a firm is named after, given on one side only, weighs little (Iz-Kartex /
        # Iz-Kartex named after P.G. Korobkov); on both sides it tells two firms apart (Plant
        # named after Lenin / named after Kirov).
        hon_a, hon_b = _honorific(a.skeletons), _honorific(b.skeletons)
        if bool(hon_a) != bool(hon_b):
            for k in hon_a:
                wa[k] = min(wa[k], GENERIC_WEIGHT)
            for k in hon_b:
                wb[k] = min(wb[k], GENERIC_WEIGHT)
    cands: list[tuple[float, int, int, str]] = []
    ascii_both = a.text.isascii() and b.text.isascii()
    ka, kb = a.concepts, b.concepts
    translate = not person and any(ka) and any(kb)
    ra, rb = a.raw or a.skeletons, b.raw or b.skeletons
    ta, tb = a.tokens, b.tokens
    ha = [_kh_reading(t) for t in ta]
    hb = [_kh_reading(t) for t in tb]
    la = _latin_readings(ta, person)
    lb = _latin_readings(tb, person)
    tsim = _token_similarity
    # The Arabic article written apart somewhere in a name (Al Ali, Al Haytham).
    art_a = not _ARTICLE_SET.isdisjoint(a.skeletons)
    art_b = not _ARTICLE_SET.isdisjoint(b.skeletons)
    # Korean and Chinese names written syllable by syllable (Paek Se Bong, Myong-Chin).
    syllabic = person and _syllabic(ta) and _syllabic(tb)
    # An Arabic name on either side: its name parts' vowels are written many ways.
    arabic = person and (_arabic_name(a.skeletons) or _arabic_name(b.skeletons))
    slipped: set[tuple[int, int]] = set()  # pairs of a misspelled translation
    last_a, last_b = len(ta) - 1, len(tb) - 1  # a list's field cuts a name at its end
    dims = name_data().diminutives if person else None
    for i, x in enumerate(a.skeletons):
        tx, rx, hx, kx = ta[i], ra[i], ha[i], ka[i] if translate else None
        for j, y in enumerate(b.skeletons):
            if x == y:
                how = "exact" if tx == tb[j] and ascii_both else "transliterated"
                cands.append((1.0, i, j, how))
                continue
            if person and (x[-3:] == "vic" or y[-3:] == "vic") and _other_gender_patronymics(x, y):
                continue  # a man's patronymic and a woman's (Ivanovich / Ivanovna): no credit, however alike
            c, how = tsim(x, y, person, tx[0], tb[j][0])
            if how == "other gender form" or (person and (rx != x or rb[j] != y) and _other_gender(rx, rb[j])):
                # Aleksandr / Aleksandra (Alexander / Alexandra as written): another person in
                # every reading, which must not find a vowel variant instead
                cands.append((OTHER_GENDER_CREDIT, i, j, "other gender form"))
                continue
            if (c == 0.0 or how.startswith("fuzzy")) and (rx != x or rb[j] != y):
                c2, how2 = token_similarity(rx, rb[j], person, tx, tb[j])
                if c2 > c:
                    c, how = c2, how2
            if (c < 0.9 or how == "vowel variant") and (hx or hb[j]) and abs(len(x) - len(y)) <= 3:
                # ch read as х (Łacinka, Polish, Czech, German: Pachodava / Паходава) or as ш with
                # ou as у (French: Loukachenko, Choïgou).
                for xa in (x, *hx):
                    for yb in (y, *hb[j]):
                        if xa is x and yb is y:
                            continue
                        c2, how2 = token_similarity(xa, yb, person, tx, tb[j])
                        if c2 > c:
                            c, how = c2, "transliterated" if how2 == "exact" else how2
            if c < LATIN_FLOOR and (la[i] or lb[j]) and -2 <= len(x) - len(y) <= 2 and \
                    (x[0] == y[0] or x[0] + y[0] in ("ck", "kc")):
                # Latin c and ti against a transliteration: the same letters, or one slip in a long
                # word (Tvernefteprodukt), never a vowel variant on top (Campus is no Kompas).
                for xa in (x, *la[i]):
                    for yb in (y, *lb[j]):
                        if (xa is not x or yb is not y) and xa[0] == yb[0] and -1 <= len(xa) - len(yb) <= 1:
                            s2 = 1.0 if xa == yb else OSA.normalized_similarity(xa, yb)
                            if s2 >= LATIN_FLOOR and s2 > c:
                                c, how = s2, "transliterated" if s2 == 1.0 else f"fuzzy {s2:.2f}"
            if c < TYPO_FLOOR and not person and tx[0] == tb[j][0] and len(tx) >= 5 and len(tb[j]) >= 5 and \
                    -1 <= len(tx) - len(tb[j]) <= 1:
                # A typo the skeleton makes worse (Peleng / Peeng: ee is one letter there;
                # Milavitsa / Milavista: ts is c): the letters as written.
                c2, how2 = _typo_credit(tx, tb[j])
                if c2 > c:
                    c, how = c2, how2
            if person and c < DIMINUTIVE_CREDIT and dims and (x in dims.get(y, ()) or y in dims.get(x, ())):
                c, how = DIMINUTIVE_CREDIT, "diminutive"
            if person and c < TRUNCATED_CREDIT and (i == last_a or j == last_b) and tx[:5] == tb[j][:5] and \
                    _truncated(tx, tb[j]):
                c, how = TRUNCATED_CREDIT, "truncated"
            if art_a and art_b and x in _ARTICLE_SET and y in _ARTICLE_SET and person:
                # The Arabic article as each romanisation writes it (Al-Astal / El-Astal).
                c, how = 1.0, "article"
            elif (art_a or art_b) and c < ARTICLE_CREDIT and _article_joined(x, y, art_a, art_b):
                c, how = ARTICLE_CREDIT, "article"
            if arabic and c < ARABIC_VOWEL_CREDIT and len(tx) >= 4 and len(tb[j]) >= 4 and \
                    (tx[0] == tb[j][0] or (tx[0] in "aeiou" and tb[j][0] in "aeiou")) and \
                    _arabic_key(tx) == _arabic_key(tb[j]):
                c, how = ARABIC_VOWEL_CREDIT, "vowel variant"
            if syllabic and c < SYLLABLE_CREDIT and _syllable_variant(tx, tb[j]):
                c, how = SYLLABLE_CREDIT, "romanised"
            if kx and c < TRANSLATED_CREDIT and kb[j] and kx & kb[j]:
                c, how = TRANSLATED_CREDIT, "translated"
            elif kx is not None and c < SLIPPED_FLOOR and bool(kx) != bool(kb[j]) and len(y if kx else x) >= 7:
                # A translation misspelled, so the vocabulary lacks it (Natsyyalny / National).
                c2 = _slipped_translation(y, kx) if kx else _slipped_translation(x, kb[j])
                if c2 > c:
                    c, how = c2, "translated"
                    slipped.add((i, j))
            if person and c > 0 and how != "exact" and _suffix_clash(x, y):
                continue  # Kowalski / Kovalchuk, Lukashenko / Lukashuk: one stem, two families
            if c > 0:
                if how == "exact":
                    how = "transliterated"  # another spelling, or the same letters from another script
                cands.append((c, i, j, how))
    cands.sort(key=lambda t: (-t[0], t[1], t[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs: list[tuple[int, int, float, str]] = []
    for c, i, j, how in cands:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((i, j, c, how))
    if person and any(how == "truncated" for *_, how in pairs) and \
            sum(1 for i, j, c, how in pairs if how != "truncated" and c >= 0.9 and min(len(ta[i]), len(tb[j])) > 2) < 2:
        # A part cut short counts only beside two other parts matched well (Martinus Pterus Henri):
        # alone, a name that begins another is another name as often (Henri / Henrikus).
        pairs, used_a, used_b = _drop_pairs(pairs, lambda p: p[3] == "truncated")
    if person and any(how == "diminutive" for *_, how in pairs) and \
            not any(how != "diminutive" and c >= 0.9 and min(len(ta[i]), len(tb[j])) > 2 for i, j, c, how in pairs):
        # A short form counts beside another part matched well (Sasha Kovalenko / Aleksandr
        # Kovalenko), not alone.
        pairs, used_a, used_b = _drop_pairs(pairs, lambda p: p[3] == "diminutive")
    if not person and any(how == "reduced vowel" for *_, how in pairs) and \
            sum(1 for i, j, c, how in pairs if how != "reduced vowel" and c >= 0.9 and wa[i] >= 1.0 and wb[j] >= 1.0) < 2:
        # An acronym with o for a counts beside two distinctive words matched well (OKB TSP
        # Scientific / Navukova AKB TSP), never alone or beside one: OKB and AKB are two acronyms
        # as often (AKB: a Russian joint-stock commercial bank; OKB Almaz / AKB Almaz).
        pairs, used_a, used_b = _drop_pairs(pairs, lambda p: p[3] == "reduced vowel")
    if slipped and not any((i, j) not in slipped and c >= 0.9 and wa[i] >= 1.0 and wb[j] >= 1.0
                           for i, j, c, _ in pairs):
        # A misspelled translation counts beside a distinctive word matched well (Olympic), never
        # alone or with generic words: one slip from a word is another word as often (Zelenaya,
        # green, is one from Zheleznaya, railway).
        pairs, used_a, used_b = _drop_pairs(pairs, lambda p: (p[0], p[1]) in slipped)
    if not person:
        # Organisation names are English words too, which Russian writes by ear: one word read
        # so against the other as written (Sky / Skai, Emirates / Emireits, Asot / Azot), for a
        # pair matched only nearly and for words left on both sides.
        for k, (i, j, c, _) in enumerate(pairs):
            if c < 0.9:
                c2, how2 = _heard(a, b, i, j)
                if c2 > c:
                    pairs[k] = (i, j, c2, how2)
        if len(pairs) < len(ta) and len(pairs) < len(tb):
            for c, i, j, how in sorted(_heard_pairs(a, b, used_a, used_b), key=lambda t: (-t[0], t[1], t[2])):
                if i not in used_a and j not in used_b:
                    used_a.add(i)
                    used_b.add(j)
                    pairs.append((i, j, c, how))
    if not person and (len(pairs) < len(a.skeletons) or len(pairs) < len(b.skeletons)):
        # A word repeated in an organisation name (Integral - managing company of holding Integral) is
        # matched where its first occurrence is.
        first_a = {a.skeletons[i]: (i, j, c, how) for i, j, c, how in pairs}
        first_b = {b.skeletons[j]: (i, j, c, how) for i, j, c, how in pairs}
        for i, x in enumerate(a.skeletons):
            if i not in used_a and x in first_a and len(x) > 2:
                _, j, c, how = first_a[x]
                used_a.add(i)
                pairs.append((i, j, c, how))
        for j, y in enumerate(b.skeletons):
            if j not in used_b and y in first_b and len(y) > 2:
                i, _, c, how = first_b[y]
                used_b.add(j)
                pairs.append((i, j, c, how))
    # A word written as two or three on the other side (Jiasibo / Jia Sibo, Belbiznes Lizing).
    split_a: set[int] = set()
    split_b: set[int] = set()
    for i, run, c in _split_runs(a, b, used_a, used_b):
        used_a.add(i)
        used_b.update(run)
        pairs.extend((i, j, c, "split") for j in run)
        split_a.add(i)
    for j, run, c in _split_runs(b, a, used_b, used_a):
        used_b.add(j)
        used_a.update(run)
        pairs.extend((i, j, c, "split") for i in run)
        split_b.add(j)
    if not person and ((any(ka) and _has_phrase(ka)) or (any(kb) and _has_phrase(kb))):
        # A word translating a phrase of the other side (Nedvizhimost / Real Estate).
        tr_a = {i: j for i, j, _, how in pairs if how == "translated"}
        tr_b = {j: i for i, j, _, how in pairs if how == "translated"}
        for i, run in _phrase_runs(a, b, used_a, used_b, tr_a) if _has_phrase(ka) else ():
            used_a.add(i)
            used_b.update(run)
            pairs.extend((i, j, TRANSLATED_CREDIT, "translated") for j in run if j != tr_a.get(i))
            split_a.add(i)
        for j, run in _phrase_runs(b, a, used_b, used_a, tr_b) if _has_phrase(kb) else ():
            used_b.add(j)
            used_a.update(run)
            pairs.extend((i, j, TRANSLATED_CREDIT, "translated") for i in run if i != tr_b.get(j))
            split_b.add(j)
    if not person:
        # Acronyms of the other name's words (GTF Neman / Grodno Tobacco Factory Neman), then
        # compounds of leading syllables (Brestoblispolkom / Brest Oblast Executive Committee),
        # each either way.
        for runs_of, credit, kind in ((_acronym_runs, ACRONYM_CREDIT, "acronym"),
                                      (_syllabic_runs, SYLLABIC_CREDIT, "abbreviated")):
            for i, run in runs_of(a, b, used_a, used_b):
                used_a.add(i)
                used_b.update(run)
                pairs.extend((i, j, credit, kind) for j in run)
            for j, run in runs_of(b, a, used_b, used_a):
                used_b.add(j)
                used_a.update(run)
                pairs.extend((i, j, credit, kind) for i in run)
    if person:
        # A patronymic given on one side only is no evidence either way.
        ia = {i for i, *_ in pairs}
        ib = {j for _, j, *_ in pairs}
        pat_a, pat_b = _patronymic_index(a.skeletons), _patronymic_index(b.skeletons)
        pa = [pat_a] if pat_a is not None and pat_a not in ia else []
        pb = [pat_b] if pat_b is not None and pat_b not in ib else []
        # A patronymic against the other side's initial of it (Shkadarevich Alexei Petrovich /
        # Shkadarevich A.P.) is as little evidence: never less than the patronymic left out
        # (Shkadarevich A.).
        for i, j, _, how in pairs:
            if how == "initial" and (i == pat_a or j == pat_b):
                wa[i] = wb[j] = 0.0

        if not (pa and pb):
            for i in pa:
                wa[i] = 0.0
            for j in pb:
                wb[j] = 0.0
    if not person and (a.ignored or b.ignored):
        # An acronym of the legal form the other side writes out (SFTUE / State Owned Foreign
        # Trade Unitary Enterprise) is a legal form too.
        for rep, w, side, other in ((a, wa, 0, b), (b, wb, 1, a)):
            if other.ignored:
                acronyms = _legal_acronyms(rep.tokens, other.ignored)
                if acronyms:
                    used = {p[side] for p in pairs}
                    for k in acronyms:
                        if k not in used:
                            w[k] = 0.0
    got_a: dict[int, float] = {}
    got_b: dict[int, float] = {}
    for i, j, c, _ in pairs:
        got_a[i] = max(got_a.get(i, 0.0), c)  # an acronym pairs one token with several
        got_b[j] = max(got_b.get(j, 0.0), c)
    cov_a = sum(c * wa[i] for i, c in got_a.items()) / (sum(wa) or 1.0)
    cov_b = sum(c * wb[j] for j, c in got_b.items()) / (sum(wb) or 1.0)
    share = 0.5
    if not person:
        # Only when the less-covered side adds nothing but descriptive words (tyre, works,
        # management): an extra proper word (Raahbar Informatics) is another party as often.
        # The shared part must be a distinctive word (Belshina), not a short or common one (Bio, Blue).
        less, got = (a, got_a) if cov_a < cov_b else (b, got_b)
        common = name_data().common_words
        if all(_descriptive(less.skeletons[k]) for k in range(len(less.skeletons)) if k not in got) and \
                any(len(sk) >= 5 and default_weight(sk) == 1.0 and sk not in common
                    for sk in (less.skeletons[k] for k in got)):
            share = COVER_MAX_SHARE
    else:
        # A person named in full on one side (surname and given name, each matched well) and with
        # more given names on the other (Polani Atif / Polani Atif Abdul Aziz): middle names,
        # the father's name.
        more, got_more, got_less = (a, got_a, got_b) if cov_a > cov_b else (b, got_b, got_a)
        less = b if more is a else a
        full = [k for k in range(len(more.skeletons)) if len(more.skeletons[k]) > 1 and more.skeletons[k] not in _STOPWORDS]
        other_gender = any(how.endswith("gender form") for *_, how in pairs)
        extra = [k for k in range(len(less.skeletons)) if k not in got_less and less.skeletons[k] not in _STOPWORDS]
        # An Arabic name's alias may give the whole chain of fathers' names (nasab): up to four more.
        if len(full) >= 2 and not other_gender and all(got_more.get(k, 0.0) >= 0.9 for k in full) and \
                len(extra) <= (4 if _arabic_name(a.skeletons) or _arabic_name(b.skeletons) else 2):
            # Less when a part matched only as a near spelling (Maria / Mayra); a vowel variant
            # with the same consonants (Mustafa / Mostafa) is the name written another way.
            vowel = {(i if more is a else j) for i, j, c, how in pairs if how == "vowel variant" and c >= 0.9}
            share = PERSON_MAX_SHARE if all(got_more.get(k, 0.0) >= 0.95 or k in vowel for k in full) \
                else PERSON_VARIANT_SHARE
    score = share * max(cov_a, cov_b) + (1 - share) * min(cov_a, cov_b)
    notes: list[str] = []
    if not person and score < CONTAINED_NAME_SCORE and contained_name(a, b, got_a, got_b, weight):
        score = CONTAINED_NAME_SCORE
        notes.append("a rare name whole inside the other with other words: review")

    joined = False
    if True:  # persons too: the compact form keeps the order of the name parts
        # One side writes as one word what the other writes as several ("GrodnoAzot",
        # "Haddadadel"/"Haddad-Adel", "Myongc-hin"/"Myong-chin").
        ca, cb = _compact(a.skeletons), _compact(b.skeletons)
        if min(len(ca), len(cb)) >= (6 if not person else 8) and (len(a.skeletons) != len(b.skeletons) or score < 0.9):
            cs = Levenshtein.normalized_similarity(ca, cb)
            if person and len(a.skeletons) == len(b.skeletons):
                # Same number of parts: only the very same letters split elsewhere
                # (Arefullah Aref / Arefullaha Ref), never a changed letter (Volfovich/Volkovich).
                cs = 1.0 if "".join(a.tokens) == "".join(b.tokens) or ca == cb else 0.0
            if cs >= 0.92 and cs * 0.98 > score:
                score = cs * 0.98
                joined = True
                notes.append(f"joined spelling matches ({cs:.2f})")
                pairs = [(i, 0, 1.0, "joined") for i in range(len(a.skeletons))] if not pairs else pairs

    arabic_same = False
    if arabic and not joined and score < ARABIC_SAME_SCORE and len(a.tokens) >= 2 and len(b.tokens) >= 2:
        # An Arabic name in another romanisation, its parts run together or apart the other way
        # (Abdullah / Abed Allah, Abd al-Aziz / Abdelaziz): the same name read in one spelling.
        arab_a, arab_b = _arabic_compact(a.tokens), _arabic_compact(b.tokens)
        if len(arab_a) >= 8 and arab_a == arab_b:
            score = ARABIC_SAME_SCORE
            arabic_same = True
            notes.append("the same Arabic name in another romanisation")

    if not person and pairs and not joined and all(how.startswith(("fuzzy", "vowel", "transcribed")) for *_, how in pairs) and \
            (len(got_a) < len(a.skeletons) or len(got_b) < len(b.skeletons)):
        # A near spelling (or an English word as heard) plus words of its own (Naftan / Neftan
        # Trading, Peleng / Pelang Trading, Optiks / Minsk Optics): two steps from the name.
        if score > NEAR_PLUS_EXTRA_CAP:
            notes.append("near spelling with other words: not a match")
        score = min(score, NEAR_PLUS_EXTRA_CAP)
    if not person and not joined and any(how == "abbreviated" for *_, how in pairs) and \
            (len(a.skeletons) == 1 or len(b.skeletons) == 1):
        # A one-word name spelled by leading syllables against those words and more of its own
        # (Belaruskali / Belarusian Potash Company, a brand of the same words): two steps.
        other = b if len(a.skeletons) == 1 else a
        paired = {j for _, j, *_ in pairs} if other is b else {i for i, *_ in pairs}
        if any(k not in paired and sk not in _STOPWORDS for k, sk in enumerate(other.skeletons)):
            if score > NEAR_PLUS_EXTRA_CAP:
                notes.append("an abbreviation with other words: not a match")
            score = min(score, NEAR_PLUS_EXTRA_CAP)
    generic = name_data().generic

    def generic_pair(i: int, j: int, how: str) -> bool:
        # Another spelling of a generic word is generic too (Tech / Tek); an acronym, a split
        # word or a translation is judged by the words on both sides.
        x, y = a.skeletons[i] in generic, b.skeletons[j] in generic
        return (x and y) if how in _RUN_KINDS else (x or y)

    if pairs and all(generic_pair(i, j, how) for i, j, _, how in pairs) and \
            not any(h == "joined" for *_, h in pairs):
        # The same name of several generic words (Belarus Trading / BELARUS TRADING LLC) is
        # worth a look: review at most; one word alone (Trading) or part of a name stays low.
        same = len(a.skeletons) > 1 and a.skeletons == b.skeletons and len(pairs) == len(a.skeletons)
        cap = GENERIC_SAME_CAP if same else GENERIC_ONLY_CAP
        if score > cap:
            notes.append("only generic words match" + (", the same name: review at most" if same else ""))
        score = min(score, cap)
    if not person and pairs and len(a.skeletons) != len(b.skeletons) and \
            not any(how in _RUN_KINDS or how == "joined" for *_, how in pairs):
        # A firm named by a common surname or given name alone (OOO NOVAK) inside a longer name
        # (Novak Engineering S.r.l.): many firms bear a person's name, so this is no match.
        data = name_data()
        more, got_more = (a, got_a) if len(a.skeletons) > len(b.skeletons) else (b, got_b)
        named = [more.skeletons[k] for k in got_more]
        if all(sk in data.common_surnames or sk in data.common_given for sk in named) and \
                any(k not in got_more and sk not in _STOPWORDS for k, sk in enumerate(more.skeletons)):
            if score > NEAR_PLUS_EXTRA_CAP:
                notes.append("only a common person's name matches, with other words: not a match")
            score = min(score, NEAR_PLUS_EXTRA_CAP)
    if not person and _other_place(a, b):
        notes.append("another city or region")
        score = min(score, PLACE_MISMATCH_CAP)
    na, nb = a.numbers, b.numbers
    if na and nb and na != nb:
        notes.append(f"different numbers ({', '.join(sorted(na))} vs {', '.join(sorted(nb))})")
        score = min(score, NUMBER_MISMATCH_CAP)
    if not person and not pairs and (_initials_match(a, b) or _initials_match(b, a)):
        notes.append("acronym of the other name")
        long = b if _initials_match(a, b) else a
        if _weak_acronym(long.skeletons, long.concepts) and not (a.ignored and b.ignored):
            notes.append("acronym mostly of filler words (company, trading): not a match")
            return Alignment(WEAK_ACRONYM_SCORE, [], notes)
        return Alignment(0.85, [], notes)
    if not person and pairs and all(how == "acronym" for *_, how in pairs):
        # Only an acronym matches: strong only when its letters carry the other name (see
        # _weak_acronym); a legal form on both sides is some support, a country too (the index
        # adds its bonus to the score kept here).
        one_a = len({i for i, *_ in pairs}) == 1
        long = b if one_a else a
        acr_run = tuple(sorted({j if one_a else i for i, j, *_ in pairs}))
        if _weak_acronym(tuple(long.skeletons[k] for k in acr_run),
                         tuple(long.concepts[k] for k in acr_run) if long.concepts else ()):
            cap = WEAK_ACRONYM_LEGAL_SCORE if a.ignored and b.ignored else WEAK_ACRONYM_SCORE
            if score > cap:
                notes.append("acronym mostly of filler words (company, trading): " +
                             ("review at most" if cap >= 0.8 else "not a match"))
            score = min(score, cap)
    if person and not joined and not arabic_same:
        # A title (Haji, Shaykh, Colonel) is no name of its own either.
        titles = name_data().person_titles
        full_a = [s for s in a.skeletons if len(s) > 1 and s not in titles]
        full_b = [s for s in b.skeletons if len(s) > 1 and s not in titles]
        # Each side has a name of its own the other lacks (another first name or surname).
        ia = {i for i, *_ in pairs}
        ib = {j for _, j, *_ in pairs}
        pat_a, pat_b = _patronymic_index(a.skeletons), _patronymic_index(b.skeletons)
        # (An article or particle is no name of its own: Al, El, de, da.)
        own_a = [i for i, sk in enumerate(a.skeletons) if i not in ia and len(sk) > 1 and i != pat_a and
                 sk not in _STOPWORDS and sk not in titles]
        own_b = [j for j, sk in enumerate(b.skeletons) if j not in ib and len(sk) > 1 and j != pat_b and
                 sk not in _STOPWORDS and sk not in titles]
        if own_a and own_b:
            if score > SURNAME_ONLY_CAP:
                notes.append("each name has a part the other lacks")
            score = min(score, SURNAME_ONLY_CAP)
        # Patronymics or initials on both sides that do not match: another person of the same
        # name (Zhukov Alexander Dmitrievich / Arkadyevich; Natalya Yuryevna / Natalya V.).
        odd_a = [i for i, sk in enumerate(a.skeletons) if i not in ia and (len(sk) == 1 or i == pat_a)]
        odd_b = [j for j, sk in enumerate(b.skeletons) if j not in ib and (len(sk) == 1 or j == pat_b)]
        if odd_a and odd_b and _near_patronymics(a, b, odd_a, odd_b, pat_a, pat_b):
            notes.append("patronymics spelled nearly alike")
        elif odd_a and odd_b:
            if score > MIDDLE_CONFLICT_CAP:
                notes.append("patronymics or initials differ")
            score = min(score, MIDDLE_CONFLICT_CAP)
        lone_a = len(full_a) == 1 and len(a.skeletons) - sum(s in titles for s in a.skeletons) == 1
        lone_b = len(full_b) == 1 and len(b.skeletons) - sum(s in titles for s in b.skeletons) == 1
        if lone_a != lone_b:
            if score > SURNAME_ONLY_CAP:
                notes.append("one side gives a single name only")
            score = min(score, SURNAME_ONLY_CAP)
    short_cap = False
    if not person and ((len(a.skeletons) == 1 and len(a.compact) <= 4) or
                       (len(b.skeletons) == 1 and len(b.compact) <= 4)):
        short_cap = True
        if score > SHORT_NAME_CAP:
            notes.append("short acronym: review, not proof")
        score = min(score, SHORT_NAME_CAP)
    ceiling = 1.0
    if not person and not joined and pairs and \
            all(min(len(a.skeletons[i]), len(b.skeletons[j])) <= 2 for i, j, *_ in pairs) and \
            (len(pairs) < len(a.skeletons) or len(pairs) < len(b.skeletons)):
        # Only a one- or two-letter word matches (Li ~ LJ): no evidence.
        if score > GENERIC_ONLY_CAP:
            notes.append("only a very short word matches")
        score = min(score, GENERIC_ONLY_CAP)
    if not person and pairs:
        # Only generic words, common words and place names (Dubai Trading, Blue Energy, Trans
        # Service): review at most, even when equal.
        data = name_data()
        def common_word(w: str) -> bool:
            return w in data.generic or w in data.common_words or weight(w) < LIST_COMMON_WEIGHT

        def common_pair(i: int, j: int, how: str) -> bool:
            # As for generic words: a spelling of a common word is common (Blue / Bliu). The
            # one word of a split is judged by the words it was split into.
            x = None if i in split_a else a.skeletons[i]
            y = None if j in split_b else b.skeletons[j]
            if how in _RUN_KINDS:
                return (x is None or common_word(x)) and (y is None or common_word(y))
            return (x is not None and common_word(x)) or (y is not None and common_word(y))

        if joined:
            # The words of the side written in several words (Green Shipping / GreenShipping).
            only_common = all(common_word(w) for w in (a.skeletons if len(a.skeletons) > len(b.skeletons) else b.skeletons))
        else:
            only_common = all(common_pair(i, j, how) for i, j, _, how in pairs)
        # Three or more such words all matched (Belarusian Steel Works) are a distinctive name.
        long_match = not joined and len(pairs) >= 3 and len(pairs) == len(a.skeletons) == len(b.skeletons)
        if not long_match and only_common:
            ceiling = REVIEW_CEILING
            if score > ceiling:
                notes.append("only common words and place names: review, not proof")
            paired_a, paired_b = {i for i, *_ in pairs}, {j for _, j, *_ in pairs}
            extra_a = [sk for k, sk in enumerate(a.skeletons) if k not in paired_a and sk not in _STOPWORDS]
            extra_b = [sk for k, sk in enumerate(b.skeletons) if k not in paired_b and sk not in _STOPWORDS]
            respelled = any(x[:4] == y[:4] for x in extra_a for y in extra_b)
            if not joined and (extra_a or extra_b) and not respelled and len(pairs) < 3:
                # ... and words more on one side, even generic ones (Dubai Trading / Dubai General
                # Trading Company): common words make many such names, two steps from this one.
                # Other words on both sides too (New Oil Services / New Oil Company), unless they
                # begin alike: one word spelled two ways (Trade / Trading). Three words matched are
                # a name (Belarusian Steel Works / ... Management).
                if score > NEAR_PLUS_EXTRA_CAP:
                    notes.append("common words with other words: not a match")
                score = min(score, NEAR_PLUS_EXTRA_CAP)
            if not joined and any(how == "inflected" for *_, how in pairs):
                # ... and one of them only in another form (Belarus Steel / Belarusian Steel
                # Works): two steps from the name.
                if score > NEAR_PLUS_EXTRA_CAP:
                    notes.append("common words in another form: not a match")
                score = min(score, NEAR_PLUS_EXTRA_CAP)
    if person and pairs:
        if any(how == "gender form" for *_, how in pairs):
            ceiling = REVIEW_CEILING
            if score > ceiling:
                notes.append("surname in another gender form: review, not proof")
        hissing = False
        for i, j, _, how in pairs:
            if how == "vowel variant" and _hissing_changed(a.tokens[i], b.tokens[j]):
                # Shevchenko/Savchenko: s for sh and another vowel is another family, not akanye
                # or transliteration (those keep the hissing letters or the vowels).
                ceiling = REVIEW_CEILING
                hissing = True
                if score > ceiling:
                    notes.append(f"'{a.tokens[i]}' and '{b.tokens[j]}' differ in letters: review, not proof")
                break
        romanised = sum(1 for *_, how in pairs if how == "romanised")
        if romanised and len(pairs) - romanised < 2:
            # Dan Lee / Tan Lee: in Chinese and Korean the voiced and unvoiced initial are often
            # two different names; with fewer than two other parts equal, review, not proof.
            ceiling = min(ceiling, REVIEW_CEILING)
            if score > ceiling:
                notes.append("a syllable in another romanisation, too few other parts equal: review, not proof")
        if not joined and score > COMMON_NAME_CAP and _common_person(a, b, pairs, weight):
            notes.append("common given name and surname only: review unless patronymic, date of birth or "
                         "country support it")
            score = COMMON_NAME_CAP
            if hissing:
                # Both doubts at once: common name parts only, and the surname of what reads as
                # another family (Piotr Shevchenko / Petr Savchenko): not a match.
                notes.append("and the surname reads as another family: not a match")
                score = min(score, MIDDLE_CONFLICT_CAP)
    if person and not joined and any(how in ("truncated", "diminutive") for *_, how in pairs):
        ceiling = min(ceiling, REVIEW_CEILING)
        if score > ceiling:
            notes.append("a name part cut short or a diminutive: review, not proof")
    if not person and any(how == "reduced vowel" for *_, how in pairs):
        # Review at most, unless the name scores higher without the acronym (an unmatched
        # acronym weighs little beside long words: OKB Almaz Neman / OKV Almaz Neman).
        red_a = {i for i, _, _, how in pairs if how == "reduced vowel"}
        red_b = {j for _, j, _, how in pairs if how == "reduced vowel"}
        wo_a = sum(c * wa[i] for i, c in got_a.items() if i not in red_a) / (sum(wa) or 1.0)
        wo_b = sum(c * wb[j] for j, c in got_b.items() if j not in red_b) / (sum(wb) or 1.0)
        without = share * max(wo_a, wo_b) + (1 - share) * min(wo_a, wo_b)
        cs = Levenshtein.normalized_similarity(_compact(a.skeletons), _compact(b.skeletons))
        if cs >= 0.92:  # as the joined spelling above scores it
            without = max(without, cs * 0.98)
        ceiling = min(ceiling, max(REVIEW_CEILING, without))
        if score > ceiling:
            notes.append("an acronym with o for a (Russian / Belarusian): review, not proof")
    if not person and _two_part_compound(pairs):
        # A word of two leading syllables, one read through a translation (Belaruskali = Belarus
        # + kali = Belarusian Potash): as often the name of a related firm as another spelling
        # of the same one; three syllables or more (Brestoblispolkom) are an abbreviation.
        ceiling = min(ceiling, REVIEW_CEILING)
        if score > ceiling:
            notes.append("a compound of two syllables: review, not proof")
    if slipped and any((i, j) in slipped for i, j, *_ in pairs):
        # A word read as a misspelled translation may be another word one slip away: review.
        ceiling = min(ceiling, REVIEW_CEILING)
        if score > ceiling:
            notes.append("a translation matched only as misspelled: review, not proof")
    if not person and pairs and _trade_vehicle(a, b, pairs):
        # The same name plus trading, capital, leasing, torgovyi dom on one side only: as often the
        # firm's trading or finance vehicle, another listed entity (Simmetron / Torgovyi Dom
        # Simmetron, GTLK Europe / GTLK Europe Capital): review, not proof.
        ceiling = min(ceiling, REVIEW_CEILING)
        if score > ceiling:
            notes.append("the other name adds a trading or holding word: review, not proof")
    if short_cap:
        ceiling = min(ceiling, SHORT_NAME_CAP)
    score = min(score, ceiling)
    return Alignment(max(0.0, min(1.0, score)), pairs, notes, ceiling)


# Words that make a name a trading or finance vehicle of the firm it names (not Systems,
# Solutions, Group: those are as often part of the one firm's name). Trading alone is not one:
# a listed name plus Trading is how a party hides (Belaruskali Trading blocks).
_VEHICLE_WORDS = frozenset(skeleton(w) for w in (
    "house", "dom", "capital", "invest", "investment", "investments", "finance", "financial", "leasing",
    "factoring"))
_VEHICLE_WITH = _VEHICLE_WORDS | frozenset(skeleton(w) for w in ("trading", "trade", "torgovyi", "torgovy"))


def _trade_vehicle(a: NameRep, b: NameRep, pairs: list[tuple[int, int, float, str]]) -> bool:
    """One name whole in the other, whose words left over are all vehicle words (_VEHICLE_WORDS),
    trading words beside them."""
    ia = {i for i, *_ in pairs}
    ib = {j for _, j, *_ in pairs}
    left_a = [sk for i, sk in enumerate(a.skeletons) if i not in ia and sk not in _STOPWORDS]
    left_b = [sk for j, sk in enumerate(b.skeletons) if j not in ib and sk not in _STOPWORDS]
    if bool(left_a) == bool(left_b):
        return False
    left = left_a or left_b
    return all(sk in _VEHICLE_WITH for sk in left) and any(sk in _VEHICLE_WORDS for sk in left)


def contained_name(a: NameRep, b: NameRep, got_a: dict[int, float], got_b: dict[int, float], weight: Weight) -> bool:
    """The shorter name, every word matched exactly, inside the longer one with at most
    CONTAINED_EXTRA other words, and one of its words distinctive and rare in the lists (7+
    letters, no common word, person's name or place): Acme & Belaruskali. Another party as often
    as not, so a review, not a block."""
    short, got_s, long_, got_l = (a, got_a, b, got_b) if len(a.skeletons) < len(b.skeletons) else (b, got_b, a, got_a)
    # A hyphened compound (NOVATEK-TRANSERVIS, INTERVESP-M) names a subsidiary or another firm.
    if len(short.skeletons) >= len(long_.skeletons) or len(got_s) != len(short.skeletons) or \
            any(c < 1.0 for c in got_s.values()) or "-" in long_.text:
        return False
    extra = [sk for k, sk in enumerate(long_.skeletons) if k not in got_l and sk not in _STOPWORDS]
    if not extra or len(extra) > CONTAINED_EXTRA:
        return False
    data = name_data()
    # Given names or a patronymic around a surname: a person's name, for the person rules.
    if any(sk in data.common_given for sk in extra) or _patronymic_index(long_.skeletons) is not None:
        return False
    return any(len(sk) >= 7 and default_weight(sk) == 1.0 and weight(sk) >= LIST_COMMON_WEIGHT and
               sk not in data.common_words and sk not in data.common_surnames and sk not in data.common_given and
               not _places_in((sk,)) for sk in short.skeletons)


def _drop_pairs(pairs: list[tuple[int, int, float, str]], drop: Callable[[tuple[int, int, float, str]], bool]
                ) -> tuple[list[tuple[int, int, float, str]], set[int], set[int]]:
    """The pairs without those ``drop`` names, and the tokens of each side they still use."""
    kept = [p for p in pairs if not drop(p)]
    return kept, {p[0] for p in kept}, {p[1] for p in kept}


def _two_part_compound(pairs: list[tuple[int, int, float, str]]) -> bool:
    """Whether a word is paired by its leading syllables with exactly two words of the other name."""
    runs_a: dict[int, int] = {}
    runs_b: dict[int, int] = {}
    for i, j, _, how in pairs:
        if how == "abbreviated":
            runs_a[i] = runs_a.get(i, 0) + 1
            runs_b[j] = runs_b.get(j, 0) + 1
    # The compound's side pairs its one word with the run; the run's words each appear once.
    return any(n == 2 for n in runs_a.values()) or any(n == 2 for n in runs_b.values())


@lru_cache(maxsize=200_000)
def _compact(skeletons: tuple[str, ...]) -> str:
    """A name's skeletons as one word, doubled letters collapsed (GrodnoAzot = Grodno Azot)."""
    return _DOUBLE.sub(r"\1", "".join(skeletons))


_HISS = re.compile(r"shch|sch|sh|sz|ch|cz|zh|s|c|z")
_HISS_CLASS = {"shch": "S", "sch": "S", "sh": "S", "sz": "S", "ch": "C", "cz": "C", "zh": "Z"}


def _hissing_changed(x: str, y: str) -> bool:
    """Raw tokens that differ both in a hissing letter (sh/s, ch/c, zh/z) and in a vowel."""
    hx = [_HISS_CLASS.get(m, m.upper() + "?") for m in _HISS.findall(x)]
    hy = [_HISS_CLASS.get(m, m.upper() + "?") for m in _HISS.findall(y)]
    if len(hx) != len(hy) or not any(p != q and p[0] == q[0] for p, q in zip(hx, hy, strict=True)):
        return False
    # Vowels but the last, o read as a (akanye and endings: Łukašenka/Lukashenko stays one name).
    vx = re.sub(r"[^aeiou]", "", _be_u(x)).replace("o", "a")[:-1]
    vy = re.sub(r"[^aeiou]", "", _be_u(y)).replace("o", "a")[:-1]
    return vx != vy


PATRONYMIC_NEAR = 0.8
_FEMALE_PATRONYMIC = ("vna", "una")  # skeletons: -ovna, -evna; Belarusian -auna, -euna


def _other_gender_patronymics(x: str, y: str) -> bool:
    return len(x) >= 6 and len(y) >= 6 and ((x.endswith("vic") and y.endswith(_FEMALE_PATRONYMIC)) or
                                            (y.endswith("vic") and x.endswith(_FEMALE_PATRONYMIC)))


def _near_patronymics(a: NameRep, b: NameRep, odd_a: list[int], odd_b: list[int], pat_a: int | None,
                      pat_b: int | None) -> bool:
    """The only unmatched middle parts are patronymics of one gender spelled nearly alike
    (Mihaulauna / Mikhailovna: Belarusian ў for в and a transliteration slip): the same father's
    name written another way, not another person. Other names of fathers differ more
    (Alexandrovich / Alekseevich, Grigorievich / Georgievich, Antonovich / Anatolievich)."""
    if odd_a != [pat_a] or odd_b != [pat_b] or pat_a is None or pat_b is None:
        return False
    x, y = _be_u((a.raw or a.skeletons)[pat_a]), _be_u((b.raw or b.skeletons)[pat_b])
    if x.endswith("vic") != y.endswith("vic") or x[:2] != y[:2]:
        return False  # another gender: another person
    return OSA.normalized_similarity(x, y) >= PATRONYMIC_NEAR


def _common_person(a: NameRep, b: NameRep, pairs: list[tuple[int, int, float, str]], weight: Weight) -> bool:
    """Only two (or fewer) full name parts match, each very common, and no patronymic on both sides."""
    data = name_data()
    pat_a, pat_b = _patronymic_index(a.skeletons), _patronymic_index(b.skeletons)
    full = [(i, j) for i, j, _, how in pairs if how != "initial"]
    if not full or len(full) > 2 or any(i == pat_a or j == pat_b for i, j in full):
        return False

    def common(rep: NameRep, k: int) -> bool:
        sk = rep.skeletons[k]
        # And as other languages spell it (Chevtchenko, Ševčukas = Shevchenko, Shevchuk).
        forms = {sk, _be_u(sk), sk[:-1] if sk.endswith("a") else sk, *_kh_reading(rep.tokens[k])}
        return any(f in data.common_given or f in data.common_surnames for f in forms) or \
            weight(sk) < LIST_COMMON_WEIGHT

    return all(common(a, i) or common(b, j) for i, j in full)


def explain(a: NameRep, b: NameRep, al: Alignment) -> tuple[str, list[dict[str, object]]]:
    """One sentence and structured details of an alignment."""
    details: list[dict[str, object]] = []
    parts: list[str] = []
    # An acronym or a split word pairs one token with a run of the other's: shown as one item.
    runs: dict[tuple[str, int, str], list[int]] = {}
    for i, j, _, how in al.pairs:
        if how in _RUN_KINDS:
            one_a = sum(1 for x, *_, h in al.pairs if x == i and h == how) > 1
            runs.setdefault(("a", i, how) if one_a else ("b", j, how), []).append(j if one_a else i)
    shown: set[tuple[str, int, str]] = set()
    for i, j, c, how in al.pairs:
        if how == "joined":
            continue
        qa, cb = a.tokens[i], b.tokens[j]
        if how in _RUN_KINDS:
            key = ("a", i, how) if ("a", i, how) in runs else ("b", j, how)
            if key in shown:
                continue
            shown.add(key)
            run = sorted(runs[key])
            qa = qa if key[0] == "a" else " ".join(a.tokens[k] for k in run)
            cb = cb if key[0] == "b" else " ".join(b.tokens[k] for k in run)
        details.append({"token": qa, "matched": cb, "how": how, "credit": round(c, 3)})
        parts.append(f"'{qa}'" if how == "exact" else f"'{qa}'~'{cb}' ({how})")
    matched = {i for i, *_ in al.pairs}
    unmatched = [a.tokens[i] for i in range(len(a.tokens)) if i not in matched]
    matched_b = {j for _, j, *_ in al.pairs}
    extra = [b.tokens[j] for j in range(len(b.tokens)) if j not in matched_b]
    text = "matched " + (", ".join(parts) if parts else "as one word")
    if unmatched:
        text += "; not in the listed name: " + ", ".join(f"'{t}'" for t in unmatched)
        details.extend({"token": t, "how": "unmatched"} for t in unmatched)
    if extra:
        text += "; listed name also has: " + ", ".join(f"'{t}'" for t in extra)
    generic_data = name_data().generic
    generic = sorted({a.tokens[i] for i in range(len(a.tokens)) if a.skeletons[i] in generic_data})
    if generic:
        text += "; generic words (low weight): " + ", ".join(f"'{t}'" for t in generic)
        details.extend({"token": t, "how": "generic (low weight)"} for t in generic)
    ignored = list(a.ignored) + [x for x in b.ignored if x not in a.ignored]
    if ignored:
        text += "; ignored legal forms: " + ", ".join(ignored)
        details.extend({"token": t, "how": "ignored (legal form)"} for t in ignored)
    for note in al.notes:
        text += f"; {note}"
    return text, details


# A customs declaration's name field (EDIFACT an..35, the SAD's trader boxes) and ERP fields cut
# a long name at 35 characters, often inside a word ("OPEN JOINT STOCK COMPANY BELAVIA BE").
FIELD_WIDTH = 35
CUT_CAP = 0.89  # a cut name is worth a review at most: what was cut away may tell two parties apart


def field_cut(rep: NameRep) -> tuple[NameRep, str] | None:
    """A name of exactly the field's width, read as cut there: the name without its last word when
    the cut fell inside it, and that word's start ("" when the cut fell on a space or punctuation,
    or the last word is a legal form). None for a name of another length."""
    text = rep.text
    if len(text) != FIELD_WIDTH or not rep.tokens:
        return None
    if text[-1].isspace():
        return rep, ""  # cut between two words
    if not text[-1].isalnum():
        return None  # a name ending in punctuation is whole (Co., Ltd.)
    words = latin_tokens(text[-FIELD_WIDTH // 2:])
    if not words or words[-1] != rep.tokens[-1] or len(rep.tokens) < 2:
        return None  # ends in a legal form (Limited, OAO): a whole name of that length
        return None
    n = len(rep.tokens) - 1
    return replace(rep, tokens=rep.tokens[:n], skeletons=rep.skeletons[:n], concepts=rep.concepts[:n],
                   raw=rep.raw[:n] if rep.raw else ()), words[-1]


def _prefix(rep: NameRep, n: int) -> NameRep:
    return replace(rep, tokens=rep.tokens[:n], skeletons=rep.skeletons[:n], concepts=rep.concepts[:n],
                   raw=rep.raw[:n] if rep.raw else ())


def cut_align(cut: tuple[NameRep, str], full: NameRep, *, person: bool, weight: Weight = default_weight) -> Alignment | None:
    """A name cut by the field (``field_cut``) against a whole name: the words after the last one
    the cut name matched are taken as cut away, if the cut word begins the next of them. Capped
    at CUT_CAP; None when the cut name does not read as the beginning of this one."""
    rep, partial = cut
    al = align(rep, full, person=person, weight=weight)
    if not al.pairs:
        return None
    last = max(j for _, j, *_ in al.pairs)
    if last + 1 >= len(full.tokens):
        # Nothing of the whole name left for the cut word to begin: the plain score says it all.
        return None
    if partial and not (full.tokens[last + 1].startswith(partial) or
                        full.skeletons[last + 1].startswith(skeleton(partial))):
        return None
    al = align(rep, _prefix(full, last + 1), person=person, weight=weight)
    if any(c < 0.9 for _, _, c, _ in al.pairs) or (len(al.pairs) == 1 and al.pairs[0][2] < 1.0):
        # Only close words are lifted, and one word only as written: Innotech / Intech
        # Engineering is no cut name.
        return None
    if al.score > CUT_CAP:
        al.notes.append(f"name cut at {FIELD_WIDTH} characters: review at most")
    al.score = min(al.score, CUT_CAP)
    al.ceiling = min(al.ceiling, CUT_CAP)
    al.notes.append(f"read as cut at {FIELD_WIDTH} characters")
    return al
