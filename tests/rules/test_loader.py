"""The rule bundle loads, and bad rule files fail with file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compliance.exc import InvalidRuleFile
from compliance.rules.loader import load_bundle
from compliance.settings import RULES_DIR


def test_bundled_rules_load() -> None:
    bundle = load_bundle()
    ids = [r.id for r in bundle.rules]
    assert len(ids) == len(set(ids))
    assert {"BY-SECT-POTASH", "BY-CHPL-EXPORT", "BY-TRANSIT-SENSITIVE", "BY-PARTY-LISTED"} <= set(ids)
    for rule in bundle.rules:
        assert rule.legal_basis and rule.source and rule.rationale, rule.id
    assert len(bundle.goods["BY-CHPL-EXPORT"]) == 50
    assert len(bundle.sha256) == 64


def test_chpl_rule_matches_shared_csv(shared_data: Path) -> None:
    import csv

    with (shared_data / "chpl" / "chpl_hs6.csv").open(encoding="utf-8") as f:
        codes = {row["hs6"] for row in csv.DictReader(f)}
    bundle = load_bundle()
    assert {g.code for g in bundle.goods["BY-CHPL-EXPORT"]} == codes


@pytest.fixture()
def bundle_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def _append_rule(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


GOOD_RULE = """
  - id: BY-TEST-RULE
    kind: import_ban
    title: Test
    severity: block
    regime: EU
    legal_basis: test
    valid_from: 2022-03-03
    rationale: test
    source: test
    goods:
      - {code: "2523"}
"""


@pytest.mark.parametrize(("mutation", "field", "words"), [
    (GOOD_RULE.replace("{code: \"2523\"}", "{code: \"25AB\"}"), "code", "not an HS"),
    (GOOD_RULE.replace("{code: \"2523\"}", "{code: \"7700\"}"), "code", "does not exist"),
    (GOOD_RULE.replace("kind: import_ban", "kind: importban"), "rules", "kind"),
    (GOOD_RULE.replace("    source: test\n", "    source: test\n    colour: red\n"), "colour", "unknown field"),
    (GOOD_RULE.replace("valid_from: 2022-03-03", "valid_from: someday"), "valid_from", "date"),
    (GOOD_RULE.replace("id: BY-TEST-RULE", "id: BY-SECT-WOOD"), "id", "duplicate rule id"),
    (GOOD_RULE.replace("id: BY-TEST-RULE", "id: by test"), "id", "upper-case"),
    (GOOD_RULE.replace("    legal_basis: test\n", ""), "legal_basis", "required"),
])
def test_bad_rule_named_with_file_line_field(bundle_copy: Path, mutation: str, field: str, words: str) -> None:
    target = bundle_copy / "sector_import.yaml"
    lines_before = len(target.read_text(encoding="utf-8").splitlines())
    _append_rule(target, mutation)
    with pytest.raises(InvalidRuleFile) as e:
        load_bundle(bundle_copy)
    message = str(e.value)
    assert "sector_import.yaml:" in message
    assert field in message
    assert words.lower() in message.lower()
    assert e.value.line is not None and e.value.line > lines_before


def test_malformed_yaml(bundle_copy: Path) -> None:
    (bundle_copy / "broken.yaml").write_text("family: sector\nrules:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(InvalidRuleFile) as e:
        load_bundle(bundle_copy)
    assert "broken.yaml" in str(e.value) and "YAML" in str(e.value)


def test_duplicate_key(bundle_copy: Path) -> None:
    _append_rule(bundle_copy / "sector_import.yaml", GOOD_RULE.replace("    title: Test\n", "    title: Test\n    title: Again\n"))
    with pytest.raises(InvalidRuleFile, match="duplicate key 'title'"):
        load_bundle(bundle_copy)


def test_unknown_goods_from(bundle_copy: Path) -> None:
    _append_rule(bundle_copy / "sector_import.yaml", GOOD_RULE + "    goods_from: [BY-NOPE]\n")
    with pytest.raises(InvalidRuleFile, match="BY-NOPE"):
        load_bundle(bundle_copy)


def test_norway_read_as_false_is_explained(bundle_copy: Path) -> None:
    path = bundle_copy / "countries.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('"NO"', "NO"), encoding="utf-8")
    with pytest.raises(InvalidRuleFile, match="quote it"):
        load_bundle(bundle_copy)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(InvalidRuleFile, match="not found"):
        load_bundle(tmp_path / "nope")
