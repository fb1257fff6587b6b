"""Realistic synthetic shipment batches for the scale benchmark (deterministic per seed).

    python bench/scale/generate.py --rows 1000000            # prints the path of the CSV
    python bench/scale/generate.py --rows 100000 --out /tmp/x.csv

What a forwarder's year looks like, roughly:

- ~20k distinct parties (name, country) drawn with Zipf-like repetition: a few big customers
  ship every day, most appear a handful of times. Names mix EU, Turkish, Central-Asian,
  Chinese, Russian and Belarusian companies, Latin and Cyrillic, with legal forms.
- An HS-code mix: mostly ordinary goods (furniture, textiles, plastics, tools...), some
  machinery, electronics (incl. CHPL codes) and chemicals, ~10 % food and medicines; each
  code written in the ways customers write them (``9403.60.10``, ``9403 60 10``, ``94036010``).
- A few % problematic rows: real sanctioned names from the bundled curated list (English,
  Russian and Belarusian spellings, aliases), Belarusian origin of import-banned goods,
  exports to BY/RU, transit routes through BY, third-country diversion, end-use documents
  from the supplier instead of the manufacturer; and ~0.1 % malformed rows (ERROR).
- Dates over 2025-2026, EUR mostly, amounts per row.

Files go to a cache directory (``$COMPLIANCE_BENCH_CACHE`` or ``~/.cache/compliance-bench``),
never into the repository; the same rows and seed give the same bytes.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import os
import random
import sys
from itertools import accumulate
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CURATED = ROOT / "compliance" / "lists" / "data" / "belarus_curated.yaml"
COLUMNS = ["shipment_id", "hs_code", "destination_country", "description", "origin_country", "transit_countries",
           "exporter_name", "exporter_country", "consignee_name", "consignee_country", "end_user_name",
           "end_user_country", "manufacturer_name", "manufacturer_country", "end_use_doc_type", "end_use_doc_issuer",
           "end_use_doc_id", "quantity", "unit", "value", "currency", "date"]

# (HS6 or heading, description, unit). Ordinary: neither sensitive nor humanitarian.
ORDINARY = [
    ("940360", "Wooden dining tables", "pcs"), ("940161", "Upholstered chairs", "pcs"), ("940350", "Bedroom furniture",
    "pcs"), ("610910", "Cotton T-shirts, knitted", "pcs"), ("620342", "Men's cotton trousers", "pcs"),
    ("620462", "Women's trousers", "pcs"), ("611020", "Cotton pullovers", "pcs"), ("640399", "Leather footwear", "pairs"),
    ("640299", "Rubber-soled shoes", "pairs"), ("420292", "Textile travel bags", "pcs"), ("391732", "Plastic hoses", "m"),
    ("392410", "Plastic kitchenware", "pcs"), ("392690", "Plastic articles", "kg"), ("481910", "Cardboard boxes", "pcs"),
    ("482010", "Notebooks and diaries", "pcs"), ("490199", "Printed books", "pcs"), ("701349", "Drinking glasses", "pcs"),
    ("691110", "Porcelain tableware", "pcs"), ("690890", "Ceramic tiles", "m2"), ("630260", "Terry towels", "pcs"),
    ("630221", "Bed linen, cotton", "pcs"), ("570242", "Carpets, man-made fibres", "m2"), ("950300", "Toys", "pcs"),
    ("950691", "Fitness equipment", "pcs"), ("940511", "LED ceiling luminaires", "pcs"), ("340111", "Toilet soap", "kg"),
    ("330499", "Skin care preparations", "kg"), ("340220", "Washing preparations", "kg"), ("320820", "Acrylic lacquer",
    "kg"), ("732393", "Stainless steel cookware", "pcs"), ("732111", "Gas cookers", "pcs"), ("830140", "Locks", "pcs"),
    ("820559", "Hand tools", "pcs"), ("846721", "Electric drills", "pcs"), ("851610", "Water heaters", "pcs"),
    ("851660", "Electric ovens", "pcs"), ("850940", "Food mixers", "pcs"), ("870899", "Car parts", "pcs"),
    ("871200", "Bicycles", "pcs"), ("960321", "Toothbrushes", "pcs"), ("961900", "Hygienic pads", "pcs"),
    ("442199", "Wooden articles", "pcs"),
]
HUMANITARIAN = [
    ("300490", "Medicaments, packed for retail", "boxes"), ("300420", "Antibiotics, retail packs", "boxes"),
    ("901839", "Syringes and catheters", "pcs"), ("190590", "Biscuits and crackers", "kg"), ("040690", "Hard cheese", "kg"),
    ("110100", "Wheat flour", "kg"), ("210690", "Food preparations", "kg"), ("080810", "Fresh apples", "kg"),
    ("170490", "Confectionery", "kg"), ("090111", "Coffee, not roasted", "kg"), ("200989", "Fruit juice", "l"),
    ("902139", "Orthopaedic appliances", "pcs"), ("300241", "Vaccines", "doses"),
]
# Machinery, electronics and chemicals: some are export-restricted, some dual-use or CHPL.
SENSITIVE = [
    ("854231", "Microcontrollers", "pcs"), ("854232", "Memory chips", "pcs"), ("854239", "Integrated circuits", "pcs"),
    ("851762", "Ethernet switches", "pcs"), ("852691", "GNSS receivers", "pcs"), ("847150", "Industrial computers",
    "pcs"), ("847130", "Laptops", "pcs"), ("853224", "Ceramic capacitors", "pcs"), ("848210", "Ball bearings", "pcs"),
    ("845811", "CNC lathes", "pcs"), ("846039", "Grinding machines", "pcs"), ("842951", "Front-end loaders", "pcs"),
    ("848340", "Gearboxes", "pcs"), ("850440", "Static converters", "pcs"), ("903180", "Measuring instruments", "pcs"),
    ("901380", "Optical devices", "pcs"), ("880730", "Aircraft parts", "pcs"), ("281111", "Hydrogen fluoride", "kg"),
    ("290511", "Methanol", "t"), ("380891", "Insecticides", "kg"), ("910121", "Wrist watches, gold case", "pcs"),
]
# Goods banned for import from Belarus (the problem is their origin).
IMPORT_BANNED = [
    ("310420", "Potassium chloride", "t"), ("310210", "Urea", "t"), ("271019", "Diesel fuel", "t"),
    ("440711", "Sawn pine timber", "m3"), ("720851", "Hot-rolled steel plates", "t"), ("401120", "Truck tyres", "pcs"),
    ("252329", "Portland cement", "t"),
]
EU = ["DE", "PL", "LT", "LV", "NL", "FR", "IT", "SE", "CZ", "FI", "ES", "AT", "BE", "DK", "EE"]
THIRD = ["KZ", "TR", "CN", "AE", "UZ", "GE", "AM", "KG", "IN", "RS", "HK"]
OTHER = ["US", "GB", "NO", "CH", "JP", "UA", "MD", "CA"]
LEGAL = {"DE": ["GmbH", "AG", "KG", "GmbH & Co. KG"], "PL": ["Sp. z o.o.", "S.A."], "LT": ["UAB", "AB"],
         "LV": ["SIA", "AS"], "NL": ["B.V.", "N.V."], "FR": ["SARL", "SAS", "S.A."], "IT": ["S.r.l.", "S.p.A."],
         "SE": ["AB"], "CZ": ["s.r.o.", "a.s."], "FI": ["Oy", "Oyj"], "ES": ["S.L.", "S.A."], "AT": ["GmbH"],
         "BE": ["BV", "SA"], "DK": ["ApS", "A/S"], "EE": ["OÜ", "AS"], "KZ": ["LLP", "TOO", "ТОО"],
         "TR": ["A.Ş.", "Ltd. Şti."], "CN": ["Co., Ltd.", "Trading Co., Ltd."], "AE": ["FZE", "LLC", "FZCO"],
         "UZ": ["LLC", "OOO", "ООО"], "GE": ["LLC"], "AM": ["CJSC", "LLC"], "KG": ["OsOO", "LLC"], "IN": ["Pvt. Ltd."],
         "RS": ["d.o.o."], "HK": ["Limited"], "US": ["Inc.", "LLC", "Corp."], "GB": ["Ltd", "PLC"], "NO": ["AS"],
         "CH": ["AG", "SA"], "JP": ["K.K.", "Co., Ltd."], "UA": ["TOV", "ТОВ"], "MD": ["SRL"], "CA": ["Inc."],
         "BY": ["ODO", "ООО", "ЧУП", "ОАО", "UE"], "RU": ["OOO", "ООО", "АО", "JSC"]}
SYLLABLES = ["nor", "bal", "tex", "mar", "vel", "tra", "kon", "sil", "dan", "ber", "lux", "pol", "rin", "gal", "mon",
             "ast", "ore", "lin", "sar", "tek", "vin", "zar", "kal", "mer", "dor", "hel", "fin", "gra", "sto", "pri"]
WORDS = ["Trading", "Logistics", "Industries", "Import", "Export", "Group", "Holding", "Textiles", "Furniture",
         "Electronics", "Foods", "Pharma", "Machinery", "Home", "Retail", "Supply", "Technik", "Service", "Partners"]
CYR_SYLLABLES = ["тор", "бал", "мир", "вел", "кон", "сил", "дан", "бер", "лим", "пол", "рин", "гал", "мон", "аст",
                 "ор", "лин", "сар", "тек", "вин", "зар", "кал", "мер", "дор", "гел", "фин", "гра", "сто", "при"]
CYR_WORDS = ["Торг", "Логистик", "Импорт", "Экспорт", "Групп", "Сервис", "Снаб", "Трейд", "Мебель", "Текстиль"]
COUNTRY_SPELLINGS = {"BY": ["BY", "BY", "BLR", "Belarus", "Беларусь", "Республика Беларусь"],
                     "RU": ["RU", "RU", "RUS", "Russia", "Россия"], "KZ": ["KZ", "KZ", "Kazakhstan", "Казахстан"],
                     "DE": ["DE", "DE", "DEU", "Germany"], "PL": ["PL", "PL", "Poland"], "LT": ["LT", "LT", "Lithuania"]}


def cache_dir() -> Path:
    base = os.environ.get("COMPLIANCE_BENCH_CACHE") or os.path.join(os.path.expanduser("~"), ".cache",
                                                                      "compliance-bench")
    return Path(base) / "scale"


def _word(rng: random.Random, syllables: list[str]) -> str:
    return "".join(rng.choice(syllables) for _ in range(rng.choice((2, 2, 3)))).capitalize()


def _company(rng: random.Random, country: str) -> str:
    cyrillic = country in ("BY", "RU", "KZ", "UZ", "KG") and rng.random() < 0.45
    if cyrillic:
        name = f"{_word(rng, CYR_SYLLABLES)} {rng.choice(CYR_WORDS)}" if rng.random() < 0.6 else _word(rng, CYR_SYLLABLES)
        form = rng.choice([f for f in LEGAL[country] if not f.isascii()] or ["ООО"])
        return f"{form} «{name}»"
    name = _word(rng, SYLLABLES)
    if rng.random() < 0.6:
        name += " " + rng.choice(WORDS)
    if rng.random() < 0.15:
        name += " " + _word(rng, SYLLABLES)
    form = rng.choice([f for f in LEGAL.get(country, ["Ltd"]) if f.isascii()] or ["LLC"])
    return f"{form} {name}" if form in ("UAB", "SIA", "TOO", "OOO", "ODO", "TOV", "JSC", "CJSC") else f"{name} {form}"


class Pool:
    """Distinct parties drawn with Zipf-like weights (rank ** -s)."""

    def __init__(self, rng: random.Random, n: int, countries: list[str], s: float = 1.05) -> None:
        self.items: list[tuple[str, str]] = []
        seen: set[str] = set()
        while len(self.items) < n:
            c = rng.choice(countries)
            name = _company(rng, c)
            if name not in seen:
                seen.add(name)
                self.items.append((name, c))
        self.cum = list(accumulate((i + 1) ** -s for i in range(n)))

    def pick(self, rng: random.Random) -> tuple[str, str]:
        return self.items[min(bisect.bisect(self.cum, rng.random() * self.cum[-1]), len(self.items) - 1)]


def _hs(rng: random.Random, code6: str) -> str:
    """A CN/HTS code under the HS6, written as customers write it."""
    full = code6 + (f"{rng.randrange(0, 100):02d}" if rng.random() < 0.7 else "")
    if rng.random() < 0.1:
        full += f"{rng.randrange(0, 100):02d}"
    style = rng.random()
    if style < 0.4:
        return full
    if style < 0.75:
        return ".".join([full[:4], full[4:6], *([full[6:8]] if len(full) > 6 else []), *([full[8:]] if len(full) > 8 else [])])
    return " ".join([full[:4], full[4:6], *([full[6:]] if len(full) > 6 else [])])


def _country(rng: random.Random, code: str) -> str:
    return rng.choice(COUNTRY_SPELLINGS[code]) if code in COUNTRY_SPELLINGS and rng.random() < 0.3 else code


def _curated_names() -> list[tuple[str, str]]:
    data = yaml.safe_load(CURATED.read_text(encoding="utf-8"))
    out: list[tuple[str, str]] = []
    for e in data["entities"]:
        if e.get("kind") != "organization":
            continue
        country = (e.get("countries") or ["BY"])[0]
        for n in [e["name"], e.get("ru"), e.get("be"), *(e.get("aliases") or [])]:
            if n and len(n) > 3:
                out.append((n, country))
    return out


def generate(path: Path, rows: int, seed: int = 20261202, parties: int = 20_000) -> Path:
    rng = random.Random(seed)
    # Roughly 40 % of parties export (mostly from the EU), 60 % receive (EU, third countries, others).
    exporters = Pool(rng, parties * 2 // 5, EU * 3 + ["TR", "CN", "US", "GB", "CH"])
    receivers = Pool(rng, parties - parties * 2 // 5, EU * 2 + THIRD * 2 + OTHER + ["BY", "RU"])
    makers = Pool(rng, 300, ["DE", "NL", "JP", "US", "CH", "SE", "FR", "IT", "CN"])
    listed = _curated_names()
    start = dt.date(2025, 1, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        for i in range(1, rows + 1):
            r = rng.random()
            ex, exc = exporters.pick(rng)
            co, coc = receivers.pick(rng)
            row: dict[str, object] = {"shipment_id": f"FW-{i:08d}", "exporter_name": ex, "exporter_country": exc,
                                      "consignee_name": co, "consignee_country": coc, "destination_country": coc,
                                      "origin_country": exc if rng.random() < 0.7 else rng.choice(EU + ["CN", "TR"]),
                                      "currency": "EUR" if rng.random() < 0.93 else rng.choice(["USD", "PLN"]),
                                      "date": (start + dt.timedelta(days=rng.randrange(0, 700))).isoformat()}
            if r < 0.10:
                code, desc, unit = rng.choice(HUMANITARIAN)
            elif r < 0.22:
                code, desc, unit = rng.choice(SENSITIVE)
                if rng.random() < 0.5:
                    mk, mkc = makers.pick(rng)
                    row.update(manufacturer_name=mk, manufacturer_country=mkc)
                    if coc in THIRD and rng.random() < 0.6:
                        issuer = rng.choice(["manufacturer", "manufacturer", "supplier", "exporter", "authority"])
                        row.update(end_use_doc_type=rng.choice(["end_user_certificate", "end_use_statement", "EUC"]),
                                   end_use_doc_issuer=issuer, end_use_doc_id=f"EUC-{rng.randrange(10**6):06d}")
            else:
                code, desc, unit = rng.choice(ORDINARY)
            if rng.random() < 0.05:
                row["transit_countries"] = ";".join(rng.sample(EU, rng.choice((1, 2))))
            # The problematic few per cent.
            p = rng.random()
            if p < 0.006:  # a listed company, in one of its spellings
                name, country = rng.choice(listed)
                role = rng.choice(["exporter", "consignee", "end_user"])
                row[f"{role}_name"] = name
                row[f"{role}_country"] = _country(rng, country)
                if role == "exporter":
                    code, desc, unit = rng.choice(IMPORT_BANNED)
                    row["origin_country"] = _country(rng, "BY")
                    row["destination_country"] = rng.choice(EU)
                    row["consignee_country"] = row["destination_country"]
            elif p < 0.012:  # Belarusian import-banned goods
                code, desc, unit = rng.choice(IMPORT_BANNED)
                row.update(origin_country=_country(rng, "BY"), destination_country=rng.choice(EU))
                row["consignee_country"] = row["destination_country"]
            elif p < 0.018:  # export-restricted goods to BY/RU
                code, desc, unit = rng.choice(SENSITIVE)
                dest = rng.choice(["BY", "BY", "RU"])
                row.update(destination_country=_country(rng, dest), consignee_country=dest)
            elif p < 0.026:  # through Belarus
                if rng.random() < 0.5:
                    code, desc, unit = rng.choice(SENSITIVE)
                row.update(transit_countries=rng.choice(["PL;BY;RU", "LT > BY", "PL|BY|RU|KZ", "Польша;Беларусь"]),
                           destination_country=rng.choice(["KZ", "UZ", "KG", "RU"]))
            elif p < 0.032:  # third-country diversion
                row.update(destination_country=rng.choice(["KZ", "AM", "AE", "TR"]),
                           end_user_name=_company(rng, "BY"), end_user_country=_country(rng, rng.choice(["BY", "RU"])))
            elif p < 0.033:  # malformed rows
                bad = rng.randrange(4)
                if bad == 0:
                    code = rng.choice(["84", "n/a", "HS-CODE"])
                elif bad == 1:
                    row["destination_country"] = rng.choice(["Kazakstanland", "XX", "??"])
                elif bad == 2:
                    row["value"] = "-" + str(rng.randrange(100, 9000))
                else:
                    row["date"] = "2026-02-30"
            row.setdefault("hs_code", _hs(rng, code) if code.isdigit() else code)
            row["description"] = desc if rng.random() < 0.8 else f"{desc}, order {rng.randrange(1, 9999)}"
            row["destination_country"] = _country(rng, str(row["destination_country"]))
            row["quantity"] = rng.randrange(1, 5000)
            row["unit"] = unit
            row.setdefault("value", round(rng.lognormvariate(9, 1.3), 2))
            w.writerow(["" if row.get(c) is None else row.get(c) for c in COLUMNS])
    os.replace(tmp, path)
    return path


def dataset(rows: int, seed: int = 20261202) -> Path:
    """The cached file for ``rows`` rows (generated on first use)."""
    path = cache_dir() / f"shipments_{rows}_{seed}.csv"
    if not path.exists():
        generate(path, rows, seed)
    return path


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--out", type=Path, default=None, help="Output CSV (default: the cache directory).")
    args = ap.parse_args(argv)
    path = generate(args.out, args.rows, args.seed) if args.out else dataset(args.rows, args.seed)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
