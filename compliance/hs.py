"""HS / CN / HTS commodity codes: normalisation and prefix logic.

A code is written with dots, spaces or dashes (``8542.31``, ``3104 20 10``, ``8471-30``) and
normalised to its digits. The HS is hierarchical: a 4-digit heading covers every subheading
beneath it, so rule matching is by prefix.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

# Comma too: a decimal-comma spreadsheet writes 8542.31 as "8542,31".
_SEPARATORS = re.compile(r"[\s.,\-/_]+")
_HEADINGS_FILE = Path(__file__).with_name("hs_headings.txt")
# HS chapters that do not exist (77 is reserved); 98/99 are national chapters (e.g. US HTS).
_NO_CHAPTER = {"00", "77"}


@lru_cache(maxsize=1)
def hs_headings() -> frozenset[str]:
    """The HS 2022 headings (4 digits)."""
    lines = _HEADINGS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip() for x in lines if x.strip() and not x.startswith("#"))


def _restore_leading_zero(digits: str, numeric: bool) -> str:
    """Put back a leading zero a spreadsheet dropped: HS/CN/TARIC codes have an even number of
    digits, so an odd count whose heading does not exist while '0' + it does (40690 -> 040690,
    cheese, not 4069 0) lost its zero. A 3-digit code is restored only from a numeric cell."""
    if len(digits) % 2 == 0 or (len(digits) == 3 and not numeric):
        return digits
    headings = hs_headings()
    padded = "0" + digits
    if digits[:4] not in headings and padded[:4] in headings:
        return padded
    return digits


class InvalidHSCode(ValueError):
    pass


def normalise_hs(value: object) -> str:
    """Digits of an HS/CN/HTS code, 4 to 10 of them, or raise ``InvalidHSCode``."""
    if value is None:
        raise InvalidHSCode("hs_code is missing: give the 4- to 10-digit HS/CN code (e.g. 3104 20 10)")
    if isinstance(value, bool):
        raise InvalidHSCode(f"hs_code {value!r} is not a code")
    numeric = isinstance(value, int | float)
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        # A spreadsheet turned "8542.31" into 8542.31 and "3104.20" into 3104.2: keep what it
        # shows and put back the trailing zero (subheading digits come in pairs).
        text = repr(value)
        if "." in text and "e" not in text.lower():
            whole, _, frac = text.partition(".")
            if frac == "0":
                text = whole
            elif len(frac) % 2:
                text = f"{whole}.{frac}0"
    else:
        text = str(value)
    raw = text.strip()
    if raw.upper().startswith("HS"):
        raw = raw[2:].lstrip(" :")
    digits = _SEPARATORS.sub("", raw)
    if not digits:
        raise InvalidHSCode("hs_code is empty: give the 4- to 10-digit HS/CN code (e.g. 3104 20 10)")
    if not digits.isdigit():
        raise InvalidHSCode(
            f"hs_code {text!r} is not a number: write only digits, dots and spaces (e.g. 8542.31)"
        )
    digits = _restore_leading_zero(digits, numeric)
    if not 4 <= len(digits) <= 10:
        raise InvalidHSCode(
            f"hs_code {text!r} has {len(digits)} digits: an HS/CN code has 4 to 10 digits "
            "(chapter-only codes are too coarse to screen)"
        )
    if digits[:2] in _NO_CHAPTER:
        raise InvalidHSCode(f"hs_code {text!r}: there is no HS chapter {digits[:2]} (chapters are 01-97)")
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
