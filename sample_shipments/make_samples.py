"""Regenerate the sample shipment files (deterministic: same bytes every run).

    python sample_shipments/make_samples.py

Writes weekly_batch.csv, customer_erp_export.csv (+ its mapping file is hand-written),
cyrillic_cp1251.csv and expected_verdicts.csv (the planted rows and the verdict the policy
gives them, with why). Companies in the clean rows are fictitious; the flagged parties are
real listed entities from the legal-facts reference (section 8).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

HERE = Path(__file__).parent
COLUMNS = ["shipment_id", "hs_code", "destination_country", "description", "origin_country", "transit_countries",
           "exporter_name", "exporter_country", "consignee_name", "consignee_country", "end_user_name",
           "end_user_country", "manufacturer_name", "manufacturer_country", "end_use_doc_type", "end_use_doc_issuer",
           "end_use_doc_id", "quantity", "unit", "value", "currency", "date"]

# Ordinary goods (neither sensitive nor humanitarian, not import-banned): code, description, unit.
ORDINARY = [
    ("9403.60.10", "Wooden dining tables, oak veneer", "pcs"), ("6109 10 00", "Cotton T-shirts, knitted", "pcs"),
    ("6203.42", "Men's cotton trousers", "pcs"), ("3917 32", "Flexible plastic hoses", "m"),
    ("4819.10.00", "Corrugated cardboard boxes", "pcs"), ("6403.99", "Leather safety boots", "pairs"),
    ("7013.49", "Drinking glasses, tempered", "pcs"), ("9401.61", "Upholstered office chairs", "pcs"),
    ("3924.10", "Plastic kitchenware", "pcs"), ("6302.60", "Terry towels, cotton", "pcs"),
    ("9503.00.70", "Wooden toy puzzles", "pcs"), ("4202 92", "Textile travel bags", "pcs"),
    ("3208.20", "Acrylic lacquer for furniture", "kg"), ("6908.90", "Ceramic floor tiles", "m2"),
    ("9405.11", "LED ceiling luminaires", "pcs"), ("3401.11", "Toilet soap bars", "kg"),
]
HUMANITARIAN = [
    ("3004.90.00", "Medicaments, paracetamol tablets 500 mg, packed for retail", "boxes"),
    ("3004.20", "Antibiotics (amoxicillin capsules), retail packs", "boxes"),
    ("9018.39", "Sterile syringes and catheters", "pcs"), ("1905.90", "Biscuits and crackers", "kg"),
    ("0406.90", "Hard cheese, Gouda", "kg"), ("1101.00", "Wheat flour", "kg"), ("2106.90", "Infant food preparations", "kg"),
    ("9019.20", "Oxygen therapy apparatus", "pcs"), ("0808.10", "Fresh apples", "kg"), ("3002.41", "Vaccines for human medicine", "doses"),
]
# CHPL tier 1/2 electronics (codes from ../shared/data/chpl/chpl_hs6.csv).
CHPL = [("8542.31.90", "Microcontrollers, 32-bit ARM", "pcs"), ("8542.32", "DRAM memory chips", "pcs"),
        ("8517.62", "Industrial Ethernet switches", "pcs"), ("8526.91", "GNSS receiver modules", "pcs"),
        ("8471.50", "Industrial computers", "pcs")]
EU_IMPORTERS = [("Baltic Fertiliser Trading UAB", "LT"), ("Hanse Agrar GmbH", "DE"), ("Nordholz Sp. z o.o.", "PL"),
                ("Rhein Stahlhandel GmbH", "DE"), ("Reifen Weber KG", "DE"), ("Latvijas Degviela SIA", "LV")]
EXPORTERS = [("Müller Maschinenbau GmbH", "DE"), ("Polmex Sp. z o.o.", "PL"), ("Baltic Freight Solutions UAB", "LT"),
             ("Lyon Textiles SARL", "FR"), ("Verona Arredamenti S.r.l.", "IT"), ("Nordic Home AB", "SE"),
             ("Rotterdam Trade Partners B.V.", "NL"), ("Pharma Baltija UAB", "LT"), ("Kraków Foods S.A.", "PL")]
CONSIGNEES = [("Almaty Retail Group LLP", "KZ"), ("Istanbul Ev Tekstil A.Ş.", "TR"), ("Shanghai Homeware Co., Ltd.", "CN"),
              ("Berlin Möbelhaus GmbH", "DE"), ("Paris Maison SAS", "FR"), ("Chicago Home Supply Inc.", "US"),
              ("Manchester Interiors Ltd", "GB"), ("Tashkent Savdo LLC", "UZ"), ("Minsk Trading LLC", "KZ"),
              ("Belarus Plant Supplies GmbH", "DE"), ("Vilnius Prekyba UAB", "LT"), ("Tbilisi Home LLC", "GE"),
              ("Dubai General Trading FZE", "AE"), ("Yerevan Retail CJSC", "AM"), ("Madrid Hogar S.L.", "ES")]
ELECTRONICS_MAKERS = [("Siemens Electronics GmbH", "DE"), ("Nordic Semi AS", "NO"), ("Infineon Distribution GmbH", "DE")]


def _date(rng: random.Random) -> str:
    return (dt.date(2026, 1, 5) + dt.timedelta(days=rng.randrange(0, 320))).isoformat()


def _row(**kw: object) -> dict[str, str]:
    return {c: "" if kw.get(c) is None else str(kw.get(c)) for c in COLUMNS}


def weekly_batch(rng: random.Random) -> tuple[list[dict[str, str]], list[tuple[str, str, str]]]:
    rows: list[dict[str, str]] = []
    expected: list[tuple[str, str, str]] = []
    n = 0

    def add(verdict: str | None, why: str, **kw: object) -> None:
        nonlocal n
        n += 1
        sid = f"WB-2026-{n:04d}"
        kw.setdefault("date", _date(rng))
        kw.setdefault("currency", "EUR")
        rows.append(_row(shipment_id=sid, **kw))
        if verdict:
            expected.append((sid, verdict, why))

    def ordinary(**over: object) -> None:
        code, desc, unit = rng.choice(ORDINARY)
        ex, exc = rng.choice(EXPORTERS)
        co, coc = rng.choice(CONSIGNEES)
        kw: dict[str, object] = dict(hs_code=code, description=desc, destination_country=coc, origin_country=exc,
                                     exporter_name=ex, exporter_country=exc, consignee_name=co, consignee_country=coc,
                                     quantity=rng.randrange(10, 2000), unit=unit, value=rng.randrange(900, 60000))
        kw.update(over)
        add(None, "", **kw)

    # The planted cases, spread through the batch among ordinary rows.
    planted = [
        lambda: add("BLOCK", "potash from Belarus (import ban, Art. 1i) and exporter Belaruskali (EU Annex I)",
                    hs_code="3104 20 50", description="Potassium chloride, granular, 60% K2O", origin_country="BY",
                    destination_country="PL", exporter_name="JSC Belaruskali", exporter_country="Беларусь",
                    consignee_name="Nordholz Sp. z o.o.", consignee_country="PL", quantity=3000, unit="t", value=870000),
        lambda: add("BLOCK", "potash exported from Belarus, whatever the trader's name",
                    hs_code="31042010", description="Potash fertiliser", origin_country="BLR", destination_country="LT",
                    exporter_name="Soligorsk Agro Export LLC", exporter_country="BY", consignee_name="Baltic Fertiliser Trading UAB",
                    consignee_country="LT", quantity=1200, unit="t", value=350000),
        lambda: add("BLOCK", "sawn wood of Belarusian origin (import ban, Art. 1o, chapter 44)",
                    hs_code="4407.11", description="Sawn pine timber, kiln dried", origin_country="112",
                    destination_country="LT", exporter_name="Lida Timber ODO", exporter_country="BY",
                    consignee_name="Vilnius Prekyba UAB", consignee_country="LT", quantity=80, unit="m3", value=24000),
        lambda: add("BLOCK", "hot-rolled steel from Belarus (Art. 1q) and exporter BMZ (EU Annex I since 2023-08-03)",
                    hs_code="7208 51", description="Hot-rolled steel plates", origin_country="Belarus", destination_country="DE",
                    exporter_name="Byelorussian Steel Works", exporter_country="BY", consignee_name="Rhein Stahlhandel GmbH",
                    consignee_country="DE", quantity=500, unit="t", value=410000),
        lambda: add("BLOCK", "new tyres from Belarus (rubber import ban)",
                    hs_code="4011.20.90", description="Truck tyres 315/80 R22.5", origin_country="BY",
                    destination_country="DE", exporter_name="Bobruisk Tyre Trading", exporter_country="BY",
                    consignee_name="Reifen Weber KG", consignee_country="DE", quantity=400, unit="pcs", value=96000),
        lambda: add("BLOCK", "diesel fuel from Belarus (petroleum import ban) from refinery Naftan",
                    hs_code="2710 19 43", description="Diesel fuel EN 590", origin_country="BY", destination_country="LV",
                    exporter_name="OAO Naftan", exporter_country="BY", consignee_name="Latvijas Degviela SIA",
                    consignee_country="LV", quantity=900, unit="t", value=720000),
        lambda: add("BLOCK", "Portland cement from Belarus (cement import ban, 2523)",
                    hs_code="2523.29", description="Portland cement CEM I 42.5", origin_country="BY", destination_country="PL",
                    exporter_name="Krasnoselskstroymaterialy", exporter_country="BY", consignee_name="Polmex Sp. z o.o.",
                    consignee_country="PL", quantity=2000, unit="t", value=150000),
        lambda: add("BLOCK", "CHPL microcontrollers exported to Belarus",
                    hs_code="8542.31.90", description="Microcontrollers, 32-bit ARM", destination_country="BY",
                    exporter_name="Müller Maschinenbau GmbH", exporter_country="DE", consignee_name="Minsk Electronics Service ODO",
                    consignee_country="BY", quantity=5000, unit="pcs", value=42000),
        lambda: add("BLOCK", "CHPL memory chips to Russia (harmonised with the Russia measures)",
                    hs_code="854232", description="DRAM memory chips", destination_country="RU",
                    exporter_name="Rotterdam Trade Partners B.V.", exporter_country="NL", consignee_name="Elektronika Torg OOO",
                    consignee_country="RU", quantity=2000, unit="pcs", value=28000),
        lambda: add("CLEAR", "CHPL goods to Kazakhstan documented by the manufacturer's end-user certificate",
                    hs_code="8517.62", description="Industrial Ethernet switches", destination_country="KZ",
                    exporter_name="Siemens Electronics GmbH", exporter_country="DE", consignee_name="Almaty Automation LLP",
                    consignee_country="KZ", end_user_name="Almaty Automation LLP", end_user_country="KZ",
                    manufacturer_name="Siemens Electronics GmbH", manufacturer_country="DE",
                    end_use_doc_type="end_user_certificate", end_use_doc_issuer="manufacturer", end_use_doc_id="EUC-SE-2026-0113",
                    quantity=40, unit="pcs", value=36000),
        lambda: add("REVIEW", "CHPL goods to Kazakhstan with an end-use statement issued by the supplier, not the manufacturer",
                    hs_code="8526.91", description="GNSS receiver modules", destination_country="KZ",
                    exporter_name="Baltic Freight Solutions UAB", exporter_country="LT", consignee_name="Astana Navigation TOO",
                    consignee_country="KZ", manufacturer_name="Nordic Semi AS", manufacturer_country="NO",
                    end_use_doc_type="end_use_statement", end_use_doc_issuer="supplier", end_use_doc_id="EUS-77812",
                    quantity=300, unit="pcs", value=18000),
        lambda: add("REVIEW", "CHPL goods to Armenia with no end-use document",
                    hs_code="8471.50", description="Industrial computers", destination_country="AM",
                    exporter_name="Polmex Sp. z o.o.", exporter_country="PL", consignee_name="Yerevan Retail CJSC",
                    consignee_country="AM", quantity=25, unit="pcs", value=31000),
        lambda: add("BLOCK", "CHPL goods routed through Belarus (transit ban)",
                    hs_code="8542 31", description="Microcontrollers", destination_country="KZ", transit_countries="PL;BY;RU",
                    exporter_name="Infineon Distribution GmbH", exporter_country="DE", consignee_name="Almaty Automation LLP",
                    consignee_country="KZ", manufacturer_name="Infineon Distribution GmbH", manufacturer_country="DE",
                    end_use_doc_type="end_user_certificate", end_use_doc_issuer="manufacturer", quantity=1000, unit="pcs",
                    value=15000),
        lambda: add("CLEAR", "medicines routed through Belarus: humanitarian goods are not sanctioned",
                    hs_code="3004.90.00", description="Medicaments, paracetamol 500 mg", destination_country="KZ",
                    transit_countries="PL > BY > RU", exporter_name="Pharma Baltija UAB", exporter_country="LT",
                    consignee_name="Almaty Pharm LLP", consignee_country="KZ", quantity=1200, unit="boxes", value=9600),
        lambda: add("CLEAR", "biscuits routed through Belarus: food is humanitarian",
                    hs_code="1905.90", description="Biscuits and crackers", destination_country="KZ", transit_countries="LT|BY",
                    exporter_name="Kraków Foods S.A.", exporter_country="PL", consignee_name="Almaty Retail Group LLP",
                    consignee_country="KZ", quantity=8000, unit="kg", value=21000),
        lambda: add("REVIEW", "ordinary goods routed through Belarus",
                    hs_code="9403.60.10", description="Wooden dining tables", destination_country="KZ",
                    transit_countries="PL;BY", exporter_name="Verona Arredamenti S.r.l.", exporter_country="IT",
                    consignee_name="Almaty Retail Group LLP", consignee_country="KZ", quantity=60, unit="pcs", value=12000),
        lambda: add("BLOCK", "third-country diversion: CHPL goods to Kazakhstan for an end user in Russia",
                    hs_code="8542.32", description="DRAM memory chips", destination_country="KZ",
                    exporter_name="Rotterdam Trade Partners B.V.", exporter_country="NL", consignee_name="Astana Components TOO",
                    consignee_country="KZ", end_user_name="Elektronika Torg OOO", end_user_country="Russia",
                    end_use_doc_type="end_user_certificate", end_use_doc_issuer="consignee", quantity=3000, unit="pcs",
                    value=51000),
        lambda: add("REVIEW", "ordinary goods to Kazakhstan for a consignee in Belarus",
                    hs_code="6109 10 00", description="Cotton T-shirts", destination_country="KZ",
                    exporter_name="Lyon Textiles SARL", exporter_country="FR", consignee_name="Vitebsk Odezhda ODO",
                    consignee_country="BY", quantity=2000, unit="pcs", value=9000),
        lambda: add("CLEAR", "ordinary goods sent straight to Belarus are not banned",
                    hs_code="6302.60", description="Terry towels, cotton", destination_country="BY",
                    exporter_name="Nordic Home AB", exporter_country="SE", consignee_name="Gomel Tekstil ODO",
                    consignee_country="BY", quantity=1500, unit="pcs", value=6000),
        lambda: add("BLOCK", "consignee MZKT is listed (EU Annex I since 2020-12-17)",
                    hs_code="8483.40", description="Gearboxes for heavy vehicles", destination_country="BY",
                    exporter_name="Müller Maschinenbau GmbH", exporter_country="DE", consignee_name="Minsk Wheeled Tractor Plant",
                    consignee_country="BY", quantity=12, unit="pcs", value=88000),
        lambda: add("BLOCK", "machinery to Belarus (Art. 1s) for BelAZ (EU Annex I)",
                    hs_code="8429.51", description="Front-end shovel loaders", destination_country="BY",
                    exporter_name="Müller Maschinenbau GmbH", exporter_country="DE", consignee_name="OAO BELAZ",
                    consignee_country="BY", quantity=2, unit="pcs", value=380000),
        lambda: add("BLOCK", "exporter Grodno Azot is listed (EU Annex I since 2021-12-02)",
                    hs_code="3102.10", description="Urea fertiliser", origin_country="BY", destination_country="LT",
                    exporter_name="Hrodna Azot OAO", exporter_country="BY", consignee_name="Baltic Fertiliser Trading UAB",
                    consignee_country="LT", quantity=500, unit="t", value=190000),
        lambda: add("BLOCK", "a frozen person's company: humanitarian goods still need a licence",
                    hs_code="3004.20", description="Antibiotics, retail packs", destination_country="BY",
                    exporter_name="Pharma Baltija UAB", exporter_country="LT", consignee_name="Belavia Belarusian Airlines",
                    consignee_country="BY", quantity=200, unit="boxes", value=4000),
        lambda: add("REVIEW", "consignee Belshina: EU listing annulled on 2024-03-20 (T-115/22), so on this date only "
                              "the US listing remains: secondary exposure under EU",
                    hs_code="3917 32", description="Flexible plastic hoses", destination_country="BY",
                    exporter_name="Polmex Sp. z o.o.", exporter_country="PL", consignee_name="Belshina JSC",
                    consignee_country="BY", quantity=800, unit="m", value=4000, date="2025-06-12"),
        lambda: add("CLEAR", "a clean company with a confusing name",
                    hs_code="9401.61", description="Upholstered office chairs", destination_country="KZ",
                    exporter_name="Verona Arredamenti S.r.l.", exporter_country="IT", consignee_name="Minsk Trading LLC",
                    consignee_country="KZ", quantity=100, unit="pcs", value=11000),
        lambda: add("CLEAR", "a clean German company with 'Belarus' in its name",
                    hs_code="3917 32", description="Flexible plastic hoses", destination_country="DE",
                    exporter_name="Polmex Sp. z o.o.", exporter_country="PL", consignee_name="Belarus Plant Supplies GmbH",
                    consignee_country="DE", quantity=500, unit="m", value=3000),
        lambda: add("BLOCK", "luxury goods (Art. 1? luxury annex, watches above EUR 300 per item) to Belarus",
                    hs_code="9101.21", description="Automatic wrist watches, gold case", destination_country="BY",
                    exporter_name="Genève Horlogerie SA", exporter_country="CH", consignee_name="Minsk Luxury House ODO",
                    consignee_country="BY", quantity=10, unit="pcs", value=48000),
        lambda: add("ERROR", "hs_code of 2 digits", hs_code="84", description="Machinery", destination_country="KZ",
                    exporter_name="Müller Maschinenbau GmbH", exporter_country="DE", value=1000),
        lambda: add("ERROR", "destination country misspelt", hs_code="9403.60", description="Furniture",
                    destination_country="Kazakstanland", exporter_name="Verona Arredamenti S.r.l.", exporter_country="IT",
                    value=5000),
        lambda: add("ERROR", "negative value", hs_code="6109.10", description="T-shirts", destination_country="DE",
                    exporter_name="Lyon Textiles SARL", exporter_country="FR", value=-500),
        lambda: add("ERROR", "impossible date", hs_code="3924.10", description="Kitchenware", destination_country="FR",
                    exporter_name="Nordic Home AB", exporter_country="SE", value=800, date="2026-02-30"),
    ]
    slots = sorted(rng.sample(range(200), len(planted)))
    it = iter(planted)
    for i in range(200):
        if slots and i == slots[0]:
            slots.pop(0)
            next(it)()
        elif rng.random() < 0.12:
            code, desc, unit = rng.choice(HUMANITARIAN)
            ex, exc = rng.choice(EXPORTERS)
            co, coc = rng.choice(CONSIGNEES)
            add(None, "", hs_code=code, description=desc, destination_country=coc, origin_country=exc,
                exporter_name=ex, exporter_country=exc, consignee_name=co, consignee_country=coc,
                quantity=rng.randrange(10, 5000), unit=unit, value=rng.randrange(500, 40000))
        elif rng.random() < 0.08:
            # Electronics to partner countries: no document needed.
            code, desc, unit = rng.choice(CHPL)
            mk, mkc = rng.choice(ELECTRONICS_MAKERS)
            dest = rng.choice([("Chicago Home Supply Inc.", "US"), ("Manchester Interiors Ltd", "GB"), ("Berlin Möbelhaus GmbH", "DE")])
            add(None, "", hs_code=code, description=desc, destination_country=dest[1], exporter_name=mk, exporter_country=mkc,
                consignee_name=dest[0], consignee_country=dest[1], manufacturer_name=mk, manufacturer_country=mkc,
                quantity=rng.randrange(10, 500), unit=unit, value=rng.randrange(2000, 90000))
        else:
            ordinary()
    return rows, expected


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str], *, delimiter: str = ",",
              encoding: str = "utf-8") -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, delimiter=delimiter, lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


ERP_MAP = {"Order No": "shipment_id", "Commodity Code": "hs_code", "Goods Description": "description",
           "Ship-to Country": "destination_country", "Country of Origin": "origin_country", "Route": "transit_countries",
           "Shipper": "exporter_name", "Shipper Country": "exporter_country", "Consignee": "consignee_name",
           "Consignee Country": "consignee_country", "End User": "end_user_name", "End User Country": "end_user_country",
           "Manufacturer": "manufacturer_name", "Manufacturer Country": "manufacturer_country",
           "EUC Type": "end_use_doc_type", "EUC Issued By": "end_use_doc_issuer", "EUC No": "end_use_doc_id",
           "Qty": "quantity", "UoM": "unit", "Invoice Value": "value", "Currency": "currency", "Ship Date": "date"}


def erp_export(rng: random.Random) -> tuple[list[dict[str, str]], list[tuple[str, str, str]]]:
    inv = {v: k for k, v in ERP_MAP.items()}
    rows: list[dict[str, str]] = []
    expected: list[tuple[str, str, str]] = []
    reps = ["A. Nowak", "J. Schmidt", "L. Petraitė"]

    def add(verdict: str | None, why: str, **kw: object) -> None:
        sid = f"SO-{len(rows) + 48801}"
        kw.setdefault("date", _date(rng))
        kw.setdefault("currency", "EUR")
        value = kw.get("value")
        if isinstance(value, float | int):
            kw["value"] = f"{value:,.2f}".replace(",", " ").replace(".", ",")  # European: 12 345,50
        row = {inv[k]: "" if v is None else str(v) for k, v in kw.items()}
        row[inv["shipment_id"]] = sid
        row["Sales Rep"] = rng.choice(reps)
        rows.append(row)
        if verdict:
            expected.append((sid, verdict, why))

    for i in range(40):
        if i == 7:
            add("BLOCK", "machine tools to Belarus via a Latvian forwarder (machinery export ban)",
                hs_code="8458.11", description="CNC lathes", destination_country="Belarus", exporter_name="Polmex Sp. z o.o.",
                exporter_country="Poland", consignee_name="Brest Machine Works ODO", consignee_country="Belarus",
                transit_countries="LV", quantity=2, unit="pcs", value=164000.0)
        elif i == 15:
            add("REVIEW", "CHPL goods to Uzbekistan, end-use statement from the exporter who is not the manufacturer",
                hs_code="8542.39", description="Integrated circuits, power management", destination_country="Uzbekistan",
                exporter_name="Baltic Freight Solutions UAB", exporter_country="Lithuania", consignee_name="Tashkent Savdo LLC",
                consignee_country="Uzbekistan", manufacturer_name="Infineon Distribution GmbH", manufacturer_country="Germany",
                end_use_doc_type="EUS", end_use_doc_issuer="exporter", end_use_doc_id="EUS-2026-114", quantity=4000,
                unit="pcs", value=23500.5)
        elif i == 23:
            add("BLOCK", "sawn oak from Belarus routed via Poland", hs_code="4407 91", description="Sawn oak boards",
                origin_country="Belarus", destination_country="Germany", transit_countries="BY > PL",
                exporter_name="Pinsk Drev ODO", exporter_country="Belarus", consignee_name="Hanse Agrar GmbH",
                consignee_country="Germany", quantity=60, unit="m3", value=31000.0)
        elif i == 31:
            add("ERROR", "hs code is text", hs_code="n/a", description="Samples", destination_country="Germany",
                exporter_name="Nordic Home AB", exporter_country="Sweden", value=10.0)
        else:
            code, desc, unit = rng.choice(ORDINARY + HUMANITARIAN)
            ex, exc = rng.choice(EXPORTERS)
            co, coc = rng.choice(CONSIGNEES)
            add(None, "", hs_code=code, description=desc, destination_country=coc, exporter_name=ex, exporter_country=exc,
                consignee_name=co, consignee_country=coc, quantity=rng.randrange(1, 900), unit=unit,
                value=rng.randrange(100000, 9000000) / 100)
    return rows, expected


def cyrillic(rng: random.Random) -> tuple[list[dict[str, str]], list[tuple[str, str, str]]]:
    rows: list[dict[str, str]] = []
    expected: list[tuple[str, str, str]] = []

    def add(verdict: str | None, why: str, **kw: object) -> None:
        sid = f"ЛТ-{len(rows) + 1:03d}"
        kw.setdefault("date", _date(rng))
        kw.setdefault("currency", "EUR")
        rows.append(_row(shipment_id=sid, **kw))
        if verdict:
            expected.append((sid, verdict, why))

    add("BLOCK", "калий из Беларуси; экспортёр ОАО «Беларуськалий»", hs_code="3104 20 50", description="Калий хлористый",
        origin_country="Беларусь", destination_country="Литва", exporter_name="ОАО «Беларуськалий»",
        exporter_country="Республика Беларусь", consignee_name="UAB Baltic Fertiliser Trading", consignee_country="Литва",
        quantity=1000, unit="т", value=290000)
    add("BLOCK", "азотные удобрения; экспортёр ААТ «Гродна Азот» (EU Annex I)", hs_code="3102.30",
        description="Нитрат аммония", origin_country="Беларусь", destination_country="Польша",
        exporter_name="ААТ «Гродна Азот»", exporter_country="Беларусь", consignee_name="Polmex Sp. z o.o.",
        consignee_country="Польша", quantity=300, unit="т", value=96000)
    add("BLOCK", "запчасти для ОАО «БЕЛАЗ» (EU Annex I)", hs_code="8431.49", description="Запасные части для самосвалов",
        destination_country="Беларусь", exporter_name="Mueller Maschinenbau GmbH", exporter_country="Германия",
        consignee_name="ОАО «БЕЛАЗ» — управляющая компания холдинга «БЕЛАЗ-ХОЛДИНГ»", consignee_country="Беларусь",
        quantity=50, unit="шт", value=64000)
    add("BLOCK", "шины из Беларуси", hs_code="4011.20", description="Шины грузовые", origin_country="Беларусь",
        destination_country="Литва", exporter_name="ЧТУП «Шинторг»", exporter_country="Беларусь",
        consignee_name="UAB Vilnius Prekyba", consignee_country="Литва", quantity=200, unit="шт", value=52000)
    clean = [("ООО «Ромашка»", "Россия", "Казахстан"), ("ЧУП «Витебские ковры»", "Беларусь", "Беларусь"),
             ("ТОО «Астана Сауда»", "Казахстан", "Казахстан"), ("UAB «Baltijos prekyba»", "Литва", "Литва"),
             ("ОДО «Мебель-Сервис»", "Беларусь", "Беларусь"), ("СООО «Белвест-Обувь Трейд»", "Беларусь", "Беларусь")]
    for _ in range(26):
        code, desc, unit = rng.choice([("9403.60.10", "Мебель деревянная для столовых", "шт"),
                                       ("6302.60", "Полотенца махровые хлопковые", "шт"),
                                       ("1905.90", "Печенье и галеты", "кг"), ("3004.90", "Лекарственные средства", "уп"),
                                       ("6403.99", "Обувь кожаная", "пар")])
        co, coc, dest = rng.choice(clean)
        add(None, "", hs_code=code, description=desc, destination_country=dest, exporter_name="UAB Baltic Freight Solutions",
            exporter_country="Литва", consignee_name=co, consignee_country=coc, quantity=rng.randrange(10, 900), unit=unit,
            value=rng.randrange(1000, 40000))
    return rows, expected


def main() -> None:
    rng = random.Random(20261124)
    wb, e1 = weekly_batch(rng)
    write_csv(HERE / "weekly_batch.csv", wb, COLUMNS)
    erp, e2 = erp_export(rng)
    write_csv(HERE / "customer_erp_export.csv", erp, [*ERP_MAP, "Sales Rep"], delimiter=";")
    cy, e3 = cyrillic(rng)
    write_csv(HERE / "cyrillic_cp1251.csv", cy, COLUMNS, delimiter=";", encoding="cp1251")
    with (HERE / "expected_verdicts.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "shipment_id", "expected_verdict", "why"])
        for name, exp in (("weekly_batch.csv", e1), ("customer_erp_export.csv", e2), ("cyrillic_cp1251.csv", e3)):
            for sid, verdict, why in exp:
                w.writerow([name, sid, verdict, why])


if __name__ == "__main__":
    main()
