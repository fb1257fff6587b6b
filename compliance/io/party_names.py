"""Party names disguised in the cell: what the reader undoes before the name is screened.

A name can be made to look right on screen and read wrong to a matcher: direction controls
(U+202E shows "ilaksuraleB" as "Belaruskali"), invisible characters, trademark signs glued to
the name, a second party behind "c/o", several names on lines of one cell or as a JSON list.
``clean_party_name`` gives the name to screen and what was done, so the row carries a warning
(the echoed input stays as it was). Homoglyphs (a Cyrillic "а" in a Latin word), digits for
letters and spaced letters are read by the matcher itself (``compliance.names``); a mixed-script
word is still said, as it is a sign of evasion.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache

from compliance.display import BIDI, SIGNS, displayed, reverses

# Something in the cell may need undoing: non-ASCII, a line break, "c/o"-like words, a list.
SUSPECT = re.compile(r"[^\x20-\x7e]|c\s?[/.]\s?o\b|care\s+of|attn|\A\s*\[", re.IGNORECASE)

# Signs glued to a name that are no part of it.
_SIGNS = re.compile(f"[{SIGNS}]")
# "X c/o Y", "X care of Y", "X attn. Y": two parties, each screened.
_CARE_OF = re.compile(r"\s*(?:\bc\s?/\s?o\b\.?|\bc\.\s?o\.|\bcare\s+of\b|\battn\b\.?:?|\bto\s+the\s+attention\s+of\b)\s*",
                      re.IGNORECASE)
_LINES = re.compile(r"\s*[\r\n\u2028\u2029\x0b\x0c\x85]+\s*")
_WORD = re.compile(r"\w+")
# UTF-8 text once read in a code page and saved again ("Р‘РµР»Р°СЂСѓСЃСЊ" for "Белару", "MÃ¼ller" for "Müller"):
# the lead byte of each UTF-8 pair shows as Р/С (cp1251) or Ã/Â/Ð/Ñ (cp1252).
_MOJIBAKE_HINT = re.compile(r"[РС][\u0080-\u00bf\u0401-\u040f\u0451-\u045f\u2010-\u203a\u2116\u0490\u0491]|[ÃÂÐÑ][\u0080-\u00bf\u2010-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]")


def _unmojibake(text: str) -> str | None:
    """The text UTF-8 mojibake stood for, or None: re-encoding it in the code page it was misread
    in must give valid UTF-8 that is shorter (each pair back to one letter)."""
    for enc in ("cp1251", "cp1252"):
        try:
            fixed = text.encode(enc).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != text and len(fixed) < len(text):
            return fixed
    return None


def _mixed_script_words(text: str) -> list[str]:
    words = []
    for w in _WORD.findall(text):
        lat = any("a" <= c.lower() <= "z" for c in w)
        cyr = any("\u0400" <= c <= "\u04ff" for c in w)
        if lat and cyr:
            words.append(w)
    return words


def _json_list(text: str) -> list[str] | None:
    t = text.strip()
    if not (t.startswith("[") and t.endswith("]")):
        return None
    try:
        value = json.loads(t)
    except ValueError:
        return None
    if isinstance(value, list) and value and all(isinstance(x, str) for x in value):
        return [x for x in value if x.strip()]
    return None


@lru_cache(maxsize=50_000)
def clean_party_name(name: str) -> tuple[str, tuple[str, ...]]:
    """(the name to screen, what was done to it): the name itself and () when nothing was."""
    notes: list[str] = []
    text = name
    if items := _json_list(text):
        text = "; ".join(items)
        notes.append(f"holds a list of {len(items)} names: each is screened")
    if any(c in BIDI for c in text):
        shown = displayed(text)
        if reverses(text):
            notes.append(f"has right-to-left direction marks: screened as it is displayed ({shown[:60]!r})")
        else:
            notes.append("has invisible direction marks: removed")
        text = shown
    invisible = [c for c in text if unicodedata.category(c) == "Cf"]
    if invisible:
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
        notes.append(f"has {len(invisible)} invisible character(s) (U+{ord(invisible[0]):04X}): removed")
    if "\ufffd" in text:
        notes.append("has undecodable bytes (shown as \ufffd): the name cannot be screened as written; check the "
                     "file's encoding (--encoding)")
    if _MOJIBAKE_HINT.search(text) and (fixed := _unmojibake(text)) is not None:
        notes.append(f"is UTF-8 text misread in a code page and saved again: screened as {fixed[:60]!r}")
        text = fixed
    if _SIGNS.search(text):
        text = _SIGNS.sub(" ", text)
        notes.append("has trademark/copyright signs: removed")
    if _LINES.search(text.strip()):
        parts = [p for p in _LINES.split(text.strip()) if p]
        text = "; ".join(parts)
        notes.append(f"spans {len(parts)} lines: each line is screened as a name")
    if _CARE_OF.search(text):
        parts = [p.strip(" ,;") for p in _CARE_OF.split(text) if p.strip(" ,;")]
        if parts:
            text = "; ".join(parts)
            notes.append(f"names {len(parts)} parties ('c/o' or 'attn'): each is screened" if len(parts) > 1
                         else "starts with 'c/o' or 'attn': the party after it is screened")
    if mixed := _mixed_script_words(text):
        notes.append(f"mixes Latin and Cyrillic letters in {mixed[0][:40]!r}: read in its main script; check the name")
    text = " ".join(text.split()) if notes else text
    return (text, tuple(notes)) if notes else (name, ())
