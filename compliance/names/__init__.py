"""Sanctioned-party name matching.

Names are parsed (``normalize``: transliteration, legal forms, skeletons), candidates are found
through a blocking index (exact token skeletons, a one-deletion neighbourhood for typos and
transliteration variants, joined adjacent tokens), and only those candidates are scored
(``score``: weighted token alignment with rapidfuzz). Every match carries an explanation.

Public API: ``similarity``, ``normalize_name``, ``NameIndex``, ``NameMatch``, and the two
thresholds calibrated on ``tests/data/name_pairs.csv``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from compliance.names.index import (
    BLOCK_THRESHOLD,
    COUNTRY_MATCH_BONUS,
    COUNTRY_MISMATCH_PENALTY,
    MAX_QUERY_CHARS,
    MAX_QUERY_TOKENS,
    REVIEW_THRESHOLD,
    NameIndex,
    NameMatch,
    _truncate,
)
from compliance.names.normalize import (
    PERSON_KINDS,
    NameRep,
    name_data,
    name_reading,
    normalize_name,
    parse_name,
    query_variants,
)
from compliance.names.score import CUT_CAP, FIELD_WIDTH, align, cut_align, default_weight, field_cut, token_weights

__all__ = ["BLOCK_THRESHOLD", "COUNTRY_MATCH_BONUS", "COUNTRY_MISMATCH_PENALTY", "REVIEW_THRESHOLD", "NameIndex",
           "NameMatch", "normalize_name", "similarity"]


def similarity(a: str, b: str, kind: str | None = None) -> float:
    """How alike two names are, in [0, 1]; symmetric. ``kind``: person, organization, company,
    vessel or None (None: organisation rules; person rules are not guessed from the text, but a
    short legal-form word between the parts of a name that reads as a person's is kept: Paek Se
    Bong)."""
    person = (kind or "").lower() in PERSON_KINDS
    # How to read short legal-form words (Se in Paek Se Bong): name parts of a person, by the
    # name's look when the kind is unknown, legal forms of an organisation.
    reading = name_reading(kind)
    best = 0.0
    # Embedded alternatives ("X a.k.a. Y", "X (ОАО Y)") on either side: the best pair counts.
    for va in query_variants(a[:MAX_QUERY_CHARS]):
        for vb in query_variants(b[:MAX_QUERY_CHARS]):
            # One alignment, in a fixed order of the two names: symmetric by construction.
            x, y = (vb, va) if (len(vb), vb) < (len(va), va) else (va, vb)
            ra, rb = _bounded(parse_name(x, reading)), _bounded(parse_name(y, reading))
            # Kind unknown, both names read as persons' (Lukashenko A.G. / Alexander Grigoryevich
            # Lukashenko, Aleksandr / Aleksandra Lukashenko): person rules, as the index aligns a
            # listed person.
            as_person = person or (reading is None and (_person_look(ra) and _plain(rb) or
                                                        _person_look(rb) and _plain(ra)))
            score = align(ra, rb, person=as_person, wa_pre=_weights(ra, as_person), wb_pre=_weights(rb, as_person)).score
            if reading is None and not as_person and score < BLOCK_THRESHOLD and _plain(ra) and _plain(rb) and \
                    _spoken(ra) and _spoken(rb):
                # Kind unknown, both names could be a person's though neither shows it (Pak Il
                # Kyu / Pak Il-Gyu): the person rules' score counts too (Kyu / Gyu is one name),
                # unless the pair blocks already.
                score = max(score, align(ra, rb, person=True, wa_pre=_weights(ra, True), wb_pre=_weights(rb, True)).score)
            best = max(best, score)
            # A name cut by a 35-character field: its beginning against the other, review at most.
            for cut_side, whole in ((ra, rb), (rb, ra)):
                cut = field_cut(cut_side) if len(cut_side.text) == FIELD_WIDTH else None
                if cut is not None and best < CUT_CAP:
                    al = cut_align(cut, whole, person=person)
                    if al is not None:
                        best = max(best, min(al.score, al.ceiling))
    return round(best, 6)


# A patronymic (or a -vich surname: a person's either way): Ryhorovich, Mikalayevich, Ivanovna,
# Radzivonawna, Iosifovych.
_PATRONYMIC = re.compile(r"(?:vich|vitch|vych|ovna|evna|avna|awna|auna|ichna)$")
# The lists' "SURNAME, Given Names" (a firm's comma is before its legal form, which is ignored).
_SURNAME_FIRST = re.compile(r"^\s*[^\W\d_][^,\d]*,\s*[^\W\d_]")


def _plain(rep: NameRep) -> bool:
    """Two to six words (an Arabic name with its nasab), no legal form, no translated or number
    word: a person's name could be it."""
    sks = rep.skeletons
    return 2 <= len(sks) <= 6 and not rep.ignored and not any(rep.concepts) and not any(sk.isdigit() for sk in sks)


def _spoken(rep: NameRep) -> bool:
    """Every word reads as a spoken word, more than a quarter of its letters vowels: not an
    acronym (IRGC, SSJO), which a person's name has none of."""
    return all(sum(c in "aeiouy" for c in t) * 4 > len(t) for t in rep.tokens)


def _person_look(rep: NameRep) -> bool:
    """A name of unknown kind that reads as a person's: plain (``_plain``), and an initial (A.G.),
    a common given name (Aleksandr), a patronymic (Ryhorovich) or the lists' "SURNAME, Given"."""
    if not _plain(rep):
        return False
    sks = rep.skeletons
    given = name_data().common_given
    return (any(len(sk) == 1 and sk.isalpha() for sk in sks) or any(sk in given for sk in sks)
            or any(_PATRONYMIC.search(t) for t in rep.tokens) or bool(_SURNAME_FIRST.match(rep.text)))


@lru_cache(maxsize=50_000)
def _weights(rep: NameRep, person: bool) -> tuple[float, ...]:
    # Default weights of a parsed name, once per name (bounded: a batch repeats its names).
    return tuple(token_weights(rep, default_weight, person))


def _bounded(rep: NameRep) -> NameRep:
    # Cut only what is too long, as the index does for queries.
    return _truncate(rep, MAX_QUERY_TOKENS) if len(rep.skeletons) > MAX_QUERY_TOKENS else rep
