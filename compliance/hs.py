"""HS / CN / HTS commodity codes: normalisation and prefix logic.

A code is written with dots, spaces or dashes (``8542.31``, ``3104 20 10``, ``8471-30``) and
normalised to its digits. The HS is hierarchical: a 4-digit heading covers every subheading
beneath it, so rule matching is by prefix.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from compliance.display import displayed, reverses
from compliance.exc import quoted

# Comma too: a decimal-comma spreadsheet writes 8542.31 as "8542,31".
_SEPARATORS = re.compile(r"[\s.,\-/_\u2010-\u2015\u2212\u00b7]+")  # also Unicode dashes, minus, middle dot
_HEADINGS_FILE = Path(__file__).with_name("hs_headings.txt")
_SUBHEADINGS_FILE = Path(__file__).with_name("hs_subheadings.txt")
# Two groups of four digits: a CN code written 4+4 (2710 1941) or two headings (8471 8517).
_TWO_HEADINGS = re.compile(r"\s*(\d{4})\s+(\d{4})\s*")
# HS chapters that do not exist (77 is reserved); 98/99 are national chapters (e.g. US HTS).
_NO_CHAPTER = {"00", "77"}
# A spreadsheet's scientific notation (8.54231E+09): the code's last digits are already lost.
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE][+-]?\d+$")
# A label typed into the cell before the code: "HS: 8471", "HS-Code 847130", "CN 8471 30 00", "Код ТН ВЭД 8471".
_LABEL = re.compile(r"^(?:(?:hs|cn|kn|hts|htsus|taric|tn\s*ved|тн\s*вэд|code|codes|код|no|nr|№)(?![^\W\d_])[\s:.#№=\-]*)+",
                    re.IGNORECASE)
# Separators that put two codes in one cell ("8471 / 8517", "8471, 8542", "8471 or 8517"): the cell
# is split on them (and on dashes) and every part with 4+ digits counts as a code of its own.
_MANY = re.compile(r"[,/;&+|\\\n\r\t]|\s(?:or|and|und|oder|lub|ir|или|и)\s|[-\u2010-\u2015\u2212]", re.IGNORECASE)
# Letters typed for digits inside a code: O/o for 0, l/I/i/| for 1 (only between or beside digits).
_LOOKALIKE = str.maketrans("OolIi|Оо", "00111100")  # the last two: Cyrillic О о
_LOOKALIKE_CODE = re.compile(r"[0-9OolIi|Оо][0-9OolIi|Оо.\s\-]{2,}[0-9OolIi|Оо]")


def _plain_digits(text: str) -> str:
    """Full-width and other Unicode decimal digits as ASCII; invisible format characters
    (zero-width space, direction marks, soft hyphen) dropped: ERP exports carry them."""
    if text.isascii():
        return text
    if reverses(text):  # a right-to-left override shows '\u202e031748' as 847130: read as displayed
        text = displayed(text)
    text = "".join(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch) != "Cf")
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text)


@lru_cache(maxsize=1)
def hs_headings() -> frozenset[str]:
    """The HS 2022 headings (4 digits)."""
    lines = _HEADINGS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip() for x in lines if x.strip() and not x.startswith("#"))


@lru_cache(maxsize=1)
def hs_subheadings() -> frozenset[str]:
    """The HS 2022 subheadings (6 digits)."""
    lines = _SUBHEADINGS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip() for x in lines if x.strip() and not x.startswith("#"))


def _restore_leading_zero(digits: str, numeric: bool) -> str:
    """Put back a leading zero a spreadsheet dropped: HS/CN/TARIC codes have an even number of
    digits, so an odd count whose heading does not exist while '0' + it does (40690 -> 040690,
    cheese, not 4069 0) lost its zero. A 3-digit code is restored only from a numeric cell."""
    if len(digits) % 2 == 0 or (len(digits) == 3 and not numeric):
        return digits
    headings = hs_headings()
    padded = "0" + digits
    if padded[:4] in headings:
        if digits[:4] not in headings:
            return padded
        if not numeric:
            # '40110': tyres 4011 10 cut short, or milk 0401 10 without its zero? Either reading
            # is another chapter, and guessing one would screen the wrong goods.
            raise InvalidHSCode(
                f"hs_code {quoted(digits)} has {len(digits)} digits (HS/CN codes have 4, 6, 8 or 10): it reads as "
                f"{format_hs(digits)} or, if a spreadsheet dropped a leading zero, as "
                f"{format_hs(padded)}; write the full code with its leading zero, as text")
    return digits


class InvalidHSCode(ValueError):
    pass


def hs_from_number(value: int | float) -> str:
    """The code a spreadsheet meant when it stored an HS code as a number.

    Numbers lose leading and trailing zeros: 402 was 0402, 40690 was 040690, 3104.2 was
    3104.20. Every HS/CN/HTS code has an even number of digits, so an odd count means a
    leading zero was dropped (restored, unless only the digits as written start a heading:
    84713 is 8471 3, there is no heading 0847), and a decimal part is the subheading digits
    with a trailing zero dropped (padded to pairs).
    """
    if isinstance(value, float) and not value.is_integer():
        head, _, frac = repr(value).partition(".")
        if "e" in frac or "e" in head:  # 1e-05 and the like: not a code
            return repr(value)
        head = head.zfill(4) if len(head) == 3 else head
        return head + (frac + "0" if len(frac) % 2 else frac)
    digits = str(int(value))
    if len(digits) % 2 and (len(digits) < 4 or ("0" + digits)[:4] in hs_headings() or digits[:4] not in hs_headings()):
        return "0" + digits
    # An odd count whose heading exists as written while no heading '0' + it does (31042 is
    # 3104 2, not a heading 0310): the number's first digits are the code's.
    return digits


_FLOAT_TEXT = re.compile(r"\s*([0-9]{1,10})\.([0-9])\s*")


def strip_label(text: str) -> str:
    """The code of a cell without a label typed before it ("HS: 8471" -> "8471")."""
    if text[:1].isdigit():
        return text
    m = _LABEL.match(text)
    return text[m.end():] if m and m.end() else text


def codes_in(text: str) -> list[str]:
    """The codes of a cell that holds several ("8471 / 8517" -> ["8471", "8517"]); one or none: []."""
    parts = [_SEPARATORS.sub("", p) for p in _MANY.split(text)]
    found = [p for p in parts if len(p) >= 4 and p.isdigit()]
    return found if len(found) > 1 else []


def lookalike_digits(text: str) -> str | None:
    """A code typed with letters for digits (``847l30``, ``31O420``) with the digits put back,
    or None when the text is no such code (letters elsewhere, or fewer than 4 real digits)."""
    raw = strip_label(text.strip())
    if not _LOOKALIKE_CODE.fullmatch(raw) or sum(c.isdigit() for c in raw) < 4:
        return None
    fixed = raw.translate(_LOOKALIKE)
    return fixed if fixed != raw else None


def normalise_hs(value: object) -> str:
    """Digits of an HS/CN/HTS code, 4 to 10 of them, or raise ``InvalidHSCode``."""
    if value is None:
        raise InvalidHSCode("hs_code is missing: give the 4- to 10-digit HS/CN code (e.g. 3104 20 10)")
    if isinstance(value, bool):
        raise InvalidHSCode(f"hs_code {value!r} is not a code")
    numeric = isinstance(value, int | float)
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")) or value < 0:
            raise InvalidHSCode(f"hs_code {value!r} is not a code: give the 4- to 10-digit HS/CN code as text")
        text = hs_from_number(value)
    else:
        text = str(value)
        if "." in text and (m := _FLOAT_TEXT.fullmatch(text)):
            # One digit after the point is no HS notation (its groups are pairs): a number's text,
            # '402.0' for 0402, '8471.3' for 8471.30 (as compliance.io.readers reads it too).
            text = hs_from_number(float(f"{m[1]}.{m[2]}"))
    raw = _plain_digits(text).strip().lstrip("'")  # a leading apostrophe is Excel's "store as text" mark
    raw = strip_label(raw).strip() or raw  # a label alone ('HS-CODE') is no code: said as it is
    if many := codes_in(raw):
        raise InvalidHSCode(f"hs_code {quoted(text)} holds {len(many)} codes ({', '.join(many[:4])}): give one code "
                            "per row (a row for each kind of goods)")
    if (two := _TWO_HEADINGS.fullmatch(raw)) and two[2] in hs_headings() \
            and two[1] + two[2][:2] not in hs_subheadings():
        # '8471 8517' is no CN code 8471 85 17 (no subheading 8471 85): two headings in one cell.
        raise InvalidHSCode(f"hs_code {quoted(text)} reads as 2 codes ({two[1]}, {two[2]}): {two[1]} {two[2][:2]} is "
                            "no HS subheading; give one code per row, or write a CN code in its groups "
                            "(e.g. 8471 30 00)")
    digits = _SEPARATORS.sub("", raw)
    if not digits:
        raise InvalidHSCode("hs_code is empty: give the 4- to 10-digit HS/CN code (e.g. 3104 20 10)")
    if not (digits.isascii() and digits.isdigit()):
        if _SCIENTIFIC.match(raw):
            raise InvalidHSCode(
                f"hs_code {quoted(text)} is in scientific notation, so its last digits are lost: format the "
                "column as text in the spreadsheet and export again"
            )
        fixed = lookalike_digits(raw)
        hint = f" (letters for digits? {fixed})" if fixed else ""
        raise InvalidHSCode(
            f"hs_code {quoted(text)} is not a number{hint}: write only digits, dots and spaces (e.g. 8542.31)"
        )
    digits = _restore_leading_zero(digits, numeric)
    if not 4 <= len(digits) <= 10:
        hint = (f"; if a spreadsheet dropped a leading zero, write '0{digits}'" if len(digits) in (3, 5, 7, 9)
                else " (chapter-only codes are too coarse to screen)" if len(digits) < 4 else "")
        raise InvalidHSCode(
            f"hs_code {quoted(text)} has {len(digits)} digits: an HS/CN code has 4 to 10 digits{hint}"
        )
    if digits[:2] in _NO_CHAPTER:
        raise InvalidHSCode(f"hs_code {quoted(text)}: there is no HS chapter {digits[:2]} (chapters are 01-97)")
    return digits


def chapter(code: str) -> int:
    return int(code[:2])


def heading(code: str) -> str:
    return code[:4]


def format_hs(code: str) -> str:
    """Human form: 8542 31 90 (heading, then pairs)."""
    parts = [code[:4]] + [code[i:i + 2] for i in range(4, len(code), 2)]
    return " ".join(parts)


def prefix_relation(shipment_code: str, rule_code: str) -> str | None:
    """How a declared code relates to a rule code.

    ``"within"``: the declared code is the rule code or beneath it (the rule covers it).
    ``"broader"``: the declared code is coarser and contains the rule code (may be covered).
    ``None``: unrelated.
    """
    if shipment_code.startswith(rule_code):
        return "within"
    if rule_code.startswith(shipment_code):
        return "broader"
    return None


# Chapters 98 and 99 are national (CN 98 complete industrial plant, US HTS 98/99 special
# provisions): HS 2022 does not hold them, and they are not unknown.
_NATIONAL_CHAPTERS = frozenset({"98", "99"})
_MAY_MISS = ("(an HS 2017 or mistyped code?), and the goods rules, written in HS 2022 / CN codes, may miss it: "
             "check the code")


@lru_cache(maxsize=1)
def _one_dash_groups() -> frozenset[str]:
    """The first five digits of every HS 2022 subheading: 8542 3 holds 8542 31 … 8542 39."""
    return frozenset(s[:5] for s in hs_subheadings())


# HS 2017 codes that HS 2022 deleted, with the HS 2022 code that took their goods (WCO correlation
# table HS 2017-HS 2022), where those goods are restricted goods of the rules: a file still written
# in HS 2017 would otherwise screen aircraft parts (8803) or CHPL electrical parts (8548 90) as
# unknown, ordinary goods. A heading kept its subheading numbers (8803 30 -> 8807 30): the rest of
# the code is kept. A subheading split in two or more has as successor the digits its parts share
# (8541 40 -> 8541 4, broader than the CHPL 8541 49: REVIEW): CN digits beneath it do not carry over.
_HS2017_SUCCESSORS = {
    "8803": "8807",      # parts of aircraft -> parts of aircraft and unmanned aircraft
    "854140": "85414",   # photosensitive devices, LEDs -> 8541 41, 42, 43, 49
    "854150": "85415",   # other semiconductor devices -> 8541 51 (transducers), 8541 59
    "852580": "85258",   # television and digital cameras -> 8525 81, 82, 83, 89
    "854890": "854800",  # electrical parts n.e.s. (8548 10 battery waste moved to 8549)
    "902780": "90278",   # other analysers -> 9027 81 mass spectrometers, 9027 89
    "845610": "84561",   # laser and light machine tools -> 8456 11, 12
    "851712": "85171",   # telephones for cellular networks -> 8517 13, 14
}


@lru_cache(maxsize=8192)
def screened_code(code: str) -> str:
    """The code the goods rules judge: the declared (normalised) code, or for an HS 2017 code
    HS 2022 deleted, its HS 2022 successor (``_HS2017_SUCCESSORS``). A chapter padded with zeros
    (8500, 85000000: no heading ends in 00) is its chapter, broader than every code of it: REVIEW
    where a rule lists one, never a silent CLEAR for ICs declared as '8500'."""
    if code[2:4] == "00" and not code[2:].strip("0"):
        return code[:2]
    if (new := _HS2017_SUCCESSORS.get(code[:4])) is not None and code[:4] not in hs_headings():
        return new + code[4:]
    if len(code) >= 6 and (new := _HS2017_SUCCESSORS.get(code[:6])) is not None and code[:6] not in hs_subheadings():
        return new
    return code


@lru_cache(maxsize=4096)
def nomenclature_note(code: str) -> str | None:
    """A row warning for a normalised code whose heading or subheading HS 2022 does not have
    (an HS 2017 code such as 6908 or 8803, a national or a mistyped code); None for a known one.

    Only a warning: such codes are common in real files (HS 2017 headings HS 2022 merged or
    moved), and the goods rules are still checked against the code as written. Only the six
    digits all countries share are checked: CN, TARIC and US HTS digits beyond them differ.
    A heading padded with zeros (8471 00, 4400 00) or a subheading's one-dash group (8542 30)
    is a broader code, not an unknown one.
    """
    if code[:2] in _NATIONAL_CHAPTERS or code[2:4] == "00":
        return None
    if (successor := screened_code(code)) != code:
        return (f"hs_code {format_hs(code)}: HS 2022 deleted {format_hs(code[:4] if successor[:4] != code[:4] else code[:6])} "
                f"(an HS 2017 code): screened as its HS 2022 successor {format_hs(successor)}; declare the HS 2022 / CN code")
    if code[:4] not in hs_headings():
        return f"hs_code {format_hs(code)}: HS 2022 has no heading {code[:4]} {_MAY_MISS}"
    if len(code) < 6:
        if len(code) == 5 and code[4] != "0" and code not in _one_dash_groups():
            return f"hs_code {code}: heading {code[:4]} has no subheading group {code[:4]} {code[4]} in HS 2022 {_MAY_MISS}"
        return None
    sub = code[:6]
    if sub in hs_subheadings() or sub[4:] == "00" or (sub[5] == "0" and sub[:5] in _one_dash_groups()):
        return None
    return f"hs_code {format_hs(code)}: heading {code[:4]} has no subheading {format_hs(sub)} in HS 2022 {_MAY_MISS}"
