"""Text as a screen shows it: direction controls undone, signs that are no part of a name.

A right-to-left override (U+202E) shows "ilaksuraleB" as "Belaruskali" and "\u202e031748" as
847130: a party name, a country or an HS code is read as it is displayed. Shared by the HS code,
country and party-name readers (no dependencies, so each can import it at module level).
"""

from __future__ import annotations

_RLO, _RLE, _PDF, _RLI, _PDI = "\u202e", "\u202b", "\u202c", "\u2067", "\u2069"
REVERSING = (_RLO, _RLE, _RLI)  # direction marks that show what follows them reversed
BIDI = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Trademark and copyright signs shown beside a name, no part of it (NFKC makes ™ the letters TM).
SIGNS = "\u2122\u00ae\u00a9\u2120\u2117\u24c7\u24b8"  # ™ ® © ℠ ℗ Ⓡ Ⓒ


def displayed(text: str) -> str:
    """The text as shown: a right-to-left override (or embedding/isolate) shows what follows it
    reversed, up to its closing mark; Latin and Cyrillic names read that way on screen."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in REVERSING:
            close = _PDI if ch == _RLI else _PDF
            end = text.find(close, i + 1)
            end = len(text) if end < 0 else end
            out.append(text[i + 1:end][::-1])
            i = end + 1
            continue
        out.append(ch)
        i += 1
    return "".join(c for c in "".join(out) if c not in BIDI)


def reverses(text: str) -> bool:
    """Does ``text`` hold a mark that shows part of it reversed?"""
    return any(c in text for c in REVERSING)
