"""Blocking keys that bring an acronym and the words it abbreviates together (GTF Neman /
Grodno Tobacco Factory Neman, NNK / Novaya Neftyanaya Kompaniya), for the name index.

``score.align`` pairs an acronym of one name with a run of the other's words whose initials
(their first letters, or of their English translation) spell it, stop words skipped inside the
run. The index keys both sides so that either finds the other: a short word under
``ACRONYM`` + its letters, a run of words under ``RUN`` + the initials it can spell. The keys
are a superset of what align accepts (letters compared after a coarse letter map, every
translation's initials): the alignment decides.

Compound abbreviations (Brestoblispolkom, Bellesbumprom) are keyed the same way: align spells
a long word by leading syllables of the other name's words, so the words' side is keyed by the
first three letters of neighbouring words and the compound's side by three-letter pieces of it.
"""

from __future__ import annotations

from functools import lru_cache

from compliance.names.normalize import PERSON_KINDS, NameRep, concepts_of, name_data, skeleton
from compliance.names.score import _STOPWORDS, STOPWORD_WEIGHT, _name_sources, default_weight

ACRONYM = "\x02"
RUN = "\x03"
# Compound abbreviations (Brestoblispolkom: Brest oblast ispolnitelnyi komitet; Bellesbumprom):
# align spells a long word by leading syllables (three letters or more) of another name's
# words. WORDS + the first three letters of two neighbouring words, for the words' side;
# COMPOUND + a compound's first three letters and three at a later offset, for the compound's.
WORDS = "\x04"
COMPOUND = "\x05"
# Words of this many letters or more are read as compounds (Belshina: 8).
MIN_COMPOUND = 8
# A syllable is three letters or more (one less where align reads a doubled letter once); the
# pairs of offsets a query compound probes are at most this far apart.
MAX_SYLLABLE = 8
# Word pairs probed by a query: a word and the words up to this many after it (a compound may
# abbreviate a long run: Bellesbumprom, Belarusian ... Timber ... Paper Industry).
PAIR_SPAN = 12
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
    words inside a run may be skipped); at most MAX_RUN_KEYS. Shorter runs first, then earlier
    ones: a long name's many six-letter runs must not crowd out its three-letter ones (UVD of
    Directorate of Internal Affairs ... of the Brest Oblast Executive Committee)."""
    n = len(rep.tokens)
    if n < MIN_LETTERS - 1:
        return []
    inits = [sorted(_initials(rep, j)) for j in range(n)]  # sorted once: the loops below read them often
    skip = [_skippable(rep, j) for j in range(n)]
    out: dict[str, set[int]] = {}
    # Runs of one more letter each round: (next word, letters, words of the run).
    level: list[tuple[int, str, tuple[int, ...]]] = [(j0 + 1, c, (j0,)) for j0 in range(n) for c in inits[j0]]
    for size in range(1, MAX_LETTERS + 1):
        if len(out) >= MAX_RUN_KEYS:
            break
        grown: list[tuple[int, str, tuple[int, ...]]] = []
        for j, letters, run in level:
            while True:
                if size >= MIN_LETTERS:
                    got = out.get(letters)
                    if got is not None:
                        got.update(run)
                    elif len(out) < MAX_RUN_KEYS:
                        out[letters] = set(run)
                if size == MAX_LETTERS or j >= n:
                    break
                longer = (*run, j)
                grown.extend([(j + 1, letters + c, longer) for c in inits[j]])
                if not skip[j]:
                    break
                run, j = longer, j + 1
        level = grown
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


def _compound(rep: NameRep, i: int) -> bool:
    """A word that may be a compound abbreviation: long, letters only, and no common,
    descriptive or vocabulary word (those are found as words: as compounds they would bring
    many names for nothing)."""
    sk = rep.skeletons[i]
    return len(sk) >= MIN_COMPOUND and sk.isalpha() and default_weight(sk) == 1.0 and \
        not (rep.concepts and rep.concepts[i]) and sk not in name_data().common_words


def _heads(rep: NameRep) -> list[frozenset[str]]:
    """Per word, the first three letters of every word a syllable of it may be (as written, its
    skeleton, its translations: score's sources); none for stop words."""
    sources, _ = _name_sources(rep)
    return [frozenset() if sk in _STOPWORDS else frozenset(w[:3] for w in src)
            for sk, src in zip(rep.skeletons, sources, strict=True)]


def _own_heads(rep: NameRep, heads: list[frozenset[str]]) -> list[frozenset[str]] | None:
    """Per word, the heads of its own spelling, for a name of two words (stop words aside): a
    pair of two words is keyed only if a translation gives one of its heads (align reads two
    syllables of words as written as a brand, not a compound: GoldenElectronics / Goldi
    Electronics). None for three words or more: every pair is keyed."""
    if sum(1 for h in heads if h) >= 3:
        return None
    raw = rep.raw or rep.skeletons
    return [frozenset(w[:3] for w in (rep.skeletons[j], raw[j], rep.tokens[j])) for j in range(len(heads))]


def listed_compound_keys(rep: NameRep) -> list[tuple[str, tuple[int, ...]]]:
    """Compound keys of a listed organisation's name: each pair of neighbouring words (stop
    words skipped) by their heads, crediting both; each long word by its first three letters
    and three at every later offset, crediting it."""
    heads = _heads(rep)
    words = [j for j, h in enumerate(heads) if h]
    own = _own_heads(rep, heads)
    out: dict[str, set[int]] = {}
    for a, b in zip(words, words[1:], strict=False):
        for x in heads[a]:
            for y in heads[b]:
                if own is not None and x in own[a] and y in own[b]:
                    continue
                if len(out) < MAX_RUN_KEYS:
                    out.setdefault(WORDS + x + y, set()).update((a, b))
    for i, sk in enumerate(rep.skeletons):
        if _compound(rep, i):
            for p in range(2, len(sk) - 2):
                out.setdefault(COMPOUND + sk[:3] + sk[p:p + 3], set()).add(i)
    return [(k, tuple(sorted(v))) for k, v in out.items()]


def _compound_word_probes(rep: NameRep) -> dict[str, set[int]]:
    """The WORDS keys of a query's long words: every two three-letter pieces at most
    MAX_SYLLABLE apart, crediting the word."""
    probes: dict[str, set[int]] = {}
    for i, sk in enumerate(rep.skeletons):
        if _compound(rep, i):
            n = len(sk)
            pieces = [sk[p:p + 3] for p in range(n - 2)]  # each piece cut once (a query's hot loop)
            for p in range(n - 2):
                x = WORDS + pieces[p]
                for y in pieces[p + 2:p + MAX_SYLLABLE + 1]:
                    got = probes.get(x + y)
                    if got is None:
                        probes[x + y] = {i}
                    else:
                        got.add(i)
    return probes


def _person_evidence(rep: NameRep) -> bool:
    """A word of a person's name: a given name (or its patronymic's stem) or a common surname."""
    data = name_data()
    raw = rep.raw or rep.skeletons
    return any(sk in data.given or r in data.given or sk in data.common_surnames
               for sk, r in zip(rep.skeletons, raw, strict=True))


def query_compound_probes(rep: NameRep) -> list[tuple[str, tuple[int, ...]]]:
    """Compound keys a query probes: each long word by every two three-letter pieces at most
    MAX_SYLLABLE apart (every neighbouring pair of the words it abbreviates is among them),
    crediting it; each word with each of the next PAIR_SPAN words by their heads, crediting
    the words from one to the other (align's run takes the descriptive words between)."""
    probes = _compound_word_probes(rep)
    heads = _heads(rep)
    own = _own_heads(rep, heads)
    n = len(heads)
    for a in range(n):
        if not heads[a]:
            continue
        firsts = [(COMPOUND + x, own is not None and x in own[a]) for x in heads[a]]
        for b in range(a + 1, min(n, a + 1 + PAIR_SPAN)):
            if not heads[b]:
                continue
            words = range(a, b + 1)
            for cx, x_own in firsts:
                for y in heads[b]:
                    if x_own and own is not None and y in own[b]:
                        continue
                    got = probes.get(cx + y)
                    if got is None:
                        probes[cx + y] = set(words)
                    else:
                        got.update(words)
    return [(k, tuple(sorted(v))) for k, v in probes.items()]


def listed_keys(rep: NameRep, kind: str) -> list[tuple[str, tuple[int, ...]]]:
    """Index keys of a listed name of an organisation (``org_like``): its short words as
    acronyms, its runs of words by initials, its compound keys; with the word indices each
    key credits."""
    keys: list[tuple[str, tuple[int, ...]]] = []
    if not org_like(rep, kind):
        return keys
    for i, tok in enumerate(rep.tokens):
        keys.extend((ACRONYM + f, (i,)) for f in acronym_forms(tok))
    keys.extend((RUN + letters, run) for letters, run in run_keys(rep))
    keys.extend(listed_compound_keys(rep))
    return keys


@lru_cache(maxsize=4_096)
def query_probes(rep: NameRep, kind: str | None) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """Keys a query probes, with the query word indices each credits: its short words (of an
    organisation's name, or with at most one vowel) reach the listed runs they abbreviate, its
    runs of words (an organisation's name) reach the listed acronyms; an unknown kind's long
    words without person evidence probe the compounds' words."""
    if kind in PERSON_KINDS:
        return ()
    org = org_like(rep, kind)
    probes: list[tuple[str, tuple[int, ...]]] = []
    for i, tok in enumerate(rep.tokens):
        # Lengths first: a word of other lengths has no acronym forms (the cheaper test).
        if MIN_LETTERS <= len(tok) <= MAX_LETTERS and (org or _looks_acronym(tok)):
            probes.extend((RUN + f, (i,)) for f in acronym_forms(tok))
    if org:
        probes.extend((ACRONYM + letters, run) for letters, run in run_keys(rep))
        probes.extend(query_compound_probes(rep))
    elif not _person_evidence(rep):
        # A query of unknown kind without descriptive words may still be a compound
        # abbreviation (Brestoblispolkom): its long words probe the words they abbreviate,
        # unless a given name or a common surname says it is a person's name. Word pairs
        # probe nothing: two name parts are no compound of an organisation's words.
        probes.extend((k, tuple(sorted(v))) for k, v in _compound_word_probes(rep).items())
    return tuple(probes)
