"""``align_ceiling`` is never below ``align``'s score, and the index that skips aligning
candidates by it answers exactly as one that aligns them all."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.names import NameIndex
from compliance.names import index as index_module
from compliance.names.ceiling import align_ceiling
from compliance.names.normalize import NameRep, parse_name
from compliance.names.score import align, default_weight, token_weights
from tests.names.test_index import QUERIES, _entities

DATA = Path(__file__).parents[1] / "data"
CASES = Path(__file__).with_name("cases.yaml")


def _assert_ceiling(a: NameRep, b: NameRep) -> None:
    for person in (False, True):
        wa, wb = token_weights(a, default_weight, person), token_weights(b, default_weight, person)
        top = align_ceiling(a, b, person=person, wa=wa, wb=wb)
        score = align(a, b, person=person, wa_pre=wa, wb_pre=wb).score
        assert top >= score, (a.text, b.text, person, top, score)


@pytest.mark.parametrize("source", ["name_pairs.csv", "real_name_pairs.csv", "cases.yaml"])
def test_ceiling_of_labelled_pairs(source: str) -> None:
    if source == "cases.yaml":
        pairs = [(str(c[0]), str(c[1])) for c in yaml.safe_load(CASES.read_text(encoding="utf-8"))]
    else:
        pairs = [(r["a"], r["b"]) for r in csv.DictReader((DATA / source).open(encoding="utf-8"))]
    for x, y in pairs:
        a, b = parse_name(x), parse_name(y)
        _assert_ceiling(a, b)
        _assert_ceiling(b, a)


# Words that take align's other paths: readings (ch, ou, z), given names and patronymics,
# translations, acronyms and their letters, split and joined forms, numbers, stop words.
WORDS = ["Belaruskali", "Belarus", "Kali", "BK", "Grodno", "Hrodna", "Azot", "GrodnoAzot", "Minsk", "Minskii",
         "Zavod", "Plant", "Works", "Tractor", "MTZ", "Loukachenko", "Lukashenka", "Aleksandr", "Aliaksandr",
         "Alexandra", "Grigorievich", "Ryhoravich", "Ivanova", "Ivanov", "Sajaz", "Zaiats", "Choigou", "Shoigu",
         "A.", "V", "de", "of", "the", "al", "11420", "11421", "Trading", "House", "Group", "Neman", "GTF",
         "Tobacco", "Factory", "Jia", "Sibo", "Jiasibo", "Haddad", "Adel", "Haddadadel", "Kovalevskaia",
         "Kovalevskii", "Khadem", "Kahdem", "Shevchenko", "Savchenko", "Bank", "VTB", "NNK", "Novaya",
         "Neftyanaya", "Kompaniya", "Oil", "New", "Company"]
NAME = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(NAME, NAME)
def test_ceiling_of_generated_names(x: str, y: str) -> None:
    _assert_ceiling(parse_name(x), parse_name(y))


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex(_entities())


@pytest.mark.parametrize("query", QUERIES + ["Lukashenko Alexander", "Grodno Azot Trading", "Mohammad 7",
                                             "Trading Company", "Belaruskali Minsk", "Volfovich"])
def test_search_as_if_every_candidate_were_aligned(index: NameIndex, query: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Same results, scores, names and explanations as aligning every candidate (a ceiling of
    1.0 never skips one); limits small enough for the early stop and the pending candidates."""
    got = [[m.model_dump() for m in index.search(query, country=c, limit=lim, threshold=th)]
           for c in (None, "BY", "AE") for lim in (1, 2, 5) for th in (None, 0.6, 0.4)]
    monkeypatch.setattr(index_module, "align_ceiling", lambda *a, **k: 1.0)
    want = [[m.model_dump() for m in index.search(query, country=c, limit=lim, threshold=th)]
            for c in (None, "BY", "AE") for lim in (1, 2, 5) for th in (None, 0.6, 0.4)]
    assert got == want
