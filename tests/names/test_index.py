"""The name index's fast paths against the plain definitions they replace."""

from __future__ import annotations

import pickle
import random
from collections import defaultdict

import numpy as np
import pytest

from compliance.lists.model import Entity, Listing
from compliance.names import NameIndex
from compliance.names import index as index_module
from compliance.names.normalize import NameRep, parse_name
from compliance.names.score import token_weights

NAMES = [
    ("bk", "Belaruskali OAO", ["ОАО «Беларуськалий»", "Belaruskaliy"], "organization"),
    ("ga", "Grodno Azot OAO", ["ААТ «Гродна Азот»", "GrodnoAzot"], "organization"),
    ("mzkt", "Minsk Wheeled Tractor Plant (MZKT)", ["Volat", "Minskiy Zavod Kolesnykh Tyagachey"], "organization"),
    ("maz", "Minsk Automobile Plant", ["Minskii Avtomobilnyi Zavod"], "organization"),
    ("luk", "Alexander Grigoryevich LUKASHENKO", ["Аляксандр Рыгоравіч Лукашэнка"], "person"),
    ("vol", "Aleksandr Grigorievich VOLFOVICH", ["VOLFOVICH, Alexander"], "person"),
    ("ahm", "AHMED, Adnan S. Hasan", ["Adnan S. Hasan AHMED"], "person"),
    ("adn", "Adnan AYAD", [], "person"),
    ("mhd", "Mohammad Ali REZAEI", ["Mohammed Ali Rezaei"], "person"),
    ("x11", "11420 Corp", [], "unknown"),
]


def _entities() -> list[Entity]:
    ents = [Entity(id=i, list_name="test", kind=k, name=n, aliases=a, countries=["BY"], listings=[Listing(regime="EU")])
            for i, n, a, k in NAMES]
    # Common words and names, so that some postings are long (cut by share) and weights fall.
    ents += [Entity(id=f"f{i}", list_name="test", kind="organization" if i % 2 else "person",
                    name=f"Trading Company Mohammad {i}" if i % 2 else f"Mohammad Filler{i}ov", countries=["AE"],
                    listings=[Listing(regime="EU")]) for i in range(1500)]
    return ents


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex(_entities())


QUERIES = ["Belaruskali", "JSC Byelaruskaliy", "Hrodna Azot", "Grodno Azott", "Minskiy avtomobilnyy zavod",
           "Lukashenka Aliaksandr", "A. Volfovich", "ADNAN S. HASAN", "Mohamad Ali Rezai", "Trading Company Mohammad 7",
           "Mohammad", "11420 Corp", "11421 Corp", "Volat", "Minsk Wheeled Tractor Plnt", "Zzyzx Qwerty"]


def test_side_is_coverage() -> None:
    """The bound's fast coverage is the very same float as the plain one."""
    rng = random.Random(3)
    for _ in range(2000):
        m = rng.randint(1, 7)
        w = [rng.choice([0.25, 0.3, 0.5, 1.0, rng.random()]) for _ in range(m)]
        c = [rng.choice([0.0, 0.0, 0.9, 0.95, 1.0, rng.random()]) for _ in range(m)]
        long = tuple(rng.random() < 0.7 for _ in range(m))
        pat = rng.choice([None, rng.randrange(m)])
        pairs = rng.randint(0, 3)
        assert index_module._side(w, index_module._total(w), c, pat, long, pairs) == \
            index_module._coverage(w, c, pat, long, pairs)


def test_precomputed_neighbourhoods(index: NameIndex) -> None:
    """Listed keys: the stored neighbourhood and encoded postings are what a query would compute."""
    for key, k in index._kid.items():
        pre = index._near_pre[k]
        if pre is not None:
            assert pre == index._near_of(key, True)
        own = index_module._OWN_CLOSENESS
        near = pre or ((k, own.get(key[0], 1.0)),)
        stored = index._pre_keys[index._pre_off[k]:index._pre_off[k + 1]]
        assert np.array_equal(stored, index._probe_keys(near, False))
        if 4 <= len(key) < index_module.MAX_NEIGHBOUR_LEN and not index_module._special(key):
            entry = index._dels[key]
            assert isinstance(entry, tuple) and entry[0] == k  # found by one lookup


def _plain_shares(index: NameIndex, rep: NameRep, need: float) -> dict[int, list[float]]:
    """Per name, the best closeness per query token, by plain dictionaries (the definition)."""
    sks = rep.skeletons
    n = len(sks)
    probes = [(sk, (i,)) for i, sk in enumerate(sks)]
    probes += [(x + y, (i, i + 1)) for i, (x, y) in enumerate(zip(sks, sks[1:], strict=False))]
    if n > 2:
        probes.append((rep.compact, tuple(range(n))))
    best: dict[int, list[float]] = defaultdict(lambda: [0.0] * n)
    post = index._post.tolist()
    off, common = index._off, index._common

    def add(k: int, c: float, idxs: tuple[int, ...], lone: bool) -> None:
        s, e = off[k], off[k + 1]
        if e - s > common:
            e = s + index._lone_cut[k] if lone else min(e, s + common * 4)
        for ni in post[s:e]:
            for i in idxs:
                best[ni][i] = max(best[ni][i], c)

    for i, cs in enumerate(rep.concepts):
        for con in cs:
            k = index._kid.get("\x01" + con)
            if k is not None:
                add(k, index_module.TRANSLATED_CREDIT, (i,), False)
    for key, idxs in probes:
        for k, c in index._near_of(key, len(idxs) <= 2):
            add(k, c, idxs, n == 1)
    weights = [index.weight(sk) for sk in sks]
    return {ni: row for ni, row in best.items() if sum(w * c for w, c in zip(weights, row, strict=True)) >= need}


def _plain_joined_near(index: NameIndex, sk: str) -> dict[int, float]:
    """A joined probe's neighbourhood by its definition: the key itself, listed keys one letter
    longer (one deletion of theirs is the probe) and one letter shorter (one of its deletions)."""
    out: dict[int, float] = {}
    if sk in index._kid:
        out[index._kid[sk]] = 1.0
    n = len(sk)
    if not 4 <= n <= index_module.MAX_NEIGHBOUR_LEN or sk.isdigit():
        return out
    for key, k in index._kid.items():
        if index_module._special(key) or key == sk:
            continue
        if len(key) == n + 1 and 4 <= len(key) <= index_module.MAX_NEIGHBOUR_LEN and not key.isdigit() and \
                sk in index_module._deletions(key):
            out.setdefault(k, index_module._NEAR_LACKS[n])
        elif n >= 5 and len(key) == n - 1 and key in index_module._deletions(sk):
            out.setdefault(k, index_module._NEAR_EDIT[n])
    return out


def test_joined_probe_neighbourhood_is_its_definition(index: NameIndex) -> None:
    """Joined probes (no substitutions) find exactly the keys one letter longer or shorter."""
    rng = random.Random(5)
    keys = list(index._kid)
    probes = [x + y for x, y in zip(keys, keys[1:], strict=False) if not index_module._special(x + y)][:300]
    # Listed keys with a letter added or dropped, so that both directions are found.
    for key in rng.sample([k for k in keys if 5 <= len(k) <= 20 and not index_module._special(k)], 200):
        i = rng.randrange(len(key))
        probes += [key[:i] + key[i + 1:], key[:i] + "a" + key[i:]]
    for sk in probes:
        assert dict(index._near_of(sk, False)) == _plain_joined_near(index, sk), sk


@pytest.mark.parametrize("prefilter", [True, False], ids=["cut", "uncut"])
@pytest.mark.parametrize("small", [0, 10**9], ids=["arrays", "python"])
@pytest.mark.parametrize("query", QUERIES)
def test_shares_match_plain_definition(index: NameIndex, query: str, small: int, prefilter: bool,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Both ways of summing shares (arrays for many posting entries, Python for few), with the
    parts cut to the names that may reach the share or not, give the plain definition."""
    monkeypatch.setattr(index_module, "_SMALL_SHARES", small)
    monkeypatch.setattr(index_module, "_PREFILTER", prefilter)
    rep = parse_name(query)
    weights = [index.weight(sk) for sk in rep.skeletons]
    for floor in (0.6, 0.8):
        need = max(0.0, 2 * floor - 1.0 - 0.05) * (sum(weights) or 1.0) - 1e-9
        names, rows, _, _ = index._shares(rep, weights, need)
        assert names == sorted(names)
        assert dict(zip(names, rows, strict=True)) == _plain_shares(index, rep, need)


def test_candidates_are_ordered_and_capped(index: NameIndex) -> None:
    rep = parse_name("Mohammad Trading")
    cands = index._candidates(rep, 0.8, token_weights(rep, index.weight, False), token_weights(rep, index.weight, True))
    assert len(cands) <= index_module.MAX_CANDIDATES
    assert cands == sorted(cands, key=lambda t: (-t[0], t[1]))


def test_low_threshold_finds_names(index: NameIndex) -> None:
    """A threshold at or below 0.525 needs no share at all: every name near a query token is a
    candidate (before, no token set was 'minimal' then and nothing was found)."""
    assert index.search("Belaruskali", threshold=0.5)[0].entity_id == "bk"
    assert index.search("Grodno Azot", threshold=0.4)[0].entity_id == "ga"


def test_person_kind_skips_organisations(index: NameIndex) -> None:
    assert all(m.entity_id != "bk" for m in index.search("Belaruskali", kind="person", threshold=0.5))
    assert index.search("Lukashenka Aliaksandr", kind="person")[0].entity_id == "luk"


def test_same_results_after_pickling(index: NameIndex) -> None:
    """The index travels to Dask workers pickled: the copy answers the same."""
    copy = pickle.loads(pickle.dumps(index))
    for q in QUERIES:
        assert [m.model_dump() for m in copy.search(q, country="BY", limit=10)] == \
            [m.model_dump() for m in index.search(q, country="BY", limit=10)]


@pytest.mark.parametrize("query", QUERIES)
def test_vector_bounds_are_the_loop_bounds(index: NameIndex, query: str) -> None:
    """Many candidates get their bounds as arrays: the very same floats as the loop."""
    rep = parse_name(query)
    weights = [index.weight(sk) for sk in rep.skeletons]
    names, rows, qnear, _ = index._shares(rep, weights, -1e-9)
    if not names:
        return
    from compliance.names.score import _patronymic_index

    args = (token_weights(rep, index.weight, False), token_weights(rep, index.weight, True),
            _patronymic_index(rep.skeletons), index_module._long_tokens(rep.skeletons), qnear, any(rep.concepts))
    assert index._bounds_np(names, rows, *args) == index._bounds_py(names, rows, *args)


def test_vector_bounds_with_wide_names() -> None:
    long_name = " ".join(f"Word{i}x" for i in range(20)) + " Belaruskali"
    ents = _entities() + [Entity(id="wide", list_name="test", kind="organization", name=long_name, countries=["BY"],
                                 listings=[Listing(regime="EU")])]
    idx = NameIndex(ents)
    rep = parse_name("Belaruskali Word3x Word4x")
    weights = [idx.weight(sk) for sk in rep.skeletons]
    names, rows, qnear, _ = idx._shares(rep, weights, -1e-9)
    assert any(idx._p_wide[ni] for ni in names)
    from compliance.names.score import _patronymic_index

    args = (token_weights(rep, idx.weight, False), token_weights(rep, idx.weight, True),
            _patronymic_index(rep.skeletons), index_module._long_tokens(rep.skeletons), qnear, any(rep.concepts))
    assert idx._bounds_np(names, rows, *args) == idx._bounds_py(names, rows, *args)


def test_listed_persons_keep_short_legal_form_words_as_name_parts() -> None:
    # "Se" is also the legal form SE: a listed person's name keeps it, as similarity(kind=person) does.
    ents = [Entity(id="p", list_name="test", kind="person", name="SE BONG PAEK", listings=[Listing(regime="UN")]),
            Entity(id="o", list_name="test", kind="organization", name="BONG PAEK SE", listings=[Listing(regime="UN")])]
    idx = NameIndex(ents)
    (top, *_) = idx.search("Paek Se Bong", kind="person")
    assert top.entity_id == "p" and top.score >= 0.9
    reps = {idx._entities[ei].id: rep for ei, _, rep in idx._names}
    assert reps["p"].tokens == ("se", "bong", "paek") and reps["o"].tokens == ("bong", "paek")


@pytest.mark.parametrize("reverse", [False, True])
def test_names_differing_in_legal_form_words_are_aligned_apart(reverse: bool) -> None:
    """Two listed names alike but for the legal-form words align strips: each gets its own score,
    whichever was loaded first (align reads those words for its legal-form acronym rule)."""
    names = ["REPUBLICAN TRADE UNITARY ENTERPRISE BELSPETSVNESHTECHNIKA", "Belspetsvneshtechnika"]
    if reverse:
        names.reverse()
    idx = NameIndex([Entity(id=str(i), list_name="test", kind="organization", name=n, countries=["BY"],
                            listings=[Listing(regime="EU")]) for i, n in enumerate(names)])
    got = {m.entity_name: m.score for m in idx.search("RTUE BELSPETSVNESHTECHNIKA", threshold=0.5)}
    assert got[names[0]] != got[names[1]]
    assert got["REPUBLICAN TRADE UNITARY ENTERPRISE BELSPETSVNESHTECHNIKA"] == 1.0


@pytest.mark.parametrize(("query", "found"), [
    ("Sato Engineering Kft.", False),  # a company's legal form: no person matched to it
    ("Chato Trading GmbH", False),
    ("El Chato", True),
    ("ИП Чато", True),  # a sole proprietor is a person
])
def test_company_queries_do_not_match_listed_persons(query: str, found: bool) -> None:
    idx = NameIndex([Entity(id="p", list_name="test", kind="person", name="QUINTERO ARCE, Juan Francisco",
                            aliases=["EL CHATO"], countries=["MX"], listings=[Listing(regime="US")])])
    assert bool(idx.search(query, threshold=0.6)) is found


def test_query_cut_at_35_characters_finds_its_entity_at_review() -> None:
    """A customs declaration's 35-character name field cuts a long name inside a word: the index
    finds the listed name it begins, at review level, never block (issue #4)."""
    ents = [Entity(id="belavia", list_name="test", kind="organization",
                   name="OPEN JOINT STOCK COMPANY BELAVIA BELARUSIAN AIRLINES", listings=[Listing(regime="US")]),
            Entity(id="other", list_name="test", kind="organization", name="BELAVIA TOURS LLC",
                   listings=[Listing(regime="US")])]
    res = NameIndex(ents).search("OPEN JOINT STOCK COMPANY BELAVIA BE")
    assert res and res[0].entity_id == "belavia"
    assert 0.8 <= res[0].score < 0.9
    assert "cut at 35" in res[0].explanation


def test_query_with_a_legal_form_spelled_letter_by_letter() -> None:
    """O.A.O. and L.L.C. in a query of unknown kind are legal forms (three letters or more at
    the name's end or start); two letters may be a person's initials and stay so."""
    ents = [Entity(id="naftan", list_name="test", kind="organization", name="NAFTAN OAO", listings=[Listing(regime="US")])]
    index = NameIndex(ents)
    for query in ("NAFTAN O.A.O.", "L.L.C. Naftan", "Naftan 0AO"):
        res = index.search(query)
        assert res and res[0].entity_id == "naftan" and res[0].score >= 0.9, query
    assert parse_name("Ivanov A. O.").skeletons == ("ivanov", "a", "o")
