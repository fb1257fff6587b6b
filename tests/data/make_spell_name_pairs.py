"""Generate tests/data/spell_name_pairs.csv: real Belarus parties written in the spellings people
use (names wave 3; a held-out set: built and measured before any rule was changed for it).

Independent of the matcher: no ``compliance`` import; every transliteration is written here from
the scheme tables (BGN/PCGN Russian and Belarusian, ISO 9 with diacritics and its ASCII fold,
GOST 7.79 system B, ICAO Doc 9303, the Belarusian national 2007 system as passports write it,
Belarusian Łacinka and its ASCII fold, German Duden, French, Polish and Lithuanian usage).

Sources (COMPLIANCE_SHARED_DATA, or ../shared/reference for the reference):
- ``reference``: the sanctioned parties of ../shared/reference/belarus-rules.md section 8, with
  their Russian and Belarusian Cyrillic names (organisations and persons);
- ``opensanctions``: the persons of opensanctions/yente_t1_entities.ftm.json with their Cyrillic
  names (CC BY-NC, tests only: this CSV holds names from it, marked in ``note``);
- ``ofac``: OFAC SDN 2024-05 BELARUS-program persons and entities (Latin as listed; persons read
  back into Cyrillic letter by letter, then written in the other schemes).

Positives (label 1), by ``category``: ``translit`` (one scheme vs another, or Cyrillic vs Latin),
``be_ru`` (the Belarusian form vs the Russian one, Лукашэнка / Lukashenko), ``lacinka``,
``german``, ``french``, ``polish``, ``lithuanian``, ``informal`` (Belaruskali / Belaruskaliy /
Byelaruskaliy), ``order`` (surname first or last, comma), ``legal_form`` (ОАО / OAO / JSC /
Open Joint Stock Company / ААТ / AAT / AT ... moved, translated or dropped), ``quotes``,
``patronymic`` (dropped on one side), ``initials``, ``typo``, ``translation`` (the English
name vs the Cyrillic or transliterated one).
Hard negatives (label 0): ``namesake`` (same surname, another given name), ``patronymic_other``
(same given name and surname, another patronymic), ``surname_other`` (a surname of the same stem
with another suffix: Лукашэнка / Лукашэвіч), ``related_org`` (a parent, subsidiary or branch
with another name, as the reference says), ``shared_word`` (two listed organisations sharing a
word), ``number`` (a numbered plant with another number), ``generic`` (the generic words of a
listed name with another trade word).

The ``half`` column splits the set (seeded, by a hash of the pair): improve only on ``dev``,
report ``held`` apart. Pairs identical once case, punctuation and word order are folded are left
out. Deterministic. Run: python tests/data/make_spell_name_pairs.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
OUT = HERE / "spell_name_pairs.csv"
SEED = 20261204
VOWELS = set("аеёиоуыэюяіАЕЁИОУЫЭЮЯІ")
IOT = {"е": "e", "ё": "o", "ю": "u", "я": "a"}  # iotated vowel -> its vowel
SOFT = set("ьъ'’")

# Base letter tables (lower case); iotated vowels are handled by ``cyr`` from IOT_FORMS.
_COMMON = dict(zip("абвгдзклмнопрстуфы", "abvgdzklmnoprstufy", strict=True))
SCHEMES: dict[str, dict[str, str]] = {
    # BGN/PCGN 1947 (Russian): ye/ya/yu initially and after vowels, e/ya/yu after consonants.
    "bgn": {**_COMMON, "ж": "zh", "и": "i", "й": "y", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
            "щ": "shch", "э": "e", "ь": "", "ъ": "", "і": "i", "ў": "w", "г_be": "h"},
    # ICAO Doc 9303 (Russian passports since 2013): ia/iu, й = i, ъ = ie.
    "icao": {**_COMMON, "ж": "zh", "и": "i", "й": "i", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
             "щ": "shch", "э": "e", "ь": "", "ъ": "ie", "і": "i", "ў": "u", "г_be": "h"},
    # ISO 9:1995 = GOST 7.79 system A, with diacritics.
    "iso9": {**_COMMON, "ж": "ž", "и": "i", "й": "j", "х": "h", "ц": "c", "ч": "č", "ш": "š",
             "щ": "ŝ", "э": "è", "ь": "ʹ", "ъ": "ʺ", "і": "ì", "ў": "ǔ", "г_be": "g"},
    # GOST 7.79 system B (ASCII).
    "gostb": {**_COMMON, "ж": "zh", "и": "i", "й": "j", "х": "x", "ц": "cz", "ч": "ch", "ш": "sh",
              "щ": "shh", "э": "e`", "ь": "`", "ъ": "``", "ы": "y'", "і": "i", "ў": "u`", "г_be": "g"},
    # Belarusian national system 2007 as Belarusian passports write it (ASCII): Aliaksandr.
    "bypass": {**_COMMON, "ж": "zh", "и": "i", "й": "i", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
               "щ": "shch", "э": "e", "ь": "", "ъ": "", "і": "i", "ў": "u", "г_be": "h"},
    # Belarusian national 2007 with diacritics.
    "by2007": {**_COMMON, "ж": "ž", "и": "i", "й": "j", "х": "ch", "ц": "c", "ч": "č", "ш": "š",
               "щ": "šč", "э": "e", "ь": "ʹ", "ъ": "", "і": "i", "ў": "ŭ", "г_be": "h"},
    # Łacinka (classical Belarusian Latin alphabet): ł/l, soft sign on the consonant.
    "lacinka": {**_COMMON, "ж": "ž", "и": "i", "й": "j", "х": "ch", "ц": "c", "ч": "č", "ш": "š",
                "щ": "šč", "э": "e", "ь": "", "ъ": "", "і": "i", "ў": "ŭ", "г_be": "h"},
    # German (Duden): w, s, sch, tsch, z, ch.
    "german": {**_COMMON, "в": "w", "з": "s", "ж": "sch", "и": "i", "й": "i", "х": "ch", "ц": "z",
               "ч": "tsch", "ш": "sch", "щ": "schtsch", "э": "e", "ь": "", "ъ": "", "і": "i", "ў": "w",
               "г_be": "h"},
    # French: ou, ch, tch, j, kh.
    "french": {**_COMMON, "у": "ou", "ж": "j", "и": "i", "й": "ï", "х": "kh", "ц": "ts", "ч": "tch",
               "ш": "ch", "щ": "chtch", "э": "e", "ь": "", "ъ": "", "і": "i", "ў": "ou", "г_be": "h"},
    # Polish: w, sz, cz, szcz, ż, ch, c, ł.
    "polish": {**_COMMON, "в": "w", "ж": "ż", "и": "i", "й": "j", "х": "ch", "ц": "c", "ч": "cz",
               "ш": "sz", "щ": "szcz", "э": "e", "ь": "", "ъ": "", "і": "i", "ў": "u", "г_be": "h"},
    # Lithuanian: ž š č, ch, c, j (endings added by ``lithuanian``).
    "lithuanian": {**_COMMON, "ж": "ž", "и": "i", "й": "j", "х": "ch", "ц": "c", "ч": "č", "ш": "š",
                   "щ": "šč", "э": "e", "ь": "", "ъ": "", "і": "i", "ў": "u", "г_be": "h"},
}
# (initial / after a vowel or soft sign, after a consonant) for е ё ю я.
IOT_FORMS: dict[str, dict[str, tuple[str, str]]] = {
    "bgn": {"е": ("ye", "e"), "ё": ("yo", "e"), "ю": ("yu", "yu"), "я": ("ya", "ya")},
    "icao": {"е": ("e", "e"), "ё": ("e", "e"), "ю": ("iu", "iu"), "я": ("ia", "ia")},
    "iso9": {"е": ("e", "e"), "ё": ("ë", "ë"), "ю": ("û", "û"), "я": ("â", "â")},
    "gostb": {"е": ("e", "e"), "ё": ("yo", "yo"), "ю": ("yu", "yu"), "я": ("ya", "ya")},
    "bypass": {"е": ("ye", "ie"), "ё": ("yo", "io"), "ю": ("yu", "iu"), "я": ("ya", "ia")},
    "by2007": {"е": ("je", "ie"), "ё": ("jo", "io"), "ю": ("ju", "iu"), "я": ("ja", "ia")},
    "lacinka": {"е": ("je", "ie"), "ё": ("jo", "io"), "ю": ("ju", "iu"), "я": ("ja", "ia")},
    "german": {"е": ("je", "e"), "ё": ("jo", "jo"), "ю": ("ju", "ju"), "я": ("ja", "ja")},
    "french": {"е": ("ie", "e"), "ё": ("io", "io"), "ю": ("iou", "iou"), "я": ("ia", "ia")},
    "polish": {"е": ("je", "ie"), "ё": ("jo", "io"), "ю": ("ju", "iu"), "я": ("ja", "ia")},
    "lithuanian": {"е": ("je", "e"), "ё": ("jo", "io"), "ю": ("ju", "iu"), "я": ("ja", "ia")},
}
HUSH = set("жшчщц")
SOFTEN = {"s": "ś", "z": "ź", "n": "ń", "c": "ć"}  # Łacinka: consonant + ь


def cyr(text: str, scheme: str, belarusian: bool = False) -> str:
    """Cyrillic text written in a scheme (case kept per word: UPPER, Title or lower)."""
    table, iot = SCHEMES[scheme], IOT_FORMS[scheme]
    out: list[str] = []
    s = text
    for i, ch in enumerate(s):
        lo = ch.lower()
        prev = s[i - 1].lower() if i else " "
        nxt = s[i + 1].lower() if i + 1 < len(s) else " "
        if lo in IOT:
            initial = not prev.isalpha() or prev in VOWELS or prev in SOFT or prev == "ў"
            if scheme in ("lacinka", "polish") and prev == "л":
                rep = IOT[lo]  # ля = la, ле = le: the l is soft
            elif scheme == "polish" and prev in HUSH:
                rep = IOT[lo] if lo != "е" else "e"
            else:
                rep = iot[lo][0 if initial else 1]
        elif lo == "г":
            rep = table["г_be"] if belarusian else ("gu" if scheme == "french" and nxt in "еиіэ" else "g")
        elif lo == "л" and scheme in ("lacinka", "polish"):
            rep = "l" if nxt in "еёюяіиь" else "ł"
        elif lo == "с" and scheme in ("german", "french") and prev in VOWELS and nxt in VOWELS:
            rep = "ss"
        elif lo == "и" and scheme == "polish" and prev in "жшц":
            rep = "y"
        elif lo == "й" and scheme in ("german", "french", "icao", "bypass") and nxt in IOT:
            rep = "j" if scheme != "french" else "i"
        elif lo == "ь" and scheme == "lacinka":
            if out and out[-1][-1:].lower() in SOFTEN:
                last = out.pop()
                soft = SOFTEN[last[-1].lower()]
                out.append(last[:-1] + (soft.upper() if last[-1].isupper() else soft))
            rep = ""
        elif lo == "ц" and scheme == "gostb" and nxt in "еиіыйэ":
            rep = "c"
        elif lo in table:
            rep = table[lo]
        else:
            rep = ch
        if ch != lo and rep:
            rep = rep.upper() if (nxt.isupper() or (prev.isupper() and prev.isalpha())) else rep[0].upper() + rep[1:]
        out.append(rep)
    res = "".join(out)
    if scheme == "german":
        res = re.sub(r"ks", "x", res)
        res = re.sub(r"Ks", "X", res)
        res = re.sub(r"KS", "X", res)
    return res


def fold(s: str) -> str:
    """ASCII fold: diacritics, primes and the Polish/Łacinka ł removed."""
    s = s.replace("ł", "l").replace("Ł", "L").replace("ʹ", "").replace("ʺ", "").replace("`", "").replace("'", "")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def key(s: str) -> str:
    return " ".join(sorted(re.sub(r"[^a-z0-9а-яёіў]+", " ", fold(s).lower()).split()))


def informal(s: str, rng: random.Random) -> str:
    """The endings and Bel- forms informal English writing uses (Belaruskaliy / Belaruskali /
    Byelaruskaliy), on a BGN-like transliteration."""
    s = re.sub(r"iy\b", rng.choice(["i", "ii", "ij", "y", "iy"]), s)
    s = re.sub(r"yy\b", rng.choice(["y", "yi", "iy"]), s)
    s = re.sub(r"\bBel(?=[aeo])", rng.choice(["Byel", "Biel", "Bel"]), s)
    return s


LT_MALE_END = re.compile(r"([bcdfghklmnprstvzčšž])$")


def lithuanian(word: str, male: bool) -> str:
    """A Lithuanian form of a (lithuanian-scheme) word: male names get -as / -ius / -us / -is."""
    if not male:
        return word
    if re.search(r"skij$|skis$", word):
        return word[:-3] + "kis"
    if word.endswith("ij") or word.endswith("ej") or word.endswith("aj"):
        return word + "us"
    if word[-1:] in "čšž":
        return word + "ius"
    if LT_MALE_END.search(word):
        return word + "as"
    return word


def typo(s: str, rng: random.Random) -> str:
    words = s.split()
    cand = [i for i, w in enumerate(words) if sum(c.isalpha() for c in w) >= 6]
    if not cand:
        return s
    i = rng.choice(cand)
    w = words[i]
    p = rng.randrange(2, len(w) - 1)
    op = rng.choice(["del", "dup", "swap", "sub"])
    if not (w[p].isalpha() and w[p - 1].isalpha()):
        return s
    if op == "del":
        w = w[:p] + w[p + 1:]
    elif op == "dup":
        w = w[:p] + w[p] + w[p:]
    elif op == "swap" and w[p] != w[p - 1]:
        w = w[:p - 1] + w[p] + w[p - 1] + w[p + 1:]
    else:
        near = {"a": "s", "e": "r", "i": "o", "o": "i", "n": "m", "m": "n", "s": "a", "r": "t", "t": "r",
                "k": "l", "l": "k", "u": "y", "v": "b", "h": "g", "d": "f"}
        c = w[p].lower()
        if c not in near:
            return s
        r = near[c]
        w = w[:p] + (r.upper() if w[p].isupper() else r) + w[p + 1:]
    words[i] = w
    return " ".join(words)


# --- persons ----------------------------------------------------------------------------------

RU_GIVEN = ["Андрей", "Сергей", "Николай", "Игорь", "Михаил", "Владимир", "Юрий", "Павел", "Олег",
            "Дмитрий", "Виктор", "Иван", "Александр", "Геннадий", "Анатолий", "Леонид", "Пётр"]
RU_GIVEN_F = ["Ольга", "Елена", "Наталья", "Татьяна", "Ирина", "Светлана", "Людмила", "Марина"]
# the Belarusian form of each Russian given name above (one person's name in two languages)
BE_OF = {"Андрей": "Андрэй", "Сергей": "Сяргей", "Николай": "Мікалай", "Игорь": "Ігар", "Михаил": "Міхаіл",
         "Владимир": "Уладзімір", "Юрий": "Юрый", "Павел": "Павел", "Олег": "Алег", "Дмитрий": "Дзмітрый",
         "Виктор": "Віктар", "Иван": "Іван", "Александр": "Аляксандр", "Геннадий": "Генадзь",
         "Анатолий": "Анатоль", "Леонид": "Леанід", "Пётр": "Пятро", "Ольга": "Вольга", "Елена": "Алена",
         "Наталья": "Наталля", "Татьяна": "Таццяна", "Ирина": "Ірына", "Светлана": "Святлана",
         "Людмила": "Людміла", "Марина": "Марына"}
GERMAN_GIVEN = {"Alexandr": "Alexander", "Dmitri": "Dmitri", "Pjotr": "Peter", "Michail": "Michail"}
FRENCH_GIVEN = {"Aleksandr": "Alexandre", "Piotr": "Pierre"}
# another surname of the same stem (Лукашенко / Лукашевич, Зубков / Зубковский); the longest
# listed ending is replaced
SURNAME_ENDS = [("евич", ["енко", "ук"]), ("ович", ["енко", "ук"]), ("эвіч", ["энка", "ук"]), ("авіч", ["энка", "ук"]),
                ("енко", ["евич", "ук"]), ("энка", ["эвіч", "ук"]), ("ов", ["овский", "ин"]), ("ев", ["евский", "ин"]),
                ("ин", ["инский", "ов"]), ("ич", ["енко"]), ("ко", ["кович"]), ("ка", ["кевіч"]),
                ("ова", ["овская", "ина"]), ("ина", ["инская", "ова"]), ("ая", ["ова"]), ("ук", ["енко"]),
                ("ь", ["ев"]), ("а", ["ович"])]


class Person:
    """One person's name parts in Russian and (when known) Belarusian Cyrillic, and the listed
    spellings (anchors)."""

    def __init__(self, ru: tuple[str, str, str], be: tuple[str, str, str] | None, anchors: list[str],
                 note: str, only_be: bool = False) -> None:
        self.ru, self.be, self.anchors, self.note, self.only_be = ru, be, anchors, note, only_be

    @property
    def female(self) -> bool:
        g, p, s = self.ru
        return p.endswith("на") or (not p and g[-1:] in "ая" and g not in ("Илья", "Никита"))


def same_given(x: str, y: str) -> bool:
    """One given name (or its Belarusian form, or a letter-by-letter reading of it): the first
    three letters alike once и/і, э/е, ё/е are folded."""
    def n(v: str) -> str:
        return v.lower().replace("і", "и").replace("э", "е").replace("ё", "е").replace("ы", "и")[:3]
    return bool(x and y) and n(x) == n(y)


def render_person(parts: tuple[str, str, str], scheme: str, belarusian: bool, form: str,
                  female: bool) -> str:
    g, p, s = (cyr(x, scheme, belarusian) if scheme != "cyr" else x for x in parts)
    if scheme == "german" and not belarusian:
        g = GERMAN_GIVEN.get(g, g)
    if scheme == "french" and not belarusian:
        g = FRENCH_GIVEN.get(fold(g), g)
    if scheme == "lithuanian":
        g, s = lithuanian(g, not female), lithuanian(s, not female)
        p = ""
    if form == "sgp":
        return " ".join(x for x in (s, g, p) if x)
    if form == "SURNAME, gp":
        return f"{s.upper()}, " + " ".join(x for x in (g, p) if x)
    if form == "gs":
        return f"{g} {s}"
    if form == "sg":
        return f"{s} {g}"
    if form == "init":
        ini = g[:1] + "." + (p[:1] + "." if p else "")
        return f"{s} {ini}"
    if form == "init_front":
        ini = g[:1] + ". " + (p[:1] + ". " if p else "")
        return f"{ini}{s}"
    return " ".join(x for x in (g, p, s) if x)


LATIN_TO_CYR = [("shch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"), ("dz", "дз"),
                ("yy", "ый"), ("iy", "ий"), ("ya", "я"), ("yu", "ю"), ("ye", "е"), ("yo", "ё"), ("ia", "я"),
                ("iu", "ю"), ("io", "ё"), ("ie", "е"), ("ja", "ья"), ("je", "ье"), ("ju", "ью"), ("jo", "ьо"),
                ("a", "а"), ("b", "б"), ("v", "в"), ("w", "ў"), ("g", "г"), ("h", "г"), ("d", "д"),
                ("e", "е"), ("z", "з"), ("i", "и"), ("j", "й"), ("k", "к"), ("l", "л"), ("m", "м"),
                ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"),
                ("f", "ф"), ("c", "ц"), ("y", "ы"), ("x", "кс"), ("q", "к")]
BE_MARK = re.compile(r"dz|(?<![kszc])h|w|au\b|auna|awna|avich|yau|ieu|iau|ia")


def back_to_cyrillic(word: str, be: bool) -> str:
    """A BGN-like Latin word read back into Cyrillic letter by letter (an approximation: only used
    to write the same name again in other schemes)."""
    w = word.lower()
    out = []
    i = 0
    while i < len(w):
        for lat, c in LATIN_TO_CYR:
            if w.startswith(lat, i):
                if lat in ("ia", "iu", "io", "ie") and (i == 0 or w[i - 1] in "aeiouy"):
                    continue  # a vowel then i: ай + vowel, read below
                if c == "ы" and (i == 0 or w[i - 1] in "aeiou" or (i + 1 < len(w) and w[i + 1] in "aeiou")):
                    c = "й"
                if c == "и" and be:
                    c = "і"
                if c == "е" and (i == 0 or w[i - 1] in "aeiou") and lat == "e":
                    c = "э"
                if lat == "i" and i > 0 and w[i - 1] in "aeou" and (i + 1 == len(w) or w[i + 1] not in "aeiouy"):
                    c = "й"
                if lat == "u" and be and i > 0 and w[i - 1] in "aeo" and (i + 1 == len(w) or w[i + 1] not in "aeiouy"):
                    c = "ў"
                if lat == "h" and not be:
                    c = "х"
                if lat[0] == "j" and len(lat) == 2 and (i == 0 or w[i - 1] in "aeiou"):
                    c = c[1:]  # je at the start or after a vowel: е, not ье
                out.append(c)
                i += len(lat)
                break
        else:
            out.append(w[i])
            i += 1
    res = "".join(out)
    return res[:1].upper() + res[1:]


# --- organisations ----------------------------------------------------------------------------

LEGAL = {  # one legal form in the ways documents write it (Latin ones, then Cyrillic RU / BE)
    "oao": {"lat": ["OAO", "OJSC", "JSC", "Open Joint Stock Company", "Open Joint-Stock Company", "AAT", "AT",
                    "Otkrytoe Aktsionernoe Obshchestvo", "Adkrytae Aktsyyanernae Tavarystva",
                    "Adkrytaje akcyjanernaje tavarystva", "Otwarta Spółka Akcyjna", "offene Aktiengesellschaft"],
            "ru": "ОАО", "be": "ААТ"},
    "zao": {"lat": ["ZAO", "CJSC", "Closed Joint Stock Company", "ZAT", "Zakrytoe Aktsionernoe Obshchestvo",
                    "Zakrytaje akcyjanernaje tavarystva"], "ru": "ЗАО", "be": "ЗАТ"},
    "ooo": {"lat": ["OOO", "LLC", "Limited Liability Company", "TAA", "Ltd",
                    "Obshchestvo s Ogranichennoy Otvetstvennostyu", "Tavarystva z abmezhavanay adkaznastsyu",
                    "GmbH", "Sp. z o.o."], "ru": "ООО", "be": "ТАА"},
    "iooo": {"lat": ["IOOO", "FLLC", "Foreign Limited Liability Company", "Foreign LLC", "ITAA"],
             "ru": "ИООО", "be": "ІТАА"},
    "rup": {"lat": ["RUP", "Republican Unitary Enterprise", "Respublikanskoe Unitarnoe Predpriyatie",
                    "Respublikanskaje unitarnaje pradpryjemstva"], "ru": "РУП", "be": "РУП"},
    "up": {"lat": ["UP", "Unitary Enterprise", "Unitarnoe Predpriyatie"], "ru": "УП", "be": "УП"},
}
LEGAL_BY_CYR = {v["ru"]: k for k, v in LEGAL.items()} | {v["be"]: k for k, v in LEGAL.items()}
OFAC_LEGAL = [("OPEN JOINT STOCK COMPANY", "oao"), ("OPEN JOINT-STOCK COMPANY", "oao"), ("JOINT STOCK COMPANY", "oao"),
              ("CLOSED JOINT STOCK COMPANY", "zao"), ("FOREIGN LIMITED LIABILITY COMPANY", "iooo"),
              ("LIMITED LIABILITY COMPANY", "ooo"), ("REPUBLICAN UNITARY ENTERPRISE", "rup"),
              ("UNITARY ENTERPRISE", "up"), ("OJSC", "oao"), ("OAO", "oao"), ("JSC", "oao"), ("CJSC", "zao"),
              ("ZAO", "zao"), ("LLC", "ooo"), ("OOO", "ooo"), ("IOOO", "iooo"), ("RUP", "rup")]
QUOTES = [("«", "»"), ("„", "“"), ('"', '"'), ("'", "'"), ("", "")]
GENERIC_OK = {"Belarusian", "Minsk", "Grodno", "Mozyr", "Company", "Plant", "Works", "Wheeled", "Automobile",
              "Tractor", "Potash", "Steel", "Oil", "Refinery", "Tobacco", "Factory", "Bank", "Airlines"}
GENERIC_SWAP = {"Potash": "Cement", "Steel": "Glass", "Automobile": "Furniture", "Tractor": "Textile",
                "Oil": "Dairy", "Tobacco": "Timber", "Airlines": "Logistics", "Bank": "Insurance"}


def split_cyr_org(text: str) -> tuple[str | None, str, str]:
    """(legal form key, trade name core, full text without the legal form) of a Cyrillic name."""
    t = text.strip()
    m = re.match(r"^([А-ЯЁІЎ]{2,5})\s+(.*)$", t)
    form = None
    if m and m.group(1) in LEGAL_BY_CYR:
        form, t = LEGAL_BY_CYR[m.group(1)], m.group(2)
    # the whole name after the legal form, without quotes, a parenthesised acronym or the
    # "— управляющая компания холдинга ..." tail (Гродненская табачная фабрика Неман)
    core = re.sub(r"\s*\([^)]*\)", "", t.split(" — ")[0])
    core = re.sub(r"\s+", " ", core.replace("«", " ").replace("»", " ")).strip()
    return form, core, t


def read_reference(path: Path) -> tuple[list[dict[str, object]], list[Person]]:
    text = path.read_text(encoding="utf-8")
    sec = text.split("## 8. Sanctioned parties", 1)[1].split("\n## 9.", 1)[0]
    orgs: list[dict[str, object]] = []
    persons: list[Person] = []
    for line in sec.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) < 7 or not cells[1].isdigit():
            continue
        num, eng, cyrl, variants, typ = cells[1], cells[2], cells[3], cells[4], cells[5]
        engs = [e.strip() for e in eng.split(";")]
        if typ.startswith("person"):
            ru_all, _, be_all = cyrl.partition(" / ")
            rus = [x.strip() for x in ru_all.split(";")]
            bes = [x.strip() for x in be_all.split(";")] if be_all else []
            for i, ru in enumerate(rus):
                w = ru.split()
                ru_parts = (w[0], w[1], w[2]) if len(w) == 3 else (w[0], "", w[-1])
                be_parts = None
                if i < len(bes):
                    b = bes[i].split()
                    be_parts = (b[0], b[1], b[2]) if len(b) == 3 else (b[0], "", b[-1])
                anchors = [engs[i]] if i < len(engs) else []
                persons.append(Person(ru_parts, be_parts, anchors, f"reference s8 #{num}"))
            continue
        cyr_parts = [c.strip() for c in cyrl.split(";")]
        if len(cyr_parts) != len(engs):
            continue  # which Cyrillic name is which English one cannot be told
        for e, c in zip(engs, cyr_parts, strict=True):
            ru, _, be = c.partition(" / ")
            orgs.append({"num": num, "eng": e.strip(), "ru": ru.strip(),
                         "be": be.strip(), "variants": variants, "type": typ})
    return orgs, persons


def read_opensanctions(path: Path) -> list[Person]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        if d.get("schema") != "Person":
            continue
        names = d["properties"].get("name", [])
        ru = be = None
        for n in names:
            w = n.split()
            if len(w) == 3 and re.search("[а-яА-Я]", n):
                parts = (w[0], w[1], w[2].capitalize())
                if re.search("[іўІЎ]", n):
                    be = parts
                elif not re.search("[єїЄЇ]", n):
                    ru = parts if ru is None else ru
        if ru:
            latin = [n for n in names if not re.search("[а-яА-Яіїєў]", n)]
            out.append(Person(ru, be, latin, f"opensanctions {d['id']} (CC BY-NC)"))
    return out


def read_ofac(path: Path) -> tuple[list[Person], list[tuple[str, str]]]:
    persons, orgs = [], []
    text = path.read_bytes().decode("utf-8", "replace").replace("\x1a", "")
    for row in csv.reader(text.splitlines()):
        if len(row) < 4 or "BELARUS" not in row[3]:
            continue
        name, typ = row[1].strip(), row[2].strip()
        if typ == "individual":
            sur, _, rest = name.partition(",")
            gp = rest.split()
            if not sur or not gp or len(gp) > 2 or len(sur.split()) > 1:
                continue
            low = name.lower()
            be = bool(BE_MARK.search(low))
            g = back_to_cyrillic(gp[0], be)
            p = back_to_cyrillic(gp[1], be) if len(gp) > 1 else ""
            s = back_to_cyrillic(sur.capitalize(), be)
            persons.append(Person((g, p, s), (g, p, s) if be else None, [name], f"OFAC SDN ent_num {row[0]}",
                                  only_be=be))
        elif typ == "-0-":
            orgs.append((row[0], name))
    return persons, orgs


def main(argv: list[str]) -> int:
    shared = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "data"
    reference = shared.parent / "reference" / "belarus-rules.md"
    rng = random.Random(SEED)
    pairs: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()

    def add(a: str, b: str, kind: str, label: int, category: str, note: str) -> None:
        a, b = " ".join(a.split()), " ".join(b.split())
        k = (min(a, b), max(a, b))
        if not a or not b or k in seen or key(a) == key(b):
            return
        seen.add(k)
        h = hashlib.sha1(f"{SEED}|{k[0]}|{k[1]}".encode()).digest()[0]
        pairs.append({"a": a, "b": b, "kind": kind, "label": str(label), "category": category,
                      "half": "dev" if h % 2 == 0 else "held", "note": note})

    ref_orgs, ref_persons = read_reference(reference)
    os_persons = read_opensanctions(shared / "opensanctions" / "yente_t1_entities.ftm.json")
    ofac_persons, ofac_orgs = read_ofac(shared / "ofac" / "sdn_2024-05" / "sdn.csv")

    ru_schemes = ["bgn", "icao", "iso9", "gostb", "german", "french", "polish", "lithuanian"]
    be_schemes = ["bgn", "bypass", "by2007", "lacinka", "iso9", "polish", "lithuanian", "german", "french"]
    cat_of = {"lacinka": "lacinka", "german": "german", "french": "french", "polish": "polish",
              "lithuanian": "lithuanian"}
    forms = ["gps", "sgp", "SURNAME, gp"]

    # --- persons: positives
    people = ref_persons + os_persons + ofac_persons
    for person in people:
        fem = person.female
        anchors = list(person.anchors)
        if not person.only_be:
            anchors.append(" ".join(x for x in person.ru if x))
        if person.be and not person.only_be:
            anchors.append(" ".join(x for x in person.be if x))
        for anchor in anchors:
            # the other language / script
            variants: list[tuple[str, str]] = []
            if not person.only_be:
                for sc in rng.sample(ru_schemes, 4):
                    v = render_person(person.ru, sc, False, rng.choice(forms), fem)
                    variants.append((v, cat_of.get(sc, "translit")))
                    if sc in ("iso9", "polish", "lithuanian") and fold(v) != v:
                        variants.append((fold(v), cat_of.get(sc, "translit")))
            if person.be:
                for sc in rng.sample(be_schemes, 4 if person.only_be else 3):
                    v = render_person(person.be, sc, True, rng.choice(forms), fem)
                    cat = cat_of.get(sc, "be_ru" if not person.only_be else "translit")
                    variants.append((v, cat))
                    if sc in ("lacinka", "by2007") and fold(v) != v:
                        variants.append((fold(v), cat))
            base, bel = (person.be, True) if person.only_be or (person.be and rng.random() < 0.5) else (person.ru, False)
            assert base is not None
            sc = rng.choice(be_schemes if bel else ru_schemes[:3])
            if base[1]:
                variants.append((render_person((base[0], "", base[2]), sc, bel, rng.choice(["gs", "sg"]), fem),
                                 "patronymic"))
            variants.append((render_person(base, sc, bel, rng.choice(["init", "init_front"]), fem), "initials"))
            variants.append((render_person(base, "cyr", bel, "init", fem), "initials"))
            variants.append((typo(render_person(base, sc, bel, rng.choice(forms), fem), rng), "typo"))
            variants.append((render_person(base, sc, bel, "sgp", fem).upper(), "order"))
            for v, cat in rng.sample(variants, min(len(variants), 6)):
                add(anchor, v, "person", 1, cat, person.note)

    # --- persons: hard negatives
    by_surname: dict[str, list[Person]] = {}
    for person in people:
        by_surname.setdefault(fold(cyr(person.ru[2], "bgn")).lower().rstrip("a"), []).append(person)
    for person in people:
        fem = person.female
        bel = person.only_be or (person.be is not None and rng.random() < 0.5)
        base = person.be if bel and person.be else person.ru
        anchor = rng.choice(person.anchors or [" ".join(x for x in person.ru if x)])
        sc = rng.choice(be_schemes if bel else ru_schemes)
        # same surname, another given name (and another patronymic initial)
        pool = RU_GIVEN_F if fem else RU_GIVEN
        mine = [person.ru[0], person.be[0] if person.be else ""]
        others = [g for g in pool if not any(same_given(g, m) or same_given(BE_OF[g], m) for m in mine)]
        g2 = rng.choice(others)
        g2 = BE_OF[g2] if bel else g2
        add(anchor, render_person((g2, base[1], base[2]), sc, bel, rng.choice(forms), fem), "person", 0,
            "namesake", person.note)
        nform = rng.choice(["init", "gs"])
        if nform == "gs" or fold(cyr(g2, sc, bel))[:1].lower() != fold(cyr(base[0], sc, bel))[:1].lower():
            add(anchor, render_person((g2, "", base[2]), sc, bel, nform, fem), "person", 0, "namesake", person.note)
        # same given name and surname, another patronymic
        if base[1]:
            fathers = [g for g in RU_GIVEN if not same_given(g, base[1]) and not same_given(BE_OF[g], base[1])]
            f = rng.choice(fathers)
            f = BE_OF[f] if bel else f
            stem = re.sub(r"(ь|й|ий|ы|а|о)$", "", f)
            pat = stem + (("аўна" if fem else "авіч") if bel else ("овна" if fem else "ович"))
            if f.endswith(("й", "ь")) and not bel:
                pat = stem + ("евна" if fem else "евич")
            psc = sc if sc != "lithuanian" else "bgn"  # the Lithuanian forms drop the patronymic
            add(anchor, render_person((base[0], pat, base[2]), psc, bel, rng.choice(forms), fem), "person", 0,
                "patronymic_other", person.note)
        # a surname of the same stem with another suffix
        s = base[2]
        for end, repl in SURNAME_ENDS:
            if s.lower().endswith(end):
                s2 = s[: -len(end)] + rng.choice(repl)
                add(anchor, render_person((base[0], base[1], s2), sc, bel, rng.choice(forms), fem), "person", 0,
                    "surname_other", person.note)
                break
    # listed persons of one surname (Alyaksandr / Dzmitry / Halina Lukashenka)
    for group in by_surname.values():
        for x in group:
            for y in group:
                if x is not y and x.ru[0] != y.ru[0] and x.anchors and y.anchors:
                    bel = y.be is not None
                    yb = y.be if bel and y.be else y.ru
                    add(x.anchors[0], render_person(yb, rng.choice(be_schemes if bel else ru_schemes), bel,
                                                    rng.choice(forms), y.female), "person", 0, "namesake",
                        f"{x.note} vs {y.note}")

    # --- organisations from the reference (Cyrillic RU / BE)
    def org_variants(ru: str, be: str, eng: str) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        form, core, _ = split_cyr_org(ru)
        bform, bcore, _ = split_cyr_org(be) if be else (None, "", "")
        bform = bform or form
        for _ in range(5):
            sc = rng.choice(ru_schemes[:4] + ["german", "french", "polish"])
            c = cyr(core, sc)
            if sc == "iso9" and rng.random() < 0.5:
                c = fold(c)
            lf = rng.choice(LEGAL[form]["lat"]) if form and rng.random() < 0.85 else ""
            q = rng.choice(QUOTES)
            txt = f"{lf} {q[0]}{c}{q[1]}" if rng.random() < 0.6 else f"{q[0]}{c}{q[1]} {lf}"
            out.append((txt, cat_of.get(sc, "translit")))
        if form:
            out.append((f"{LEGAL[form]['ru']} {core}", "quotes"))
            out.append((f"{core} {LEGAL[form]['ru']}", "legal_form"))
            out.append((f"{rng.choice(LEGAL[form]['lat'])} {informal(cyr(core, 'bgn'), rng)}", "informal"))
        out.append((informal(cyr(core, "bgn"), rng), "informal"))
        if bcore:
            for sc in rng.sample(["lacinka", "by2007", "bypass", "bgn"], 3):
                c = cyr(bcore, sc, belarusian=True)
                if sc in ("lacinka", "by2007") and rng.random() < 0.4:
                    c = fold(c)
                lf = ""
                if bform:
                    lf = rng.choice([str(LEGAL[bform]["be"]), cyr(str(LEGAL[bform]["be"]), "lacinka", True),
                                     rng.choice(LEGAL[bform]["lat"])])
                q = rng.choice(QUOTES)
                out.append((f"{lf} {q[0]}{c}{q[1]}", "lacinka" if sc == "lacinka" else "be_ru"))
            if bform:
                out.append((f"{LEGAL[bform]['be']} «{bcore}»", "be_ru"))
        out.append((typo(cyr(core, rng.choice(["bgn", "icao"])), rng), "typo"))
        return out

    for o in ref_orgs:
        ru, be, eng = str(o["ru"]), str(o["be"]), str(o["eng"])
        if not re.search("[а-яА-Я]", ru):
            continue
        anchors = [eng, ru] + ([be] if be and re.search("[а-яА-Я]", be) else [])
        for anchor in anchors:
            for v, cat in rng.sample(org_variants(ru, be, eng), 7):
                add(anchor, v, "organization", 1, cat if anchor != eng or cat in ("legal_form", "typo") else
                    ("translation" if len(split_cyr_org(ru)[1].split()) > 1 else cat), f"reference s8 #{o['num']}")

    # related organisations with other names (the reference's own words: subsidiary, branch, owned by)
    related = [("1", "2"), ("5", "6"), ("18", "19"), ("9", "42"), ("9", "7"), ("13", "15"), ("13", "14"),
               ("23", "21"), ("22", "24"), ("40", "17"), ("27", "32")]
    by_num: dict[str, list[dict[str, object]]] = {}
    for o in ref_orgs:
        by_num.setdefault(str(o["num"]), []).append(o)
    for rx, ry in related:
        for ox in by_num.get(rx, []):
            for oy in by_num.get(ry, []):
                note = f"reference s8 #{rx} vs #{ry}"
                add(str(ox["eng"]), str(oy["eng"]), "organization", 0, "related_org", note)
                add(str(ox["ru"]), str(oy["ru"]), "organization", 0, "related_org", note)
                add(str(ox["eng"]), cyr(split_cyr_org(str(oy["ru"]))[1], "bgn"), "organization", 0, "related_org", note)
    # two listed organisations sharing a word
    words: dict[str, list[dict[str, object]]] = {}
    stop = {"of", "the", "oao", "ojsc", "llc", "and", "for", "plant", "company", "republic", "belarus", "state"}
    for o in ref_orgs:
        for w in set(re.findall(r"[a-z]{4,}", str(o["eng"]).lower())) - stop:
            words.setdefault(w, []).append(o)
    for w, ogroup in sorted(words.items()):
        for ox in ogroup:
            for oy in ogroup:
                if str(ox["num"]) < str(oy["num"]) and ox["eng"] != oy["eng"]:
                    add(str(ox["eng"]), str(oy["eng"]), "organization", 0, "shared_word", f"'{w}'")
                    add(str(ox["ru"]), cyr(split_cyr_org(str(oy["ru"]))[2], rng.choice(["bgn", "icao"])),
                        "organization", 0, "shared_word", f"'{w}'")
    # generic words with another trade word
    for o in ref_orgs:
        eng = re.sub(r"\s*\([^)]*\)", "", str(o["eng"]).split(" — ")[0]).strip()
        if not set(eng.split()) <= GENERIC_OK:
            continue  # a coined word (Belneftekhim, Neman) names the firm whatever the trade word
        for a, b in GENERIC_SWAP.items():
            if re.search(rf"\b{a}\b", eng):
                add(eng, re.sub(rf"\b{a}\b", b, eng), "organization", 0, "generic", f"reference s8 #{o['num']}")

    # --- OFAC Belarus-program organisations: legal forms, quotes, informal endings, numbers
    for ent, name in ofac_orgs:
        up = name.upper()
        form = core = None
        for lf, k in OFAC_LEGAL:
            if up.startswith(lf + " "):
                form, core = k, name[len(lf) + 1:]
                break
            if up.endswith(" " + lf):
                form, core = k, name[: -len(lf) - 1]
                break
        note = f"OFAC SDN ent_num {ent}"
        nums = re.findall(r"\b\d+\b", name)
        for n in nums[:1]:
            other = str(int(n) + rng.choice([1, 2, 10, 100]))
            add(name, re.sub(rf"\b{n}\b", other, name, count=1), "organization", 0, "number", note)
        if not form or not core:
            continue
        core = core.strip(' "')
        title = core.title() if rng.random() < 0.5 else core
        for lf in rng.sample(LEGAL[form]["lat"], min(4, len(LEGAL[form]["lat"]))):
            q = rng.choice(QUOTES)
            v = f"{lf} {q[0]}{title}{q[1]}" if rng.random() < 0.5 else f"{q[0]}{title}{q[1]} {lf}"
            add(name, v, "organization", 1, "legal_form", note)
        add(name, f"{rng.choice([LEGAL[form]['ru'], LEGAL[form]['be']])} «{title}»", "organization", 1, "legal_form", note)
        add(name, typo(title, rng), "organization", 1, "typo", note)
        if len(core.split()) == 1 and core.isalpha():
            c = back_to_cyrillic(core.capitalize(), False)
            add(name, f"{LEGAL[form]['ru']} «{c}»", "organization", 1, "translit", note)
            for sc in rng.sample(["iso9", "polish", "german", "french", "lithuanian"], 2):
                add(name, f"{rng.choice(LEGAL[form]['lat'])} {cyr(c, sc)}", "organization", 1, cat_of.get(sc, "translit"),
                    note)
            add(name, informal(cyr(c, "bgn"), rng), "organization", 1, "informal", note)

    rng.shuffle(pairs)
    with OUT.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["a", "b", "kind", "label", "category", "half", "note"])
        writer.writeheader()
        writer.writerows(pairs)
    pos = sum(p["label"] == "1" for p in pairs)
    print(f"{OUT.name}: {len(pairs)} pairs ({pos} positive)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
