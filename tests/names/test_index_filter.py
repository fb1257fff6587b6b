"""The deletion filter of the name index: a fast 'no' for most lookups, never a wrong one."""

from __future__ import annotations

import pickle
import random

import pytest

from compliance.names import NameIndex
from compliance.names import index as index_module
from compliance.names.normalize import parse_name
from tests.names.test_index import QUERIES, _entities


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex(_entities())


def _plain_near(index: NameIndex, sk: str, substitutions: bool) -> tuple[tuple[int, float], ...]:
    """``_near_of`` by its definition: every lookup in the deletion map, no filter."""
    kid, dels = index._kid, index._dels
    out: dict[int, float] = {}
    if sk in kid:
        out[kid[sk]] = 1.0
    n = len(sk)
    if 4 <= n <= index_module.MAX_NEIGHBOUR_LEN and not sk.isdigit():
        near = max(index_module.NEAR_EDIT, 1.0 - 1.0 / (n + 1))
        v = dels.get(sk)
        found = () if v is None else (v,) if isinstance(v, str) else v[1:] if isinstance(v[0], int) else v
        for key in found:
            out.setdefault(kid[key], near)
        if n >= 5:
            near = max(index_module.NEAR_EDIT, 1.0 - 1.0 / n)
            for i in range(n):
                v = dels.get(sk[:i] + sk[i + 1:])
                if v is None:
                    continue
                if isinstance(v, str):
                    if substitutions:
                        out.setdefault(kid[v], near)
                    continue
                if isinstance(v[0], int):
                    out.setdefault(v[0], near)
                if substitutions:
                    for key in v:
                        if isinstance(key, str):
                            out.setdefault(kid[key], near)
    return tuple(out.items())


def _passes(bits: bytes, key: str) -> bool:
    h = hash(key) & (len(bits) * 8 - 1)
    return bool(bits[h >> 3] >> (h & 7) & 1)


def test_filter_keeps_every_deletion(index: NameIndex) -> None:
    assert all(_passes(index._del_bits, d) for d in index._dels)


def test_filter_says_no_to_most_strings(index: NameIndex) -> None:
    rng = random.Random(5)
    probes = ["".join(rng.choice("abcdefhiklmnoprstuvz") for _ in range(rng.randint(5, 14))) for _ in range(2000)]
    unlisted = [p for p in probes if p not in index._dels]
    assert sum(_passes(index._del_bits, p) for p in unlisted) < 0.2 * len(unlisted)


def _typos(sk: str) -> list[str]:
    out = [sk, sk + "a", "a" + sk]
    for i in range(len(sk)):
        out += [sk[:i] + sk[i + 1:], sk[:i] + "x" + sk[i + 1:], sk[:i] + "e" + sk[i:]]
    return out


@pytest.mark.parametrize("query", QUERIES)
def test_near_is_the_plain_definition(index: NameIndex, query: str) -> None:
    sks = parse_name(query).skeletons
    keys = [*sks, *(x + y for x, y in zip(sks, sks[1:], strict=False)), "".join(sks)]
    for key in keys:
        for variant in _typos(key):
            for subst in (True, False):
                assert index._near_of(variant, subst) == _plain_near(index, variant, subst)


def test_unpickled_index_builds_its_own_filter(index: NameIndex) -> None:
    state = index.__getstate__()
    assert "_del_bits" not in state  # seeded per process: never sent
    copy = pickle.loads(pickle.dumps(index))
    assert copy._del_bits == index._del_bits  # same process, same hash seed
    assert all(_passes(copy._del_bits, d) for d in copy._dels)
