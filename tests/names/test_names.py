"""Name matcher: readable cases, calibration on tests/data/name_pairs.csv, index behaviour."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import pytest
import yaml

from compliance.lists.model import Entity, Listing
from compliance.names import (
    BLOCK_THRESHOLD,
    COUNTRY_MATCH_BONUS,
    REVIEW_THRESHOLD,
    NameIndex,
    normalize_name,
    similarity,
)
from compliance.names.normalize import parse_name
from compliance.names.score import align, explain

HERE = Path(__file__).parent
CASES = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))
SPELLINGS = yaml.safe_load((HERE / "spelling_cases.yaml").read_text(encoding="utf-8"))
NORMAL_FORMS = yaml.safe_load((HERE / "normal_form_cases.yaml").read_text(encoding="utf-8"))
PAIRS = Path(__file__).parents[1] / "data" / "name_pairs.csv"


def _band(score: float) -> str:
    return "block" if score >= BLOCK_THRESHOLD else "review" if score >= REVIEW_THRESHOLD else "none"


@pytest.mark.parametrize(("a", "b", "kind", "expect"), CASES, ids=[f"{c[0]}|{c[1]}" for c in CASES])
def test_case(a: str, b: str, kind: str, expect: str) -> None:
    score = similarity(a, b, kind)
    assert _band(score) == expect, f"{a!r} vs {b!r}: {score:.3f}"


@pytest.mark.parametrize(("a", "b", "kind", "expect"), CASES, ids=[f"{c[0]}|{c[1]}" for c in CASES])
def test_symmetric_and_bounded(a: str, b: str, kind: str, expect: str) -> None:
    s1, s2 = similarity(a, b, kind), similarity(b, a, kind)
    assert s1 == s2
    assert 0.0 <= s1 <= 1.0


@pytest.mark.parametrize(("a", "b", "expect"), SPELLINGS, ids=[f"{c[0]}|{c[1]}" for c in SPELLINGS])
def test_spelling_skeletons(a: str, b: str, expect: str) -> None:
    from compliance.names.normalize import latin_tokens, skeleton

    (ta,), (tb,) = latin_tokens(a), latin_tokens(b)
    assert (skeleton(ta) == skeleton(tb)) == (expect == "same"), (skeleton(ta), skeleton(tb))


@pytest.mark.parametrize(("name", "normal", "kind"), [(*c, None)[:3] for c in NORMAL_FORMS],
                         ids=[f"{c[0]}|{c[2] if len(c) > 2 else '-'}" for c in NORMAL_FORMS])
def test_normal_forms(name: str, normal: str, kind: str | None) -> None:
    assert normalize_name(name, kind) == normal
    if kind is None:
        assert normalize_name(name) == normal  # the default reading is the unknown kind's


def test_normalize_strips_legal_forms_and_transliterates() -> None:
    assert normalize_name("ОАО «Беларуськалий»") == "belaruskaliy"
    assert normalize_name("Sp. z o.o. Polmex") == "polmex"
    assert normalize_name("AO") == "ao"  # a name that is only a legal form keeps it


@functools.cache
def _scored(file: str) -> tuple[tuple[float, bool], ...]:
    rows = list(csv.DictReader(PAIRS.with_name(file).open(encoding="utf-8")))
    assert len(rows) >= 400
    return tuple((similarity(r["a"], r["b"], r["kind"]), r["label"] == "1") for r in rows)


def _prf(file: str, th: float) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``similarity`` at threshold ``th`` on a labelled pair file."""
    scored = _scored(file)
    tp = sum(1 for s, y in scored if s >= th and y)
    fp = sum(1 for s, y in scored if s >= th and not y)
    fn = sum(1 for s, y in scored if s < th and y)
    p, r = tp / (tp + fp), tp / (tp + fn)
    return p, r, 2 * p * r / (p + r)


def test_calibration_f1() -> None:
    """The thresholds give F1 >= 0.95 at review and precision >= 0.98 at block on the pairs."""
    p, r, f1 = _prf(PAIRS.name, REVIEW_THRESHOLD)
    assert f1 >= 0.95, (p, r, f1)
    p_block, _, _ = _prf(PAIRS.name, BLOCK_THRESHOLD)
    assert p_block >= 0.98


def test_real_pairs_quality() -> None:
    """Real list aliases and hard negatives (tests/data/real_name_pairs.csv): recall of aliases
    without losing precision (README "Party screening" gives the numbers)."""
    p, r, f1 = _prf("real_name_pairs.csv", REVIEW_THRESHOLD)
    assert p >= 0.98 and f1 >= 0.87, (p, r)


def test_fresh_pairs_quality() -> None:
    """A held-out set from sources the matcher was not tuned on before (tests/data/
    fresh_name_pairs.csv: UK list vs OFAC spellings, OFAC non-SDN and CSL aliases, hard
    negatives; make_fresh_name_pairs.py): F1 at the review threshold, precision kept."""
    p, r, f1 = _prf("fresh_name_pairs.csv", REVIEW_THRESHOLD)
    assert p >= 0.97 and f1 >= 0.89, (p, r)


def test_euro_pairs_quality() -> None:
    """Russian and Belarusian names as French, Spanish, Italian, Polish, Czech, Lithuanian,
    Latvian, Hungarian, Dutch and Turkish write them, against each other, the Cyrillic and BGN,
    with namesakes and look-alike surnames as negatives (tests/data/euro_name_pairs.csv,
    make_euro_name_pairs.py; issue #4): F1 at the review threshold, precision at block."""
    p, r, f1 = _prf("euro_name_pairs.csv", REVIEW_THRESHOLD)
    assert p >= 0.92 and f1 >= 0.95, (p, r, f1)
    p_block, r_block, _ = _prf("euro_name_pairs.csv", BLOCK_THRESHOLD)
    assert p_block >= 0.98 and r_block >= 0.95, (p_block, r_block)


def test_spell_pairs_quality() -> None:
    """Real Belarus parties (reference section 8, OpenSanctions, OFAC Belarus programs) in BGN,
    ICAO, ISO 9, GOST 7.79 B, Belarusian 2007, Łacinka, German, French, Polish and Lithuanian
    spellings, legal forms, initials and typos, with namesakes, other patronymics and same-stem
    surnames as negatives (tests/data/spell_name_pairs.csv, make_spell_name_pairs.py; names
    wave 3: measured 0.959 at review before any rule was written from it)."""
    p, r, f1 = _prf("spell_name_pairs.csv", REVIEW_THRESHOLD)
    assert p >= 0.99 and f1 >= 0.97, (p, r, f1)
    p_block, _, _ = _prf("spell_name_pairs.csv", BLOCK_THRESHOLD)
    assert p_block >= 0.995, p_block


def _entity(id: str, name: str, aliases: list[str], kind: str = "organization", countries: list[str] | None = None) -> Entity:
    return Entity(id=id, list_name="test", kind=kind, name=name, aliases=aliases, countries=countries or ["BY"],
                  listings=[Listing(regime="EU")])


@pytest.fixture(scope="module")
def index() -> NameIndex:
    ents = [
        _entity("bk", "Belaruskali OAO", ["ОАО «Беларуськалий»"]),
        _entity("ga", "Grodno Azot OAO", ["ААТ «Гродна Азот»"]),
        _entity("mzkt", "Minsk Wheeled Tractor Plant (MZKT)", ["Volat"]),
        _entity("luk", "Alexander Grigoryevich LUKASHENKO", ["Аляксандр Рыгоравіч Лукашэнка"], kind="person"),
        _entity("ua", "Agrorozkvit LLC", [], countries=["UA"]),
    ]
    ents += [_entity(f"f{i}", f"Filler Trading Company {i}", []) for i in range(200)]
    return NameIndex(ents)


def test_index_finds_variants_and_explains(index: NameIndex) -> None:
    m = index.search("JSC Byelaruskaliy", country="BY")
    assert m and m[0].entity_id == "bk" and m[0].score >= BLOCK_THRESHOLD
    assert "legal forms" in m[0].explanation and "same country" in m[0].explanation
    assert index.search("Belaruskali")[0].entity_id == "bk"
    assert index.search("Hrodna Azot")[0].entity_id == "ga"
    assert index.search("Minsk Wheeled Tractor Plant")[0].entity_id == "mzkt"
    assert index.search("Lukashenka Aliaksandr")[0].entity_id == "luk"


def test_index_country_evidence(index: NameIndex) -> None:
    same = index.search("Agrorozkvit", country="UA")[0].score
    other = index.search("Agrorozkvit", country="DE")[0].score
    assert same > other


def test_index_generic_words_do_not_match(index: NameIndex) -> None:
    assert index.search("Minsk Trading LLC") == []
    assert index.search("Trading Company") == []
    assert index.search("") == []
    assert index.search("!!!") == []


def test_search_many_scores_each_name_once(index: NameIndex) -> None:
    out = index.search_many([("Belaruskali", "BY"), ("Belaruskali", "BY"), ("Nobody GmbH", "DE")])
    assert set(out) == {("Belaruskali", "BY"), ("Nobody GmbH", "DE")}


def test_translated_words_match_and_say_so(index: NameIndex) -> None:
    assert similarity("Minsk Tractor Works", "Минский тракторный завод") >= REVIEW_THRESHOLD
    assert similarity("Minsk Automobile Plant", "Minski Avtomobilnyi Zavod") >= REVIEW_THRESHOLD
    # English synonyms are not translations of each other: MTZ is not MZKT.
    assert similarity("Minsk Tractor Works", "Minsk Wheeled Tractor Plant") < REVIEW_THRESHOLD
    m = index.search("Minskiy Zavod Kolesnykh Tyagachey")
    assert m and m[0].entity_id == "mzkt"
    assert any(d.get("how") == "translated" for d in m[0].details)
    # A translated generic word alone is no match.
    assert similarity("Zavod", "Plant") < REVIEW_THRESHOLD


def test_query_alternatives(index: NameIndex) -> None:
    m = index.search("Some Unknown Name a.k.a. Belaruskali")
    assert m and m[0].entity_id == "bk" and "alternative 'Belaruskali'" in m[0].explanation
    assert index.search("JSC Nothing Here (ОАО Беларуськалий)")[0].entity_id == "bk"
    assert index.search("Nothing Here / Grodno Azot")[0].entity_id == "ga"
    assert similarity("Other Corp (formerly Belaruskali)", "Belaruskali OAO") >= BLOCK_THRESHOLD


def test_split_variants_keeps_legal_parentheses() -> None:
    from compliance.names.normalize import split_variants

    assert split_variants("Foo (Pty) Ltd", query=True) == ["Foo (Pty) Ltd"]
    assert split_variants("Beta (Private) Limited", query=True) == ["Beta (Private) Limited"]
    assert split_variants("Alpha, also known as Beta", query=True) == ["Alpha, also known as Beta", "Alpha", "Beta"]
    assert split_variants("Alsotech Ltd", query=True) == ["Alsotech Ltd"]


def test_hostile_queries_are_bounded(index: NameIndex) -> None:
    """An 800 KB token, a 10k-word name: a clear (empty or capped) result, quickly, no blow-up."""
    assert index.search("a" * 800_000) == []
    assert index.search(" ".join(f"word{i}" for i in range(10_000))) == []
    long_query = "Belaruskali " + " ".join(f"w{i}" for i in range(5_000))
    assert similarity(long_query, "Belaruskali") < REVIEW_THRESHOLD
    m = index.search("Belaruskali " + "x" * 5_000)
    assert m == [] or "query too long" in m[0].explanation


def test_query_caches_are_bounded(index: NameIndex) -> None:
    from compliance.names import index as index_module

    for i in range(300):
        index.search(f"Zzyzx{i} Qwerty{i}")
    assert len(index._near_cache) <= index_module._NEAR_CACHE_MAX
    assert len(index._weight_cache) <= len(index._df)


def test_acronym_and_split_explained_as_one_item() -> None:
    from compliance.names.normalize import parse_name
    from compliance.names.score import align, explain

    a, b = parse_name("GTF Neman"), parse_name("OAO Grodno Tobacco Factory Neman")
    text, details = explain(a, b, align(a, b, person=False))
    assert "'gtf'~'grodno tobacco factory' (acronym)" in text
    assert {"token": "gtf", "matched": "grodno tobacco factory", "how": "acronym", "credit": 0.9} in details
    a, b = parse_name("Shenzhen Jiasibo Technology"), parse_name("Shenzhen Jia Sibo Technology")
    text, _ = explain(a, b, align(a, b, person=False))
    assert "'jiasibo'~'jia sibo' (split)" in text
    a, b = parse_name("Novogorsk Real Estate LLC"), parse_name("OOO Novogorsk Nedvizhimost")
    text, _ = explain(a, b, align(a, b, person=False))
    assert "'real estate'~'nedvizhimost' (translated)" in text


def test_weak_acronym_needs_support() -> None:
    """An acronym mostly of filler words (STC / Song Trading Company) is below review alone; the
    same country (the index's bonus) lifts it to review, and the explanation says why."""
    weak = similarity("STC", "Song Trading Company")
    assert weak < REVIEW_THRESHOLD <= weak + COUNTRY_MATCH_BONUS < BLOCK_THRESHOLD
    rep_a, rep_b = parse_name("STC"), parse_name("Song Trading Company")
    text, _ = explain(rep_a, rep_b, align(rep_a, rep_b, person=False))
    assert "filler words" in text
    # Two letters of words that tell firms apart: the acronym is the name (review).
    assert REVIEW_THRESHOLD <= similarity("GTF", "Grodno Tobacco Factory") < BLOCK_THRESHOLD


def test_person_reading_keeps_short_legal_words() -> None:
    """A person's name keeps its short legal-form words (Kim Se: Se is a syllable), an
    organisation's loses them; the parse is cached per reading and shared when equal."""
    assert parse_name("Kim Se", True).tokens == ("kim", "se")
    assert parse_name("Kim Se").tokens == ("kim",)
    assert parse_name("Kim Se", False).tokens == ("kim",)
    assert parse_name("Nord LLC Trading", True).tokens == ("nord", "trading")  # never a name part
    assert parse_name("Kim OOO Bong", True).tokens == ("kim", "bong")
    assert parse_name("Kim Jong Un", True) is parse_name("Kim Jong Un")
    assert parse_name("Paek Se Bong", False).tokens == ("paek", "bong")


def test_doc_pairs_quality() -> None:
    """OFAC SDN Belarus names as customs declarations and ERPs write them: cut at 35 characters,
    legal forms moved, translated or mistyped, initials, Belarusian / Russian / Polish /
    Lithuanian forms; namesakes, look-alike firms, other numbers and other regions as negatives
    (tests/data/doc_name_pairs.csv, make_doc_name_pairs.py; issue #4). Held out: F1 0.931 at
    review before its rules were written."""
    p, r, f1 = _prf("doc_name_pairs.csv", REVIEW_THRESHOLD)
    assert p >= 0.98 and f1 >= 0.96, (p, r, f1)
    p_block, _, _ = _prf("doc_name_pairs.csv", BLOCK_THRESHOLD)
    assert p_block >= 0.98, p_block


def test_initials_of_a_name_of_unknown_kind_are_no_legal_form() -> None:
    """L.L.C. and O.A.O. are legal forms written letter by letter in an organisation's name; in a
    name that may be a person's the letters stay initials (Ivanov A. O.: not the legal form AO)."""
    from compliance.names import parse_name

    assert parse_name("NAFTAN O.A.O.", False).ignored == ("oao",)
    assert parse_name("Ivanov A. O.", None).skeletons == ("ivanov", "a", "o")
