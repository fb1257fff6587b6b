"""A varied batch for engine tests: every branch the goods, route, document, quota and party
rules have, with the values that decide them, mixed at random (deterministic per seed).

Rows are raw (text cells as a CSV gives them), so the fast parser and the model are compared
too. Small by design: engine tests must keep ``make test`` fast.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from compliance.io import RawRow
from compliance.models import INPUT_COLUMNS
from compliance.rules.loader import RuleBundle

COUNTRIES = ["BY", "RU", "KZ", "AM", "AE", "CN", "TR", "DE", "PL", "LT", "US", "GB", "CH", "UA", "BR", None,
             "Беларусь", "Belarus", "BLR", "Russia", "kazakhstan", " de "]
ROUTES = ["", "BY", "RU", "PL;BY", "PL;BY;RU", "BY;PL", "LT > BY > RU > KZ", "DE|PL", "KZ", "RU;KZ", "Польша;Беларусь"]
DOC_TYPES = ["", "none", "end_user_certificate", "EUC", "end_use_statement", "import_certificate", "something"]
ISSUERS = ["", "manufacturer", "supplier", "exporter", "consignee", "authority", "Manufacturer", "unknown"]
ORDINARY = ["940360", "6109 10 00", "3917.32", "4819", "9405.11.40", "7013 49 10"]
HUMANITARIAN = ["3004.90.00", "1905 90", "9018.39", "0406", "2204 21", "1604 31"]  # wine, caviar: luxury rows
NAMES = ["JSC Belaruskali", "ОАО «Беларуськалий»", "Hrodna Azot OAO", "Minsk Wheeled Tractor Plant", "Belshina JSC",
         "OAO BELAZ", "Polmex Sp. z o.o.", "Müller Maschinenbau GmbH", "Almaty Automation LLP", "Minsk Trading LLC",
         "Belarus Plant Supplies GmbH", "Siemens Electronics GmbH", "Naftan", "Aliaksandr Lukashenka", ""]
DATES = ["2021-06-01", "2021-12-31", "2022-03-03", "2022-06-04", "2022-06-05", "2023-08-05", "2024-03-20",
         "2024-06-30", "2024-07-01", "2025-06-12", "2025-12-15", "2026-03-01", "2026-03-31", "", "01.07.2024"]
BAD = [("hs_code", "84"), ("hs_code", "n/a"), ("destination_country", "Atlantis"), ("value", "-5"),
       ("date", "2026-02-30"), ("quantity", "many"), ("shipment_id", "")]


def _codes(bundle: RuleBundle, rng: random.Random) -> list[str]:
    """Listed codes as declared (exact, broader, longer, with separators), and unrelated ones."""
    out = list(ORDINARY) + list(HUMANITARIAN)
    listed = sorted({e.code for entries in bundle.goods.values() for e in entries if len(e.code) >= 4})
    for code in rng.sample(listed, min(60, len(listed))):
        out.append(code)
        out.append(code + "".join(str(rng.randrange(10)) for _ in range(2)))
        if len(code) > 4:
            out.append(code[:4])
        out.append(" ".join([code[:4], code[4:]]).strip())
    out += ["9101 21", "9101.11.00", "7113 19"]  # luxury rows read the value per item
    return out


def varied_rows(bundle: RuleBundle, n: int, seed: int = 7) -> list[RawRow]:
    rng = random.Random(seed)
    codes = _codes(bundle, rng)
    start = dt.date(2026, 1, 1)
    rows: list[RawRow] = []
    for i in range(1, n + 1):
        maker = rng.choice(NAMES[5:])
        row: dict[str, Any] = {
            "shipment_id": f"V{i:05d}",
            "hs_code": rng.choice(codes),
            "destination_country": rng.choice([c for c in COUNTRIES if c]),
            "description": rng.choice(["", "Goods", "Microcontrollers lot 7", "=cmd()", "Wine, red"]),
            "origin_country": rng.choice(COUNTRIES) or "",
            "transit_countries": rng.choice(ROUTES),
            "exporter_name": rng.choice(NAMES + [maker]),
            "exporter_country": rng.choice(COUNTRIES) or "",
            "consignee_name": rng.choice(NAMES),
            "consignee_country": rng.choice(COUNTRIES) or "",
            "end_user_name": rng.choice(NAMES[-4:]),
            "end_user_country": rng.choice(COUNTRIES + [None] * 6) or "",
            "manufacturer_name": maker if rng.random() < 0.4 else "",
            "manufacturer_country": rng.choice(COUNTRIES) or "",
            "end_use_doc_type": rng.choice(DOC_TYPES),
            "end_use_doc_issuer": rng.choice(ISSUERS),
            "end_use_doc_id": rng.choice(["", "", f"EUC-{rng.randrange(100)}"]),
            "quantity": rng.choice(["", "1", "10", "3", "0", "1 000,5"]),
            "unit": rng.choice(["pcs", "kg", "", "шт", "t"]),
            "value": rng.choice(["", "250", "3000", "29999.99", "45000", "120 000,00", "1,234.50"]),
            "currency": rng.choice(["EUR", "EUR", "EUR", "", "USD"]),
            "date": rng.choice(DATES) if rng.random() < 0.6 else (start + dt.timedelta(days=rng.randrange(0, 120))).isoformat(),
        }
        if rows and rng.random() < 0.6:
            # A repeat of an earlier row's goods and route with this row's own id, description,
            # document number, parties and amounts: what the caches must tell apart.
            earlier = dict(rng.choice(rows).data)
            for k in ("shipment_id", "description", "end_use_doc_id", "exporter_name", "consignee_name",
                      "end_user_name", "quantity", "value", "date"):
                if rng.random() < 0.5 or k == "shipment_id":
                    earlier[k] = row[k]
            row = earlier
        if rng.random() < 0.03:
            field, value = rng.choice(BAD)
            row[field] = value
        data = {k: row[k] for k in INPUT_COLUMNS}
        rows.append(RawRow(i, data, dict(data)))
    return rows


def quota_rows(n: int, start: int = 1) -> list[RawRow]:
    """CHPL goods to Kazakhstan in one month: the quota total crosses its threshold mid-batch."""
    rows = []
    for i in range(start, start + n):
        data = {"shipment_id": f"Q{i}", "hs_code": "854231", "destination_country": "KZ", "value": "23000",
                "currency": "EUR" if i % 5 else "USD", "date": f"2026-03-{1 + i % 28:02d}",
                "end_use_doc_type": "end_user_certificate", "end_use_doc_issuer": "manufacturer"}
        rows.append(RawRow(i, data, dict(data)))
    return rows
