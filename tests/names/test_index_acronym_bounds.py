"""The bound's acronym credits, read from the postings of the query's acronym keys, against the
plain definition (every candidate's own acronym keys looked up near the query)."""

from __future__ import annotations

import pytest

from compliance.lists.model import Entity, Listing
from compliance.names import NameIndex
from compliance.names import index as index_module
from compliance.names.normalize import parse_name
from compliance.names.score import _patronymic_index, token_weights
from tests.names.test_index import _entities

ORGS = [("gtf", "Grodno Tobacco Factory Neman", []), ("nnk", "Novaya Neftyanaya Kompaniya", ["NNK Trading"]),
        ("boi", "Brest Oblast Executive Committee", ["Brestoblispolkom"]),
        ("bbp", "Belarusian Production and Trade Concern of Timber Woodworking and Pulp and Paper Industry",
         ["Bellesbumprom"])]
QUERIES = ["GTF Neman", "NNK", "Novaya Neftyanaya Kompaniya LLC", "Brestoblispolkom", "BOIK Brest",
           "Kontsern Bellesbumprom", "MZKT Minsk", "Minsk Wheeled Tractor Plant", "Grodno Tobacco Factory",
           "Mohammad Trading Company"]


@pytest.fixture(scope="module")
def index() -> NameIndex:
    ents = _entities() + [Entity(id=i, list_name="test", kind="organization", name=n, aliases=a, countries=["BY"],
                                 listings=[Listing(regime="EU")]) for i, n, a in ORGS]
    return NameIndex(ents)


def _plain_hits(index: NameIndex, names: list[int], qnear: dict[int, float]) -> dict[int, list[tuple[float, tuple[int, ...]]]]:
    out: dict[int, list[tuple[float, tuple[int, ...]]]] = {}
    for ni in names:
        for k, run in index._name_acr[ni]:
            c = qnear.get(k, 0.0)
            if c:
                out.setdefault(ni, []).append((c, run))
    return out


@pytest.mark.parametrize("query", QUERIES)
def test_acronym_hits_are_the_plain_lookups(index: NameIndex, query: str, monkeypatch: pytest.MonkeyPatch) -> None:
    rep = parse_name(query)
    weights = [index.weight(sk) for sk in rep.skeletons]
    names, rows, qnear, acronyms = index._shares(rep, weights, -1e-9, "organization")
    got = index._acronym_hits(names, qnear)
    want = _plain_hits(index, names, qnear)
    assert {k: sorted(v) for k, v in got.items()} == {k: sorted(v) for k, v in want.items()}
    assert bool(got) <= acronyms
    if not names:
        return
    args = (token_weights(rep, index.weight, False), token_weights(rep, index.weight, True),
            _patronymic_index(rep.skeletons), index_module._long_tokens(rep.skeletons), qnear, any(rep.concepts),
            index_module._share_flags(rep.skeletons), True)
    fast_py, fast_np = index._bounds_py(names, rows, *args), index._bounds_np(names, rows, *args)
    monkeypatch.setattr(NameIndex, "_acronym_hits", _plain_hits)
    assert fast_py == index._bounds_py(names, rows, *args)
    assert fast_np == index._bounds_np(names, rows, *args) == fast_py


def test_some_query_has_acronym_hits(index: NameIndex) -> None:
    """The cases above reach the acronym path (not only empty hits)."""
    found = 0
    for query in QUERIES:
        rep = parse_name(query)
        names, _, qnear, _ = index._shares(rep, [index.weight(sk) for sk in rep.skeletons], -1e-9, "organization")
        found += bool(index._acronym_hits(names, qnear))
    assert found >= 3
