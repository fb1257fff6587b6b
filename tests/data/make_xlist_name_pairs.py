"""Generate tests/data/xlist_name_pairs.csv: one listed party as ANOTHER list writes it (issue #4,
names wave 5; a held-out set: built and labelled before the matcher was run on it).

Independent of the matcher: no ``compliance.names`` import (the UK ODS reader of the list
importer is used only to read the file). Labels come from the data's own links, never from a
similarity score:

Positives (label 1), by ``category``:
- ``ofac_un_person``: an OFAC SDN (2024-05) individual and a UN consolidated list individual
  sharing a passport / national id number, or the same full date of birth and a surname word;
  one pair per entity of each side's main names and of their aliases across the lists.
- ``ofac_un_entity``: an OFAC and a UN organisation linked by one name written identically on
  both lists (after case, punctuation and word order are folded); paired are their OTHER names.
- ``uk_un`` / ``uk_ofac``: the same for the UK Sanctions List (FCDO 2025-08) against the UN list
  (UK rows whose designation source is the UN) and against OFAC (Belarus and Russia regimes
  first); the UK names of one OFSI group against the other list's names.
- ``ftm_ofac``: an OpenSanctions entity (CC BY-NC, tests only) whose ``referents`` name an OFAC
  ent_num: its names in other languages and scripts against the OFAC name.
- ``ofac_version``: one OFAC ent_num whose names in the 2021-07 files differ from the 2024-05 /
  2025-12 ones (re-spelt, re-ordered, renamed).
- derived from listed Belarus and Russia names as a document writes them (``order``,
  ``initials``: patronymic and given name initialised, ``no_patronymic``, ``trademark`` ™ ®,
  ``quotes``, ``legal_form``: another language's legal form or none, ``former``: "X (formerly
  Y)" from an OFAC fka, ``typo``: one letter dropped, doubled or swapped in a long word).
Hard negatives (label 0):
- ``neg_surname``: two persons of the lists with the same surname and another given name;
- ``neg_patronymic``: same surname and given name, another patronymic (namesakes);
- ``neg_gender``: a listed man against the woman's form of his name (Aleksandr / Aleksandra,
  -ovich / -ovna, -ov / -ova): another person;
- ``neg_parent``: two listed organisations where one's distinctive words are all in the other's
  (parent and subsidiary, branch, trading arm);
- ``neg_generic``: two listed organisations sharing only generic words (trading, plant, Minsk);
- ``neg_number``: a listed name with a number against the same name with another number;
- ``neg_group``: two organisations of one group sharing their first word (Gazprom Neft /
  Gazprombank).

``half`` splits by a hash of the entity (both pairs of an entity on one side): improve on
``dev``, report ``held`` apart. Pairs identical once case, punctuation and word order are
folded are left out. Deterministic. Run: python tests/data/make_xlist_name_pairs.py [SHARED]
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from normality import ascii_text

from compliance.lists.formats.uk import _ods_rows

HERE = Path(__file__).parent
OUT = HERE / "xlist_name_pairs.csv"
SEED = 20261204

Pair = tuple[str, str, str, int, str, str, str]  # a, b, kind, label, category, entity key, note


def _fold(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (ascii_text(s) or "").lower()).strip()


def _key(s: str) -> str:
    return " ".join(sorted(_fold(s).split()))


def _rows(path: Path, ncols: int) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8", "replace").replace("\x1a", "")
    return [[("" if c.strip() == "-0-" else c.strip()) for c in row]
            for row in csv.reader(text.splitlines()) if len(row) >= ncols]


_MONTHS = {m: i + 1 for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}


def _ofac_dobs(remarks: str) -> set[str]:
    out = set()
    for d, m, y in re.findall(r"DOB (\d{1,2}) ([A-Z][a-z]{2}) (\d{4})", remarks):
        if m in _MONTHS:
            out.add(f"{y}-{_MONTHS[m]:02d}-{int(d):02d}")
    return out


def _ofac_docs(remarks: str) -> set[str]:
    found = re.findall(r"(?:Passport|National ID No\.|Identification Number|Cedula No\.)\s+([A-Z0-9][A-Z0-9-]{5,})", remarks)
    return {re.sub(r"[^A-Z0-9]", "", d) for d in found}


class Party:
    def __init__(self, src: str, pid: str, kind: str, names: list[str], group: str = "") -> None:
        self.src, self.pid, self.kind, self.names, self.group = src, pid, kind, names, group
        self.dobs: set[str] = set()
        self.docs: set[str] = set()
        self.fka: list[str] = []

    @property
    def key(self) -> str:
        return f"{self.src}:{self.pid}"


def load_ofac(shared: Path) -> dict[str, Party]:
    out: dict[str, Party] = {}
    for r in _rows(shared / "ofac/sdn_2024-05/sdn.csv", 12):
        kind = {"individual": "person", "": "organization"}.get(r[2].lower())
        if kind is None:
            continue
        p = Party("ofac", r[0], kind, [r[1]], r[3])
        p.dobs, p.docs = _ofac_dobs(r[11]), _ofac_docs(r[11])
        out[r[0]] = p
    for r in _rows(shared / "ofac/sdn_2025-12_partial/alt.csv", 4):
        if r[0] in out and r[3]:
            (out[r[0]].fka if r[2].lower() in ("fka", "nka") else out[r[0]].names).append(r[3])
    return out


def load_ofac_2021(shared: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for r in _rows(shared / "ofac/sdn_2021-07/sdn.csv", 12):
        out[r[0]].append(r[1])
    for r in _rows(shared / "ofac/sdn_2021-07/alt.csv", 4):
        if r[2].lower() == "aka":
            out[r[0]].append(r[3])
    return out


def _text(el: ET.Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def load_un(shared: Path) -> dict[str, Party]:
    root = ET.parse(shared / "un/UN_consolidated.xml").getroot()
    out: dict[str, Party] = {}
    for tag, kind in (("INDIVIDUAL", "person"), ("ENTITY", "organization")):
        for el in root.iter(tag):
            main = " ".join(_text(el.find(f)) for f in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"))
            main = re.sub(r"\s+", " ", main).strip()
            if not main:
                continue
            names = [main]
            for al in el.iter(f"{tag}_ALIAS"):
                n = _text(al.find("ALIAS_NAME"))
                if n and _text(al.find("QUALITY")) in ("Good", "a.k.a.", ""):
                    names.append(n)
            p = Party("un", _text(el.find("REFERENCE_NUMBER")) or _text(el.find("DATAID")), kind, names,
                      _text(el.find("UN_LIST_TYPE")))
            for d in el.iter("INDIVIDUAL_DATE_OF_BIRTH"):
                if _text(d.find("DATE")):
                    p.dobs.add(_text(d.find("DATE"))[:10])
            for d in el.iter("INDIVIDUAL_DOCUMENT"):
                n = re.sub(r"[^A-Z0-9]", "", _text(d.find("NUMBER")).upper())
                if len(n) >= 6:
                    p.docs.add(n)
            out[p.pid] = p
    return out


def load_uk(shared: Path) -> dict[str, Party]:
    out: dict[str, Party] = {}
    rows = list(_ods_rows(shared / "uk/FCDO_SL_Mon_Aug_11_2025.ods"))
    head = rows[0]
    ix = {h: i for i, h in enumerate(head)}
    for r in rows[1:]:
        if len(r) < len(head):
            continue
        kind = {"Individual": "person", "Entity": "organization"}.get(r[ix["Type"]])
        gid = r[ix["OFSI Group ID"]]
        if kind is None or not gid:
            continue
        p = out.setdefault(gid, Party("uk", gid, kind, [], r[ix["Regime Name"]] + "|" + r[ix["Designation source"]]))
        if r[ix["Name"]] not in p.names:
            p.names.append(r[ix["Name"]])
    return out


def _surname(name: str, src: str) -> str:
    """The surname of a person as the list writes it: OFAC and UK 'SURNAME, Given', UN given first."""
    if "," in name:
        return _fold(name.split(",")[0])
    words = _fold(name).split()
    if src == "uk":  # UK summary rows: SURNAME Given Patronymic
        return words[0] if words else ""
    return words[-1] if words else ""


def _given(name: str, src: str) -> list[str]:
    if "," in name:
        return _fold(name.split(",", 1)[1]).split()
    words = _fold(name).split()
    return words[1:] if src == "uk" else words[:-1]


def _trigrams(s: str) -> set[str]:
    return {w[i:i + 3] for w in _fold(s).split() for i in range(max(1, len(w) - 2))}


def _spelling(a: str, b: str) -> str:
    return "related" if _trigrams(a) & _trigrams(b) else "unrelated"


def _pairs_between(p: Party, q: Party, cat: str, rng: random.Random, limit: int = 3) -> list[Pair]:
    """Cross pairs of two linked parties' names, none identical once folded: the two main names
    first, then other names sharing a letter trigram (spellings), at most one sharing none (a
    pseudonym or former name: the lists link it, no spelling rule can)."""
    keys_q = {_key(n) for n in q.names}
    cands = [(a, b) for a in p.names for b in q.names
             if _key(a) != _key(b) and _key(a) not in keys_q and 2 <= len(_fold(a)) and 2 <= len(_fold(b))]
    rng.shuffle(cands)
    main = (p.names[0], q.names[0])
    related = [c for c in cands if _spelling(*c) == "related" and c != main]
    unrelated = [c for c in cands if _spelling(*c) == "unrelated" and c != main]
    chosen = ([main] if main in cands else []) + related
    if unrelated and rng.random() < 0.3:
        chosen.insert(1, unrelated[0])
    return [(a, b, p.kind, 1, cat, p.key, f"{p.key} = {q.key}") for a, b in chosen[:limit]]


_GENERIC = set("""the of and for de la al el company co ltd limited llc inc corp corporation group holding holdings
trading trade international industrial industries enterprise enterprises general national state
joint stock open closed public private society plant factory works production service services
center centre research scientific institute bank fund minsk belarus belarusian russia russian
republic republican unitary oao ooo zao pao ao jsc ojsc cjsc pjsc gmbh sa fze fzco lp llp
shipping marine energy oil gas petroleum technology technologies engineering development
management investment investments export import systems system and joint venture commercial
production association scientific ministry department office branch""".split())


def _distinct(name: str) -> set[str]:
    return {w for w in _fold(name).split() if w not in _GENERIC and len(w) > 2 and not w.isdigit()}


def link_ofac_un(ofac: dict[str, Party], un: dict[str, Party], rng: random.Random) -> list[Pair]:
    out: list[Pair] = []
    by_doc: dict[str, list[Party]] = defaultdict(list)
    by_dob: dict[str, list[Party]] = defaultdict(list)
    by_name: dict[str, list[Party]] = defaultdict(list)
    for p in ofac.values():
        for d in p.docs:
            by_doc[d].append(p)
        for d in p.dobs:
            by_dob[d].append(p)
        for n in p.names:
            by_name[_key(n)].append(p)
    seen: set[tuple[str, str]] = set()
    for u in un.values():
        linked: list[Party] = []
        if u.kind == "person":
            for d in u.docs:
                linked += [p for p in by_doc.get(d, []) if p.kind == "person"]
            if not linked:
                for d in u.dobs:
                    for p in by_dob.get(d, []):
                        sur_u = {_surname(n, "un") for n in u.names} | set(_fold(u.names[0]).split())
                        if p.kind == "person" and any(_surname(n, "ofac") in sur_u for n in p.names):
                            linked.append(p)
        else:
            for n in u.names:
                hits = [p for p in by_name.get(_key(n), []) if p.kind == "organization"]
                if len(_fold(n)) >= 8 and len({p.pid for p in hits}) == 1:
                    linked += hits
        ids = {p.pid for p in linked}
        if len(ids) != 1:
            continue
        p = linked[0]
        if (p.pid, u.pid) in seen:
            continue
        seen.add((p.pid, u.pid))
        out += _pairs_between(u, p, "ofac_un_person" if u.kind == "person" else "ofac_un_entity", rng, limit=2)
    return out


def link_uk(uk: dict[str, Party], other: dict[str, Party], cat: str, want, rng: random.Random,
            limit: int = 3) -> list[Pair]:
    """UK groups linked to another list's party by one identical folded name (unique both ways)."""
    by_name: dict[str, set[str]] = defaultdict(set)
    for p in other.values():
        for n in p.names:
            by_name[_key(n)].add(p.pid)
    uk_by_name: dict[str, set[str]] = defaultdict(set)
    for g in uk.values():
        for n in g.names:
            uk_by_name[_key(n)].add(g.pid)
    out: list[Pair] = []
    for g in uk.values():
        if not want(g):
            continue
        ids: set[str] = set()
        for n in g.names:
            k = _key(n)
            if len(k) >= 8 and len(by_name.get(k, ())) == 1 and len(uk_by_name[k]) == 1:
                ids |= by_name[k]
        if len(ids) != 1:
            continue
        p = other[ids.pop()]
        if p.kind != g.kind:
            continue
        out += _pairs_between(g, p, cat, rng, limit)
    return out


def link_ftm(shared: Path, ofac: dict[str, Party]) -> list[Pair]:
    out: list[Pair] = []
    for line in (shared / "opensanctions/yente_t1_entities.ftm.json").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        e = json.loads(line)
        refs = [r.split("-", 1)[1] for r in e.get("referents", []) if r.startswith("ofac-")]
        if not refs or refs[0] not in ofac:
            continue
        p = ofac[refs[0]]
        names = e["properties"].get("name", [])
        kind = "person" if e["schema"] == "Person" else "organization"
        for n in names:
            if _key(n) not in {_key(m) for m in p.names}:
                out.append((n, p.names[0], kind, 1, "ftm_ofac", p.key, f"OpenSanctions {e['id']} (CC BY-NC) = {p.key}"))
    return out


def link_versions(ofac: dict[str, Party], old: dict[str, list[str]], rng: random.Random) -> list[Pair]:
    out: list[Pair] = []
    for pid, names in old.items():
        p = ofac.get(pid)
        if p is None:
            continue
        new_keys = {_key(n) for n in p.names}
        if not any(_spelling(names[0], m) == "related" for m in p.names):
            continue  # the number may name another entity in the old file
        for n in names:
            if _key(n) not in new_keys and len(_fold(n)) >= 4:
                out.append((n, p.names[0], p.kind, 1, "ofac_version", p.key, f"{p.key} in the 2021-07 files"))
                break
    rng.shuffle(out)
    return out


# ---- derived: a listed Belarus / Russia name as a document writes it ---------------------------

_FEMALE_GIVEN = {"aleksandr": "Aleksandra", "alexander": "Alexandra", "aliaksandr": "Aliaksandra",
                 "alyaksandr": "Alyaksandra", "yevgeniy": "Yevgeniya", "evgeny": "Evgeniya", "evgeniy": "Evgeniya",
                 "valeriy": "Valeriya", "valery": "Valeriya", "viktor": "Viktoriya", "viktar": "Viktoryia",
                 "vladislav": "Vladislava", "yaroslav": "Yaroslava", "stanislav": "Stanislava",
                 "ivan": "Ivanna", "yuliy": "Yuliya", "vitaliy": "Vitaliya", "vladimir": "Vladimira"}


def _female_patronymic(w: str) -> str | None:
    for m, f in (("ovitch", "ovna"), ("evitch", "evna"), ("ovich", "ovna"), ("evich", "evna"), ("avich", "auna"),
                 ("ich", "ichna")):
        if w.lower().endswith(m):
            return w[: -len(m)] + (f if w[-1].islower() else f.upper())
    return None


def _female_surname(w: str) -> str | None:
    lw = w.lower()
    for m, f in (("ov", "ova"), ("ev", "eva"), ("in", "ina"), ("sky", "skaya"), ("skiy", "skaya"), ("ski", "skaya")):
        if lw.endswith(m):
            return w[: -len(m)] + (f.upper() if w.isupper() else f)
    return None


_LEGAL = {
    "OPEN JOINT STOCK COMPANY": ["OAO", "OJSC", "Otkrytoe Aktsionernoe Obshchestvo", "AAT", "JSC", ""],
    "JOINT STOCK COMPANY": ["AO", "JSC", "Aktsionernoe Obshchestvo", "AG", "SA", ""],
    "OAO": ["OJSC", "Open Joint Stock Company", "JSC", ""],
    "OJSC": ["OAO", "Open Joint-Stock Company", ""],
    "JSC": ["AO", "Joint-Stock Company", "AS", ""],
    "LIMITED LIABILITY COMPANY": ["OOO", "LLC", "TOO", "Ltd", "GmbH", "Sp. z o.o.", "SIA", "UAB", ""],
    "LLC": ["OOO", "Limited Liability Company", "TOV", "Ltd", ""],
    "OOO": ["LLC", "Limited Liability Company", "TAA", ""],
    "CLOSED JOINT STOCK COMPANY": ["ZAO", "CJSC", "ZAT", ""],
    "PUBLIC JOINT STOCK COMPANY": ["PAO", "PJSC", "Publichnoe Aktsionernoe Obshchestvo", ""],
    "PJSC": ["PAO", "Public Joint Stock Company", ""],
    "REPUBLICAN UNITARY ENTERPRISE": ["RUP", "RUE", "Respublikanskoe Unitarnoe Predpriyatie", ""],
    "UNITARY ENTERPRISE": ["UP", "UE", ""],
}
_LEGAL_RE = re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(_LEGAL, key=len, reverse=True)) + r")\b", re.I)


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(("drop", "double", "swap"))
    if op == "drop":
        return word[:i] + word[i + 1:]
    if op == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]


def _person_parts(name: str) -> tuple[str, list[str]] | None:
    if "," not in name:
        return None
    sur, rest = name.split(",", 1)
    given = rest.split()
    if not sur.strip() or not given:
        return None
    return sur.strip(), given


def derived(ofac: dict[str, Party], rng: random.Random) -> list[Pair]:
    out: list[Pair] = []
    focus = [p for p in ofac.values() if "BELARUS" in p.group or "RUSSIA" in p.group]
    rng.shuffle(focus)
    persons = [p for p in focus if p.kind == "person"]
    orgs = [p for p in focus if p.kind == "organization"]
    for p in persons[:110]:
        parts = _person_parts(p.names[0])
        if parts is None:
            continue
        sur, given = parts
        sur_t = sur.title()
        g = [w.title() for w in given]
        note = f"{p.key} {p.names[0]}"
        choice = rng.random()
        if len(g) >= 2 and choice < 0.35:
            out.append((p.names[0], f"{g[0][0]}. {g[1][0]}. {sur_t}", "person", 1, "initials", p.key, note))
        elif len(g) >= 2 and choice < 0.55:
            out.append((p.names[0], f"{sur_t} {g[0]}", "person", 1, "no_patronymic", p.key, note))
        elif choice < 0.75:
            out.append((p.names[0], " ".join(g) + " " + sur_t, "person", 1, "order", p.key, note))
        else:
            long = max(range(len(g) + 1), key=lambda i: len(([sur_t] + g)[i]))
            words = [sur_t] + g
            if len(words[long]) >= 6:
                words[long] = _typo(words[long], rng)
                out.append((p.names[0], " ".join(words), "person", 1, "typo", p.key, note))
        # the woman's form of the man's name: another person
        fg = _FEMALE_GIVEN.get(g[0].lower())
        if fg and len(out) % 2 == 0:
            fsur = _female_surname(sur_t) or sur_t
            fpat = [_female_patronymic(w) or w for w in g[1:]]
            out.append((p.names[0], " ".join([fg, *fpat, fsur]), "person", 0, "neg_gender", p.key, note))
        elif fg:
            out.append((p.names[0], f"{fg} {sur_t}", "person", 0, "neg_gender", p.key, note))
    for p in orgs[:130]:
        name = p.names[0]
        note = f"{p.key} {name}"
        m = _LEGAL_RE.search(name)
        r = rng.random()
        if m and r < 0.4:
            rep = rng.choice(_LEGAL[m.group(1).upper()])
            new = re.sub(r"\s+", " ", (name[:m.start()] + (rep + " " if rep else "") + name[m.end():]).strip(" ,"))
            if rng.random() < 0.5 and rep:  # the form moved to the other end
                core = re.sub(r"\s+", " ", (name[:m.start()] + name[m.end():]).strip(" ,"))
                new = f"{core} {rep}" if m.start() == 0 else f"{rep} {core}"
            out.append((name, new, "organization", 1, "legal_form", p.key, note))
        elif r < 0.55:
            core = _LEGAL_RE.sub("", name).strip(" ,")
            out.append((name, f"{core.title()}™" if rng.random() < 0.5 else f"{core}®", "organization", 1,
                        "trademark", p.key, note))
        elif r < 0.7:
            core = re.sub(r"\s+", " ", _LEGAL_RE.sub("", name).strip(" ,"))
            q = rng.choice(("«{}»", "\"{}\"", "“{}”", "'{}'"))
            form = rng.choice([f for f in _LEGAL[m.group(1).upper()] if f]) if m else "OOO"
            # the form abbreviated before the quoted name, as a document types it (often no space)
            quoted = form + rng.choice(("", " ")) + q.format(core.title() if rng.random() < 0.5 else core)
            out.append((name, quoted, "organization", 1, "quotes", p.key, note))
        elif r < 0.82 and p.fka:
            out.append((p.names[0], f"{rng.choice(p.names)} (formerly {p.fka[0]})", "organization", 1, "former",
                        p.key, note))
        else:
            words = name.split()
            longest = max(range(len(words)), key=lambda i: len(words[i]))
            if len(words[longest]) >= 7:
                words[longest] = _typo(words[longest], rng)
                out.append((name, " ".join(words), "organization", 1, "typo", p.key, note))
        # a number changed: another plant
        num = re.search(r"\b(\d{1,4})\b", name)
        if num:
            other = str(int(num.group(1)) + rng.choice((1, 2, 10, 100)))
            out.append((name, name[:num.start()] + other + name[num.end():], "organization", 0, "neg_number",
                        p.key, note))
    return out


# ---- hard negatives between listed parties -----------------------------------------------------

def _belru(p: Party) -> bool:
    return any(t in p.group.upper() for t in ("BELARUS", "RUSSIA", "UKRAINE"))


def negatives(parties: list[Party], rng: random.Random, linked: set[frozenset[str]]) -> list[Pair]:
    """Different entities of ONE list (across lists an id gap proves nothing) sharing a surname or
    words; Belarus, Russia and Ukraine programmes first."""
    out: list[Pair] = []
    persons = [p for p in parties if p.kind == "person" and p.src in ("ofac", "uk")]
    persons = sorted(persons, key=lambda p: not _belru(p))
    by_sur: dict[tuple[str, str], list[tuple[Party, str]]] = defaultdict(list)
    for p in persons:
        for n in p.names[:2]:
            s = _surname(n, p.src)
            if len(s) >= 4:
                by_sur[(p.src, s)].append((p, n))
    sur_keys = sorted(by_sur)
    rng.shuffle(sur_keys)
    sur_keys.sort(key=lambda k: not _belru(by_sur[k][0][0]))
    n_sur = n_pat = 0
    for s in sur_keys:
        group = by_sur[s]
        done = False
        for i in range(len(group)):
            for j in range(i + 1, len(group)):
                (p, a), (q, b) = group[i], group[j]
                if p.key == q.key or frozenset((p.key, q.key)) in linked or p.dobs & q.dobs or p.docs & q.docs:
                    continue
                ga, gb = _given(a, p.src), _given(b, q.src)
                if not ga or not gb:
                    continue
                if ga[0] == gb[0]:
                    if (len(ga) >= 2 and len(gb) >= 2 and ga[1][:2] != gb[1][:2] and len(ga[1]) > 2
                            and len(gb[1]) > 2 and n_pat < 60):
                        out.append((a, b, "person", 0, "neg_patronymic", p.key, f"{p.key} / {q.key}"))
                        n_pat += 1
                        done = True
                elif ga[0][:2] != gb[0][:2] and n_sur < 120:
                    out.append((a, b, "person", 0, "neg_surname", p.key, f"{p.key} / {q.key}"))
                    n_sur += 1
                    done = True
                if done:
                    break
            if done:
                break
    orgs = [p for p in parties if p.kind == "organization" and p.src == "ofac"]
    n_par = n_grp = n_gen = 0
    for focus, share in (([p for p in orgs if _belru(p)], 0.7), ([p for p in orgs if not _belru(p)], 1.0)):
        by_word: dict[str, list[Party]] = defaultdict(list)
        for p in focus:
            for w in _distinct(p.names[0]):
                by_word[w].append(p)
        words = sorted(by_word)
        rng.shuffle(words)
        for w in words:
            ps = by_word[w]
            if not 2 <= len(ps) <= 12:
                continue
            done = False
            for i in range(len(ps)):
                for j in range(i + 1, len(ps)):
                    p, q = ps[i], ps[j]
                    if frozenset((p.key, q.key)) in linked:
                        continue
                    a, b = p.names[0], q.names[0]
                    da, db = _distinct(a), _distinct(b)
                    if not da or not db or da == db:
                        continue
                    first_a, first_b = _fold(a).split()[0], _fold(b).split()[0]
                    if (da < db or db < da) and n_par < 80 * share:
                        out.append((a, b, "organization", 0, "neg_parent", p.key, f"{p.key} / {q.key}"))
                        n_par += 1
                        done = True
                    elif first_a == first_b == w and n_grp < 60 * share:
                        out.append((a, b, "organization", 0, "neg_group", p.key, f"{p.key} / {q.key}"))
                        n_grp += 1
                        done = True
                    if done:
                        break
                if done:
                    break
    # shared generic words only: two listed firms of different names with a generic word in common
    focus = [p for p in orgs if _belru(p)]
    gen_words = ("trading", "plant", "minsk", "belarus", "belarusian", "shipping", "energy", "industrial",
                 "zavod", "holding", "group", "engineering", "moscow", "russian")
    for gw in gen_words:
        ps = [p for p in focus if gw in _fold(p.names[0]).split()]
        rng.shuffle(ps)
        for i in range(0, min(len(ps) - 1, 14), 2):
            p, q = ps[i], ps[i + 1]
            if _distinct(p.names[0]) & _distinct(q.names[0]) or n_gen >= 70:
                continue
            out.append((p.names[0], q.names[0], "organization", 0, "neg_generic", p.key, f"{p.key} / {q.key}"))
            n_gen += 1
    return out


def _crude(s: str) -> str:
    """A rough consonant key of a surname (link only, never a label): Lukashenka = Lukashenko."""
    s = _fold(s).replace(" ", "")
    for x, y in (("x", "ks"), ("kh", "h"), ("shch", "sh"), ("ch", "c"), ("ts", "c"), ("zh", "z"), ("dz", "d"), ("w", "v"),
                 ("y", "i"), ("j", "i"), ("g", "h")):
        s = s.replace(x, y)
    s = re.sub(r"(.)\1", r"\1", s)
    return re.sub(r"[aeiou]", "", s)[:5]


def link_uk_ofac_persons(uk: dict[str, Party], ofac: dict[str, Party], rng: random.Random) -> list[Pair]:
    """UK Belarus / Russia persons and OFAC persons of those programmes with one surname key and a
    given name of the same first sound, unique both ways (then read by eye)."""
    regimes = {"Belarus": ("BELARUS",), "Russia": ("RUSSIA", "UKRAINE")}
    out: list[Pair] = []
    for regime, progs in regimes.items():
        us = [g for g in uk.values() if g.kind == "person" and g.group.startswith(regime + "|")]
        os_ = [p for p in ofac.values() if p.kind == "person" and any(t in p.group for t in progs)]

        def keys(p: Party) -> set[tuple[str, str]]:
            ks = set()
            for n in p.names:
                g = _given(n, p.src)
                if g:  # surname, given name and, when given, the patronymic's first sounds
                    ks.add((_crude(_surname(n, p.src)), _crude(g[0])[:3], _crude(g[1])[:3] if len(g) > 1 else ""))
            return ks
        by_o: dict[tuple[str, str], set[str]] = defaultdict(set)
        for p in os_:
            for k in keys(p):
                by_o[k].add(p.pid)
                by_o[k[:2] + ("",)].add(p.pid)
        by_u: dict[tuple[str, str], set[str]] = defaultdict(set)
        for g in us:
            for k in keys(g):
                by_u[k].add(g.pid)
                by_u[k[:2] + ("",)].add(g.pid)
        for g in us:
            ids: set[str] = set()
            for k in keys(g):
                k2 = k[:2] + ("",)
                if len(by_o.get(k2, ())) == 1 and len(by_u[k2]) == 1 and len(k[0]) >= 3:
                    ids |= by_o[k2]
            if len(ids) != 1:
                continue
            p = ofac[ids.pop()]
            pats_u = {k[2] for k in keys(g) if k[2]}
            pats_o = {k[2] for k in keys(p) if k[2]}
            if pats_u and pats_o and not pats_u & pats_o:
                continue  # another father's name: maybe a namesake
            out += _pairs_between(g, p, "uk_ofac_person", rng, limit=2)
    return out


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[2] / "shared" / "data"
    rng = random.Random(SEED)
    ofac, un, uk = load_ofac(shared), load_un(shared), load_uk(shared)
    pairs: list[Pair] = []
    pairs += link_ofac_un(ofac, un, rng)
    belru = lambda g: g.group.split("|")[0] in ("Russia", "Belarus")  # noqa: E731
    pairs += link_uk(uk, ofac, "uk_ofac", belru, rng)
    pairs += link_uk(uk, ofac, "uk_ofac", lambda g: not belru(g), rng, limit=1)
    pairs += link_uk_ofac_persons(uk, ofac, rng)
    pairs += link_ftm(shared, ofac)
    pairs += link_versions(ofac, load_ofac_2021(shared), rng)[:80]
    pairs += derived(ofac, rng)
    linked = {frozenset((p[5], p[6].split(" = ")[-1])) for p in pairs if p[3] == 1}
    pairs += negatives(list(ofac.values()) + list(un.values()) + list(uk.values()), rng, linked)
    # about as many positives as hard negatives: the cross-list sources are sampled
    caps = {"uk_ofac_person": 170, "ofac_un_person": 140, "ofac_un_entity": 110, "ofac_version": 60}
    by_cat: dict[str, list[Pair]] = defaultdict(list)
    for pr in pairs:
        by_cat[pr[4]].append(pr)
    pairs = [pr for cat, prs in by_cat.items()
             for pr in (rng.sample(prs, caps[cat]) if len(prs) > caps.get(cat, len(prs)) else prs)]
    # no pair twice, none identical once folded, none already in another pair file
    known: set[frozenset[str]] = set()
    for f in HERE.glob("*name_pairs.csv"):
        if f.name != OUT.name:
            with f.open(encoding="utf-8") as fh:
                known |= {frozenset((_key(r["a"]), _key(r["b"]))) for r in csv.DictReader(fh)}
    seen: set[frozenset[str]] = set()
    rows = []
    for a, b, kind, label, cat, ent, note in pairs:
        k = frozenset((_key(a), _key(b)))
        if _key(a) == _key(b) or k in seen or k in known:
            continue
        seen.add(k)
        half = "dev" if int(hashlib.sha1(ent.encode()).hexdigest(), 16) % 2 == 0 else "held"
        rows.append({"a": a, "b": b, "kind": kind, "label": label, "category": cat, "spelling": _spelling(a, b),
                     "half": half, "note": note})
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["a", "b", "kind", "label", "category", "spelling", "half", "note"])
        w.writeheader()
        w.writerows(rows)
    from collections import Counter
    print(len(rows), "pairs,", sum(r["label"] for r in rows), "positive")
    for (c, lab), n in sorted(Counter((r["category"], r["label"]) for r in rows).items()):
        print(f"  {c:16} {lab} {n}")


if __name__ == "__main__":
    main()
