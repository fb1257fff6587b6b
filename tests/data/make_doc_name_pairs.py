"""Generate tests/data/doc_name_pairs.csv: OFAC SDN Belarus-program names as customs declarations
and ERP master data write them (issue #4; held out: built before any rule was written from it).

Source: the Belarus-program records (BELARUS, BELARUS-EO14038) of ofac/sdn_2024-05/sdn.csv in
COMPLIANCE_SHARED_DATA. Each pair is the listed name against the way a document writes it:

- ``cut35``: the name cut at 35 characters (the name field of a customs declaration / ERP);
- ``legal_form``: the legal form moved to the front or back, or translated
  (OAO / OJSC / Open Joint Stock Company / ААТ / ОАО), mistyped (OJCS, 0AO, O.A.O.);
- ``quotes``: quotes around the trade name (" « » '), with and without a space before them,
  and words written together (GRODNOAZOT);
- ``initials``: A. G. Lukashenko, Lukashenka A.R., a patronymic initial on one side only;
- ``be_ru``: the Belarusian form the list uses vs the Russian form (Lukashenka Alyaksandr Ryhorovich /
  Lukashenko Aleksandr Grigoryevich), with initials of either form;
- ``polish`` / ``lithuanian`` / ``lacinka``: the name as Polish, Lithuanian or Belarusian Latin
  (Łacinka) write it (Łukaszenka, Lukašenka);
- ``city``: a city written in its Belarusian or Russian form (Grodno / Hrodna);
- ``ordinal``: a plant number as No. 140 or 140th.

Hard negatives: ``namesake`` (the same surname, another given name: another initial too),
``initials_other`` (the surname with other initials), ``lookalike`` (a firm sharing the first part
of a brand: Belshina / Belshtamp), ``number`` (a numbered plant with another number),
``region`` (the same body of another region or city), ``surname_other`` (Kowalski / Kovalchuk,
a surname sharing its stem with the listed one but with another suffix).

Labels are by construction: 1 = the document means the listed party. A cut name keeps label 1
only if at least one whole word of the trade name and 10 of its characters survive the cut.
Deterministic (seeded). Run: python tests/data/make_doc_name_pairs.py (rewrites doc_name_pairs.csv).
"""

from __future__ import annotations

import csv
import os
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("COMPLIANCE_SHARED_DATA", ROOT.parent / "shared" / "data"))
SDN = SHARED / "ofac" / "sdn_2024-05" / "sdn.csv"
OUT = Path(__file__).with_name("doc_name_pairs.csv")
SEED = 20261204
TARGET = 600

# Belarusian (as OFAC writes it) -> Russian given names.
GIVEN_RU = {
    "alyaksandr": "Aleksandr", "aliaksandr": "Aleksandr", "viktar": "Viktor", "stiapan": "Stepan",
    "dzmitry": "Dmitry", "dzmitriy": "Dmitriy", "lidziya": "Lidiya", "natallia": "Natalya",
    "uladzimir": "Vladimir", "yuriy": "Yuri", "vadzim": "Vadim", "alena": "Yelena", "henadz": "Gennady",
    "genadz": "Gennady", "mikalai": "Nikolai", "yauhen": "Yevgeny", "volha": "Olga", "siarhei": "Sergei",
    "sviatlana": "Svetlana", "maryna": "Marina", "iryna": "Irina", "ihar": "Igor", "hleb": "Gleb",
    "kanstantsin": "Konstantin", "aliaksey": "Aleksei", "aliaksei": "Aleksei", "aleh": "Oleg",
    "leanid": "Leonid", "artsiom": "Artem", "anatol": "Anatoly", "raman": "Roman",
    "viachaslau": "Vyacheslav", "katsyaryna": "Yekaterina", "halina": "Galina", "vital": "Vitaly",
    "dzyanis": "Denis", "aliaksandra": "Aleksandra",
}
# Belarusian patronymic stems -> Russian masculine patronymic.
PATR_RU = {
    "ryhor": "Grigoryevich", "hryhory": "Grigoryevich", "uladzimir": "Vladimirovich", "leanid": "Leonidovich",
    "mikala": "Nikolaevich", "valery": "Valeryevich", "aliaksandr": "Aleksandrovich", "andre": "Andreevich",
    "iosif": "Iosifovich", "yauhen": "Yevgenyevich", "ihnat": "Ignatovich", "piatr": "Petrovich",
    "pyatr": "Petrovich", "siarhe": "Sergeevich", "ivan": "Ivanovich", "yakaul": "Yakovlevich",
    "arkadz": "Arkadyevich", "henadz": "Gennadyevich", "vyachaslav": "Vyacheslavovich",
    "dzmitr": "Dmitrievich", "anatol": "Anatolyevich", "aliakse": "Alekseevich", "stanislav": "Stanislavovich",
    "radzivon": "Rodionovich", "igar": "Igorevich", "kanstantsin": "Konstantinovich", "iur": "Yuryevich",
    "fiodar": "Fyodorovich", "branislav": "Bronislavovich", "vasil": "Vasilyevich", "alyaksandr": "Aleksandrovich",
}
OTHER_MALE = ["Sergei", "Pavel", "Maksim", "Nikolai", "Ruslan", "Kiryl", "Zmitser", "Fiodar", "Bogdan", "Taras",
              "Eduard", "Timur", "Roman", "Yaraslau"]
OTHER_FEMALE = ["Tatsiana", "Yuliya", "Oksana", "Hanna", "Zhanna", "Maryia", "Palina", "Veranika"]
GENERIC = {"COMPANY", "MANAGEMENT", "HOLDING", "PLANT", "COMMITTEE", "REPUBLIC", "BELARUS", "STATE", "SYSTEM",
           "SYSTEMS", "ENTERPRISE", "UNITARY", "LIMITED", "GROUP", "TRADE", "HOUSE", "CENTER", "POLICE", "UNIT",
           "AUTOMOBILE", "SCIENTIFIC", "TECHNICAL", "PRODUCTION", "INDUSTRIAL", "SPECIAL", "PURPOSE", "NEW",
           "OIL", "BELARUSIAN", "BELARUSSIAN", "BYELORUSSIAN", "MINSK", "GRODNO", "BREST", "GOMEL", "INVEST", "SOLUTIONS", "EQUIPMENT", "LINES", "AIRLINES"}

# Legal form families: (how the list writes it, document forms).
FORMS: dict[str, list[str]] = {
    "ojsc": ["OJSC", "OAO", "Open Joint Stock Company", "Open Joint-Stock Co.", "ОАО", "ААТ", "AAT",
             "Otkrytoe Aktsionernoe Obshchestvo"],
    "cjsc": ["CJSC", "ZAO", "Closed Joint Stock Company", "ЗАО", "ЗАТ", "ZAT"],
    "jsc": ["JSC", "AO", "Joint Stock Company", "АО", "AT"],
    "llc": ["LLC", "OOO", "Limited Liability Company", "ООО", "ТАА", "TAA", "L.L.C."],
    "alc": ["ALC", "ODO", "Additional Liability Company", "ОДО", "ТДА", "TDA"],
    "fllc": ["FLLC", "IOOO", "Foreign Limited Liability Company", "ИООО", "ІТАА", "ITAA"],
    "rue": ["RUE", "RUP", "Republican Unitary Enterprise", "РУП"],
    "pjsc": ["PJSC", "PAO", "Public Joint Stock Company", "ПАО"],
}
LISTED_FORMS = [  # longest first: how the list writes each family
    ("FOREIGN LIMITED LIABILITY COMPANY", "fllc"), ("ADDITIONAL LIABILITY COMPANY", "alc"),
    ("LIMITED LIABILITY COMPANY", "llc"), ("OPEN JOINT STOCK COMPANY", "ojsc"), ("OPEN JOINT-STOCK COMPANY", "ojsc"),
    ("CLOSED JOINT STOCK COMPANY", "cjsc"), ("CLOSED JOINT-STOCK COMPANY", "cjsc"),
    ("PUBLIC JOINT STOCK COMPANY", "pjsc"), ("JOINT STOCK COMPANY", "jsc"),
    ("REPUBLICAN UNITARY ENTERPRISE", "rue"), ("OJSC", "ojsc"), ("OAO", "ojsc"), ("CJSC", "cjsc"),
    ("JSC", "jsc"), ("LLC", "llc"), ("OOO", "llc"),
]
TYPOS = {"OJSC": ["OJCS", "O.J.S.C.", "OJSC."], "OAO": ["0AO", "O.A.O.", "OA0"], "LLC": ["LLC.", "L.L.C", "LCC"],
         "JSC": ["JSC.", "J.S.C."], "CJSC": ["CJCS", "C.J.S.C."], "OOO": ["000", "O.O.O."]}
# Belarusian / Russian city forms (both as documents write them).
CITIES = {"MINSK": ["Minsk", "Miensk"], "GRODNO": ["Grodno", "Hrodna"], "GOMEL": ["Gomel", "Homel"],
          "BREST": ["Brest", "Bierascie"], "NOVOPOLOTSK": ["Novopolotsk", "Navapolatsk"],
          "POLOTSK": ["Polotsk", "Polatsk"], "SVETLOGORSK": ["Svetlogorsk", "Svetlahorsk"]}
REGIONS = ["MINSK", "BREST", "GOMEL", "GRODNO", "MOGILEV", "VITEBSK"]
LOOKALIKE_TAILS = ["TORG", "SNAB", "PROM", "STROI", "TRANS", "SERVIS", "INVEST", "STAL", "MASH", "LES"]
SURNAME_OTHER = [("Kowalski", "Kovalchuk"), ("Kowalski", "Kovalenko"), ("Nowak", "Novikau"),
                 ("Lukashuk", "Lukashenka"), ("Lukashevich", "Lukashenka"), ("Aleksinski", "Aleksin"),
                 ("Balabanov", "Balaba"), ("Sheimanov", "Sheiman"), ("Shvedau", "Shved"),
                 ("Karpovich", "Karpianka"), ("Dukov", "Duk"), ("Lapko", "Lapo")]


def read_belarus() -> list[tuple[str, str, str]]:
    """(ent_num, name, kind) of every Belarus-program individual and entity (aircraft left out)."""
    out = []
    with SDN.open(encoding="utf-8", errors="replace", newline="") as f:
        for row in csv.reader(f):
            if len(row) < 4 or "BELARUS" not in row[3]:
                continue
            typ = row[2].strip()
            if typ == "individual":
                out.append((row[0], row[1], "person"))
            elif typ == "-0-":
                out.append((row[0], row[1], "organization"))
    return out


def cap(w: str) -> str:
    return "-".join(p[:1].upper() + p[1:].lower() for p in w.split("-"))


def surname_ru(s: str) -> str:
    s = s.lower()
    for a, b in (("anka", "enko"), ("enka", "enko"), ("ka", "ko"), ("skaya", "skaya"), ("ski", "sky"),
                 ("au", "ov"), ("ou", "ov"), ("eu", "ev"), ("ava", "ova"), ("ina", "ina")):
        if s.endswith(a):
            return cap(s[: -len(a)] + b)
    return cap(s)


def patronymic_ru(p: str) -> str | None:
    low = p.lower()
    female = low.endswith(("na", "una"))
    for stem, ru in PATR_RU.items():
        if low.startswith(stem):
            return ru[:-4] + "vna" if female and ru.endswith("vich") else (ru if not female else None)
    return None


def polish(s: str) -> str:
    s = re.sub(r"(?i)shch", "szcz", s)
    for a, b in (("sh", "sz"), ("ch", "cz"), ("zh", "ż"), ("kh", "ch"), ("ts", "c"), ("ya", "ja"), ("yu", "ju"),
                 ("ye", "je"), ("v", "w")):
        s = re.sub(a, b, s)
        s = re.sub(a.capitalize(), b.capitalize(), s)
    s = re.sub(r"l(?=[aou])", "ł", s)
    return re.sub(r"L(?=[aou])", "Ł", s)


def baltic(s: str, lacinka: bool) -> str:
    for a, b in (("shch", "šč"), ("sh", "š"), ("ch", "č"), ("zh", "ž"), ("kh", "ch"), ("ts", "c"), ("ya", "ja"),
                 ("yu", "ju"), ("ye", "je")):
        s = s.replace(a, b).replace(a.capitalize(), b.capitalize())
    if lacinka:
        s = re.sub(r"l(?=[aou])", "ł", s)
        s = re.sub(r"L(?=[aou])", "Ł", s)
        s = re.sub(r"(?<=[aeiou])u(?![aeiou])", "ŭ", s)
    return s


def lithuanian_given(g: str) -> str:
    return g + "as" if re.search(r"[bcdfghklmnprstvzž]$", g) else g


def person_pairs(name: str, rng: random.Random, surnames: set[str]) -> list[tuple[str, str, int, str, str]]:
    if "," not in name:
        return []
    sur, rest = (x.strip() for x in name.split(",", 1))
    parts = rest.split()
    given, patr = parts[0], (parts[1] if len(parts) > 1 else "")
    S, G, P = cap(sur), cap(given), cap(patr)
    gi, pi = G[0], (P[0] if P else "")
    out: list[tuple[str, str, int, str, str]] = []
    ini = f"{gi}.{pi}." if pi else f"{gi}."
    out.append((f"{gi}. {pi + '. ' if pi else ''}{S}", 1, "initials", "initials first"))
    out.append((f"{S} {ini}", 1, "initials", "initials after"))
    if pi:
        out.append((f"{S} {gi}.", 1, "initials", "patronymic initial dropped"))
        out.append((f"{S.upper()} {G.upper()}", 1, "initials", "no patronymic"))
        out.append((f"{S} {G} {pi}.", 1, "initials", "patronymic initial only"))
    g_ru = GIVEN_RU.get(given.lower())
    p_ru = patronymic_ru(patr) if patr else None
    s_ru = surname_ru(sur)
    if g_ru or s_ru != S:
        full = " ".join(x for x in (s_ru, g_ru or G, p_ru or P) if x)
        out.append((full, 1, "be_ru", "Russian form"))
        ini_ru = f"{(g_ru or G)[0]}.{(p_ru or P)[0] + '.' if (p_ru or P) else ''}"
        out.append((f"{s_ru} {ini_ru}", 1, "be_ru", "Russian form, initials"))
    out.append((f"{polish(G)} {polish(S)}", 1, "polish", "Polish spelling"))
    lt_given = lithuanian_given(baltic(G, False))
    out.append((f"{lt_given} {baltic(S, False)}", 1, "lithuanian", "Lithuanian spelling"))
    out.append((" ".join(x for x in (baltic(S, True), baltic(G, True), baltic(P, True)) if x), 1, "lacinka",
                "Belarusian Latin"))
    # Negatives: another given name (another initial too), the surname with other initials.
    female = patr.lower().endswith("na") or (not patr and sur.lower().endswith(("ava", "ina", "aya", "ova")))
    pool = OTHER_FEMALE if female else OTHER_MALE
    other = rng.choice([g for g in pool if g[0] != gi and g[0] != (g_ru or G)[0]])
    if rng.random() < 0.5 or not P:
        out.append((f"{S} {other}", 0, "namesake", "same surname, other given name"))
    else:
        out.append((f"{S.upper()}, {other} {P}", 0, "namesake", "same surname and patronymic, other given name"))
    oi = rng.choice([c for c in "BKMNPSTZ" if c not in (gi, (g_ru or G)[0])])
    out.append((f"{S} {oi}.{pi + '.' if pi else ''}", 0, "initials_other", "same surname, other initial"))
    return [(name, b, lab, cat, note) for b, lab, cat, note in out]


def split_form(name: str) -> tuple[str | None, str, str]:
    """(family, form as listed, core) of a listed organisation name."""
    up = name.upper().rstrip(".")
    for form, fam in LISTED_FORMS:
        if up.startswith(form + " "):
            return fam, form, name[len(form) + 1:].strip()
        if up.endswith(" " + form):
            return fam, form, name[: -len(form) - 1].strip()
    return None, "", name


def cut35(s: str) -> str:
    return s[:35]


def org_pairs(name: str, rng: random.Random, cores: list[str]) -> list[tuple[str, str, int, str, str]]:
    fam, listed, core = split_form(name)
    out: list[tuple[str, int, str, str]] = []
    core_t = core.title()
    if fam is not None:
        forms = FORMS[fam]
        for f in rng.sample(forms, min(3, len(forms))):
            out.append((f"{f} {core_t}" if rng.random() < 0.5 else f"{core_t} {f}", 1, "legal_form", f"{fam} as {f}"))
        q = rng.choice(['"{}"', "«{}»", "'{}'"])
        f = rng.choice(forms)
        out.append((f"{f} {q.format(core.upper())}", 1, "quotes", "quoted trade name"))
        out.append((f"{f}{q.format(core_t)}", 1, "quotes", "no space before the quote"))
        listed_abbr = listed if listed in TYPOS else forms[0]
        if listed_abbr in TYPOS:
            t = rng.choice(TYPOS[listed_abbr])
            out.append((f"{core.upper()} {t}", 1, "legal_form", f"mistyped {listed_abbr}"))
    else:
        f = rng.choice(["OJSC", "LLC", "ОАО", "JSC"])
        out.append((f'{f} "{core_t}"', 1, "legal_form", "legal form added, quoted"))
    words = core.split()
    if 2 <= len(words) <= 3 and all(len(w) > 2 for w in words):
        out.append(("".join(words).upper(), 1, "quotes", "words written together"))
    # 35-character cut (a customs name field), of the full listed form and of a document form.
    full_doc = f"{FORMS[fam][2] if fam else ''} {core.upper()}".strip()
    for s, note in ((name, "listed name cut at 35"), (full_doc, "long legal form cut at 35")):
        if len(s) > 35:
            cut = cut35(s)
            kept = [w for w in core.upper().split() if w in cut.upper().split()]
            # Too little left to tell the party (a legal form and a generic word): no pair, as
            # neither label would be true of what a reviewer can know.
            if kept and sum(len(w) for w in kept if w not in GENERIC) >= 7:
                out.append((cut, 1, "cut35", note))
    # Cities: Belarusian / Russian form.
    for city, forms_c in CITIES.items():
        if re.search(rf"\b{city}\b", core.upper()):
            alt = forms_c[1]
            out.append((re.sub(rf"(?i)\b{city}\b", alt, core_t), 1, "city", f"{city.title()} as {alt}"))
            other_r = rng.choice([r for r in REGIONS if r != city])
            out.append((re.sub(rf"(?i)\b{city}\b", other_r.title(), core_t), 0, "region", f"{other_r.title()} for {city.title()}"))
            break
    # Regional bodies: the same body of another region.
    m = re.search(r"\b(MINSK|BREST|GOMEL|GRODNO|MOGILEV|VITEBSK)\b", core.upper())
    if m and "region" not in [c for _, _, c, _ in out]:
        other_r = rng.choice([r for r in REGIONS if r != m.group(1)])
        out.append((re.sub(rf"\b{m.group(1)}\b", other_r, name.upper()), 0, "region", "another region"))
    # Numbered plants: the number as an ordinal / No., and another number.
    n = re.search(r"\b(\d{2,4})\b", name)
    if n and not re.search(r"24X7|5G", name.upper()):
        num = int(n.group(1))
        suffix = "th" if 10 <= num % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(num % 10, "th")
        rest = re.sub(rf"\s*\b{num}\b\s*", " ", core).strip().title()
        out.append((f"{rest} No. {num}", 1, "ordinal", "number as No."))
        out.append((f"{num}{suffix} {rest}", 1, "ordinal", "ordinal number"))
        other = num + rng.choice([-10, -1, 1, 2, 30, 100])
        out.append((name.replace(n.group(1), str(other)), 0, "number", f"plant {other} vs {num}"))
    # Look-alike firm: the first part of the brand with another ending.
    brands = [w for w in words if w.upper() not in GENERIC and w.isalpha() and len(w) >= 7]
    brand = brands[0] if brands else ""
    if brand and len(words) <= 2:
        stem = brand[: max(4, len(brand) // 2)]
        tail = rng.choice(LOOKALIKE_TAILS)
        look = core.upper().replace(brand.upper(), (stem + tail).upper())
        f = rng.choice(FORMS[fam]) if fam else "LLC"
        out.append((f"{f} {look}", 0, "lookalike", f"{brand} vs {stem + tail}"))
    return [(name, b, lab, cat, note) for b, lab, cat, note in out]


def main() -> None:
    rng = random.Random(SEED)
    records = read_belarus()
    surnames = {n.split(",")[0].strip().upper() for _, n, k in records if k == "person" and "," in n}
    cores = [split_form(n)[2] for _, n, k in records if k == "organization"]
    rows: list[dict[str, str]] = []
    for ent, name, kind in records:
        pairs = person_pairs(name, rng, surnames) if kind == "person" else org_pairs(name, rng, cores)
        for a, b, lab, cat, note in pairs:
            rows.append({"a": a, "b": b, "kind": kind, "label": str(lab), "category": cat,
                         "note": f"ent_num {ent}; {note}"})
    for pl, other in SURNAME_OTHER:
        g = rng.choice(["Andrei", "Siarhei", "Ivan", "Aliaksandr"])
        rows.append({"a": f"{pl} {g}", "b": f"{other.upper()}, {g}", "kind": "person", "label": "0",
                     "category": "surname_other", "note": "another surname sharing a stem"})
    seen: set[tuple[str, str]] = set()
    uniq = []
    for r in rows:
        key = (r["a"], r["b"])
        if key not in seen and r["a"] != r["b"]:
            seen.add(key)
            uniq.append(r)
    # Down-sample to about TARGET pairs (60 % positive), the same share of each category, but
    # at least 15 pairs of each (all of a smaller one).
    chosen_ids: set[int] = set()
    for label, share in (("1", 0.6), ("0", 0.4)):
        group = [i for i, r in enumerate(uniq) if r["label"] == label]
        frac = min(1.0, TARGET * share / len(group))
        by_cat: dict[str, list[int]] = {}
        for i in group:
            by_cat.setdefault(uniq[i]["category"], []).append(i)
        for cat in sorted(by_cat):
            ids = by_cat[cat]
            n = min(len(ids), max(15, round(len(ids) * frac)))
            chosen_ids.update(rng.sample(ids, n))
    chosen = [r for i, r in enumerate(uniq) if i in chosen_ids]
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["a", "b", "kind", "label", "category", "note"], lineterminator="\n")
        w.writeheader()
        w.writerows(chosen)


if __name__ == "__main__":
    main()
