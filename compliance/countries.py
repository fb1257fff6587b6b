"""Country resolution: ISO 3166 alpha-2/alpha-3/numeric codes and names in many languages.

Names come from pycountry (ISO 3166 and its gettext translations: English, Russian,
Belarusian, Ukrainian, Lithuanian, Polish, German, French, ...) plus a small alias table
(`country_aliases.yaml`) for the historic and informal names people write on shipping
papers ("Byelorussia", "UAE", "Kirghizia"). Unknown names raise ``UnknownCountry`` with the
closest suggestions.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pycountry
import yaml
from rapidfuzz import fuzz, process

from compliance.display import displayed, reverses
from compliance.exc import quoted

# Languages whose country names we accept. Customs papers on the EU-Belarus border are written
# in these; the list is cheap to extend.
_LANGUAGES = ("ru", "be", "uk", "lt", "lv", "pl", "de", "fr", "es", "it", "et", "fi", "cs", "tr", "kk")

_ALIASES_FILE = Path(__file__).with_name("country_aliases.yaml")
_CITIES_FILE = Path(__file__).with_name("country_cities.yaml")


class UnknownCountry(ValueError):
    def __init__(self, value: str, suggestions: list[str], problem: str | None = None) -> None:
        hint = f" Did you mean {' or '.join(suggestions)}?" if suggestions else ""
        super().__init__(problem or
                         f"unknown country {quoted(value)}: use an ISO code (BY, BLR, 112) or a country name.{hint}")
        self.value = value
        self.suggestions = suggestions


# Latin and Cyrillic letters that look the same: a name typed on a mixed keyboard ("Бeлapусь"
# with Latin e, a, p) is read in the script most of its letters are in.
_LAT_TO_CYR = str.maketrans("aceopxyiABCEHKMOPTXY", "асеорхуіАВСЕНКМОРТХУ")
_CYR_TO_LAT = str.maketrans("асеорхуіАВСЕНКМОРТХУ", "aceopxyiABCEHKMOPTXY")
_NOT_A_COUNTRY = {"eu": "the EU", "european union": "the EU", "europe": "Europe", "ес": "the EU",
                  "евросоюз": "the EU", "европа": "Europe", "cis": "the CIS", "снг": "the CIS", "eaeu": "the EAEU",
                  "еаэс": "the EAEU", "asia": "Asia", "africa": "Africa", "worldwide": "worldwide"}


def _one_script(text: str) -> str:
    cyr = sum(1 for c in text if "\u0400" <= c <= "\u04ff")
    lat = sum(1 for c in text if c.isascii() and c.isalpha())
    if not cyr or not lat:
        return text
    return text.translate(_LAT_TO_CYR if cyr >= lat else _CYR_TO_LAT)


# Abbreviations in written country names ("Rep. of Belarus", "Russian Fed.", "Dem. Rep. Congo").
_ABBREVIATIONS = {"rep": "republic", "fed": "federation", "dem": "democratic", "utd": "united", "st": "saint",
                  "респ": "республика"}


def _key(text: str) -> str:
    """Fold a country spelling to a lookup key: no accents, no case, no punctuation."""
    text = unicodedata.normalize("NFKD", _one_script(text.strip()))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold().replace("ё", "е").replace("&", " and ")
    words = re.sub(r"[\W_]+", " ", text).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words) if len(words) > 1 else " ".join(words)


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """Return (exact code table, name-key table) mapping to alpha-2."""
    codes: dict[str, str] = {}
    names: dict[str, str] = {}
    translators = []
    for lang in _LANGUAGES:
        try:
            translators.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]))
        except OSError:
            continue
    for c in pycountry.countries:
        a2 = c.alpha_2
        codes[a2] = a2
        codes[c.alpha_3] = a2
        codes[str(int(c.numeric))] = a2
        codes[c.numeric] = a2
        english = [c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)]
        for name in english:
            if name:
                names.setdefault(_key(name), a2)
                for t in translators:
                    names.setdefault(_key(t.gettext(name)), a2)
    # Kosovo is not in ISO 3166 but its user-assigned code is used by the EU and customs.
    codes["XK"] = "XK"
    codes["XKX"] = "XK"
    names.setdefault("kosovo", "XK")
    aliases = yaml.safe_load(_ALIASES_FILE.read_text(encoding="utf-8")) or {}
    for a2, spellings in aliases.items():
        for s in spellings:
            names[_key(s)] = a2
    cities = yaml.safe_load(_CITIES_FILE.read_text(encoding="utf-8")) or {}
    for a2, spellings in cities.items():
        for s in spellings:
            names.setdefault(_key(s), a2)  # a country's own name wins over a city's
    return codes, names


# A flag emoji is two regional-indicator letters, the country's alpha-2 code (🇧🇾 is B Y).
_FLAG = re.compile("([\U0001F1E6-\U0001F1FF])([\U0001F1E6-\U0001F1FF])\ufe0f?")


def _flag_letters(m: re.Match[str]) -> str:
    return f" {chr(ord(m[1]) - 0x1F1E6 + 65)}{chr(ord(m[2]) - 0x1F1E6 + 65)} "


def flags_as_codes(text: str) -> str:
    """Flag emoji written as the codes they show ("🇧🇾" -> "BY", "🇵🇱🇧🇾" -> "PL BY")."""
    return _FLAG.sub(_flag_letters, text).strip() if "\U0001F1E6" <= max(text, default="a") else text


def resolve_country(value: str) -> str:
    """Resolve a code or name to ISO 3166-1 alpha-2, or raise ``UnknownCountry``."""
    raw = value.strip()
    if not raw.isascii():  # zero-width spaces, direction marks pasted along ("B\u200bY")
        if reverses(raw):  # '\u202eYB' is displayed as BY
            raw = displayed(raw)
        raw = "".join(c for c in flags_as_codes(raw) if unicodedata.category(c) != "Cf").strip()
    if not raw:
        raise UnknownCountry(value, [])
    codes, names = _tables()
    upper = raw.upper()
    if upper in codes:
        return codes[upper]
    if raw.isdigit() and raw.lstrip("0") in codes:
        return codes[raw.lstrip("0")]
    key = _key(raw)
    if key in names:
        return names[key]
    # "Korea, North", "Congo, Democratic Republic of the": the inverted list form.
    if raw.count(",") == 1:
        head, _, tail = raw.partition(",")
        swapped = _key(f"{tail.strip()} {head.strip()}")
        if swapped in names:
            return names[swapped]
    if len(raw) in (2, 3) and not raw.isascii() and (latin := raw.translate(_CYR_TO_LAT).upper()) in codes \
            and latin.isascii():
        return codes[latin]  # "ВY", "ВУ": a code typed with Cyrillic look-alike letters
    if key in _NOT_A_COUNTRY:
        raise UnknownCountry(value, [], f"{quoted(value)} is {_NOT_A_COUNTRY[key]}, not a country: give the country "
                                        "itself (ISO code or name)")
    # "Belarus (BY)", "BY - Belarus", "Region: Crimea", "PL and BY": try the parts; they must agree.
    found: dict[str, str] = {}
    for part in _PARTS.split(raw):
        part = part.strip()
        if part and part != raw:
            pk = _key(part)
            if part.upper() in codes and len(part) in (2, 3):
                found.setdefault(codes[part.upper()], part)
            elif pk in names:
                found.setdefault(names[pk], part)
            else:
                # A part that is no country may still mention one ("Poland (transit Belarus)",
                # "Almaty (via Minsk)"): a second country hidden there must not be dropped.
                for w in part.split():
                    if len(w) == 2 and w.isupper() and w in codes:
                        found.setdefault(codes[w], w)
                    elif (wk := _key(w)) in names and len(wk) > 3:
                        found.setdefault(names[wk], w)
    if not found and len(words := raw.split()) > 1:
        # "Minsk Belarus", "Belarus BY": every word names the same country (a word that names
        # none, as in "Guinea Bissau" without its hyphen, leaves the whole unknown).
        for w in words:
            if w.isupper() and w in codes and len(w) in (2, 3):
                found.setdefault(codes[w], w)
            elif (wk := _key(w)) in names:
                found.setdefault(names[wk], w)
            else:
                found = {}
                break
    if len(found) == 1:
        return next(iter(found))
    if len(found) > 1:
        raise UnknownCountry(value, [], f"{quoted(value)} names {len(found)} countries ({', '.join(found)}): give one "
                                        "country here (transit countries go in transit_countries)")
    raise UnknownCountry(value, suggest_country(raw))


def suggest_country(value: str, limit: int = 3) -> list[str]:
    """Closest known country names for an unknown spelling: edit-distance neighbours of the
    spelling, only those nearly as close as the best one ("Germny" -> Germany, not Guernsey)."""
    _, names = _tables()
    key = _key(value)
    if len(key) < 3:
        return []
    hits = process.extract(key, list(names.keys()), scorer=fuzz.ratio, limit=limit * 5, score_cutoff=70)
    out: list[str] = []
    best = hits[0][1] if hits else 0.0
    for name, score, _ in hits:
        if score < best - 8:
            break
        label = f"{country_name(names[name])} ({names[name]})"
        if label not in out:
            out.append(label)
        if len(out) >= limit:
            break
    return out


def country_name(alpha2: str) -> str:
    c = pycountry.countries.get(alpha_2=alpha2)
    if c is None:
        return "Kosovo" if alpha2 == "XK" else alpha2
    return str(getattr(c, "common_name", None) or c.name)


def _resolves(text: str) -> bool:
    try:
        resolve_country(text)
    except UnknownCountry:
        return False
    return True


def _names_whole(text: str) -> bool:
    """Is ``text`` a code or a country name as it stands (not by one of its parts)?"""
    codes, names = _tables()
    return text.strip().upper() in codes or _key(text) in names


def _route_words(piece: str) -> list[str]:
    """A piece of a route written in words ("PL to BY", "via Poland and Belarus") as its
    countries, or the piece itself: the words are no countries ("TO" is Tonga, "AND" Andorra),
    and "and" only splits what does not name a country whole ("Bosnia and Herzegovina")."""
    if "(" in piece and not _names_whole(piece):  # "PL (via BY)": the brackets hold a country of the route
        return [w for p in re.split(r"[()]", piece) if p.strip() for w in _route_words(p.strip())]
    if not _ROUTE_WORD_HINT.search(piece) or _names_whole(piece):
        return [piece]
    out: list[str] = []
    for part in _ROUTE_WORDS.split(_LEADING_ROUTE_WORD.sub("", piece)):
        part = part.strip()
        if not part:
            continue
        if _names_whole(part) or not _AND.search(part):
            out.append(part)
        else:
            out.extend(p.strip() for p in _AND.split(part) if p.strip())
    return out or [piece]


def _joined_codes(piece: str, words: list[str]) -> bool:
    """Is ``piece``, split into ``words``, country codes joined ("PL BY RU", "PL-BY-RU"), not one
    name written with spaces or hyphens?"""
    return all(_CODE.fullmatch(w) and _resolves(w) for w in words) and not _resolves(piece)


def split_countries(value: str) -> list[str]:
    """Split a transit list written with ; , | > or '->' into its parts (not yet resolved).

    A comma also appears inside list-form names ("Korea, Republic of", "Moldova, Republic
    of"): a comma-separated piece that is no country on its own is joined to the one before
    it when the two together name a country. Routes in words ("PL to BY via LT") are split
    on the words.
    """
    if not value.isascii():
        value = flags_as_codes(value)  # "🇵🇱🇧🇾": the codes, one word each
    if (key := _key(value)) in _NO_TRANSIT and (key or _DASHES.fullmatch(value)):
        return []  # "N/A", "-", "direct": no transit, said in words (not "?" or "★": those are asked about)
    out: list[str] = []
    for segment in _ROUTE_SEPARATORS.split(value.strip()):
        start = len(out)
        pieces = [w for x in segment.split(",") if (p := x.strip()) for w in _route_words(p)]
        for piece in pieces:
            if not piece:
                continue
            if len(out) > start and not _resolves(piece) and _resolves(f"{out[-1]}, {piece}"):
                out[-1] = f"{out[-1]}, {piece}"
            elif len(words := piece.split()) > 1 and _joined_codes(piece, words):
                out.extend(words)  # "PL BY RU": codes separated by spaces only
            elif "-" in piece and piece.isupper() and _joined_codes(piece, words := piece.split("-")):
                out.extend(words)  # "PL-BY-RU": codes joined by hyphens (Guinea-Bissau stays)
            else:
                out.append(piece)
    return out


# Route separators as brokers write them: ; | > -> => → / a line break, and a dash between
# spaces or an en/em dash (a hyphen inside a name, Guinea-Bissau or Timor-Leste, is not one).
_ROUTE_SEPARATORS = re.compile(r"\s*(?:;|\||->|=>|–>|>|→|⇒|/|\n|\s-\s|[–—])\s*")
_CODE = re.compile(r"[A-Za-z]{2,3}")
_DASHES = re.compile(r"[\s\-\u2010-\u2015_./\\]*")  # "-", "--", "—", "/": a blank written as a dash
# A transit cell that says there is none (after ``_key``: "N/A" is "n a", "-" is "").
_NO_TRANSIT = frozenset({"", "none", "n a", "nil", "direct", "no transit", "kein", "keine", "direkt",  # not NO, NA: Norway, Namibia
                         "brak", "нет", "без транзита", "прямой", "прямая поставка"})
# Words between the countries of a route; "and" and "&" separately (they occur inside names).
_ROUTE_WORDS = re.compile(r"\s+(?:to|via|through|thru|then|nach|über|uber|ueber|przez|per|через|в|затем|потом)\s+",
                          re.IGNORECASE)
_LEADING_ROUTE_WORD = re.compile(r"^(?:from|via|through|thru|to|из|через)\s+", re.IGNORECASE)
_AND = re.compile(r"\s+(?:and|und|i|и|ir|&)\s+|\s*&\s*", re.IGNORECASE)
_ROUTE_WORD_HINT = re.compile(r"\s(?:to|via|through|thru|then|nach|über|uber|ueber|przez|per|через|в|затем|потом|and|"
                              r"und|i|и|ir|&)\s|&|^(?:from|via|through|thru|to|из|через)\s", re.IGNORECASE)
# Where a one-country cell may be split into parts that must name the same country.
_PARTS = re.compile(r"[()\-/:;,|&]|\s(?:and|or|und|oder|i|lub|и|или)\s", re.IGNORECASE)
