"""Policy checks that a case table cannot express: a rule set with harmonise_russia off, and
the shape of every finding and of the folded result (CONTRACT §2, RULES.md)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from compliance.models import Severity, Verdict
from compliance.screener import Screener

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


def _row(**kw: Any) -> dict[str, Any]:
    return {"shipment_id": "P1", "date": "2025-03-10", **kw}


def test_harmonise_russia_off_per_rule_file(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    path = rules / "sector_export.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["harmonise_russia"] = False
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    off = Screener.load(rules, include_imported=False)
    on = Screener.load(include_imported=False)
    paper_ru = _row(hs_code="4813 10", destination_country="RU")
    paper_by = _row(hs_code="4813 10", destination_country="BY")
    assert on.screen(paper_ru).verdict == Verdict.BLOCK
    assert off.screen(paper_ru).verdict == Verdict.CLEAR
    assert off.screen(paper_by).verdict == Verdict.BLOCK
    # Only that file's rules change: dual-use to Russia still blocks.
    assert off.screen(_row(hs_code="9014 20", destination_country="RU")).verdict == Verdict.BLOCK


ROWS = [
    _row(hs_code="854231", destination_country="KZ", consignee_country="BY", transit_countries="PL;BY",
         end_use_doc_type="end_use_statement", end_use_doc_issuer="supplier"),
    _row(hs_code="3104 20 50", destination_country="DE", origin_country="BY", exporter_name="Belaruskali OAO"),
    _row(hs_code="1001 99", destination_country="KZ", consignee_country="BY", transit_countries="BY",
         consignee_name="Belavia"),
    _row(hs_code="9403 20", destination_country="KZ", transit_countries="PL;BY;RU", end_user_name="Integral"),
    _row(hs_code="8429 52", destination_country="BY", consignee_name="MZKT"),
]


@pytest.mark.parametrize("jurisdiction", ["EU", "LT", "US", "UK"])
@pytest.mark.parametrize("row", ROWS)
def test_result_shape(screener: Screener, row: dict[str, Any], jurisdiction: str) -> None:
    result = screener.screen(row, jurisdiction=jurisdiction)
    assert result.findings
    ranks = [f.severity.rank for f in result.findings]
    assert ranks == sorted(ranks, reverse=True), "rule_ids must be most severe first"
    assert result.rule_ids == [f.rule_id for f in result.findings]
    assert len(result.reasons) == len(result.findings)
    worst = max(result.findings, key=lambda f: f.severity.rank).severity
    expected = {Severity.block: Verdict.BLOCK, Severity.review: Verdict.REVIEW, Severity.info: Verdict.CLEAR}
    assert result.verdict == expected[worst]
    for f in result.findings:
        assert f.family.value in {"sector", "dual_use", "chpl", "transit", "party", "end_use_doc",
                                  "circumvention", "humanitarian"}
        assert f.regime and f.legal_basis and f.message and f.evidence, f.rule_id
        assert ";" not in f.message, f"{f.rule_id}: reasons are ';'-joined, one sentence each"
        assert "\n" not in f.message


@pytest.mark.parametrize(("name", "jurisdiction", "date", "verdict"), [
    ("Belaruskali OAO", "US", "2023-01-10", Verdict.BLOCK),    # SDN 2021, before GL 13
    ("Belaruskali OAO", "US", "2026-01-10", Verdict.REVIEW),   # GL 13 authorises dealings
    ("Belaruskali OAO", "UK", "2023-01-10", Verdict.BLOCK),    # UK designation 2 Dec 2021
    ("Belaruskali OAO", "EU", "2022-01-10", Verdict.REVIEW),   # EU listing starts 3 Jun 2022
    ("Slavkali", "EU", "2024-01-10", Verdict.REVIEW),          # US-only listing: secondary
    ("Slavkali", "US", "2024-01-10", Verdict.BLOCK),
])
def test_party_regime_decides(screener: Screener, name: str, jurisdiction: str, date: str,
                              verdict: Verdict) -> None:
    result = screener.screen(_row(hs_code="6203 42", destination_country="DE", consignee_name=name,
                                  date=date), jurisdiction=jurisdiction)
    assert result.verdict == verdict, [f.message for f in result.findings]
    party = [f for f in result.findings if f.family.value == "party"]
    assert party
    if verdict == Verdict.BLOCK:
        assert party[0].regime == jurisdiction


@pytest.mark.parametrize("issuer", ["supplier", "exporter", "consignee", "end_user", "freight forwarder"])
def test_non_manufacturer_document_names_the_lithuanian_rule(screener: Screener, issuer: str) -> None:
    row = _row(hs_code="854231", destination_country="AE", exporter_name="Baltic Components Trading",
               manufacturer_name="Nordchip Elektronik GmbH", end_use_doc_type="end_use_statement",
               end_use_doc_issuer=issuer)
    eu = screener.screen(row, jurisdiction="EU")
    lt = screener.screen(row, jurisdiction="LT")
    assert eu.verdict == Verdict.REVIEW
    assert lt.verdict == Verdict.BLOCK
    doc = next(f for f in lt.findings if f.rule_id == "BY-EUD-NOT-MANUFACTURER")
    assert doc.severity == Severity.block and "Lithuanian" in doc.message


def test_every_rule_code_is_a_real_hs_or_cn_code(shared_data: Path) -> None:
    """No invented codes: each goods code is an HS 2022 chapter/heading/subheading or a CN 2026
    code (reference conventions: CN is 8 digits, its first 6 the HS subheading)."""
    import csv
    import json

    with (shared_data / "hs" / "harmonized-system.csv").open(encoding="utf-8") as fh:
        known = {r["hscode"] for r in csv.DictReader(fh)}
    known |= {d["code"] for d in json.loads((shared_data / "cn" / "cnCodes_2026.json").read_text(encoding="utf-8"))}
    bundle = Screener.load(include_imported=False).bundle
    unknown = sorted(f"{rule_id} {e.code}" for rule_id, entries in bundle.goods.items()
                     for e in entries if e.code not in known)
    assert not unknown, unknown


def test_shipment_heading_table_matches_hs_2022(shared_data: Path) -> None:
    import csv

    from compliance.hs import hs_headings

    with (shared_data / "hs" / "harmonized-system.csv").open(encoding="utf-8") as fh:
        headings = {r["hscode"] for r in csv.DictReader(fh) if r["level"] == "4"}
    assert hs_headings() == headings


def test_wind_down_names_the_contract_cut_off_of_the_reference(screener: Screener) -> None:
    result = screener.screen(_row(hs_code="4403 12", destination_country="LT", origin_country="BY",
                                  date="2022-04-01"))
    (finding,) = [f for f in result.findings if f.rule_id == "BY-SECT-WOOD"]
    assert "concluded before 2022-03-02" in finding.message


def test_batch_caches_tell_rows_apart_by_manufacturer_country(screener: Screener) -> None:
    """The import bans read the manufacturer's country (made in Belarus, origin not declared as
    Belarusian: REVIEW): the batch engine's goods cache must key on it too."""
    from compliance.engine import BatchEngine
    from compliance.io import RawRow
    from compliance.models import INPUT_COLUMNS
    from tests.engine.test_engine import AS_OF, engine_results, reference

    rows = []
    for i, country in enumerate(["PL", "BY", "", "Belarus", "PL", "BY"]):
        data = {k: "" for k in INPUT_COLUMNS}
        data.update(shipment_id=f"M{i}", hs_code="7304 19", destination_country="DE", exporter_country="PL",
                    manufacturer_country=country, date="2025-01-10")
        rows.append(RawRow(i + 1, data, dict(data)))
    got = engine_results(BatchEngine(screener, as_of=AS_OF), rows, chunk=4)
    assert [r.model_dump(mode="json") for r in got] == [r.model_dump(mode="json") for r in reference(screener, rows)]
    assert [r.verdict for r in got] == [Verdict.CLEAR, Verdict.REVIEW, Verdict.CLEAR, Verdict.REVIEW,
                                        Verdict.CLEAR, Verdict.REVIEW]


def _goods_rows() -> list[Any]:
    """One shipment per goods code of the sector, dual-use and CHPL rules, sent the way its rule
    judges (export bans, dual-use, CHPL: to Belarus; import bans: of Belarusian origin into
    Germany), on the first day the code is in force after any wind-down."""
    import datetime as dt

    bundle = Screener.load(include_imported=False).bundle
    out = []
    for rule in bundle.rules:
        if rule.family.value not in ("sector", "dual_use", "chpl") or rule.params.get("to") == "high_risk":
            continue
        for e in bundle.goods.get(rule.id, ()):
            day = max(d for d in (rule.valid_from, e.valid_from) if d)
            if rule.wind_down_until and day <= rule.wind_down_until:
                day = rule.wind_down_until + dt.timedelta(days=1)
            code = e.code.ljust(6, "0")  # a chapter entry ('44') is declared as a code beneath it
            where = ({"destination_country": "DE", "origin_country": "BY"} if rule.kind == "import_ban"
                     else {"destination_country": "BY"})
            confidence = e.confidence or rule.confidence
            out.append(pytest.param(rule.id, rule.severity, confidence, e.ex, e.overrides_humanitarian,
                                    {"hs_code": code, "date": day.isoformat(), **where},
                                    id=f"{rule.id}:{e.code}"))
    return out


@pytest.mark.parametrize(("rule_id", "severity", "confidence", "ex", "overrides_humanitarian", "row"), _goods_rows())
def test_every_goods_code_resolves_by_its_confidence(screener: Screener, rule_id: str, severity: Severity,
                                                     confidence: str, ex: bool, overrides_humanitarian: bool,
                                                     row: dict[str, Any]) -> None:
    """Reference §0: a code built from an unverified fact, or an 'ex' code, never blocks and its
    finding says why; a confirmed, scope-confirmed or heuristic code has its rule's severity (block,
    but review for the 2021 military-end-use dual-use scope), except on humanitarian goods
    (RULES.md), which are lowered to info."""
    result = screener.screen(_row(**row))
    (finding,) = [f for f in result.findings if f.rule_id == rule_id]
    code = row["hs_code"]
    humanitarian = (int(code[:2]) <= 23 or code[:2] == "30" or "9018" <= code[:4] <= "9022") \
        and not overrides_humanitarian
    if confidence == "unverified":
        assert finding.severity != Severity.block and "unverified" in finding.message, finding.message
    elif ex:
        assert finding.severity != Severity.block and "'ex' code" in finding.message, finding.message
    elif humanitarian:
        assert finding.severity == Severity.info, finding.message
    else:
        assert finding.severity == severity, finding.message


@pytest.mark.parametrize(("issuer", "named_as_outside"), [("Hersteller", True), ("producer", True),
                                                          ("End User", False), ("Supplier", False)])
def test_issuer_outside_the_contract_words_says_how_to_settle_it(screener: Screener, issuer: str,
                                                                   named_as_outside: bool) -> None:
    # RULES.md: an unknown issuer value is not the manufacturer's (REVIEW); the message says the
    # value is not one of the contract's, so a 'Hersteller' document is not read as the supplier's.
    row = _row(hs_code="854231", destination_country="AE", end_use_doc_type="end_use_statement",
               end_use_doc_issuer=issuer)
    result = screener.screen(row, jurisdiction="EU")
    assert result.verdict == Verdict.REVIEW
    doc = next(f for f in result.findings if f.rule_id == "BY-EUD-NOT-MANUFACTURER")
    assert ("not one of the contract's issuers" in doc.message) is named_as_outside
    assert "Lithuanian" in doc.message
