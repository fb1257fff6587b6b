"""Party screening on realistic names: false-positive REVIEW/BLOCK rates on generated innocent
names and true-positive rates on list aliases, with the bundled curated list alone and with the
real lists of ../shared/data (OFAC SDN, UN, EU FSF sample, UK ODS).

The innocent names are built from common name parts in several languages (never from the
lists); a share of them carry a generic word a listed name also has (Minsk, Trading, Oil, Steel,
Group ...) or a common East-Slavic surname, because those are the hard negatives. Run:
``.venv/bin/python bench/party_fp/run.py [N]`` (N innocent names, default 3000).
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

from compliance.names import BLOCK_THRESHOLD, REVIEW_THRESHOLD
from compliance.screener import Screener

SHARED = Path(os.environ.get("COMPLIANCE_SHARED_DATA", Path(__file__).resolve().parents[2] / ".." / "shared" / "data"))
REAL = ["ofac/sdn_2024-05/sdn.csv", "un/UN_consolidated.xml", "eu/sample_eu_fsf_xml_2020-04.xml",
        "uk/FCDO_SL_Mon_Aug_11_2025.ods"]

STEMS = ["Nord", "Baltic", "Alpen", "Rhein", "Vistula", "Danube", "Adria", "Euro", "Trans", "Inter", "Global",
         "Sino", "Asia", "Pacific", "Orient", "Sun", "Star", "Blue", "Green", "Silver", "Golden", "Delta",
         "Omega", "Alpha", "Nova", "Prime", "Metro", "Techno", "Agro", "Bio", "Medi", "Auto", "Elektro",
         "Hansa", "Kowal", "Nowak", "Müller", "Schmidt", "Rossi", "Bianchi", "García", "Dupont", "Janssen",
         "Tanaka", "Sato", "Kim", "Park", "Wang", "Li", "Chen", "Yilmaz", "Demir", "Kaya", "Petrov",
         "Ivanov", "Novak", "Horvat", "Kovač", "Popescu", "Nagy", "Virtanen", "Jensen", "Hansen", "Berg"]
WORDS = ["Trading", "Logistics", "Export", "Import", "Food", "Foods", "Machinery", "Steel", "Oil", "Chemicals",
         "Pharma", "Pharmacy", "Textiles", "Electronics", "Systems", "Solutions", "Holding", "Group", "Industries",
         "Components", "Transport", "Shipping", "Forwarding", "Agrar", "Metall", "Handel", "Technik", "Medical",
         "Software", "Plastics", "Paper", "Timber", "Glass", "Tyres", "Motors", "Energy", "Invest", "Capital",
         "Engineering", "Consulting", "Service", "Partners", "Supply", "Distribution", "Optics", "Radar"]
PLACES = ["Minsk", "Grodno", "Brest", "Vilnius", "Riga", "Warsaw", "Gdansk", "Hamburg", "Bremen", "Rotterdam",
          "Antwerp", "Milano", "Lyon", "Istanbul", "Izmir", "Almaty", "Tashkent", "Dubai", "Shenzhen", "Busan",
          "Belarus", "Baltic", "Neman", "Polotsk", "Kaunas"]
FORMS = ["GmbH", "AG", "Sp. z o.o.", "S.A.", "SRL", "S.r.l.", "B.V.", "N.V.", "Ltd", "LLC", "Inc.", "OÜ", "UAB",
         "SIA", "AS", "A/S", "Oy", "AB", "Kft.", "s.r.o.", "d.o.o.", "A.Ş.", "Co., Ltd.", "FZE", "LLP", "TOO",
         "OOO", "ЧУП", "ООО", ""]
FIRST = ["Anna", "Maria", "Jan", "Piotr", "Hans", "Klaus", "Luca", "Marco", "Pierre", "Sophie", "Carlos", "Lucía",
         "Mehmet", "Ayşe", "Hiroshi", "Yuki", "Min-jun", "Wei", "Jonas", "Eva", "Oleg", "Sergei", "Andrei",
         "Natalia", "Olga", "Dmitri", "Viktor", "Aleksandr", "Nikolai", "Irina", "Tomas", "Lina", "Mikael"]
LAST = ["Kowalski", "Nowak", "Müller", "Schneider", "Rossi", "Ferrari", "Martin", "Bernard", "García", "López",
        "Yılmaz", "Öztürk", "Suzuki", "Watanabe", "Lee", "Zhang", "Liu", "Jankauskas", "Bērziņš", "Tamm",
        "Ivanov", "Smirnov", "Kuznetsov", "Popov", "Sokolov", "Lebedev", "Kozlov", "Novikov", "Morozov",
        "Volkov", "Kovalenko", "Bondarenko", "Shevchenko", "Melnyk", "Sidorov", "Pavlov", "Kozlova"]
COUNTRIES = ["DE", "PL", "LT", "LV", "NL", "IT", "FR", "ES", "TR", "KZ", "UZ", "AE", "CN", "KR", "JP", "GE", "BY"]


def innocent(n: int, rng: random.Random) -> list[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    while len(out) < n:
        c = rng.choice(COUNTRIES)
        r = rng.random()
        if r < 0.3:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        elif r < 0.55:
            name = f"{rng.choice(STEMS)}{rng.choice(['', ' '])}{rng.choice(WORDS)} {rng.choice(FORMS)}"
        elif r < 0.8:
            name = f"{rng.choice(PLACES)} {rng.choice(WORDS)} {rng.choice(FORMS)}"
        else:
            name = f"{rng.choice(LAST)} {rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(FORMS)}"
        out.add((name.strip(), c))
    return sorted(out)


def rates(s: Screener, names: list[tuple[str, str]]) -> tuple[float, float, list[str]]:
    review = block = 0
    examples: list[str] = []
    for name, country in names:
        ms = s.match(name, country=country, limit=1)
        if not ms:
            continue
        if ms[0].score >= BLOCK_THRESHOLD:
            block += 1
        else:
            review += 1
        if len(examples) < 25:
            examples.append(f"{name!r} ({country}) -> {ms[0].entity_name!r} {ms[0].score:.2f}")
    return review / len(names), block / len(names), examples


def verdict_rates(s: Screener, names: list[tuple[str, str]], jurisdiction: str) -> tuple[float, float, list[str]]:
    """Party verdicts (the consignee is the innocent name, ordinary goods to Germany)."""
    review = block = 0
    examples: list[str] = []
    for name, country in names:
        r = s.screen({"shipment_id": "B", "hs_code": "620342", "destination_country": "DE", "date": "2025-03-10",
                      "consignee_name": name, "consignee_country": country}, jurisdiction=jurisdiction)
        sev = {f.severity.value for f in r.findings if f.family.value == "party"}
        if "block" in sev:
            block += 1
            if len(examples) < 12:
                top = r.top_party
                examples.append(f"{name!r} ({country}) -> {top.matched_name if top else ''!r} "
                                f"{top.list_name if top else ''} {top.score if top else ''}")
        elif "review" in sev:
            review += 1
    return review / len(names), block / len(names), examples


def alias_recall(s: Screener, list_names: set[str], rng: random.Random, limit: int = 1500) -> tuple[int, float, float]:
    """Each alias of an entity with several names, searched alone: is the entity found?"""
    pairs = [(e.id, a, e.countries[0] if e.countries else None) for e in s.entities.values()
             if e.list_name in list_names and len(e.all_names) > 1 for a in e.aliases]
    rng.shuffle(pairs)
    pairs = pairs[:limit]
    found_block = found_review = 0
    for eid, alias, country in pairs:
        ms = s.match(alias, country=country, limit=5)
        hit = next((m for m in ms if m.entity_id == eid), None)
        if hit is None:
            continue
        found_review += 1
        if hit.score >= BLOCK_THRESHOLD:
            found_block += 1
    return len(pairs), found_block / max(1, len(pairs)), found_review / max(1, len(pairs))


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    rng = random.Random(7)
    names = innocent(n, rng)
    print(f"thresholds: review {REVIEW_THRESHOLD}, block {BLOCK_THRESHOLD}; {len(names)} innocent names")
    configs = [("curated only", [])]
    real = [SHARED / p for p in REAL if (SHARED / p).exists()]
    if real:
        configs.append(("curated + real lists", real))
    for label, lists in configs:
        t = time.perf_counter()
        s = Screener.load(lists=lists, include_imported=False, db=False)
        load = time.perf_counter() - t
        t = time.perf_counter()
        review, block, examples = rates(s, names)
        per = (time.perf_counter() - t) / len(names) * 1000
        print(f"\n== {label}: {len(s.entities)} entities, load {load:.1f}s, {per:.2f} ms/name")
        print(f"innocent names: REVIEW-level {review:.2%}, BLOCK-level {block:.2%}")
        for e in examples:
            print("   ", e)
        for j in ("EU", "US", "UK"):
            vr, vb, vex = verdict_rates(s, names, j)
            print(f"party verdicts under {j}: REVIEW {vr:.2%}, BLOCK {vb:.2%}")
            for e in vex:
                print("    BLOCK", e)
        lists_here = {e.list_name for e in s.entities.values()}
        for ln in sorted(lists_here):
            k, b, r = alias_recall(s, {ln}, rng)
            if k:
                print(f"aliases of {ln}: {k} searched, found at BLOCK level {b:.1%}, at REVIEW level or better {r:.1%}")


if __name__ == "__main__":
    main()
