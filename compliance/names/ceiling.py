"""A cheap ceiling of ``score.align``: the index skips aligning a candidate that cannot reach
the result.

``align_ceiling(a, b, ...) >= align(a, b, ...).score`` for every pair of names: each token is
credited with the best credit any path of ``align`` could give it (every spelling variant
``align`` compares, translation, a repeated word, a split word, an acronym), with no one-to-one
assignment and none of the caps that only lower a score; the better-covered side weighs as
much as ``align`` ever lets it. A ceiling is only useful when it is well below the score the
result needs, and most hopeless candidates of a query are (other words, another person's
given name): the index aligns every candidate whose ceiling reaches the result.

This mirrors ``align``: a new way of crediting tokens there must be added here too (the tests
in tests/names/test_ceiling.py compare the two on every labelled pair and on listed names).
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

from compliance.names.normalize import NameRep, name_data
from compliance.names.score import (
    _ACRONYM_SKIP,
    _STOPWORDS,
    ACRONYM_CREDIT,
    COVER_MAX_SHARE,
    NUMBER_MISMATCH_CAP,
    PERSON_MAX_SHARE,
    PERSON_VARIANT_SHARE,
    SHORT_NAME_CAP,
    SPLIT_FLOOR,
    TRANSLATED_CREDIT,
    _acronym_letters,
    _compact,
    _descriptive,
    _initials,
    _initials_match,
    _kh_reading,
    _patronymic_index,
    _token_similarity,
    default_weight,
)

# Float sums here run in another order than in align: a margin far above their rounding.
MARGIN = 1e-9
_MAX_SHARE = max(COVER_MAX_SHARE, PERSON_MAX_SHARE, PERSON_VARIANT_SHARE)
ACRONYM_INITIAL_CREDIT = 0.85  # align's score for a name that is the other's initials


def _variants(rep: NameRep, i: int) -> tuple[str, ...]:
    """Every spelling of token ``i`` align compares: skeleton, raw skeleton, other readings."""
    x = rep.skeletons[i]
    raw = rep.raw[i] if rep.raw else x
    return tuple(dict.fromkeys((x, raw, *_kh_reading(rep.tokens[i]))))


def _split_credits(a: NameRep, b: NameRep, ua: list[float], ub: list[float]) -> None:
    """Words of ``a`` that two or three adjacent words of ``b`` may spell (``_split_runs``,
    whatever is matched already)."""
    sb = b.skeletons
    for i, x in enumerate(a.skeletons):
        if len(x) < 6 or x.isdigit():
            continue
        for j0 in range(len(sb) - 1):
            if sb[j0][:1] != x[0]:
                continue
            for k in (2, 3):
                run = range(j0, j0 + k)
                if run[-1] >= len(sb):
                    break
                joined = "".join(sb[j] for j in run)
                if abs(len(joined) - len(x)) > 3 or any(sb[j].isdigit() for j in run):
                    continue
                c = Levenshtein.normalized_similarity(x, joined)
                if c >= SPLIT_FLOOR:
                    ua[i] = max(ua[i], c)
                    for j in run:
                        ub[j] = max(ub[j], c)


def _acronym_credits(a: NameRep, b: NameRep, ua: list[float], ub: list[float]) -> None:
    """Acronyms of ``a`` and every word of ``b`` a run of their letters may take
    (``_acronym_runs``: initials, and the words an acronym may skip)."""
    if len(b.tokens) < 2:
        return
    generic = name_data().generic
    letters: set[str] = set()
    for i, tok in enumerate(a.tokens):
        if a.skeletons[i] in generic:
            continue
        forms = _acronym_letters(tok)
        if forms:
            ua[i] = max(ua[i], ACRONYM_CREDIT)
            letters.update(*forms)
    if letters:
        for j in range(len(b.tokens)):
            if b.tokens[j] in _ACRONYM_SKIP or letters & _initials(b, j):
                ub[j] = max(ub[j], ACRONYM_CREDIT)


def _coverage(u: list[float], w: Sequence[float], pat: int | None) -> float:
    """The most a side's coverage can be: every token at its best credit; align drops an
    unmatched patronymic's weight, so the better of with and without it."""
    best = sum(c * x for c, x in zip(u, w, strict=True)) / (sum(w) or 1.0)
    if pat is not None:
        rest = sum(x for k, x in enumerate(w) if k != pat)
        best = max(best, sum(c * x for k, (c, x) in enumerate(zip(u, w, strict=True)) if k != pat) / (rest or 1.0))
    return best


def _may_lean(rep: NameRep, u: list[float], person: bool) -> bool:
    """Whether align may weigh the better-covered side more with ``rep`` the less (organisations)
    or better (persons) covered side."""
    sks = rep.skeletons
    if person:
        full = [k for k, sk in enumerate(sks) if len(sk) > 1 and sk not in _STOPWORDS]
        return len(full) >= 2 and all(u[k] >= 0.9 for k in full)
    common = name_data().common_words
    if any(u[k] == 0.0 and not _descriptive(sk) for k, sk in enumerate(sks)):
        return False  # a proper word of its own no path can match
    return any(u[k] > 0.0 and len(sk) >= 5 and default_weight(sk) == 1.0 and sk not in common
               for k, sk in enumerate(sks))


def align_ceiling(a: NameRep, b: NameRep, *, person: bool, wa: Sequence[float], wb: Sequence[float]) -> float:
    """At least ``align(a, b, person=person, wa_pre=wa, wb_pre=wb).score``."""
    sa, sb = a.skeletons, b.skeletons
    if not sa or not sb:
        return 0.0
    ua = [0.0] * len(sa)
    ub = [0.0] * len(sb)
    translate = not person and any(a.concepts) and any(b.concepts)
    vb = [_variants(b, j) for j in range(len(sb))]
    for i, x in enumerate(sa):
        va = _variants(a, i)
        fa = a.tokens[i][0]
        for j, y in enumerate(sb):
            if x == y:
                c = 1.0
            elif ua[i] == 1.0 and ub[j] == 1.0:
                continue
            else:
                c = 0.0
                fb = b.tokens[j][0]
                for p in va:
                    for q in vb[j]:
                        s = 1.0 if p == q else _token_similarity(p, q, person, fa, fb)[0]
                        if s > c:
                            c = s
                if translate and c < TRANSLATED_CREDIT and a.concepts[i] and a.concepts[i] & b.concepts[j]:
                    c = TRANSLATED_CREDIT
            if c > ua[i]:
                ua[i] = c
            if c > ub[j]:
                ub[j] = c
    if not person:
        # A repeated word takes the credit of its first occurrence.
        for rep, u in ((a, ua), (b, ub)):
            best: dict[str, float] = {}
            for k, sk in enumerate(rep.skeletons):
                best[sk] = max(best.get(sk, 0.0), u[k])
            for k, sk in enumerate(rep.skeletons):
                if len(sk) > 2:
                    u[k] = best[sk]
    _split_credits(a, b, ua, ub)
    _split_credits(b, a, ub, ua)
    if not person:
        _acronym_credits(a, b, ua, ub)
        _acronym_credits(b, a, ub, ua)
    pat_a = _patronymic_index(sa) if person else None
    pat_b = _patronymic_index(sb) if person else None
    cov_a, cov_b = _coverage(ua, wa, pat_a), _coverage(ub, wb, pat_b)
    share = _MAX_SHARE if _may_lean(a, ua, person) or _may_lean(b, ub, person) else 0.5
    score = share * max(cov_a, cov_b) + (1 - share) * min(cov_a, cov_b)
    ca, cb = _compact(sa), _compact(sb)
    if min(len(ca), len(cb)) >= (6 if not person else 8):
        if person and len(sa) == len(sb):
            cs = 1.0 if "".join(a.tokens) == "".join(b.tokens) or ca == cb else 0.0
        else:
            cs = Levenshtein.normalized_similarity(ca, cb)
        if cs >= 0.92:
            score = max(score, cs * 0.98)
    na, nb = a.numbers, b.numbers
    if na and nb and na != nb:
        score = min(score, NUMBER_MISMATCH_CAP)
    if not person and ((len(sa) == 1 and len(a.compact) <= 4) or (len(sb) == 1 and len(b.compact) <= 4)):
        score = min(score, SHORT_NAME_CAP)
    if not person and (_initials_match(a, b) or _initials_match(b, a)):
        score = max(score, ACRONYM_INITIAL_CREDIT)
    return min(1.0, score) + MARGIN
