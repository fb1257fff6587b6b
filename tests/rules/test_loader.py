"""The rule bundle loads, and bad rule files fail with file, line and field."""

from __future__ import annotations

import re
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


QUOTA_RULE = """
  - id: BY-TEST-QUOTA
    kind: quota
    title: Test quota
    severity: review
    regime: EU
    legal_basis: test
    valid_from: 2024-07-01
    rationale: test
    source: test
    goods_from: [BY-CHPL-EXPORT]
    params: {countries: high_risk, period: month, limit_eur: 1000}
"""


@pytest.mark.parametrize(("file", "text", "words"), [
    ("circumvention.yaml", QUOTA_RULE.replace("period: month", "period: monthly"), "'monthly' is not one of"),
    ("circumvention.yaml", QUOTA_RULE.replace("limit_eur: 1000", 'limit_eur: "1 000"'), "not a positive number"),
    ("circumvention.yaml", QUOTA_RULE.replace(", limit_eur: 1000", ""), "needs limit_eur"),
    ("circumvention.yaml", QUOTA_RULE.replace("countries: high_risk", "countries: [Atlantis]"), "Atlantis"),
    ("circumvention.yaml", QUOTA_RULE.replace("period: month", "perod: month"), "unknown setting 'perod'"),
    ("sector_import.yaml", GOOD_RULE + "    params: {min_item_value_eur: 300}\n", "allowed: none"),
])
def test_bad_params_named_with_file_line_field(bundle_copy: Path, file: str, text: str, words: str) -> None:
    """A misspelt setting or value fails at load instead of being ignored (a quota with
    ``period: monthly`` or a destination rule with ``to: sanctionned`` would judge silently wrong)."""
    target = bundle_copy / file
    lines_before = len(target.read_text(encoding="utf-8").splitlines())
    _append_rule(target, text)
    with pytest.raises(InvalidRuleFile) as e:
        load_bundle(bundle_copy)
    assert f"{file}:" in str(e.value) and "params" in str(e.value) and words in str(e.value)
    assert e.value.line is not None and e.value.line > lines_before


def test_destination_rule_with_a_misspelt_target_fails(bundle_copy: Path) -> None:
    path = bundle_copy / "dual_use.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("params: {to: high_risk}", "params: {to: highrisk}"),
                    encoding="utf-8")
    with pytest.raises(InvalidRuleFile, match="'highrisk' is not one of sanctioned, high_risk"):
        load_bundle(bundle_copy)


def test_quota_countries_are_resolved_to_codes(bundle_copy: Path) -> None:
    _append_rule(bundle_copy / "circumvention.yaml",
                 QUOTA_RULE.replace("countries: high_risk", "countries: [Kazakhstan, ARM]"))
    rule = load_bundle(bundle_copy).get("BY-TEST-QUOTA")
    assert rule is not None and rule.params["countries"] == ["KZ", "AM"]


def test_cli_validate_names_file_line_and_field(bundle_copy: Path) -> None:
    """`compliance rules validate`: one line with the file, the line and the [field] (not eaten
    as terminal markup), exit 2."""
    from typer.testing import CliRunner

    from compliance.cli import app

    target = bundle_copy / "sector_import.yaml"
    _append_rule(target, GOOD_RULE.replace("valid_from: 2022-03-03", "valid_from: someday"))
    line = len(target.read_text(encoding="utf-8").splitlines()) - 4
    result = CliRunner().invoke(app, ["rules", "validate", str(bundle_copy)])
    assert result.exit_code == 2
    output = result.output.replace("\n", "")
    assert re.search(rf"sector_import\.yaml:{line} \[rules\.\d+\.valid_from\]: rule BY-TEST-RULE", output), output
    assert "Traceback" not in output
