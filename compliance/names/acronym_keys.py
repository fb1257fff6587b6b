"""Blocking keys that bring an acronym and the words it abbreviates together (GTF Neman /
Grodno Tobacco Factory Neman, NNK / Novaya Neftyanaya Kompaniya), for the name index.

``score.align`` pairs an acronym of one name with a run of the other's words whose initials
(their first letters, or of their English translation) spell it, stop words skipped inside the
run. The index keys both sides so that either finds the other: a short word under
``ACRONYM`` + its letters, a run of words under ``RUN`` + the initials it can spell. The keys
are a superset of what align accepts (letters compared after a coarse letter map, every
translation's initials): the alignment decides.
"""

from __future__ import annotations

from functools import lru_cache

from compliance.names.normalize import NameRep, concepts_of, name_data, skeleton
from compliance.names.score import PERSON_KINDS, STOPWORD_WEIGHT, default_weight

ACRONYM = "\x02"
RUN = "\x03"
# Acronyms of this many letters: two-letter ones abbreviate too many runs to find names by.
MIN_LETTERS = 3
MAX_LETTERS = 6
# At most this many run keys per name (names of many words with several translations).
MAX_RUN_KEYS = 96
# Letters the skeleton alphabet writes alike (score's acronym letters), and a few more.
_COARSE = str.maketrans({"g": "h", "w": "v", "j": "i", "y": "i", "q": "k", "x": "k", "c": "k"})


def _coarse(s: str) -> str:
    return s.translate(_COARSE)


@lru_cache(maxsize=100_000)
def acronym_forms(token: str) -> tuple[str, ...]:
    """The letter strings a short word may stand for as an acronym (BTSK: btsk, and bck as
    Cyrillic БЦК reads); () for words that cannot be one."""
    if not MIN_LETTERS <= len(token) <= MAX_LETTERS or not token.isalpha() or not token.isascii():
        return ()
    out = {_coarse(token)}
    sk = skeleton(token)
    if MIN_LETTERS <= len(sk):
        out.add(_coarse(sk))
    return tuple(sorted(out))


def _skippable(rep: NameRep, j: int) -> bool:
    tok = rep.tokens[j]
    return tok == "y" or default_weight(tok) == STOPWORD_WEIGHT or default_weight(rep.skeletons[j]) == STOPWORD_WEIGHT


def _initials(rep: NameRep, j: int) -> frozenset[str]:
    """First letters of word ``j`` as written, as its skeleton and of its translations."""
    raw = rep.raw or rep.skeletons
    out = {rep.tokens[j][:1], raw[j][:1], rep.skeletons[j][:1]}
    concepts = rep.concepts[j] if rep.concepts else frozenset()
    if concepts:
        ci = name_data().concept_initials
        for c in concepts:
            out |= ci.get(c, frozenset())
    return frozenset(_coarse(x) for x in out if x.isalpha())


def run_keys(rep: NameRep) -> list[tuple[str, tuple[int, ...]]]:
    """(initials, words of the runs spelling them) of every run of 3 to 6 lettered words (stop
    words inside a run may be skipped); at most MAX_RUN_KEYS."""
    n = len(rep.tokens)
    if n < MIN_LETTERS - 1:
        return []
    inits = [_initials(rep, j) for j in range(n)]
    skip = [_skippable(rep, j) for j in range(n)]
    out: dict[str, set[int]] = {}

    def walk(j: int, letters: str, run: tuple[int, ...]) -> None:
        if len(out) >= MAX_RUN_KEYS:
            return
        if len(letters) >= MIN_LETTERS:
            out.setdefault(letters, set()).update(run)
        if len(letters) == MAX_LETTERS or j >= n:
            return
        for c in sorted(inits[j]):
            walk(j + 1, letters + c, (*run, j))
        if skip[j] and letters:
            walk(j + 1, letters, (*run, j))

    for j0 in range(n):
        for c in sorted(inits[j0]):
            walk(j0 + 1, c, (j0,))
    return [(letters, tuple(sorted(run))) for letters, run in out.items()]


def org_like(rep: NameRep, kind: str | None) -> bool:
    """An organisation's name by its kind, or by a legal form or a descriptive word (generic or
    translated: Bank, Zavod, Committee). A person's name also reads as a run of initials
    (Ivanov Aleksandr Aleksandrovich: IAA); align pairs acronyms only for organisations, and a
    query of unknown kind that reads as a person's name gets no acronym keys."""
    if kind in PERSON_KINDS:
        return False
    if kind not in (None, "unknown") or rep.ignored:
        return True
    data = name_data()
    return any(STOPWORD_WEIGHT < default_weight(sk) < 1.0 or bool(concepts_of(sk, data)) for sk in rep.skeletons)


def _looks_acronym(token: str) -> bool:
    """Few vowels (GTF, NNK, IRGC, ADF): a short word with more (Ali, Ivan) is a name part."""
    return sum(1 for c in token if c in "aeiou") <= 1


def listed_keys(rep: NameRep, kind: str) -> list[tuple[str, tuple[int, ...]]]:
    """Index keys of a listed name of an organisation (``org_like``): its short words as
    acronyms, its runs of words by initials; with the word indices each key credits."""
    keys: list[tuple[str, tuple[int, ...]]] = []
    if not org_like(rep, kind):
        return keys
    for i, tok in enumerate(rep.tokens):
        keys.extend((ACRONYM + f, (i,)) for f in acronym_forms(tok))
    keys.extend((RUN + letters, run) for letters, run in run_keys(rep))
    return keys


@lru_cache(maxsize=4_096)
def query_probes(rep: NameRep, kind: str | None) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """Keys a query probes, with the query word indices each credits: its short words (of an
    organisation's name, or with at most one vowel) reach the listed runs they abbreviate, its
    runs of words (an organisation's name) reach the listed acronyms."""
    if kind in PERSON_KINDS:
        return ()
    org = org_like(rep, kind)
    probes: list[tuple[str, tuple[int, ...]]] = []
    for i, tok in enumerate(rep.tokens):
        if org or _looks_acronym(tok):
            probes.extend((RUN + f, (i,)) for f in acronym_forms(tok))
    if org:
        probes.extend((ACRONYM + letters, run) for letters, run in run_keys(rep))
    return tuple(probes)
