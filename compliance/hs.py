"""HS / CN / HTS commodity codes: normalisation and prefix logic.

A code is written with dots, spaces or dashes (``8542.31``, ``3104 20 10``, ``8471-30``) and
normalised to its digits. The HS is hierarchical: a 4-digit heading covers every subheading
beneath it, so rule matching is by prefix.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.\-/_]+")


class InvalidHSCode(ValueError):
    pass


def hs_from_number(value: int | float) -> str:
    """The code a spreadsheet meant when it stored an HS code as a number.

    Numbers lose leading and trailing zeros: 402 was 0402, 40690 was 040690, 3104.2 was
    3104.20. Every HS/CN/HTS code has an even number of digits, so an odd count means a
    leading zero was dropped (restored), and a decimal part is the subheading digits with a
    trailing zero dropped (padded to pairs).
    """
    if isinstance(value, float) and not value.is_integer():
        head, _, frac = repr(value).partition(".")
        if "e" in frac or "e" in head:  # 1e-05 and the like: not a code
            return repr(value)
        head = head.zfill(4) if len(head) == 3 else head
        return head + (frac + "0" if len(frac) % 2 else frac)
    digits = str(int(value))
    return "0" + digits if len(digits) % 2 else digits


def normalise_hs(value: object) -> str:
    """Digits of an HS/CN/HTS code, 4 to 10 of them, or raise ``InvalidHSCode``."""
    if value is None:
        raise InvalidHSCode("hs_code is missing: give the 4- to 10-digit HS/CN code (e.g. 3104 20 10)")
    if isinstance(value, bool):
        raise InvalidHSCode(f"hs_code {value!r} is not a code")
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")) or value < 0:
            raise InvalidHSCode(f"hs_code {value!r} is not a code: give the 4- to 10-digit HS/CN code as text")
        text = hs_from_number(value)
    else:
        text = str(value)
    raw = text.strip().lstrip("'")  # a leading apostrophe is Excel's "store as text" mark
    if raw[:2].upper() == "HS":
        raw = raw[2:].lstrip(" :")
    digits = _SEPARATORS.sub("", raw)
    if not digits:
        raise InvalidHSCode("hs_code is empty: give the 4- to 10-digit HS/CN code (e.g. 3104 20 10)")
    if not (digits.isascii() and digits.isdigit()):
        raise InvalidHSCode(
            f"hs_code {text!r} is not a number: write only digits, dots and spaces (e.g. 8542.31)"
        )
    if not 4 <= len(digits) <= 10:
        hint = (f"; if a spreadsheet dropped a leading zero, write '0{digits}'" if len(digits) in (3, 5, 7, 9)
                else " (chapter-only codes are too coarse to screen)" if len(digits) < 4 else "")
        raise InvalidHSCode(
            f"hs_code {text!r} has {len(digits)} digits: an HS/CN code has 4 to 10 digits{hint}"
        )
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
