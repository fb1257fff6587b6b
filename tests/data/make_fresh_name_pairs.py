"""Generate tests/data/fresh_name_pairs.csv: labelled name pairs from real list data that
make_real_name_pairs.py does not use (a held-out set for the name matcher, issue #4).

Sources (all public-sector data; no OpenSanctions data):
- the UK Sanctions List summary (FCDO, 11 Aug 2025, OGL v3), uk/FCDO_SL_Mon_Aug_11_2025.ods;
- the OFAC consolidated non-SDN list (2025-12), cons_prim.csv + cons_alt.csv;
- the US Consolidated Screening List selection (2025-06), alt_names;
- the OFAC SDN list (2024-05) only as the other side of UK names (cross-list pairs).

Positives (label 1):
- ``uk_ofac_person``: one person as the UK list writes the name (Belarusian-style
  romanisation often: Sheiman Viktar Uladzimiravich) and as OFAC writes it (SHEIMAN, Viktor
  Vladimirovich). Linked when exactly one person on each side has a surname and a given name
  alike (difflib ratio, loose: not our matcher) and, when both give one, a patronymic alike;
  Belarus and Russia regimes / programs only.
- ``uk_group``: two names of one OFSI Group ID in the UK list.
- ``cons_aka`` / ``cons_fka``: an OFAC non-SDN primary name and one of its aka / fka names
  (Russian transliterated legal forms, translations, acronyms; fka are former names).
- ``csl_alt``: a CSL name and one of its alt_names.
Negatives (label 0), different entities whose names share something:
- ``neg_surname``: persons of one list (UK, or OFAC non-SDN) with the same surname;
- ``neg_cross_surname``: a UK person and an OFAC person linked to someone else, same surname;
- ``neg_shared_word``: organisations of one list sharing a rare word;
- ``neg_parent``: organisations of one list where one name's words are all in the other's
  (parent and subsidiary, branch, trading arm: Sberbank / Sberbank Leasing).

Pairs identical once case, punctuation and word order are ignored are left out (they tell
nothing about spelling). A pair whose two names share no letter trigram once ASCII-folded is
marked ``unrelated`` in the ``spelling`` column, as in make_real_name_pairs.py.

Deterministic (seeded). Run: python tests/data/make_fresh_name_pairs.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import csv
import difflib
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

from normality import ascii_text

from compliance.lists.formats.uk import _ods_rows

HERE = Path(__file__).parent
OUT = HERE / "fresh_name_pairs.csv"
SEED = 20261203


def _rows(path: Path, ncols: int) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8", "replace").replace("\x1a", "")
    return [[("" if c.strip() == "-0-" else c.strip()) for c in row]
            for row in csv.reader(text.splitlines()) if len(row) >= ncols]


def _fold(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (ascii_text(s) or "").lower()).strip()


def _tokens(s: str) -> list[str]:
    return _fold(s).split()


def _trigrams(s: str) -> set[str]:
    return {w[i:i + 3] for w in _tokens(s) for i in range(max(1, len(w) - 2))}


def _spelling(a: str, b: str) -> str:
    return "related" if _trigrams(a) & _trigrams(b) else "unrelated"


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


# Words shared by many unrelated organisations: a shared one of these makes no hard negative.
_COMMON = set("""the of and for de la al el company co ltd limited llc inc corp corporation group
international trading trade general bank society organization organisation association
enterprise industrial industries national state services service holding holdings joint stock
open closed public private ojsc jsc oao zao ooo pao cjsc llp plc sa gmbh ag fzco fze republic
liability obshchestvo aktsionernoe ogranichennoi otvetstvennostyu otvetstvennostiu publichnoe
otkrytoe zakrytoe limitada shipping management technology technologies russian russia
federal research institute scientific production plant factory center centre branch
belarus belarusian minsk moscow""".split())


# Legal-form words: two entities whose names differ only in these (Paramount Energy &
# Commodities DMCC / ... SA, Avangard / Avangard JSC) are sister firms no name can tell apart.
_LEGAL = set("""ltd limited llc sa dmcc jsc ao oao ooo zao pao ojsc cjsc pjsc fze fzco fzc fz gmbh inc co
company corp corporation llp plc ag bv nv srl spa joint stock open closed public liability pte pvt
private sarl sas oy ab as kg llc the""".split())


def _undecidable(a: str, b: str) -> bool:
    """Different entities whose names differ only in legal forms or in a bracketed part
    (AL-HARAMAIN (AFGHANISTAN BRANCH) / (THE NETHERLANDS BRANCH)): not a name question."""
    ta, tb = set(_tokens(a)), set(_tokens(b))
    if not (ta ^ tb) - _LEGAL:
        return True
    pa, pb = (set(_tokens(re.sub(r"\([^)]*\)", " ", x))) - _LEGAL for x in (a, b))
    return pa == pb


def _person_parts(name: str, comma: bool) -> tuple[str, str, str] | None:
    """(surname, given, patronymic) of a Russian-style person name: OFAC 'SURNAME, Given
    Patronymic', UK 'Surname Given Patronymic'."""
    if comma:
        if "," not in name:
            return None
        sur, rest = name.split(",", 1)
        st, rt = _tokens(sur), _tokens(rest)
        if len(st) != 1 or not rt:
            return None
        return st[0], rt[0], rt[1] if len(rt) > 1 else ""
    t = _tokens(name)
    if len(t) < 2 or len(t) > 3:
        return None
    return t[0], t[1], t[2] if len(t) > 2 else ""


def _same_person(x: tuple[str, str, str], y: tuple[str, str, str]) -> bool:
    # Loose on purpose (Uladzimir / Vladimir, Siarhei / Sergei, -ou / -ov): the uniqueness of
    # the link on both sides is what makes it one person. Each part alike, and on average more.
    parts = [_ratio(x[0], y[0]), _ratio(x[1], y[1])]
    if x[2] and y[2]:
        parts.append(_ratio(x[2], y[2]))
    if parts[0] < 0.7 or parts[1] < 0.5 or (len(parts) == 3 and parts[2] < 0.7):
        return False  # a patronymic differs least between spellings: Olegovich / Yuryevich differ
    return sum(parts) / len(parts) >= (0.72 if len(parts) == 3 else 0.8)


def main(argv: list[str]) -> int:
    shared = Path(argv[1]) if len(argv) > 1 else HERE.parents[2] / "shared" / "data"
    rng = random.Random(SEED)
    pairs: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()

    def add(a: str, b: str, kind: str, label: int, category: str, note: str) -> bool:
        a, b = " ".join(a.split()), " ".join(b.split())
        key = (min(a, b), max(a, b))
        if not a or not b or key in seen or sorted(_tokens(a)) == sorted(_tokens(b)):
            return False
        seen.add(key)
        pairs.append({"a": a, "b": b, "kind": kind, "label": str(label), "category": category,
                      "spelling": _spelling(a, b), "note": note})
        return True

    # UK list: rows (Unique ID, Group ID, Name, Regime, Type, ...).
    uk_rows = [(r + [""] * 8)[:8] for r in _ods_rows(shared / "uk" / "FCDO_SL_Mon_Aug_11_2025.ods")][1:]
    uk_kind = {"Individual": "person", "Entity": "organization", "Ship": "vessel"}
    uk: dict[str, tuple[str, str, str]] = {}  # group (or unique ID) -> (name, kind, regime)
    uk_names: dict[str, set[str]] = defaultdict(set)
    for uid, group, name, regime, typ, *_ in uk_rows:
        if not name:
            continue
        gid = group or uid
        uk.setdefault(gid, (name, uk_kind.get(typ, "organization"), regime))
        uk_names[gid].add(name)
    for gid in sorted(uk_names):
        names = sorted(uk_names[gid])
        for other in names[1:]:
            add(names[0], other, uk[gid][1], 1, "uk_group", f"OFSI Group ID {gid}")

    # UK persons (Belarus, Russia) and OFAC SDN persons (Belarus, Russia, Ukraine programs).
    sdn = _rows(shared / "ofac" / "sdn_2024-05" / "sdn.csv", 12)
    ofac_people = {r[0]: (r[1], p) for r in sdn if r[2].lower() == "individual" and
                   re.search(r"BELARUS|RUSSIA|UKRAINE", r[3]) and (p := _person_parts(r[1], True))}
    uk_people = {g: (v[0], p) for g, v in uk.items() if v[1] == "person" and v[2] in ("Belarus", "Russia")
                 and (p := _person_parts(v[0], False))}
    by_initial: dict[str, list[str]] = defaultdict(list)
    for e, (_, p) in ofac_people.items():
        by_initial[p[0][:1]].append(e)
    cands: dict[str, list[str]] = defaultdict(list)  # uk group -> ofac ent_nums
    back: dict[str, list[str]] = defaultdict(list)
    for g, (_, p) in uk_people.items():
        for first in {p[0][:1], *("kh" if p[0][:1] == "h" else "h" if p[0][:1] in "gk" else "")}:
            for e in by_initial.get(first, ()):
                if _same_person(p, ofac_people[e][1]):
                    cands[g].append(e)
                    back[e].append(g)
    links = {g: es[0] for g, es in cands.items() if len(es) == 1 and len(back[es[0]]) == 1}
    linked = sorted(links, key=lambda g: (uk[g][2] != "Belarus", g))
    belarus_links = [g for g in linked if uk[g][2] == "Belarus"]
    others = [g for g in linked if uk[g][2] != "Belarus"]
    for g in belarus_links + rng.sample(others, min(len(others), 230)):
        e = links[g]
        add(uk_people[g][0], ofac_people[e][0], "person", 1, "uk_ofac_person",
            f"UK {g} {uk[g][2]}; OFAC {e}")

    # Cross-list hard negatives: a UK person and an OFAC person linked to others, same surname.
    ofac_by_sur: dict[str, list[str]] = defaultdict(list)
    for e in links.values():
        ofac_by_sur[ofac_people[e][1][0]].append(e)
    made = 0
    for g in rng.sample(sorted(links), len(links)):
        if made >= 70:
            break
        sur = ofac_people[links[g]][1][0]
        other = [e for e in ofac_by_sur.get(sur, ()) if e != links[g]]
        if other:
            e = rng.choice(other)
            made += add(uk_people[g][0], ofac_people[e][0], "person", 0, "neg_cross_surname",
                        f"UK {g} is OFAC {links[g]}, not {e}")

    # OFAC consolidated non-SDN: primary names and their aka / fka names.
    cdir = shared / "ofac" / "consolidated_non_sdn_2025-12"
    prim = {r[0]: (r[1], "person" if r[2].lower() == "individual" else "organization", r[3])
            for r in _rows(cdir / "cons_prim.csv", 12)}
    alts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in _rows(cdir / "cons_alt.csv", 4):
        if r[0] in prim and r[2].lower() in ("aka", "fka"):
            alts[(r[0], r[2].lower())].append(r[3])
    for (ent, typ), names in sorted(alts.items()):
        if rng.random() < (0.7 if typ == "fka" else 0.45):
            continue  # a sample (the file stays small); fewer former names, many are no spelling
        for alt in rng.sample(names, 1):
            add(prim[ent][0], alt, prim[ent][1], 1, f"cons_{typ}", f"ent_num {ent}")

    # CSL selection: names and their alt_names.
    with (shared / "csl" / "consolidated_selection_2025-06.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            kind = "person" if r["type"].lower() == "individual" else "organization"
            for alt in (x.strip() for x in r["alt_names"].split(";")):
                add(r["name"], alt, kind, 1, "csl_alt", r["source"].split(" - ")[0])

    # Hard negatives within one list: persons sharing a surname, organisations a rare word,
    # organisations one inside the other.
    def list_negatives(entities: dict[str, tuple[str, str]], source: str, n_sur: int, n_word: int,
                       n_parent: int) -> None:
        by_sur: dict[str, list[str]] = defaultdict(list)
        by_word: dict[str, list[str]] = defaultdict(list)
        for k, (name, kind) in entities.items():
            if kind == "person":
                p = _person_parts(name, "," in name)
                if p and len(p[0]) >= 4:
                    by_sur[p[0]].append(k)
            elif kind == "organization":
                for w in set(_tokens(re.sub(r"\([^)]*\)", " ", name))):
                    if len(w) >= 5 and w not in _COMMON and not w.isdigit():
                        by_word[w].append(k)

        def draw(groups: dict[str, list[str]], n: int, category: str, parent: bool) -> None:
            keys = sorted(k for k, v in groups.items() if 2 <= len(v) <= 30)
            rng.shuffle(keys)
            made = 0
            for key in keys:
                if made >= n:
                    break
                x, y = rng.sample(groups[key], 2)
                a, b = entities[x][0], entities[y][0]
                ta, tb = set(_tokens(a)), set(_tokens(b))
                if (ta <= tb or tb <= ta) != parent or _undecidable(a, b):
                    continue
                made += add(a, b, entities[x][1], 0, category, f"{source} {x} {y}: {key}")

        draw(by_sur, n_sur, "neg_surname", False)
        draw(by_word, n_word, "neg_shared_word", False)
        draw(by_word, n_parent, "neg_parent", True)

    # UK: the Belarus and Russia regimes (most of the list) for the hard negatives.
    list_negatives({g: (v[0], v[1]) for g, v in uk.items() if v[2] in ("Belarus", "Russia")}, "UK", 60, 60, 25)
    list_negatives({e: (v[0], v[1]) for e, v in prim.items()}, "OFAC", 25, 30, 25)

    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["a", "b", "kind", "label", "category", "spelling", "note"])
        w.writeheader()
        w.writerows(pairs)
    pos = sum(p["label"] == "1" for p in pairs)
    print(f"{OUT}: {len(pairs)} pairs ({pos} positive, {len(pairs) - pos} negative)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
