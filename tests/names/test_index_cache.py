"""The name index's result cache: a repeated search answers as a fresh one, and stays bounded."""

from __future__ import annotations

import pytest

from compliance.names import NameIndex
from compliance.names import index as index_module
from tests.names.test_index import QUERIES, _entities


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex(_entities())


def _dumped(matches: list[index_module.NameMatch]) -> list[dict[str, object]]:
    return [m.model_dump() for m in matches]


@pytest.mark.parametrize("query", QUERIES)
def test_repeated_search_is_the_fresh_search(index: NameIndex, query: str) -> None:
    cases: list[tuple[str | None, str | None, int, float | None]] = [
        (None, None, 5, None), ("BY", None, 10, None), (None, None, 5, 0.6), (None, "person", 5, None)]
    for country, kind, limit, threshold in cases:
        first = index.search(query, country=country, kind=kind, limit=limit, threshold=threshold)
        again = index.search(query, country=country, kind=kind, limit=limit, threshold=threshold)
        fresh = index._search(query, country=country, kind=kind, limit=limit, threshold=threshold)
        assert _dumped(again) == _dumped(first) == _dumped(fresh)
        assert again is not first  # a new list: a caller may append to its own


def test_cache_key_tells_the_arguments_apart(index: NameIndex) -> None:
    """Country, kind, limit and threshold change the results: each is its own entry."""
    by = index.search("JSC Byelaruskaliy", country="BY")
    de = index.search("JSC Byelaruskaliy", country="DE")
    assert by[0].score > de[0].score
    assert index.search("Belaruskali", kind="person", threshold=0.5) != index.search("Belaruskali", threshold=0.5)


def test_result_cache_is_bounded(index: NameIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index._results, "maxsize", 50)
    for i in range(120):
        index.search(f"Belaruskali {i}")
    assert len(index._results) <= 50
    # A hostile name is searched, never kept: the cache would hold its text.
    before = len(index._results)
    index.search("Belaruskali " + "x" * (index_module.MAX_QUERY_CHARS + 10))
    assert len(index._results) == before


@pytest.fixture(scope="module")
def uncached() -> NameIndex:
    idx = NameIndex(_entities())
    idx._results.maxsize = 0
    idx._queries.maxsize = 0
    return idx


CUT_QUERY = "Minsk Wheeled Tractor Plant Holding Company"[:35]  # cut by a 35-character field


@pytest.mark.parametrize("query", [*QUERIES, CUT_QUERY])
def test_searches_sharing_a_query_are_fresh_searches(index: NameIndex, uncached: NameIndex, query: str) -> None:
    """One name searched with other countries, limits, thresholds and kinds (candidates and
    alignments kept with the parsed query) answers as an index that keeps nothing."""
    assert len(CUT_QUERY) == 35
    for country, kind, limit, threshold in [(None, None, 5, None), ("BY", None, 10, None), ("AE", None, 3, None),
                                            (None, None, 5, 0.6), ("BY", None, 20, 0.6), (None, "person", 5, None),
                                            (None, None, 50, 0.5), ("DE", None, 5, None)]:
        got = index.search(query, country=country, kind=kind, limit=limit, threshold=threshold)
        want = uncached.search(query, country=country, kind=kind, limit=limit, threshold=threshold)
        assert _dumped(got) == _dumped(want), (country, kind, limit, threshold)
    assert len(uncached._queries) == 0 and len(uncached._results) == 0
